import Foundation
import Logging
import PostgresNIO
import SluiceJSON

/// What a leaderboard ranks or an activity follows: the accounts, the content and the actors
/// the (normalized social) events name in `data.account`, `data.content` and `data.actor`.
enum EntityKind: String, Sendable, CaseIterable {
    case account, content, actor
}

/// What a leaderboard ranks by. Growth is the last snapshot's value at the end of the range
/// less the last before the range (else the first within it): snapshots carry running totals.
enum LeaderboardMetric: Sendable, Equatable {
    /// Events naming the entity.
    case events
    /// Growth of likes + comments + shares (an account: over its content).
    case engagement
    /// Engagement ÷ growth of views.
    case engagementRate
    /// An account's engagement ÷ its followers at the end of the range.
    case engagementPerFollower
    /// Growth of a member of `data.metrics`.
    case growth(String)
    /// The last value of a member of `data.metrics` in the range.
    case latest(String)

    init(_ text: String, kind: EntityKind) throws {
        func name(_ prefix: String) throws -> String {
            let name = String(text.dropFirst(prefix.count))
            guard (1...100).contains(name.utf8.count) else { throw SluiceError.badRequest("\(prefix)<name> needs a metric name.", pointer: "/by") }
            return name
        }
        switch text {
        case "events": self = .events
        case "engagement": self = .engagement
        case "engagementRate": self = .engagementRate
        case "engagementPerFollower": self = .engagementPerFollower
        case _ where text.hasPrefix("growth."): self = .growth(try name("growth."))
        case _ where text.hasPrefix("latest."): self = .latest(try name("latest."))
        default:
            throw SluiceError.badRequest(
                "by is events, engagement, engagementRate, engagementPerFollower, growth.<metric> or latest.<metric>.", pointer: "/by"
            )
        }
        if kind == .actor && self != .events {
            throw SluiceError.badRequest("Actors carry no metrics: rank them by events.", pointer: "/by")
        }
        if kind == .content && self == .engagementPerFollower {
            throw SluiceError.badRequest("engagementPerFollower ranks accounts.", pointer: "/by")
        }
    }
}

struct Leaderboard: Sendable {
    struct Item: Sendable {
        var entity: String
        var platform: String
        var handle: String?
        var account: String?
        var events: Int64
        var value: Double?
    }
    var from: Date
    var to: Date
    var items: [Item]
}

struct EntityActivity: Sendable {
    struct Bucket: Sendable {
        var start: Date
        var events: Int64
        /// The latest value of each metric as of the bucket's end (carried over empty buckets).
        var metrics: [String: Double]
        /// Each metric's change in the bucket: its last value less the one before the bucket
        /// (or, for a first value, less the bucket's first snapshot).
        var growth: [String: Double]
    }
    var handle: String?
    var account: String?
    var from: Date
    var to: Date
    var buckets: [Bucket]
}

/// Ranges of whole hours read from daily rows for the whole days within and hourly rows at
/// the ends.
struct EntityRange: Sendable {
    var from: Date
    var to: Date
    var dayStart: Date
    var dayEnd: Date

    static let maxDays = 366

    init(from: Date, to: Date) throws {
        self.from = AnalyticsService.floor(from, 3600)
        self.to = AnalyticsService.floor(to.addingTimeInterval(3599.999), 3600)
        guard self.from < self.to else { throw SluiceError.badRequest("from must come before to.", pointer: "/from") }
        guard self.to.timeIntervalSince(self.from) <= Double(Self.maxDays * 86_400) else {
            throw SluiceError.badRequest("At most \(Self.maxDays) days per query.", pointer: "/from")
        }
        let firstMidnight = AnalyticsService.floor(self.from.addingTimeInterval(86_399.999), 86_400)
        let lastMidnight = AnalyticsService.floor(self.to, 86_400)
        (dayStart, dayEnd) = firstMidnight < lastMidnight ? (firstMidnight, lastMidnight) : (self.from, self.from)
    }
}

