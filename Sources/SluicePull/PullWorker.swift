import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import PostgresNIO
import Prometheus
import ServiceLifecycle
import SluiceCore
import SluiceDatabase
import SluiceJSON
import SluiceOutbound
import SluiceSupport
import Synchronization

/// Polls the pull sources' entities: scheduler → fetcher → result.
///
/// - **Scheduler**: each round finds sources with due entities and, per source, in one
///   transaction holding the source's row (so workers take turns per source), counts the
///   source's requests in flight everywhere, takes the request slots its budget allows within
///   the next second (paced `60 / requestsPerMinute` s apart), and leases that many due entities
///   to this worker (`FOR UPDATE SKIP LOCKED`) for the timeout and 30 s more. An entity leased
///   is polled by nobody else, so no two workers ever poll one entity at once; a worker that
///   dies leaves its leases to run out, and the entities are due again.
/// - **Fetcher** (`PullFetcher`): waits for its slot, sends `GET` with the source's headers and sealed secret
///   headers, reads at most 1 MiB of JSON.
/// - **Result**: maps the answer into an event (its id the run's) and appends it through the
///   normal ingest path (schema checks, quarantine, partitioning), then, in one transaction,
///   records the run, schedules the next poll (`PullBackoff`: the interval plus jitter; after a
///   failure `retryInitialSeconds` doubling, at most the interval) and releases the lease. A 429
///   stops the whole source until its `Retry-After` (60 s when absent, at most an hour).
package final class PullWorker: Service, Sendable {
    package struct Configuration: Sendable {
        /// Requests in flight at once in this process.
        var concurrency: Int
        /// Runs older than this are deleted.
        var runRetention: Duration

        package init(concurrency: Int, runRetention: Duration) {
            self.concurrency = concurrency
            self.runRetention = runRetention
        }
    }

    struct Claim: Sendable {
        var source: PullSource
        var entity: String
        var failures: Int
        /// How long after the claim the request may start (pacing within the budget).
        var wait: TimeInterval
    }

    let configuration: Configuration
    let client: Database
    let logger: Logger
    let id: String
    private let fetcher: PullFetcher
    private let ingest: IngestService
    private let catalog: StreamCatalog
    private let alarm = Alarm()
    private let inFlight = Mutex(0)
    private let outcomes: @Sendable (PullRun.Outcome) -> Void

    /// How far ahead request slots are handed out.
    static let horizon: TimeInterval = 1
    static let leaseMargin: TimeInterval = 30

    var sources: PullSourceRepository { .init(logger: logger) }
    var queue: PullQueue { .init(logger: logger, owner: id) }

    package init(
        configuration: Configuration,
        client: Database,
        logger: Logger,
        http: OutboundHTTPClient,
        box: SecretBox,
        ingest: IngestService,
        catalog: StreamCatalog,
        metrics: PrometheusCollectorRegistry
    ) {
        self.id = Self.processWorkerID()
        self.configuration = configuration
        self.client = client
        var logger = logger
        logger[metadataKey: "puller"] = .string(id)
        self.logger = logger
        self.fetcher = PullFetcher(client: client, logger: logger, http: http, box: box)
        self.ingest = ingest
        self.catalog = catalog
        let counters = Dictionary(
            uniqueKeysWithValues: [PullRun.Outcome.ok, .failed, .timeout, .rateLimited].map { outcome in
                (
                    outcome.rawValue,
                    metrics.makeCounter(
                        name: "sluice_pull_requests_total",
                        labels: [("outcome", outcome.rawValue)],
                        help: "Pull source requests by outcome."
                    )
                )
            }
        )
        self.outcomes = { counters[$0.rawValue]?.increment() }
    }

    /// Something may be due now (a source or its entities changed on this node).
    package func wake() { alarm.ring() }

    package func run() async throws {
        logger.info("pull worker started", metadata: ["concurrency": "\(configuration.concurrency)"])
        await cancelWhenGracefulShutdown {
            await withDiscardingTaskGroup { group in
                group.addTask { await self.pruneLoop() }
                var nextWake: TimeInterval = 0
                while !Task.isCancelled {
                    if nextWake > 0 { await self.alarm.sleep(for: .milliseconds(Int(nextWake * 1000))) }
                    if Task.isCancelled { break }
                    do {
                        let (claims, soonest) = try await self.schedule()
                        for claim in claims { group.addTask { await self.poll(claim) } }
                        nextWake = min(max(soonest, 0.05), 1)
                    } catch {
                        if Task.isCancelled { break }
                        self.logger.warning("pull round failed", metadata: ["error": "\(String(reflecting: error))"])
                        nextWake = 1
                    }
                }
            }
        }
        do {
            try await queue.releaseAll(on: client)
        } catch {
            logger.warning("could not hand the pull leases back", metadata: ["error": "\(String(reflecting: error))"])
        }
        logger.info("pull worker stopped")
    }

    // MARK: Scheduler

    /// One round: claims for every source with due entities that this worker has room for;
    /// answers them and the seconds until something may be due next.
    func schedule() async throws -> (claims: [Claim], soonest: TimeInterval) {
        var free = configuration.concurrency - inFlight.withLock { $0 }
        guard free > 0 else { return ([], 1) }
        var candidates: [(UUID, UUID)] = []
        var soonest: TimeInterval = 1
        for (tenant, source, due) in try await queue.dueSources(on: client) {
            if due <= 0 { candidates.append((tenant, source)) } else { soonest = min(soonest, due) }
        }
        var claims: [Claim] = []
        for (tenant, source) in candidates.shuffled() where free > 0 {
            let taken = try await claim(tenantID: tenant, sourceID: source, upTo: free)
            inFlight.withLock { $0 += taken.count }
            free -= taken.count
            claims += taken
        }
        return (claims, soonest)
    }

    /// Leases up to `limit` due entities of one source, within its concurrency and budget.
    func claim(tenantID: UUID, sourceID: UUID, upTo limit: Int) async throws -> [Claim] {
        try await client.transaction(logger: logger) { [self] connection in
            guard let (source, now, nextRequest) = try await queue.lockSource(tenantID: tenantID, sourceID: sourceID, on: connection) else {
                return []
            }
            let polling = try await queue.leasedCount(tenantID: tenantID, sourceID: sourceID, on: connection)
            // Request slots, `spacing` apart from the first free one, up to the horizon.
            let spacing = source.spacing.timeInterval
            let first = max(nextRequest, now)
            let slots = first.timeIntervalSince(now) > Self.horizon ? 0 : Int((Self.horizon - first.timeIntervalSince(now)) / spacing) + 1
            let wanted = min(limit, source.concurrency - polling, slots)
            guard wanted > 0 else { return [] }
            let lease = Self.horizon + Double(source.timeoutMilliseconds) / 1000 + Self.leaseMargin
            var claims: [Claim] = []
            for (entity, failures) in try await queue.lease(tenantID: tenantID, sourceID: sourceID, upTo: wanted, for: lease, on: connection) {
                let slot = first.addingTimeInterval(spacing * Double(claims.count))
                claims.append(Claim(source: source, entity: entity, failures: failures, wait: slot.timeIntervalSince(now)))
            }
            guard !claims.isEmpty else { return [] }
            try await queue.setNextRequest(
                tenantID: tenantID,
                sourceID: sourceID,
                at: first.addingTimeInterval(spacing * Double(claims.count)),
                on: connection
            )
            return claims
        }
    }

    // MARK: Result

    func poll(_ claim: Claim) async {
        defer {
            inFlight.withLock { $0 -= 1 }
            alarm.ring()
        }
        if claim.wait > 0 { try? await Task.sleep(for: .milliseconds(Int(claim.wait * 1000))) }
        let source = claim.source
        // Paused, deleted or rate-limited (a 429 of another request) while this one waited for its slot.
        do {
            guard try await stillWanted(claim) else { return }
        } catch {
            logger.warning("pull round failed", metadata: ["source": "\(source.id)", "error": "\(String(reflecting: error))"])
            return
        }
        let runID = UUID.v7()
        let started = Date()
        let clock = ContinuousClock.now
        var run = PullRun(id: runID, entity: claim.entity, startedAt: started, durationMs: 0, outcome: .failed)
        var rateLimitedFor: TimeInterval?
        do {
            let answer = try await fetcher.fetch(source, entity: claim.entity)
            run.httpStatus = answer.status
            run.durationMs = Int((ContinuousClock.now - clock) / .milliseconds(1))
            switch answer.status {
            case nil:
                run.outcome = answer.timedOut ? .timeout : .failed
                run.error = answer.error
            case 429?:
                run.outcome = .rateLimited
                let seconds = PullBackoff.rateLimit(retryAfter: answer.retryAfter)
                rateLimitedFor = seconds
                run.error = "HTTP 429: rate limited for \(Int(seconds.rounded(.up))) s"
            case let status? where (200..<300).contains(status):
                (run.outcome, run.error, run.eventID) = await store(answer.body, of: source, entity: claim.entity, run: runID, at: started)
            case let status?:
                run.outcome = .failed
                let excerpt = String(decoding: answer.body.prefix(200), as: UTF8.self)
                run.error = "HTTP \(status)" + (excerpt.isEmpty ? "" : ": \(excerpt)")
            }
        } catch {
            run.outcome = .failed
            run.error = "could not poll: \(String(describing: error).prefix(300))"
        }
        outcomes(run.outcome)
        let decision = source.backoff.decide(
            run.outcome,
            rateLimitedFor: rateLimitedFor,
            failures: claim.failures,
            started: started,
            now: Date(),
            random: Double.random(in: 0...1)
        )
        do {
            try await finish(claim, run: run, decision: decision)
        } catch {
            logger.warning("could not record a pull run", metadata: ["source": "\(source.id)", "error": "\(String(reflecting: error))"])
        }
    }

    /// Whether the source still wants this request; if not, the entity's lease is given back
    /// (due again once a rate limit ends).
    private func stillWanted(_ claim: Claim) async throws -> Bool {
        if try await queue.isWanted(claim.source, on: client) { return true }
        try await queue.giveBack(claim, on: client)
        return false
    }

    /// Maps a 2xx answer into an event and appends it to the source's stream.
    private func store(
        _ body: [UInt8],
        of source: PullSource,
        entity: String,
        run: UUID,
        at date: Date
    ) async -> (PullRun.Outcome, String?, UUID?) {
        let answer: JSONValue
        do {
            answer = try JSONParser.parse(body)
        } catch {
            return (.failed, "The answer is not JSON: \(error)", nil)
        }
        let event: IncomingEvent
        do {
            event = try source.mapping.event(entity: entity, answer: answer, at: date, id: run)
        } catch {
            return (.failed, error.message, nil)
        }
        guard let stream = try? await catalog.stream(tenantID: source.tenantID, id: source.streamID) else {
            return (.failed, "The source's stream is gone.", nil)
        }
        let outcome = await ingest.ingest([.success(event)], into: stream)[0]
        switch outcome.status {
        case .stored, .duplicate: return (.ok, nil, run)
        case .rejected(let reason, _, let quarantined):
            return (.failed, "The event was refused: \(reason)" + (quarantined != nil ? " (held in quarantine)" : ""), nil)
        case .failed(let reason): return (.failed, reason, nil)
        }
    }

    /// Records the run, schedules the entity and releases its lease, only while this worker
    /// still holds it. The source's row first (a deletion or change locks it before its entities).
    private func finish(_ claim: Claim, run: PullRun, decision: PullBackoff.Decision) async throws {
        try await queue.finish(
            claim,
            run: run,
            failures: decision.failures,
            next: decision.next,
            rateLimitedUntil: decision.rateLimitedUntil,
            on: client
        )
    }

    // MARK: Housekeeping

    private func pruneLoop() async {
        while !Task.isCancelled {
            do {
                try await queue.prune(before: Date().addingTimeInterval(-configuration.runRetention.timeInterval), on: client)
            } catch {
                if Task.isCancelled { break }
                logger.warning("could not prune pull runs", metadata: ["error": "\(String(reflecting: error))"])
            }
            try? await Task.sleep(for: .seconds(600))
        }
    }
}
