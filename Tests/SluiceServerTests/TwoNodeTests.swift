import Foundation
import HTTPTypes
import OpenAPIRuntime
import SluiceClient
import Testing

@testable import SluiceServer

/// Two `sluice serve` processes sharing one PostgreSQL and one Redis, as two nodes behind a
/// load balancer would.
@Suite("Two nodes")
struct TwoNodeTests {
    static func nodes() async throws -> (ServerProcess, ServerProcess) {
        let environment = [
            "SLUICE_REDIS_URL": TestEnvironment.redisURL,
            "SLUICE_JWT_KEYS": "n1:" + Data("two-node-test-key-0123456789abcdef0123".utf8).base64EncodedString(),
            "SLUICE_PLANS": "free:requests=1000/1000,events=100000/100000,monthly=10",
        ]
        return (try await ServerProcess(environment: environment), try await ServerProcess(environment: environment))
    }

    @Test("a key revoked on one node is refused by the other within a second; its limits and the tenant's quota hold across both")
    func revocationAndLimits() async throws {
        let (one, two) = try await Self.nodes()
        defer {
            one.kill()
            two.kill()
        }
        let email = "nodes-\(UUID().uuidString.prefix(8).lowercased())@example.test"
        let signup = try await one.client().signup(body: .json(.init(email: email, password: "correct horse battery staple", tenantName: "nodes")))
        let token = try signup.created.body.json.tokens.accessToken
        let stream = "s-\(UUID().uuidString.prefix(8).lowercased())"
        _ = try await two.client(token).createStream(body: .json(.init(name: stream))).created
        let created = try await one.client(token).createApiKey(
            body: .json(.init(name: "node key", scopes: [.events_colon_write, .events_colon_read]))
        ).created.body.json
        let keyID = created.value1.id
        let secret = created.value2.secret

        // Limits: three requests in all, spent on either node.
        _ = try await one.client(token).setApiKeyRateLimits(path: .init(keyId: keyID), body: .json(.init(requests: .init(perSecond: 0.01, burst: 3))))
            .ok
        var statuses: [Int] = []
        for node in [two, one, two, one] {
            switch try await node.client(secret).getStream(path: .init(stream: stream)) {
            case .ok: statuses.append(200)
            case .tooManyRequests: statuses.append(429)
            default: statuses.append(0)
            }
        }
        #expect(statuses == [200, 200, 200, 429])
        _ = try await one.client(token).setApiKeyRateLimits(path: .init(keyId: keyID), body: .json(.init())).ok

        // The quota of 10 events a month, spent on both nodes.
        let events = { (count: Int) in (0..<count).map { _ in Components.Schemas.EventInput(_type: "a", data: json("1")) } }
        #expect(try await one.client(secret).ingestBatch(path: .init(stream: stream), body: .json(.init(events: events(6)))).ok.body.json.stored == 6)
        let refused = try await two.client(secret).ingestBatch(path: .init(stream: stream), body: .json(.init(events: events(5))))
        #expect(try refused.tooManyRequests.body.applicationProblemJson._type.hasSuffix("/quota-exceeded"))
        #expect(try await two.client(secret).ingestBatch(path: .init(stream: stream), body: .json(.init(events: events(4)))).ok.body.json.stored == 4)

        // Node two has the key cached (it just used it); node one revokes it.
        _ = try await two.client(secret).getStream(path: .init(stream: stream)).ok
        _ = try await one.client(token).revokeApiKey(path: .init(keyId: keyID)).noContent
        let revokedAt = ContinuousClock.now
        var refusedAfter: Duration?
        while refusedAfter == nil && ContinuousClock.now - revokedAt < .seconds(3) {
            if case .unauthorized = try await two.client(secret).getStream(path: .init(stream: stream)) {
                refusedAfter = ContinuousClock.now - revokedAt
            } else {
                try await Task.sleep(for: .milliseconds(20))
            }
        }
        let after = try #require(refusedAfter, "node two still accepts the revoked key after 3 s")
        #expect(after < .seconds(1), "node two refused the revoked key only after \(after)")
        print("two nodes: revocation seen by the other node after \(after)")
    }
}
