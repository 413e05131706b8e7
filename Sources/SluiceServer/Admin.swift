import Foundation
import Logging
import NIOPosix
import PasswordHashing
import PostgresNIO
import SluiceCore
import SluiceDatabase

/// What the `sluice admin` commands do: bootstrap a tenant, an owner and a key from a shell,
/// and recover when nobody can log in. Every change is audited with the system as actor.
public struct Admin: Sendable {
    let client: Database
    let logger: Logger
    let hasher: PasswordHasher
    let auditKeys: AuditKeys
    /// The secrets keys: the first seals, every one opens.
    let box: SecretBox

    var audit: AuditLog { .init(client: client, logger: logger, keys: auditKeys) }

    /// Runs `body` with a started database client and hashing pool, then stops them.
    public static func with<T: Sendable>(
        _ configuration: SluiceConfiguration,
        logger: Logger,
        _ body: @Sendable (Admin) async throws -> T
    ) async throws -> T {
        var postgres = try configuration.postgresConfiguration()
        // A command from a shell: connections on demand, none opened ahead for a server's load.
        postgres.options.minimumConnections = 0
        let pool = PostgresClient(configuration: postgres, backgroundLogger: logger)
        // Migrations and recovery from a shell may take long; they still may not hang.
        let client = Database(client: pool, configuration: .init(callTimeout: .seconds(600)), logger: logger)
        let hashing = NIOThreadPool(numberOfThreads: 1)
        hashing.start()
        defer { hashing.shutdownGracefully { _ in } }
        return try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask {
                await pool.run()
                return nil
            }
            let admin = Admin(
                client: client,
                logger: logger,
                hasher: PasswordHasher(threadPool: hashing),
                auditKeys: configuration.auditKeyring(),
                box: configuration.secretBox()
            )
            defer { group.cancelAll() }
            return try await body(admin)
        }
    }

    /// The columns holding sealed secrets, by table (each row keyed by tenant_id and id).
    static let sealedColumns = [
        ("platform_webhooks", "app_secret_sealed"), ("subscriptions", "secret_sealed"), ("subscriptions", "previous_secret_sealed"),
        ("pull_sources", "secret_headers_sealed"),
    ]

    /// Seals every sealed secret again with the first secrets key (a rotation's second step:
    /// deploy `SLUICE_SECRETS_KEY=new,old`, run this, then drop `old`). A secret no configured
    /// key opens stops it, changing nothing. Audited per tenant whose secrets moved; answers
    /// how many were sealed again.
    public func resealSecrets() async throws -> Int {
        try await client.transaction(logger: logger) { connection in
            var moved: [UUID: Int] = [:]
            for (table, column) in Self.sealedColumns {
                let rows = try await connection.query(
                    "SELECT tenant_id, id, \(unescaped: column) FROM \(unescaped: table) WHERE \(unescaped: column) IS NOT NULL FOR UPDATE",
                    logger: logger
                )
                var found: [(UUID, UUID, [UInt8])] = []
                for try await (tenant, id, sealed) in rows.decode((UUID, UUID, ByteBuffer).self) {
                    found.append((tenant, id, Array(sealed.readableBytesView)))
                }
                for (tenant, id, sealed) in found where !box.isCurrent(sealed) {
                    let resealed: [UInt8]
                    do {
                        resealed = try box.seal(try box.open(sealed))
                    } catch {
                        throw SluiceError.badRequest(
                            "\(table).\(column) of \(id.lowercased) opens with none of the configured keys; nothing was changed. Add the key that sealed it to SLUICE_SECRETS_KEY."
                        )
                    }
                    try await connection.query(
                        "UPDATE \(unescaped: table) SET \(unescaped: column) = \(ByteBuffer(bytes: resealed)) WHERE tenant_id = \(tenant) AND id = \(id)",
                        logger: logger
                    )
                    moved[tenant, default: 0] += 1
                }
            }
            for (tenant, count) in moved {
                try await audit.append(
                    AuditRecord(
                        tenantID: tenant,
                        actor: .system,
                        action: "secrets.resealed",
                        targetType: "tenant",
                        targetID: tenant.lowercased,
                        details: ["count": String(count)],
                        origin: .commandLine
                    ),
                    on: connection
                )
            }
            return moved.values.reduce(0, +)
        }
    }

    public func migrate(directory: String) async throws -> [Int] {
        try await Migrator(directory: directory, logger: logger).migrate(client: client.client)
    }

    public func revert(to version: Int, directory: String) async throws -> [Int] {
        try await Migrator(directory: directory, logger: logger).revert(to: version, client: client.client)
    }

    /// Creates a tenant with an owner: a new user with `password`, or an existing one (then
    /// `password` is ignored).
    public func createTenant(name: String, ownerEmail: String, password: String?) async throws -> (Tenant, User) {
        let name = try Validate.name(name, pointer: "/name", maxLength: 200)
        let email = try Validate.email(ownerEmail)
        let passwordHash = try await newPasswordHash(password)
        return try await client.transaction(logger: logger) { connection in
            let users = UserRepository(logger: logger)
            let user: User
            if let existing = try await users.find(email: email, on: connection) {
                user = existing
            } else {
                guard let passwordHash else { throw SluiceError.badRequest("A new owner needs a password.") }
                user = try await users.create(id: .v7(), email: email, name: nil, passwordHash: passwordHash, on: connection)
            }
            let tenant = try await TenantRepository(logger: logger).create(id: .v7(), name: name, on: connection)
            try await MembershipRepository(logger: logger).add(tenantID: tenant.id, userID: user.id, role: .owner, on: connection)
            try await audit.append(
                AuditRecord(
                    tenantID: tenant.id,
                    actor: .system,
                    action: "tenant.created",
                    targetType: "tenant",
                    targetID: tenant.id.lowercased,
                    details: ["name": name],
                    origin: .commandLine
                ),
                on: connection
            )
            try await audit.append(
                AuditRecord(
                    tenantID: tenant.id,
                    actor: .system,
                    action: "member.added",
                    targetType: "user",
                    targetID: user.id.lowercased,
                    details: ["role": "owner", "email": user.email],
                    origin: .commandLine
                ),
                on: connection
            )
            return (tenant, user)
        }
    }

    public enum QuotaSetting: Sendable, Equatable {
        case keep, plan
        case events(Int)
    }

    /// Puts a tenant on a plan (one of `plans`, the server's configuration) and/or sets its
    /// monthly event quota (`.plan` clears an override). Nodes apply it within ten seconds.
    public func setPlan(tenantID: UUID, plan: String?, quota: QuotaSetting, plans: [String: Plan]) async throws -> (plan: String, quota: Int?) {
        if let plan, plans[plan] == nil {
            throw SluiceError.badRequest("No plan '\(plan)' is configured; there are \(plans.keys.sorted().joined(separator: ", ")).")
        }
        if case .events(let count) = quota, count < 0 { throw SluiceError.badRequest("A quota is 0 or more events.") }
        return try await client.transaction(logger: logger) { connection in
            let override: Int64?? =
                switch quota {
                case .keep: nil
                case .plan: .some(nil)
                case .events(let count): .some(Int64(count))
                }
            let result = try await TenantRepository(logger: logger).setPlan(id: tenantID, plan: plan, quotaOverride: override, on: connection)
            guard let (name, monthly) = result else { throw SluiceError.notFound("Tenant \(tenantID.lowercased)") }
            try await audit.append(
                AuditRecord(
                    tenantID: tenantID,
                    actor: .system,
                    action: "tenant.plan.changed",
                    targetType: "tenant",
                    targetID: tenantID.lowercased,
                    details: ["plan": name, "monthlyEventQuota": monthly.map(String.init) ?? "plan"],
                    origin: .commandLine
                ),
                on: connection
            )
            let effective = monthly.map(Int.init) ?? plans[name]?.monthlyEvents
            return (name, effective)
        }
    }

    /// Adds a user (created if new) to a tenant with a role, or changes their role there.
    public func addMember(tenantID: UUID, email: String, password: String?, role: Role) async throws -> User {
        let email = try Validate.email(email)
        let passwordHash = try await newPasswordHash(password)
        return try await client.transaction(logger: logger) { connection in
            guard try await TenantRepository(logger: logger).find(id: tenantID, on: connection) != nil else {
                throw SluiceError.notFound("Tenant \(tenantID.lowercased)")
            }
            let users = UserRepository(logger: logger)
            let memberships = MembershipRepository(logger: logger)
            var user = try await users.find(email: email, on: connection)
            if user == nil {
                guard let passwordHash else { throw SluiceError.badRequest("A new user needs a password.") }
                user = try await users.create(id: .v7(), email: email, name: nil, passwordHash: passwordHash, on: connection)
            }
            guard let user else { throw SluiceError.internalError }
            if try await memberships.member(tenantID: tenantID, userID: user.id, on: connection) != nil {
                try await memberships.setRole(tenantID: tenantID, userID: user.id, role: role, on: connection)
            } else {
                try await memberships.add(tenantID: tenantID, userID: user.id, role: role, on: connection)
            }
            try await audit.append(
                AuditRecord(
                    tenantID: tenantID,
                    actor: .system,
                    action: "member.added",
                    targetType: "user",
                    targetID: user.id.lowercased,
                    details: ["role": role.rawValue, "email": user.email],
                    origin: .commandLine
                ),
                on: connection
            )
            return user
        }
    }

    private func newPasswordHash(_ password: String?) async throws -> String? {
        guard let password else { return nil }
        try Validate.password(password)
        return try await hasher.hash(password)
    }

    /// Sets a user's password (recovery); audited in each of their tenants.
    public func setPassword(email: String, password: String) async throws {
        try Validate.password(password)
        let hash = try await hasher.hash(password)
        try await client.transaction(logger: logger) { connection in
            let users = UserRepository(logger: logger)
            guard let user = try await users.find(email: email, on: connection) else { throw SluiceError.notFound("User \(email)") }
            try await users.setPassword(userID: user.id, passwordHash: hash, on: connection)
            // A reset ends every session: refresh tokens revoked, access tokens refused.
            try await users.endSessions(userID: user.id, on: connection)
            for (tenant, _) in try await MembershipRepository(logger: logger).memberships(userID: user.id, on: connection) {
                try await RefreshTokenRepository(logger: logger).revokeAll(tenantID: tenant.id, userID: user.id, on: connection)
                try await audit.append(
                    AuditRecord(
                        tenantID: tenant.id,
                        actor: .system,
                        action: "user.password.reset",
                        targetType: "user",
                        targetID: user.id.lowercased,
                        origin: .commandLine
                    ),
                    on: connection
                )
            }
        }
    }

    public func createApiKey(tenantID: UUID, name: String, scopes: [ApiKeyScope], streams: [String]?) async throws -> (ApiKey, secret: String) {
        let exists = try await client.withConnection { try await TenantRepository(logger: logger).find(id: tenantID, on: $0) != nil }
        guard exists else { throw SluiceError.notFound("Tenant \(tenantID.lowercased)") }
        return try await ApiKeyService(client: client, logger: logger, audit: audit).create(
            tenantID: tenantID,
            creator: .system,
            .init(name: name, scopes: scopes, streams: streams),
            origin: .commandLine
        )
    }

    /// The tenants a user owns, to find a demo tenant again.
    public func ownedTenants(email: String) async throws -> [Tenant] {
        try await client.withConnection { connection in
            guard let user = try await UserRepository(logger: logger).find(email: email, on: connection) else { return [] }
            return try await MembershipRepository(logger: logger).memberships(userID: user.id, on: connection)
                .filter { $0.1 == .owner }.map(\.0)
        }
    }
}
