import Foundation
import HTTPTypes
import Hummingbird
import OpenAPIRuntime
import SluiceAPI
import SluiceCore
import SluiceDashboard
import SluiceJSON

/// A stream's events: the live tail (Server-Sent Events through `tailEvents`, sampled by the
/// server so that the page keeps up), search by time, type and key, and one event's page with
/// what became of it at each subscription.
extension DashboardRoutes {
    /// The tail sends at most this many events a second to a page; the rest are counted.
    static let tailRate = 20

    func registerEvents(on pages: RouterGroup<Context>) {
        pages.get("streams/:stream/tail") { request, context in await guarded(request, context) { try await tailPage(request, context: context) } }
        pages.get("streams/:stream/tail/feed") { request, context in try await tailFeed(request, context: context) }
        pages.get("streams/:stream/events") { request, context in
            await guarded(request, context) { try await searchPage(request, context: context) }
        }
        pages.get("streams/:stream/events/:partition/:offset") { request, context in
            await guarded(request, context) { try await eventPage(context: context) }
        }
    }

    /// The tabs of a stream's pages.
    func streamTabs(_ name: String, current: String, context: Context) -> [[String: Any]] {
        let path = Self.streamPath(name)
        let permissions = context.identity?.permissions ?? []
        return [
            ("partitions", path, "Partitions", Permission.streamsRead), ("tail", path + "/tail", "Live tail", .eventsRead),
            ("events", path + "/events", "Events", .eventsRead), ("schemas", path + "/schemas", "Schemas", .streamsRead),
            ("groups", path + "/consumer-groups", "Consumer groups", .eventsRead),
            ("subscriptions", path + "/subscriptions", "Subscriptions", .eventsRead), ("sources", path + "/sources", "Pull sources", .eventsRead),
            ("analytics", path + "/analytics", "Analytics", .eventsRead),
        ].filter { permissions.contains($0.3) }.map { ["id": $0.0, "href": $0.1, "label": $0.2, "current": $0.0 == current] }
    }

    /// The values every page of a stream has: its name, path and tabs.
    func streamValues(_ name: String, tab: String, context: Context) -> [String: Any] {
        ["name": name, "path": Self.streamPath(name), "tabs": streamTabs(name, current: tab, context: context)]
    }

    // MARK: The live tail

    func tailPage(_ request: Request, context: Context) async throws -> Response {
        let name = try context.parameters.require("stream")
        _ = try await api.call("getStream", path: ["stream": name], context: context)
        let query = request.uri.queryParameters
        let type = query["type"].map(String.init) ?? ""
        let key = query["key"].map(String.init) ?? ""
        var feed = [("maxPerSecond", String(Self.tailRate))]
        if !type.isEmpty { feed.append(("type", type)) }
        if !key.isEmpty { feed.append(("key", key)) }
        return try await page(
            "tail",
            title: "\(name): live tail",
            section: "streams",
            context: context,
            values: streamValues(name, tab: "tail", context: context).merging([
                "type": type, "key": key, "rate": Self.tailRate,
                "feed": Self.streamPath(name) + "/tail/feed?" + feed.map { "\($0.0)=\(InProcessAPI.percentEncoded($0.1))" }.joined(separator: "&"),
            ]) { $1 }
        )
    }

    /// The API's tail, passed through as it streams.
    func tailFeed(_ request: Request, context: Context) async throws -> Response {
        var query: [(String, String)] = [("seconds", "600")]
        for parameter in ["type", "key", "maxPerSecond"] {
            if let value = request.uri.queryParameters[Substring(parameter)], !value.isEmpty { query.append((parameter, String(value))) }
        }
        return try await eventStream("tailEvents", query: query, request: request, context: context)
    }

    /// An API operation's Server-Sent Events, passed through to the browser as they come; its
    /// `EventSource` reconnects with `Last-Event-ID`, which goes on to the API.
    func eventStream(_ operation: String, query: [(String, String)], request: Request, context: Context) async throws -> Response {
        let headers = request.headers[values: .lastEventID].first.map { [HTTPField(name: .lastEventID, value: $0)] } ?? []
        let (_, body) = try await api.open(
            operation,
            path: ["stream": try context.parameters.require("stream")],
            query: query,
            headers: headers,
            context: context
        )
        return Response(
            status: .ok,
            headers: [.contentType: "text/event-stream", .cacheControl: "no-store"],
            body: ResponseBody(asyncSequence: (body ?? HTTPBody()).map { ByteBuffer(bytes: $0) })
        )
    }

    // MARK: Search

