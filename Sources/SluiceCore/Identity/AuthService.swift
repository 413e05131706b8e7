import Foundation
import Logging
import PasswordHashing
import PostgresNIO
import SluiceDatabase

/// Signup, login, token refresh and logout: how people get and lose access tokens.
public struct AuthService: Sendable {
    public struct Configuration: Sendable {
        public var refreshTokenLifetime: TimeInterval = 30 * 24 * 3600
        public init() {}
    }

    let configuration: Configuration
    let client: Database
    let logger: Logger
    let hasher: PasswordHasher
    let tokens: AccessTokens
    let throttle: any LoginThrottling
    /// Signups per client address.
    let signups: any LoginThrottling
    /// Where throttled logins are recorded (bounded).
    let refusals: RefusalAudit?
    let audit: AuditLog
    /// A hash of nothing anyone knows: unknown emails are checked against it so that they
    /// take as long as known ones and do not reveal which accounts exist.
    let decoyHash: String

    package init(
        configuration: Configuration,
        client: Database,
        logger: Logger,
        hasher: PasswordHasher,
        tokens: AccessTokens,
        throttle: any LoginThrottling,
        signups: any LoginThrottling,
        refusals: RefusalAudit?,
        audit: AuditLog,
        decoyHash: String
    ) {
        self.configuration = configuration
        self.client = client
        self.logger = logger
        self.hasher = hasher
        self.tokens = tokens
        self.throttle = throttle
        self.signups = signups
        self.refusals = refusals
        self.audit = audit
        self.decoyHash = decoyHash
    }

    var users: UserRepository { .init(logger: logger) }
    var tenants: TenantRepository { .init(logger: logger) }
    var memberships: MembershipRepository { .init(logger: logger) }
    var refreshTokens: RefreshTokenRepository { .init(logger: logger) }

    static let refreshTokenPrefix = "srt_"

    public func signup(
        email: String,
        password: String,
        name: String?,
        tenantName: String,
        origin: RequestOrigin
    ) async throws -> (User, Tenant, TokenPair) {
        let email = try Validate.email(email)
        try Validate.password(password)
        let tenantName = try Validate.name(tenantName, pointer: "/tenantName", maxLength: InputBounds.tenantName.max)
        let name = try name.map { try Validate.name($0, pointer: "/name", maxLength: InputBounds.userName.max) }
        // Each signup costs a password hash and a tenant: counted per address before either.
        if let address = origin.clientIP {
            do {
                _ = try await signups.reserve(account: "signup " + address, clientIP: nil)
            } catch var error as SluiceError where error.kind == .loginThrottled {
                error.kind = .signupThrottled
                error.detail = "Too many signups from this address; try again later."
                throw error
            }
        }
        let passwordHash = try await hasher.hash(password)
        return try await client.transaction(logger: logger) { connection in
            let user = try await users.create(id: .v7(), email: email, name: name, passwordHash: passwordHash, on: connection)
            let tenant = try await tenants.create(id: .v7(), name: tenantName, on: connection)
            try await memberships.add(tenantID: tenant.id, userID: user.id, role: .owner, on: connection)
            let actor = AuditActor(type: .user, id: user.id.lowercased, label: user.email)
            try await audit.append(
                AuditRecord(
                    tenantID: tenant.id,
                    actor: actor,
                    action: "tenant.created",
                    targetType: "tenant",
                    targetID: tenant.id.lowercased,
                    details: ["name": tenant.name],
                    origin: origin
                ),
                on: connection
            )
            try await audit.append(
                AuditRecord(
                    tenantID: tenant.id,
                    actor: actor,
                    action: "member.added",
                    targetType: "user",
                    targetID: user.id.lowercased,
                    details: ["role": Role.owner.rawValue],
                    origin: origin
                ),
                on: connection
            )
            let pair = try await issue(userID: user.id, tenantID: tenant.id, role: .owner, familyID: nil, on: connection)
            return (user, tenant, pair)
        }
    }

    public func login(email: String, password: String, tenantID: UUID?, origin: RequestOrigin) async throws -> TokenPair {
        let (user, tenantID, role) = try await authenticate(email: email, password: password, tenantID: tenantID, origin: origin)
        return try await client.transaction(logger: logger) { connection in
            try await audit.append(
                .session("auth.login", userID: user.id, email: user.email, tenantID: tenantID, origin: origin),
                on: connection
            )
            return try await issue(userID: user.id, tenantID: tenantID, role: role, familyID: nil, on: connection)
        }
    }

