import Foundation
import Hummingbird
import SluiceCore
import SluiceDashboard
import SluiceJSON

/// The tenant's pages: members and invitations, the audit log (filters, pages, the chain
/// verified), and usage against the plan's quota.
extension DashboardRoutes {
    func registerTenant(on pages: RouterGroup<Context>) {
        pages.get("members") { request, context in await guarded(request, context) { try await membersPage(request, context: context) } }
        pages.post("members") { request, context in
            await guarded(request, context) {
                var request = request
                let form = try await Self.form(&request, context: context)
                do {
                    let invitation = try await api.call(
                        "addMember",
                        body: ["email": .string(form["email"] ?? ""), "role": .string(form["role"] ?? "viewer")],
                        context: context
                    )
                    return try await membersPage(request, context: context, invitation: invitation)
                } catch let problem as SluiceError where [.badRequest, .conflict].contains(problem.status) {
                    return try await membersPage(request, context: context, problem: problem)
                }
            }
        }
        pages.post("members/:userId/role") { request, context in
            await guarded(request, context) {
                var request = request
                let form = try await Self.form(&request, context: context)
                let id = try context.parameters.require("userId")
                do {
                    _ = try await api.call("updateMember", path: ["userId": id], body: ["role": .string(form["role"] ?? "")], context: context)
                } catch let problem as SluiceError where [.badRequest, .conflict].contains(problem.status) {
                    return try await membersPage(request, context: context, problem: problem)
                }
                return Self.redirect("/dashboard/members?notice=role", request: request)
            }
        }
        pages.post("members/:userId/remove") { request, context in
            await guarded(request, context) {
                do {
                    _ = try await api.call("removeMember", path: ["userId": try context.parameters.require("userId")], context: context)
                } catch let problem as SluiceError where [.badRequest, .conflict].contains(problem.status) {
                    return try await membersPage(request, context: context, problem: problem)
                }
                return Self.redirect("/dashboard/members?notice=removed", request: request)
            }
        }
        pages.post("invitations/:invitationId/revoke") { request, context in
            await guarded(request, context) {
                _ = try await api.call("revokeInvitation", path: ["invitationId": try context.parameters.require("invitationId")], context: context)
                return Self.redirect("/dashboard/members?notice=revoked", request: request)
            }
        }
        pages.get("audit") { request, context in await guarded(request, context) { try await auditPage(request, context: context) } }
        pages.get("usage") { request, context in await guarded(request, context) { try await usagePage(context: context) } }
    }

    static let roles = ["viewer", "developer", "admin", "owner"]

    func membersPage(_ request: Request, context: Context, invitation: JSONValue? = nil, problem: SluiceError? = nil) async throws -> Response {
        let members = try await api.call("listMembers", context: context)["items"]?.arrayValue ?? []
        let canManage = context.identity?.permissions.contains(.membersManage) == true
        let invitations = canManage ? try await api.call("listInvitations", context: context)["items"]?.arrayValue ?? [] : []
        let me = context.identity.flatMap { identity -> String? in
            if case .user(let id, _, _) = identity.actor { return id.lowercased }
            return nil
        }
        var values: [String: Any] = [:]
        values["members"] = members.map { member -> [String: Any] in
            let role = member["role"]?.stringValue ?? ""
            let id = member["userId"]?.stringValue ?? ""
            return [
                "id": id, "email": member["email"]?.stringValue ?? "", "name": member["name"]?.stringValue ?? "", "role": role,
                "joinedAt": Presentation.time(member["joinedAt"]?.stringValue), "me": id == me,
                "roles": Self.roles.map { ["value": $0, "selected": $0 == role] as [String: Any] },
            ]
        }
        values["invitations"] = invitations.map { invitation -> [String: Any] in
            [
                "id": invitation["id"]?.stringValue ?? "", "email": invitation["email"]?.stringValue ?? "",
                "role": invitation["role"]?.stringValue ?? "", "expiresAt": Presentation.time(invitation["expiresAt"]?.stringValue),
            ]
        }
        values["noInvitations"] = invitations.isEmpty
        values["invited"] = invitation.map { ["email": $0["email"]?.stringValue ?? "", "token": $0["token"]?.stringValue ?? ""] } ?? false
        values["problem"] = problem.map(Self.explain) ?? false
        values["roleChoices"] = Self.roles.map { ["value": $0, "selected": $0 == "viewer"] as [String: Any] }
        let notice: String? =
            switch request.uri.queryParameters["notice"] {
            case "role": "The role was changed."
            case "removed": "The member was removed."
            case "revoked": "The invitation was revoked."
            default: nil
            }
        values["flash"] = notice.map { ["kind": "ok", "message": $0] } ?? false
        return try await page(
            "members",
            title: "Members",
            section: "members",
            context: context,
            values: values,
            status: problem?.status ?? (invitation == nil ? .ok : .created)
        )
    }

