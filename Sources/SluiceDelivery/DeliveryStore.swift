import Foundation
import Logging
import NIOCore
import PostgresNIO
import SluiceAPI
import SluiceCore
import SluiceDatabase

/// One attempt to post an event: when, how long, and how it failed (HTTP status, error, and
/// the start of the response body).
package struct DeliveryAttempt: Codable, Sendable, Equatable {
    package var series: Int
    package var attempt: Int
    package var at: Date
    package var durationMs: Int
    package var status: Int?
    package var error: String?
    package var response: String?

    var succeeded: Bool { status.map { (200..<300).contains($0) } ?? false }

    /// What went wrong, in a line.
    var failure: String { error ?? status.map { "HTTP \($0)" } ?? "failed" }
}

/// A failed delivery: waiting for a retry, or dead (in the dead-letter queue). It points at
/// the stored event by stream, partition and offset.
package struct DeliveryRecord: Sendable {
    package enum Status: String, Sendable { case retrying, dead }
    var tenantID: UUID
    package var id: UUID
    var subscriptionID: UUID
    var streamID: UUID
    package var partition: Int
    package var offset: Int64
    package var eventID: UUID
    package var eventType: String
    package var status: Status
    var series: Int
    package var attemptsMade: Int
    package var nextAttemptAt: Date?
    package var attempts: [DeliveryAttempt]
    package var lastStatus: Int?
    package var lastError: String?
    package var createdAt: Date
    package var deadAt: Date?
}

/// Which dead letters a list, replay or purge means. Every field narrows; none: all.
package struct DeadLetterFilter: Sendable {
    var ids: [UUID]?
    var eventType: String?
    var since: Date?
    var until: Date?
    var httpStatus: Int?
    /// The last attempt's error, exactly.
    var error: String?

    package init(
        ids: [UUID]? = nil,
        eventType: String? = nil,
        since: Date? = nil,
        until: Date? = nil,
        httpStatus: Int? = nil,
        error: String? = nil
    ) {
        self.ids = ids
        self.eventType = eventType
        self.since = since
        self.until = until
        self.httpStatus = httpStatus
        self.error = error
    }
}

/// Dead letters sharing a cause: the last attempt's HTTP status and error.
package struct DeadLetterCause: Sendable {
    package var httpStatus: Int?
    package var error: String?
    package var count: Int64
    package var firstDeadAt: Date
    package var lastDeadAt: Date
}

