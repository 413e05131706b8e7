import Foundation
import Logging
import PostgresNIO
import SluiceDatabase

/// Users are global (one person, many tenants); everything else in Identity is per tenant.
package struct UserRepository: Sendable {
    let logger: Logger

    package init(logger: Logger) {
        self.logger = logger
    }

    package func create(id: UUID, email: String, name: String?, passwordHash: String, on connection: PostgresConnection) async throws -> User {
        do {
            let rows = try await connection.query(
                """
                INSERT INTO users (id, email, name, password_hash) VALUES (\(id), \(email), \(name), \(passwordHash))
                RETURNING id, email::text, name, created_at
                """,
                logger: logger
            )
            for try await row in rows.decode((UUID, String, String?, Date).self) {
                return User(id: row.0, email: row.1, name: row.2, createdAt: row.3)
            }
        } catch let error as PSQLError where error.isUniqueViolation {
            throw SluiceError.conflict("A user with this email already exists.", kind: .emailTaken)
        }
        throw SluiceError.internalError
    }

    /// The user and their password hash, for login.
    func credentials(email: String, on connection: PostgresConnection) async throws -> (User, String)? {
        let rows = try await connection.query(
            "SELECT id, email::text, name, created_at, password_hash FROM users WHERE email = \(email)::citext",
            logger: logger
        )
        for try await row in rows.decode((UUID, String, String?, Date, String).self) {
            return (User(id: row.0, email: row.1, name: row.2, createdAt: row.3), row.4)
        }
        return nil
    }

    package func find(id: UUID, on connection: PostgresConnection) async throws -> User? {
        let rows = try await connection.query(
            "SELECT id, email::text, name, created_at FROM users WHERE id = \(id)",
            logger: logger
        )
        for try await row in rows.decode((UUID, String, String?, Date).self) {
            return User(id: row.0, email: row.1, name: row.2, createdAt: row.3)
        }
        return nil
    }

    package func find(email: String, on connection: PostgresConnection) async throws -> User? {
        try await credentials(email: email, on: connection)?.0
    }

    package func setPassword(userID: UUID, passwordHash: String, on connection: PostgresConnection) async throws {
        try await connection.query(
            "UPDATE users SET password_hash = \(passwordHash), password_changed_at = now() WHERE id = \(userID)",
            logger: logger
        )
    }

    /// Access tokens issued before now are refused from here on.
    package func endSessions(userID: UUID, on connection: PostgresConnection) async throws {
        try await connection.query("UPDATE users SET sessions_valid_after = now() WHERE id = \(userID)", logger: logger)
    }
}

package struct TenantRepository: Sendable {
    let logger: Logger

    package init(logger: Logger) {
        self.logger = logger
    }

    package func create(id: UUID, name: String, on connection: PostgresConnection) async throws -> Tenant {
        let rows = try await connection.query(
            "INSERT INTO tenants (id, name) VALUES (\(id), \(name)) RETURNING id, name, plan, created_at",
            logger: logger
        )
        for try await row in rows.decode((UUID, String, String, Date).self) {
            return Tenant(id: row.0, name: row.1, plan: row.2, createdAt: row.3)
        }
        throw SluiceError.internalError
    }

    package func find(id: UUID, on connection: PostgresConnection) async throws -> Tenant? {
        let rows = try await connection.query(
            "SELECT id, name, plan, created_at FROM tenants WHERE id = \(id)",
            logger: logger
        )
        for try await row in rows.decode((UUID, String, String, Date).self) {
            return Tenant(id: row.0, name: row.1, plan: row.2, createdAt: row.3)
        }
        return nil
    }

    /// The tenant's plan and its monthly event quota override (nil: the plan's), nil when no
    /// such tenant.
    package func plan(id: UUID, on client: Database) async throws -> (plan: String, quotaOverride: Int64?)? {
        let rows = try await client.query("SELECT plan, monthly_event_quota FROM tenants WHERE id = \(id)", logger: logger)
        for try await row in rows.decode((String, Int64?).self) { return row }
        return nil
    }

    /// Sets the plan (nil keeps it) and the quota override (`.none` keeps it, `.some(nil)`
    /// clears it); the tenant's plan and override after, nil when no such tenant.
    package func setPlan(
        id: UUID,
        plan: String?,
        quotaOverride: Int64??,
        on connection: PostgresConnection
    ) async throws -> (plan: String, quotaOverride: Int64?)? {
        let rows = try await connection.query(
            """
            UPDATE tenants SET plan = coalesce(\(plan), plan),
                   monthly_event_quota = CASE WHEN \(quotaOverride != nil) THEN \(quotaOverride ?? nil) ELSE monthly_event_quota END
            WHERE id = \(id) RETURNING plan, monthly_event_quota
            """,
            logger: logger
        )
        for try await row in rows.decode((String, Int64?).self) { return row }
        return nil
    }
}
