import Foundation
import Logging
import NIOCore
import PostgresNIO
import SluiceCore
import SluiceDatabase

/// Instagram webhook subscriptions: one per stream, reached at `/v1/webhooks/instagram/{id}`.
/// Meta cannot send an API key, so notifications are authenticated by their signature
/// (`X-Hub-Signature-256`, HMAC-SHA256 with the app secret) and the subscription handshake by
/// the verify token.
package struct PlatformWebhooks: Sendable {
    let client: Database
    let logger: Logger
    let audit: AuditLog
    let streams: StreamService
    let box: SecretBox

    package init(client: Database, logger: Logger, audit: AuditLog, streams: StreamService, box: SecretBox) {
        self.client = client
        self.logger = logger
        self.audit = audit
        self.streams = streams
        self.box = box
    }

    private var repository: PlatformWebhookRepository { .init(logger: logger) }

    package struct Subscription: Sendable {
        package var tenantID: UUID
        var id: UUID
        package var streamID: UUID
        package var appSecret: [UInt8]
        var verifyTokenHash: [UInt8]
    }

    package static func callbackPath(_ id: UUID) -> String { "/v1/webhooks/instagram/\(id.lowercased)" }

    /// Creates or replaces the stream's subscription; returns its id.
    package func configure(identity: Identity, streamName: String, appSecret: String, verifyToken: String, origin: RequestOrigin) async throws -> UUID
    {
        try identity.require(.streamsManage)
        let stream = try await streams.get(identity: identity, name: streamName)
        guard InputBounds.webhookSecret.contains(appSecret.unicodeScalars.count) else {
            throw SluiceError.badRequest("The app secret has 8 to 256 characters.", pointer: "/appSecret")
        }
        guard InputBounds.webhookSecret.contains(verifyToken.unicodeScalars.count) else {
            throw SluiceError.badRequest("The verify token has 8 to 256 characters.", pointer: "/verifyToken")
        }
        let id = UUID()
        let sealed = try box.seal(Array(appSecret.utf8))
        let tokenHash = Secrets.hash(verifyToken)
        return try await client.transaction(logger: logger) { connection in
            let stored = try await repository.upsert(
                tenantID: stream.tenantID,
                id: id,
                streamID: stream.id,
                sealedSecret: sealed,
                tokenHash: tokenHash,
                on: connection
            )
            try await audit.append(
                AuditRecord(
                    tenantID: identity.tenantID,
                    actor: identity.auditActor,
                    action: "platform.webhook.configured",
                    targetType: "stream",
                    targetID: stream.id.lowercased,
                    details: ["stream": stream.name, "platform": "instagram"],
                    origin: origin
                ),
                on: connection
            )
            return stored
        }
    }

    package func remove(identity: Identity, streamName: String, origin: RequestOrigin) async throws {
        try identity.require(.streamsManage)
        let stream = try await streams.get(identity: identity, name: streamName)
        try await client.transaction(logger: logger) { connection in
            guard try await repository.delete(tenantID: stream.tenantID, streamID: stream.id, on: connection) else {
                throw SluiceError.notFound("The stream's Instagram webhook")
            }
            try await audit.append(
                AuditRecord(
                    tenantID: identity.tenantID,
                    actor: identity.auditActor,
                    action: "platform.webhook.removed",
                    targetType: "stream",
                    targetID: stream.id.lowercased,
                    details: ["stream": stream.name, "platform": "instagram"],
                    origin: origin
                ),
                on: connection
            )
        }
    }

    package func subscription(id: UUID) async throws -> Subscription? {
        guard let row = try await repository.find(id: id, on: client) else { return nil }
        return Subscription(
            tenantID: row.tenantID,
            id: row.id,
            streamID: row.streamID,
            appSecret: try box.open(row.sealedSecret),
            verifyTokenHash: row.tokenHash
        )
    }

    /// The GET handshake: the challenge when the mode and token are right.
    package func verify(id: UUID, mode: String?, token: String?, challenge: String?) async throws -> String {
        guard let subscription = try await subscription(id: id) else { throw SluiceError.notFound("Webhook \(id.lowercased)") }
        guard mode == "subscribe", let token, let challenge, !challenge.isEmpty, challenge.utf8.count <= 256,
            Secrets.constantTimeEqual(Secrets.hash(token), subscription.verifyTokenHash)
        else { throw SluiceError.forbidden("The verify token does not match.") }
        return challenge
    }
}
