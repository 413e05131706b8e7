import Foundation
import Logging
import PostgresNIO
import Prometheus
import SluiceDatabase
import Synchronization

/// The entities of one kind in one stream.
struct EntityScope: Hashable, Sendable {
    var tenant: UUID
    var stream: UUID
    var kind: EntityKind
}

/// A slice of a scope's entity rollups — one day's rows, or the hourly rows of a span — held
/// column-wise: per row the entity (an index into the scope's `EntityNames`), its events, and
/// its first and last snapshot's time and the values of the metrics asked for (NaN: no
/// snapshot, or no number under that name). A slice may name an entity more than once (one
/// row an hour); merging takes the earliest first and the latest last snapshot.
final class EntityColumn: Sendable {
    /// Each row's bucket start, seconds since 1970.
    let buckets: [Double]
    let entities: [Int32]
    let events: [Int64]
    /// Seconds since 1970; NaN when the row holds no snapshot.
    let firstAt: [Double]
    let lastAt: [Double]
    /// `metricCount` values per row, in the order the metrics were asked for.
    let first: [Double]
    let last: [Double]
    let metricCount: Int

    init(
        buckets: [Double],
        entities: [Int32],
        events: [Int64],
        firstAt: [Double],
        lastAt: [Double],
        first: [Double],
        last: [Double],
        metricCount: Int
    ) {
        (self.buckets, self.entities, self.events, self.firstAt, self.lastAt, self.first, self.last, self.metricCount) =
            (buckets, entities, events, firstAt, lastAt, first, last, metricCount)
    }

    var count: Int { entities.count }
    var bytes: Int { count * (8 + 4 + 8 + 16 + 16 * metricCount) + 200 }

    /// All its rows.
    var all: EntityRows { EntityRows(column: self) }

    /// The rows with buckets in [from, to), without a copy.
    func rows(from: Date, to: Date) -> EntityRows {
        EntityRows(column: self, low: from.timeIntervalSince1970, high: to.timeIntervalSince1970)
    }

    /// This column with `changes`' rows in place of its rows of the same entity and bucket,
    /// and those it did not have added: a row holds its entity's whole state in its bucket, so
    /// a newer one replaces it.
    func merging(_ changes: EntityColumn) -> EntityColumn {
        guard changes.count > 0 else { return self }
        struct Row: Hashable {
            var entity: Int32
            var bucket: Double
        }
        var index = [Row: Int](minimumCapacity: count)
        for row in 0..<count { index[Row(entity: entities[row], bucket: buckets[row])] = row }
        var (buckets, entities, events, firstAt, lastAt, first, last) = (buckets, entities, events, firstAt, lastAt, first, last)
        let m = metricCount
        for row in 0..<changes.count {
            let key = Row(entity: changes.entities[row], bucket: changes.buckets[row])
            let values = row * m..<(row + 1) * m
            if let at = index[key] {
                (events[at], firstAt[at], lastAt[at]) = (changes.events[row], changes.firstAt[row], changes.lastAt[row])
                first.replaceSubrange(at * m..<(at + 1) * m, with: changes.first[values])
                last.replaceSubrange(at * m..<(at + 1) * m, with: changes.last[values])
            } else {
                index[key] = buckets.count
                buckets.append(key.bucket)
                entities.append(key.entity)
                events.append(changes.events[row])
                firstAt.append(changes.firstAt[row])
                lastAt.append(changes.lastAt[row])
                first += changes.first[values]
                last += changes.last[values]
            }
        }
        return EntityColumn(
            buckets: buckets,
            entities: entities,
            events: events,
            firstAt: firstAt,
            lastAt: lastAt,
            first: first,
            last: last,
            metricCount: m
        )
    }
}

/// The rows of a column with buckets in [low, high): a day's hours cut at a range's end,
/// without copying them (a day of hourly post rows is 200,000 rows at ten million events a
/// month).
struct EntityRows {
    let column: EntityColumn
    var low = -Double.infinity
    var high = Double.infinity

    func contains(_ row: Int) -> Bool {
        let bucket = column.buckets[row]
        return bucket >= low && bucket < high
    }
}

/// The entity names of a scope, each interned once so that columns hold small integers and
/// merging a month of days is adding arrays, not hashing strings.
struct EntityNames: Sendable {
    var index: [String: Int32] = [:]
    var platforms: [String] = []
    var entities: [String] = []
    /// A content's account, as last read.
    var accounts: [String?] = []

    static func key(_ platform: String, _ entity: String) -> String { platform + "\u{1F}" + entity }
    var count: Int { entities.count }
}