extension AnalyticsService {
    /// The top `limit` entities of a kind over a range, by `metric`. Needs `events:read`.
    func leaderboard(
        identity: Identity, stream name: String, kind: EntityKind, metric: LeaderboardMetric, filter: AnalyticsFilter, limit: Int
    ) async throws -> Leaderboard {
        try identity.require(.eventsRead)
        guard (1...100).contains(limit) else { throw SluiceError.badRequest("limit is 1 to 100.", pointer: "/limit") }
        let range = try EntityRange(from: filter.from, to: filter.to)
        return try await client.transaction(logger: logger) { connection in
            // Room to aggregate many entities in memory rather than spill to disk.
            try await connection.query("SET LOCAL work_mem = '64MB'", logger: logger)
            let stream = try await streams.visible(to: identity, name: name, on: connection)
            var bindings = PostgresBindings()
            bindings.append(stream.tenantID)
            bindings.append(stream.id)
            bindings.append(range.from)
            bindings.append(range.to)
            bindings.append(range.dayStart)
            bindings.append(range.dayEnd)
            bindings.append(filter.platform)
            bindings.append(Int64(limit))
            var items: [Leaderboard.Item] = []
            for try await (platform, entity, handle, account, events, value) in try await connection.query(
                PostgresQuery(unsafeSQL: Self.leaderboardSQL(kind: kind, metric: metric), binds: bindings), logger: logger
            ).decode((String, String, String?, String?, Int64, Double?).self) {
                items.append(.init(entity: entity, platform: platform, handle: handle, account: account, events: events, value: value))
            }
            return Leaderboard(from: range.from, to: range.to, items: items)
        }
    }

    /// One entity's events and metrics per hour or day, with growth. Needs `events:read`.
    func activity(
        identity: Identity, stream name: String, kind: EntityKind, entity: String, platform: String?, resolution: Int, from: Date, to: Date
    ) async throws -> EntityActivity {
        try identity.require(.eventsRead)
        guard resolution == 3600 || resolution == 86_400 else { throw SluiceError.badRequest("resolution is 1h or 1d.", pointer: "/resolution") }
        let start = Self.floor(from, resolution)
        let count = try Self.bucketCount(from: start, to: to, resolution: resolution)
        return try await client.withConnection { connection in
            let stream = try await streams.visible(to: identity, name: name, on: connection)
            let (tenant, streamID, kindText) = (stream.tenantID, stream.id, kind.rawValue)
            var known = false
            for try await _ in try await connection.query(
                """
                SELECT 1 FROM entity_rollups WHERE tenant_id = \(tenant) AND stream_id = \(streamID) AND kind = \(kindText)
                  AND (\(platform)::text IS NULL OR platform = \(platform)) AND entity = \(entity) LIMIT 1
                """,
                logger: logger
            ) { known = true }
            guard known else { throw SluiceError.notFound("No \(kind.rawValue) '\(entity.prefix(100))' in stream '\(name.prefix(100))'") }

            var current: [String: Double] = [:]
            for try await text in try await connection.query(
                """
                SELECT last_metrics::text FROM entity_rollups
                WHERE tenant_id = \(tenant) AND stream_id = \(streamID) AND kind = \(kindText) AND (\(platform)::text IS NULL OR platform = \(platform))
                  AND entity = \(entity) AND resolution = 3600 AND bucket < \(start) AND last_at IS NOT NULL
                ORDER BY bucket DESC, last_at DESC, last_event DESC LIMIT 1
                """,
                logger: logger
            ).decode(String.self) { current = Self.numbers(text) }

            struct Row { var events: Int64 = 0, at: Date?, event: String = "", metrics: [String: Double]?, firstAt: Date?, firstEvent = "", first: [String: Double]? }
            var rows: [Date: Row] = [:]
            var handle: String?, account: String?
            for try await (bucket, events, rowHandle, rowAccount, lastAt, lastEvent, metrics, firstAt, firstEvent, first) in try await connection.query(
                """
                SELECT bucket, events, handle, account, last_at, last_event, last_metrics::text, first_at, first_event, first_metrics::text FROM entity_rollups
                WHERE tenant_id = \(tenant) AND stream_id = \(streamID) AND kind = \(kindText) AND (\(platform)::text IS NULL OR platform = \(platform))
                  AND entity = \(entity) AND resolution = \(Int32(resolution)) AND bucket >= \(start) AND bucket < \(to)
                ORDER BY bucket
                """,
                logger: logger
            ).decode((Date, Int64, String?, String?, Date?, UUID?, String?, Date?, UUID?, String?).self) {
                var row = rows[bucket] ?? Row()
                row.events += events
                if let lastAt, let lastEvent, let metrics,
                   row.at.map({ ($0, row.event) < (lastAt, lastEvent.lowercased) }) ?? true {
                    (row.at, row.event, row.metrics) = (lastAt, lastEvent.lowercased, Self.numbers(metrics))
                }
                if let firstAt, let firstEvent, let first,
                   row.firstAt.map({ ($0, row.firstEvent) > (firstAt, firstEvent.lowercased) }) ?? true {
                    (row.firstAt, row.firstEvent, row.first) = (firstAt, firstEvent.lowercased, Self.numbers(first))
                }
                rows[bucket] = row
                handle = rowHandle ?? handle
                account = rowAccount ?? account
            }
            let buckets = (0..<count).map { index in
                let bucketStart = start.addingTimeInterval(Double(index * resolution))
                let row = rows[bucketStart]
                var growth: [String: Double] = [:]
                for (metric, value) in row?.metrics ?? [:] {
                    growth[metric] = value - (current[metric] ?? row?.first?[metric] ?? value)
                    current[metric] = value
                }
                return EntityActivity.Bucket(start: bucketStart, events: row?.events ?? 0, metrics: current, growth: growth)
            }
            return EntityActivity(handle: handle, account: account, from: start, to: to, buckets: buckets)
        }
    }

