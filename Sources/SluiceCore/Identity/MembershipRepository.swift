import Foundation
import Logging
import PostgresNIO
import SluiceDatabase

package struct MembershipRepository: Sendable {
    let logger: Logger

    package init(logger: Logger) {
        self.logger = logger
    }

    package func add(tenantID: UUID, userID: UUID, role: Role, on connection: PostgresConnection) async throws {
        do {
            try await connection.query(
                "INSERT INTO memberships (tenant_id, user_id, role) VALUES (\(tenantID), \(userID), \(role))",
                logger: logger
            )
        } catch let error as PSQLError where error.isUniqueViolation {
            throw SluiceError.conflict("This user is already a member of the tenant.", kind: .alreadyMember)
        }
    }

    /// The member's role and email, or nil if the user is not a member of the tenant.
    package func member(tenantID: UUID, userID: UUID, on connection: PostgresConnection) async throws -> Member? {
        let rows = try await connection.query(
            """
            SELECT u.id, u.email::text, u.name, m.role, m.created_at, u.sessions_valid_after
            FROM memberships m JOIN users u ON u.id = m.user_id
            WHERE m.tenant_id = \(tenantID) AND m.user_id = \(userID)
            """,
            logger: logger
        )
        for try await row in rows.decode((UUID, String, String?, Role, Date, Date?).self) {
            return Member(
                userID: row.0,
                email: row.1,
                name: row.2,
                role: row.3,
                joinedAt: row.4,
                sessionsValidAfter: row.5
            )
        }
        return nil
    }

    func list(tenantID: UUID, on connection: PostgresConnection) async throws -> [Member] {
        let rows = try await connection.query(
            """
            SELECT u.id, u.email::text, u.name, m.role, m.created_at
            FROM memberships m JOIN users u ON u.id = m.user_id
            WHERE m.tenant_id = \(tenantID) ORDER BY m.created_at, u.email
            """,
            logger: logger
        )
        var members: [Member] = []
        for try await row in rows.decode((UUID, String, String?, Role, Date).self) {
            members.append(Member(userID: row.0, email: row.1, name: row.2, role: row.3, joinedAt: row.4))
        }
        return members
    }

    /// The user's tenants with their role, oldest membership first.
    package func memberships(userID: UUID, on connection: PostgresConnection) async throws -> [(Tenant, Role)] {
        let rows = try await connection.query(
            """
            SELECT t.id, t.name, t.plan, t.created_at, m.role
            FROM memberships m JOIN tenants t ON t.id = m.tenant_id
            WHERE m.user_id = \(userID) ORDER BY m.created_at, t.id
            """,
            logger: logger
        )
        var result: [(Tenant, Role)] = []
        for try await row in rows.decode((UUID, String, String, Date, Role).self) {
            result.append((Tenant(id: row.0, name: row.1, plan: row.2, createdAt: row.3), row.4))
        }
        return result
    }

    /// Locks the tenant's owner rows until the transaction ends and returns their user ids,
    /// so that two concurrent demotions cannot both pass the last-owner check.
    func lockOwners(tenantID: UUID, on connection: PostgresConnection) async throws -> [UUID] {
        let rows = try await connection.query(
            "SELECT user_id FROM memberships WHERE tenant_id = \(tenantID) AND role = 'owner' ORDER BY user_id FOR UPDATE",
            logger: logger
        )
        var owners: [UUID] = []
        for try await id in rows.decode(UUID.self) { owners.append(id) }
        return owners
    }

    package func setRole(tenantID: UUID, userID: UUID, role: Role, on connection: PostgresConnection) async throws {
        try await connection.query(
            "UPDATE memberships SET role = \(role) WHERE tenant_id = \(tenantID) AND user_id = \(userID)",
            logger: logger
        )
    }

    func remove(tenantID: UUID, userID: UUID, on connection: PostgresConnection) async throws {
        try await connection.query(
            "DELETE FROM memberships WHERE tenant_id = \(tenantID) AND user_id = \(userID)",
            logger: logger
        )
    }
}
