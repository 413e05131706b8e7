import Foundation
import Logging
import PostgresNIO
import SluiceAPI

/// What a series or a distribution measures.
enum AnalyticsMetric: Sendable, Equatable {
    /// Events counted.
    case events
    /// Distinct actors (`data.actor.id`, else `data.account.id`), estimated by HyperLogLog.
    case actors
    /// likes + comments + shares.
    case engagement
    /// (likes + comments + shares) ÷ views; nil where there were no views.
    case engagementRate
    /// The sum of a numeric member of `data.metrics`.
    case sum(String)

    init(_ text: String) throws {
        switch text {
        case "events": self = .events
        case "actors": self = .actors
        case "engagement": self = .engagement
        case "engagementRate": self = .engagementRate
        default:
            // By code points, as the document counts: "metrics." and a combining mark is no Character "."
            guard text.unicodeScalars.starts(with: "metrics.".unicodeScalars), (1...100).contains(text.unicodeScalars.count - 8) else {
                throw SluiceError.badRequest(
                    "metric is events, actors, engagement, engagementRate or metrics.<name> (a member of data.metrics, such as metrics.views).",
                    pointer: "/metric"
                )
            }
            self = .sum(String(text.unicodeScalars.dropFirst(8)))
        }
    }
}

/// The filters every analytics query takes.
struct AnalyticsFilter: Sendable {
    var from: Date
    var to: Date
    var eventType: String?
    var platform: String?
    /// name → value: only rollups whose dimensions hold all of them.
    var dimensions: [String: String] = [:]

    /// Parses `name=value` pairs.
    static func dimensions(_ pairs: [String]?) throws -> [String: String] {
        var result: [String: String] = [:]
        for pair in pairs ?? [] {
            guard let equals = pair.firstIndex(of: "="), equals != pair.startIndex, pair.unicodeScalars.count <= 300 else {
                throw SluiceError.badRequest("A dimension filter is name=value.", pointer: "/dimension")
            }
            result[String(pair[..<equals])] = String(pair[pair.index(after: equals)...])
        }
        return result
    }

    var dimensionsJSON: String { StreamRepository.dimensionsJSON(dimensions) }
}

struct AnalyticsSeries: Sendable {
    struct Bucket: Sendable {
        var start: Date
        var value: Double?
        var final: Bool
    }
    var resolution: Int
    var from: Date
    var to: Date
    var watermark: Date?
    var buckets: [Bucket]
    /// The metric over the whole range (for actors: distinct over the range, not a sum).
    var total: Double?
}

struct AnalyticsDistribution: Sendable {
    struct Item: Sendable {
        var value: String
        var amount: Double?
        var events: Int64
    }
    var by: String
    var from: Date
    var to: Date
    var items: [Item]
}

/// Where the rollups of a stream stand.
struct AnalyticsStatus: Sendable {
    var allowedLatenessSeconds: Int
    var maxEventTime: Date?
    var watermark: Date?
    var lateApplied: Int64
    var lateDropped: Int64
    /// Per partition, events stored but not yet rolled up.
    var lag: [Int64]
}

/// Reading the rollups (`events:read` on the stream) and rebuilding them (`streams:manage`).
struct AnalyticsService: Sendable {
    let client: Database
    let logger: Logger
    let audit: AuditLog
    /// Days of entity rollups kept in memory for the leaderboards.
    let cache: EntityColumnCache

    static let maxBuckets = 10_000
    static let maxRebuildDays = 31

    var streams: StreamRepository { .init(logger: logger) }

    /// `resolution` in seconds (300, 3600 or 86400). Buckets from the one holding `from` up to
    /// `to` (exclusive), empty ones filled (0, or none for a rate); each says whether it is
    /// final (wholly before the stream's watermark).
    func series(
        identity: Identity,
        stream name: String,
        metric: AnalyticsMetric,
        resolution: Int,
        filter: AnalyticsFilter
    ) async throws -> AnalyticsSeries {
        try identity.require(.eventsRead)
        guard RollupConsumer.resolutions.contains(resolution) else {
            throw SluiceError.badRequest("resolution is 5m, 1h or 1d.", pointer: "/resolution")
        }
        let start = Self.floor(filter.from, resolution)
        let count = try Self.bucketCount(from: start, to: filter.to, resolution: resolution)
        return try await client.withConnection { connection in
            let stream = try await streams.visible(to: identity, name: name, on: connection)
            let status = try await self.status(of: stream, on: connection)
            var values: [Date: Double?] = [:]
            for try await (bucket, value) in try await connection.query(
                Self.aggregate(metric, key: .bucket, stream: stream, resolution: resolution, from: start, filter: filter),
                logger: logger
            ).decode((Date, Double?).self) { values[bucket] = value }
            var total: Double?
            for try await value in try await connection.query(
                Self.aggregate(metric, key: nil, stream: stream, resolution: resolution, from: start, filter: filter),
                logger: logger
            ).decode(Double?.self) { total = value }
            let empty: Double? = metric == .engagementRate ? nil : 0
            let buckets = (0..<count).map { index in
                let bucketStart = start.addingTimeInterval(Double(index * resolution))
                return AnalyticsSeries.Bucket(
                    start: bucketStart,
                    value: values[bucketStart] ?? empty,
                    final: status.watermark.map { bucketStart.addingTimeInterval(Double(resolution)) <= $0 } ?? false
                )
            }
            return AnalyticsSeries(
                resolution: resolution,
                from: start,
                to: filter.to,
                watermark: status.watermark,
                buckets: buckets,
                total: total ?? empty
            )
        }
    }

