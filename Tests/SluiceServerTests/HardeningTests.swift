import Foundation
import Glibc
import HTTPTypes
import HummingbirdTesting
import NIOCore
@testable import SluiceJSON
@testable import SluiceServer
import Testing

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
                    || abs(high?.numberValue?.double ?? 0) > 9.007199254740991e15 {
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
        _ = try await post("/v1/streams/s/events/batch", #"{"events":[{"type":"t","key":"a","data":{}},{"type":"t","key":"b","data":{}},{"type":"t","key":"c","data":{}}]}"#)
        _ = try await post("/v1/streams/s/consumer-groups", #"{"name":"g"}"#)
        _ = try await post("/v1/streams/s/consumer-groups/g/members/m", "{}", method: .put)
        _ = try await post("/v1/streams/s/consumer-groups/g/fetch", #"{"memberId":"m","maxEvents":10}"#)
        _ = try await sluice.send(.post, "/v1/streams/s/consumer-groups/g/commit",
                                  body: #"{"memberId":"m","offsets":[{"partition":0,"offset":1},{"partition":1,"offset":1}]}"#, headers: auth)
        _ = try await post("/v1/streams/s/subscriptions", #"{"name":"sub","url":"https://example.com/hook"}"#)
        _ = try await post("/v1/streams/s/sources", #"{"name":"src","url":"https://example.com/{entity}","mapping":{"platform":"instagram","kind":"account","metrics":{"followers":"/f"}},"entities":["e"]}"#)
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
                    let uri = Self.uri(operation.path, values, query: queryString)
                    let response = try await sluice.send(operation.method, uri, body: body, headers: bearer(token))
                    tried += 1
                    if response.status.code >= 500 {
                        failures.append("\(operation.method) \(uri) \(body ?? ""): \(response.status.code) \(String(buffer: response.body).prefix(200))")
                    }
                }
                #expect(try await sluice.send(.get, "/healthz").status == .ok, "after \(operation.id)")
            }
            #expect(tried > 300)
            #expect(failures.isEmpty, "\(failures.joined(separator: "\n"))")
        }
    }

    /// Values the contract allows that only take long: a live feed of a day's ticks, a
    /// long-poll of 30 s.
    static func slow(_ name: String, _ value: String) -> Bool {
        (name == "ticks" && value == "86400") || (name == "waitMs" && value == "30000")
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
            for body in [#"{"requests":{"perSecond":1e-300,"burst":1}}"#, #"{"requests":{"perSecond":0,"burst":1}}"#,
                         #"{"requests":{"perSecond":1,"burst":1e300}}"#, #"{"events":null}"#] {
                #expect(try await sluice.send(.put, limits, body: body, headers: bearer(token)).status == .badRequest, "\(body)")
            }
        }
    }

    @Test("U+0000 in any path or query parameter of any operation, or in a body: 400 naming it, never a 500; every answer carries no-store and nosniff")
    func nullCharacters() async throws {
        let sweep = try ContractSweep()
        try await withSluice { sluice in
            let (token, path) = try await Self.resources(sluice)
            var failures: [String] = []
            for operation in sweep.operations {
                let body = operation.body.map { sweep.sample($0).jsonText }
                for parameter in operation.parameters {
                    guard let name = parameter["name"]?.stringValue, let location = parameter["in"]?.stringValue,
                          location == "path" || location == "query" else { continue }
                    var values = path
                    var query = ""
                    if location == "path" { values[name] = "a%00b" } else { query = "\(name)=a%00b" }
                    let uri = Self.uri(operation.path, values, query: query)
                    let response = try await sluice.send(operation.method, uri, body: body, headers: bearer(token))
                    if response.headers[.cacheControl] != "no-store" || response.headers[HTTPField.Name("X-Content-Type-Options")!] != "nosniff" {
                        failures.append("\(operation.method) \(uri): no security headers")
                    }
                    // Hand-routed and unknown paths may answer 404 before any parameter is read.
                    if response.status.code >= 500 || (response.status == .badRequest) == false && response.status != .notFound
                        && response.status != .unauthorized {
                        failures.append("\(operation.method) \(uri): \(response.status.code) \(String(buffer: response.body).prefix(200))")
                    }
                    if response.status == .badRequest, location == "query" {
                        let errors = response.problem["errors"] as? [[String: Any]]
                        if errors?.contains(where: { $0["parameter"] as? String == name }) != true, operation.id != "ingestEvent" {
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
            let signup = try await sluice.send(.post, "/v1/auth/signup", body: #"{"email":"a@b.test","password":"abcdefghijkl\u0000","tenantName":"t"}"#)
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

/// Every operation × every role and key scope against the one access table (the document's
/// `x-sluice-permission`): refused (403) exactly when the table says so.
@Suite("Access: the table and the server agree")
struct AccessMatrixTests {
    enum Credential: CaseIterable {
        case owner, admin, developer, viewer, eventsWrite, eventsRead, streamsManage, adminKey

        var permissions: Set<Permission> {
            switch self {
            case .owner: Role.owner.permissions
            case .admin: Role.admin.permissions
            case .developer: Role.developer.permissions
            case .viewer: Role.viewer.permissions
            case .eventsWrite: ApiKeyScope.eventsWrite.permissions
            case .eventsRead: ApiKeyScope.eventsRead.permissions
            case .streamsManage: ApiKeyScope.streamsManage.permissions
            case .adminKey: ApiKeyScope.admin.permissions
            }
        }

        var isMember: Bool { [.owner, .admin, .developer, .viewer].contains(self) }
    }

    /// Operations whose refusal depends on the resource, tried elsewhere: a member may leave
    /// but not remove others (AccessTests), an owner's role needs owners:manage.
    static let decidedWithTheResource: Set<String> = ["removeMember"]

    @Test("each operation, each role and scope: 403 exactly where the table denies")
    func matrix() async throws {
        let sweep = try ContractSweep()
        let contract = try Contract.current.get()
        try await withSluice { sluice in
            var mismatches: [String] = []
            for credential in Credential.allCases {
                let (ownerToken, path) = try await HardeningTests.resources(sluice)
                let token: String
                switch credential {
                case .owner: token = ownerToken
                case .admin, .developer, .viewer:
                    let role = credential == .admin ? "admin" : credential == .developer ? "developer" : "viewer"
                    let user = try await sluice.signup("matrix")
                    let invited = try await sluice.send(.post, "/v1/members", body: #"{"email":"\#(user.email)","role":"\#(role)"}"#, headers: bearer(ownerToken))
                    let invitation = invited.problem["token"] as? String ?? ""
                    token = try await sluice.api(user.token).acceptInvitation(body: .json(.init(token: invitation))).ok.body.json.accessToken
                case .eventsWrite, .eventsRead, .streamsManage, .adminKey:
                    let scope = credential == .eventsWrite ? "events:write" : credential == .eventsRead ? "events:read"
                        : credential == .streamsManage ? "streams:manage" : "admin"
                    let created = try await sluice.send(.post, "/v1/api-keys", body: #"{"name":"m","scopes":["\#(scope)"]}"#, headers: bearer(ownerToken))
                    token = (created.problem["secret"] as? String) ?? ""
                }
                // Changes first, removals last, the stream itself at the very end.
                let operations = sweep.operations.sorted {
                    let rank = { (operation: ContractSweep.Operation) in
                        operation.id == "deleteStream" ? 2 : operation.method == .delete ? 1 : 0
                    }
                    return (rank($0), $0.id) < (rank($1), $1.id)
                }
                for operation in operations where !Self.decidedWithTheResource.contains(operation.id) {
                    guard let entry = contract.operations["\(operation.method.rawValue) \(operation.path)"], entry.secured else { continue }
                    let allowed = switch entry.access {
                    case .authenticated: true
                    case .member: credential.isMember
                    case .permission(let permission): credential.permissions.contains(permission)
                    }
                    var body = operation.body.map { sweep.sample($0) }
                    if operation.id == "addMember" || operation.id == "updateMember" {
                        body = .object(["email": .string("someone-\(UUID().uuidString.prefix(6))@example.test"), "role": "viewer"])
                    }
                    // A live feed of one tick, not the default hour.
                    let query = operation.id == "getAnalyticsLive" ? "ticks=1" : ""
                    let response = try await sluice.send(
                        operation.method, HardeningTests.uri(operation.path, path, query: query), body: body?.jsonText, headers: bearer(token)
                    )
                    if allowed ? (response.status == .forbidden || response.status == .unauthorized) : response.status != .forbidden {
                        mismatches.append("\(credential) \(operation.id): \(response.status.code), the table says \(allowed ? "allowed" : "denied") \(String(buffer: response.body).prefix(160))")
                    }
                }
            }
            #expect(mismatches.isEmpty, "\(mismatches.joined(separator: "\n"))")
        }
    }
}

@Suite("Credentials grant at most what they hold")
struct GrantTests {
    @Test("a key limited to streams, or expiring, makes keys no wider than itself")
    func keysMakeNoWiderKeys() async throws {
        try await withSluice { sluice in
            let owner = try await sluice.signup("grants")
            let auth = bearer(owner.token)
            for name in ["a", "b"] {
                #expect(try await sluice.send(.post, "/v1/streams", body: #"{"name":"\#(name)"}"#, headers: auth).status == .created)
            }
            func key(_ body: String, by token: String) async throws -> TestResponse {
                try await sluice.send(.post, "/v1/api-keys", body: body, headers: bearer(token))
            }
            let limited = try await key(#"{"name":"limited","scopes":["admin"],"streams":["a"]}"#, by: owner.token).problem["secret"] as! String
            for body in [#"{"name":"wide","scopes":["admin"]}"#, #"{"name":"other","scopes":["admin"],"streams":["a","b"]}"#] {
                let refused = try await key(body, by: limited)
                #expect(refused.status == .forbidden, "\(body)")
                #expect((refused.problem["errors"] as? [[String: Any]])?.first?["pointer"] as? String != nil)
            }
            let narrow = try await key(#"{"name":"narrow","scopes":["events:read"],"streams":["a"]}"#, by: limited)
            #expect(narrow.status == .created)
            let narrowSecret = narrow.problem["secret"] as! String
            #expect(try await sluice.send(.get, "/v1/streams/b/events", headers: bearer(narrowSecret)).status == .notFound)

            let soon = RFC3339.format(Date().addingTimeInterval(3600))
            let later = RFC3339.format(Date().addingTimeInterval(7200))
            let expiring = try await key(#"{"name":"expiring","scopes":["admin"],"expiresAt":"\#(soon)"}"#, by: owner.token).problem["secret"] as! String
            #expect(try await key(#"{"name":"forever","scopes":["admin"]}"#, by: expiring).status == .forbidden)
            #expect(try await key(#"{"name":"longer","scopes":["admin"],"expiresAt":"\#(later)"}"#, by: expiring).status == .forbidden)
            #expect(try await key(#"{"name":"shorter","scopes":["events:read"],"expiresAt":"\#(soon)"}"#, by: expiring).status == .created)
        }
    }
}

/// A raw TCP connection for what HTTP clients will not do (send half a request).
struct RawConnection: @unchecked Sendable {
    let socket: Int32

    init(port: Int) throws {
        socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { throw POSIXError(.ECONNREFUSED) }
    }

    func send(_ text: String) { _ = text.withCString { Glibc.send(socket, $0, strlen($0), Int32(MSG_NOSIGNAL)) } }

    /// What arrives within `seconds`: the bytes, or nil once the server has closed.
    /// On a thread of its own: a blocking `recv` on the cooperative pool (two threads on a
    /// two-core machine) would starve the in-process server it waits for.
    func receive(within seconds: Int) async -> (closed: Bool, text: String) {
        await withCheckedContinuation { continuation in
            let socket = socket
            Thread {
                var timeout = timeval(tv_sec: seconds, tv_usec: 0)
                setsockopt(socket, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
                var buffer = [UInt8](repeating: 0, count: 4096)
                let count = recv(socket, &buffer, buffer.count, 0)
                if count == 0 { return continuation.resume(returning: (true, "")) }
                if count < 0 { return continuation.resume(returning: (errno == ECONNRESET, "")) }
                continuation.resume(returning: (false, String(decoding: buffer.prefix(count), as: UTF8.self)))
            }.start()
        }
    }

    func close() { Glibc.close(socket) }
}

@Suite("Connections: no caller holds the server")
struct ConnectionTests {
    func withLiveSluice(_ configure: @escaping (inout SluiceConfiguration) -> Void, _ body: @Sendable (Int) async throws -> Void) async throws {
        var configuration = TestEnvironment.configuration()
        configure(&configuration)
        let app = try await buildApplication(configuration, logger: TestEnvironment.logger)
        try await app.test(.live) { client in try await body(client.port!) }
    }

    @Test("a half-sent header is cut off at the header timeout; a whole request is answered")
    func slowloris() async throws {
        try await withLiveSluice({ $0.connections.headerTimeout = .seconds(1) }) { port in
            let slow = try RawConnection(port: port)
            defer { slow.close() }
            let started = ContinuousClock.now
            slow.send("GET /healthz HTTP/1.1\r\nHost: sluice\r\nX-Slow: ")
            let cut = await slow.receive(within: 10)
            #expect(cut.closed, "the server closed the connection")
            #expect(ContinuousClock.now - started < .seconds(6), "within the header timeout, not the 10 s the test waits")

            let whole = try RawConnection(port: port)
            defer { whole.close() }
            whole.send("GET /healthz HTTP/1.1\r\nHost: sluice\r\n\r\n")
            #expect(await whole.receive(within: 5).text.hasPrefix("HTTP/1.1 200"))
        }
    }

    @Test("past the connection limit, new connections are closed at once; freed places are taken again")
    func connectionLimit() async throws {
        try await withLiveSluice({ $0.connections.maxConnections = 3; $0.connections.headerTimeout = .seconds(30) }) { port in
            var held: [RawConnection] = []
            for _ in 0..<3 { held.append(try RawConnection(port: port)) }
            try await Task.sleep(for: .milliseconds(300))
            let refused = try RawConnection(port: port)
            #expect(await refused.receive(within: 5).closed, "the fourth is closed")
            refused.close()
            for connection in held { connection.close() }
            try await Task.sleep(for: .milliseconds(300))
            let again = try RawConnection(port: port)
            defer { again.close() }
            again.send("GET /healthz HTTP/1.1\r\nHost: sluice\r\n\r\n")
            #expect(await again.receive(within: 5).text.hasPrefix("HTTP/1.1 200"))
        }
    }
}

@Suite("Client addresses: proxies believed only when trusted; signups throttled")
struct ClientAddressTests {
    /// One request over a fresh connection; answers its status code.
    static func status(_ port: Int, _ method: String, _ path: String, body: String, headers: [String] = []) async throws -> Int {
        let connection = try RawConnection(port: port)
        defer { connection.close() }
        let head = ([ "\(method) \(path) HTTP/1.1", "Host: sluice", "Content-Type: application/json", "Content-Length: \(body.utf8.count)",
                      "Connection: close" ] + headers).joined(separator: "\r\n")
        connection.send(head + "\r\n\r\n" + body)
        let answer = await connection.receive(within: 10).text
        return Int(answer.split(separator: " ").dropFirst().first ?? "") ?? 0
    }

    static func wrongLogin() -> String { #"{"email":"nobody-\#(UUID().uuidString.prefix(8))@example.test","password":"wrong password!"}"# }

    @Test("behind a trusted proxy each client is throttled by its own address; from anyone else, X-Forwarded-For is ignored")
    func trustedProxies() async throws {
        try await ConnectionTests().withLiveSluice({
            $0.trustedProxies = [AddressRange("127.0.0.1/32")!]
            $0.loginThrottle.failuresPerIP = 3
        }) { port in
            for _ in 0..<3 {
                let code1 = try await Self.status(port, "POST", "/v1/auth/login", body: Self.wrongLogin(), headers: ["X-Forwarded-For: 203.0.113.7"])
                #expect(code1 == 401)
            }
            let code2 = try await Self.status(port, "POST", "/v1/auth/login", body: Self.wrongLogin(), headers: ["X-Forwarded-For: 203.0.113.7"])
            #expect(code2 == 429)
            // Another client behind the same proxy is not locked out; a spoofed hop before the client's own is not believed.
            let code3 = try await Self.status(port, "POST", "/v1/auth/login", body: Self.wrongLogin(), headers: ["X-Forwarded-For: 198.51.100.9"])
            #expect(code3 == 401)
            let code4 = try await Self.status(port, "POST", "/v1/auth/login", body: Self.wrongLogin(), headers: ["X-Forwarded-For: 198.51.100.1, 203.0.113.7"])
            #expect(code4 == 429)
            let code5 = try await Self.status(port, "POST", "/v1/auth/login", body: Self.wrongLogin(), headers: [#"Forwarded: for="[2001:db8::1]""#])
            #expect(code5 == 401)
        }
        try await ConnectionTests().withLiveSluice({ $0.loginThrottle.failuresPerIP = 3 }) { port in
            for hop in ["192.0.2.1", "192.0.2.2", "192.0.2.3"] {
                let code6 = try await Self.status(port, "POST", "/v1/auth/login", body: Self.wrongLogin(), headers: ["X-Forwarded-For: \(hop)"])
                #expect(code6 == 401)
            }
            let code7 = try await Self.status(port, "POST", "/v1/auth/login", body: Self.wrongLogin(), headers: ["X-Forwarded-For: 192.0.2.4"])
            #expect(code7 == 429)
        }
    }

    @Test("signups are limited per client address")
    func signups() async throws {
        try await ConnectionTests().withLiveSluice({ $0.signupsPerAddress = 2 }) { port in
            func signup() async throws -> Int {
                let body = #"{"email":"new-\#(UUID().uuidString.prefix(8))@example.test","password":"correct horse battery","tenantName":"t"}"#
                return try await Self.status(port, "POST", "/v1/auth/signup", body: body)
            }
            var codes: [Int] = []
            for _ in 0..<3 { codes.append(try await signup()) }
            #expect(codes == [201, 201, 429])
        }
    }
}

@Suite("Refusals are audited, within a bound")
struct RefusalAuditTests {
    @Test("a refused management attempt and a throttled login leave an entry; a flood of refusals leaves at most the bound")
    func refusals() async throws {
        try await withSluice { sluice in
            let owner = try await sluice.signup("refused")
            let viewer = try await sluice.member(of: owner, role: .viewer)
            #expect(try await sluice.send(.post, "/v1/streams", body: #"{"name":"nope"}"#, headers: bearer(viewer.token)).status == .forbidden)
            func entries(_ action: String) async throws -> [[String: Any]] {
                let response = try await sluice.send(.get, "/v1/audit-log?action=\(action)&limit=500", headers: bearer(owner.token))
                return (try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any])?["items"] as? [[String: Any]] ?? []
            }
            let denied = try await entries("access.denied")
            #expect(denied.count == 1)
            #expect((denied.first?["target"] as? [String: Any])?["id"] as? String == "createStream" || denied.first?["targetId"] as? String == "createStream",
                    "\(denied.first ?? [:])")

            for _ in 0..<200 {
                _ = try await sluice.send(.delete, "/v1/streams/whatever", headers: bearer(viewer.token))
            }
            let flood = try await entries("access.denied")
            // 60 a minute per tenant and kind (120 if the flood straddles a minute's end), of 201.
            #expect(flood.count >= 30 && flood.count <= 120, "bounded: \(flood.count)")

            let wrong = #"{"email":"\#(owner.email)","password":"wrong password!"}"#
            for _ in 0..<7 { _ = try await sluice.send(.post, "/v1/auth/login", body: wrong) }
            #expect(try await entries("auth.login.throttled").count >= 1)
        }
    }
}

@Suite("Members join by consent")
struct InvitationTests {
    @Test("adding a member is always an invitation, answered alike for known and unknown emails; the known user joins only by accepting")
    func noAccountOracle() async throws {
        try await withSluice { sluice in
            let owner = try await sluice.signup("inviter")
            let known = try await sluice.signup("known")
            let auth = bearer(owner.token)
            let toKnown = try await sluice.send(.post, "/v1/members", body: #"{"email":"\#(known.email)","role":"viewer"}"#, headers: auth)
            let toUnknown = try await sluice.send(.post, "/v1/members", body: #"{"email":"nobody-\#(UUID().uuidString.prefix(6))@example.test","role":"viewer"}"#, headers: auth)
            #expect(toKnown.status == .accepted && toUnknown.status == .accepted)
            #expect(Set(toKnown.problem.keys) == Set(toUnknown.problem.keys))
            let members = try await sluice.api(owner.token).listMembers().ok.body.json.items
            #expect(!members.contains { $0.email == known.email }, "not a member before accepting")
            let login = try await sluice.send(.post, "/v1/auth/login", body: #"{"email":"\#(known.email)","password":"\#(known.password)","tenantId":"\#(owner.tenantID)"}"#)
            #expect(login.status == .unauthorized)
            let token = toKnown.problem["token"] as? String ?? ""
            _ = try await sluice.api(known.token).acceptInvitation(body: .json(.init(token: token))).ok
            #expect(try await sluice.api(owner.token).listMembers().ok.body.json.items.contains { $0.email == known.email })
        }
    }
}
