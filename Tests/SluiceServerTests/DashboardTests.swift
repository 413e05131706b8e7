import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import SluiceClient
import Testing

@testable import SluiceServer

/// The dashboard as a browser without scripts uses it: cookies, forms, redirects. The browser
/// tests (scripts/browser-tests.sh) drive a real Chromium through the same pages.
@Suite("Dashboard")
struct DashboardTests {
    /// A cookie jar and the last page's CSRF token.
    final class Browser: @unchecked Sendable {
        let sluice: Harness
        var cookies: [String: String] = [:]
        var csrf = ""

        init(_ sluice: Harness) { self.sluice = sluice }

        func request(
            _ method: HTTPRequest.Method,
            _ path: String,
            form: [(String, String)]? = nil,
            headers extra: HTTPFields = [:]
        )
            async throws -> TestResponse
        {
            var headers = extra
            if !cookies.isEmpty { headers[.cookie] = cookies.map { "\($0.key)=\($0.value)" }.joined(separator: "; ") }
            var body: ByteBuffer?
            if let form {
                headers[.contentType] = "application/x-www-form-urlencoded"
                body = ByteBuffer(
                    string: form.map { "\(InProcessAPI.percentEncoded($0.0))=\(InProcessAPI.percentEncoded($0.1))" }.joined(separator: "&")
                )
            }
            let response = try await sluice.raw.executeRequest(uri: path, method: method, headers: headers, body: body)
            for cookie in response.headers[values: .setCookie] {
                let pair = cookie.split(separator: ";")[0].split(separator: "=", maxSplits: 1)
                let name = String(pair[0])
                let value = pair.count > 1 ? String(pair[1]) : ""
                if value.isEmpty || cookie.contains("Max-Age=0") { cookies[name] = nil } else { cookies[name] = value }
            }
            let text = String(buffer: response.body)
            if let range = text.range(of: #"name="_csrf" value=""#) {
                csrf = String(text[range.upperBound...].prefix { $0 != "\"" })
            }
            return response
        }

        func signIn(_ account: Account) async throws -> TestResponse {
            _ = try await request(.get, "/dashboard/sign-in")
            return try await request(.post, "/dashboard/sign-in", form: [("_csrf", csrf), ("email", account.email), ("password", account.password)])
        }
    }

