import Foundation
import HTTPTypes
import HummingbirdTesting
import JWTKit
import SluiceClient
import Testing

@testable import SluiceCore
@testable import SluiceServer

func bearer(_ token: String) -> HTTPFields {
    var headers = HTTPFields()
    headers[.authorization] = "Bearer \(token)"
    return headers
}

@Suite("Signup, login and tokens")
struct AuthTests {
    @Test("signup makes an owner of a new tenant, and the access token works")
    func signupAndMe() async throws {
        try await withSluice { sluice in
            let account = try await sluice.signup("alice")
            #expect(account.tokens.role == .owner)
            let me = try await sluice.api(account.token).getMe().ok.body.json
            #expect(me.tenant.id == account.tenantID)
            #expect(me.role == .owner)
            #expect(me.principal._type == .user)
            #expect(me.permissions.contains("owners:manage"))
        }
    }

    @Test("signup refuses a taken email, a short password and a bad email")
    func signupRefusals() async throws {
        try await withSluice { sluice in
            let account = try await sluice.signup("bob")
            let taken = try await sluice.send(
                .post,
                "/v1/auth/signup",
                body: #"{"email":"\#(account.email.uppercased())","password":"another long password","tenantName":"x"}"#
            )
            #expect(taken.status == .conflict)
            #expect(taken.headers[.contentType] == "application/problem+json")
            let short = try await sluice.send(.post, "/v1/auth/signup", body: #"{"email":"s@example.test","password":"short","tenantName":"x"}"#)
            #expect(short.status == .badRequest)
            #expect((short.problem["errors"] as? [[String: String]])?.first?["pointer"] == "/password")
            let bad = try await sluice.send(.post, "/v1/auth/signup", body: #"{"email":"nope","password":"long enough password","tenantName":"x"}"#)
            #expect(bad.status == .badRequest)
        }
    }

    @Test("a wrong password is refused, audited, and repeated failures are throttled")
    func wrongPasswordAndThrottle() async throws {
        try await withSluice({ $0.loginThrottle.failuresPerAccount = 3 }) { sluice in
            let account = try await sluice.signup("carol")
            for _ in 0..<3 {
                let response = try await sluice.send(.post, "/v1/auth/login", body: #"{"email":"\#(account.email)","password":"wrong password!"}"#)
                #expect(response.status == .unauthorized)
            }
            // Even the right password is refused while the account is throttled.
            let throttled = try await sluice.send(.post, "/v1/auth/login", body: #"{"email":"\#(account.email)","password":"\#(account.password)"}"#)
            #expect(throttled.status == .tooManyRequests)
            #expect(Int(throttled.headers[.retryAfter] ?? "") ?? 0 > 0)
            #expect(throttled.problem["type"] as? String == "https://sluice.dev/problems/login-throttled")

            let failures = try await sluice.api(account.token).listAuditLog(query: .init(action: "auth.login.failed")).ok.body.json
            #expect(failures.items.count == 3)
        }
    }

    @Test("an unknown email is refused like a wrong password")
    func unknownEmail() async throws {
        try await withSluice { sluice in
            let response = try await sluice.send(.post, "/v1/auth/login", body: #"{"email":"nobody@example.test","password":"whatever password"}"#)
            #expect(response.status == .unauthorized)
            #expect(response.problem["detail"] as? String == "The email or the password is wrong.")
        }
    }

    @Test("expired, forged, alg-none, wrong-kid and garbage tokens are refused")
    func badTokens() async throws {
        try await withSluice { sluice in
            let account = try await sluice.signup("dave")
            let tokens = try await AccessTokens(configuration: .init(keys: [TestEnvironment.jwtKey], signingKeyID: TestEnvironment.jwtKey.id))
            let userID = UUID(uuidString: account.userID)!
            let tenantID = UUID(uuidString: account.tenantID)!

            let expired = try await tokens.issue(userID: userID, tenantID: tenantID, role: .owner, now: Date().addingTimeInterval(-3600))
            let forger = try await AccessTokens(
                configuration: .init(
                    keys: [.init(id: TestEnvironment.jwtKey.id, secret: Array(repeating: 7, count: 32))],
                    signingKeyID: TestEnvironment.jwtKey.id
                )
            )
            let forged = try await forger.issue(userID: userID, tenantID: tenantID, role: .owner)
            let otherKid = try await AccessTokens(
                configuration: .init(
                    keys: [.init(id: "unknown-kid", secret: TestEnvironment.jwtKey.secret)],
                    signingKeyID: "unknown-kid"
                )
            )
            let wrongKid = try await otherKid.issue(userID: userID, tenantID: tenantID, role: .owner)
            // alg none: the valid token's payload, an unsigned header.
            let payload = account.token.split(separator: ".")[1]
            let noneHeader = Data(#"{"alg":"none","kid":"test-1","typ":"JWT"}"#.utf8).base64EncodedString()
                .replacingOccurrences(of: "=", with: "").replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            let algNone = "\(noneHeader).\(payload)."

            for (name, token) in [
                ("expired", expired), ("forged", forged), ("wrong kid", wrongKid), ("alg none", algNone), ("garbage", "abc.def.ghi"),
            ] {
                let response = try await sluice.send(.get, "/v1/me", headers: bearer(token))
                #expect(response.status == .unauthorized, "\(name) token was not refused")
            }
            let expiredResponse = try await sluice.send(.get, "/v1/me", headers: bearer(expired))
            #expect(expiredResponse.problem["detail"] as? String == "The access token has expired.")
            #expect(try await sluice.send(.get, "/v1/me", headers: bearer(account.token)).status == .ok)
        }
    }

    @Test("tokens signed with an older configured key still verify after rotation")
    func keyRotation() async throws {
        let old = TestEnvironment.jwtKey
        let new = AccessTokens.Key(id: "test-2", secret: Array("a brand new secret of thirty-two bytes!".utf8))
        let account = try await withSluice { try await $0.signup("rotator") }
        try await withSluice({
            $0.jwtKeys = [new, old]
            $0.jwtSigningKeyID = new.id
        }) { sluice in
            #expect(try await sluice.send(.get, "/v1/me", headers: bearer(account.token)).status == .ok)
            let fresh = try await sluice.api().login(body: .json(.init(email: account.email, password: account.password))).ok.body.json
            let header = String(fresh.accessToken.split(separator: ".")[0])
            let decoded = String(decoding: Data(base64URLEncoded: header) ?? Data(), as: UTF8.self)
            #expect(decoded.contains("\"kid\":\"test-2\""))
        }
    }

    @Test("refresh rotates; reusing a rotated token revokes the whole family; logout revokes")
    func refreshRotationAndReuse() async throws {
        try await withSluice { sluice in
            let account = try await sluice.signup("erin")
            let first = account.tokens.refreshToken
            let second = try await sluice.api().refreshToken(body: .json(.init(refreshToken: first))).ok.body.json
            #expect(second.refreshToken != first)
            let third = try await sluice.api().refreshToken(body: .json(.init(refreshToken: second.refreshToken))).ok.body.json

            // A thief replays the first token: refused, and the family dies.
            let replay = try await sluice.send(.post, "/v1/auth/refresh", body: #"{"refreshToken":"\#(first)"}"#)
            #expect(replay.status == .unauthorized)
            let afterReuse = try await sluice.send(.post, "/v1/auth/refresh", body: #"{"refreshToken":"\#(third.refreshToken)"}"#)
            #expect(afterReuse.status == .unauthorized)
            let reused = try await sluice.api(account.token).listAuditLog(query: .init(action: "auth.refresh.reused")).ok.body.json
            #expect(reused.items.count == 1)

            // Logout: a fresh session's refresh token stops working.
            let session = try await sluice.api().login(body: .json(.init(email: account.email, password: account.password))).ok.body.json
            _ = try await sluice.api().logout(body: .json(.init(refreshToken: session.refreshToken))).noContent
            let afterLogout = try await sluice.send(.post, "/v1/auth/refresh", body: #"{"refreshToken":"\#(session.refreshToken)"}"#)
            #expect(afterLogout.status == .unauthorized)
        }
    }

    @Test("a user in two tenants picks one per token")
    func multipleTenants() async throws {
        try await withSluice { sluice in
            let owner = try await sluice.signup("frank")
            let member = try await sluice.member(of: owner, role: .viewer)
            // The member also owns a tenant of their own (made at signup).
            let me = try await sluice.api(member.token).getMe().ok.body.json
            #expect(me.memberships?.count == 2)
            #expect(me.role == .viewer)
            let own = try #require(me.memberships?.first { $0.role == .owner })
            let switched = try await sluice.api(member.token).switchTenant(body: .json(.init(tenantId: own.tenant.id))).ok.body.json
            #expect(switched.role == .owner)
            #expect(switched.tenantId == own.tenant.id)
            // Switching to a tenant one is not a member of is 404.
            let stranger = try await sluice.signup("stranger")
            let refused = try await sluice.send(
                .post,
                "/v1/auth/switch-tenant",
                body: #"{"tenantId":"\#(stranger.tenantID)"}"#,
                headers: bearer(member.token)
            )
            #expect(refused.status == .notFound)
        }
    }

    @Test("an operator's password reset ends the user's sessions: access and refresh tokens refused, the new password works")
    func resetEndsSessions() async throws {
        try await withSluice { sluice in
            let account = try await sluice.signup("reset")
            #expect(try await sluice.send(.get, "/v1/me", headers: bearer(account.token)).status == .ok)
            // A second later, so that the old token's issue time (whole seconds) is before the reset.
            try await Task.sleep(for: .milliseconds(1100))
            let fresh = "a brand new passphrase"
            try await Admin.with(TestEnvironment.configuration(), logger: TestEnvironment.logger) {
                try await $0.setPassword(email: account.email, password: fresh)
            }
            #expect(try await sluice.send(.get, "/v1/me", headers: bearer(account.token)).status == .unauthorized)
            let refresh = try await sluice.send(.post, "/v1/auth/refresh", body: #"{"refreshToken":"\#(account.tokens.refreshToken)"}"#)
            #expect(refresh.status == .unauthorized)
            let login = try await sluice.api().login(body: .json(.init(email: account.email, password: fresh))).ok.body.json
            #expect(try await sluice.send(.get, "/v1/me", headers: bearer(login.accessToken)).status == .ok)
        }
    }
}
