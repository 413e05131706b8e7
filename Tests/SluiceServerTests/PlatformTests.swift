import Crypto
import Foundation
import HTTPTypes
import HummingbirdTesting
import OpenAPIRuntime
import SluiceClient
import Testing

@testable import SluiceServer

@Suite("Platform normalization")
struct PlatformTests {
    static func fixture(_ name: String) throws -> String {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/platforms/\(name)")
        return try String(contentsOf: url, encoding: .utf8)
    }

    static func post(
        _ harness: Harness,
        _ stream: String,
        _ platform: String,
        _ body: String,
        key: String
    ) async throws -> (HTTPResponse.Status, [String: Any]) {
        let response = try await harness.send(
            .post,
            "/v1/streams/\(stream)/platforms/\(platform)",
            body: body,
            headers: [.authorization: "Bearer \(key)"]
        )
        return (response.status, (try? JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any]) ?? [:])
    }

    static func data(_ events: [Components.Schemas.Event]) throws -> [[String: Any]] {
        try events.map { try JSONSerialization.jsonObject(with: try JSONEncoder().encode($0.data)) as! [String: Any] }
    }

    @Test("Twitter/X v2: tweets and users become unified events; odd values are rejected with a pointer; a resend stores nothing")
    func twitter() async throws {
        try await withSluice { harness in
            let owner = try await harness.signup("twitter")
            let (stream, key) = try await harness.stream(owner, partitions: 2)
            let (status, result) = try await Self.post(harness, stream, "twitter", try Self.fixture("twitter-tweets.json"), key: key)
            #expect(status == .ok)
            #expect(result["stored"] as? Int == 3)
            let results = result["results"] as! [[String: Any]]
            #expect(((results[3]["errors"] as? [[String: Any]])?.first?["pointer"] as? String) == "/data/3/public_metrics/like_count")

            let (_, user) = try await Self.post(harness, stream, "twitter", try Self.fixture("twitter-user.json"), key: key)
            #expect(user["stored"] as? Int == 1)
            let (_, again) = try await Self.post(harness, stream, "twitter", try Self.fixture("twitter-tweets.json"), key: key)
            #expect(again["duplicates"] as? Int == 3)

            let api = harness.api(key)
            let posts = try await api.browseEvents(path: .init(stream: stream), query: .init(_type: "social.post.metrics", key: "twitter:2244994945"))
                .ok.body.json.items
            #expect(posts.count == 2)
            let first = try Self.data(posts).first { ($0["content"] as? [String: Any])?["id"] as? String == "1460323737035677698" }!
            #expect(first["platform"] as? String == "twitter")
            #expect(first["action"] as? String == "snapshot")
            #expect((first["account"] as? [String: Any])?["handle"] as? String == "XDevelopers")
            #expect(
                first["metrics"] as? [String: Int] == [
                    "likes": 387, "comments": 32, "shares": 110, "quotes": 55, "impressions": 102448, "bookmarks": 3,
                ]
            )
            #expect(((first["raw"] as? [String: Any])?["public_metrics"] as? [String: Any])?["like_count"] as? Int == 387)
            let bare = try Self.data(posts).first { ($0["content"] as? [String: Any])?["id"] as? String == "1460323737035677699" }!
            #expect((bare["metrics"] as? [String: Any])?.isEmpty == true)
            let strings = try await api.browseEvents(path: .init(stream: stream), query: .init(key: "twitter:783214")).ok.body.json.items
            #expect(try Self.data(strings).first?["metrics"] as? [String: Int] == ["likes": 17, "shares": 4, "comments": 0, "quotes": 0])
            let account = try await api.browseEvents(path: .init(stream: stream), query: .init(_type: "social.account.metrics")).ok.body.json.items
            #expect(
                try Self.data(account).first?["metrics"] as? [String: Int] == [
                    "followers": 583423, "following": 2048, "posts": 14052, "listed": 1672,
                ]
            )

            let (notTwitter, problem) = try await Self.post(harness, stream, "twitter", #"{"items":[]}"#, key: key)
            #expect(notTwitter == .badRequest)
            #expect((problem["errors"] as? [[String: Any]])?.first?["pointer"] as? String == "/data")
            #expect(try await Self.post(harness, stream, "myspace", "{}", key: key).0 == .notFound)
        }
    }

    @Test("YouTube v3: counts arrive as strings; a hidden count is absent, not 0; an unreadable count is rejected")
    func youtube() async throws {
        try await withSluice { harness in
            let owner = try await harness.signup("youtube")
            let (stream, key) = try await harness.stream(owner)
            let (_, videos) = try await Self.post(harness, stream, "youtube", try Self.fixture("youtube-videos.json"), key: key)
            #expect(videos["stored"] as? Int == 2)
            let rejected = (videos["results"] as! [[String: Any]])[2]
            #expect(((rejected["errors"] as? [[String: Any]])?.first?["pointer"] as? String) == "/items/2/statistics/viewCount")
            let (_, channels) = try await Self.post(harness, stream, "youtube", try Self.fixture("youtube-channels.json"), key: key)
            #expect(channels["stored"] as? Int == 2)

            let api = harness.api(key)
            let posts = try Self.data(
                try await api.browseEvents(path: .init(stream: stream), query: .init(_type: "social.post.metrics")).ok.body.json.items
            )
            let ted = posts.first { ($0["content"] as? [String: Any])?["id"] as? String == "Ks-_Mh1QhMc" }!
            #expect(ted["metrics"] as? [String: Int] == ["views": 24_379_632, "likes": 391286, "comments": 9863, "favorites": 0])
            #expect((ted["content"] as? [String: Any])?["url"] as? String == "https://www.youtube.com/watch?v=Ks-_Mh1QhMc")
            let hidden = posts.first { ($0["content"] as? [String: Any])?["id"] as? String == "dQw4w9WgXcQ" }!
            #expect((hidden["metrics"] as? [String: Int])?["likes"] == nil)
            let accounts = try Self.data(
                try await api.browseEvents(path: .init(stream: stream), query: .init(_type: "social.account.metrics")).ok.body.json.items
            )
            #expect(accounts.contains { ($0["metrics"] as? [String: Int]) == ["followers": 24_600_000, "views": 2_913_431_925, "posts": 4300] })
            #expect(accounts.contains { ($0["metrics"] as? [String: Int]) == ["views": 1000, "posts": 3] })
        }
    }

    @Test("Instagram: media and account objects; webhook handshake, signature checked over the raw body")
    func instagram() async throws {
        try await withSluice { harness in
            let owner = try await harness.signup("instagram")
            let (stream, key) = try await harness.stream(owner)
            let (_, media) = try await Self.post(harness, stream, "instagram", try Self.fixture("instagram-media.json"), key: key)
            #expect(media["stored"] as? Int == 2)
            #expect((((media["results"] as! [[String: Any]])[2]["errors"] as? [[String: Any]])?.first?["pointer"] as? String) == "/data/2/like_count")
            let (_, account) = try await Self.post(harness, stream, "instagram", try Self.fixture("instagram-account.json"), key: key)
            #expect(account["stored"] as? Int == 1)

            let admin = harness.api(owner.token)
            let hook = try await admin.configureInstagramWebhook(
                path: .init(stream: stream),
                body: .json(.init(appSecret: "app-secret-123", verifyToken: "verify-me-please"))
            ).ok.body.json
            #expect(hook.callbackPath == "/v1/webhooks/instagram/\(hook.id)")
            let handshake = try await harness.send(
                .get,
                hook.callbackPath + "?hub.mode=subscribe&hub.verify_token=verify-me-please&hub.challenge=1158201444"
            )
            #expect(handshake.status == .ok)
            #expect(String(buffer: handshake.body) == "1158201444")
            #expect(
                try await harness.send(.get, hook.callbackPath + "?hub.mode=subscribe&hub.verify_token=wrong-token&hub.challenge=1").status
                    == .forbidden
            )
            #expect(
                try await harness.send(.get, "/v1/webhooks/instagram/\(UUID())?hub.mode=subscribe&hub.verify_token=x&hub.challenge=1").status
                    == .notFound
            )

            let body = try Self.fixture("instagram-webhook.json")
            let signature =
                "sha256="
                + HMAC<SHA256>.authenticationCode(for: Array(body.utf8), using: SymmetricKey(data: Array("app-secret-123".utf8)))
                .map { String(format: "%02x", $0) }.joined()
            let signatureHeader = HTTPField.Name("X-Hub-Signature-256")!
            #expect(try await harness.send(.post, hook.callbackPath, body: body).status == .unauthorized)
            #expect(
                try await harness.send(
                    .post,
                    hook.callbackPath,
                    body: body,
                    headers: [signatureHeader: "sha256=" + String(repeating: "0", count: 64)]
                ).status == .unauthorized
            )
            #expect(try await harness.send(.post, hook.callbackPath, body: body + " ", headers: [signatureHeader: signature]).status == .unauthorized)
            let accepted = try await harness.send(.post, hook.callbackPath, body: body, headers: [signatureHeader: signature])
            #expect(accepted.status == .ok)
            let reply = try JSONSerialization.jsonObject(with: Data(buffer: accepted.body)) as! [String: Any]
            #expect(reply["stored"] as? Int == 2)

            let api = harness.api(key)
            let comments = try Self.data(
                try await api.browseEvents(path: .init(stream: stream), query: .init(_type: "social.comment.created")).ok.body.json.items
            )
            #expect(comments.count == 1)
            #expect((comments[0]["actor"] as? [String: Any])?["handle"] as? String == "test_user")
            #expect((comments[0]["content"] as? [String: Any])?["text"] as? String == "This is an example.")
            #expect(comments[0]["occurredAt"] as? String == "2026-09-21T14:13:20.000Z")
            #expect(
                try await api.browseEvents(path: .init(stream: stream), query: .init(_type: "social.mention.created")).ok.body.json.items.count == 1
            )

            _ = try await admin.removeInstagramWebhook(path: .init(stream: stream)).noContent
            #expect(try await harness.send(.post, hook.callbackPath, body: body, headers: [signatureHeader: signature]).status == .notFound)
            let actions = try await admin.listAuditLog(query: .init(action: "platform.*")).ok.body.json.items.map(\.action)
            #expect(actions == ["platform.webhook.removed", "platform.webhook.configured"])
        }
    }
}