/// Days of entity rollups (their daily rows, and their hourly rows for ranges that start or
/// end within a day), kept in memory so that leaderboards over a month add up columns instead
/// of reading millions of rows.
///
/// Each day is kept with the stream's batch count it was read at (`rollup_watermarks.batches`,
/// which the query reads in the same snapshot as the rows). A day that is not final yet is
/// brought up to date by reading only the rows later batches wrote (each row carries its
/// batch). A day is final once it ends at or before the stream's watermark: the consumer then
/// leaves it alone (later events are late), so it is used as it is. Only a rebuild changes
/// rows otherwise, and a rebuild counts in `rollup_watermarks.rebuilds`: days kept at an older
/// count are not used. The days least recently used go first once `capacity` bytes are held. A
/// lock, not an actor: every leaderboard passes here for each of its days.
package final class EntityColumnCache: Sendable {
    struct Key: Hashable {
        var scope: EntityScope
        var day: Date
        /// 86400: the day's row per entity; 3600: its rows per hour.
        var resolution: Int
        var metrics: [String]
    }

    /// A day as kept: its column, as of the stream's `batch` count, and whether the day was
    /// final then.
    struct Kept {
        var column: EntityColumn
        var batch: Int64
        var final: Bool
    }

    enum Outcome: String {
        /// Used as kept.
        case hit
        /// Read whole.
        case miss
        /// Brought up to date with the rows of later batches.
        case refresh
    }

    private struct Entry {
        var kept: Kept
        var generation: Int64
        var used: UInt64
    }

    private struct State {
        var names: [EntityScope: EntityNames] = [:]
        var entries: [Key: Entry] = [:]
        var bytes = 0
        var clock: UInt64 = 0
    }

    private let state = Mutex(State())
    let capacity: Int
    private let outcomes: [Outcome: Prometheus.Counter]
    private let held: Prometheus.Gauge?

    package init(capacity: Int, metrics: PrometheusCollectorRegistry? = nil) {
        self.capacity = capacity
        var outcomes: [Outcome: Prometheus.Counter] = [:]
        for outcome in [Outcome.hit, .miss, .refresh] {
            outcomes[outcome] = metrics?.makeCounter(
                name: "sluice_analytics_cache_requests_total",
                labels: [("outcome", outcome.rawValue)],
                help:
                    "Days of entity rollups the leaderboards found in memory (hit), read from PostgreSQL (miss), or brought up to date with the rows of later batches (refresh)."
            )
        }
        self.outcomes = outcomes
        held = metrics?.makeGauge(name: "sluice_analytics_cache_bytes", help: "Bytes of entity rollup days held in memory for leaderboards.")
    }

    func record(_ outcome: Outcome) { outcomes[outcome]?.increment() }

    /// The day kept under `key` at this rebuild count (one kept at another is dropped).
    func kept(_ key: Key, generation: Int64) -> Kept? {
        state.withLock { state in
            guard var entry = state.entries[key] else { return nil }
            guard entry.generation == generation else {
                state.entries[key] = nil
                state.bytes -= entry.kept.column.bytes
                return nil
            }
            state.clock += 1
            entry.used = state.clock
            state.entries[key] = entry
            return entry.kept
        }
    }

    func store(_ kept: Kept, for key: Key, generation: Int64) {
        let column = kept.column
        guard column.bytes <= capacity / 4 else { return }
        let bytes: Int = state.withLock { state in
            state.clock += 1
            if let old = state.entries.updateValue(Entry(kept: kept, generation: generation, used: state.clock), forKey: key) {
                state.bytes -= old.kept.column.bytes
            }
            state.bytes += column.bytes
            if state.bytes > capacity {
                // Down to 90 %, least recently used first.
                for (key, entry) in state.entries.sorted(by: { $0.value.used < $1.value.used }) where state.bytes > capacity * 9 / 10 {
                    state.entries[key] = nil
                    state.bytes -= entry.kept.column.bytes
                }
            }
            return state.bytes
        }
        held?.set(Int64(bytes))
    }

    /// The indexes of `rows`' entities, interning those not seen before; a content's account is
    /// updated when a row names one.
    func intern(_ scope: EntityScope, _ rows: [(platform: String, entity: String, account: String?)]) -> [Int32] {
        state.withLock { state in
            var names = state.names.removeValue(forKey: scope) ?? EntityNames()
            defer { state.names[scope] = names }
            return rows.map { row in
                let key = EntityNames.key(row.platform, row.entity)
                if let index = names.index[key] {
                    if let account = row.account { names.accounts[Int(index)] = account }
                    return index
                }
                let index = Int32(names.count)
                names.index[key] = index
                names.platforms.append(row.platform)
                names.entities.append(row.entity)
                names.accounts.append(row.account)
                return index
            }
        }
    }

    func names(_ scope: EntityScope) -> EntityNames {
        state.withLock { $0.names[scope] ?? EntityNames() }
    }
}

