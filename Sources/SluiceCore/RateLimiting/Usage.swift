import Foundation
import Logging
import PostgresNIO
import ServiceLifecycle
import SluiceDatabase
import Synchronization

/// A calendar month in UTC: the period quotas and usage are counted in.
package struct UsagePeriod: Hashable, Sendable, Comparable {
    var year: Int
    var month: Int

    private static let calendar: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar
    }()

    init(year: Int, month: Int) {
        self.year = year
        self.month = month
    }

    /// The month (UTC) of `date`, by arithmetic (civil from days, H. Hinnant): it is on every
    /// request's path, where a `Calendar` is slow.
    package init(containing date: Date) {
        let days = Int((date.timeIntervalSince1970 / 86_400).rounded(.down)) + 719_468
        let era = (days >= 0 ? days : days - 146_096) / 146_097
        let dayOfEra = days - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let shifted = (5 * dayOfYear + 2) / 153
        let month = shifted < 10 ? shifted + 3 : shifted - 9
        self.init(year: yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month: month)
    }

    /// `2026-11`.
    init?(label: String) {
        let parts = label.split(separator: "-")
        guard parts.count == 2, parts[0].count == 4, parts[1].count == 2, let year = Int(parts[0]), let month = Int(parts[1]),
            (1...12).contains(month)
        else { return nil }
        self.init(year: year, month: month)
    }

    package var start: Date { Self.calendar.date(from: DateComponents(year: year, month: month, day: 1))! }
    package var end: Date { next.start }
    var next: UsagePeriod { month == 12 ? .init(year: year + 1, month: 1) : .init(year: year, month: month + 1) }
    package var previous: UsagePeriod { month == 1 ? .init(year: year - 1, month: 12) : .init(year: year, month: month - 1) }
    /// Written out by hand: `String(format:)` is slow, and the first day is written for every
    /// event stored.
    package var label: String {
        let year = String(year)
        return String(repeating: "0", count: max(0, 4 - year.count)) + year + (month < 10 ? "-0" : "-") + String(month)
    }
    /// The `date` PostgreSQL keeps it as.
    var firstDay: String { label + "-01" }

    package static func < (lhs: Self, rhs: Self) -> Bool { (lhs.year, lhs.month) < (rhs.year, rhs.month) }
}

/// Usage per tenant, key and month. Stored events are counted by the commits that store them
/// (`usage_events`, see `EventStore`): exact whatever happens to a node. Requests are counted
/// here, in memory, and added to the `usage` table every `interval` and at shutdown; a crash
/// loses at most one interval's request counts (requests are reported, not charged).
package final class UsageRecorder: Service, Sendable {
    struct Key: Hashable {
        var tenantID: UUID
        var period: UsagePeriod
        /// The nil UUID for members (access tokens) and signed webhooks.
        var keyID: UUID
    }

    package struct Counts: Equatable {
        package var events = 0
        package var requests = 0
    }

    package static let members = UUID(uuid: (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0))

    private let pending = Mutex<[Key: Int]>([:])
    /// Serialises flushes, so that two never write the same counts.
    private let flushing = Mutex<Bool>(false)
    private let client: Database
    private let logger: Logger
    private let interval: Duration

    package init(client: Database, logger: Logger, interval: Duration = .seconds(5)) {
        self.client = client
        self.logger = logger
        self.interval = interval
    }

    func record(tenantID: UUID, keyID: UUID?, period: UsagePeriod, requests: Int) {
        guard requests > 0 else { return }
        let key = Key(tenantID: tenantID, period: period, keyID: keyID ?? Self.members)
        pending.withLock { $0[key, default: 0] += requests }
    }

    /// Adds the pending request counts to PostgreSQL; on failure they stay pending for the next try.
    func flush() async throws {
        while flushing.withLock({ busy in
            defer { busy = true }
            return busy
        }) {
            try await Task.sleep(for: .milliseconds(10))
        }
        defer { flushing.withLock { $0 = false } }
        let batch = pending.withLock { pending in
            defer { pending.removeAll(keepingCapacity: true) }
            return pending
        }
        guard !batch.isEmpty else { return }
        let rows = Array(batch)
        do {
            try await client.query(
                """
                INSERT INTO usage AS u (tenant_id, period, key_id, requests)
                SELECT * FROM unnest(\(rows.map(\.key.tenantID))::uuid[], \(rows.map(\.key.period.firstDay))::date[],
                                     \(rows.map(\.key.keyID))::uuid[], \(rows.map { Int64($0.value) })::bigint[]) AS n (tenant_id, period, key_id, requests)
                WHERE EXISTS (SELECT 1 FROM tenants t WHERE t.id = n.tenant_id)  -- a deleted tenant's counts go with it
                ON CONFLICT (tenant_id, period, key_id) DO UPDATE SET requests = u.requests + excluded.requests
                """,
                logger: logger
            )
        } catch {
            pending.withLock { pending in
                for (key, requests) in batch { pending[key, default: 0] += requests }
            }
            throw error
        }
    }

    package func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                try? await Task.sleep(for: self.interval)
                if Task.isCancelled { break }
                do { try await self.flush() } catch { self.logger.warning("usage flush failed; retrying", metadata: ["error": "\(error)"]) }
            }
        }
        do { try await flush() } catch { logger.error("request counts lost at shutdown", metadata: ["error": "\(error)"]) }
    }

    /// Events stored in a tenant's month, as the store charged them.
    func events(tenantID: UUID, period: UsagePeriod) async throws -> Int {
        let rows = try await client.query(
            "SELECT coalesce(sum(events), 0)::bigint FROM usage_events WHERE tenant_id = \(tenantID) AND period = \(period.firstDay)::date",
            logger: logger
        )
        var stored: Int64 = 0
        for try await (sum) in rows.decode(Int64.self) { stored = sum }
        return Int(stored)
    }

    package struct Row: Sendable {
        package var period: UsagePeriod
        package var keyID: UUID
        package var keyName: String?
        package var counts: Counts
    }

    /// A tenant's usage from `since` on, per month and key (after flushing this node's requests).
    package func report(tenantID: UUID, since: UsagePeriod) async throws -> [Row] {
        try await flush()
        let rows = try await client.query(
            """
            WITH stored AS (
                SELECT period, key_id, sum(events)::bigint AS events FROM usage_events
                WHERE tenant_id = \(tenantID) AND period >= \(since.firstDay)::date GROUP BY period, key_id
            ),
            requested AS (
                SELECT period, key_id, requests FROM usage WHERE tenant_id = \(tenantID) AND period >= \(since.firstDay)::date
            )
            SELECT to_char(period, 'YYYY-MM'), key_id, k.name, coalesce(s.events, 0)::bigint, coalesce(r.requests, 0)::bigint
            FROM stored s FULL JOIN requested r USING (period, key_id)
            LEFT JOIN api_keys k ON k.tenant_id = \(tenantID) AND k.id = key_id
            ORDER BY period DESC, 4 DESC, key_id
            """,
            logger: logger
        )
        var result: [Row] = []
        for try await (label, keyID, name, events, requests) in rows.decode((String, UUID, String?, Int64, Int64).self) {
            guard let period = UsagePeriod(label: label) else { continue }
            result.append(Row(period: period, keyID: keyID, keyName: name, counts: Counts(events: Int(events), requests: Int(requests))))
        }
        return result
    }
}
