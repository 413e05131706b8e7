import Foundation
import Hummingbird
import SluiceCore
import SluiceDashboard
import SluiceJSON

/// Subscriptions: each endpoint's health and circuit, pause and resume, secret rotation, and
/// the dead-letter queue grouped by cause; a replay or purge (by cause, by selection, or all)
/// is counted by the API's dry run and confirmed before it runs.
extension DashboardRoutes {
    func registerSubscriptions(on pages: RouterGroup<Context>) {
        pages.get("streams/:stream/subscriptions") { request, context in
            await guarded(request, context) { try await subscriptionList(context: context) }
        }
        pages.get("streams/:stream/subscriptions/:subscription") { request, context in
            await guarded(request, context) { try await subscriptionPage(request, context: context) }
        }
        for action in ["pause", "resume"] {
            pages.post("streams/:stream/subscriptions/:subscription/\(action)") { request, context in
                await guarded(request, context) {
                    let (stream, name) = try subscriptionParameters(context)
                    _ = try await api.call(
                        action == "pause" ? "pauseSubscription" : "resumeSubscription",
                        path: ["stream": stream, "subscription": name],
                        context: context
                    )
                    return Self.redirect(Self.subscriptionPath(stream, name) + "?notice=\(action)d", request: request)
                }
            }
        }
        pages.post("streams/:stream/subscriptions/:subscription/rotate") { request, context in
            await guarded(request, context) {
                let (stream, name) = try subscriptionParameters(context)
                let rotated = try await api.call("rotateSubscriptionSecret", path: ["stream": stream, "subscription": name], context: context)
                return try await subscriptionPage(request, context: context, rotated: rotated)
            }
        }
        // A selection (by cause, by ticked rows, or all) counted by a dry run, to confirm.
        pages.get("streams/:stream/subscriptions/:subscription/dead-letters/confirm") { request, context in
            await guarded(request, context) {
                let fields = request.uri.queryParameters.map { (String($0.key), String($0.value)) }
                return try await confirmDeadLetters(fields, context: context)
            }
        }
        pages.post("streams/:stream/subscriptions/:subscription/dead-letters/confirm") { request, context in
            await guarded(request, context) {
                var request = request
                let form = try await Self.form(&request, context: context)
                return try await confirmDeadLetters(form.fields.map { ($0.name, $0.value) }, context: context)
            }
        }
        for action in ["replay", "purge"] {
            pages.post("streams/:stream/subscriptions/:subscription/dead-letters/\(action)") { request, context in
                await guarded(request, context) {
                    var request = request
                    let (stream, name) = try subscriptionParameters(context)
                    let form = try await Self.form(&request, context: context)
                    let fields = form.fields.map { ($0.name, $0.value) }
                    let result = try await api.call(
                        action == "replay" ? "replayDeadLetters" : "purgeDeadLetters",
                        path: ["stream": stream, "subscription": name],
                        body: try Self.deadLetterSelection(fields, dryRun: false),
                        context: context
                    )
                    let count = result["count"]?.numberValue?.literal ?? "0"
                    let back = form["back"].map { Self.safeNext($0) } ?? Self.subscriptionPath(stream, name)
                    let separator = back.contains("?") ? "&" : "?"
                    return Self.redirect("\(back)\(separator)notice=\(action)ed&count=\(count)", request: request)
                }
            }
        }
    }

    func subscriptionParameters(_ context: Context) throws -> (stream: String, subscription: String) {
        (try context.parameters.require("stream"), try context.parameters.require("subscription"))
    }

    static func subscriptionPath(_ stream: String, _ name: String) -> String {
        streamPath(stream) + "/subscriptions/" + InProcessAPI.percentEncoded(name)
    }