    func searchPage(_ request: Request, context: Context) async throws -> Response {
        let name = try context.parameters.require("stream")
        let query = request.uri.queryParameters
        let entered = ["from", "to", "type", "key"].reduce(into: [String: String]()) { $0[$1] = query[Substring($1)].map(String.init) ?? "" }
        var parameters: [(String, String)] = [("limit", "50")]
        for (field, value) in entered where !value.isEmpty {
            // A datetime-local input gives a time without a zone: the dashboard shows UTC.
            parameters.append((field, field == "from" || field == "to" ? Self.utcTime(value) : value))
        }
        if let cursor = query["cursor"], !cursor.isEmpty { parameters.append(("cursor", String(cursor))) }
        var problem: String?
        var page = JSONValue.null
        do {
            page = try await api.call("browseEvents", path: ["stream": name], query: parameters, context: context)
        } catch let error as SluiceError where error.status == .badRequest {
            problem = Self.explain(error)
        }
        let rows = (page["items"]?.arrayValue ?? []).map { Self.eventRow($0, stream: name) }
        let next = page["nextCursor"]?.stringValue.map { cursor in
            Self.streamPath(name) + "/events?"
                + (entered.filter { !$0.value.isEmpty }.sorted { $0.key < $1.key }.map { ($0.key, $0.value) } + [("cursor", cursor)])
                .map { "\($0.0)=\(InProcessAPI.percentEncoded($0.1))" }.joined(separator: "&")
        }
        return try await self.page(
            "events",
            title: "\(name): events",
            section: "streams",
            context: context,
            values: streamValues(name, tab: "events", context: context).merging([
                "entered": entered, "events": rows, "empty": rows.isEmpty && problem == nil, "next": next ?? false, "problem": problem ?? false,
            ]) { $1 }
        )
    }

    /// "2026-12-07T10:15" (a datetime-local input) as RFC 3339 in UTC; anything else unchanged
    /// (the API says what is wrong with it).
    static func utcTime(_ value: String) -> String {
        switch value.count {
        case 16: value + ":00Z"
        case 19: value + "Z"
        default: value
        }
    }

    static func eventRow(_ event: JSONValue, stream: String) -> [String: Any] {
        let partition = Presentation.count(event["partition"])
        let offset = event["offset"]?.numberValue?.literal ?? "0"
        return [
            "id": event["id"]?.stringValue ?? "", "type": event["type"]?.stringValue ?? "", "key": event["key"]?.stringValue ?? "",
            "occurredAt": Presentation.time(event["occurredAt"]?.stringValue), "partition": partition, "offset": offset,
            "href": "\(streamPath(stream))/events/\(partition)/\(offset)",
            "invalid": !(event["schemaErrors"]?.arrayValue ?? []).isEmpty,
        ]
    }

    // MARK: One event

    func eventPage(context: Context) async throws -> Response {
        let name = try context.parameters.require("stream")
        let partition = try context.parameters.require("partition")
        let offset = try context.parameters.require("offset")
        // Path parameters the API checks against its bounds (a number too large is its 400).
        let detail = try await api.call(
            "getEvent",
            path: ["stream": name, "partition": partition, "offset": offset],
            context: context
        )
        let event = detail["event"] ?? .null
        let deliveries: [[String: Any]] = (detail["deliveries"]?.arrayValue ?? []).map { fate in
            let subscription = fate["subscription"]?.stringValue ?? ""
            let delivery = fate["delivery"]
            return [
                "subscription": subscription,
                "href": Self.streamPath(name) + "/subscriptions/" + InProcessAPI.percentEncoded(subscription),
                "state": fate["state"]?.stringValue ?? "",
                "dead": fate["state"]?.stringValue == "dead",
                "deliveryId": delivery?["id"]?.stringValue ?? "",
                "nextAttemptAt": delivery?["nextAttemptAt"]?.stringValue.map(Presentation.time) ?? false,
                "attempts": (delivery?["attempts"]?.arrayValue ?? []).map(Self.attemptRow),
                "hasAttempts": !(delivery?["attempts"]?.arrayValue ?? []).isEmpty,
            ]
        }
        return try await page(
            "event",
            title: "\(name): event \(partition)/\(offset)",
            section: "streams",
            context: context,
            values: streamValues(name, tab: "events", context: context).merging([
                "event": Presentation.template(event),
                "occurredAt": Presentation.time(event["occurredAt"]?.stringValue),
                "receivedAt": Presentation.time(event["receivedAt"]?.stringValue),
                "data": Presentation.prettyJSON(event["data"] ?? .null),
                "attributes": event["attributes"].map(Presentation.prettyJSON) ?? false,
                "schemaErrors": (event["schemaErrors"]?.arrayValue ?? []).map {
                    ["pointer": $0["pointer"]?.stringValue ?? "", "detail": $0["detail"]?.stringValue ?? ""]
                },
                "hasSchemaErrors": !(event["schemaErrors"]?.arrayValue ?? []).isEmpty,
                "deliveries": deliveries, "noDeliveries": deliveries.isEmpty,
                "back": "\(Self.streamPath(name))/events/\(partition)/\(offset)",
            ]) { $1 }
        )
    }

    static func attemptRow(_ attempt: JSONValue) -> [String: Any] {
        [
            "series": Presentation.count(attempt["series"]), "attempt": Presentation.count(attempt["attempt"]),
            "at": Presentation.time(attempt["at"]?.stringValue), "durationMs": Presentation.count(attempt["durationMs"]),
            "status": attempt["status"]?.numberValue?.literal ?? "–", "error": attempt["error"]?.stringValue ?? "",
            "response": attempt["response"]?.stringValue ?? "",
        ]
    }
}

extension HTTPField.Name {
    static let lastEventID = Self("Last-Event-ID")!
}
