import Foundation
import SluiceAPI

extension APIImplementation {
    func listApiKeys(_ input: Operations.ListApiKeys.Input) async throws -> Operations.ListApiKeys.Output {
        let keys = try await apiKeys.list(identity: RequestScope.identity(), includeRevoked: input.query.includeRevoked ?? false)
        return .ok(.init(body: .json(.init(items: keys.map(Components.Schemas.ApiKey.init)))))
    }

    func createApiKey(_ input: Operations.CreateApiKey.Input) async throws -> Operations.CreateApiKey.Output {
        guard case .json(let body) = input.body else { throw SluiceError.badRequest("Send JSON.") }
        let request = ApiKeyService.NewKey(
            name: body.name, scopes: body.scopes.map(\.domain), streams: body.streams, expiresAt: body.expiresAt
        )
        let (key, secret) = try await apiKeys.create(identity: RequestScope.identity(), request, origin: Self.origin())
        return .created(.init(body: .json(.init(value1: .init(key), value2: .init(secret: secret)))))
    }

    func getApiKey(_ input: Operations.GetApiKey.Input) async throws -> Operations.GetApiKey.Output {
        let key = try await apiKeys.get(identity: RequestScope.identity(), id: Self.uuid(input.path.keyId, "API key"))
        return .ok(.init(body: .json(.init(key))))
    }

    func revokeApiKey(_ input: Operations.RevokeApiKey.Input) async throws -> Operations.RevokeApiKey.Output {
        try await apiKeys.revoke(identity: RequestScope.identity(), id: Self.uuid(input.path.keyId, "API key"), origin: Self.origin())
        return .noContent(.init())
    }
}
