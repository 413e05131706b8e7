import Foundation
import SluiceAPI
import SluiceCore

/// Domain values as the generated API types.
extension Components.Schemas.User {
    init(_ user: User) {
        self.init(id: user.id.lowercased, email: user.email, name: user.name, createdAt: user.createdAt)
    }
}

extension Components.Schemas.Tenant {
    init(_ tenant: Tenant) {
        self.init(id: tenant.id.lowercased, name: tenant.name, plan: tenant.plan, createdAt: tenant.createdAt)
    }
}

extension Components.Schemas.Role {
    init(_ role: Role) { self.init(rawValue: role.rawValue)! }
    var domain: Role { Role(rawValue: rawValue)! }
}

extension Components.Schemas.ApiKeyScope {
    init(_ scope: ApiKeyScope) { self.init(rawValue: scope.rawValue)! }
    var domain: ApiKeyScope { ApiKeyScope(rawValue: rawValue)! }
}

extension Components.Schemas.TokenPair {
    init(_ pair: TokenPair) {
        self.init(
            accessToken: pair.accessToken,
            tokenType: .bearer,
            expiresIn: pair.expiresIn,
            refreshToken: pair.refreshToken,
            refreshExpiresIn: pair.refreshExpiresIn,
            tenantId: pair.tenantID.lowercased,
            role: .init(pair.role)
        )
    }
}

extension Components.Schemas.Member {
    init(_ member: Member) {
        self.init(userId: member.userID.lowercased, email: member.email, name: member.name, role: .init(member.role), joinedAt: member.joinedAt)
    }
}

extension Components.Schemas.Invitation {
    init(_ invitation: Invitation) {
        self.init(
            id: invitation.id.lowercased,
            email: invitation.email,
            role: .init(invitation.role),
            createdAt: invitation.createdAt,
            expiresAt: invitation.expiresAt
        )
    }
}

extension Components.Schemas.Principal {
    init(_ actor: AuditActor) {
        self.init(_type: .init(rawValue: actor.type.rawValue) ?? .system, id: actor.id ?? "", label: actor.label)
    }
}

extension Components.Schemas.ApiKey {
    /// The key, with the limits its own settings or `plan` give it.
    init(_ key: ApiKey, plan: Plan) {
        func effective(_ own: RateLimit?, _ planned: RateLimit) -> Components.Schemas.EffectiveRateLimit {
            let limit = own ?? planned
            return .init(perSecond: limit.perSecond, burst: limit.burst, source: own == nil ? .plan : .key)
        }
        self.init(
            id: key.id.lowercased,
            name: key.name,
            prefix: key.prefix,
            scopes: key.scopes.map(Components.Schemas.ApiKeyScope.init),
            streams: key.streams,
            createdBy: .init(_type: .init(rawValue: key.createdByType) ?? .system, id: key.createdByID),
            createdAt: key.createdAt,
            lastUsedAt: key.lastUsedAt,
            expiresAt: key.expiresAt,
            revokedAt: key.revokedAt,
            rateLimits: .init(requests: effective(key.limits.requests, plan.requests), events: effective(key.limits.events, plan.events))
        )
    }
}

extension Components.Schemas.AuditEntry {
    init(_ entry: AuditEntry) {
        self.init(
            seq: entry.seq,
            occurredAt: entry.occurredAt,
            actor: .init(entry.actor),
            action: entry.action,
            targetType: entry.targetType,
            targetId: entry.targetID,
            details: .init(additionalProperties: entry.details),
            clientIp: entry.clientIP,
            requestId: entry.requestID,
            hash: entry.hash.hex
        )
    }
}