    func auditPage(_ request: Request, context: Context) async throws -> Response {
        let entered = ["action", "actorId", "since", "until"].reduce(into: [String: String]()) { $0[$1] = Self.parameter(request, $1) }
        var query: [(String, String)] = [("limit", "50")]
        for (name, value) in entered.sorted(by: { $0.key < $1.key }) where !value.isEmpty {
            query.append((name, name == "since" || name == "until" ? Self.utcTime(value) : value))
        }
        let cursor = Self.parameter(request, "cursor")
        var problem: String?
        var page = JSONValue.null
        do {
            page = try await api.call("listAuditLog", query: query + (cursor.isEmpty ? [] : [("cursor", cursor)]), context: context)
        } catch let error as SluiceError where error.status == .badRequest {
            problem = Self.explain(error)
        }
        var values: [String: Any] = [:]
        values["entries"] = (page["items"]?.arrayValue ?? []).map { entry -> [String: Any] in
            let actor = entry["actor"]
            return [
                "seq": Presentation.count(entry["seq"]), "at": Presentation.time(entry["occurredAt"]?.stringValue),
                "actor": actor?["label"]?.stringValue ?? actor?["type"]?.stringValue ?? "",
                "action": entry["action"]?.stringValue ?? "",
                "target": [entry["targetType"]?.stringValue, entry["targetId"]?.stringValue].compactMap { $0 }.joined(separator: " "),
                "details": (entry["details"]?.objectValue ?? [:]).sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value.stringValue ?? "")" }
                    .joined(separator: " "),
                "clientIp": entry["clientIp"]?.stringValue ?? "",
            ]
        }
        values["entered"] = entered
        values["problem"] = problem ?? false
        values["next"] =
            page["nextCursor"]?.stringValue.map { cursor in
                "/dashboard/audit?"
                    + (query.dropFirst() + [("cursor", cursor)]).map { "\($0.0)=\(InProcessAPI.percentEncoded($0.1))" }
                    .joined(separator: "&")
            } ?? false
        if Self.parameter(request, "verify") == "1" {
            let verification = try await api.call("verifyAuditLog", context: context)
            values["verification"] = [
                "valid": verification["valid"]?.boolValue ?? false, "checked": Presentation.count(verification["checked"]),
                "keyed": Presentation.count(verification["keyed"]), "firstBroken": Presentation.count(verification["firstBrokenSeq"]),
                "reason": verification["reason"]?.stringValue ?? "",
            ]
        }
        return try await self.page("audit", title: "Audit log", section: "audit", context: context, values: values)
    }

    func usagePage(context: Context) async throws -> Response {
        let usage = try await api.call("getUsage", query: [("months", "6")], context: context)
        let periods = usage["periods"]?.arrayValue ?? []
        var values: [String: Any] = ["plan": usage["plan"]?.stringValue ?? ""]
        values["periods"] = periods.map { period -> [String: Any] in
            let events = period["events"]?.numberValue?.int64 ?? 0
            let quota = period["quota"]?.numberValue?.int64
            return [
                "period": period["period"]?.stringValue ?? "", "events": Presentation.count(events),
                "requests": Presentation.count(period["requests"]), "quota": quota.map(Presentation.count) ?? "unlimited",
                "percent": quota.flatMap { Presentation.percent(events, of: $0) } ?? false,
                "hasKeys": !(period["keys"]?.arrayValue ?? []).isEmpty,
                "keys": (period["keys"]?.arrayValue ?? []).map { key -> [String: Any] in
                    [
                        "name": key["principal"]?.stringValue == "members" ? "Members and signed webhooks" : key["name"]?.stringValue ?? "",
                        "events": Presentation.count(key["events"]), "requests": Presentation.count(key["requests"]),
                    ]
                },
            ]
        }
        return try await page("usage", title: "Usage", section: "usage", context: context, values: values)
    }
}
