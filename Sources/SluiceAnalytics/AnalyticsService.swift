import Foundation
import Logging
import PostgresNIO
import SluiceAPI
import SluiceCore
import SluiceDatabase

/// What a series or a distribution measures.
package enum AnalyticsMetric: Sendable, Equatable {
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

    package init(_ text: String) throws {
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
package struct AnalyticsFilter: Sendable {
    package var from: Date
    package var to: Date
    var eventType: String?
    var platform: String?
    /// name → value: only rollups whose dimensions hold all of them.
    var dimensions: [String: String] = [:]

    package init(from: Date, to: Date, eventType: String? = nil, platform: String? = nil, dimensions: [String: String] = [:]) {
        self.from = from
        self.to = to
        self.eventType = eventType
        self.platform = platform
        self.dimensions = dimensions
    }

    /// Parses `name=value` pairs.
    package static func dimensions(_ pairs: [String]?) throws -> [String: String] {
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

package struct AnalyticsSeries: Sendable {
    package struct Bucket: Sendable {
        package var start: Date
        package var value: Double?
        package var final: Bool
    }
    var resolution: Int
    package var from: Date
    package var to: Date
    package var watermark: Date?
    package var buckets: [Bucket]
    /// The metric over the whole range (for actors: distinct over the range, not a sum).
    package var total: Double?
}

package struct AnalyticsDistribution: Sendable {
    package struct Item: Sendable {
        package var value: String
        package var amount: Double?
        package var events: Int64
    }
    package var by: String
    package var from: Date
    package var to: Date
    package var items: [Item]
}

/// Where the rollups of a stream stand.
package struct AnalyticsStatus: Sendable {
    package var allowedLatenessSeconds: Int
    package var maxEventTime: Date?
    package var watermark: Date?
    package var lateApplied: Int64
    package var lateDropped: Int64
    /// Per partition, events stored but not yet rolled up.
    package var lag: [Int64]
}

/// Reading the rollups (`events:read` on the stream) and rebuilding them (`streams:manage`).
package struct AnalyticsService: Sendable {
    let client: Database
    let logger: Logger
    let audit: AuditLog
    /// Days of entity rollups kept in memory for the leaderboards.
    let cache: EntityColumnCache

    package init(client: Database, logger: Logger, audit: AuditLog, cache: EntityColumnCache) {
        self.client = client
        self.logger = logger
        self.audit = audit
        self.cache = cache
    }

    static let maxBuckets = 10_000
    static let maxRebuildDays = 31

    var streams: StreamRepository { .init(logger: logger) }
    var store: RollupStore { .init(logger: logger) }
    var entities: EntityStore { .init(logger: logger) }

    /// `resolution` in seconds (300, 3600 or 86400). Buckets from the one holding `from` up to
    /// `to` (exclusive), empty ones filled (0, or none for a rate); each says whether it is
    /// final (wholly before the stream's watermark).
    package func series(
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
            for (bucket, value) in try await store.perBucket(
                metric,
                stream: stream,
                resolution: resolution,
                from: start,
                filter: filter,
                on: connection
            ) {
                values[bucket] = value
            }
            let total = try await store.total(metric, stream: stream, resolution: resolution, from: start, filter: filter, on: connection)
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
    package func distribution(
        identity: Identity,
        stream name: String,
        by: String,
        metric: AnalyticsMetric,
        filter: AnalyticsFilter,
        limit: Int
    ) async throws -> AnalyticsDistribution {
        try identity.require(.eventsRead)
        guard InputBounds.distributionLimit.contains(limit) else {
            throw SluiceError.badRequest("limit is 1 to \(InputBounds.distributionLimit.max).", pointer: "/limit")
        }
        let from = Self.floor(filter.from, 300)
        let to = Self.floor(filter.to.addingTimeInterval(299.999), 300)
        guard from < to else { throw SluiceError.badRequest("from must come before to.", pointer: "/from") }
        return try await client.withConnection { connection in
            let stream = try await streams.visible(to: identity, name: name, on: connection)
            let key: RollupStore.GroupKey
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
            for (value, amount, events) in try await store.distribution(
                metric,
                key: key,
                stream: stream,
                from: from,
                filter: range,
                limit: limit,
                segments: Self.segments(from: from, to: to),
                on: connection
            ) {
                items.append(.init(value: value, amount: amount, events: events))
            }
            return AnalyticsDistribution(by: by, from: from, to: to, items: items)
        }
    }

    package func status(identity: Identity, stream name: String) async throws -> AnalyticsStatus {
        try identity.require(.eventsRead)
        return try await client.withConnection { connection in
            try await status(of: try await streams.visible(to: identity, name: name, on: connection), on: connection)
        }
    }

    private func status(of stream: SluiceCore.Stream, on connection: PostgresConnection) async throws -> AnalyticsStatus {
        var status = AnalyticsStatus(
            allowedLatenessSeconds: stream.allowedLatenessSeconds,
            lateApplied: 0,
            lateDropped: 0,
            lag: stream.nextOffsets
        )
        if let mark = try await store.watermark(of: stream, on: connection) {
            status.maxEventTime = mark.maxEventTime
            status.watermark = mark.watermark
            status.lateApplied = mark.lateApplied
            status.lateDropped = mark.lateDropped
        }
        for (partition, next) in try await store.offsets(of: stream, on: connection) where partition < status.lag.count {
            status.lag[partition] = max(0, stream.nextOffsets[partition] - next)
        }
        return status
    }

    /// Rebuilds the rollups of the whole UTC days covering [from, to) from the event store:
    /// in one transaction that holds every partition of the stream's rollup consumer, deletes
    /// those days' rollups and aggregates again the events the consumer had applied (those
    /// before its offsets, less the late ones). Ingest goes on; the consumer waits and then
    /// carries on where it was, so nothing is counted twice. Audited.
    package func rebuild(
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
            let events = try await store.rebuild(stream, from: start, to: end, on: connection)
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
}
