import Foundation
import Glibc
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

@testable import SluiceJSON
@testable import SluiceServer

/// Attacks tried across the whole contract: every operation the OpenAPI document lists, so
/// that an endpoint added later is tried too.
@Suite("Hardening across the API")
struct HardeningTests {
    @Test("the contract bounds every number a request can carry")
    func everyNumberIsBounded() throws {
        let sweep = try ContractSweep()
        var unbounded: [String] = []
        for operation in sweep.operations {
            var members: [(String, JSONValue)] = operation.parameters.compactMap { parameter in
                parameter["schema"].map { ("\(parameter["in"]?.stringValue ?? "") \(parameter["name"]?.stringValue ?? "")", $0) }
            }
            members = members.flatMap { name, schema in sweep.numericMembers(schema).map { (name + $0.path.joined(separator: "/"), $0.schema) } }
            if let body = operation.body {
                members += sweep.numericMembers(body).map { ("body /" + $0.path.joined(separator: "/"), $0.schema) }
            }
            for (name, schema) in members {
                let low = schema["minimum"] ?? schema["exclusiveMinimum"]
                let high = schema["maximum"] ?? schema["exclusiveMaximum"]
                // Bounds past 2^53 cannot be told apart as JSON numbers (doubles).
                if low == nil || high == nil || abs(low?.numberValue?.double ?? 0) > 9.007199254740991e15
                    || abs(high?.numberValue?.double ?? 0) > 9.007199254740991e15
                {
                    unbounded.append("\(operation.method) \(operation.path) \(name)")
                }
            }
        }
        #expect(unbounded.isEmpty, "\(unbounded)")
    }

