import Foundation
import SluiceAPI
import SluiceCore

extension APIImplementation {
    func signup(_ input: Operations.Signup.Input) async throws -> Operations.Signup.Output {
        guard case .json(let body) = input.body else { throw SluiceError.badRequest("Send JSON.") }
        let (user, tenant, pair) = try await auth.signup(
            email: body.email,
            password: body.password,
            name: body.name,
            tenantName: body.tenantName,
            origin: Self.origin()
        )
        return .created(.init(body: .json(.init(user: .init(user), tenant: .init(tenant), tokens: .init(pair)))))
    }

    func login(_ input: Operations.Login.Input) async throws -> Operations.Login.Output {
        guard case .json(let body) = input.body else { throw SluiceError.badRequest("Send JSON.") }
        let tenantID = try body.tenantId.map { text in
            guard let id = UUID(uuidString: text) else { throw SluiceError.badRequest("tenantId is not a UUID.", pointer: "/tenantId") }
            return id
        }
        let pair = try await auth.login(email: body.email, password: body.password, tenantID: tenantID, origin: Self.origin())
        return .ok(.init(body: .json(.init(pair))))
    }

    func refreshToken(_ input: Operations.RefreshToken.Input) async throws -> Operations.RefreshToken.Output {
        guard case .json(let body) = input.body else { throw SluiceError.badRequest("Send JSON.") }
        return .ok(.init(body: .json(.init(try await auth.refresh(token: body.refreshToken, origin: Self.origin())))))
    }

    func logout(_ input: Operations.Logout.Input) async throws -> Operations.Logout.Output {
        guard case .json(let body) = input.body else { throw SluiceError.badRequest("Send JSON.") }
        try await auth.logout(token: body.refreshToken, origin: Self.origin())
        return .noContent(.init())
    }

    func switchTenant(_ input: Operations.SwitchTenant.Input) async throws -> Operations.SwitchTenant.Output {
        guard case .json(let body) = input.body else { throw SluiceError.badRequest("Send JSON.") }
        let identity = try RequestScope.identity()
        let tenantID = try Self.uuid(body.tenantId, "Tenant")
        return .ok(.init(body: .json(.init(try await auth.switchTenant(identity: identity, to: tenantID, origin: Self.origin())))))
    }

    func getMe(_ input: Operations.GetMe.Input) async throws -> Operations.GetMe.Output {
        let identity = try RequestScope.identity()
        let users = UserRepository(logger: logger)
        let tenants = TenantRepository(logger: logger)
        let memberships = MembershipRepository(logger: logger)
        let me: Components.Schemas.Me = try await client.withConnection { connection in
            guard let tenant = try await tenants.find(id: identity.tenantID, on: connection) else {
                throw SluiceError.unauthorized("The tenant no longer exists.")
            }
            let permissions = identity.permissions.sorted().map(\.rawValue)
            switch identity.actor {
            case .user(let id, let email, let role):
                let user = try await users.find(id: id, on: connection)
                let all = try await memberships.memberships(userID: id, on: connection)
                return .init(
                    principal: .init(_type: .user, id: id.lowercased, label: email),
                    user: user.map(Components.Schemas.User.init),
                    tenant: .init(tenant),
                    role: .init(role),
                    permissions: permissions,
                    memberships: all.map { .init(tenant: .init($0.0), role: .init($0.1)) }
                )
            case .apiKey(let id, let name, let scopes, _):
                return .init(
                    principal: .init(_type: .apiKey, id: id.lowercased, label: name),
                    tenant: .init(tenant),
                    scopes: scopes.sorted { $0.rawValue < $1.rawValue }.map(Components.Schemas.ApiKeyScope.init),
                    permissions: permissions
                )
            }
        }
        return .ok(.init(body: .json(me)))
    }

    func getTenant(_ input: Operations.GetTenant.Input) async throws -> Operations.GetTenant.Output {
        let identity = try RequestScope.identity()
        try identity.require(.tenantRead)
        let tenants = TenantRepository(logger: logger)
        guard let tenant = try await client.withConnection({ try await tenants.find(id: identity.tenantID, on: $0) }) else {
            throw SluiceError.notFound("Tenant")
        }
        return .ok(.init(body: .json(.init(tenant))))
    }
}
