import Foundation

public struct User: Sendable, Equatable {
    public var id: UUID
    public var email: String
    public var name: String?
    public var createdAt: Date
}

public struct Tenant: Sendable, Equatable {
    public var id: UUID
    public var name: String
    public var plan: String
    public var createdAt: Date
}

public struct Member: Sendable, Equatable {
    public var userID: UUID
    public var email: String
    public var name: String?
    public var role: Role
    public var joinedAt: Date
    /// Access tokens issued before this are refused (a password reset ended the sessions).
    public var sessionsValidAfter: Date? = nil
}

public struct Invitation: Sendable, Equatable {
    public var id: UUID
    public var email: String
    public var role: Role
    public var createdAt: Date
    public var expiresAt: Date
}

public struct ApiKey: Sendable, Equatable {
    public var tenantID: UUID
    public var id: UUID
    public var name: String
    public var prefix: String
    public var scopes: [ApiKeyScope]
    public var streams: [String]?
    public var createdByType: String
    public var createdByID: String
    public var createdAt: Date
    public var lastUsedAt: Date?
    public var expiresAt: Date?
    public var revokedAt: Date?
    public var limits = KeyLimitOverrides()
}

/// Access and refresh token for one user in one tenant.
public struct TokenPair: Sendable {
    public var accessToken: String
    public var expiresIn: Int
    public var refreshToken: String
    public var refreshExpiresIn: Int
    public var tenantID: UUID
    public var role: Role
}