    /// The metric over a range split by event type, platform or one of the stream's
    /// dimensions, largest first. The range's ends go to 5-minute boundaries; it is read from
    /// daily rows for its whole days, hourly rows for its whole hours beside them, and
    /// 5-minute rows at the ends.
    func distribution(
        identity: Identity,
        stream name: String,
        by: String,
        metric: AnalyticsMetric,
        filter: AnalyticsFilter,
        limit: Int
    ) async throws -> AnalyticsDistribution {
        try identity.require(.eventsRead)
        guard (1...1000).contains(limit) else { throw SluiceError.badRequest("limit is 1 to 1,000.", pointer: "/limit") }
        let from = Self.floor(filter.from, 300)
        let to = Self.floor(filter.to.addingTimeInterval(299.999), 300)
        guard from < to else { throw SluiceError.badRequest("from must come before to.", pointer: "/from") }
        return try await client.withConnection { connection in
            let stream = try await streams.visible(to: identity, name: name, on: connection)
            let key: GroupKey
            switch by {
            case "type": key = .eventType
            case "platform": key = .platform
            default:
                guard stream.dimensions[by] != nil else {
                    throw SluiceError.badRequest(
                        "by is type, platform or one of the stream's dimensions (\(stream.dimensions.keys.sorted().joined(separator: ", ")))",
                        pointer: "/by"
                    )
                }
                key = .dimension(by)
            }
            var range = filter
            range.from = from
            range.to = to
            var items: [AnalyticsDistribution.Item] = []
            for try await (value, amount, events) in try await connection.query(
                Self.aggregate(
                    metric,
                    key: key,
                    stream: stream,
                    resolution: 300,
                    from: from,
                    filter: range,
                    withEvents: true,
                    limit: limit,
                    segments: Self.segments(from: from, to: to)
                ),
                logger: logger
            ).decode((String, Double?, Int64).self) {
                items.append(.init(value: value, amount: amount, events: events))
            }
            return AnalyticsDistribution(by: by, from: from, to: to, items: items)
        }
    }

    func status(identity: Identity, stream name: String) async throws -> AnalyticsStatus {
        try identity.require(.eventsRead)
        return try await client.withConnection { connection in
            try await status(of: try await streams.visible(to: identity, name: name, on: connection), on: connection)
        }
    }

    private func status(of stream: Stream, on connection: PostgresConnection) async throws -> AnalyticsStatus {
        var status = AnalyticsStatus(
            allowedLatenessSeconds: stream.allowedLatenessSeconds,
            lateApplied: 0,
            lateDropped: 0,
            lag: stream.nextOffsets
        )
        for try await (time, watermark, applied, dropped) in try await connection.query(
            """
            SELECT max_event_time, CASE WHEN watermark > '-infinity' THEN watermark END, late_applied, late_dropped FROM rollup_watermarks
            WHERE tenant_id = \(stream.tenantID) AND stream_id = \(stream.id) AND max_event_time > '-infinity'
            """,
            logger: logger
        ).decode((Date, Date?, Int64, Int64).self) {
            status.maxEventTime = time
            status.watermark = watermark
            status.lateApplied = applied
            status.lateDropped = dropped
        }
        for try await (partition, next) in try await connection.query(
            "SELECT partition, next_offset FROM rollup_offsets WHERE tenant_id = \(stream.tenantID) AND stream_id = \(stream.id)",
            logger: logger
        ).decode((Int16, Int64).self) where Int(partition) < status.lag.count {
            status.lag[Int(partition)] = max(0, stream.nextOffsets[Int(partition)] - next)
        }
        return status
    }

