import Foundation
import Logging
import PostgresNIO
import SluiceCore
import SluiceJSON

/// What a leaderboard ranks or an activity follows: the accounts, the content and the actors
/// the (normalized social) events name in `data.account`, `data.content` and `data.actor`.
package enum EntityKind: String, Sendable, CaseIterable {
    case account, content, actor
}

/// What a leaderboard ranks by. Growth is the last snapshot's value at the end of the range
/// less the last before the range (else the first within it): snapshots carry running totals.
package enum LeaderboardMetric: Sendable, Equatable {
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

    package init(_ text: String, kind: EntityKind) throws {
        func name(_ prefix: String) throws -> String {
            let name = String(text.unicodeScalars.dropFirst(prefix.unicodeScalars.count))
            guard (1...100).contains(name.unicodeScalars.count) else {
                throw SluiceError.badRequest("\(prefix)<name> needs a metric name.", pointer: "/by")
            }
            return name
        }
        switch text {
        case "events": self = .events
        case "engagement": self = .engagement
        case "engagementRate": self = .engagementRate
        case "engagementPerFollower": self = .engagementPerFollower
        case _ where text.unicodeScalars.starts(with: "growth.".unicodeScalars): self = .growth(try name("growth."))
        case _ where text.unicodeScalars.starts(with: "latest.".unicodeScalars): self = .latest(try name("latest."))
        default:
            throw SluiceError.badRequest(
                "by is events, engagement, engagementRate, engagementPerFollower, growth.<metric> or latest.<metric>.",
                pointer: "/by"
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

package struct Leaderboard: Sendable {
    package struct Item: Sendable {
        package var entity: String
        package var platform: String
        package var handle: String?
        package var account: String?
        package var events: Int64
        package var value: Double?
    }
    package var from: Date
    package var to: Date
    package var items: [Item]
}

package struct EntityActivity: Sendable {
    package struct Bucket: Sendable {
        package var start: Date
        package var events: Int64
        /// The latest value of each metric as of the bucket's end (carried over empty buckets).
        package var metrics: [String: Double]
        /// Each metric's change in the bucket: its last value less the one before the bucket
        /// (or, for a first value, less the bucket's first snapshot).
        package var growth: [String: Double]
    }
    package var handle: String?
    package var account: String?
    package var from: Date
    package var to: Date
    package var buckets: [Bucket]
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
    ///
    /// Computed here rather than in SQL: a month's leaderboard adds up every entity's days
    /// (a million rows and more at ten million events a month), which PostgreSQL cannot do in
    /// a few milliseconds and arrays of days held in memory can (`EntityColumnCache`; a day
    /// not final yet is brought up to date with the rows of the batches since).
    /// Every read is in one repeatable-read snapshot, so the days, the hours at the ends and
    /// the watermark agree.
    package func leaderboard(
        identity: Identity,
        stream name: String,
        kind: EntityKind,
        metric: LeaderboardMetric,
        filter: AnalyticsFilter,
        limit: Int
    ) async throws -> Leaderboard {
        try identity.require(.eventsRead)
        guard InputBounds.leaderboardLimit.contains(limit) else {
            throw SluiceError.badRequest("limit is 1 to \(InputBounds.leaderboardLimit.max).", pointer: "/limit")
        }
        let requested = try EntityRange(from: filter.from, to: filter.to)
        return try await client.snapshot(logger: logger) { connection in
            let stream = try await streams.visible(to: identity, name: name, on: connection)
            let (watermark, generation, batches) = try await store.generation(of: stream, on: connection)

            // An account's engagement is its content's; per follower, over its own followers.
            let ofContent = kind == .account && [.engagement, .engagementRate, .engagementPerFollower].contains(metric)
            let kinds: [EntityKind] = ofContent ? [.content, .account] : [kind]
            let range = try await widened(requested, kinds: kinds, stream: stream, on: connection)
            func reader(_ kind: EntityKind, _ metrics: [String]) -> EntityColumnReader {
                EntityColumnReader(
                    connection: connection,
                    cache: cache,
                    scope: EntityScope(tenant: stream.tenantID, stream: stream.id, kind: kind),
                    metrics: metrics,
                    watermark: watermark,
                    generation: generation,
                    batches: batches,
                    logger: logger
                )
            }
            let engagementMetrics = ["likes", "comments", "shares", "views"]
            var ranked: [LeaderboardRanking.Entry]
            let namesKind: EntityKind
            switch metric {
            case .events:
                let (totals, names) = try await totals(reader(kind, []), range: range, platform: filter.platform, baseline: false)
                ranked = LeaderboardRanking.top(limit, names: names, totals: totals) { Double(totals.events[$0]) }
                namesKind = kind
            case .latest(let name):
                let (totals, names) = try await totals(reader(kind, [name]), range: range, platform: filter.platform, baseline: false)
                ranked = LeaderboardRanking.top(limit, names: names, totals: totals) { totals.latest($0, 0) }
                namesKind = kind
            case .growth(let name):
                let (totals, names) = try await totals(reader(kind, [name]), range: range, platform: filter.platform, baseline: true)
                ranked = LeaderboardRanking.top(limit, names: names, totals: totals) { totals.growth($0, 0) }
                namesKind = kind
            case .engagement, .engagementRate, .engagementPerFollower:
                let (content, contentNames) = try await totals(
                    reader(.content, engagementMetrics),
                    range: range,
                    platform: filter.platform,
                    baseline: true
                )
                if !ofContent {
                    ranked = LeaderboardRanking.top(limit, names: contentNames, totals: content) { entity in
                        metric == .engagement ? content.engagement(entity) : content.engagementRate(entity)
                    }
                    namesKind = .content
                    break
                }
                let followers = metric == .engagementPerFollower
                // Per follower, an account with content in the range but no snapshot of its own
                // there counts the followers it had before.
                let (accounts, accountNames) = try await totals(
                    reader(.account, followers ? ["followers"] : []),
                    range: range,
                    platform: filter.platform,
                    baseline: followers,
                    also: followers ? LeaderboardRanking.accountKeys(content: content, contentNames: contentNames) : []
                )
                ranked = LeaderboardRanking.accounts(
                    limit,
                    metric: metric,
                    content: content,
                    contentNames: contentNames,
                    accounts: accounts,
                    accountNames: accountNames
                )
                namesKind = .account
            }
            return Leaderboard(
                from: requested.from,
                to: requested.to,
                items: try await named(ranked, kind: namesKind, withAccount: !ofContent, stream: stream, on: connection)
            )
        }
    }

    /// The range, its ends moved out to midnight where no hourly rows of `kinds` lie between:
    /// the same answer, read from whole days (a range up to now, typically, ends in today).
    private func widened(
        _ range: EntityRange,
        kinds: [EntityKind],
        stream: SluiceCore.Stream,
        on connection: PostgresConnection
    ) async throws -> EntityRange {
        let (dayBefore, dayAfter) = (Self.floor(range.from, 86_400), Self.floor(range.to.addingTimeInterval(86_399.999), 86_400))
        guard dayBefore < range.from || range.to < dayAfter else { return range }
        let none = try await entities.noHourlyRows(
            tenant: stream.tenantID,
            stream: stream.id,
            kinds: kinds,
            before: dayBefore..<range.from,
            after: range.to..<dayAfter,
            on: connection
        )
        let (from, to) = (none.before ? dayBefore : range.from, none.after ? dayAfter : range.to)
        return try EntityRange(from: from, to: to)
    }

    /// A scope's entities over the range (and, with `baseline`, the last snapshot before it of
    /// each one seen or named in `also`), with the scope's names.
    private func totals(
        _ reader: EntityColumnReader,
        range: EntityRange,
        platform: String?,
        baseline: Bool,
        also: [(platform: String, entity: String)] = []
    ) async throws -> (EntityTotals, EntityNames) {
        var columns: [EntityRows] = []
        if range.dayStart == range.dayEnd {
            columns += try await reader.hours(from: range.from, to: range.to)
        } else {
            if range.from < range.dayStart { columns += try await reader.hours(from: range.from, to: range.dayStart) }
            columns += try await reader.days(from: range.dayStart, to: range.dayEnd)
            if range.dayEnd < range.to { columns += try await reader.hours(from: range.dayEnd, to: range.to) }
        }
        let extra = also.isEmpty ? [] : cache.intern(reader.scope, also.map { ($0.platform, $0.entity, nil) })
        var names = cache.names(reader.scope)
        var totals = EntityTotals(count: names.count, metricCount: reader.metrics.count)
        let included: (Int) -> Bool = platform.map { platform in { [names] in names.platforms[$0] == platform } } ?? { _ in true }
        for column in columns { totals.add(column, included: included) }
        guard baseline else { return (totals, names) }

        // Back from the range's start: the hours of its first day, then day by day down to
        // the scope's first (looked up once the hours have not been enough).
        let midnight = Self.floor(range.from, 86_400)
        var earliest: Date?
        var lookedUp = false
        var hours = midnight < range.from
        var day = midnight.addingTimeInterval(-86_400)
        var wanted = totals.seen
        for entity in extra { wanted[Int(entity)] = true }
        try await totals.findBefore(wanted: wanted) {
            if hours {
                hours = false
                return try await reader.hours(from: midnight, to: range.from).first
            }
            if !lookedUp {
                lookedUp = true
                earliest = try await entities.firstDay(reader.scope, on: reader.connection)
            }
            guard let earliest, day >= earliest else { return nil }
            defer { day = day.addingTimeInterval(-86_400) }
            return try await reader.day(day).all
        }
        names = cache.names(reader.scope)
        return (totals, names)
    }

    /// The ranked entries with their handle and (unless an account ranks by its content)
    /// account: each from the entity's latest day (a day's row holds its latest hour's), the
    /// first row of a backward scan of `entity_rollups_by_entity`. (Ordered hours first, every
    /// row of each entity was read and sorted: 22 ms for ten accounts at 10 M events, 0.7 ms so.)
    private func named(
        _ ranked: [LeaderboardRanking.Entry],
        kind: EntityKind,
        withAccount: Bool,
        stream: SluiceCore.Stream,
        on connection: PostgresConnection
    ) async throws -> [Leaderboard.Item] {
        let names = try await entities.names(
            of: ranked.map { ($0.platform, $0.entity) },
            scope: EntityScope(tenant: stream.tenantID, stream: stream.id, kind: kind),
            on: connection
        )
        return ranked.map { entry in
            let (handle, account) = names[EntityNames.key(entry.platform, entry.entity)] ?? (nil, nil)
            return .init(
                entity: entry.entity,
                platform: entry.platform,
                handle: handle,
                account: withAccount ? account : nil,
                events: entry.events,
                value: entry.value
            )
        }
    }

    /// One entity's events and metrics per hour or day, with growth. Needs `events:read`.
    package func activity(
        identity: Identity,
        stream name: String,
        kind: EntityKind,
        entity: String,
        platform: String?,
        resolution: Int,
        from: Date,
        to: Date
    ) async throws -> EntityActivity {
        try identity.require(.eventsRead)
        guard resolution == 3600 || resolution == 86_400 else { throw SluiceError.badRequest("resolution is 1h or 1d.", pointer: "/resolution") }
        let start = Self.floor(from, resolution)
        let count = try Self.bucketCount(from: start, to: to, resolution: resolution)
        return try await client.withConnection { connection in
            let stream = try await streams.visible(to: identity, name: name, on: connection)
            let subject = EntityStore.Entity(
                scope: EntityScope(tenant: stream.tenantID, stream: stream.id, kind: kind),
                entity: entity,
                platform: platform
            )
            let known = try await entities.exists(subject, on: connection)
            guard known else { throw SluiceError.notFound("The \(kind.rawValue) '\(entity.prefix(100))' of stream '\(name.prefix(100))'") }

            var current = try await entities.lastMetrics(subject, before: start, on: connection).map(Self.numbers) ?? [:]

            struct Row {
                var events: Int64 = 0, at: Date?, event: String = "", metrics: [String: Double]?, firstAt: Date?, firstEvent = "",
                    first: [String: Double]?
            }
            var rows: [Date: Row] = [:]
            var handle: String?
            var account: String?
            for stored in try await entities.rows(subject, resolution: Int32(resolution), from: start, to: to, on: connection) {
                var row = rows[stored.bucket] ?? Row()
                row.events += stored.events
                if let lastAt = stored.lastAt, let lastEvent = stored.lastEvent, let metrics = stored.lastMetrics,
                    row.at.map({ ($0, row.event) < (lastAt, lastEvent.lowercased) }) ?? true
                {
                    (row.at, row.event, row.metrics) = (lastAt, lastEvent.lowercased, Self.numbers(metrics))
                }
                if let firstAt = stored.firstAt, let firstEvent = stored.firstEvent, let first = stored.firstMetrics,
                    row.firstAt.map({ ($0, row.firstEvent) > (firstAt, firstEvent.lowercased) }) ?? true
                {
                    (row.firstAt, row.firstEvent, row.first) = (firstAt, firstEvent.lowercased, Self.numbers(first))
                }
                rows[stored.bucket] = row
                handle = stored.handle ?? handle
                account = stored.account ?? account
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
}

extension EntityTotals {
    /// A metric's value in a snapshot array, nil for NaN (no snapshot, or no number there).
    private func number(_ values: [Double], _ entity: Int, _ metric: Int) -> Double? {
        let value = values[entity * metricCount + metric]
        return value.isNaN ? nil : value
    }

    func hasBefore(_ entity: Int) -> Bool { !beforeAt.isEmpty && !beforeAt[entity].isNaN }

    /// The last snapshot's value in the range.
    func latest(_ entity: Int, _ metric: Int) -> Double? { number(latest, entity, metric) }

    /// The last snapshot's value as of the range's end: in the range, else before it.
    func closing(_ entity: Int, _ metric: Int) -> Double? {
        latestAt[entity] > -.infinity ? number(latest, entity, metric) : hasBefore(entity) ? number(before, entity, metric) : nil
    }

    /// The last value in the range less the last before it (else the first in it); nil when
    /// the last snapshot in the range has no such number. Snapshots carry running totals.
    func growth(_ entity: Int, _ metric: Int) -> Double? {
        guard let last = number(latest, entity, metric) else { return nil }
        let baseline = hasBefore(entity) ? number(before, entity, metric) : number(earliest, entity, metric)
        return last - (baseline ?? last)
    }

    /// Growth of likes + comments + shares, over totals of those, then views.
    func engagement(_ entity: Int) -> Double {
        (0..<3).reduce(0) { $0 + (growth(entity, $1) ?? 0) }
    }

    func engagementRate(_ entity: Int) -> Double? {
        guard let views = growth(entity, 3), views != 0 else { return nil }
        return engagement(entity) / views
    }
}

/// Ranks entities: by value, descending, those without one last; then events, descending;
/// then entity and platform.
enum LeaderboardRanking {
    struct Entry: Sendable {
        var platform: String
        var entity: String
        var events: Int64
        var value: Double?

        func ranks(before other: Entry) -> Bool {
            switch (value, other.value) {
            case let (a?, b?) where a != b: return a > b
            case (.some, nil): return true
            case (nil, .some): return false
            default: break
            }
            if events != other.events { return events > other.events }
            if entity != other.entity { return entity < other.entity }
            return platform < other.platform
        }
    }

    /// The best `limit` of those offered, best first, in one pass.
    struct Best {
        let limit: Int
        var entries: [Entry] = []

        mutating func offer(_ entry: Entry) {
            if entries.count == limit {
                guard entry.ranks(before: entries[limit - 1]) else { return }
                entries.removeLast()
            }
            let position = entries.firstIndex { entry.ranks(before: $0) } ?? entries.count
            entries.insert(entry, at: position)
        }
    }

    /// The top entities seen in the range by `value`.
    static func top(_ limit: Int, names: EntityNames, totals: EntityTotals, value: (Int) -> Double?) -> [Entry] {
        var best = Best(limit: limit)
        for entity in totals.seen.indices where totals.seen[entity] {
            best.offer(Entry(platform: names.platforms[entity], entity: names.entities[entity], events: totals.events[entity], value: value(entity)))
        }
        return best.entries
    }

    /// Accounts ranked by their content's engagement (metrics likes, comments, shares, views),
    /// its rate over views, or per follower (the account's metric 0 at the range's end).
    static func accounts(
        _ limit: Int,
        metric: LeaderboardMetric,
        content: EntityTotals,
        contentNames: EntityNames,
        accounts: EntityTotals,
        accountNames: EntityNames
    ) -> [Entry] {
        var groups: [String: (platform: String, account: String, engagement: Double, views: Double?)] = [:]
        for entity in content.seen.indices where content.seen[entity] {
            guard let account = contentNames.accounts[entity] else { continue }
            let platform = contentNames.platforms[entity]
            let key = EntityNames.key(platform, account)
            var group = groups[key] ?? (platform, account, 0, nil)
            group.engagement += content.engagement(entity)
            if let views = content.growth(entity, 3) { group.views = (group.views ?? 0) + views }
            groups[key] = group
        }
        var best = Best(limit: limit)
        for (key, group) in groups {
            let index = accountNames.index[key].map(Int.init).flatMap { $0 < accounts.seen.count ? $0 : nil }
            let value: Double? =
                switch metric {
                case .engagementRate: group.views.flatMap { $0 == 0 ? nil : group.engagement / $0 }
                case .engagementPerFollower: index.flatMap { accounts.closing($0, 0) }.flatMap { $0 == 0 ? nil : group.engagement / $0 }
                default: group.engagement
                }
            best.offer(Entry(platform: group.platform, entity: group.account, events: index.map { accounts.events[$0] } ?? 0, value: value))
        }
        return best.entries
    }

    /// The accounts `ranked` names, for `EntityTotals` of accounts to find before the range.
    static func accountKeys(content: EntityTotals, contentNames: EntityNames) -> [(platform: String, entity: String)] {
        var keys: [String: (platform: String, entity: String)] = [:]
        for entity in content.seen.indices where content.seen[entity] {
            if let account = contentNames.accounts[entity] {
                keys[EntityNames.key(contentNames.platforms[entity], account)] = (contentNames.platforms[entity], account)
            }
        }
        return Array(keys.values)
    }
}