    /// The numeric members of a JSON object's text.
    static func numbers(_ text: String) -> [String: Double] {
        ((try? JSONParser.parse(text))?.objectValue ?? [:]).compactMapValues { $0.numberValue?.double }
    }

    // MARK: SQL

    /// Parameters: $1 tenant, $2 stream, $3 from, $4 to, $5 first midnight, $6 last midnight,
    /// $7 platform (or null), $8 limit. Rows: platform, entity, handle, account, events, value.
    static func leaderboardSQL(kind: EntityKind, metric: LeaderboardMetric) -> String {
        func filtered(_ kind: EntityKind) -> String {
            """
            FROM entity_rollups
            WHERE tenant_id = $1 AND stream_id = $2 AND kind = '\(kind.rawValue)' AND ($7::text IS NULL OR platform = $7::text)
              AND ((resolution = 3600 AND bucket >= $3 AND bucket < $4 AND NOT (bucket >= $5 AND bucket < $6))
                   OR (resolution = 86400 AND bucket >= $5 AND bucket < $6))
            """
        }
        func ranged(_ kind: EntityKind) -> String {
            """
            SELECT platform, entity, sum(events)::int8 AS events,
                   (array_agg(handle ORDER BY bucket DESC, resolution) FILTER (WHERE handle IS NOT NULL))[1] AS handle,
                   (array_agg(account ORDER BY bucket DESC, resolution) FILTER (WHERE account IS NOT NULL))[1] AS account,
                   (array_agg(last_metrics ORDER BY last_at DESC, last_event DESC) FILTER (WHERE last_at IS NOT NULL))[1] AS latest,
                   (array_agg(first_metrics ORDER BY first_at, first_event) FILTER (WHERE first_at IS NOT NULL))[1] AS earliest
            \(filtered(kind))
            GROUP BY platform, entity
            """
        }
        /// The last snapshot of the entity of row `row` before `bound`.
        func before(_ kind: EntityKind, row: String, bound: String) -> String {
            """
            SELECT p.last_metrics FROM entity_rollups p
            WHERE p.tenant_id = $1 AND p.stream_id = $2 AND p.kind = '\(kind.rawValue)' AND p.platform = \(row).platform
              AND p.entity = \(row).entity AND p.resolution = 3600 AND p.bucket < \(bound) AND p.last_at IS NOT NULL
            ORDER BY p.bucket DESC LIMIT 1
            """
        }
        func number(_ name: String, _ object: String) -> String {
            "(CASE WHEN jsonb_typeof(\(object)->\(literal(name))) = 'number' THEN (\(object)->>\(literal(name)))::float8 END)"
        }
        func growth(_ name: String) -> String {
            "(\(number(name, "latest")) - coalesce(\(number(name, "baseline")), \(number(name, "latest"))))"
        }
        let engagement = "(coalesce(\(growth("likes")), 0) + coalesce(\(growth("comments")), 0) + coalesce(\(growth("shares")), 0))"
        // An account's engagement is its content's.
        let rows: EntityKind = kind == .account && [.engagement, .engagementRate, .engagementPerFollower].contains(metric) ? .content : kind
        let withBaseline = """
            r AS (\(ranged(rows))),
            v AS (SELECT r.*, coalesce(base.last_metrics, r.earliest) AS baseline
                  FROM r LEFT JOIN LATERAL (\(before(rows, row: "r", bound: "$3"))) base ON true)
            """
        let order = "ORDER BY value DESC NULLS LAST, events DESC, entity, platform LIMIT $8"
        switch (kind, metric) {
        case (_, .events):
            // Counting alone, then the names of the few that rank.
            return """
                WITH top AS (
                    SELECT platform, entity, sum(events)::int8 AS events \(filtered(kind))
                    GROUP BY platform, entity ORDER BY events DESC, entity, platform LIMIT $8
                )
                SELECT top.platform, top.entity, names.handle, names.account, top.events, top.events::float8 AS value
                FROM top LEFT JOIN LATERAL (
                    SELECT p.handle, p.account FROM entity_rollups p
                    WHERE p.tenant_id = $1 AND p.stream_id = $2 AND p.kind = '\(kind.rawValue)' AND p.platform = top.platform
                      AND p.entity = top.entity AND (p.handle IS NOT NULL OR p.account IS NOT NULL)
                    ORDER BY p.resolution, p.bucket DESC LIMIT 1
                ) names ON true
                ORDER BY value DESC, events DESC, entity, platform
                """
        case (_, .latest(let name)):
            return "WITH r AS (\(ranged(kind))) SELECT platform, entity, handle, account, events, \(number(name, "latest")) AS value FROM r \(order)"
        case (_, .growth(let name)):
            return "WITH \(withBaseline) SELECT platform, entity, handle, account, events, \(growth(name)) AS value FROM v \(order)"
        case (.account, _):
            let value = switch metric {
            case .engagementRate: "c.engagement / nullif(c.views, 0)"
            case .engagementPerFollower: "c.engagement / nullif(\(number("followers", "f.last_metrics")), 0)"
            default: "c.engagement"
            }
            return """
                WITH \(withBaseline),
                c AS (SELECT platform, account AS entity, sum(\(engagement)) AS engagement, sum(\(growth("views"))) AS views
                      FROM v WHERE account IS NOT NULL GROUP BY 1, 2),
                a AS (\(ranged(.account)))
                SELECT c.platform, c.entity, a.handle, NULL::text AS account, coalesce(a.events, 0)::int8 AS events, (\(value))::float8 AS value
                FROM c LEFT JOIN a USING (platform, entity)
                LEFT JOIN LATERAL (\(before(.account, row: "c", bound: "$4"))) f ON true
                \(order)
                """
        case (_, .engagementRate):
            return "WITH \(withBaseline) SELECT platform, entity, handle, account, events, \(engagement) / nullif(\(growth("views")), 0) AS value FROM v \(order)"
        default:
            return "WITH \(withBaseline) SELECT platform, entity, handle, account, events, \(engagement) AS value FROM v \(order)"
        }
    }
}
