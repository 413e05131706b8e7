import Foundation
import Hummingbird
import SluiceAPI
import SluiceCore
import SluiceDashboard
import SluiceJSON

/// The overview: each stream's ingest over the last hour, the consumer groups furthest behind,
/// the dead-letter queues, this month's quota and the latest audit entries. It refreshes
/// itself every 10 seconds (htmx swaps the section in place).
extension DashboardRoutes {
    /// Streams whose rates and groups the overview reads (one call each); the rest are counted.
    static let overviewStreams = 20

    func overview(_ request: Request, context: Context) async throws -> Response {
        guard let identity = context.identity else { throw SluiceError.unauthorized("Sign in again.") }
        let streams = try await api.call("listStreams", context: context)["items"]?.arrayValue ?? []
        let now = Date()
        let hourAgo = now.addingTimeInterval(-3600)
        var rows: [[String: Any]] = []
        var groups: [(lag: Int64, seconds: Double, values: [String: Any])] = []
        var deadLetters: [(depth: Int64, values: [String: Any])] = []
        for stream in streams.prefix(Self.overviewStreams) {
            let name = stream["name"]?.stringValue ?? ""
            let path = "/dashboard/streams/\(InProcessAPI.percentEncoded(name))"
            let stored = (stream["nextOffsets"]?.arrayValue ?? []).compactMap { $0.numberValue?.int64 }.reduce(0, &+)
            // The rollups count events by their time; a stream whose rollups are off or behind
            // shows what they have.
            let series = try? await api.call(
                "getAnalyticsSeries",
                path: ["stream": name],
                query: [("metric", "events"), ("resolution", "5m"), ("from", RFC3339.format(hourAgo)), ("to", RFC3339.format(now))],
                context: context
            )
            let counts = (series?["buckets"]?.arrayValue ?? []).map { $0["value"]?.numberValue?.double ?? 0 }
            let lastHour = counts.reduce(0, +)
            rows.append([
                "name": name, "href": path, "stored": Presentation.count(stored),
                "lastHour": series == nil ? "–" : Presentation.count(lastHour),
                "points": Presentation.sparkline(counts),
                "label": "\(name): \(Presentation.count(lastHour)) events in the last hour, in 5-minute steps",
            ])
            if identity.permissions.contains(.eventsRead) {
                for group in (try? await api.call("listConsumerGroups", path: ["stream": name], context: context))?["items"]?.arrayValue ?? [] {
                    let lag = group["lag"]?.numberValue?.int64 ?? 0
                    let seconds = (group["partitions"]?.arrayValue ?? []).compactMap { $0["lagSeconds"]?.numberValue?.double }.max() ?? 0
                    groups.append(
                        (
                            lag, seconds,
                            [
                                "stream": name, "streamHref": path, "name": group["name"]?.stringValue ?? "",
                                "state": group["state"]?.stringValue ?? "", "lag": Presentation.count(lag),
                                "lagSeconds": Presentation.duration(seconds: seconds),
                            ]
                        )
                    )
                }
                for subscription in (try? await api.call("listSubscriptions", path: ["stream": name], context: context))?["items"]?.arrayValue
                    ?? []
                {
                    let depth = subscription["deadLetters"]?.numberValue?.int64 ?? 0
                    guard depth > 0 else { continue }
                    deadLetters.append(
                        (
                            depth,
                            [
                                "stream": name, "streamHref": path, "name": subscription["name"]?.stringValue ?? "",
                                "depth": Presentation.count(depth),
                                "oldest": Presentation.duration(seconds: subscription["oldestDeadLetterAgeSeconds"]?.numberValue?.double ?? 0),
                            ]
                        )
                    )
                }
            }
        }
        var values: [String: Any] = [
            "streams": rows,
            "noStreams": streams.isEmpty,
            "moreStreams": streams.count > Self.overviewStreams ? Presentation.count(Int64(streams.count - Self.overviewStreams)) : false,
            "groups": groups.sorted { ($0.seconds, $0.lag) > ($1.seconds, $1.lag) }.prefix(5).map(\.values),
            "noGroups": groups.isEmpty,
            "deadLetters": deadLetters.sorted { $0.depth > $1.depth }.prefix(5).map(\.values),
            "deadLetterTotal": Presentation.count(deadLetters.reduce(0) { $0 &+ $1.depth }),
        ]
        if identity.permissions.contains(.tenantRead), let usage = try? await api.call("getUsage", query: [("months", "1")], context: context),
            let month = usage["periods"]?.arrayValue?.first
        {
            let events = month["events"]?.numberValue?.int64 ?? 0
            let quota = month["quota"]?.numberValue?.int64
            values["usage"] =
                [
                    "plan": usage["plan"]?.stringValue ?? "", "period": month["period"]?.stringValue ?? "",
                    "events": Presentation.count(events), "quota": quota.map(Presentation.count) ?? "unlimited",
                    "percent": quota.flatMap { Presentation.percent(events, of: $0) } ?? false,
                ] as [String: Any]
        }
        if identity.permissions.contains(.auditRead),
            let audit = try? await api.call("listAuditLog", query: [("limit", "8")], context: context)
        {
            values["audit"] = (audit["items"]?.arrayValue ?? []).map { entry -> [String: Any] in
                [
                    "at": Presentation.time(entry["occurredAt"]?.stringValue), "action": entry["action"]?.stringValue ?? "",
                    "actor": entry["actor"]?["label"]?.stringValue ?? entry["actor"]?["id"]?.stringValue ?? "",
                    "target": [entry["targetType"]?.stringValue, entry["targetId"]?.stringValue].compactMap { $0 }.joined(separator: " "),
                ]
            }
        }
        return try await page("overview", title: "Overview", section: "overview", context: context, values: values)
    }
}
