import Foundation
import Logging
import PostgresNIO

/// The reads of `entity_rollups` that leaderboards and an entity's activity make besides the
/// column reader's (`EntityColumnReader`, which reads days and hours of a scope whole): where
/// hourly rows lie, a scope's first day, the names of ranked entities, and one entity's rows.
/// `RollupStore` writes the table; `AnalyticsService` decides what to read.
struct EntityStore: Sendable {
    let logger: Logger

    /// One entity's rows: what `activity` merges per bucket (an entity has a row per platform
    /// when the platform is not given).
    struct ActivityRow: Sendable {
        var bucket: Date
        var events: Int64
        var handle: String?
        var account: String?
        var lastAt: Date?
        var lastEvent: UUID?
        var lastMetrics: String?
        var firstAt: Date?
        var firstEvent: UUID?
        var firstMetrics: String?
    }

    /// One entity of a scope, on one platform or any.
    struct Entity: Sendable {
        var scope: EntityScope
        var entity: String
        var platform: String?
    }

    /// Whether no hourly rows of `kinds` lie in `before` and in `after` (each a span of hours
    /// at an end of a range, out to midnight).
    func noHourlyRows(
        tenant: UUID,
        stream: UUID,
        kinds: [EntityKind],
        before: Range<Date>,
        after: Range<Date>,
        on connection: PostgresConnection
    ) async throws -> (before: Bool, after: Bool) {
        var answer = (before: false, after: false)
        let kinds = kinds.map(\.rawValue)
        for try await (none, noneAfter) in try await connection.query(
            """
            SELECT NOT EXISTS (SELECT 1 FROM entity_rollups WHERE tenant_id = \(tenant) AND stream_id = \(stream) AND resolution = 3600
                                 AND kind = ANY(\(kinds)::text[]) AND bucket >= \(before.lowerBound) AND bucket < \(before.upperBound)),
                   NOT EXISTS (SELECT 1 FROM entity_rollups WHERE tenant_id = \(tenant) AND stream_id = \(stream) AND resolution = 3600
                                 AND kind = ANY(\(kinds)::text[]) AND bucket >= \(after.lowerBound) AND bucket < \(after.upperBound))
            """,
            logger: logger
        ).decode((Bool, Bool).self) { answer = (none, noneAfter) }
        return answer
    }

    /// The scope's first day with a row, nil when it has none.
    func firstDay(_ scope: EntityScope, on connection: PostgresConnection) async throws -> Date? {
        var first: Date?
        for try await day in try await connection.query(
            """
            SELECT min(bucket) FROM entity_rollups WHERE tenant_id = \(scope.tenant) AND stream_id = \(scope.stream)
              AND resolution = 86400 AND kind = \(scope.kind.rawValue)
            """,
            logger: logger
        ).decode(Date?.self) { first = day }
        return first
    }

    /// Each entity's handle and account from its latest row naming either (a day's row holds
    /// its latest hour's), the first row of a backward scan of `entity_rollups_by_entity`,
    /// keyed by `EntityNames.key`. (Ordered hours first, every row of each entity was read and
    /// sorted: 22 ms for ten accounts at 10 M events, 0.7 ms so.)
    func names(
        of entities: [(platform: String, entity: String)],
        scope: EntityScope,
        on connection: PostgresConnection
    ) async throws -> [String: (handle: String?, account: String?)] {
        var names: [String: (handle: String?, account: String?)] = [:]
        for try await (platform, entity, handle, account) in try await connection.query(
            """
            SELECT t.platform, t.entity, n.handle, n.account FROM unnest(\(entities.map(\.platform))::text[], \(entities.map(\.entity))::text[]) AS t (platform, entity)
            CROSS JOIN LATERAL (
                SELECT p.handle, p.account FROM entity_rollups p
                WHERE p.tenant_id = \(scope.tenant) AND p.stream_id = \(scope.stream) AND p.kind = \(scope.kind.rawValue) AND p.entity = t.entity
                  AND p.platform = t.platform AND (p.handle IS NOT NULL OR p.account IS NOT NULL)
                ORDER BY p.resolution DESC, p.bucket DESC LIMIT 1
            ) n
            """,
            logger: logger
        ).decode((String, String, String?, String?).self) { names[EntityNames.key(platform, entity)] = (handle, account) }
        return names
    }

    /// Whether any row names the entity.
    func exists(_ entity: Entity, on connection: PostgresConnection) async throws -> Bool {
        let scope = entity.scope
        for try await _ in try await connection.query(
            """
            SELECT 1 FROM entity_rollups WHERE tenant_id = \(scope.tenant) AND stream_id = \(scope.stream) AND kind = \(scope.kind.rawValue)
              AND (\(entity.platform)::text IS NULL OR platform = \(entity.platform)) AND entity = \(entity.entity) LIMIT 1
            """,
            logger: logger
        ) { return true }
        return false
    }

    /// The entity's last snapshot's metrics (JSON text) in an hour before `start`.
    func lastMetrics(_ entity: Entity, before start: Date, on connection: PostgresConnection) async throws -> String? {
        let scope = entity.scope
        var metrics: String?
        for try await text in try await connection.query(
            """
            SELECT last_metrics::text FROM entity_rollups
            WHERE tenant_id = \(scope.tenant) AND stream_id = \(scope.stream) AND kind = \(scope.kind.rawValue)
              AND (\(entity.platform)::text IS NULL OR platform = \(entity.platform))
              AND entity = \(entity.entity) AND resolution = 3600 AND bucket < \(start) AND last_at IS NOT NULL
            ORDER BY bucket DESC, last_at DESC, last_event DESC LIMIT 1
            """,
            logger: logger
        ).decode(String.self) { metrics = text }
        return metrics
    }

    /// The entity's rows of one resolution in [from, to), by bucket.
    func rows(_ entity: Entity, resolution: Int32, from: Date, to: Date, on connection: PostgresConnection) async throws -> [ActivityRow] {
        let scope = entity.scope
        var rows: [ActivityRow] = []
        for try await (bucket, events, handle, account, lastAt, lastEvent, lastMetrics, firstAt, firstEvent, firstMetrics)
            in try await connection.query(
                """
                SELECT bucket, events, handle, account, last_at, last_event, last_metrics::text, first_at, first_event, first_metrics::text
                FROM entity_rollups
                WHERE tenant_id = \(scope.tenant) AND stream_id = \(scope.stream) AND kind = \(scope.kind.rawValue)
                  AND (\(entity.platform)::text IS NULL OR platform = \(entity.platform))
                  AND entity = \(entity.entity) AND resolution = \(resolution) AND bucket >= \(from) AND bucket < \(to)
                ORDER BY bucket
                """,
                logger: logger
            ).decode((Date, Int64, String?, String?, Date?, UUID?, String?, Date?, UUID?, String?).self)
        {
            rows.append(
                ActivityRow(
                    bucket: bucket,
                    events: events,
                    handle: handle,
                    account: account,
                    lastAt: lastAt,
                    lastEvent: lastEvent,
                    lastMetrics: lastMetrics,
                    firstAt: firstAt,
                    firstEvent: firstEvent,
                    firstMetrics: firstMetrics
                )
            )
        }
        return rows
    }
}