/// Reads a scope's entity rollups as columns within one query's transaction: days up to today
/// through the cache, those after (events stamped in the future) from PostgreSQL each time.
struct EntityColumnReader {
    let connection: PostgresConnection
    let cache: EntityColumnCache
    let scope: EntityScope
    let metrics: [String]
    /// The stream's watermark (nil: no day is final yet), rebuild count and batch count, read
    /// in the query's snapshot.
    let watermark: Date?
    let generation: Int64
    let batches: Int64
    let logger: Logger
    /// The last day kept in memory: today.
    var today = AnalyticsService.floor(Date(), 86_400)

    func isFinal(day: Date) -> Bool {
        watermark.map { day.addingTimeInterval(86_400) <= $0 } ?? false
    }

    /// The daily columns of the whole days in [from, to): up to today one by one (kept), the
    /// rest in one read.
    func days(from: Date, to: Date) async throws -> [EntityRows] {
        var columns: [EntityRows] = []
        var day = from
        while day < to, day <= today {
            columns.append(try await self.day(day).all)
            day = day.addingTimeInterval(86_400)
        }
        if day < to { columns.append(try await read(resolution: 86_400, from: day, to: to).all) }
        return columns
    }

    /// One day's column.
    func day(_ day: Date) async throws -> EntityColumn {
        try await whole(day, resolution: 86_400)
    }

    /// The hourly columns of [from, to), a day at a time: up to today a slice of all the
    /// day's hours (kept).
    func hours(from: Date, to: Date) async throws -> [EntityRows] {
        var columns: [EntityRows] = []
        var start = from
        while start < to {
            let midnight = AnalyticsService.floor(start, 86_400)
            let end = min(to, midnight.addingTimeInterval(86_400))
            columns.append(
                midnight <= today
                    ? try await whole(midnight, resolution: 3600).rows(from: start, to: end)
                    : try await read(resolution: 3600, from: start, to: end).all
            )
            start = end
        }
        return columns
    }

    /// A day's rows of a resolution, as of this query's batch count: as kept when kept at that
    /// count (or final); kept at an earlier count, with the rows of the batches since; else
    /// read whole. Kept at a later count (a query that began after this one kept it), the day
    /// is read whole for this query's snapshot and the later one stays.
    private func whole(_ day: Date, resolution: Int) async throws -> EntityColumn {
        let end = day.addingTimeInterval(86_400)
        let key = EntityColumnCache.Key(scope: scope, day: day, resolution: resolution, metrics: metrics)
        let final = isFinal(day: day)
        let kept = cache.kept(key, generation: generation)
        if let kept, kept.batch == batches || (kept.final && kept.batch < batches) {
            cache.record(.hit)
            return kept.column
        }
        if let kept, kept.batch < batches {
            let column = kept.column.merging(try await read(resolution: resolution, from: day, to: end, after: kept.batch))
            cache.store(.init(column: column, batch: batches, final: final), for: key, generation: generation)
            cache.record(.refresh)
            return column
        }
        let column = try await read(resolution: resolution, from: day, to: end)
        if kept == nil { cache.store(.init(column: column, batch: batches, final: final), for: key, generation: generation) }
        cache.record(.miss)
        return column
    }

