import Foundation
import Logging
import PostgresNIO
import SluiceDatabase

/// The pull poller's work queue, in `pull_sources`, `pull_entities` and `pull_runs`: which
/// sources have entities due, leases on entities (`FOR UPDATE SKIP LOCKED`, so that any
/// number of workers share them), the source's request budget, and each run's record. The
/// worker (`PullWorker`) decides how many to claim and when each is due again.
struct PullQueue: Sendable {
    let logger: Logger
    /// The worker whose leases these are.
    let owner: String

    /// Hands back every entity this worker holds (at shutdown).
    func releaseAll(on client: Database) async throws {
        try await client.query("UPDATE pull_entities SET leased_by = NULL, lease_until = NULL WHERE leased_by = \(owner)", logger: logger)
    }

    /// Up to 100 active sources with unleased entities due within a second: (tenant, source,
    /// seconds until the first may be requested; ≤ 0 is now).
    func dueSources(on client: Database) async throws -> [(UUID, UUID, Double)] {
        var due: [(UUID, UUID, Double)] = []
        for try await row in try await client.query(
            """
            SELECT e.tenant_id, e.source_id, extract(epoch FROM min(greatest(e.next_run_at, s.next_request_at, s.rate_limited_until)) - now())::float8
            FROM pull_entities e JOIN pull_sources s ON s.tenant_id = e.tenant_id AND s.id = e.source_id
            WHERE e.next_run_at <= now() + make_interval(secs => 1) AND (e.lease_until IS NULL OR e.lease_until < now())
              AND s.state = 'active'
            GROUP BY 1, 2 LIMIT 100
            """,
            logger: logger
        ).decode((UUID, UUID, Double).self) { due.append(row) }
        return due
    }

    /// The source locked for this transaction if it is active and not rate-limited (nil when
    /// another worker holds it), with the database's clock and when its next request may go.
    func lockSource(tenantID: UUID, sourceID: UUID, on connection: PostgresConnection) async throws -> (PullSource, now: Date, nextRequest: Date)? {
        for try await row in try await connection.query(
            """
            SELECT \(unescaped: PullSourceRepository.columns), now() AS now, next_request_at FROM pull_sources
            WHERE tenant_id = \(tenantID) AND id = \(sourceID) AND state = 'active' AND coalesce(rate_limited_until <= now(), true)
            FOR UPDATE SKIP LOCKED
            """,
            logger: logger
        ) {
            let columns = row.makeRandomAccess()
            return (try PullSourceRepository.source(row), try columns["now"].decode(Date.self), try columns["next_request_at"].decode(Date.self))
        }
        return nil
    }

    /// The source's entities being polled now (by any worker).
    func leasedCount(tenantID: UUID, sourceID: UUID, on connection: PostgresConnection) async throws -> Int {
        for try await count in try await connection.query(
            "SELECT count(*)::int8 FROM pull_entities WHERE tenant_id = \(tenantID) AND source_id = \(sourceID) AND lease_until > now()",
            logger: logger
        ).decode(Int64.self) { return Int(count) }
        return 0
    }

    /// Leases up to `count` due entities, the longest due first, for `seconds`: (entity, failures so far).
    func lease(
        tenantID: UUID,
        sourceID: UUID,
        upTo count: Int,
        for seconds: Double,
        on connection: PostgresConnection
    ) async throws -> [(String, Int)] {
        var leased: [(String, Int)] = []
        for try await (entity, failures) in try await connection.query(
            """
            WITH due AS MATERIALIZED (
                SELECT entity FROM pull_entities
                WHERE tenant_id = \(tenantID) AND source_id = \(sourceID) AND next_run_at <= now()
                  AND (lease_until IS NULL OR lease_until < now())
                ORDER BY next_run_at LIMIT \(Int64(count)) FOR UPDATE SKIP LOCKED
            )
            UPDATE pull_entities e SET leased_by = \(owner), lease_until = now() + make_interval(secs => \(seconds))
            FROM due
            WHERE e.tenant_id = \(tenantID) AND e.source_id = \(sourceID) AND e.entity = due.entity
            RETURNING e.entity, e.failures
            """,
            logger: logger
        ).decode((String, Int32).self) { leased.append((entity, Int(failures))) }
        return leased
    }

