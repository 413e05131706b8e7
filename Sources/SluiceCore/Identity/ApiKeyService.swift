import Foundation
import Logging
import PostgresNIO
import SluiceAPI
import SluiceDatabase

/// API keys for producers and consumers: `sk_live_` + 43 base62 characters, shown once,
/// stored as a SHA-256 hash, scoped, optionally limited to streams and expiring.
public struct ApiKeyService: Sendable {
    let client: Database
    let logger: Logger
    let audit: AuditLog
    let plans: TenantPlans
    let cache: ApiKeyCache

    package init(client: Database, logger: Logger, audit: AuditLog, plans: TenantPlans? = nil, cache: ApiKeyCache = ApiKeyCache()) {
        self.client = client
        self.logger = logger
        self.audit = audit
        self.plans = plans ?? TenantPlans(client: client, logger: logger, plans: Plan.builtIn, defaultPlan: "free")
        self.cache = cache
    }

    var keys: ApiKeyRepository { .init(logger: logger) }

    static let secretPrefix = "sk_live_"
    /// What listings show of a secret: the prefix and four characters.
    static let shownLength = secretPrefix.count + 4

    public struct NewKey: Sendable {
        public var name: String
        public var scopes: [ApiKeyScope]
        public var streams: [String]?
        public var expiresAt: Date?
        public init(name: String, scopes: [ApiKeyScope], streams: [String]? = nil, expiresAt: Date? = nil) {
            self.name = name
            self.scopes = scopes
            self.streams = streams
            self.expiresAt = expiresAt
        }
    }

    public func create(identity: Identity, _ request: NewKey, origin: RequestOrigin) async throws -> (ApiKey, secret: String) {
        try identity.require(.apiKeysManage)
        try Self.grantable(request, by: identity)
        let creator = identity.auditActor
        return try await create(tenantID: identity.tenantID, creator: creator, request, origin: origin)
    }

    /// A credential grants at most what it holds: no scope with a permission it lacks, no stream
    /// beyond its own, no expiry after its own.
    static func grantable(_ request: NewKey, by identity: Identity) throws {
        let held = identity.permissions
        for (index, scope) in request.scopes.enumerated() where !scope.permissions.isSubset(of: held) {
            throw SluiceError.forbidden("The scope '\(scope.rawValue)' grants more than this credential holds.")
                .pointing(at: "/scopes/\(index)")
        }
        if let own = identity.streams {
            guard let wanted = request.streams else {
                throw SluiceError.forbidden("This credential is limited to streams \(own.joined(separator: ", ")); so is every key it makes.")
                    .pointing(at: "/streams")
            }
            if let index = wanted.firstIndex(where: { !own.contains($0) }) {
                throw SluiceError.forbidden("The stream '\(wanted[index])' is not one this credential may use.").pointing(at: "/streams/\(index)")
            }
        }
        // Compared to the millisecond, as the API shows times: a stored time can come back a
        // microsecond early (postgres-nio truncates a Date's microseconds towards zero), so
        // that a key asked to expire with its creator compared later than it.
        func millis(_ date: Date) -> Double { (date.timeIntervalSince1970 * 1000).rounded() }
        if let own = identity.expiresAt, request.expiresAt.map({ millis($0) > millis(own) }) ?? true {
            throw SluiceError.forbidden("This credential expires at \(RFC3339.format(own)); a key it makes must expire no later.")
                .pointing(at: "/expiresAt")
        }
    }

    /// Also used by the command line, with the system as creator.
    package func create(tenantID: UUID, creator: AuditActor, _ request: NewKey, origin: RequestOrigin) async throws -> (ApiKey, secret: String) {
        let name = try Validate.name(request.name, pointer: "/name", maxLength: InputBounds.apiKeyName.max)
        guard !request.scopes.isEmpty else { throw SluiceError.badRequest("A key needs at least one scope.", pointer: "/scopes") }
        if let streams = request.streams {
            for (index, stream) in streams.enumerated() {
                _ = try Validate.name(stream, pointer: "/streams/\(index)", maxLength: 100)
            }
        }
        if let expiresAt = request.expiresAt, expiresAt <= Date() {
            throw SluiceError.badRequest("The expiry must be in the future.", pointer: "/expiresAt")
        }
        let secret = Secrets.make(prefix: Self.secretPrefix)
        let key = ApiKey(
            tenantID: tenantID,
            id: .v7(),
            name: name,
            prefix: String(secret.prefix(Self.shownLength)),
            scopes: Array(Set(request.scopes)).sorted { $0.rawValue < $1.rawValue },
            streams: request.streams.map { Array(Set($0)).sorted() },
            createdByType: creator.type.rawValue,
            createdByID: creator.id ?? "sluice",
            createdAt: Date(),
            lastUsedAt: nil,
            expiresAt: request.expiresAt,
            revokedAt: nil
        )
        try await client.transaction(logger: logger) { connection in
            try await keys.insert(key, hash: Secrets.hash(secret), on: connection)
            try await audit.append(
                AuditRecord(
                    tenantID: tenantID,
                    actor: creator,
                    action: "apikey.created",
                    targetType: "apiKey",
                    targetID: key.id.lowercased,
                    details: ["name": key.name, "scopes": key.scopes.map(\.rawValue).joined(separator: " ")],
                    origin: origin
                ),
                on: connection
            )
        }
        return (key, secret)
    }

