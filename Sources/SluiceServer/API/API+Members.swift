import Foundation
import SluiceAPI
import SluiceCore

extension APIImplementation {
    func listMembers(_ input: Operations.ListMembers.Input) async throws -> Operations.ListMembers.Output {
        let list = try await members.list(identity: RequestScope.identity())
        return .ok(.init(body: .json(.init(items: list.map(Components.Schemas.Member.init)))))
    }

    func addMember(_ input: Operations.AddMember.Input) async throws -> Operations.AddMember.Output {
        guard case .json(let body) = input.body else { throw SluiceError.badRequest("Send JSON.") }
        let (invitation, token) = try await members.add(
            identity: RequestScope.identity(),
            email: body.email,
            role: body.role.domain,
            origin: Self.origin()
        )
        return .accepted(.init(body: .json(.init(value1: .init(invitation), value2: .init(token: token)))))
    }

    func updateMember(_ input: Operations.UpdateMember.Input) async throws -> Operations.UpdateMember.Output {
        guard case .json(let body) = input.body else { throw SluiceError.badRequest("Send JSON.") }
        let member = try await members.changeRole(
            identity: RequestScope.identity(),
            userID: Self.uuid(input.path.userId, "Member"),
            to: body.role.domain,
            origin: Self.origin()
        )
        return .ok(.init(body: .json(.init(member))))
    }

    func removeMember(_ input: Operations.RemoveMember.Input) async throws -> Operations.RemoveMember.Output {
        try await members.remove(identity: RequestScope.identity(), userID: Self.uuid(input.path.userId, "Member"), origin: Self.origin())
        return .noContent(.init())
    }

    func listInvitations(_ input: Operations.ListInvitations.Input) async throws -> Operations.ListInvitations.Output {
        let list = try await members.pendingInvitations(identity: RequestScope.identity())
        return .ok(.init(body: .json(.init(items: list.map(Components.Schemas.Invitation.init)))))
    }

    func revokeInvitation(_ input: Operations.RevokeInvitation.Input) async throws -> Operations.RevokeInvitation.Output {
        try await members.revokeInvitation(
            identity: RequestScope.identity(),
            id: Self.uuid(input.path.invitationId, "Invitation"),
            origin: Self.origin()
        )
        return .noContent(.init())
    }

    func acceptInvitation(_ input: Operations.AcceptInvitation.Input) async throws -> Operations.AcceptInvitation.Output {
        guard case .json(let body) = input.body else { throw SluiceError.badRequest("Send JSON.") }
        let pair = try await members.accept(identity: RequestScope.identity(), token: body.token, origin: Self.origin())
        return .ok(.init(body: .json(.init(pair))))
    }
}