    @Test("signing in sets a session cookie that scripts cannot read; pages need it; signing out ends it")
    func signInAndOut() async throws {
        try await withSluice { sluice in
            let owner = try await sluice.signup("dora")
            let browser = Browser(sluice)
            let anonymous = try await browser.request(.get, "/dashboard/streams")
            #expect(anonymous.status == .seeOther)
            #expect(anonymous.headers[.location] == "/dashboard/sign-in?next=%2Fdashboard%2Fstreams")

            let wrong = try await browser.request(.get, "/dashboard/sign-in")
            #expect(wrong.headers[.contentSecurityPolicy]?.contains("script-src 'self'") == true)
            let refused = try await browser.request(
                .post,
                "/dashboard/sign-in",
                form: [("_csrf", browser.csrf), ("email", owner.email), ("password", "not the password at all")]
            )
            #expect(refused.status == .unauthorized)
            #expect(browser.cookies["sluice_session"] == nil)

            let signedIn = try await browser.signIn(owner)
            #expect(signedIn.status == .seeOther)
            let cookie = try #require(signedIn.headers[values: .setCookie].first { $0.hasPrefix("sluice_session=sds_") })
            for attribute in ["HttpOnly", "Secure", "SameSite=Strict", "Path=/dashboard"] { #expect(cookie.contains(attribute), "\(attribute)") }

            let overview = try await browser.request(.get, "/dashboard")
            #expect(overview.status == .ok)
            #expect(String(buffer: overview.body).contains(owner.email))
            let session = try #require(browser.cookies["sluice_session"])

            #expect(try await browser.request(.post, "/dashboard/sign-out", form: [("_csrf", browser.csrf)]).status == .seeOther)
            browser.cookies["sluice_session"] = session
            #expect(try await browser.request(.get, "/dashboard").status == .seeOther, "the ended session's cookie, sent again, opens nothing")
        }
    }

    @Test("an operator's password reset ends the user's dashboard sessions; signing in with the new password opens one")
    func resetEndsSessions() async throws {
        try await withSluice { sluice in
            let account = try await sluice.signup("kim")
            let browser = Browser(sluice)
            _ = try await browser.signIn(account)
            #expect(try await browser.request(.get, "/dashboard").status == .ok)
            let fresh = "a brand new passphrase"
            try await Admin.with(TestEnvironment.configuration(), logger: TestEnvironment.logger) {
                try await $0.setPassword(email: account.email, password: fresh)
            }
            #expect(try await browser.request(.get, "/dashboard").status == .seeOther)
            var renewed = account
            renewed.password = fresh
            _ = try await browser.signIn(renewed)
            #expect(try await browser.request(.get, "/dashboard").status == .ok)
        }
    }

    @Test("a state change needs the session's CSRF token and this origin")
    func forgery() async throws {
        try await withSluice { sluice in
            let owner = try await sluice.signup("erin")
            let browser = Browser(sluice)
            _ = try await browser.signIn(owner)
            _ = try await browser.request(.get, "/dashboard/streams/new")
            let fields = [
                ("name", "forged"), ("partitions", "1"), ("retentionHours", "24"), ("dedupeMinutes", "60"), ("latenessSeconds", "0"),
            ]
            let noToken = try await browser.request(.post, "/dashboard/streams", form: fields)
            #expect(noToken.status == .forbidden)
            let otherSite = try await browser.request(
                .post,
                "/dashboard/streams",
                form: fields + [("_csrf", browser.csrf)],
                headers: [.origin: "https://evil.example", HTTPField.Name("Sec-Fetch-Site")!: "cross-site"]
            )
            #expect(otherSite.status == .forbidden)
            #expect(try await sluice.api(owner.token).getStream(path: .init(stream: "forged")).notFound != nil)

            let created = try await browser.request(.post, "/dashboard/streams", form: fields + [("_csrf", browser.csrf)])
            #expect(created.status == .seeOther)
            #expect(created.headers[.location] == "/dashboard/streams/forged?notice=created")
            #expect(try await sluice.api(owner.token).getStream(path: .init(stream: "forged")).ok.body.json.partitions == 1)
        }
    }

    @Test("a form the API refuses comes back with the API's reasons beside its fields")
    func refusedForm() async throws {
        try await withSluice { sluice in
            let owner = try await sluice.signup("fay")
            let browser = Browser(sluice)
            _ = try await browser.signIn(owner)
            _ = try await browser.request(.get, "/dashboard/streams/new")
            let fields = [("dedupeMinutes", "60"), ("latenessSeconds", "0"), ("retentionHours", "24")]
            let response = try await browser.request(
                .post,
                "/dashboard/streams",
                form: [("_csrf", browser.csrf), ("name", "Not A Name"), ("partitions", "999")] + fields
            )
            #expect(response.status == .badRequest)
            let page = String(buffer: response.body)
            #expect(page.contains("must match the pattern"))
            #expect(page.contains("must be at most 64"))
            #expect(page.contains(#"value="Not A Name""#), "what was typed is kept")
            for huge in ["99999999999999999999", "9223372036854775807"] {
                let refused = try await browser.request(
                    .post,
                    "/dashboard/streams",
                    form: [("_csrf", browser.csrf), ("name", "fine"), ("partitions", huge)] + fields.dropLast() + [("retentionHours", huge)]
                )
                #expect(refused.status == .badRequest, "a number past the bounds or Int's range is refused, not trapped on")
            }
        }
    }

    @Test("a viewer is offered no admin action, and the server refuses one when forced")
    func viewer() async throws {
        try await withSluice { sluice in
            let owner = try await sluice.signup("gus")
            _ = try await sluice.api(owner.token).createStream(body: .json(.init(name: "kept"))).created
            let viewer = try await sluice.member(of: owner, role: .viewer)
            let browser = Browser(sluice)
            _ = try await browser.signIn(viewer)
            // Their own tenant first (they signed up with one): they switch to the owner's.
            _ = try await browser.request(.get, "/dashboard")
            let switched = try await browser.request(.post, "/dashboard/tenant", form: [("_csrf", browser.csrf), ("tenantId", owner.tenantID)])
            #expect(switched.status == .seeOther)
            let streams = String(buffer: try await browser.request(.get, "/dashboard/streams").body)
            #expect(streams.contains("kept"))
            #expect(!streams.contains("New stream"))
            let stream = String(buffer: try await browser.request(.get, "/dashboard/streams/kept").body)
            #expect(!stream.contains("/edit") && !stream.contains("/delete"))
            #expect(!String(buffer: try await browser.request(.get, "/dashboard").body).contains("API keys"))

            let deleted = try await browser.request(.post, "/dashboard/streams/kept/delete", form: [("_csrf", browser.csrf), ("confirm", "kept")])
            #expect(deleted.status == .forbidden)
            #expect(try await sluice.api(owner.token).getStream(path: .init(stream: "kept")).ok != nil)
            #expect(try await browser.request(.get, "/dashboard/api-keys").status == .forbidden)
            let key = try await browser.request(.post, "/dashboard/api-keys", form: [("_csrf", browser.csrf), ("name", "k"), ("scopes", "admin")])
            #expect(key.status == .forbidden)
            let audit = try await sluice.api(owner.token).listAuditLog(query: .init(action: "access.denied")).ok.body.json.items
            #expect(audit.contains { $0.targetId == "deleteStream" }, "the forced action is audited as over the API")
        }
    }

    /// A stream with one of everything the stream's pages show.
    static func furnished(_ sluice: Harness, _ owner: Account) async throws -> String {
        let api = sluice.api(owner.token)
        _ = try await api.createStream(body: .json(.init(name: "full", partitions: 2))).created
        let events = (0..<4).map { Components.Schemas.EventInput(_type: $0 % 2 == 0 ? "a" : "b", key: "k\($0)", data: json("{\"n\":\($0)}")) }
        _ = try await api.ingestBatch(path: .init(stream: "full"), body: .json(.init(events: events))).ok
        _ = try await api.createConsumerGroup(path: .init(stream: "full"), body: .json(.init(name: "g"))).created
        // Bodies as JSON, as a client of any language sends them.
        for (path, body) in [
            ("/v1/streams/full/subscriptions", #"{"name":"hook","url":"https://hooks.example.test/in"}"#),
            ("/v1/streams/full/schemas/a/versions", #"{"schema":{"type":"object","additionalProperties":false}}"#),
            (
                "/v1/streams/full/sources",
                #"{"name":"src","entities":["e1"],"url":"https://api.example.test/{entity}","mapping":{"platform":"youtube","metrics":{"views":"/views"}}}"#
            ),
        ] {
            let response = try await sluice.send(.post, path, body: body, headers: bearer(owner.token))
            #expect(response.status == .created, "\(path): \(String(buffer: response.body))")
        }
        return "full"
    }

    static let streamPages = [
        "", "/tail", "/events", "/events?type=a", "/events/0/0", "/schemas", "/schemas/a", "/consumer-groups", "/consumer-groups/g",
        "/consumer-groups/g?window=7d", "/subscriptions", "/subscriptions/hook", "/sources", "/sources/src", "/analytics",
        "/analytics?range=30d&resolution=1d&by=platform",
    ]

    @Test("every page renders for its tenant's members; a viewer sees no admin action on any and is refused each when forced; a stranger gets 404")
    func everyPage() async throws {
        try await withSluice { sluice in
            let owner = try await sluice.signup("pages")
            let stream = try await Self.furnished(sluice, owner)
            let browser = Browser(sluice)
            _ = try await browser.signIn(owner)
            let base = "/dashboard/streams/\(stream)"
            for page in Self.streamPages.map({ base + $0 }) + [
                "/dashboard/members", "/dashboard/audit", "/dashboard/audit?verify=1", "/dashboard/usage",
            ] {
                let response = try await browser.request(.get, page)
                #expect(response.status == .ok, "\(page): \(response.status)")
                #expect(response.headers[.contentSecurityPolicy] != nil, "\(page)")
            }
            let ownerGroup = String(buffer: try await browser.request(.get, base + "/consumer-groups/g").body)
            #expect(ownerGroup.contains("Show the plan"))
            #expect(String(buffer: try await browser.request(.get, "/dashboard/audit?verify=1").body).contains("The chain is intact"))

            let viewer = try await sluice.member(of: owner, role: .viewer)
            let watcher = Browser(sluice)
            _ = try await watcher.signIn(viewer)
            _ = try await watcher.request(.get, "/dashboard")
            _ = try await watcher.request(.post, "/dashboard/tenant", form: [("_csrf", watcher.csrf), ("tenantId", owner.tenantID)])
            for page in Self.streamPages.map({ base + $0 }) + ["/dashboard/members", "/dashboard/usage"] {
                let response = try await watcher.request(.get, page)
                #expect(response.status == .ok, "\(page): \(response.status)")
                let text = String(buffer: response.body)
                let actions = [
                    "Show the plan", "/rotate\"", "/pause\"", "/resume\"", "dead-letters/", "Register as a new version",
                    #"action="/dashboard/members""#,
                    "/remove\"", "/poll\"",
                ]
                for action in actions {
                    #expect(!text.contains(action), "a viewer is offered \(action) on \(page)")
                }
            }
            #expect(try await watcher.request(.get, "/dashboard/audit").status == .forbidden)
            let forced: [(String, [(String, String)])] = [
                (base + "/subscriptions/hook/pause", []), (base + "/subscriptions/hook/rotate", []),
                (base + "/subscriptions/hook/dead-letters/replay", [("all", "true")]),
                (base + "/subscriptions/hook/dead-letters/purge", [("all", "true")]),
                (base + "/consumer-groups/g/reset/apply", [("to", "earliest")]), (base + "/sources/src/pause", []),
                (base + "/schemas/a", [("schema", "{}"), ("intent", "register")]),
                ("/dashboard/members", [("email", "x@y.test"), ("role", "owner")]),
                ("/dashboard/members/\(owner.userID)/remove", []),
            ]
            for (path, fields) in forced {
                let response = try await watcher.request(.post, path, form: [("_csrf", watcher.csrf)] + fields)
                #expect(response.status == .forbidden, "\(path): \(response.status)")
            }
            let api = sluice.api(owner.token)
            #expect(try await api.describeSubscription(path: .init(stream: stream, subscription: "hook")).ok.body.json.state == .active)
            #expect(try await api.listSchemaVersions(path: .init(stream: stream, eventType: "a")).ok.body.json.items.count == 1)
            #expect(try await api.listMembers().ok.body.json.items.count == 2)

            let stranger = try await sluice.signup("pages-stranger")
            let outsider = Browser(sluice)
            _ = try await outsider.signIn(stranger)
            for page in Self.streamPages.map({ base + $0 }) {
                #expect(try await outsider.request(.get, page).status == .notFound, "\(page)")
            }
            #expect(
                try await outsider.request(.post, base + "/consumer-groups/g/reset", form: [("_csrf", outsider.csrf), ("to", "earliest")]).status
                    == .notFound
            )
        }
    }

    @Test("an offset reset shows the API's plan and moves nothing until applied; a refused value is explained on the page")
    func offsetReset() async throws {
        try await withSluice { sluice in
            let owner = try await sluice.signup("resets")
            let stream = try await Self.furnished(sluice, owner)
            let browser = Browser(sluice)
            _ = try await browser.signIn(owner)
            let group = "/dashboard/streams/\(stream)/consumer-groups/g"
            _ = try await browser.request(.get, group)
            let plan = try await browser.request(.post, group + "/reset", form: [("_csrf", browser.csrf), ("to", "latest")])
            #expect(plan.status == .ok)
            let text = String(buffer: plan.body)
            #expect(text.contains("The plan (nothing moved yet)") && text.contains("Apply the plan"))
            let api = sluice.api(owner.token)
            let before = try await api.describeConsumerGroup(path: .init(stream: stream, group: "g")).ok.body.json
            #expect(before.lag == 4, "the plan moved nothing")
            let applied = try await browser.request(.post, group + "/reset/apply", form: [("_csrf", browser.csrf), ("to", "latest")])
            #expect(applied.status == .seeOther)
            #expect(try await api.describeConsumerGroup(path: .init(stream: stream, group: "g")).ok.body.json.lag == 0)
            let refused = try await browser.request(.post, group + "/reset", form: [("_csrf", browser.csrf), ("to", "shift"), ("value", "many")])
            #expect(refused.status == .badRequest)
            #expect(String(buffer: refused.body).contains("must be a whole number"))
            let past = try await browser.request(
                .post,
                group + "/reset",
                form: [("_csrf", browser.csrf), ("to", "shift"), ("value", "99999999999999999999999")]
            )
            #expect(past.status == .badRequest, "a number past Int's range is refused, not trapped on")
        }
    }

    @Test("dead letters: a cause's replay is counted before it is confirmed; a schema diff shows what changed; a refused schema says why")
    func deadLettersAndSchemas() async throws {
        try await withSluice { sluice in
            let owner = try await sluice.signup("letters")
            let stream = try await Self.furnished(sluice, owner)
            let api = sluice.api(owner.token)
            _ = try await api.registerSchema(
                path: .init(stream: stream, eventType: "a"),
                body: .json(.init(schema: json(#"{"type": "object", "properties": {"n": {"type": "integer"}}, "additionalProperties": false}"#)))
            ).created
            let browser = Browser(sluice)
            _ = try await browser.signIn(owner)
            let schema = "/dashboard/streams/\(stream)/schemas/a"
            let diff = String(buffer: try await browser.request(.get, schema + "?left=1&right=2").body)
            #expect(diff.contains("Version 1 against version 2") && diff.contains(#"class="added""#))
            let refused = try await browser.request(
                .post,
                schema,
                form: [
                    ("_csrf", browser.csrf), ("schema", #"{"type":"object","properties":{"n":{"type":"string"}},"additionalProperties":false}"#),
                    ("intent", "test"),
                ]
            )
            let report = String(buffer: refused.body)
            #expect(refused.status == .ok && report.contains("Not BACKWARD compatible"), "\(report.prefix(300))")
            #expect(report.contains("/properties/n"))
            let notJSON = try await browser.request(.post, schema, form: [("_csrf", browser.csrf), ("schema", "{"), ("intent", "test")])
            #expect(notJSON.status == .badRequest)

            // No dead letters here (the receiver is not reachable from tests): the counted
            // confirmation says 0 and replays nothing.
            let confirm = try await browser.request(
                .get,
                "/dashboard/streams/\(stream)/subscriptions/hook/dead-letters/confirm?action=replay&all=true"
            )
            #expect(confirm.status == .ok && String(buffer: confirm.body).contains("Replay 0 dead letters?"))
            let none = try await browser.request(
                .post,
                "/dashboard/streams/\(stream)/subscriptions/hook/dead-letters/confirm",
                form: [("_csrf", browser.csrf)]
            )
            #expect(none.status == .badRequest, "a selection of nothing is refused")
        }
    }

    @Test("a key's own limits are set from its row, refused past the plan or half filled, and go back to the plan's when emptied")
    func keyLimits() async throws {
        try await withSluice { sluice in
            let owner = try await sluice.signup("limits")
            let key = try await sluice.createKey(owner, scopes: [.events_colon_write])
            let id = key.value1.id
            let browser = Browser(sluice)
            _ = try await browser.signIn(owner)
            _ = try await browser.request(.get, "/dashboard/api-keys")
            let path = "/dashboard/api-keys/\(id)/limits"
            let saved = try await browser.request(.post, path, form: [("_csrf", browser.csrf), ("requestsPerSecond", "5"), ("requestsBurst", "10")])
            #expect(saved.status == .seeOther)
            var limits = try await sluice.api(owner.token).getApiKey(path: .init(keyId: id)).ok.body.json.rateLimits
            #expect(limits?.requests.perSecond == 5 && limits?.requests.burst == 10 && limits?.requests.source == .key)
            #expect(limits?.events.source == .plan)
            let page = String(buffer: try await browser.request(.get, "/dashboard/api-keys").body)
            #expect(page.contains("requests 5/10 (own)"))

            let half = try await browser.request(.post, path, form: [("_csrf", browser.csrf), ("eventsPerSecond", "5")])
            #expect(half.status == .badRequest && String(buffer: half.body).contains("a rate (a number) and a burst"))
            let tooMuch = try await browser.request(.post, path, form: [("_csrf", browser.csrf), ("eventsPerSecond", "1e300"), ("eventsBurst", "5")])
            #expect(tooMuch.status == .badRequest, "past the contract's bound, refused, not trapped on")
            _ = try await browser.request(.post, path, form: [("_csrf", browser.csrf)])
            limits = try await sluice.api(owner.token).getApiKey(path: .init(keyId: id)).ok.body.json.rateLimits
            #expect(limits?.requests.source == .plan, "emptied: the plan's again")

            let viewer = try await sluice.member(of: owner, role: .developer)
            let other = Browser(sluice)
            _ = try await other.signIn(viewer)
            _ = try await other.request(.get, "/dashboard")
            _ = try await other.request(.post, "/dashboard/tenant", form: [("_csrf", other.csrf), ("tenantId", owner.tenantID)])
            let refused = try await other.request(.post, path, form: [("_csrf", other.csrf), ("requestsPerSecond", "1"), ("requestsBurst", "1")])
            #expect(refused.status == .forbidden, "a developer reads keys but may not change their limits")
        }
    }

    @Test("another tenant's stream is 404; a switch to a tenant the user is not in is 404")
    func tenancy() async throws {
        try await withSluice { sluice in
            let owner = try await sluice.signup("hal")
            let other = try await sluice.signup("ida")
            _ = try await sluice.api(other.token).createStream(body: .json(.init(name: "theirs"))).created
            let browser = Browser(sluice)
            _ = try await browser.signIn(owner)
            #expect(try await browser.request(.get, "/dashboard/streams/theirs").status == .notFound)
            _ = try await browser.request(.get, "/dashboard")
            let switched = try await browser.request(.post, "/dashboard/tenant", form: [("_csrf", browser.csrf), ("tenantId", other.tenantID)])
            #expect(switched.status == .notFound)
            #expect(try await browser.request(.get, "/dashboard/streams/theirs").status == .notFound)
        }
    }

    @Test("an API key's secret is shown once, on the answer to the form; a revoked key stops working")
    func apiKeys() async throws {
        try await withSluice { sluice in
            let owner = try await sluice.signup("jo")
            let browser = Browser(sluice)
            _ = try await browser.signIn(owner)
            _ = try await browser.request(.get, "/dashboard/api-keys")
            let created = try await browser.request(
                .post,
                "/dashboard/api-keys",
                form: [("_csrf", browser.csrf), ("name", "producer"), ("scopes", "events:write")]
            )
            #expect(created.status == .created)
            let page = String(buffer: created.body)
            let secret = try #require(page.range(of: #"value="sk_live_"#).map { "sk_live_" + page[$0.upperBound...].prefix { $0 != "\"" } })
            #expect(try await sluice.api(secret).getMe().ok != nil)
            #expect(!String(buffer: try await browser.request(.get, "/dashboard/api-keys").body).contains(secret))

            let keys = try await sluice.api(owner.token).listApiKeys().ok.body.json.items
            let id = try #require(keys.first { $0.name == "producer" }?.id)
            #expect(try await browser.request(.post, "/dashboard/api-keys/\(id)/revoke", form: [("_csrf", browser.csrf)]).status == .seeOther)
            #expect(try await sluice.api(secret).getMe().unauthorized != nil)
        }
    }

    @Test("SLUICE_DASHBOARD=false serves no page")
    func turnedOff() async throws {
        try await withSluice({ $0.dashboard.enabled = false }) { sluice in
            for path in ["/dashboard", "/dashboard/sign-in"] {
                let status = try await sluice.send(.get, path).status
                #expect(status == .notFound, "\(path)")
            }
        }
    }

    @Test("browser files are served under their digest, kept a year")
    func assets() async throws {
        try await withSluice { sluice in
            let page = String(buffer: try await sluice.send(.get, "/dashboard/sign-in").body)
            let path = try #require(page.range(of: #"/dashboard/assets/htmx.min.js?v="#).map { page[$0.lowerBound...].prefix { $0 != "\"" } })
            let asset = try await sluice.send(.get, String(path))
            #expect(asset.status == .ok)
            #expect(asset.headers[.cacheControl] == "public, max-age=31536000, immutable")
            #expect(asset.headers[.contentType] == "text/javascript; charset=utf-8")
            #expect(try await sluice.send(.get, "/dashboard/assets/nothing.js").status == .notFound)
        }
    }
}