    /// Checks an email and password (throttled, failures audited) and picks the tenant: the one
    /// asked for, or the user's first. What follows (tokens, a dashboard session) is the
    /// caller's, and so is recording the sign-in.
    package func authenticate(
        email: String,
        password: String,
        tenantID: UUID?,
        origin: RequestOrigin
    ) async throws -> (
        user: User, tenantID: UUID, role: Role
    ) {
        let account = email.trimmingCharacters(in: .whitespaces).lowercased()
        // Counted before the hash is computed: concurrent guesses beyond the limit are refused
        // without being evaluated.
        let attempt: String
        do {
            attempt = try await throttle.reserve(account: account, clientIP: origin.clientIP)
        } catch let error as SluiceError {
            await auditThrottled(account: account, origin: origin)
            throw error
        }
        let found = try await client.withConnection { try await users.credentials(email: account, on: $0) }
        let passwordMatches = try await hasher.verify(password, against: found?.1 ?? decoyHash)
        guard let (user, storedHash) = found, passwordMatches else {
            if let user = found?.0 {
                try await auditLoginFailure(user: user, tenantID: tenantID, reason: "wrong password", origin: origin)
            } else {
                logger.notice("Login failed for an unknown account", metadata: ["client_ip": .string(origin.clientIP ?? "-")])
            }
            throw SluiceError.unauthorized("The email or the password is wrong.")
        }
        let memberships = try await client.withConnection { try await self.memberships.memberships(userID: user.id, on: $0) }
        let chosen = tenantID.map { id in memberships.first { $0.0.id == id } } ?? memberships.first
        guard let (tenant, role) = chosen else {
            try await auditLoginFailure(user: user, tenantID: nil, reason: "not a member of the tenant", origin: origin)
            throw SluiceError.unauthorized("The user is not a member of that tenant.")
        }
        await throttle.succeeded(attempt, account: account, clientIP: origin.clientIP)
        if hasher.needsRehash(storedHash) {
            let fresh = try await hasher.hash(password)
            try await client.withConnection { try await users.setPassword(userID: user.id, passwordHash: fresh, on: $0) }
        }
        return (user, tenant.id, role)
    }

    /// A throttled attempt on a known account, in each of its tenants (bounded per tenant).
    private func auditThrottled(account: String, origin: RequestOrigin) async {
        guard let refusals, let found = try? await client.withConnection({ try await users.credentials(email: account, on: $0) }),
            let memberships = try? await client.withConnection({ try await self.memberships.memberships(userID: found.0.id, on: $0) })
        else { return }
        for (tenant, _) in memberships {
            await refusals.record(
                AuditRecord(
                    tenantID: tenant.id,
                    actor: .anonymous(label: found.0.email),
                    action: "auth.login.throttled",
                    targetType: "user",
                    targetID: found.0.id.lowercased,
                    origin: origin
                )
            )
        }
    }

    private func auditLoginFailure(user: User, tenantID: UUID?, reason: String, origin: RequestOrigin) async throws {
        let memberships = try await client.withConnection { try await self.memberships.memberships(userID: user.id, on: $0) }
        // The attempt is recorded in the tenant it aimed at, or else in every tenant of the
        // user: each tenant's admins see attacks on their members.
        let tenants = memberships.map(\.0.id).filter { tenantID == nil || $0 == tenantID }
        for tenant in tenants {
            let record = AuditRecord(
                tenantID: tenant,
                actor: .anonymous(label: user.email),
                action: "auth.login.failed",
                targetType: "user",
                targetID: user.id.lowercased,
                details: ["reason": reason],
                origin: origin
            )
            do {
                try await audit.append(record)
            } catch  where Database.isUnavailable(error) {
                // The answer is still 401: a burst of guesses queues on the tenant's audit
                // chain, and one that waits past the database deadline must not turn a wrong
                // password into a 503 (which clients retry). The attempt is in the log instead.
                logger.error(
                    "A failed login could not be audited",
                    metadata: [
                        "tenant_id": .string(tenant.lowercased), "user_id": .string(user.id.lowercased), "reason": .string(reason),
                        "client_ip": .string(origin.clientIP ?? "-"), "error": .string(String(describing: error)),
                    ]
                )
            }
        }
    }

    private enum RefreshOutcome: Sendable {
        case issued(TokenPair)
        case refused(String)
    }

