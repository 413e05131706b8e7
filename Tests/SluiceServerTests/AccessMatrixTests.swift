import Foundation
import Glibc
import HTTPTypes
import HummingbirdTesting
import NIOCore
import SluiceAPI
import Testing

@testable import SluiceCore
@testable import SluiceJSON
@testable import SluiceServer

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
                    let invited = try await sluice.send(
                        .post,
                        "/v1/members",
                        body: #"{"email":"\#(user.email)","role":"\#(role)"}"#,
                        headers: bearer(ownerToken)
                    )
                    let invitation = invited.problem["token"] as? String ?? ""
                    token = try await sluice.api(user.token).acceptInvitation(body: .json(.init(token: invitation))).ok.body.json.accessToken
                case .eventsWrite, .eventsRead, .streamsManage, .adminKey:
                    let scope =
                        credential == .eventsWrite
                        ? "events:write"
                        : credential == .eventsRead
                            ? "events:read"
                            : credential == .streamsManage ? "streams:manage" : "admin"
                    let created = try await sluice.send(
                        .post,
                        "/v1/api-keys",
                        body: #"{"name":"m","scopes":["\#(scope)"]}"#,
                        headers: bearer(ownerToken)
                    )
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
                    let allowed =
                        switch entry.access {
                        case .authenticated: true
                        case .member: credential.isMember
                        case .permission(let permission): credential.permissions.contains(permission)
                        }
                    var body = operation.body.map { sweep.sample($0) }
                    if operation.id == "addMember" || operation.id == "updateMember" {
                        body = .object(["email": .string("someone-\(UUID().uuidString.prefix(6))@example.test"), "role": "viewer"])
                    }
                    // A live feed of one tick and a tail of a second, not their defaults.
                    let query = operation.id == "getAnalyticsLive" ? "ticks=1" : operation.id == "tailEvents" ? "seconds=1" : ""
                    let response = try await sluice.send(
                        operation.method,
                        HardeningTests.uri(operation.path, path, query: query),
                        body: body?.jsonText,
                        headers: bearer(token)
                    )
                    if allowed ? (response.status == .forbidden || response.status == .unauthorized) : response.status != .forbidden {
                        mismatches.append(
                            "\(credential) \(operation.id): \(response.status.code), the table says \(allowed ? "allowed" : "denied") \(String(buffer: response.body).prefix(160))"
                        )
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
            // A key limited to streams holds nothing tenant-wide: no keys, no audit log, whatever its scopes.
            let limited = try await key(#"{"name":"limited","scopes":["admin"],"streams":["a"]}"#, by: owner.token).problem["secret"] as! String
            for body in [#"{"name":"wide","scopes":["admin"]}"#, #"{"name":"narrow","scopes":["events:read"],"streams":["a"]}"#] {
                #expect(try await key(body, by: limited).status == .forbidden, "\(body)")
            }
            for uri in ["/v1/api-keys", "/v1/audit-log", "/v1/members", "/v1/usage"] {
                #expect(try await sluice.send(.get, uri, headers: bearer(limited)).status == .forbidden, "\(uri)")
            }
            #expect(try await sluice.send(.get, "/v1/streams/a/events", headers: bearer(limited)).status == .ok)
            #expect(try await sluice.send(.get, "/v1/streams/b/events", headers: bearer(limited)).status == .notFound)
            // An unlimited admin key makes keys no wider than itself: a stream limit, a scope it has.
            let admin = try await key(#"{"name":"admin","scopes":["admin"]}"#, by: owner.token).problem["secret"] as! String
            let narrow = try await key(#"{"name":"narrow","scopes":["events:read"],"streams":["a"]}"#, by: admin)
            #expect(narrow.status == .created)

            let soon = RFC3339.format(Date().addingTimeInterval(3600))
            let later = RFC3339.format(Date().addingTimeInterval(7200))
            let expiring =
                try await key(#"{"name":"expiring","scopes":["admin"],"expiresAt":"\#(soon)"}"#, by: owner.token).problem["secret"] as! String
            #expect(try await key(#"{"name":"forever","scopes":["admin"]}"#, by: expiring).status == .forbidden)
            #expect(try await key(#"{"name":"longer","scopes":["admin"],"expiresAt":"\#(later)"}"#, by: expiring).status == .forbidden)
            #expect(try await key(#"{"name":"shorter","scopes":["events:read"],"expiresAt":"\#(soon)"}"#, by: expiring).status == .created)
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
            #expect(
                (denied.first?["target"] as? [String: Any])?["id"] as? String == "createStream"
                    || denied.first?["targetId"] as? String == "createStream",
                "\(denied.first ?? [:])"
            )

            // A handler's own refusal (only an owner makes owners) is audited too.
            let admin = try await sluice.member(of: owner, role: .admin)
            #expect(
                try await sluice.send(.patch, "/v1/members/\(viewer.userID)", body: #"{"role":"owner"}"#, headers: bearer(admin.token)).status
                    == .forbidden
            )
            #expect(try await entries("access.denied").contains { "\($0)".contains("updateMember") }, "the handler's 403")

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
            let toUnknown = try await sluice.send(
                .post,
                "/v1/members",
                body: #"{"email":"nobody-\#(UUID().uuidString.prefix(6))@example.test","role":"viewer"}"#,
                headers: auth
            )
            #expect(toKnown.status == .accepted && toUnknown.status == .accepted)
            #expect(Set(toKnown.problem.keys) == Set(toUnknown.problem.keys))
            let members = try await sluice.api(owner.token).listMembers().ok.body.json.items
            #expect(!members.contains { $0.email == known.email }, "not a member before accepting")
            let login = try await sluice.send(
                .post,
                "/v1/auth/login",
                body: #"{"email":"\#(known.email)","password":"\#(known.password)","tenantId":"\#(owner.tenantID)"}"#
            )
            #expect(login.status == .unauthorized)
            let token = toKnown.problem["token"] as? String ?? ""
            _ = try await sluice.api(known.token).acceptInvitation(body: .json(.init(token: token))).ok
            #expect(try await sluice.api(owner.token).listMembers().ok.body.json.items.contains { $0.email == known.email })
        }
    }
}
