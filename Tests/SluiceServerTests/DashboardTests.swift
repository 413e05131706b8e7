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