    /// The rows of a resolution with buckets in [from, to) (only those batches after `after`
    /// wrote, when given), read now.
    func read(resolution: Int, from: Date, to: Date, after: Int64? = nil) async throws -> EntityColumn {
        var sql = BoundSQL()
        let filter = """
            tenant_id = \(sql.bind(scope.tenant)) AND stream_id = \(sql.bind(scope.stream)) AND resolution = \(sql.bind(Int32(resolution)))
              AND kind = \(sql.bind(scope.kind.rawValue)) AND bucket >= \(sql.bind(from)) AND bucket < \(sql.bind(to))
              \(after.map { "AND batch > \(sql.bind($0))" } ?? "")
            """
        var values: [String] = []
        for metric in metrics {
            let member = sql.bind(metric)
            for side in ["first", "last"] {
                values.append(
                    "CASE WHEN jsonb_typeof(\(side)_metrics -> \(member)::text) = 'number' THEN (\(side)_metrics ->> \(member)::text)::float8 END"
                )
            }
        }
        let text = """
            SELECT platform, entity, account, events, first_at, last_at, bucket\(values.map { ", " + $0 }.joined())
            FROM entity_rollups
            WHERE \(filter)
            """
        var names: [(platform: String, entity: String, account: String?)] = []
        var buckets: [Double] = []
        var events: [Int64] = []
        var firstAt: [Double] = []
        var lastAt: [Double] = []
        var first: [Double] = []
        var last: [Double] = []
        for try await row in try await connection.query(sql.query(text), logger: logger) {
            let cells = row.makeRandomAccess()
            names.append((try cells[0].decode(String.self), try cells[1].decode(String.self), try cells[2].decode(String?.self)))
            events.append(try cells[3].decode(Int64.self))
            firstAt.append(try cells[4].decode(Date?.self)?.timeIntervalSince1970 ?? .nan)
            lastAt.append(try cells[5].decode(Date?.self)?.timeIntervalSince1970 ?? .nan)
            buckets.append(try cells[6].decode(Date.self).timeIntervalSince1970)
            for index in metrics.indices {
                first.append(try cells[7 + 2 * index].decode(Double?.self) ?? .nan)
                last.append(try cells[8 + 2 * index].decode(Double?.self) ?? .nan)
            }
        }
        return EntityColumn(
            buckets: buckets,
            entities: cache.intern(scope, names),
            events: events,
            firstAt: firstAt,
            lastAt: lastAt,
            first: first,
            last: last,
            metricCount: metrics.count
        )
    }
}

/// A scope's entities over a range, added up from its columns: events, whether each was seen,
/// and its earliest and latest snapshot (the metrics' values); then, for growth, the last
/// snapshot before the range.
struct EntityTotals {
    let metricCount: Int
    var seen: [Bool]
    var events: [Int64]
    var earliestAt: [Double]
    var latestAt: [Double]
    var earliest: [Double]
    var latest: [Double]
    /// The last snapshot before the range, for the entities asked for (NaN time: none).
    var beforeAt: [Double] = []
    var before: [Double] = []

    init(count: Int, metricCount: Int) {
        self.metricCount = metricCount
        seen = Array(repeating: false, count: count)
        events = Array(repeating: 0, count: count)
        earliestAt = Array(repeating: .infinity, count: count)
        latestAt = Array(repeating: -.infinity, count: count)
        earliest = Array(repeating: .nan, count: count * metricCount)
        latest = Array(repeating: .nan, count: count * metricCount)
    }

    /// Adds the rows of the entities `included` lets through.
    mutating func add(_ rows: EntityRows, included: (Int) -> Bool) {
        let m = metricCount
        let column = rows.column
        for row in 0..<column.count where rows.contains(row) {
            let entity = Int(column.entities[row])
            guard included(entity) else { continue }
            seen[entity] = true
            events[entity] += column.events[row]
            let firstAt = column.firstAt[row]
            let lastAt = column.lastAt[row]
            if firstAt < earliestAt[entity] {
                earliestAt[entity] = firstAt
                for k in 0..<m { earliest[entity * m + k] = column.first[row * m + k] }
            }
            if lastAt > latestAt[entity] {
                latestAt[entity] = lastAt
                for k in 0..<m { latest[entity * m + k] = column.last[row * m + k] }
            }
        }
    }

    /// The last snapshot before the range of each entity `wanted` marks, from `columns` given
    /// latest first (each wholly before the next one given): an entity's search ends at the
    /// first column holding a snapshot of it. Returns once every one is found, or the columns
    /// (which `next` reads on demand) run out.
    mutating func findBefore(wanted: [Bool], next: () async throws -> EntityRows?) async throws {
        let m = metricCount
        beforeAt = Array(repeating: .nan, count: wanted.count)
        before = Array(repeating: .nan, count: wanted.count * m)
        var missing = wanted.reduce(0) { $0 + ($1 ? 1 : 0) }
        var closed = Array(repeating: false, count: wanted.count)  // found in a later column than the one at hand
        while missing > 0, let rows = try await next() {
            let column = rows.column
            var found: [Int] = []
            for row in 0..<column.count where rows.contains(row) {
                let entity = Int(column.entities[row])
                let at = column.lastAt[row]
                guard entity < wanted.count, wanted[entity], !closed[entity], !at.isNaN else { continue }
                if beforeAt[entity].isNaN { found.append(entity) } else if at <= beforeAt[entity] { continue }
                beforeAt[entity] = at
                for k in 0..<m { before[entity * m + k] = column.last[row * m + k] }
            }
            for entity in found { closed[entity] = true }
            missing -= found.count
        }
    }
}
