import Foundation
import Logging
import PostgresNIO

struct InvitationRepository: Sendable {
    let logger: Logger

    struct Pending: Sendable {
        var tenantID: UUID
        var invitation: Invitation
        var acceptedAt: Date?
        var revokedAt: Date?
    }

    /// Creates an invitation, withdrawing any earlier pending one for the same email.
    func create(
        tenantID: UUID,
        email: String,
        role: Role,
        tokenHash: [UInt8],
        createdBy: UUID,
        expiresAt: Date,
        on connection: PostgresConnection
    ) async throws -> Invitation {
        try await connection.query(
            """
            UPDATE invitations SET revoked_at = now()
            WHERE tenant_id = \(tenantID) AND email = \(email)::citext AND accepted_at IS NULL AND revoked_at IS NULL
            """,
            logger: logger
        )
        let rows = try await connection.query(
            """
            INSERT INTO invitations (tenant_id, id, email, role, token_hash, created_by, expires_at)
            VALUES (\(tenantID), \(UUID.v7()), \(email), \(role), \(ByteBuffer(bytes: tokenHash)), \(createdBy), \(expiresAt))
            RETURNING id, email::text, role, created_at, expires_at
            """,
            logger: logger
        )
        for try await row in rows.decode((UUID, String, Role, Date, Date).self) {
            return Invitation(id: row.0, email: row.1, role: row.2, createdAt: row.3, expiresAt: row.4)
        }
        throw SluiceError.internalError
    }

    func listPending(tenantID: UUID, on connection: PostgresConnection) async throws -> [Invitation] {
        let rows = try await connection.query(
            """
            SELECT id, email::text, role, created_at, expires_at FROM invitations
            WHERE tenant_id = \(tenantID) AND accepted_at IS NULL AND revoked_at IS NULL AND expires_at > now()
            ORDER BY created_at
            """,
            logger: logger
        )
        var result: [Invitation] = []
        for try await row in rows.decode((UUID, String, Role, Date, Date).self) {
            result.append(Invitation(id: row.0, email: row.1, role: row.2, createdAt: row.3, expiresAt: row.4))
        }
        return result
    }

    func lock(tokenHash: [UInt8], on connection: PostgresConnection) async throws -> Pending? {
        let rows = try await connection.query(
            """
            SELECT tenant_id, id, email::text, role, created_at, expires_at, accepted_at, revoked_at FROM invitations
            WHERE token_hash = \(ByteBuffer(bytes: tokenHash)) FOR UPDATE
            """,
            logger: logger
        )
        for try await row in rows.decode((UUID, UUID, String, Role, Date, Date, Date?, Date?).self) {
            let invitation = Invitation(id: row.1, email: row.2, role: row.3, createdAt: row.4, expiresAt: row.5)
            return Pending(tenantID: row.0, invitation: invitation, acceptedAt: row.6, revokedAt: row.7)
        }
        return nil
    }

    func markAccepted(tenantID: UUID, id: UUID, userID: UUID, on connection: PostgresConnection) async throws {
        try await connection.query(
            "UPDATE invitations SET accepted_at = now(), accepted_by = \(userID) WHERE tenant_id = \(tenantID) AND id = \(id)",
            logger: logger
        )
    }

    /// Withdraws a pending invitation; false if there is none with this id in the tenant.
    func revoke(tenantID: UUID, id: UUID, on connection: PostgresConnection) async throws -> Bool {
        let rows = try await connection.query(
            """
            UPDATE invitations SET revoked_at = now()
            WHERE tenant_id = \(tenantID) AND id = \(id) AND accepted_at IS NULL AND revoked_at IS NULL RETURNING id
            """,
            logger: logger
        )
        for try await _ in rows.decode(UUID.self) { return true }
        return false
    }
}
