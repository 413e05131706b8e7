import Foundation
import Logging
import PostgresNIO
import SluiceDatabase

/// The dashboard's signed-in browsers. A session is a member acting in one tenant, like an
/// access token, but held by the server: the browser's cookie carries 256 random bits (stored
/// only as their SHA-256), sign-out ends it at once, and it never has to be refreshed (so no
/// two tabs race to rotate a token). The member's role is read with the session on every
/// request, so role changes and removals hold at once, and a password reset ends every
/// session begun before it.
public struct DashboardSessions: Sendable {
    public struct Configuration: Sendable {
        /// A session unused this long ends.
        public var idleLifetime: TimeInterval = 12 * 3600
        /// A session ends this long after sign-in however much it is used.
        public var absoluteLifetime: TimeInterval = 7 * 86400
        public init() {}
    }

    public static let tokenPrefix = "sds_"
    /// What the audit entries of the dashboard's sign-ins, switches and sign-outs add.
    static let via = ["via": "dashboard"]

    public let configuration: Configuration
    let client: Database
    let logger: Logger
    let auth: AuthService
    let audit: AuditLog

    package init(configuration: Configuration, client: Database, logger: Logger, auth: AuthService, audit: AuditLog) {
        self.configuration = configuration
        self.client = client
        self.logger = logger
        self.auth = auth
        self.audit = audit
    }

    /// Signs in with the API's checks (throttling, the decoy hash, failures audited) and opens a
    /// session; answers the cookie's token, shown to no one else.
    public func begin(email: String, password: String, tenantID: UUID?, origin: RequestOrigin) async throws -> String {
        let (user, tenantID, _) = try await auth.authenticate(email: email, password: password, tenantID: tenantID, origin: origin)
        let token = Secrets.make(prefix: Self.tokenPrefix)
        let expiresAt = Date().addingTimeInterval(configuration.absoluteLifetime)
        let idle = configuration.idleLifetime
        try await client.transaction(logger: logger) { connection in
            // The user's ended sessions go as a new one begins: the table holds live ones only.
            try await connection.query(
                """
                DELETE FROM dashboard_sessions
                WHERE user_id = \(user.id) AND (expires_at <= now() OR last_seen_at <= now() - make_interval(secs => \(idle)))
                """,
                logger: logger
            )
            try await connection.query(
                """
                INSERT INTO dashboard_sessions (token_hash, user_id, tenant_id, expires_at)
                VALUES (\(ByteBuffer(bytes: Secrets.hash(token))), \(user.id), \(tenantID), \(expiresAt))
                """,
                logger: logger
            )
            try await audit.append(
                .session("auth.login", userID: user.id, email: user.email, tenantID: tenantID, details: Self.via, origin: origin),
                on: connection
            )
        }
        return token
    }

    /// The member the live session with this token acts as, or nil (unknown, ended, idle too long, begun before a
    /// password reset, or its member gone from the tenant). Its last use is written at most once
    /// a minute.
    public func resolve(token: String) async throws -> Identity? {
        guard token.hasPrefix(Self.tokenPrefix), token.utf8.count <= 64 else { return nil }
        let hash = ByteBuffer(bytes: Secrets.hash(token))
        let idle = configuration.idleLifetime
        let rows = try await client.query(
            """
            WITH found AS (
                SELECT s.token_hash, s.user_id, s.tenant_id, s.expires_at, s.last_seen_at, u.email::text AS email
                FROM dashboard_sessions s JOIN users u ON u.id = s.user_id
                WHERE s.token_hash = \(hash) AND s.expires_at > now()
                  AND s.last_seen_at > now() - make_interval(secs => \(idle))
                  AND (u.sessions_valid_after IS NULL OR s.created_at > u.sessions_valid_after)
            ), touched AS (
                UPDATE dashboard_sessions s SET last_seen_at = now()
                FROM found f WHERE s.token_hash = f.token_hash AND f.last_seen_at < now() - interval '1 minute'
            )
            SELECT f.user_id, f.tenant_id, f.email, m.role
            FROM found f JOIN memberships m ON m.tenant_id = f.tenant_id AND m.user_id = f.user_id
            """,
            logger: logger
        )
        for try await (userID, tenantID, email, role) in rows.decode((UUID, UUID, String, Role).self) {
            return Identity(tenantID: tenantID, actor: .user(id: userID, email: email, role: role))
        }
        return nil
    }

    /// Moves the session to another tenant of its user; 404 if they are not a member there.
    public func switchTenant(token: String, identity: Identity, to tenantID: UUID, origin: RequestOrigin) async throws {
        let user = try identity.requireUser()
        try await client.transaction(logger: logger) { connection in
            let moved = try await connection.query(
                """
                UPDATE dashboard_sessions s SET tenant_id = \(tenantID)
                FROM memberships m
                WHERE s.token_hash = \(ByteBuffer(bytes: Secrets.hash(token))) AND m.tenant_id = \(tenantID) AND m.user_id = s.user_id
                RETURNING s.user_id
                """,
                logger: logger
            )
            var found = false
            for try await _ in moved { found = true }
            guard found else { throw SluiceError.notFound("Tenant \(tenantID.lowercased)") }
            try await audit.append(
                .session(
                    "auth.tenant.switched",
                    userID: user.id,
                    email: user.email,
                    tenantID: tenantID,
                    details: Self.via.merging(["from": identity.tenantID.lowercased]) { a, _ in a },
                    origin: origin
                ),
                on: connection
            )
        }
    }

    /// Ends the session (sign-out). An unknown token is ignored: signing out always succeeds.
    public func end(token: String, origin: RequestOrigin) async throws {
        guard token.hasPrefix(Self.tokenPrefix), token.utf8.count <= 64 else { return }
        try await client.transaction(logger: logger) { connection in
            let ended = try await connection.query(
                """
                DELETE FROM dashboard_sessions s USING users u
                WHERE s.token_hash = \(ByteBuffer(bytes: Secrets.hash(token))) AND u.id = s.user_id
                RETURNING s.user_id, s.tenant_id, u.email::text
                """,
                logger: logger
            )
            for try await (userID, tenantID, email) in ended.decode((UUID, UUID, String).self) {
                try await audit.append(
                    .session("auth.logout", userID: userID, email: email, tenantID: tenantID, details: Self.via, origin: origin),
                    on: connection
                )
            }
        }
    }

    // MARK: Cross-site request forgery

    /// The token every state change of the session whose cookie holds `token` must carry (a
    /// form field, or `X-CSRF-Token` from htmx): derived from the session's own secret, so another
    /// site can neither read nor guess it, and nothing more is stored.
    public static func csrfToken(for token: String) -> String {
        Secrets.hash("sluice-dashboard-csrf\u{0}" + token).hex
    }

    /// Before sign-in there is no session: the sign-in form pairs this random value with a
    /// cookie of its own (double submit).
    public static func signInNonce() -> String { Secrets.make(prefix: "") }

    /// Whether `presented` is `expected`, compared without an early exit.
    public static func csrfMatches(_ presented: String?, _ expected: String) -> Bool {
        guard let presented, !expected.isEmpty else { return false }
        return Secrets.constantTimeEqual(Array(presented.utf8), Array(expected.utf8))
    }
}
