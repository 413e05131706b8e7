import Foundation
import Logging
import NIOCore
import PostgresNIO
import SluiceCore
import SluiceDatabase

package struct SubscriptionRepository: Sendable {
    let logger: Logger

    package init(logger: Logger) {
        self.logger = logger
    }

    static let columns = """
        tenant_id, id, stream_id, group_id, owns_group, name, url, event_types, timeout_ms, retry_schedule, max_attempts,
        strict_ordering, circuit_failures, circuit_period_seconds, state, paused_at, paused_reason, consecutive_failures,
        failing_since, last_success_at, last_failure_at, last_error, created_at, updated_at
        """

    static func subscription(_ row: PostgresRow) throws -> Subscription {
        let c = row.makeRandomAccess()
        return Subscription(
            tenantID: try c["tenant_id"].decode(UUID.self),
            id: try c["id"].decode(UUID.self),
            streamID: try c["stream_id"].decode(UUID.self),
            groupID: try c["group_id"].decode(UUID.self),
            ownsGroup: try c["owns_group"].decode(Bool.self),
            name: try c["name"].decode(String.self),
            url: try c["url"].decode(String.self),
            eventTypes: try c["event_types"].decode([String]?.self),
            timeoutMilliseconds: Int(try c["timeout_ms"].decode(Int32.self)),
            retry: RetrySchedule(
                delays: try c["retry_schedule"].decode([Int32].self).map(Int.init),
                maxAttempts: Int(try c["max_attempts"].decode(Int32.self))
            ),
            strictOrdering: try c["strict_ordering"].decode(Bool.self),
            circuit: CircuitBreaker(
                failures: Int(try c["circuit_failures"].decode(Int32.self)),
                periodSeconds: Int(try c["circuit_period_seconds"].decode(Int32.self))
            ),
            state: try c["state"].decode(Subscription.State.self),
            pausedAt: try c["paused_at"].decode(Date?.self),
            pausedReason: try c["paused_reason"].decode(String?.self),
            consecutiveFailures: Int(try c["consecutive_failures"].decode(Int32.self)),
            failingSince: try c["failing_since"].decode(Date?.self),
            lastSuccessAt: try c["last_success_at"].decode(Date?.self),
            lastFailureAt: try c["last_failure_at"].decode(Date?.self),
            lastError: try c["last_error"].decode(String?.self),
            createdAt: try c["created_at"].decode(Date.self),
            updatedAt: try c["updated_at"].decode(Date.self)
        )
    }

    private func one(_ rows: PostgresRowSequence) async throws -> Subscription? {
        for try await row in rows { return try Self.subscription(row) }
        return nil
    }

    func insert(_ s: Subscription, secret: [UInt8], on connection: PostgresConnection) async throws {
        try await connection.query(
            """
            INSERT INTO subscriptions (tenant_id, id, stream_id, group_id, owns_group, name, url, event_types, secret_sealed, timeout_ms,
                                       retry_schedule, max_attempts, strict_ordering, circuit_failures, circuit_period_seconds,
                                       created_at, updated_at)
            VALUES (\(s.tenantID), \(s.id), \(s.streamID), \(s.groupID), \(s.ownsGroup), \(s.name), \(s.url), \(s.eventTypes),
                    \(ByteBuffer(bytes: secret)), \(Int32(s.timeoutMilliseconds)), \(s.retry.delays.map(Int32.init)),
                    \(Int32(s.retry.maxAttempts)), \(s.strictOrdering), \(Int32(s.circuit.failures)), \(Int32(s.circuit.periodSeconds)),
                    \(s.createdAt), \(s.updatedAt))
            """,
            logger: logger
        )
    }

    func list(tenantID: UUID, streamID: UUID, on connection: PostgresConnection) async throws -> [Subscription] {
        let rows = try await connection.query(
            "SELECT \(unescaped: Self.columns) FROM subscriptions WHERE tenant_id = \(tenantID) AND stream_id = \(streamID) ORDER BY name",
            logger: logger
        )
        var found: [Subscription] = []
        for try await row in rows { found.append(try Self.subscription(row)) }
        return found
    }

    package func find(
        tenantID: UUID,
        streamID: UUID,
        name: String,
        forUpdate: Bool = false,
        on connection: PostgresConnection
    ) async throws -> Subscription? {
        try await one(
            try await connection.query(
                """
                SELECT \(unescaped: Self.columns) FROM subscriptions
                WHERE tenant_id = \(tenantID) AND stream_id = \(streamID) AND name = \(name) \(unescaped: forUpdate ? "FOR UPDATE" : "")
                """,
                logger: logger
            )
        )
    }

    func find(tenantID: UUID, id: UUID, on connection: PostgresConnection) async throws -> Subscription? {
        try await one(
            try await connection.query(
                "SELECT \(unescaped: Self.columns) FROM subscriptions WHERE tenant_id = \(tenantID) AND id = \(id)",
                logger: logger
            )
        )
    }

    /// The subscription using a consumer group, if one does.
    func using(group: ConsumerGroup, on connection: PostgresConnection) async throws -> String? {
        let rows = try await connection.query(
            "SELECT name FROM subscriptions WHERE tenant_id = \(group.tenantID) AND group_id = \(group.id)",
            logger: logger
        )
        for try await name in rows.decode(String.self) { return name }
        return nil
    }

    func update(_ s: Subscription, on connection: PostgresConnection) async throws {
        try await connection.query(
            """
            UPDATE subscriptions
            SET url = \(s.url), event_types = \(s.eventTypes), timeout_ms = \(Int32(s.timeoutMilliseconds)),
                retry_schedule = \(s.retry.delays.map(Int32.init)), max_attempts = \(Int32(s.retry.maxAttempts)),
                strict_ordering = \(s.strictOrdering), circuit_failures = \(Int32(s.circuit.failures)),
                circuit_period_seconds = \(Int32(s.circuit.periodSeconds)), updated_at = now()
            WHERE tenant_id = \(s.tenantID) AND id = \(s.id)
            """,
            logger: logger
        )
    }

    /// Holds the subscription against deletion for the rest of the transaction; false once it is
    /// gone. Transactions that touch a subscription and its group's offsets take this first, in
    /// the order a deletion locks them (subscription, then group and offsets), so they queue
    /// behind a deletion instead of deadlocking with it.
    func hold(_ s: Subscription, on connection: PostgresConnection) async throws -> Bool {
        let rows = try await connection.query(
            "SELECT 1 FROM subscriptions WHERE tenant_id = \(s.tenantID) AND id = \(s.id) FOR KEY SHARE",
            logger: logger
        )
        for try await _ in rows { return true }
        return false
    }

    func delete(_ s: Subscription, on connection: PostgresConnection) async throws {
        try await connection.query("DELETE FROM subscriptions WHERE tenant_id = \(s.tenantID) AND id = \(s.id)", logger: logger)
    }

    /// The sealed signing secrets: the current one, and the previous one while it still signs.
    func secrets(tenantID: UUID, id: UUID, on connection: PostgresConnection) async throws -> (current: [UInt8], previous: [UInt8]?)? {
        let rows = try await connection.query(
            """
            SELECT secret_sealed, CASE WHEN previous_secret_expires_at > now() THEN previous_secret_sealed END
            FROM subscriptions WHERE tenant_id = \(tenantID) AND id = \(id)
            """,
            logger: logger
        )
        for try await (current, previous) in rows.decode((ByteBuffer, ByteBuffer?).self) {
            return (Array(buffer: current), previous.map { Array(buffer: $0) })
        }
        return nil
    }

    /// A new current secret; the old one keeps signing (beside it) until `previousUntil`.
    func rotate(_ s: Subscription, secret: [UInt8], previousUntil: Date, on connection: PostgresConnection) async throws {
        try await connection.query(
            """
            UPDATE subscriptions
            SET previous_secret_sealed = secret_sealed, previous_secret_expires_at = \(previousUntil),
                secret_sealed = \(ByteBuffer(bytes: secret)), updated_at = now()
            WHERE tenant_id = \(s.tenantID) AND id = \(s.id)
            """,
            logger: logger
        )
    }

    /// Pauses or resumes; false if it was so already. Resuming closes the circuit.
    func setState(_ s: Subscription, _ state: Subscription.State, reason: String?, on connection: PostgresConnection) async throws -> Bool {
        let rows = try await connection.query(
            """
            UPDATE subscriptions
            SET state = \(state), paused_at = CASE WHEN \(state) = 'paused' THEN now() END, paused_reason = \(reason),
                consecutive_failures = CASE WHEN \(state) = 'active' THEN 0 ELSE consecutive_failures END,
                failing_since = CASE WHEN \(state) = 'active' THEN NULL ELSE failing_since END, updated_at = now()
            WHERE tenant_id = \(s.tenantID) AND id = \(s.id) AND state <> \(state)
            RETURNING id
            """,
            logger: logger
        )
        for try await _ in rows.decode(UUID.self) { return true }
        return false
    }

    /// A delivery succeeded: the failure streak ends.
    func recordSuccess(_ s: Subscription, on client: Database) async throws {
        try await client.query(
            """
            UPDATE subscriptions SET consecutive_failures = 0, failing_since = NULL, last_success_at = now()
            WHERE tenant_id = \(s.tenantID) AND id = \(s.id)
            """,
            logger: logger
        )
    }

    /// A delivery attempt failed: the streak as it stands with it, nil when the subscription
    /// is gone.
    func recordFailure(_ s: Subscription, error: String, on connection: PostgresConnection) async throws -> FailureStreak? {
        let rows = try await connection.query(
            """
            UPDATE subscriptions
            SET consecutive_failures = consecutive_failures + 1, failing_since = coalesce(failing_since, now()),
                last_failure_at = now(), last_error = \(String(error.prefix(500)))
            WHERE tenant_id = \(s.tenantID) AND id = \(s.id)
            RETURNING consecutive_failures, failing_since, state, circuit_failures, circuit_period_seconds
            """,
            logger: logger
        )
        for try await (count, since, state, threshold, period) in rows.decode((Int32, Date?, Subscription.State, Int32, Int32).self) {
            return FailureStreak(
                consecutiveFailures: Int(count),
                failingSince: since,
                state: state,
                circuit: CircuitBreaker(failures: Int(threshold), periodSeconds: Int(period))
            )
        }
        return nil
    }

    /// The dead-letter queue's depth and oldest entry, and how many deliveries wait for a retry.
    func queueStats(_ s: Subscription, on connection: PostgresConnection) async throws -> SubscriptionQueues {
        let rows = try await connection.query(
            """
            SELECT count(*) FILTER (WHERE status = 'dead'), min(dead_at), count(*) FILTER (WHERE status = 'retrying')
            FROM deliveries WHERE tenant_id = \(s.tenantID) AND subscription_id = \(s.id)
            """,
            logger: logger
        )
        for try await (dead, oldest, retrying) in rows.decode((Int64, Date?, Int64).self) {
            return SubscriptionQueues(deadLetters: Int(dead), oldestDeadLetter: oldest, retrying: Int(retrying))
        }
        return SubscriptionQueues(deadLetters: 0, oldestDeadLetter: nil, retrying: 0)
    }
}

package struct SubscriptionQueues: Sendable {
    package var deadLetters: Int
    package var oldestDeadLetter: Date?
    package var retrying: Int
}

/// A subscription's run of failed deliveries, as stored after the latest.
struct FailureStreak: Sendable, Equatable {
    var consecutiveFailures: Int
    var failingSince: Date?
    var state: Subscription.State
    var circuit: CircuitBreaker
}
