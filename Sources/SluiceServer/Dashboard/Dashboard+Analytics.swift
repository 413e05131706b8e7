import Foundation
import Hummingbird
import SluiceAPI
import SluiceCore
import SluiceDashboard
import SluiceJSON

/// Analytics: a series at 5 minutes, an hour or a day, with metric, type, platform and
/// dimension pickers; the distribution over types, platforms or a dimension; a leaderboard;
/// an entity's growth. The page listens to the stream's live feed and fetches its results
/// again when rollups change.
extension DashboardRoutes {
    func registerAnalytics(on pages: RouterGroup<Context>) {
        pages.get("streams/:stream/analytics") { request, context in
            await guarded(request, context) { try await analyticsPage(request, context: context) }
        }
        pages.get("streams/:stream/analytics/feed") { request, context in
            try await eventStream("getAnalyticsLive", query: [("ticks", "600")], request: request, context: context)
        }
        pages.get("streams/:stream/analytics/entities/:kind/:entity") { request, context in
            await guarded(request, context) { try await entityPage(request, context: context) }
        }
    }

    /// The ranges offered, each with the resolution it starts with.
    static let analyticsRanges: [(id: String, label: String, seconds: Double, resolution: String)] = [
        ("6h", "6 hours", 6 * 3600, "5m"), ("24h", "24 hours", 86400, "1h"), ("7d", "7 days", 7 * 86400, "1h"),
        ("30d", "30 days", 30 * 86400, "1d"),
    ]

    /// The query's value for `name`, or `fallback` when absent or empty.
    static func parameter(_ request: Request, _ name: String, _ fallback: String = "") -> String {
        request.uri.queryParameters[Substring(name)].map(String.init).flatMap { $0.isEmpty ? nil : $0 } ?? fallback
    }

    func analyticsPage(_ request: Request, context: Context) async throws -> Response {
        let stream = try context.parameters.require("stream")
        let range = Self.analyticsRanges.first { $0.id == Self.parameter(request, "range") } ?? Self.analyticsRanges[1]
        let resolution = ["5m", "1h", "1d"].first { $0 == Self.parameter(request, "resolution") } ?? range.resolution
        let metric = Self.parameter(request, "metric", "events")
        let eventType = Self.parameter(request, "eventType")
        let platform = Self.parameter(request, "platform")
        let dimension = Self.parameter(request, "dimension")
        let by = Self.parameter(request, "by", "type")
        let entity = ["account", "content", "actor"].first { $0 == Self.parameter(request, "entity") } ?? "account"
        let rank = Self.parameter(request, "rank", "events")
        let now = Date()
        let window: [(String, String)] = [("from", RFC3339.format(now.addingTimeInterval(-range.seconds))), ("to", RFC3339.format(now))]
        var filters: [(String, String)] = []
        if !eventType.isEmpty { filters.append(("eventType", eventType)) }
        if !platform.isEmpty { filters.append(("platform", platform)) }
        if !dimension.isEmpty { filters.append(("dimension", dimension)) }
        var problems: [String] = []
        func attempt(_ operation: String, _ query: [(String, String)]) async throws -> JSONValue? {
            do {
                return try await api.call(operation, path: ["stream": stream], query: query, context: context)
            } catch let problem as SluiceError where problem.status == .badRequest {
                problems.append(Self.explain(problem))
                return nil
            }
        }
        let series = try await attempt("getAnalyticsSeries", [("metric", metric), ("resolution", resolution)] + window + filters)
        let distribution = try await attempt("getAnalyticsDistribution", [("metric", metric), ("by", by), ("limit", "20")] + window + filters)
        var boardQuery = [("entity", entity), ("by", rank), ("limit", "10")] + window
        if !platform.isEmpty { boardQuery.append(("platform", platform)) }
        let board = try await attempt("getAnalyticsLeaderboard", boardQuery)
        let status = try await api.call("getAnalyticsStatus", path: ["stream": stream], context: context)

        var values = streamValues(stream, tab: "analytics", context: context)
        let buckets = series?["buckets"]?.arrayValue ?? []
        values["chart"] = Presentation.chart(buckets.map { $0["value"]?.numberValue?.double ?? 0 })
        values["total"] = series?["total"].map { Presentation.count($0.numberValue?.double ?? 0) } ?? "–"
        values["firstBucket"] = Presentation.time(buckets.first?["start"]?.stringValue)
        values["lastBucket"] = Presentation.time(buckets.last?["start"]?.stringValue)
        values["buckets"] = buckets.count
        let amounts = (distribution?["items"]?.arrayValue ?? []).map { ($0, $0["amount"]?.numberValue?.double ?? 0) }
        let largest = max(amounts.map(\.1).max() ?? 0, 1)
        values["distribution"] = amounts.map { item, amount -> [String: Any] in
            [
                "value": item["value"]?.stringValue.flatMap { $0.isEmpty ? nil : $0 } ?? "(none)", "amount": Presentation.count(amount),
                "events": Presentation.count(item["events"]), "width": Int(max(0, min(100, amount / largest * 100))),
            ]
        }
        values["leaders"] = (board?["items"]?.arrayValue ?? []).enumerated().map { place, item -> [String: Any] in
            let id = item["entity"]?.stringValue ?? ""
            return [
                "place": place + 1, "label": item["handle"]?.stringValue.flatMap { $0.isEmpty ? nil : $0 } ?? id,
                "platform": item["platform"]?.stringValue ?? "",
                "events": Presentation.count(item["events"]), "value": item["value"].map { Presentation.count($0.numberValue?.double ?? 0) } ?? "–",
                "href": "\(Self.streamPath(stream))/analytics/entities/\(entity)/\(InProcessAPI.percentEncoded(id))",
            ]
        }
        values["watermark"] = status["watermark"]?.stringValue.map(Presentation.time) ?? "none yet"
        values["problem"] = problems.isEmpty ? false : problems.joined(separator: " ")
        values["picked"] = [
            "metric": metric, "eventType": eventType, "platform": platform, "dimension": dimension, "by": by, "rank": rank,
        ]
        let options = { (choices: [String], chosen: String) in choices.map { ["value": $0, "selected": $0 == chosen] as [String: Any] } }
        values["ranges"] = Self.analyticsRanges.map { ["value": $0.id, "label": $0.label, "selected": $0.id == range.id] as [String: Any] }
        values["resolutions"] = options(["5m", "1h", "1d"], resolution)
        values["metrics"] = options(["events", "actors", "engagement", "engagementRate"], metric)
        values["entities"] = options(["account", "content", "actor"], entity)
        values["self"] = Self.streamPath(stream) + "/analytics" + (request.uri.query.map { "?" + $0 } ?? "")
        values["feed"] = Self.streamPath(stream) + "/analytics/feed"
        values["range"] = range.label
        values["resolution"] = resolution
        return try await page("analytics", title: "\(stream): analytics", section: "streams", context: context, values: values)
    }

