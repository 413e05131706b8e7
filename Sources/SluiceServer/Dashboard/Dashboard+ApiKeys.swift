import Foundation
import Hummingbird
import SluiceCore
import SluiceDashboard
import SluiceJSON

/// API keys: the list, a new key (its secret shown once, on the answer to the form, never
/// again), and revocation.
extension DashboardRoutes {
    func registerApiKeys(on pages: RouterGroup<Context>) {
        pages.get("api-keys") { request, context in
            await guarded(request, context) {
                let notice: String? =
                    switch request.uri.queryParameters["notice"] {
                    case "revoked": "The key was revoked."
                    case "limits": "The key's limits were saved; every node applies them within a second."
                    default: nil
                    }
                return try await apiKeysPage(context: context, flash: notice.map { ["kind": "ok", "message": $0] })
            }
        }
        pages.post("api-keys") { request, context in await guarded(request, context) { try await createApiKey(request, context: context) } }
        pages.post("api-keys/:keyId/limits") { request, context in
            await guarded(request, context) { try await setLimits(request, context: context) }
        }
        pages.post("api-keys/:keyId/revoke") { request, context in
            await guarded(request, context) {
                let id = try context.parameters.require("keyId")
                _ = try await api.call("revokeApiKey", path: ["keyId": id], context: context)
                return Self.redirect("/dashboard/api-keys?notice=revoked", request: request)
            }
        }
    }

    func apiKeysPage(
        context: Context,
        flash: [String: String]? = nil,
        created: JSONValue? = nil,
        problem: SluiceError? = nil,
        entered: FormData? = nil
    ) async throws -> Response {
        let keys = try await api.call("listApiKeys", query: [("includeRevoked", "true")], context: context)
        let rows: [[String: Any]] = (keys["items"]?.arrayValue ?? []).map { key in
            [
                "id": key["id"]?.stringValue ?? "",
                "name": key["name"]?.stringValue ?? "",
                "prefix": key["prefix"]?.stringValue ?? "",
                "scopes": (key["scopes"]?.arrayValue ?? []).compactMap(\.stringValue).joined(separator: ", "),
                "streams": (key["streams"]?.arrayValue).map { $0.compactMap(\.stringValue).joined(separator: ", ") } ?? "all",
                "createdAt": Presentation.time(key["createdAt"]?.stringValue),
                "lastUsedAt": key["lastUsedAt"]?.stringValue.map(Presentation.time) ?? "never",
                "expiresAt": key["expiresAt"]?.stringValue.map(Presentation.time) ?? "never",
                "revoked": key["revokedAt"]?.stringValue.map(Presentation.time) ?? false,
                "limits": ["requests", "events"].map { kind -> [String: Any] in
                    let limit = key["rateLimits"]?[kind]
                    return [
                        "kind": kind, "perSecond": limit?["perSecond"]?.numberValue?.literal ?? "",
                        "burst": limit?["burst"]?.numberValue?.literal ?? "", "own": limit?["source"]?.stringValue == "key",
                    ]
                },
            ]
        }
        let chosen = Set(entered?.all("scopes") ?? ["events:write"])
        return try await page(
            "api-keys",
            title: "API keys",
            section: "api-keys",
            context: context,
            values: [
                "flash": flash ?? false,
                "keys": rows,
                "empty": rows.isEmpty,
                "created": created.map { ["name": $0["name"]?.stringValue ?? "", "secret": $0["secret"]?.stringValue ?? ""] } ?? false,
                "problem": problem.map(Self.explain) ?? false,
                "entered": ["name": entered?["name"] ?? "", "streams": entered?["streams"] ?? "", "expiresAt": entered?["expiresAt"] ?? ""],
                "scopeChoices": ApiKeyScope.allCases.map { ["value": $0.rawValue, "checked": chosen.contains($0.rawValue)] as [String: Any] },
            ],
            status: problem?.status ?? (created == nil ? .ok : .created)
        )
    }

    func createApiKey(_ request: Request, context: Context) async throws -> Response {
        var request = request
        let form = try await Self.form(&request, context: context)
        var body: [String: JSONValue] = [
            "name": .string(form["name"] ?? ""),
            "scopes": .array(form.all("scopes").map(JSONValue.string)),
        ]
        let streams = (form["streams"] ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        if !streams.isEmpty { body["streams"] = .array(streams.map(JSONValue.string)) }
        if let day = form["expiresAt"], !day.isEmpty {
            // A date input gives a day; the key works through its end (UTC).
            body["expiresAt"] = .string(day.count == 10 ? "\(day)T23:59:59Z" : day)
        }
        do {
            let created = try await api.call("createApiKey", body: .object(body), context: context)
            return try await apiKeysPage(context: context, created: created)
        } catch let problem as SluiceError where problem.status == .badRequest || problem.status == .conflict {
            return try await apiKeysPage(context: context, problem: problem, entered: form)
        }
    }

    /// A key's own limits: each kind whose two fields are filled is the key's, an empty pair the
    /// plan's; the API checks them against the plan.
    func setLimits(_ request: Request, context: Context) async throws -> Response {
        var request = request
        let id = try context.parameters.require("keyId")
        let form = try await Self.form(&request, context: context)
        var body: [String: JSONValue] = [:]
        var errors: [SluiceError.FieldError] = []
        for kind in ["requests", "events"] {
            let rate = form["\(kind)PerSecond"] ?? ""
            let burst = form["\(kind)Burst"] ?? ""
            if rate.isEmpty && burst.isEmpty { continue }
            guard let perSecond = Double(rate), perSecond.isFinite, let burstCount = Int(burst) else {
                errors.append(.init(pointer: "/\(kind)", detail: "a rate (a number) and a burst (a whole number), or neither"))
                continue
            }
            body[kind] = ["perSecond": .number(JSONNumber(perSecond)), "burst": .number(JSONNumber(burstCount))]
        }
        do {
            guard errors.isEmpty else { throw SluiceError.badRequest("The limits are invalid.", fieldErrors: errors) }
            _ = try await api.call("setApiKeyRateLimits", path: ["keyId": id], body: .object(body), context: context)
            return Self.redirect("/dashboard/api-keys?notice=limits", request: request)
        } catch let problem as SluiceError where problem.status == .badRequest {
            return try await apiKeysPage(context: context, problem: problem)
        }
    }
}