/// Signs the body as Meta does, for the generated client's `receiveInstagramWebhook`.
struct HubSignature: ClientMiddleware {
    let secret: String

    func intercept(
        _ request: HTTPRequest,
        body: HTTPBody?,
        baseURL: URL,
        operationID: String,
        next: (HTTPRequest, HTTPBody?, URL) async throws -> (HTTPResponse, HTTPBody?)
    ) async throws -> (HTTPResponse, HTTPBody?) {
        let bytes = try await [UInt8](collecting: body ?? HTTPBody(), upTo: 1 << 20)
        var request = request
        request.headerFields[HTTPField.Name("X-Hub-Signature-256")!] =
            "sha256="
            + HMAC<SHA256>
            .authenticationCode(for: bytes, using: SymmetricKey(data: Array(secret.utf8))).map { String(format: "%02x", $0) }.joined()
        return try await next(request, HTTPBody(bytes), baseURL)
    }
}

extension PlatformTests {
    @Test("the hand-routed platform endpoints answer as the contract says, through the generated client")
    func contract() async throws {
        try await withSluice { harness in
            let owner = try await harness.signup("platformcontract")
            let (stream, key) = try await harness.stream(owner)
            let payload = try JSONDecoder().decode(Components.Schemas.PlatformPayload.self, from: Data(try Self.fixture("twitter-user.json").utf8))
            let result = try await harness.api(key).ingestPlatform(path: .init(stream: stream, platform: .twitter), body: .json(payload)).ok.body.json
            #expect(result.stored == 1)
            #expect(result.results.first?.status == .stored)

            let hook = try await harness.api(owner.token).configureInstagramWebhook(
                path: .init(stream: stream),
                body: .json(.init(appSecret: "contract-secret", verifyToken: "contract-token"))
            ).ok.body.json
            let notification = try JSONDecoder().decode(
                Components.Schemas.PlatformPayload.self,
                from: Data(try Self.fixture("instagram-webhook.json").utf8)
            )
            let signed = Client(
                serverURL: URL(string: "http://localhost")!,
                configuration: .sluice,
                transport: TestClientTransport(client: harness.raw),
                middlewares: [HubSignature(secret: "contract-secret")]
            )
            let received = try await signed.receiveInstagramWebhook(
                path: .init(webhookId: hook.id),
                headers: .init(xHubSignature256: "set by the middleware"),
                body: .json(notification)
            ).ok.body.json
            #expect(received.stored == 2)
            let unsigned = try await harness.api().receiveInstagramWebhook(
                path: .init(webhookId: hook.id),
                headers: .init(xHubSignature256: "sha256=00"),
                body: .json(notification)
            )
            #expect(try unsigned.unauthorized.body.applicationProblemJson.status == 401)
        }
    }
}
