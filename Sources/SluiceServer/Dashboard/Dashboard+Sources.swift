import Foundation
import Hummingbird
import SluiceCore
import SluiceDashboard
import SluiceJSON

/// Pull sources: each source's schedule and health, its entities, its latest runs; pause,
/// resume and poll now.
extension DashboardRoutes {
    func registerSources(on pages: RouterGroup<Context>) {
        pages.get("streams/:stream/sources") { request, context in
            await guarded(request, context) { try await sourceList(context: context) }
        }
        pages.get("streams/:stream/sources/:source") { request, context in
            await guarded(request, context) { try await sourcePage(request, context: context) }
        }
        for (action, operation) in [("pause", "pauseSource"), ("resume", "resumeSource"), ("poll", "pollSource")] {
            pages.post("streams/:stream/sources/:source/\(action)") { request, context in
                await guarded(request, context) {
                    let stream = try context.parameters.require("stream")
                    let source = try context.parameters.require("source")
                    _ = try await api.call(
                        operation,
                        path: ["stream": stream, "source": source],
                        body: action == "poll" ? .object([:]) : nil,
                        context: context
                    )
                    return Self.redirect(Self.sourcePath(stream, source) + "?notice=\(action)", request: request)
                }
            }
        }
    }

    static func sourcePath(_ stream: String, _ source: String) -> String {
        streamPath(stream) + "/sources/" + InProcessAPI.percentEncoded(source)
    }

    static func sourceValues(_ source: JSONValue, stream: String) -> [String: Any] {
        let name = source["name"]?.stringValue ?? ""
        let failing = source["failing"]?.numberValue?.int64 ?? 0
        let state = source["state"]?.stringValue ?? ""
        return [
            "name": name, "href": sourcePath(stream, name), "url": source["url"]?.stringValue ?? "", "state": state,
            "paused": state == "paused", "health": state == "paused" ? "paused" : failing > 0 ? "failing" : "active",
            "platform": source["mapping"]?["platform"]?.stringValue ?? "", "kind": source["mapping"]?["kind"]?.stringValue ?? "account",
            "entities": Presentation.count(source["entities"]), "due": Presentation.count(source["due"]),
            "polling": Presentation.count(source["polling"]), "failing": Presentation.count(failing),
            "interval": Presentation.duration(seconds: source["intervalSeconds"]?.numberValue?.double ?? 0),
            "perMinute": Presentation.count(source["requestsPerMinute"]),
            "runsLastHour": Presentation.count(source["runsLastHour"]), "failedLastHour": Presentation.count(source["failedLastHour"]),
            "lastRunAt": source["lastRunAt"]?.stringValue.map(Presentation.time) ?? "never",
            "lastSuccessAt": source["lastSuccessAt"]?.stringValue.map(Presentation.time) ?? "never",
            "lastError": source["lastError"].map { error in
                [
                    "entity": error["entity"]?.stringValue ?? "", "error": error["error"]?.stringValue ?? "",
                    "at": Presentation.time(error["at"]?.stringValue),
                ]
            } ?? false,
        ]
    }

    func sourceList(context: Context) async throws -> Response {
        let stream = try context.parameters.require("stream")
        let list = try await api.call("listSources", path: ["stream": stream], context: context)
        let rows = (list["items"]?.arrayValue ?? []).map { Self.sourceValues($0, stream: stream) }
        var values = streamValues(stream, tab: "sources", context: context)
        values["sources"] = rows
        values["empty"] = rows.isEmpty
        return try await page("sources", title: "\(stream): pull sources", section: "streams", context: context, values: values)
    }

    func sourcePage(_ request: Request, context: Context) async throws -> Response {
        let stream = try context.parameters.require("stream")
        let name = try context.parameters.require("source")
        let path = ["stream": stream, "source": name]
        let source = try await api.call("describeSource", path: path, context: context)
        let entities = try await api.call("listSourceEntities", path: path, query: [("limit", "100")], context: context)
        let runs = try await api.call("listSourceRuns", path: path, query: [("limit", "50")], context: context)
        var values = streamValues(stream, tab: "sources", context: context)
        values["source"] = Self.sourceValues(source, stream: stream)
        values["entities"] = (entities["items"]?.arrayValue ?? []).map { entity -> [String: Any] in
            [
                "entity": entity["entity"]?.stringValue ?? "", "nextRunAt": Presentation.time(entity["nextRunAt"]?.stringValue),
                "failures": Presentation.count(entity["failures"]), "polling": entity["polling"]?.boolValue ?? false,
                "lastRunAt": entity["lastRunAt"]?.stringValue.map(Presentation.time) ?? "never",
                "lastStatus": entity["lastStatus"]?.numberValue?.literal ?? "–", "lastError": entity["lastError"]?.stringValue ?? "",
            ]
        }
        values["moreEntities"] = entities["nextCursor"]?.stringValue != nil
        values["runs"] = (runs["items"]?.arrayValue ?? []).map { run -> [String: Any] in
            [
                "entity": run["entity"]?.stringValue ?? "", "startedAt": Presentation.time(run["startedAt"]?.stringValue),
                "durationMs": Presentation.count(run["durationMs"]), "outcome": run["outcome"]?.stringValue ?? "",
                "status": run["httpStatus"]?.numberValue?.literal ?? "–", "error": run["error"]?.stringValue ?? "",
            ]
        }
        let notice: String? =
            switch request.uri.queryParameters["notice"] {
            case "pause": "Paused: no entity is polled until it is resumed."
            case "resume": "Resumed."
            case "poll": "Every entity is due now."
            default: nil
            }
        values["flash"] = notice.map { ["kind": "ok", "message": $0] } ?? false
        return try await page("source", title: "\(stream): \(name)", section: "streams", context: context, values: values)
    }
}