    /// A tenant with one of everything, for the path parameters of every operation.
    static func resources(_ sluice: Harness) async throws -> (token: String, path: [String: String]) {
        let owner = try await sluice.signup("hardy")
        let auth = bearer(owner.token)
        func post(_ uri: String, _ body: String, method: HTTPRequest.Method = .post) async throws -> [String: Any] {
            let response = try await sluice.send(method, uri, body: body, headers: auth)
            #expect(response.status.code < 300, "\(uri): \(response.status) \(String(buffer: response.body))")
            return (try? JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any]) ?? [:]
        }
        _ = try await post("/v1/streams", #"{"name":"s","partitions":2}"#)
        _ = try await post(
            "/v1/streams/s/events/batch",
            #"{"events":[{"type":"t","key":"a","data":{}},{"type":"t","key":"b","data":{}},{"type":"t","key":"c","data":{}}]}"#
        )
        _ = try await post("/v1/streams/s/consumer-groups", #"{"name":"g"}"#)
        _ = try await post("/v1/streams/s/consumer-groups/g/members/m", "{}", method: .put)
        _ = try await post("/v1/streams/s/consumer-groups/g/fetch", #"{"memberId":"m","maxEvents":10}"#)
        _ = try await sluice.send(
            .post,
            "/v1/streams/s/consumer-groups/g/commit",
            body: #"{"memberId":"m","offsets":[{"partition":0,"offset":1},{"partition":1,"offset":1}]}"#,
            headers: auth
        )
        _ = try await post("/v1/streams/s/subscriptions", #"{"name":"sub","url":"https://example.com/hook"}"#)
        _ = try await post(
            "/v1/streams/s/sources",
            #"{"name":"src","url":"https://example.com/{entity}","mapping":{"platform":"instagram","kind":"account","metrics":{"followers":"/f"}},"entities":["e"]}"#
        )
        _ = try await post("/v1/streams/s/schemas/t/versions", #"{"schema":{"type":"object"}}"#)
        let key = try await post("/v1/api-keys", #"{"name":"k","scopes":["admin"]}"#)
        let path = [
            "stream": "s", "group": "g", "memberId": "m", "subscription": "sub", "source": "src", "eventType": "t", "version": "1",
            "partition": "0", "kind": "account", "entityId": "x", "entity": "e", "platform": "twitter", "userId": owner.userID,
            "keyId": key["id"] as? String ?? "", "invitationId": UUID().uuidString, "deliveryId": UUID().uuidString,
            "quarantineId": UUID().uuidString, "webhookId": UUID().uuidString,
        ]
        return (owner.token, path)
    }

    static func uri(_ template: String, _ values: [String: String], query: String = "") -> String {
        var uri = template
        while let open = uri.firstIndex(of: "{"), let close = uri[open...].firstIndex(of: "}") {
            let name = String(uri[uri.index(after: open)..<close])
            uri.replaceSubrange(open...close, with: values[name] ?? "x")
        }
        return query.isEmpty ? uri : uri + "?" + query
    }

    @Test("every numeric field and parameter of every operation at its extremes: a 4xx or a success, never a 5xx; the server lives")
    func extremes() async throws {
        let sweep = try ContractSweep()
        try await withSluice { sluice in
            let (token, path) = try await Self.resources(sluice)
            var failures: [String] = []
            var tried = 0
            for operation in sweep.operations where !["signup", "login"].contains(operation.id) {
                var cases: [(query: String, body: String?)] = []
                let body = operation.body.map { sweep.sample($0) }
                for parameter in operation.parameters {
                    guard let name = parameter["name"]?.stringValue, let schema = parameter["schema"] else { continue }
                    for member in sweep.numericMembers(schema) {
                        for value in ContractSweep.extremes(for: member.schema) where !Self.slow(name, value) {
                            switch parameter["in"]?.stringValue {
                            case "query": cases.append(("\(name)=\(value)", body?.jsonText))
                            case "path": cases.append(("path:\(name)=\(value)", body?.jsonText))
                            default: break
                            }
                        }
                    }
                }
                if let schema = operation.body, let body {
                    for member in sweep.numericMembers(schema) {
                        for value in ContractSweep.extremes(for: member.schema) where !Self.slow(member.path.last ?? "", value) {
                            let number = JSONValue.number(JSONNumber(literal: value, double: Double(value) ?? 0))
                            cases.append(("", ContractSweep.setting(number, at: member.path[...], in: body).jsonText))
                        }
                    }
                }
                for (query, body) in cases {
                    var values = path
                    var queryString = query
                    if query.hasPrefix("path:") {
                        let assignment = query.dropFirst(5).split(separator: "=", maxSplits: 1)
                        values[String(assignment[0])] = String(assignment[1])
                        queryString = ""
                    }
                    if operation.id == "tailEvents", !queryString.hasPrefix("seconds=") {
                        // The tail stays open for its default ten minutes otherwise.
                        queryString += (queryString.isEmpty ? "" : "&") + "seconds=1"
                    }
                    let uri = Self.uri(operation.path, values, query: queryString)
                    let response = try await sluice.send(operation.method, uri, body: body, headers: bearer(token))
                    tried += 1
                    if response.status.code >= 500 {
                        failures.append(
                            "\(operation.method) \(uri) \(body ?? ""): \(response.status.code) \(String(buffer: response.body).prefix(200))"
                        )
                    }
                }
                #expect(try await sluice.send(.get, "/healthz").status == .ok, "after \(operation.id)")
            }
            #expect(tried > 300)
            #expect(failures.isEmpty, "\(failures.joined(separator: "\n"))")
        }
    }

    /// Values the contract allows that only take long: a live feed of a day's ticks, a
    /// long-poll of 30 s, a tail kept open longer than a second.
    static func slow(_ name: String, _ value: String) -> Bool {
        (name == "ticks" && value == "86400") || (name == "waitMs" && value == "30000")
            || (name == "seconds" && Int(value).map { (2...3600).contains($0) } == true)
    }

    @Test("the issue's examples: offsets moved by huge shifts and durations, rates of 1e-300")
    func knownTraps() async throws {
        try await withSluice { sluice in
            let (token, path) = try await Self.resources(sluice)
            let reset = "/v1/streams/s/consumer-groups/g/offsets/reset"
            for body in [
                #"{"to":"duration","durationSeconds":9223372036854775807,"dryRun":true}"#,
                #"{"to":"duration","durationSeconds":1000000000000,"dryRun":true}"#,
                #"{"to":"shift","shift":9223372036854775807,"dryRun":true}"#,
                #"{"to":"shift","shift":-9223372036854775808,"dryRun":true}"#,
                #"{"to":"shift","shift":1.5,"dryRun":true}"#,
            ] {
                #expect(try await sluice.send(.post, reset, body: body, headers: bearer(token)).status == .badRequest, "\(body)")
            }
            // At the bounds the contract allows, the moves are clamped to what is kept.
            for body in [
                #"{"to":"shift","shift":9007199254740991,"dryRun":true}"#, #"{"to":"shift","shift":-9007199254740991,"dryRun":true}"#,
                #"{"to":"duration","durationSeconds":315360000,"dryRun":true}"#,
            ] {
                let response = try await sluice.send(.post, reset, body: body, headers: bearer(token))
                #expect(response.status == .ok, "\(body): \(String(buffer: response.body))")
            }
            let limits = "/v1/api-keys/\(path["keyId"]!)/rate-limits"
            for body in [
                #"{"requests":{"perSecond":1e-300,"burst":1}}"#, #"{"requests":{"perSecond":0,"burst":1}}"#,
                #"{"requests":{"perSecond":1,"burst":1e300}}"#, #"{"events":null}"#,
            ] {
                #expect(try await sluice.send(.put, limits, body: body, headers: bearer(token)).status == .badRequest, "\(body)")
            }
        }
    }

    @Test(
        "U+0000 in any path or query parameter of any operation, or in a body: 400 naming it, never a 500; every answer carries no-store and nosniff"
    )
    func nullCharacters() async throws {
        let sweep = try ContractSweep()
        try await withSluice { sluice in
            let (token, path) = try await Self.resources(sluice)
            var failures: [String] = []
            for operation in sweep.operations {
                let body = operation.body.map { sweep.sample($0).jsonText }
                for parameter in operation.parameters {
                    guard let name = parameter["name"]?.stringValue, let location = parameter["in"]?.stringValue,
                        location == "path" || location == "query"
                    else { continue }
                    var values = path
                    var query = ""
                    if location == "path" { values[name] = "a%00b" } else { query = "\(name)=a%00b" }
                    let uri = Self.uri(operation.path, values, query: query)
                    let response = try await sluice.send(operation.method, uri, body: body, headers: bearer(token))
                    if response.headers[.cacheControl] != "no-store" || response.headers[HTTPField.Name("X-Content-Type-Options")!] != "nosniff" {
                        failures.append("\(operation.method) \(uri): no security headers")
                    }
                    if response.status != .badRequest {
                        failures.append("\(operation.method) \(uri): \(response.status.code) \(String(buffer: response.body).prefix(200))")
                    }
                    if response.status == .badRequest {
                        let errors = response.problem["errors"] as? [[String: Any]]
                        if errors?.contains(where: { $0["parameter"] as? String == name }) != true {
                            failures.append("\(operation.method) \(uri): the problem does not name \(name)")
                        }
                    }
                }
            }
            for body in [#"{"name":"a\u0000b","partitions":1}"#, #"{"name":"k\u0000","scopes":["admin"]}"#] {
                let uri = body.contains("scopes") ? "/v1/api-keys" : "/v1/streams"
                let response = try await sluice.send(.post, uri, body: body, headers: bearer(token))
                if response.status != .badRequest { failures.append("POST \(uri) \(body): \(response.status)") }
            }
            let signup = try await sluice.send(
                .post,
                "/v1/auth/signup",
                body: #"{"email":"a@b.test","password":"abcdefghijkl\u0000","tenantName":"t"}"#
            )
            if signup.status != .badRequest { failures.append("signup with U+0000: \(signup.status)") }
            #expect(failures.isEmpty, "\(failures.joined(separator: "\n"))")
        }
    }

    @Test("duplicate JSON member names are refused by every endpoint that takes JSON")
    func duplicateMembers() async throws {
        try await withSluice { sluice in
            let (token, _) = try await Self.resources(sluice)
            for (method, uri, body) in [
                (HTTPRequest.Method.post, "/v1/streams", #"{"name":"dup","name":"other","partitions":1}"#),
                (.patch, "/v1/streams/s", #"{"retentionSeconds":3600,"retentionSeconds":7200}"#),
                (.post, "/v1/api-keys", #"{"name":"k","scopes":["admin"],"scopes":["events:read"]}"#),
                (.post, "/v1/streams/s/events", #"{"type":"t","type":"u","data":{}}"#),
            ] {
                let response = try await sluice.send(method, uri, body: body, headers: bearer(token))
                #expect(response.status == .badRequest, "\(method) \(uri)")
            }
        }
    }
}