    /// A subscription as the pages show it: its health in words.
    static func subscriptionValues(_ subscription: JSONValue, stream: String) -> [String: Any] {
        let name = subscription["name"]?.stringValue ?? ""
        let state = subscription["state"]?.stringValue ?? ""
        let failures = subscription["consecutiveFailures"]?.numberValue?.int64 ?? 0
        let reason = subscription["pausedReason"]?.stringValue
        let health: String =
            if state == "paused" {
                reason?.contains("circuit") == true ? "open" : "paused"
            } else if failures > 0 {
                "failing"
            } else {
                "active"
            }
        return [
            "name": name, "href": subscriptionPath(stream, name), "url": subscription["url"]?.stringValue ?? "", "state": state,
            "paused": state == "paused", "health": health, "pausedReason": reason ?? false,
            "consecutiveFailures": Presentation.count(failures),
            "circuit": "\(subscription["circuitFailures"]?.numberValue?.literal ?? "–") failures in a row pause it",
            "lastSuccessAt": subscription["lastSuccessAt"]?.stringValue.map(Presentation.time) ?? "never",
            "lastFailureAt": subscription["lastFailureAt"]?.stringValue.map(Presentation.time) ?? "never",
            "lastError": subscription["lastError"]?.stringValue ?? false,
            "failingSince": subscription["failingSince"]?.stringValue.map(Presentation.time) ?? false,
            "retrying": Presentation.count(subscription["retrying"]), "deadLetters": Presentation.count(subscription["deadLetters"]),
            "oldestDeadLetter": subscription["oldestDeadLetterAgeSeconds"]?.numberValue.map { Presentation.duration(seconds: $0.double) } ?? false,
            "lag": Presentation.count(subscription["consumerGroup"]?["lag"]),
            "group": subscription["consumerGroup"]?["name"]?.stringValue ?? "",
            "groupHref": streamPath(stream) + "/consumer-groups/"
                + InProcessAPI.percentEncoded(subscription["consumerGroup"]?["name"]?.stringValue ?? ""),
            "eventTypes": (subscription["eventTypes"]?.arrayValue).map { $0.compactMap(\.stringValue).joined(separator: ", ") } ?? "all",
            "timeoutMs": Presentation.count(subscription["timeoutMs"]),
            "retrySchedule": (subscription["retrySchedule"]?.arrayValue ?? []).compactMap { $0.numberValue?.double }
                .map { Presentation.duration(seconds: $0) }.joined(separator: ", "),
            "maxAttempts": Presentation.count(subscription["maxAttempts"]),
        ]
    }

    func subscriptionList(context: Context) async throws -> Response {
        let stream = try context.parameters.require("stream")
        let list = try await api.call("listSubscriptions", path: ["stream": stream], context: context)
        let rows = (list["items"]?.arrayValue ?? []).map { Self.subscriptionValues($0, stream: stream) }
        return try await page(
            "subscriptions",
            title: "\(stream): subscriptions",
            section: "streams",
            context: context,
            values: streamValues(stream, tab: "subscriptions", context: context).merging(["subscriptions": rows, "empty": rows.isEmpty]) { $1 }
        )
    }

    func subscriptionPage(_ request: Request, context: Context, rotated: JSONValue? = nil) async throws -> Response {
        let (stream, name) = try subscriptionParameters(context)
        let path = ["stream": stream, "subscription": name]
        let subscription = try await api.call("describeSubscription", path: path, context: context)
        let causes = try await api.call("listDeadLetterCauses", path: path, context: context)
        let letters = try await api.call("listDeadLetters", path: path, query: [("limit", "50")], context: context)
        let base = Self.subscriptionPath(stream, name)
        let causeRows: [[String: Any]] = (causes["items"]?.arrayValue ?? []).map { cause in
            var selection: [(String, String)] = []
            if let status = cause["httpStatus"]?.numberValue?.literal { selection.append(("httpStatus", status)) }
            if let error = cause["error"]?.stringValue { selection.append(("error", error)) }
            let query = selection.map { "\($0.0)=\(InProcessAPI.percentEncoded($0.1))" }.joined(separator: "&")
            return [
                "status": cause["httpStatus"]?.numberValue?.literal ?? "no response",
                "error": cause["error"]?.stringValue ?? "", "count": Presentation.count(cause["count"]),
                "first": Presentation.time(cause["firstDeadAt"]?.stringValue), "last": Presentation.time(cause["lastDeadAt"]?.stringValue),
                "replay": "\(base)/dead-letters/confirm?action=replay&\(query)", "purge": "\(base)/dead-letters/confirm?action=purge&\(query)",
            ]
        }
        let letterRows: [[String: Any]] = (letters["items"]?.arrayValue ?? []).map { letter in
            let partition = letter["partition"]?.numberValue?.literal ?? "0"
            let offset = letter["offset"]?.numberValue?.literal ?? "0"
            return [
                "id": letter["id"]?.stringValue ?? "", "eventType": letter["eventType"]?.stringValue ?? "",
                "eventHref": "\(Self.streamPath(stream))/events/\(partition)/\(offset)", "position": "\(partition)/\(offset)",
                "attempts": Presentation.count(letter["attemptsMade"]), "status": letter["lastStatus"]?.numberValue?.literal ?? "–",
                "error": letter["lastError"]?.stringValue ?? "", "deadAt": Presentation.time(letter["deadAt"]?.stringValue),
            ]
        }
        let query = request.uri.queryParameters
        let notice: String? =
            switch query["notice"] {
            case "paused": "Paused: nothing is posted until it is resumed."
            case "resumed": "Resumed."
            case "replayed": "\(query["count"] ?? "0") dead letters were replayed."
            case "purged": "\(query["count"] ?? "0") dead letters were removed."
            default: nil
            }
        return try await page(
            "subscription",
            title: "\(stream): \(name)",
            section: "streams",
            context: context,
            values: streamValues(stream, tab: "subscriptions", context: context).merging([
                "subscription": Self.subscriptionValues(subscription, stream: stream),
                "flash": notice.map { ["kind": "ok", "message": $0] } ?? false,
                "rotated": rotated.map {
                    ["secret": $0["secret"]?.stringValue ?? "", "until": Presentation.time($0["previousValidUntil"]?.stringValue)]
                } ?? false,
                "causes": causeRows, "noCauses": causeRows.isEmpty, "letters": letterRows, "base": base,
                "more": letters["nextCursor"]?.stringValue != nil,
            ]) { $1 }
        )
    }

