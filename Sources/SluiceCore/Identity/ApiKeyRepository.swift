import Foundation
import Logging
import PostgresNIO

struct ApiKeyRepository: Sendable {
    let logger: Logger

    private static let columns = """
        tenant_id, id, name, prefix, scopes, streams, created_by_type, created_by_id, created_at,
        last_used_at, expires_at, revoked_at, requests_per_second, requests_burst, events_per_second, events_burst
        """

    private typealias Row = (
        UUID, UUID, String, String, [String], [String]?, String, String, Date, Date?, Date?, Date?, Double?, Int?, Double?, Int?
    )

    private static func key(_ row: Row) throws -> ApiKey {
        try ApiKey(
            tenantID: row.0,
            id: row.1,
            name: row.2,
            prefix: row.3,
            scopes: try row.4.map { try ApiKeyScope(stored: $0) },
            streams: row.5,
            createdByType: row.6,
            createdByID: row.7,
            createdAt: row.8,
            lastUsedAt: row.9,
            expiresAt: row.10,
            revokedAt: row.11,
            limits: KeyLimitOverrides(
                requests: row.12.flatMap { rate in row.13.map { RateLimit(perSecond: rate, burst: $0) } },
                events: row.14.flatMap { rate in row.15.map { RateLimit(perSecond: rate, burst: $0) } }
            )
        )
    }

    func insert(_ key: ApiKey, hash: [UInt8], on connection: PostgresConnection) async throws {
        try await connection.query(
            """
            INSERT INTO api_keys (tenant_id, id, name, prefix, key_hash, scopes, streams, created_by_type,
                                  created_by_id, created_at, expires_at)
            VALUES (\(key.tenantID), \(key.id), \(key.name), \(key.prefix), \(ByteBuffer(bytes: hash)),
                    \(key.scopes.map(\.rawValue)), \(key.streams), \(key.createdByType), \(key.createdByID),
                    \(key.createdAt), \(key.expiresAt))
            """,
            logger: logger
        )
    }

    func list(tenantID: UUID, includeRevoked: Bool, on connection: PostgresConnection) async throws -> [ApiKey] {
        let rows = try await connection.query(
            """
            SELECT \(unescaped: Self.columns) FROM api_keys
            WHERE tenant_id = \(tenantID) AND (\(includeRevoked) OR revoked_at IS NULL)
            ORDER BY created_at, id
            """,
            logger: logger
        )
        var keys: [ApiKey] = []
        for try await row in rows.decode(Row.self) { keys.append(try Self.key(row)) }
        return keys
    }

    func find(tenantID: UUID, id: UUID, on connection: PostgresConnection) async throws -> ApiKey? {
        let rows = try await connection.query(
            "SELECT \(unescaped: Self.columns) FROM api_keys WHERE tenant_id = \(tenantID) AND id = \(id)",
            logger: logger
        )
        for try await row in rows.decode(Row.self) { return try Self.key(row) }
        return nil
    }

    /// The key a secret belongs to, whatever its state; the caller decides what a revoked or
    /// expired key means.
    func find(hash: [UInt8], on connection: PostgresConnection) async throws -> ApiKey? {
        let rows = try await connection.query(
            "SELECT \(unescaped: Self.columns) FROM api_keys WHERE key_hash = \(ByteBuffer(bytes: hash))",
            logger: logger
        )
        for try await row in rows.decode(Row.self) { return try Self.key(row) }
        return nil
    }

    /// Revokes the key; false if it was already revoked.
    func revoke(tenantID: UUID, id: UUID, on connection: PostgresConnection) async throws -> Bool {
        let rows = try await connection.query(
            """
            UPDATE api_keys SET revoked_at = now()
            WHERE tenant_id = \(tenantID) AND id = \(id) AND revoked_at IS NULL RETURNING id
            """,
            logger: logger
        )
        for try await _ in rows.decode(UUID.self) { return true }
        return false
    }

    /// Sets the key's own limits (nil: the plan's); the key as it is now, nil if there is none.
    func setLimits(tenantID: UUID, id: UUID, _ limits: KeyLimitOverrides, on connection: PostgresConnection) async throws -> ApiKey? {
        let rows = try await connection.query(
            """
            UPDATE api_keys
            SET requests_per_second = \(limits.requests?.perSecond), requests_burst = \(limits.requests?.burst),
                events_per_second = \(limits.events?.perSecond), events_burst = \(limits.events?.burst)
            WHERE tenant_id = \(tenantID) AND id = \(id) RETURNING \(unescaped: Self.columns)
            """,
            logger: logger
        )
        for try await row in rows.decode(Row.self) { return try Self.key(row) }
        return nil
    }

    /// Records use at most once a minute per key, so that authentication does not write on
    /// every request.
    func touch(tenantID: UUID, id: UUID, on connection: PostgresConnection) async throws {
        try await connection.query(
            """
            UPDATE api_keys SET last_used_at = now()
            WHERE tenant_id = \(tenantID) AND id = \(id)
              AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute')
            """,
            logger: logger
        )
    }
}