package struct DeliveryStore: Sendable {
    let logger: Logger

    package init(logger: Logger) {
        self.logger = logger
    }

    static let columns = """
        tenant_id, id, subscription_id, stream_id, partition, "offset", event_id, event_type, status, series, attempts_made,
        next_attempt_at, attempts::text, last_status, last_error, created_at, dead_at
        """

    private static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let text = try decoder.singleValueContainer().decode(String.self)
            guard let date = RFC3339.date(text) else { throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: text)) }
            return date
        }
        return decoder
    }()

    static func encode(_ attempts: [DeliveryAttempt]) -> String {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(RFC3339.format(date))
        }
        return String(decoding: (try? encoder.encode(attempts)) ?? Data("[]".utf8), as: UTF8.self)
    }

    static func record(_ row: PostgresRow) throws -> DeliveryRecord {
        let c = row.makeRandomAccess()
        return DeliveryRecord(
            tenantID: try c["tenant_id"].decode(UUID.self),
            id: try c["id"].decode(UUID.self),
            subscriptionID: try c["subscription_id"].decode(UUID.self),
            streamID: try c["stream_id"].decode(UUID.self),
            partition: Int(try c["partition"].decode(Int16.self)),
            offset: try c["offset"].decode(Int64.self),
            eventID: try c["event_id"].decode(UUID.self),
            eventType: try c["event_type"].decode(String.self),
            status: try c["status"].decode(DeliveryRecord.Status.self),
            series: Int(try c["series"].decode(Int32.self)),
            attemptsMade: Int(try c["attempts_made"].decode(Int32.self)),
            nextAttemptAt: try c["next_attempt_at"].decode(Date?.self),
            attempts: (try? decoder.decode([DeliveryAttempt].self, from: Data(try c["attempts"].decode(String.self).utf8))) ?? [],
            lastStatus: try c["last_status"].decode(Int32?.self).map(Int.init),
            lastError: try c["last_error"].decode(String?.self),
            createdAt: try c["created_at"].decode(Date.self),
            deadAt: try c["dead_at"].decode(Date?.self)
        )
    }

    private func records(_ rows: some AsyncSequence<PostgresRow, any Error>) async throws -> [DeliveryRecord] {
        var found: [DeliveryRecord] = []
        for try await row in rows { found.append(try Self.record(row)) }
        return found
    }

    // MARK: The worker's side

    /// An event's attempt failed on its first try (or its strict-order series ended): it is
    /// scheduled for `retryAt`, or dead if nil. An event failing again after an offset reset
    /// starts a new series on its existing row.
    func recordFailure(
        subscription s: Subscription,
        event: StoredEvent,
        attempts: [DeliveryAttempt],
        retryAt: Date?,
        on connection: PostgresConnection
    ) async throws {
        let last = attempts.last
        try await connection.query(
            """
            INSERT INTO deliveries (tenant_id, id, subscription_id, stream_id, partition, "offset", event_id, event_type, status,
                                    attempts_made, next_attempt_at, attempts, last_status, last_error, dead_at)
            VALUES (\(s.tenantID), \(UUID.v7()), \(s.id), \(s.streamID), \(Int16(event.partition)), \(event.offset), \(event.id),
                    \(event.type), \(retryAt == nil ? "dead" : "retrying"), \(Int32(attempts.count)), \(retryAt),
                    \(Self.encode(attempts))::jsonb, \(last?.status.map(Int32.init)), \(last?.failure),
                    CASE WHEN \(retryAt)::timestamptz IS NULL THEN now() END)
            ON CONFLICT (tenant_id, subscription_id, partition, "offset") DO UPDATE
            SET status = excluded.status, series = deliveries.series + 1, attempts_made = excluded.attempts_made,
                next_attempt_at = excluded.next_attempt_at, claimed_by = NULL,
                attempts = deliveries.attempts || excluded.attempts, last_status = excluded.last_status,
                last_error = excluded.last_error, dead_at = excluded.dead_at
            """,
            logger: logger
        )
    }

    /// Up to `limit` retries that are due, of active subscriptions on live streams, claimed by `owner` for
    /// `hold` (another worker takes them over if this one dies meanwhile). The choice is a
    /// materialized CTE: as a subquery of the UPDATE, the planner may rescan it per row, and each
    /// rescan of `LIMIT … SKIP LOCKED` picks more rows (seen with pull sources: 12 claimed for 3).
    func claimDue(owner: String, limit: Int, hold: Duration, on client: Database) async throws -> [DeliveryRecord] {
        let rows = try await client.query(
            """
            WITH due AS MATERIALIZED (
                SELECT d2.tenant_id, d2.id FROM deliveries d2
                JOIN subscriptions s ON s.tenant_id = d2.tenant_id AND s.id = d2.subscription_id AND s.state = 'active'
                JOIN streams t ON t.tenant_id = d2.tenant_id AND t.id = d2.stream_id AND t.deleted_at IS NULL
                WHERE d2.status = 'retrying' AND d2.next_attempt_at <= now()
                ORDER BY d2.next_attempt_at LIMIT \(limit)
                FOR UPDATE OF d2 SKIP LOCKED
            )
            UPDATE deliveries d SET claimed_by = \(owner), next_attempt_at = now() + make_interval(secs => \(Double(hold.components.seconds)))
            FROM due
            WHERE d.tenant_id = due.tenant_id AND d.id = due.id
            RETURNING \(unescaped: Self.columns.split(separator: ",").map { "d." + $0.trimmingCharacters(in: .whitespacesAndNewlines) }.joined(separator: ", "))
            """,
            logger: logger
        )
        return try await records(rows)
    }

    /// When the next retry falls due (of an active subscription on a live stream), if one is waiting.
    func nextDue(on client: Database) async throws -> Date? {
        let rows = try await client.query(
            """
            SELECT min(d.next_attempt_at) FROM deliveries d
            JOIN subscriptions s ON s.tenant_id = d.tenant_id AND s.id = d.subscription_id AND s.state = 'active'
            JOIN streams t ON t.tenant_id = d.tenant_id AND t.id = d.stream_id AND t.deleted_at IS NULL
            WHERE d.status = 'retrying'
            """,
            logger: logger
        )
        for try await date in rows.decode(Date?.self) { return date }
        return nil
    }

    /// A retry's outcome, if `owner` still holds the claim: delivered (the row goes), failed
    /// again (scheduled at `retryAt`, or dead).
    func settle(_ record: DeliveryRecord, owner: String, attempt: DeliveryAttempt, retryAt: Date?, on client: Database) async throws {
        if attempt.succeeded {
            try await client.query(
                "DELETE FROM deliveries WHERE tenant_id = \(record.tenantID) AND id = \(record.id) AND claimed_by = \(owner)",
                logger: logger
            )
            return
        }
        try await client.query(
            """
            UPDATE deliveries
            SET attempts_made = attempts_made + 1, attempts = attempts || \(Self.encode([attempt]))::jsonb,
                status = \(retryAt == nil ? "dead" : "retrying"), next_attempt_at = \(retryAt), claimed_by = NULL,
                last_status = \(attempt.status.map(Int32.init)), last_error = \(attempt.failure),
                dead_at = CASE WHEN \(retryAt)::timestamptz IS NULL THEN now() END
            WHERE tenant_id = \(record.tenantID) AND id = \(record.id) AND claimed_by = \(owner)
            """,
            logger: logger
        )
    }

    // MARK: The dead-letter queue's API

    /// `head` applied to the subscription's deliveries in `status` that match `filter`, newest
    /// first, after the cursor `before`, at most `limit`; then `tail`.
    private func matching(
        _ head: String,
        _ s: Subscription,
        _ status: DeliveryRecord.Status,
        _ filter: DeadLetterFilter,
        before: (Date, UUID)? = nil,
        limit: Int? = nil,
        _ tail: String,
        on connection: PostgresConnection
    ) async throws -> PostgresRowSequence {
        try await connection.query(
            """
            \(unescaped: head) WHERE tenant_id = \(s.tenantID) AND id IN (
                SELECT id FROM deliveries
                WHERE tenant_id = \(s.tenantID) AND subscription_id = \(s.id) AND status = \(status)
                  AND (\(filter.ids)::uuid[] IS NULL OR id = ANY(\(filter.ids)::uuid[]))
                  AND (\(filter.eventType)::text IS NULL OR event_type = \(filter.eventType)::text)
                  AND (\(filter.since)::timestamptz IS NULL OR coalesce(dead_at, created_at) >= \(filter.since)::timestamptz)
                  AND (\(filter.until)::timestamptz IS NULL OR coalesce(dead_at, created_at) < \(filter.until)::timestamptz)
                  AND (\(filter.httpStatus.map(Int32.init))::integer IS NULL OR last_status = \(filter.httpStatus.map(Int32.init))::integer)
                  AND (\(filter.error)::text IS NULL OR last_error = \(filter.error)::text)
                  AND (created_at, id) < (\(before?.0 ?? .distantFuture), \(before?.1 ?? UUID.highest))
                ORDER BY created_at DESC, id DESC LIMIT \(limit.map(Int64.init))
            ) \(unescaped: tail)
            """,
            logger: logger
        )
    }

    func list(
        _ s: Subscription,
        status: DeliveryRecord.Status,
        filter: DeadLetterFilter,
        before: (Date, UUID)?,
        limit: Int,
        on connection: PostgresConnection
    ) async throws -> [DeliveryRecord] {
        try await records(
            try await matching(
                "SELECT \(Self.columns) FROM deliveries",
                s,
                status,
                filter,
                before: before,
                limit: limit,
                "ORDER BY created_at DESC, id DESC",
                on: connection
            )
        )
    }

    func find(_ s: Subscription, id: UUID, on connection: PostgresConnection) async throws -> DeliveryRecord? {
        try await records(
            try await connection.query(
                "SELECT \(unescaped: Self.columns) FROM deliveries WHERE tenant_id = \(s.tenantID) AND subscription_id = \(s.id) AND id = \(id)",
                logger: logger
            )
        ).first
    }

    /// The failed deliveries of one stored event to `subscriptions`, by subscription (each has
    /// at most one; the lookup is the index of that rule).
    func failures(
        tenantID: UUID,
        subscriptions: [UUID],
        partition: Int,
        offset: Int64,
        on connection: PostgresConnection
    ) async throws -> [UUID: DeliveryRecord] {
        let found = try await records(
            try await connection.query(
                """
                SELECT \(unescaped: Self.columns) FROM deliveries
                WHERE tenant_id = \(tenantID) AND subscription_id = ANY(\(subscriptions)::uuid[])
                  AND partition = \(Int16(partition)) AND "offset" = \(offset)
                """,
                logger: logger
            )
        )
        return Dictionary(found.map { ($0.subscriptionID, $0) }) { first, _ in first }
    }

    /// Dead letters matching `filter` start a fresh series of attempts, at once; how many.
    func replay(_ s: Subscription, filter: DeadLetterFilter, on connection: PostgresConnection) async throws -> Int {
        try await count(
            try await matching(
                """
                UPDATE deliveries SET status = 'retrying', series = series + 1, attempts_made = 0, next_attempt_at = now(),
                                      claimed_by = NULL, dead_at = NULL
                """,
                s,
                .dead,
                filter,
                "RETURNING id",
                on: connection
            )
        )
    }

    /// Dead letters matching `filter` are removed (the events stay in the store); how many.
    func purge(_ s: Subscription, filter: DeadLetterFilter, on connection: PostgresConnection) async throws -> Int {
        try await count(try await matching("DELETE FROM deliveries", s, .dead, filter, "RETURNING id", on: connection))
    }

    /// Dead letters matching `filter`, counted (a dry run of a replay or purge).
    func countDead(_ s: Subscription, filter: DeadLetterFilter, on connection: PostgresConnection) async throws -> Int {
        try await count(try await matching("SELECT id FROM deliveries", s, .dead, filter, "", on: connection))
    }

    /// The dead letters by cause (the last attempt's status and error), largest first.
    func causes(_ s: Subscription, limit: Int, on connection: PostgresConnection) async throws -> [DeadLetterCause] {
        let rows = try await connection.query(
            """
            SELECT last_status, last_error, count(*), min(dead_at), max(dead_at) FROM deliveries
            WHERE tenant_id = \(s.tenantID) AND subscription_id = \(s.id) AND status = 'dead'
            GROUP BY last_status, last_error
            ORDER BY count(*) DESC, max(dead_at) DESC LIMIT \(Int64(limit))
            """,
            logger: logger
        )
        var causes: [DeadLetterCause] = []
        for try await (status, error, count, first, last) in rows.decode((Int32?, String?, Int64, Date?, Date?).self) {
            causes.append(
                DeadLetterCause(httpStatus: status.map(Int.init), error: error, count: count, firstDeadAt: first ?? .now, lastDeadAt: last ?? .now)
            )
        }
        return causes
    }

    private func count(_ rows: PostgresRowSequence) async throws -> Int {
        var count = 0
        for try await _ in rows.decode(UUID.self) { count += 1 }
        return count
    }
}