    /// Rebuilds the rollups of the whole UTC days covering [from, to) from the event store:
    /// in one transaction that holds every partition of the stream's rollup consumer, deletes
    /// those days' rollups and aggregates again the events the consumer had applied (those
    /// before its offsets, less the late ones). Ingest goes on; the consumer waits and then
    /// carries on where it was, so nothing is counted twice. Audited.
    func rebuild(
        identity: Identity,
        stream name: String,
        from: Date,
        to: Date,
        origin: RequestOrigin
    ) async throws -> (from: Date, to: Date, events: Int64) {
        try identity.require(.streamsManage)
        let start = Self.floor(from, 86_400)
        let end = Self.floor(to.addingTimeInterval(86_399.999), 86_400)
        guard start < end else { throw SluiceError.badRequest("from must come before to.", pointer: "/from") }
        let days = Int(end.timeIntervalSince(start) / 86_400)
        guard days <= Self.maxRebuildDays else {
            throw SluiceError.badRequest("At most \(Self.maxRebuildDays) days per rebuild (that is \(days)).", pointer: "/to")
        }
        return try await client.transaction(logger: logger) { connection in
            let stream = try await streams.visible(to: identity, name: name, on: connection)
            let (tenant, streamID) = (stream.tenantID, stream.id)
            try await connection.query(
                """
                INSERT INTO rollup_offsets (tenant_id, stream_id, partition)
                SELECT \(tenant), \(streamID), partition FROM stream_partitions WHERE tenant_id = \(tenant) AND stream_id = \(streamID)
                ON CONFLICT DO NOTHING
                """,
                logger: logger
            )
            try await connection.query(
                "SELECT 1 FROM rollup_offsets WHERE tenant_id = \(tenant) AND stream_id = \(streamID) ORDER BY partition FOR UPDATE",
                logger: logger
            )
            // A new generation of the stream's rollups: what the leaderboards cached of them is stale.
            try await connection.query(
                """
                INSERT INTO rollup_watermarks (tenant_id, stream_id, max_event_time) VALUES (\(tenant), \(streamID), '-infinity')
                ON CONFLICT (tenant_id, stream_id) DO UPDATE SET rebuilds = rollup_watermarks.rebuilds + 1
                """,
                logger: logger
            )
            try await connection.query(
                "DELETE FROM rollups WHERE tenant_id = \(tenant) AND stream_id = \(streamID) AND bucket >= \(start) AND bucket < \(end)",
                logger: logger
            )
            try await connection.query(
                "DELETE FROM entity_rollups WHERE tenant_id = \(tenant) AND stream_id = \(streamID) AND bucket >= \(start) AND bucket < \(end)",
                logger: logger
            )
            let statements = RollupSQL.upserts(
                tenant: tenant,
                stream: streamID,
                dimensions: stream.dimensions,
                source: """
                    FROM events e
                    JOIN rollup_offsets o ON o.tenant_id = e.tenant_id AND o.stream_id = e.stream_id AND o.partition = e.partition
                    WHERE e.tenant_id = $1 AND e.stream_id = $2 AND e.occurred_at >= $3 AND e.occurred_at < $4 AND e."offset" < o.next_offset
                      AND NOT EXISTS (SELECT 1 FROM late_events l WHERE l.tenant_id = e.tenant_id AND l.stream_id = e.stream_id
                                      AND l.partition = e.partition AND l."offset" = e."offset")
                    """
            ) {
                $0.bind(start)
                $0.bind(end)
            }
            for statement in statements { try await connection.query(statement, logger: logger) }
            var events: Int64 = 0
            for try await count in try await connection.query(
                """
                SELECT coalesce(sum(events), 0)::int8 FROM rollups
                WHERE tenant_id = \(tenant) AND stream_id = \(streamID) AND resolution = 86400 AND bucket >= \(start) AND bucket < \(end)
                """,
                logger: logger
            ).decode(Int64.self) { events = count }
            try await audit.append(
                AuditRecord(
                    tenantID: tenant,
                    actor: identity.auditActor,
                    action: "analytics.rebuilt",
                    targetType: "stream",
                    targetID: streamID.lowercased,
                    details: ["name": stream.name, "from": RFC3339.format(start), "to": RFC3339.format(end), "events": String(events)],
                    origin: origin
                ),
                on: connection
            )
            return (start, end, events)
        }
    }

    // MARK: SQL

    static func floor(_ date: Date, _ resolution: Int) -> Date {
        Date(timeIntervalSince1970: (date.timeIntervalSince1970 / Double(resolution)).rounded(.down) * Double(resolution))
    }

