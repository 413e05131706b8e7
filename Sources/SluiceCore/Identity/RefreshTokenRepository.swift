import Foundation
import Logging
import PostgresNIO

/// Opaque refresh tokens, stored as SHA-256 hashes, grouped in families: every rotation
/// adds a token to its family, and reuse of a rotated one revokes the family.
package struct RefreshTokenRepository: Sendable {
    let logger: Logger

    package init(logger: Logger) {
        self.logger = logger
    }

    struct Stored: Sendable {
        var tenantID: UUID
        var id: UUID
        var familyID: UUID
        var userID: UUID
        var expiresAt: Date
        var rotatedAt: Date?
        var revokedAt: Date?
    }

    func insert(
        tenantID: UUID,
        familyID: UUID,
        userID: UUID,
        tokenHash: [UInt8],
        expiresAt: Date,
        on connection: PostgresConnection
    ) async throws {
        try await connection.query(
            """
            INSERT INTO refresh_tokens (tenant_id, id, family_id, user_id, token_hash, expires_at)
            VALUES (\(tenantID), \(UUID.v7()), \(familyID), \(userID), \(ByteBuffer(bytes: tokenHash)), \(expiresAt))
            """,
            logger: logger
        )
    }

    /// The token with this hash, locked until the transaction ends.
    func lock(tokenHash: [UInt8], on connection: PostgresConnection) async throws -> Stored? {
        let rows = try await connection.query(
            """
            SELECT tenant_id, id, family_id, user_id, expires_at, rotated_at, revoked_at
            FROM refresh_tokens WHERE token_hash = \(ByteBuffer(bytes: tokenHash)) FOR UPDATE
            """,
            logger: logger
        )
        for try await row in rows.decode((UUID, UUID, UUID, UUID, Date, Date?, Date?).self) {
            return Stored(tenantID: row.0, id: row.1, familyID: row.2, userID: row.3, expiresAt: row.4, rotatedAt: row.5, revokedAt: row.6)
        }
        return nil
    }

    func markRotated(tenantID: UUID, id: UUID, on connection: PostgresConnection) async throws {
        try await connection.query(
            "UPDATE refresh_tokens SET rotated_at = now() WHERE tenant_id = \(tenantID) AND id = \(id)",
            logger: logger
        )
    }

    func revokeFamily(tenantID: UUID, familyID: UUID, on connection: PostgresConnection) async throws {
        try await connection.query(
            """
            UPDATE refresh_tokens SET revoked_at = now()
            WHERE tenant_id = \(tenantID) AND family_id = \(familyID) AND revoked_at IS NULL
            """,
            logger: logger
        )
    }

    /// Ends every session of the user in the tenant (on removal from it).
    package func revokeAll(tenantID: UUID, userID: UUID, on connection: PostgresConnection) async throws {
        try await connection.query(
            """
            UPDATE refresh_tokens SET revoked_at = now()
            WHERE tenant_id = \(tenantID) AND user_id = \(userID) AND revoked_at IS NULL
            """,
            logger: logger
        )
    }
}
