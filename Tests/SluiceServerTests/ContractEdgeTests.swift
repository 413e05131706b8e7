import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import SluiceAPI
import Testing

@testable import SluiceServer

/// What the fuzzer and the Python client found at the contract's edges, pinned.
@Suite("Contract edges")
struct ContractEdgeTests {
    @Test("open endpoints ignore stale and bad credentials: probes, signup, login, refresh and logout still answer")
    func openEndpointsIgnoreCredentials() async throws {
        try await withSluice { harness in
            let owner = try await harness.signup("openedges")
            let bad: HTTPFields = [.authorization: "Bearer eyJ.not.a-token"]
            #expect(try await harness.send(.get, "/healthz", headers: bad).status == .ok)
            #expect(try await harness.send(.get, "/readyz", headers: bad).status == .ok)
            #expect(try await harness.send(.get, "/metrics", headers: [.authorization: "Basic Zm9vOmJhcg=="]).status == .ok)
            let login = #"{"email":"\#(owner.email)","password":"\#(owner.password)"}"#
            #expect(try await harness.send(.post, "/v1/auth/login", body: login, headers: bad).status == .ok)
            let refresh = #"{"refreshToken":"\#(owner.tokens.refreshToken)"}"#
            #expect(try await harness.send(.post, "/v1/auth/refresh", body: refresh, headers: bad).status == .ok)
            #expect(try await harness.send(.post, "/v1/auth/logout", body: refresh, headers: bad).status == .noContent)
            // A secured endpoint still refuses them.
            #expect(try await harness.send(.get, "/v1/me", headers: bad).status == .unauthorized)
        }
    }

    @Test("a declared path asked with another method is 405 with Allow; an undeclared path is 404")
    func methodNotAllowed() async throws {
        try await withSluice { harness in
            let response = try await harness.send(.delete, "/v1/streams")
            #expect(response.status == .methodNotAllowed)
            #expect(response.headers[.allow] == "GET, POST")
            #expect(response.headers[.contentType] == "application/problem+json")
            let member = try await harness.send(.post, "/v1/streams/s/consumer-groups/g/members/m")
            #expect(member.headers[.allow] == "PUT, DELETE")
            #expect(try await harness.send(HTTPRequest.Method("TRACE")!, "/healthz").status == .methodNotAllowed)
            #expect(try await harness.send(.get, "/v1/nothing-here").status == .notFound)
        }
    }

    @Test("credentials are checked before the body: an anonymous invalid body is 401, not 400")
    func credentialsBeforeBody() async throws {
        try await withSluice { harness in
            let unknownMember = #"{"bogus": 1}"#
            let nullEvents = #"{"events": null}"#
            let stream = try await harness.send(.post, "/v1/streams", body: unknownMember)
            #expect(stream.status == .unauthorized)
            let event = try await harness.send(.post, "/v1/streams/s/events", body: "not json")
            #expect(event.status == .unauthorized)
            let batch = try await harness.send(.post, "/v1/streams/s/events/batch", body: nullEvents)
            #expect(batch.status == .unauthorized)
        }
    }

    @Test("a parameter that does not parse is a 400 naming it; RFC 3339 offsets and a lower-case t are read")
    func parameterFormats() async throws {
        try await withSluice { harness in
            let owner = try await harness.signup("paramedges")
            let (stream, _) = try await harness.stream(owner)
            let auth: HTTPFields = [.authorization: "Bearer \(owner.token)"]
            let bad = try await harness.send(.get, "/v1/streams/\(stream)/events?from=yesterday", headers: auth)
            #expect(bad.status == .badRequest)
            let error = (bad.problem["errors"] as? [[String: Any]])?.first
            #expect(error?["parameter"] as? String == "from")
            #expect(error?["location"] as? String == "query")
            #expect((bad.problem["detail"] as? String)?.contains("parameter 'from'") == true)
            for from in ["2026-01-31T12:00:00.250%2B01:00", "2026-01-31t12:00:00z", "1918-02-14T01:58:50-20:38"] {
                #expect(try await harness.send(.get, "/v1/streams/\(stream)/events?from=\(from)", headers: auth).status == .ok, "\(from)")
            }
            let notUUID = try await harness.send(.get, "/v1/api-keys/not-a-uuid", headers: auth)
            #expect((notUUID.problem["errors"] as? [[String: Any]])?.first?["parameter"] as? String == "keyId")
        }
    }

    @Test("lengths count code points, as the document's minLength and maxLength do")
    func lengthsInCodePoints() async throws {
        try await withSluice { harness in
            // 7 code points, one an emoji of 4 UTF-8 bytes: under minLength 12 with or without it.
            let short = #"{"email":"cp-\#(UUID().uuidString.prefix(6))@example.test","password":"abcdef😀","tenantName":"T"}"#
            #expect(try await harness.send(.post, "/v1/auth/signup", body: short).status == .badRequest)
            // 150 × "é" is 150 characters and 300 bytes: within maxLength 200.
            let name = String(repeating: "é", count: 150)
            let long = #"{"email":"cp-\#(UUID().uuidString.prefix(6))@example.test","password":"correct horse battery","tenantName":"\#(name)"}"#
            let created = try await harness.send(.post, "/v1/auth/signup", body: long)
            #expect(created.status == .created)
            #expect((created.problem["tenant"] as? [String: Any])?["name"] as? String == name)
            // A name with a control character, or a space at an end, is refused as the pattern says.
            for tenantName in [#"T\u0007x"#, " padded"] {
                let body =
                    #"{"email":"cp-\#(UUID().uuidString.prefix(6))@example.test","password":"correct horse battery","tenantName":"\#(tenantName)"}"#
                #expect(try await harness.send(.post, "/v1/auth/signup", body: body).status == .badRequest, "\(tenantName)")
            }
        }
    }

    @Test("a mixed-case URL scheme is stored lower-case (it broke the database's check: a 500)")
    func urlSchemes() async throws {
        try await withSluice { harness in
            let owner = try await harness.signup("schemeedges")
            let (stream, _) = try await harness.stream(owner)
            let auth: HTTPFields = [.authorization: "Bearer \(owner.token)"]
            let created = try await harness.send(
                .post,
                "/v1/streams/\(stream)/subscriptions",
                body: #"{"name":"mixed","url":"HtTpS://example.com/hook"}"#,
                headers: auth
            )
            #expect(created.status == .created)
            #expect((created.problem["subscription"] as? [String: Any])?["url"] as? String == "https://example.com/hook")
            let source = try await harness.send(
                .post,
                "/v1/streams/\(stream)/sources",
                body: #"{"name":"mixed","url":"HTTP://example.com/u/{entity}","mapping":{"platform":"twitter","metrics":{"followers":"/f"}}}"#,
                headers: auth
            )
            #expect(source.status == .created)
            #expect(source.problem["url"] as? String == "http://example.com/u/{entity}")
        }
    }
}
