import Foundation
import Logging
import PostgresNIO
import SluiceCore
import SluiceDatabase

/// A subscription's partition, the unit a worker leases.
struct LeaseKey: Hashable, Sendable {
    var tenantID: UUID
    var subscriptionID: UUID
    var partition: Int
}

/// Worker processes and their partition leases, kept in PostgreSQL so that any number of
/// workers share the work and no partition is worked by two at once.
struct DeliveryLeases: Sendable {
    let client: Database
    let logger: Logger
    let owner: String
    let lease: Duration

    private var seconds: Double { Double(lease.components.seconds) + Double(lease.components.attoseconds) / 1e18 }

    /// This worker is alive; the live workers (this one included).
    func heartbeat(concurrency: Int) async throws -> Int {
        try await client.query(
            """
            INSERT INTO delivery_workers (id, concurrency) VALUES (\(owner), \(Int32(concurrency)))
            ON CONFLICT (id) DO UPDATE SET seen_at = clock_timestamp()
            """,
            logger: logger
        )
        try await client.query(
            "DELETE FROM delivery_workers WHERE seen_at < clock_timestamp() - make_interval(secs => \(seconds * 3))",
            logger: logger
        )
        let rows = try await client.query(
            "SELECT count(*) FROM delivery_workers WHERE seen_at >= clock_timestamp() - make_interval(secs => \(seconds))",
            logger: logger
        )
        for try await count in rows.decode(Int64.self) { return max(1, Int(count)) }
        return 1
    }

    func retire() async throws {
        try await client.query("DELETE FROM delivery_leases WHERE owner = \(owner)", logger: logger)
        try await client.query("DELETE FROM delivery_workers WHERE id = \(owner)", logger: logger)
    }

    /// Extends the leases this worker holds on active subscriptions (dropping the others); the
    /// ones it still holds.
    func renew() async throws -> Set<LeaseKey> {
        try await client.query(
            """
            DELETE FROM delivery_leases l USING subscriptions s
            WHERE l.owner = \(owner) AND s.tenant_id = l.tenant_id AND s.id = l.subscription_id AND s.state <> 'active'
            """,
            logger: logger
        )
        return try await keys(
            try await client.query(
                """
                UPDATE delivery_leases SET expires_at = now() + make_interval(secs => \(seconds))
                WHERE owner = \(owner)
                RETURNING tenant_id, subscription_id, partition
                """,
                logger: logger
            )
        )
    }

    /// All partitions of active subscriptions on live streams: the work to share.
    func totalWork() async throws -> Int {
        let rows = try await client.query(
            """
            SELECT count(*) FROM subscriptions s
            JOIN streams t ON t.tenant_id = s.tenant_id AND t.id = s.stream_id AND t.deleted_at IS NULL
            JOIN stream_partitions p ON p.tenant_id = s.tenant_id AND p.stream_id = s.stream_id
            WHERE s.state = 'active'
            """,
            logger: logger
        )
        for try await count in rows.decode(Int64.self) { return Int(count) }
        return 0
    }

    /// Takes up to `count` partitions nobody holds (or whose holder let the lease expire).
    func claim(_ count: Int) async throws -> Set<LeaseKey> {
        guard count > 0 else { return [] }
        return try await keys(
            try await client.query(
                """
                INSERT INTO delivery_leases (tenant_id, subscription_id, partition, owner, expires_at)
                SELECT s.tenant_id, s.id, p.partition, \(owner), now() + make_interval(secs => \(seconds))
                FROM subscriptions s
                JOIN streams t ON t.tenant_id = s.tenant_id AND t.id = s.stream_id AND t.deleted_at IS NULL
                JOIN stream_partitions p ON p.tenant_id = s.tenant_id AND p.stream_id = s.stream_id
                LEFT JOIN delivery_leases l ON l.tenant_id = s.tenant_id AND l.subscription_id = s.id AND l.partition = p.partition
                WHERE s.state = 'active' AND (l.owner IS NULL OR l.expires_at < now())
                ORDER BY random() LIMIT \(Int64(count))
                ON CONFLICT (tenant_id, subscription_id, partition) DO UPDATE
                SET owner = excluded.owner, expires_at = excluded.expires_at
                WHERE delivery_leases.expires_at < now()
                RETURNING tenant_id, subscription_id, partition
                """,
                logger: logger
            )
        )
    }

    func release(_ key: LeaseKey) async throws {
        try await client.query(
            """
            DELETE FROM delivery_leases
            WHERE tenant_id = \(key.tenantID) AND subscription_id = \(key.subscriptionID) AND partition = \(Int16(key.partition))
              AND owner = \(owner)
            """,
            logger: logger
        )
    }

    /// Moves the group's committed offset of the partition forward to `offset`, only while this
    /// worker holds the partition's lease (a worker that lost it cannot commit over the new
    /// holder); false if it does not.
    func commit(_ key: LeaseKey, group: UUID, offset: Int64, on connection: PostgresConnection) async throws -> Bool {
        let rows = try await connection.query(
            """
            INSERT INTO consumer_offsets AS o (tenant_id, group_id, partition, committed_offset, committed_at)
            SELECT \(key.tenantID), \(group), \(Int16(key.partition)), \(offset), now()
            WHERE EXISTS (SELECT 1 FROM delivery_leases
                          WHERE tenant_id = \(key.tenantID) AND subscription_id = \(key.subscriptionID)
                            AND partition = \(Int16(key.partition)) AND owner = \(owner) AND expires_at > now())
            ON CONFLICT (tenant_id, group_id, partition) DO UPDATE
            SET committed_offset = excluded.committed_offset, committed_at = excluded.committed_at
            WHERE o.committed_offset <= excluded.committed_offset
            RETURNING partition
            """,
            logger: logger
        )
        for try await _ in rows.decode(Int16.self) { return true }
        return false
    }

    private func keys(_ rows: Rows) async throws -> Set<LeaseKey> {
        var keys: Set<LeaseKey> = []
        for try await (tenant, subscription, partition) in rows.decode((UUID, UUID, Int16).self) {
            keys.insert(LeaseKey(tenantID: tenant, subscriptionID: subscription, partition: Int(partition)))
        }
        return keys
    }
}

extension DeliveryLeases {
    /// The workers holding live leases on the partitions of the subscription pushing `group`.
    static func holders(of group: ConsumerGroup, logger: Logger, on connection: PostgresConnection) async throws -> [String: [Int]] {
        let rows = try await connection.query(
            """
            SELECT l.owner, l.partition FROM delivery_leases l
            JOIN subscriptions s ON s.tenant_id = l.tenant_id AND s.id = l.subscription_id
            WHERE s.tenant_id = \(group.tenantID) AND s.group_id = \(group.id) AND l.expires_at > now()
            ORDER BY l.partition
            """,
            logger: logger
        )
        var holders: [String: [Int]] = [:]
        for try await (owner, partition) in rows.decode((String, Int16).self) { holders[owner, default: []].append(Int(partition)) }
        return holders
    }

    /// Drops the leases on the group's subscription, so that its workers start again from the
    /// group's (moved) offsets.
    static func drop(group: ConsumerGroup, logger: Logger, on connection: PostgresConnection) async throws {
        try await connection.query(
            """
            DELETE FROM delivery_leases l USING subscriptions s
            WHERE s.tenant_id = \(group.tenantID) AND s.group_id = \(group.id) AND l.tenant_id = s.tenant_id AND l.subscription_id = s.id
            """,
            logger: logger
        )
    }
}
