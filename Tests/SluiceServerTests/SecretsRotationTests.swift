import Foundation
import SluiceClient
import Testing

@testable import SluiceCore
@testable import SluiceServer

/// The secrets key rotated without downtime: deploy `new,old` (new seals, both open), reseal
/// everything with `sluice admin reseal-secrets`, then deploy `new` alone.
@Suite("Secrets key rotation", .serialized, .isolatedDatabase)
struct SecretsRotationTests {
    static let old = [UInt8](repeating: 1, count: 32)
    static let new = [UInt8](repeating: 2, count: 32)

    func secret(_ keys: [[UInt8]], _ owner: Account, _ stream: String) async throws -> String? {
        try await withSluice({ $0.secretsKeys = keys }) { sluice in
            let answer = try await sluice.api(owner.token).getSubscriptionSecret(path: .init(stream: stream, subscription: "hook"))
            if case .ok(let ok) = answer { return try ok.body.json.secret }
            return nil
        }
    }

    func reseal(_ keys: [[UInt8]]) async throws -> Int {
        var configuration = TestEnvironment.configuration()
        configuration.secretsKeys = keys
        return try await Admin.with(configuration, logger: TestEnvironment.logger) { try await $0.resealSecrets() }
    }

    @Test("new,old opens what old sealed; the reseal moves it to new (audited); new alone then opens it; a key that opens nothing changes nothing")
    func rotation() async throws {
        let (owner, stream, original) = try await withSluice({ $0.secretsKeys = [Self.old] }) { sluice in
            let owner = try await sluice.signup("rotate")
            let (stream, _) = try await sluice.stream(owner)
            let response = try await sluice.send(
                .post,
                "/v1/streams/\(stream)/subscriptions",
                body: #"{"name":"hook","url":"https://hooks.example.test/in"}"#,
                headers: bearer(owner.token)
            )
            #expect(response.status == .created)
            let secret = try await sluice.api(owner.token).getSubscriptionSecret(path: .init(stream: stream, subscription: "hook")).ok.body.json
                .secret
            return (owner, stream, secret)
        }
        #expect(try await secret([Self.new], owner, stream) == nil, "the new key alone cannot open what the old sealed")
        #expect(try await secret([Self.new, Self.old], owner, stream) == original)

        await #expect(throws: SluiceError.self, "a reseal with keys that open nothing stops, changing nothing") {
            _ = try await reseal([Self.new])
        }
        #expect(try await reseal([Self.new, Self.old]) == 1)
        #expect(try await reseal([Self.new, Self.old]) == 0, "everything is sealed with the new key already")
        #expect(try await secret([Self.new], owner, stream) == original, "the old key can go")
        let audit = try await withSluice { sluice in
            try await sluice.api(owner.token).listAuditLog(query: .init(action: "secrets.resealed")).ok.body.json.items
        }
        #expect(audit.count == 1 && audit.first?.details?.additionalProperties["count"] == "1")

        // The setting: a list, each key 32 bytes.
        let listed = try SluiceConfiguration.fromEnvironment([
            "SLUICE_DATABASE_URL": TestEnvironment.databaseURL,
            "SLUICE_SECRETS_KEY": "\(Data(Self.new).base64EncodedString()), \(Data(Self.old).base64EncodedString())",
        ])
        #expect(listed.secretsKeys == [Self.new, Self.old])
        #expect(throws: ConfigurationError.self) {
            _ = try SluiceConfiguration.fromEnvironment(["SLUICE_DATABASE_URL": TestEnvironment.databaseURL, "SLUICE_SECRETS_KEY": "c2hvcnQ="])
        }
    }
}