extension UUID {
    static let highest = UUID(uuid: (255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255))
}

extension DeliveryStore {
    /// The stream's dead letters, of every subscription or one, newest first after the cursor
    /// (dead_at, id): the delivery side of the failure view.
    package func deadLetters(
        tenantID: UUID,
        streamID: UUID,
        subscription: UUID?,
        eventType: String?,
        before: (Date, UUID)?,
        limit: Int,
        on connection: PostgresConnection
    ) async throws -> [(DeliveryRecord, String)] {
        let rows = try await connection.query(
            """
            SELECT \(unescaped: Self.columns.split(separator: ",").map { "d." + $0.trimmingCharacters(in: .whitespacesAndNewlines) }.joined(separator: ", ")), s.name AS subscription_name
            FROM deliveries d JOIN subscriptions s ON s.tenant_id = d.tenant_id AND s.id = d.subscription_id
            WHERE d.tenant_id = \(tenantID) AND d.stream_id = \(streamID) AND d.status = 'dead'
              AND (\(subscription)::uuid IS NULL OR d.subscription_id = \(subscription)::uuid)
              AND (\(eventType)::text IS NULL OR d.event_type = \(eventType)::text)
              AND (d.dead_at, d.id) < (\(before?.0 ?? .distantFuture), \(before?.1 ?? UUID.highest))
            ORDER BY d.dead_at DESC, d.id DESC LIMIT \(Int64(limit))
            """,
            logger: logger
        )
        var found: [(DeliveryRecord, String)] = []
        for try await row in rows {
            found.append((try Self.record(row), try row.makeRandomAccess()["subscription_name"].decode(String.self)))
        }
        return found
    }
}

extension DeliveryRecord.Status: PostgresCodable {}
