import Foundation
import Logging
import PostgresNIO
import SluiceDatabase

/// Members, their roles and invitations, with the rule that a tenant always keeps an owner.
public struct MemberService: Sendable {
    let client: Database
    let logger: Logger
    let audit: AuditLog
    let auth: AuthService
    var invitationLifetime: TimeInterval = 7 * 24 * 3600

    package init(client: Database, logger: Logger, audit: AuditLog, auth: AuthService, invitationLifetime: TimeInterval = 7 * 24 * 3600) {
        self.client = client
        self.logger = logger
        self.audit = audit
        self.auth = auth
        self.invitationLifetime = invitationLifetime
    }

    var users: UserRepository { .init(logger: logger) }
    var memberships: MembershipRepository { .init(logger: logger) }
    var invitations: InvitationRepository { .init(logger: logger) }
    var refreshTokens: RefreshTokenRepository { .init(logger: logger) }

    static let invitationPrefix = "sinv_"

    public func list(identity: Identity) async throws -> [Member] {
        try identity.require(.membersRead)
        return try await client.withConnection { try await memberships.list(tenantID: identity.tenantID, on: $0) }
    }

    /// Invites an email to the tenant: always an invitation, whether or not a user has that
    /// email (so that the answer tells nothing about who has an account), which that user
    /// accepts once signed in. Nobody becomes a member of a tenant without consenting.
    public func add(identity: Identity, email: String, role: Role, origin: RequestOrigin) async throws -> (Invitation, token: String) {
        try identity.require(.membersManage)
        if role == .owner { try identity.require(.ownersManage) }
        let email = try Validate.email(email)
        return try await client.transaction(logger: logger) { connection in
            let token = Secrets.make(prefix: Self.invitationPrefix)
            let creator = try identity.requireUser()
            let invitation = try await invitations.create(
                tenantID: identity.tenantID,
                email: email,
                role: role,
                tokenHash: Secrets.hash(token),
                createdBy: creator.id,
                expiresAt: Date().addingTimeInterval(invitationLifetime),
                on: connection
            )
            try await audit.append(
                AuditRecord(
                    tenantID: identity.tenantID,
                    actor: identity.auditActor,
                    action: "invitation.created",
                    targetType: "invitation",
                    targetID: invitation.id.lowercased,
                    details: ["role": role.rawValue, "email": email],
                    origin: origin
                ),
                on: connection
            )
            return (invitation, token)
        }
    }

    public func changeRole(identity: Identity, userID: UUID, to role: Role, origin: RequestOrigin) async throws -> Member {
        try identity.require(.membersManage)
        return try await client.transaction(logger: logger) { connection in
            let owners = try await memberships.lockOwners(tenantID: identity.tenantID, on: connection)
            guard let member = try await memberships.member(tenantID: identity.tenantID, userID: userID, on: connection) else {
                throw SluiceError.notFound("Member \(userID.lowercased)")
            }
            if member.role == role { return member }
            if member.role == .owner || role == .owner { try identity.require(.ownersManage) }
            if member.role == .owner && owners.count == 1 {
                throw SluiceError.conflict("The last owner cannot be demoted; make another member owner first.", kind: .lastOwner)
            }
            try await memberships.setRole(tenantID: identity.tenantID, userID: userID, role: role, on: connection)
            try await audit.append(
                AuditRecord(
                    tenantID: identity.tenantID,
                    actor: identity.auditActor,
                    action: "member.role.changed",
                    targetType: "user",
                    targetID: userID.lowercased,
                    details: ["from": member.role.rawValue, "to": role.rawValue],
                    origin: origin
                ),
                on: connection
            )
            var changed = member
            changed.role = role
            return changed
        }
    }

    /// Removes a member (a member may also leave) and ends their sessions in the tenant.
    public func remove(identity: Identity, userID: UUID, origin: RequestOrigin) async throws {
        let leaving = identity.role != nil && (try? identity.requireUser().id) == userID
        if !leaving { try identity.require(.membersManage) }
        try await client.transaction(logger: logger) { connection in
            let owners = try await memberships.lockOwners(tenantID: identity.tenantID, on: connection)
            guard let member = try await memberships.member(tenantID: identity.tenantID, userID: userID, on: connection) else {
                throw SluiceError.notFound("Member \(userID.lowercased)")
            }
            if member.role == .owner && !leaving { try identity.require(.ownersManage) }
            if member.role == .owner && owners.count == 1 {
                throw SluiceError.conflict("The last owner cannot be removed; make another member owner first.", kind: .lastOwner)
            }
            try await memberships.remove(tenantID: identity.tenantID, userID: userID, on: connection)
            try await refreshTokens.revokeAll(tenantID: identity.tenantID, userID: userID, on: connection)
            try await audit.append(
                AuditRecord(
                    tenantID: identity.tenantID,
                    actor: identity.auditActor,
                    action: "member.removed",
                    targetType: "user",
                    targetID: userID.lowercased,
                    details: ["role": member.role.rawValue, "email": member.email],
                    origin: origin
                ),
                on: connection
            )
        }
    }

    public func pendingInvitations(identity: Identity) async throws -> [Invitation] {
        try identity.require(.membersRead)
        return try await client.withConnection { try await invitations.listPending(tenantID: identity.tenantID, on: $0) }
    }

    public func revokeInvitation(identity: Identity, id: UUID, origin: RequestOrigin) async throws {
        try identity.require(.membersManage)
        try await client.transaction(logger: logger) { connection in
            guard try await invitations.revoke(tenantID: identity.tenantID, id: id, on: connection) else {
                throw SluiceError.notFound("Invitation \(id.lowercased)")
            }
            try await audit.append(
                AuditRecord(
                    tenantID: identity.tenantID,
                    actor: identity.auditActor,
                    action: "invitation.revoked",
                    targetType: "invitation",
                    targetID: id.lowercased,
                    origin: origin
                ),
                on: connection
            )
        }
    }

    /// Joins the signed-in user to the invitation's tenant; the invitation must be for their email.
    public func accept(identity: Identity, token: String, origin: RequestOrigin) async throws -> TokenPair {
        let user = try identity.requireUser()
        return try await client.transaction(logger: logger) { connection in
            guard token.hasPrefix(Self.invitationPrefix),
                let pending = try await invitations.lock(tokenHash: Secrets.hash(token), on: connection),
                pending.acceptedAt == nil, pending.revokedAt == nil, pending.invitation.expiresAt > Date()
            else {
                throw SluiceError.notFound("The invitation (or it is no longer valid)")
            }
            guard pending.invitation.email.lowercased() == user.email.lowercased() else {
                throw SluiceError.forbidden("The invitation was made for another email address.")
            }
            let role = pending.invitation.role
            try await memberships.add(tenantID: pending.tenantID, userID: user.id, role: role, on: connection)
            try await invitations.markAccepted(tenantID: pending.tenantID, id: pending.invitation.id, userID: user.id, on: connection)
            try await audit.append(
                AuditRecord(
                    tenantID: pending.tenantID,
                    actor: .init(type: .user, id: user.id.lowercased, label: user.email),
                    action: "member.added",
                    targetType: "user",
                    targetID: user.id.lowercased,
                    details: ["role": role.rawValue, "invitation": pending.invitation.id.lowercased],
                    origin: origin
                ),
                on: connection
            )
            return try await auth.issue(userID: user.id, tenantID: pending.tenantID, role: role, familyID: nil, on: connection)
        }
    }
}