    public func list(identity: Identity, includeRevoked: Bool) async throws -> [ApiKey] {
        try identity.require(.apiKeysRead)
        return try await client.withConnection { try await keys.list(tenantID: identity.tenantID, includeRevoked: includeRevoked, on: $0) }
    }

    public func get(identity: Identity, id: UUID) async throws -> ApiKey {
        try identity.require(.apiKeysRead)
        guard let key = try await client.withConnection({ try await keys.find(tenantID: identity.tenantID, id: id, on: $0) }) else {
            throw SluiceError.notFound("API key \(id.lowercased)")
        }
        return key
    }

    public func revoke(identity: Identity, id: UUID, origin: RequestOrigin) async throws {
        try identity.require(.apiKeysManage)
        try await client.transaction(logger: logger) { connection in
            guard try await keys.find(tenantID: identity.tenantID, id: id, on: connection) != nil else {
                throw SluiceError.notFound("API key \(id.lowercased)")
            }
            if try await keys.revoke(tenantID: identity.tenantID, id: id, on: connection) {
                try await audit.append(
                    AuditRecord(
                        tenantID: identity.tenantID,
                        actor: identity.auditActor,
                        action: "apikey.revoked",
                        targetType: "apiKey",
                        targetID: id.lowercased,
                        origin: origin
                    ),
                    on: connection
                )
            }
        }
        // After the commit, on every node (a request already in flight may re-cache the key
        // until the backstop TTL).
        await cache.invalidate(keyID: id)
    }

    /// Sets a key's own request and event limits (absent: the plan's); neither may exceed the
    /// tenant's plan. Takes effect on every node within a second.
    public func setLimits(identity: Identity, id: UUID, _ limits: KeyLimitOverrides, origin: RequestOrigin) async throws -> ApiKey {
        try identity.require(.apiKeysManage)
        let tenant = try await plans.limits(for: identity.tenantID)
        for (name, limit, ceiling) in [("requests", limits.requests, tenant.plan.requests), ("events", limits.events, tenant.plan.events)] {
            guard let limit else { continue }
            guard limit.perSecond > 0, limit.perSecond.isFinite, limit.perSecond <= ceiling.perSecond else {
                throw SluiceError.badRequest(
                    "The rate must be above 0 and at most the '\(tenant.planName)' plan's \(ceiling.perSecond.formatted()) per second.",
                    pointer: "/\(name)/perSecond"
                )
            }
            guard limit.burst >= 1, limit.burst <= ceiling.burst else {
                throw SluiceError.badRequest(
                    "The burst must be from 1 to the '\(tenant.planName)' plan's \(ceiling.burst).",
                    pointer: "/\(name)/burst"
                )
            }
        }
        let key = try await client.transaction(logger: logger) { connection in
            guard let key = try await keys.setLimits(tenantID: identity.tenantID, id: id, limits, on: connection) else {
                throw SluiceError.notFound("API key \(id.lowercased)")
            }
            try await audit.append(
                AuditRecord(
                    tenantID: identity.tenantID,
                    actor: identity.auditActor,
                    action: "apikey.limits.changed",
                    targetType: "apiKey",
                    targetID: id.lowercased,
                    details: [
                        "requests": limits.requests.map { "\($0.perSecond.formatted())/\($0.burst)" } ?? "plan",
                        "events": limits.events.map { "\($0.perSecond.formatted())/\($0.burst)" } ?? "plan",
                    ],
                    origin: origin
                ),
                on: connection
            )
            return key
        }
        await cache.invalidate(keyID: id)
        return key
    }

    /// The identity a presented secret stands for; 401 if unknown, revoked or expired.
    /// Valid keys are remembered (`ApiKeyCache`): a revocation holds from the very next request
    /// on the node that made it, and within a second elsewhere.
    public func authenticate(secret: String) async throws -> Identity {
        guard secret.hasPrefix(Self.secretPrefix), secret.utf8.count == Self.secretPrefix.utf8.count + 43 else {
            throw SluiceError.unauthorized("The API key is malformed.")
        }
        let hash = Secrets.hash(secret)
        let now = Date()
        if let cached = cache.lookup(hash, now: now) {
            if cached.needsTouch {
                try await client.withConnection { try await keys.touch(tenantID: cached.identity.tenantID, id: cached.keyID, on: $0) }
            }
            return cached.identity
        }
        let epoch = cache.epoch
        return try await client.withConnection { connection in
            guard let key = try await keys.find(hash: hash, on: connection) else {
                throw SluiceError.unauthorized("The API key is not valid.")
            }
            if key.revokedAt != nil { throw SluiceError.unauthorized("The API key was revoked.") }
            if let expiresAt = key.expiresAt, expiresAt <= now { throw SluiceError.unauthorized("The API key has expired.") }
            try await keys.touch(tenantID: key.tenantID, id: key.id, on: connection)
            let identity = Identity(
                tenantID: key.tenantID,
                actor: .apiKey(id: key.id, name: key.name, scopes: Set(key.scopes), streams: key.streams),
                keyLimits: key.limits,
                expiresAt: key.expiresAt
            )
            cache.store(hash, identity: identity, keyID: key.id, expiresAt: key.expiresAt, now: now, epoch: epoch)
            return identity
        }
    }
}
