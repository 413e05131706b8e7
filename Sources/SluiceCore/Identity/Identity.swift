import Foundation

/// An authenticated caller within one tenant: a member acting through an access token, or
/// an API key. Everything it may do follows from `AccessPolicy`.
public struct Identity: Sendable {
    public enum Actor: Sendable {
        case user(id: UUID, email: String, role: Role)
        case apiKey(id: UUID, name: String, scopes: Set<ApiKeyScope>, streams: [String]?)
    }

    public let tenantID: UUID
    public let actor: Actor
    /// An API key's own rate limits, where its admins set them.
    public let keyLimits: KeyLimitOverrides
    /// When the credential stops working (an API key's expiry), if it does.
    public let expiresAt: Date?

    public init(tenantID: UUID, actor: Actor, keyLimits: KeyLimitOverrides = .init(), expiresAt: Date? = nil) {
        self.tenantID = tenantID
        self.actor = actor
        self.keyLimits = keyLimits
        self.expiresAt = expiresAt
    }

    /// The streams the caller is limited to; nil: all of the tenant's.
    public var streams: [String]? {
        if case .apiKey(_, _, _, let streams) = actor { streams } else { nil }
    }

    public var permissions: Set<Permission> {
        switch actor {
        case .user(_, _, let role): role.permissions
        case .apiKey(_, _, let scopes, let streams):
            // A key limited to streams reaches nothing tenant-wide (the audit log, every API
            // key, the members, the tenant's usage), whatever its scopes say.
            scopes.reduce(into: Set<Permission>()) { $0.formUnion($1.permissions) }.subtracting(streams == nil ? [] : Permission.tenantWide)
        }
    }

    /// Throws 403 unless the caller holds `permission`.
    public func require(_ permission: Permission) throws {
        guard permissions.contains(permission) else {
            throw SluiceError.forbidden("This needs the '\(permission.rawValue)' permission, which the caller lacks.")
        }
    }

    /// Throws 403 unless the caller is a member (not an API key).
    public func requireUser() throws -> (id: UUID, email: String, role: Role) {
        guard case .user(let id, let email, let role) = actor else {
            throw SluiceError.forbidden("Only a signed-in member can do this, not an API key.")
        }
        return (id, email, role)
    }

    /// Whether a key limited to named streams may touch `stream`; members may touch all.
    public func mayAccess(stream: String) -> Bool {
        guard case .apiKey(_, _, _, let streams?) = actor else { return true }
        return streams.contains(stream)
    }

    public var role: Role? {
        if case .user(_, _, let role) = actor { role } else { nil }
    }

    package var auditActor: AuditActor {
        switch actor {
        case .user(let id, let email, _): AuditActor(type: .user, id: id.uuidString.lowercased(), label: email)
        case .apiKey(let id, let name, _, _): AuditActor(type: .apiKey, id: id.uuidString.lowercased(), label: name)
        }
    }
}
