import Foundation
import OpenAPIRuntime
import SluiceAPI
import SluiceClient
import Testing

@testable import SluiceServer

/// The generated Swift client (`SluiceClient`) drives every operation of the document in
/// the suites: the operations no other suite needs are called here, and a sweep checks that
/// each operation id is called through the client somewhere in the tests.
@Suite("Swift client")
struct ClientCoverageTests {
    @Test("the operations the other suites leave out work through the generated client")
    func remainingOperations() async throws {
        try await withSluice { harness in
            let owner = try await harness.signup("clientcoverage")
            let (stream, _) = try await harness.stream(owner)
            let api = harness.api(owner.token)

            let tenant = try await api.getTenant().ok.body.json
            #expect(tenant.id == owner.tenantID)

            let invitation = try await api.addMember(
                body: .json(.init(email: "later-\(UUID().uuidString.prefix(6).lowercased())@example.test", role: .viewer))
            )
            .accepted.body.json
            _ = try await api.revokeInvitation(path: .init(invitationId: invitation.value1.id)).noContent
            #expect(try await api.listInvitations().ok.body.json.items.isEmpty)
            _ = try await api.revokeInvitation(path: .init(invitationId: invitation.value1.id)).notFound

            #expect(try await api.listSubscriptions(path: .init(stream: stream)).ok.body.json.items.isEmpty)
            _ = try await api.registerSchema(
                path: .init(stream: stream, eventType: "a.b"),
                body: .json(.init(schema: json(#"{"type": "object"}"#)))
            ).created
            #expect(try await api.listSchemas(path: .init(stream: stream)).ok.body.json.items.map(\.eventType) == ["a.b"])

            let hook = try await api.configureInstagramWebhook(
                path: .init(stream: stream),
                body: .json(.init(appSecret: "client-secret", verifyToken: "client-token"))
            ).ok.body.json
            let challenge = try await harness.api().verifyInstagramWebhook(
                path: .init(webhookId: hook.id),
                query: .init(hub_mode: "subscribe", hub_verifyToken: "client-token", hub_challenge: "4242")
            ).ok.body.plainText
            #expect(try await String(collecting: challenge, upTo: 100) == "4242")
            _ = try await harness.api().verifyInstagramWebhook(
                path: .init(webhookId: hook.id),
                query: .init(hub_mode: "subscribe", hub_verifyToken: "wrong-token", hub_challenge: "1")
            ).forbidden

            // Open endpoints ignore a stale or bad credential.
            let metrics = try await harness.api("not-a-token").getMetrics().ok.body.plainText
            #expect(try await String(collecting: metrics, upTo: 10_000_000).contains("# TYPE"))
        }
    }

    @Test("every operation of the document is called through the generated client in the tests")
    func everyOperationIsCalled() throws {
        let tests = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        let sources = try FileManager.default.contentsOfDirectory(atPath: tests.path).filter { $0.hasSuffix(".swift") }
            .map { try String(contentsOf: tests.appendingPathComponent($0), encoding: .utf8) }.joined()
        let ids = try ContractSweep().operations.map(\.id)
        #expect(ids.count > 80)
        let uncalled = ids.filter { !sources.contains(".\($0)(") }
        #expect(uncalled.isEmpty, "not called through SluiceClient: \(uncalled)")
    }
}