    /// The API's selection for the fields of a form or query: ticked `ids`, `all`, or a
    /// filter (`httpStatus`, `error`, `eventType`).
    static func deadLetterSelection(_ fields: [(String, String)], dryRun: Bool) throws -> JSONValue {
        var body: [String: JSONValue] = [:]
        let ids = fields.filter { $0.0 == "ids" }.map(\.1)
        let value = { (name: String) in fields.first { $0.0 == name }?.1 }
        if !ids.isEmpty {
            body["ids"] = .array(ids.map(JSONValue.string))
        } else if value("all") == "true" {
            body["all"] = true
        } else {
            var filter: [String: JSONValue] = [:]
            if let status = value("httpStatus"), !status.isEmpty {
                guard let number = Int(status) else { throw SluiceError.badRequest("httpStatus is a number.", pointer: "/filter/httpStatus") }
                filter["httpStatus"] = .number(JSONNumber(number))
            }
            if let error = value("error"), !error.isEmpty { filter["error"] = .string(error) }
            if let type = value("eventType"), !type.isEmpty { filter["eventType"] = .string(type) }
            guard !filter.isEmpty else { throw SluiceError.badRequest("Choose the dead letters: tick some, pick a cause, or all.") }
            body["filter"] = .object(filter)
        }
        if dryRun { body["dryRun"] = true }
        return .object(body)
    }

    func confirmDeadLetters(_ fields: [(String, String)], context: Context) async throws -> Response {
        let (stream, name) = try subscriptionParameters(context)
        let action = fields.first { $0.0 == "action" }?.1 == "purge" ? "purge" : "replay"
        let counted = try await api.call(
            action == "replay" ? "replayDeadLetters" : "purgeDeadLetters",
            path: ["stream": stream, "subscription": name],
            body: try Self.deadLetterSelection(fields, dryRun: true),
            context: context
        )
        let count = counted["count"]?.numberValue?.int64 ?? 0
        let kept = fields.filter { ["ids", "all", "httpStatus", "error", "eventType"].contains($0.0) }
        let base = Self.subscriptionPath(stream, name)
        return try await page(
            "confirm",
            title: action == "replay" ? "Replay dead letters" : "Purge dead letters",
            section: "streams",
            context: context,
            values: [
                "heading": action == "replay"
                    ? "Replay \(Presentation.count(count)) dead letters?" : "Remove \(Presentation.count(count)) dead letters?",
                "question": action == "replay"
                    ? "Each is posted to \(name) again at once, a fresh series of attempts; one that fails them all is dead again."
                    : "They leave the queue for good; the events stay in the stream.",
                "hidden": kept.map { ["name": $0.0, "value": $0.1] },
                "action": "\(base)/dead-letters/\(action)",
                "button": action == "replay" ? "Replay \(Presentation.count(count))" : "Remove \(Presentation.count(count))",
                "primary": action == "replay",
                "cancel": base,
            ]
        )
    }
}