    /// Rotates a refresh token. A token that was already rotated is a sign of theft: its
    /// whole family is revoked (and that revocation is committed before the refusal).
    public func refresh(token: String, origin: RequestOrigin) async throws -> TokenPair {
        guard token.hasPrefix(Self.refreshTokenPrefix) else { throw SluiceError.unauthorized("The refresh token is invalid.") }
        let outcome: RefreshOutcome = try await client.transaction(logger: logger) { connection in
            guard let stored = try await refreshTokens.lock(tokenHash: Secrets.hash(token), on: connection) else {
                return .refused("The refresh token is invalid.")
            }
            if stored.revokedAt != nil { return .refused("The refresh token was revoked.") }
            if stored.rotatedAt != nil {
                try await refreshTokens.revokeFamily(tenantID: stored.tenantID, familyID: stored.familyID, on: connection)
                let user = try await users.find(id: stored.userID, on: connection)
                try await audit.append(
                    AuditRecord(
                        tenantID: stored.tenantID,
                        actor: .anonymous(label: user?.email),
                        action: "auth.refresh.reused",
                        targetType: "user",
                        targetID: stored.userID.lowercased,
                        details: ["family": stored.familyID.lowercased],
                        origin: origin
                    ),
                    on: connection
                )
                logger.warning("Refresh token reuse; family revoked", metadata: ["tenant_id": .string(stored.tenantID.lowercased)])
                return .refused("The refresh token was already used; every session of its family is now revoked.")
            }
            if stored.expiresAt <= Date() { return .refused("The refresh token has expired.") }
            guard let member = try await memberships.member(tenantID: stored.tenantID, userID: stored.userID, on: connection) else {
                try await refreshTokens.revokeFamily(tenantID: stored.tenantID, familyID: stored.familyID, on: connection)
                return .refused("The user is no longer a member of the tenant.")
            }
            try await refreshTokens.markRotated(tenantID: stored.tenantID, id: stored.id, on: connection)
            return .issued(
                try await issue(userID: stored.userID, tenantID: stored.tenantID, role: member.role, familyID: stored.familyID, on: connection)
            )
        }
        switch outcome {
        case .issued(let pair): return pair
        case .refused(let reason): throw SluiceError.unauthorized(reason)
        }
    }

    /// Revokes the token's family. Unknown tokens are ignored: logout always succeeds.
    public func logout(token: String, origin: RequestOrigin) async throws {
        try await client.transaction(logger: logger) { connection in
            guard let stored = try await refreshTokens.lock(tokenHash: Secrets.hash(token), on: connection),
                stored.revokedAt == nil
            else { return }
            try await refreshTokens.revokeFamily(tenantID: stored.tenantID, familyID: stored.familyID, on: connection)
            let user = try await users.find(id: stored.userID, on: connection)
            try await audit.append(
                .session("auth.logout", userID: stored.userID, email: user?.email, tenantID: stored.tenantID, origin: origin),
                on: connection
            )
        }
    }

    /// A token pair for another tenant of the signed-in user; 404 if they are not a member.
    public func switchTenant(identity: Identity, to tenantID: UUID, origin: RequestOrigin) async throws -> TokenPair {
        let user = try identity.requireUser()
        return try await client.transaction(logger: logger) { connection in
            guard let member = try await memberships.member(tenantID: tenantID, userID: user.id, on: connection) else {
                throw SluiceError.notFound("Tenant \(tenantID.lowercased)")
            }
            try await audit.append(
                .session(
                    "auth.tenant.switched",
                    userID: user.id,
                    email: user.email,
                    tenantID: tenantID,
                    details: ["from": identity.tenantID.lowercased],
                    origin: origin
                ),
                on: connection
            )
            return try await issue(userID: user.id, tenantID: tenantID, role: member.role, familyID: nil, on: connection)
        }
    }

    /// Makes an access token and a refresh token (in `familyID`, or a new family).
    func issue(userID: UUID, tenantID: UUID, role: Role, familyID: UUID?, on connection: PostgresConnection) async throws -> TokenPair {
        let refreshToken = Secrets.make(prefix: Self.refreshTokenPrefix)
        try await refreshTokens.insert(
            tenantID: tenantID,
            familyID: familyID ?? .v7(),
            userID: userID,
            tokenHash: Secrets.hash(refreshToken),
            expiresAt: Date().addingTimeInterval(configuration.refreshTokenLifetime),
            on: connection
        )
        let accessToken = try await tokens.issue(userID: userID, tenantID: tenantID, role: role)
        return TokenPair(
            accessToken: accessToken,
            expiresIn: tokens.lifetimeSeconds,
            refreshToken: refreshToken,
            refreshExpiresIn: Int(configuration.refreshTokenLifetime),
            tenantID: tenantID,
            role: role
        )
    }
}