    /// [from, to) as the fewest rollup buckets: (resolution, start, end) pieces, coarsest
    /// in the middle. Both ends on 5-minute boundaries.
    static func segments(from: Date, to: Date) -> [(resolution: Int, start: Date, end: Date)] {
        func ceil(_ date: Date, _ resolution: Int) -> Date { floor(date.addingTimeInterval(Double(resolution) - 0.001), resolution) }
        func split(_ start: Date, _ end: Date, levels: ArraySlice<Int>) -> [(resolution: Int, start: Date, end: Date)] {
            guard start < end else { return [] }
            guard let resolution = levels.last, resolution > 300 else { return [(300, start, end)] }
            let (inner, outer) = (ceil(start, resolution), floor(end, resolution))
            guard inner < outer else { return split(start, end, levels: levels.dropLast()) }
            return split(start, inner, levels: levels.dropLast()) + [(resolution, inner, outer)] + split(outer, end, levels: levels.dropLast())
        }
        return split(from, to, levels: RollupConsumer.resolutions[...])
    }

    static func bucketCount(from start: Date, to: Date, resolution: Int) throws -> Int {
        guard start < to else { throw SluiceError.badRequest("from must come before to.", pointer: "/from") }
        let count = Int((to.timeIntervalSince(start) / Double(resolution)).rounded(.up))
        guard count <= maxBuckets else {
            throw SluiceError.badRequest("That is \(count) buckets; at most \(maxBuckets) per query (take a coarser resolution).", pointer: "/from")
        }
        return count
    }

    /// What `aggregate` groups by.
    enum GroupKey {
        case bucket, eventType, platform
        /// One of the stream's dimensions ('' for events without it).
        case dimension(String)
    }

    /// The metric per `key` (none: over everything) of the rollups at `resolution` in
    /// [from, filter.to) matching the filter. Rows: (key, value[, events]).
    static func aggregate(
        _ metric: AnalyticsMetric,
        key: GroupKey?,
        stream: Stream,
        resolution: Int,
        from: Date,
        filter: AnalyticsFilter,
        withEvents: Bool = false,
        limit: Int? = nil,
        segments: [(resolution: Int, start: Date, end: Date)]? = nil
    ) -> PostgresQuery {
        var sql = BoundSQL()
        func sum(_ name: String) -> String {
            let member = sql.bind(name)
            return "sum(CASE WHEN jsonb_typeof(metrics->\(member)::text) = 'number' THEN (metrics->>\(member)::text)::numeric END)"
        }
        let keyColumn: String? =
            switch key {
            case nil: nil
            case .bucket: "bucket"
            case .eventType: "event_type"
            case .platform: "platform"
            case .dimension(let name): "coalesce(dimensions->>\(sql.bind(name))::text, '')"
            }
        let value: String
        switch metric {
        case .events: value = "sum(events)::float8"
        case .actors: value = "hll_cardinality(hll_union_agg(actors))::float8"
        case .engagement, .engagementRate:
            let engagement = "coalesce(\(sum("likes")), 0) + coalesce(\(sum("comments")), 0) + coalesce(\(sum("shares")), 0)"
            value = metric == .engagement ? "(\(engagement))::float8" : "((\(engagement)) / nullif(\(sum("views")), 0))::float8"
        case .sum(let name): value = "coalesce(\(sum(name)), 0)::float8"
        }
        let range: String
        if let segments {
            range =
                "("
                + segments.map { segment in
                    "(resolution = \(sql.bind(Int32(segment.resolution))) AND bucket >= \(sql.bind(segment.start)) AND bucket < \(sql.bind(segment.end)))"
                }.joined(separator: " OR ") + ")"
        } else {
            range = "resolution = \(sql.bind(Int32(resolution))) AND bucket >= \(sql.bind(from)) AND bucket < \(sql.bind(filter.to))"
        }
        let (eventType, platform) = (sql.bind(filter.eventType), sql.bind(filter.platform))
        let text = """
            SELECT \(keyColumn.map { "\($0), " } ?? "")\(value)\(withEvents ? ", sum(events)::int8" : "")
            FROM rollups
            WHERE tenant_id = \(sql.bind(stream.tenantID)) AND stream_id = \(sql.bind(stream.id)) AND \(range)
              AND (\(eventType)::text IS NULL OR event_type = \(eventType)::text)
              AND (\(platform)::text IS NULL OR platform = \(platform)::text)
              AND dimensions @> \(sql.bind(filter.dimensionsJSON))::jsonb
            \(keyColumn == nil ? "" : "GROUP BY 1")
            \(limit.map { "ORDER BY 2 DESC NULLS LAST, 1 LIMIT \(sql.bind(Int64($0)))" } ?? "")
            """
        return sql.query(text)
    }
}
