import Foundation
import OpenAPIRuntime
import SluiceAPI
import SluiceCore
import SluicePlatforms

extension APIImplementation {
    /// Served by `IngestRoutes`, registered in place of the generated handler; never called.
    func ingestPlatform(_ input: Operations.IngestPlatform.Input) async throws -> Operations.IngestPlatform.Output {
        throw SluiceError.internalError
    }

    /// Served by `IngestRoutes` (the signature covers the raw body); never called.
    func receiveInstagramWebhook(_ input: Operations.ReceiveInstagramWebhook.Input) async throws -> Operations.ReceiveInstagramWebhook.Output {
        throw SluiceError.internalError
    }

    func configureInstagramWebhook(_ input: Operations.ConfigureInstagramWebhook.Input) async throws -> Operations.ConfigureInstagramWebhook.Output {
        guard case .json(let body) = input.body else { throw SluiceError.badRequest("Send JSON.") }
        let id = try await webhooks.configure(
            identity: RequestScope.identity(),
            streamName: input.path.stream,
            appSecret: body.appSecret,
            verifyToken: body.verifyToken,
            origin: Self.origin()
        )
        return .ok(.init(body: .json(.init(id: id.lowercased, callbackPath: PlatformWebhooks.callbackPath(id)))))
    }

    func removeInstagramWebhook(_ input: Operations.RemoveInstagramWebhook.Input) async throws -> Operations.RemoveInstagramWebhook.Output {
        try await webhooks.remove(identity: RequestScope.identity(), streamName: input.path.stream, origin: Self.origin())
        return .noContent(.init())
    }

    func verifyInstagramWebhook(_ input: Operations.VerifyInstagramWebhook.Input) async throws -> Operations.VerifyInstagramWebhook.Output {
        let challenge = try await webhooks.verify(
            id: Self.uuid(input.path.webhookId, "Webhook"),
            mode: input.query.hub_mode,
            token: input.query.hub_verifyToken,
            challenge: input.query.hub_challenge
        )
        return .ok(.init(body: .plainText(.init(challenge))))
    }
}
