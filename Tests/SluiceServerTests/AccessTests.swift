import Foundation
import HTTPTypes
import HummingbirdTesting
import PostgresNIO
import SluiceClient
import Testing

@testable import SluiceCore
@testable import SluiceDatabase
@testable import SluiceServer

@Suite("RBAC, members and API keys")
struct AccessTests {
    @Test("a viewer cannot do admin things")
    func viewerIsRefused() async throws {
        try await withSluice { sluice in
            let owner = try await sluice.signup("olga")
            let viewer = try await sluice.member(of: owner, role: .viewer)
            let attempts: [(HTTPRequest.Method, String, String?)] = [
                (.post, "/v1/api-keys", #"{"name":"k","scopes":["admin"]}"#),
                (.post, "/v1/members", #"{"email":"x@example.test","role":"admin"}"#),
                (.patch, "/v1/members/\(owner.userID)", #"{"role":"viewer"}"#),
                (.delete, "/v1/members/\(owner.userID)", nil),
                (.get, "/v1/audit-log", nil),
                (.get, "/v1/api-keys", nil),
            ]
            for (method, uri, body) in attempts {
                let response = try await sluice.send(method, uri, body: body, headers: bearer(viewer.token))
                #expect(response.status == .forbidden, "\(method) \(uri)")
            }
            #expect(try await sluice.send(.get, "/v1/members", headers: bearer(viewer.token)).status == .ok)
        }
    }

    @Test("an admin cannot make or unmake owners; the last owner cannot leave or be demoted")
    func ownersAndLastOwner() async throws {
        try await withSluice { sluice in
            let owner = try await sluice.signup("paula")
            let admin = try await sluice.member(of: owner, role: .admin)
            let promote = try await sluice.send(.patch, "/v1/members/\(admin.userID)", body: #"{"role":"owner"}"#, headers: bearer(admin.token))
            #expect(promote.status == .forbidden)
            let demoteOwner = try await sluice.send(.patch, "/v1/members/\(owner.userID)", body: #"{"role":"viewer"}"#, headers: bearer(admin.token))
            #expect(demoteOwner.status == .forbidden)

            let demoteSelf = try await sluice.send(.patch, "/v1/members/\(owner.userID)", body: #"{"role":"admin"}"#, headers: bearer(owner.token))
            #expect(demoteSelf.status == .conflict)
            #expect(demoteSelf.problem["type"] as? String == "https://sluice.dev/problems/last-owner")
            let removeSelf = try await sluice.send(.delete, "/v1/members/\(owner.userID)", headers: bearer(owner.token))
            #expect(removeSelf.status == .conflict)

            // With a second owner, the first may step down.
            _ = try await sluice.api(owner.token).updateMember(path: .init(userId: admin.userID), body: .json(.init(role: .owner))).ok
            let stepDown = try await sluice.api(owner.token).updateMember(path: .init(userId: owner.userID), body: .json(.init(role: .admin))).ok
            #expect(try stepDown.body.json.role == .admin)
            let changes = try await sluice.api(admin.token).listAuditLog(query: .init(action: "member.role.changed")).ok.body.json
            #expect(changes.items.count == 2)
        }
    }

    @Test("a removed member loses access at once, tokens and all")
    func removal() async throws {
        try await withSluice { sluice in
            let owner = try await sluice.signup("quinn")
            let member = try await sluice.member(of: owner, role: .developer)
            _ = try await sluice.api(owner.token).removeMember(path: .init(userId: member.userID)).noContent
            #expect(try await sluice.send(.get, "/v1/members", headers: bearer(member.token)).status == .unauthorized)
            let refresh = try await sluice.send(.post, "/v1/auth/refresh", body: #"{"refreshToken":"\#(member.tokens.refreshToken)"}"#)
            #expect(refresh.status == .unauthorized)
        }
    }

    @Test("an unknown email is invited; the invitee accepts with their own account")
    func invitations() async throws {
        try await withSluice { sluice in
            let owner = try await sluice.signup("rita")
            let email = "invitee-\(UUID().uuidString.prefix(8).lowercased())@example.test"
            let invited = try await sluice.api(owner.token).addMember(body: .json(.init(email: email, role: .developer))).accepted.body.json
            #expect(invited.value2.token.hasPrefix("sinv_"))
            let pending = try await sluice.api(owner.token).listInvitations().ok.body.json
            #expect(pending.items.map(\.email) == [email])

            // Someone else cannot use the token.
            let other = try await sluice.signup("mallory")
            let stolen = try await sluice.send(
                .post,
                "/v1/invitations/accept",
                body: #"{"token":"\#(invited.value2.token)"}"#,
                headers: bearer(other.token)
            )
            #expect(stolen.status == .forbidden)

            let signup = try await sluice.api().signup(body: .json(.init(email: email, password: "invitee password!", tenantName: "own"))).created
                .body.json
            let joined = try await sluice.api(signup.tokens.accessToken).acceptInvitation(body: .json(.init(token: invited.value2.token))).ok.body
                .json
            #expect(joined.tenantId == owner.tenantID)
            #expect(joined.role == .developer)
            let again = try await sluice.send(
                .post,
                "/v1/invitations/accept",
                body: #"{"token":"\#(invited.value2.token)"}"#,
                headers: bearer(signup.tokens.accessToken)
            )
            #expect(again.status == .notFound)
        }
    }

    @Test("API keys: shown once, listed without secret, scoped, revoked on the very next request")
    func apiKeys() async throws {
        try await withSluice { sluice in
            let owner = try await sluice.signup("sam")
            let created = try await sluice.createKey(owner, scopes: [.events_colon_write], streams: ["clicks"])
            let secret = created.value2.secret
            #expect(secret.hasPrefix("sk_live_"))
            #expect(secret.count == 51)
            #expect(created.value1.prefix == String(secret.prefix(12)))

            let listed = try await sluice.api(owner.token).listApiKeys().ok.body.json
            let key = try #require(listed.items.first { $0.id == created.value1.id })
            #expect(key.streams == ["clicks"])
            #expect(key.createdBy._type == .user && key.createdBy.id == owner.userID)
            let rawList = try await sluice.send(.get, "/v1/api-keys", headers: bearer(owner.token))
            #expect(!String(buffer: rawList.body).contains(secret))

            // The key works, within its scopes.
            let me = try await sluice.api(secret).getMe().ok.body.json
            #expect(me.principal._type == .apiKey)
            #expect(try await sluice.send(.get, "/v1/api-keys", headers: bearer(secret)).status == .forbidden)
            #expect(try await sluice.send(.get, "/v1/audit-log", headers: bearer(secret)).status == .forbidden)
            let identity = try #require(await identityOf(secret))
            #expect(identity.mayAccess(stream: "clicks"))
            #expect(!identity.mayAccess(stream: "payments"))

            // Only a hash is stored.
            let tail = String(secret.suffix(20))
            let (inClear, hashed) = try await asSuperuser { client in
                let rows = try await client.query(
                    """
                    SELECT count(*) FILTER (WHERE api_keys::text LIKE '%' || \(tail) || '%'),
                           count(*) FILTER (WHERE key_hash = sha256(convert_to(\(secret), 'UTF8')))
                    FROM api_keys
                    """
                )
                for try await row in rows.decode((Int, Int).self) { return row }
                return (-1, -1)
            }
            #expect(inClear == 0)
            #expect(hashed == 1)

            _ = try await sluice.api(owner.token).revokeApiKey(path: .init(keyId: created.value1.id)).noContent
            let after = try await sluice.send(.get, "/v1/me", headers: bearer(secret))
            #expect(after.status == .unauthorized)
            #expect(after.problem["detail"] as? String == "The API key was revoked.")
            let audit = try await sluice.api(owner.token).listAuditLog(query: .init(action: "apikey.*")).ok.body.json
            #expect(audit.items.map(\.action) == ["apikey.revoked", "apikey.created"])
        }
    }

    @Test("an expired key is refused")
    func expiredKey() async throws {
        try await withSluice { sluice in
            let owner = try await sluice.signup("tess")
            let created = try await sluice.createKey(owner, scopes: [.events_colon_read])
            let id = created.value1.id
            try await asSuperuser { client in
                try await client.query("UPDATE api_keys SET expires_at = now() - interval '1 minute' WHERE id = \(UUID(uuidString: id)!)")
            }
            let response = try await sluice.send(.get, "/v1/me", headers: bearer(created.value2.secret))
            #expect(response.status == .unauthorized)
            #expect(response.problem["detail"] as? String == "The API key has expired.")
            let past = try await sluice.send(
                .post,
                "/v1/api-keys",
                body: #"{"name":"old","scopes":["admin"],"expiresAt":"2020-01-01T00:00:00Z"}"#,
                headers: bearer(owner.token)
            )
            #expect(past.status == .badRequest)
        }
    }

    @Test("another tenant's resources are 404 on every resource endpoint")
    func crossTenant() async throws {
        try await withSluice { sluice in
            let victim = try await sluice.signup("victim")
            let victimMember = try await sluice.member(of: victim, role: .viewer)
            let key = try await sluice.createKey(victim, scopes: [.admin])
            let invitation = try await sluice.api(victim.token).addMember(body: .json(.init(email: "someone-\(UUID())@example.test", role: .viewer)))
                .accepted.body.json.value1
            let attacker = try await sluice.signup("attacker")
            let attackerKey = try await sluice.createKey(attacker, scopes: [.admin])

            for credential in [attacker.token, attackerKey.value2.secret] {
                let attempts: [(HTTPRequest.Method, String, String?)] = [
                    (.get, "/v1/api-keys/\(key.value1.id)", nil),
                    (.delete, "/v1/api-keys/\(key.value1.id)", nil),
                    (.patch, "/v1/members/\(victimMember.userID)", #"{"role":"viewer"}"#),
                    (.delete, "/v1/members/\(victimMember.userID)", nil),
                    (.delete, "/v1/invitations/\(invitation.id)", nil),
                ]
                for (method, uri, body) in attempts {
                    let response = try await sluice.send(method, uri, body: body, headers: bearer(credential))
                    // Keys may not manage members or invitations at all (403 before any lookup); all else is 404.
                    let expected: HTTPResponse.Status = credential.hasPrefix("sk_") && !uri.hasPrefix("/v1/api-keys") ? .forbidden : .notFound
                    #expect(response.status == expected, "\(method) \(uri)")
                }
            }
            // Nothing changed in the victim's tenant.
            #expect(try await sluice.api(victim.token).getApiKey(path: .init(keyId: key.value1.id)).ok.body.json.revokedAt == nil)
            #expect(try await sluice.api(victim.token).listMembers().ok.body.json.items.count == 2)
            #expect(try await sluice.api(victim.token).listInvitations().ok.body.json.items.count == 1)
            // The attacker's own lists show nothing of the victim's.
            let keys = try await sluice.api(attacker.token).listApiKeys().ok.body.json.items.map(\.id)
            #expect(!keys.contains(key.value1.id))
            let audit = try await sluice.api(attacker.token).listAuditLog(query: .init()).ok.body.json.items
            #expect(audit.allSatisfy { $0.targetId != key.value1.id })
        }
    }
}

/// The identity an API key resolves to, through the service the middleware uses.
func identityOf(_ secret: String) async throws -> Identity? {
    try await asSuperuser { pool in
        let client = pool.database
        return try await ApiKeyService(
            client: client,
            logger: TestEnvironment.logger,
            audit: AuditLog(client: client, logger: TestEnvironment.logger, keys: TestEnvironment.configuration().auditKeyring())
        )
        .authenticate(secret: secret)
    }
}
