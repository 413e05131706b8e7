import Foundation
import Logging
import PostgresNIO
import ServiceLifecycle
import SluiceDatabase

/// Records every consumer group's lag once a minute (`consumer_lag_samples`), and forgets
/// samples older than `ConsumerLagHistory.retention`. Every `serve` process runs it; one
/// samples each minute (an advisory lock, and the minute's rows as the mark).
package struct ConsumerLagSampler: Service {
    let client: Database
    let logger: Logger
    var interval: Duration = .seconds(60)

    package init(client: Database, logger: Logger, interval: Duration = .seconds(60)) {
        self.client = client
        self.logger = logger
        self.interval = interval
    }

    /// The first sample a minute after start: a process that lives less samples nothing, and
    /// many starting at once do not all sample at once.
    package func run() async throws {
        try await repeatEvery(interval, immediately: false) { await sampleOnce() }
    }

    /// One sample of every group, at the current minute: lag summed over the partitions, and
    /// the age of the oldest unconsumed event on any of them. One process at a time samples (a
    /// transaction-scoped advisory lock others skip), and a minute already sampled is not again.
    package func sampleOnce() async {
        do {
            try await client.transaction(logger: logger) { connection in
                let locked = try await connection.query("SELECT pg_try_advisory_xact_lock(hashtext('sluice.consumer_lag_samples'))", logger: logger)
                for try await acquired in locked.decode(Bool.self) where !acquired { return }
                try await connection.query(
                    "DELETE FROM consumer_lag_samples WHERE sampled_at < now() - make_interval(secs => \(ConsumerLagHistory.retentionSeconds))",
                    logger: logger
                )
                let done = try await connection.query(
                    "SELECT EXISTS (SELECT 1 FROM consumer_lag_samples WHERE sampled_at = date_trunc('minute', now()))",
                    logger: logger
                )
                for try await sampled in done.decode(Bool.self) where sampled { return }
                try await connection.query(
                    """
                    INSERT INTO consumer_lag_samples (tenant_id, group_id, sampled_at, lag, lag_seconds)
                    SELECT g.tenant_id, g.id, date_trunc('minute', now()),
                           sum(greatest(p.next_offset - coalesce(o.committed_offset, 0), 0))::bigint,
                           coalesce(max(CASE WHEN p.next_offset > coalesce(o.committed_offset, 0) THEN extract(epoch FROM now() - (
                               SELECT e.received_at FROM events e
                               WHERE e.tenant_id = p.tenant_id AND e.stream_id = p.stream_id AND e.partition = p.partition
                                 AND e."offset" >= coalesce(o.committed_offset, 0)
                               ORDER BY e."offset" LIMIT 1)) END), 0)::float8
                    FROM consumer_groups g
                    JOIN stream_partitions p ON p.tenant_id = g.tenant_id AND p.stream_id = g.stream_id
                    LEFT JOIN consumer_offsets o ON o.tenant_id = g.tenant_id AND o.group_id = g.id AND o.partition = p.partition
                    GROUP BY g.tenant_id, g.id
                    ON CONFLICT DO NOTHING
                    """,
                    logger: logger
                )
            }
        } catch {
            logger.error("consumer lag sampling failed", metadata: ["error": "\(String(reflecting: error))"])
        }
    }
}

/// A group's lag over time, as the sampler recorded it.
package struct ConsumerLagHistory: Sendable {
    package struct Sample: Sendable {
        package var at: Date
        package var lag: Int64
        package var lagSeconds: Double
    }

    /// Samples are kept this long (seven days).
    package static let retentionSeconds = 7 * 86400

    package var group: String
    package var stepSeconds: Int
    package var samples: [Sample]
}

extension ConsumerGroupService {
    /// The group's samples between `since` (default a day ago) and `until` (default now), at
    /// most seven days apart, the largest of each `stepSeconds`.
    package func lagHistory(
        identity: Identity,
        stream name: String,
        group groupName: String,
        since: Date?,
        until: Date?,
        stepSeconds: Int
    ) async throws -> ConsumerLagHistory {
        try identity.require(.eventsRead)
        guard (60...86400).contains(stepSeconds), stepSeconds % 60 == 0 else {
            throw SluiceError.badRequest("stepSeconds is a multiple of 60 from 60 to 86,400.", pointer: "/stepSeconds")
        }
        let until = until ?? Date()
        let since = since ?? until.addingTimeInterval(-86400)
        guard since < until else { throw SluiceError.badRequest("since is before until.", pointer: "/since") }
        guard until.timeIntervalSince(since) <= Double(ConsumerLagHistory.retentionSeconds) else {
            throw SluiceError.badRequest("since and until are at most seven days apart.", pointer: "/since")
        }
        return try await client.withConnection { connection in
            let (_, found) = try await self.group(identity: identity, stream: name, name: groupName, on: connection)
            let rows = try await connection.query(
                """
                SELECT to_timestamp(floor(extract(epoch FROM sampled_at) / \(Int64(stepSeconds))) * \(Int64(stepSeconds))) AS step,
                       max(lag), max(lag_seconds)
                FROM consumer_lag_samples
                WHERE tenant_id = \(found.tenantID) AND group_id = \(found.id) AND sampled_at >= \(since) AND sampled_at < \(until)
                GROUP BY step ORDER BY step
                """,
                logger: logger
            )
            var samples: [ConsumerLagHistory.Sample] = []
            for try await (at, lag, seconds) in rows.decode((Date, Int64, Double).self) {
                samples.append(.init(at: at, lag: lag, lagSeconds: seconds))
            }
            return ConsumerLagHistory(group: found.name, stepSeconds: stepSeconds, samples: samples)
        }
    }
}