    /// When the source's next request may go (its budget).
    func setNextRequest(tenantID: UUID, sourceID: UUID, at next: Date, on connection: PostgresConnection) async throws {
        try await connection.query(
            "UPDATE pull_sources SET next_request_at = \(next) WHERE tenant_id = \(tenantID) AND id = \(sourceID)",
            logger: logger
        )
    }

    /// Whether the source is still active and not rate-limited.
    func isWanted(_ source: PullSource, on client: Database) async throws -> Bool {
        for try await wanted in try await client.query(
            """
            SELECT state = 'active' AND coalesce(rate_limited_until <= now(), true) FROM pull_sources
            WHERE tenant_id = \(source.tenantID) AND id = \(source.id)
            """,
            logger: logger
        ).decode(Bool.self) { return wanted }
        return false
    }

    /// Gives the claim's lease back unused; the entity is due again once a rate limit ends.
    func giveBack(_ claim: PullWorker.Claim, on client: Database) async throws {
        let (tenant, source, entity) = (claim.source.tenantID, claim.source.id, claim.entity)
        try await client.query(
            """
            UPDATE pull_entities e SET leased_by = NULL, lease_until = NULL,
                next_run_at = greatest(e.next_run_at, (SELECT rate_limited_until FROM pull_sources WHERE tenant_id = \(tenant) AND id = \(source)))
            WHERE e.tenant_id = \(tenant) AND e.source_id = \(source) AND e.entity = \(entity) AND e.leased_by = \(owner)
            """,
            logger: logger
        )
    }

    /// Records the run, schedules the entity and releases its lease, only while this worker
    /// still holds it. The source's row first (a deletion or change locks it before its entities).
    func finish(_ claim: PullWorker.Claim, run: PullRun, failures: Int, next: Date, rateLimitedUntil: Date?, on client: Database) async throws {
        let (tenant, source, entity, owner) = (claim.source.tenantID, claim.source.id, claim.entity, owner)
        try await client.transaction(logger: logger) { [logger] connection in
            var exists = false
            for try await _ in try await connection.query(
                "SELECT 1 FROM pull_sources WHERE tenant_id = \(tenant) AND id = \(source) FOR KEY SHARE",
                logger: logger
            ) { exists = true }
            guard exists else { return }
            if let rateLimitedUntil {
                try await connection.query(
                    """
                    UPDATE pull_sources SET rate_limited_until = greatest(rate_limited_until, \(rateLimitedUntil))
                    WHERE tenant_id = \(tenant) AND id = \(source)
                    """,
                    logger: logger
                )
            }
            let ok = run.outcome == .ok
            try await connection.query(
                """
                WITH e AS (
                    UPDATE pull_entities SET leased_by = NULL, lease_until = NULL, next_run_at = \(next), failures = \(Int32(clamping: failures)),
                        last_run_at = \(run.startedAt), last_success_at = CASE WHEN \(ok) THEN \(run.startedAt) ELSE last_success_at END,
                        last_status = \(run.httpStatus.map(Int32.init)), last_error = \(run.error.map { String($0.prefix(500)) })
                    WHERE tenant_id = \(tenant) AND source_id = \(source) AND entity = \(entity) AND leased_by = \(owner)
                    RETURNING entity
                )
                INSERT INTO pull_runs (tenant_id, source_id, id, entity, started_at, duration_ms, outcome, http_status, error, event_id, worker)
                SELECT \(tenant), \(source), \(run.id), entity, \(run.startedAt), \(Int32(clamping: run.durationMs)), \(run.outcome),
                       \(run.httpStatus.map(Int32.init)), \(run.error.map { String($0.prefix(500)) }), \(run.eventID), \(owner)
                FROM e
                """,
                logger: logger
            )
        }
    }

    /// Deletes up to 10,000 runs older than `cutoff`.
    func prune(before cutoff: Date, on client: Database) async throws {
        try await client.query(
            "DELETE FROM pull_runs WHERE ctid = ANY(ARRAY(SELECT ctid FROM pull_runs WHERE started_at < \(cutoff) LIMIT 10000))",
            logger: logger
        )
    }
}