    func entityPage(_ request: Request, context: Context) async throws -> Response {
        let stream = try context.parameters.require("stream")
        let kind = try context.parameters.require("kind")
        let entity = try context.parameters.require("entity")
        let range = Self.analyticsRanges.first { $0.id == Self.parameter(request, "range") } ?? Self.analyticsRanges[3]
        let resolution = Self.parameter(request, "resolution") == "1h" ? "1h" : "1d"
        let now = Date()
        let activity = try await api.call(
            "getEntityActivity",
            path: ["stream": stream, "kind": kind, "entityId": entity],
            query: [("resolution", resolution), ("from", RFC3339.format(now.addingTimeInterval(-range.seconds))), ("to", RFC3339.format(now))],
            context: context
        )
        let buckets = activity["buckets"]?.arrayValue ?? []
        let names = Set(buckets.flatMap { ($0["metrics"]?.objectValue ?? [:]).keys }).sorted()
        var values = streamValues(stream, tab: "analytics", context: context)
        values["kind"] = kind
        values["entity"] = entity
        values["handle"] = activity["handle"]?.stringValue ?? false
        values["account"] = activity["account"]?.stringValue ?? false
        values["eventsChart"] = Presentation.chart(buckets.map { $0["events"]?.numberValue?.double ?? 0 })
        values["metrics"] = names.map { name -> [String: Any] in
            let series = buckets.map { $0["metrics"]?[name]?.numberValue?.double ?? 0 }
            return ["name": name, "chart": Presentation.chart(series, height: 100), "latest": Presentation.count(series.last ?? 0)]
        }
        values["range"] = range.label
        values["ranges"] = Self.analyticsRanges.map { ["value": $0.id, "label": $0.label, "selected": $0.id == range.id] as [String: Any] }
        values["resolutions"] = ["1h", "1d"].map { ["value": $0, "selected": $0 == resolution] as [String: Any] }
        values["rows"] = buckets.suffix(30).reversed().map { bucket -> [String: Any] in
            [
                "start": Presentation.time(bucket["start"]?.stringValue), "events": Presentation.count(bucket["events"]),
                "growth": (bucket["growth"]?.objectValue ?? [:]).sorted { $0.key < $1.key }
                    .map {
                        "\($0.key) \(($0.value.numberValue?.double ?? 0) >= 0 ? "+" : "")\(Presentation.count($0.value.numberValue?.double ?? 0))"
                    }
                    .joined(separator: ", "),
            ]
        }
        return try await page("entity", title: "\(stream): \(kind) \(entity)", section: "streams", context: context, values: values)
    }
}
