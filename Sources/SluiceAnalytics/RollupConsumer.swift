import Foundation
import Logging
import PostgresNIO
import Prometheus
import ServiceLifecycle
import SluiceCore
import SluiceDatabase
import SluiceJSON

/// Keeps every stream's rollups (5 minutes, 1 hour, 1 day on event time, by event type,
/// platform and the stream's dimensions: event count, sums of `data.metrics`, a HyperLogLog of
/// actors) exactly once: a batch's rollup deltas, its late events, the watermark and the
/// consumer's offset commit in one transaction, so a crash never counts an event twice or not
/// at all (DESIGN.md §12).
///
/// The watermark of a stream follows the latest event time of its slowest partition still
/// behind, less the stream's allowed lateness (default 1 hour; see `StreamProgress`); an
/// event time counts for it at most 5 minutes past the event's receipt, so a producer's clock
/// in the future cannot make every other event late. An event older than the watermark when
/// it is applied is not counted; it is recorded in `late_events` (listed in the failure view). Any number of nodes
/// may run the consumer: a partition's batch holds its offset row's lock (`SKIP LOCKED`), so
/// nodes never apply one partition at once. Woken by `EventNotifier` when events are stored.
package final class RollupConsumer: Service, Sendable {
    package struct Configuration: Sendable {
        var batchSize = 5000
        var idleCheck: Duration = .seconds(5)
        /// After a round that applied events without filling a batch, how long events gather
        /// before the next: a batch's cost is mostly fixed (about a dozen statements, one of
        /// them large), so under a steady trickle of single events, applying each wake's one or two
        /// events cost PostgreSQL more than storing them. The first events after an idle spell
        /// are applied at once; a consumer that is behind (a full batch) goes on at once.
        var gather: Duration = .milliseconds(250)
        /// Tests only: called inside a batch's transaction after the rollups are written and
        /// before the offset moves; throwing there rolls the batch back, as a crash would.
        var fault: (@Sendable (_ batch: Int) throws -> Void)?

        package init(
            batchSize: Int = 5000,
            idleCheck: Duration = .seconds(5),
            gather: Duration = .milliseconds(250),
            fault: (@Sendable (_ batch: Int) throws -> Void)? = nil
        ) {
            self.batchSize = batchSize
            self.idleCheck = idleCheck
            self.gather = gather
            self.fault = fault
        }
    }

    static let resolutions = [300, 3600, 86_400]

    private let configuration: Configuration
    private let client: Database
    private let logger: Logger
    private let notifier: EventNotifier
    private let applied: Prometheus.Counter?
    private let late: Prometheus.Counter?
    private var store: RollupStore { .init(logger: logger) }

    package init(
        configuration: Configuration = .init(),
        client: Database,
        logger: Logger,
        notifier: EventNotifier,
        metrics: PrometheusCollectorRegistry? = nil
    ) {
        self.configuration = configuration
        self.client = client
        self.logger = logger
        self.notifier = notifier
        let counter = { (outcome: String) in
            metrics?.makeCounter(
                name: "sluice_rollup_events_total",
                labels: [("outcome", outcome)],
                help: "Events the analytics consumer applied to the rollups, or left out as later than the watermark."
            )
        }
        applied = counter("applied")
        late = counter("late")
    }

    package func run() async throws {
        await cancelWhenGracefulShutdown {
            var failures = 0
            var batch = 0
            while !Task.isCancelled {
                let version = self.notifier.version(of: EventNotifier.anyStream)
                do {
                    let round = try await self.round(numbering: &batch)
                    failures = 0
                    if round.taken == 0 {
                        await self.notifier.wait(for: EventNotifier.anyStream, after: version, timeout: self.configuration.idleCheck)
                    } else if !round.behind {
                        try? await Task.sleep(for: self.configuration.gather)
                    }
                } catch {
                    if Task.isCancelled { break }
                    failures += 1
                    self.logger.warning("rollup batch failed; retrying", metadata: ["error": "\(String(reflecting: error))"])
                    try? await Task.sleep(for: .milliseconds(min(5000, 100 << min(failures, 6))))
                }
            }
        }
    }

    /// Applies one batch of every partition with events not yet rolled up, until none is left
    /// (or the others are held by other nodes); answers the events taken in (applied or late).
    @discardableResult
    func drain() async throws -> Int {
        var total = 0
        var batch = 0
        while !Task.isCancelled {
            let round = try await round(numbering: &batch)
            total += round.taken
            if round.taken == 0 { break }
        }
        return total
    }

    /// One batch of every partition with events not yet rolled up: the events taken in, and
    /// whether a batch was full (more are waiting).
    private func round(numbering batch: inout Int) async throws -> (taken: Int, behind: Bool) {
        var taken = 0
        var behind = false
        for work in try await store.pending(on: client) where !Task.isCancelled {
            batch += 1
            let count = try await apply(work, batch: batch)
            taken += count
            behind = behind || count >= configuration.batchSize
        }
        return (taken, behind)
    }

    struct Work: Sendable {
        var tenantID: UUID
        var streamID: UUID
        var partition: Int
        var lateness: Int
        /// name → JSON pointer into `data`.
        var dimensions: [String: String]
    }

    /// Applies one batch of a partition; answers the events taken in (0 if another node holds
    /// the partition or nothing was there).
    private func apply(_ work: Work, batch number: Int) async throws -> Int {
        let store = store
        let (taken, lateCount) = try await client.transaction(logger: logger) { [self] connection -> (Int, Int) in
            let key = RollupStore.PartitionKey(tenant: work.tenantID, stream: work.streamID, partition: Int16(work.partition))
            guard let next = try await store.claim(key, on: connection) else { return (0, 0) }
            let (events, end) = try await store.events(of: key, from: next, limit: configuration.batchSize, on: connection)
            guard let last = events.last else {
                // Nothing at or past `next` in a snapshot whose counter is `end`: what lies between
                // was dropped (retention); skip it, and nothing that committed later.
                if end > next { try await store.skip(key, to: end, on: connection) }
                return (0, 0)
            }
            let (streamMax, watermark) = try await store.lockWatermark(of: key, on: connection)
            var progress = try await store.progress(of: key, on: connection)
            let batch = progress.take(events, of: work.partition, from: next, watermark: watermark, streamMax: streamMax, lateness: work.lateness)
            let (applied, late) = (batch.applied, batch.late)

            if !applied.isEmpty || !late.isEmpty {
                // Before the upserts: a batch that applies events takes the next number, which its
                // entity rollup rows carry.
                try await store.recordBatch(
                    of: key,
                    maxEventTime: batch.streamMax,
                    watermark: batch.watermark,
                    lateApplied: batch.lateApplied,
                    lateDropped: late.count,
                    appliedAny: !applied.isEmpty,
                    on: connection
                )
            }
            if !applied.isEmpty { try await store.addRollups(of: key, offsets: applied, dimensions: work.dimensions, on: connection) }
            if !late.isEmpty { try await store.recordLate(late, of: key, on: connection) }
            try configuration.fault?(number)
            try await store.commit(key, next: last.offset + 1, maxEventTime: batch.partitionMaxEventTime, on: connection)
            return (events.count, late.count)
        }
        applied?.increment(by: Int64(taken - lateCount))
        late?.increment(by: Int64(lateCount))
        return taken
    }
}
