import Foundation
import Hummingbird
import SluiceAPI
import SluiceCore
import SluiceDashboard
import SluiceJSON

/// Consumer groups: per partition the committed and end offsets and the lag in events and
/// seconds; the lag over time (the API's minute samples, charted); an offset reset shown as
/// the API's dry-run plan before it is applied.
extension DashboardRoutes {
    func registerConsumerGroups(on pages: RouterGroup<Context>) {
        pages.get("streams/:stream/consumer-groups") { request, context in
            await guarded(request, context) { try await groupList(context: context) }
        }
        pages.get("streams/:stream/consumer-groups/:group") { request, context in
            await guarded(request, context) { try await groupPage(request, context: context) }
        }
        pages.post("streams/:stream/consumer-groups/:group/reset") { request, context in
            await guarded(request, context) { try await resetOffsets(request, context: context, apply: false) }
        }
        pages.post("streams/:stream/consumer-groups/:group/reset/apply") { request, context in
            await guarded(request, context) { try await resetOffsets(request, context: context, apply: true) }
        }
    }

    static func groupPath(_ stream: String, _ group: String) -> String {
        streamPath(stream) + "/consumer-groups/" + InProcessAPI.percentEncoded(group)
    }

    static func groupValues(_ group: JSONValue, stream: String) -> [String: Any] {
        let name = group["name"]?.stringValue ?? ""
        let partitions = group["partitions"]?.arrayValue ?? []
        let seconds = partitions.compactMap { $0["lagSeconds"]?.numberValue?.double }.max() ?? 0
        return [
            "name": name, "href": groupPath(stream, name), "state": group["state"]?.stringValue ?? "",
            "lag": Presentation.count(group["lag"]), "lagSeconds": Presentation.duration(seconds: seconds),
            "members": Presentation.count(Int64((group["members"]?.arrayValue ?? []).count)),
            "start": group["start"]?.stringValue ?? "",
            "partitions": partitions.map { partition in
                [
                    "partition": Presentation.count(partition["partition"]), "committed": Presentation.count(partition["committedOffset"]),
                    "end": Presentation.count(partition["endOffset"]), "lag": Presentation.count(partition["lag"]),
                    "lagSeconds": Presentation.duration(seconds: partition["lagSeconds"]?.numberValue?.double ?? 0),
                    "committedAt": partition["committedAt"]?.stringValue.map(Presentation.time) ?? "never",
                ]
            },
        ]
    }

    func groupList(context: Context) async throws -> Response {
        let stream = try context.parameters.require("stream")
        let list = try await api.call("listConsumerGroups", path: ["stream": stream], context: context)
        let rows = (list["items"]?.arrayValue ?? []).map { Self.groupValues($0, stream: stream) }
        return try await page(
            "groups",
            title: "\(stream): consumer groups",
            section: "streams",
            context: context,
            values: streamValues(stream, tab: "groups", context: context).merging(["groups": rows, "empty": rows.isEmpty]) { $1 }
        )
    }

    /// The chart's windows: a day in 5-minute steps, six hours by the minute, a week hourly.
    static let lagWindows: [(id: String, label: String, seconds: Int, step: Int)] = [
        ("6h", "6 hours", 6 * 3600, 60), ("24h", "24 hours", 86400, 300), ("7d", "7 days", 7 * 86400, 3600),
    ]

    func groupPage(
        _ request: Request,
        context: Context,
        plan: (moves: [JSONValue], form: FormData)? = nil,
        problem: SluiceError? = nil
    ) async throws -> Response {
        let stream = try context.parameters.require("stream")
        let name = try context.parameters.require("group")
        let path = ["stream": stream, "group": name]
        let group = try await api.call("describeConsumerGroup", path: path, context: context)
        let window = Self.lagWindows.first { $0.id == request.uri.queryParameters["window"].map(String.init) } ?? Self.lagWindows[1]
        let now = Date()
        let history = try await api.call(
            "getConsumerGroupLagHistory",
            path: path,
            query: [
                ("since", RFC3339.format(now.addingTimeInterval(-Double(window.seconds)))), ("until", RFC3339.format(now)),
                ("stepSeconds", String(window.step)),
            ],
            context: context
        )
        // One point a step, 0 where no sample was taken (the server was down, or the group new).
        let samples = history["samples"]?.arrayValue ?? []
        var byStep: [Int64: (Double, Double)] = [:]
        for sample in samples {
            guard let at = sample["at"]?.stringValue.flatMap(RFC3339.date) else { continue }
            byStep[Int64(at.timeIntervalSince1970) / Int64(window.step)] = (
                sample["lag"]?.numberValue?.double ?? 0, sample["lagSeconds"]?.numberValue?.double ?? 0
            )
        }
        let first = Int64(now.timeIntervalSince1970) / Int64(window.step) - Int64(window.seconds / window.step) + 1
        let steps = (0..<Int64(window.seconds / window.step)).map { byStep[first + $0] }
        let flash: [String: String]? =
            request.uri.queryParameters["notice"] == "reset" ? ["kind": "ok", "message": "The offsets were moved."] : nil
        var values = streamValues(stream, tab: "groups", context: context)
        values["group"] = Self.groupValues(group, stream: stream)
        values["flash"] = flash ?? false
        values["lagChart"] = Presentation.chart(steps.map { $0?.0 ?? 0 })
        values["secondsChart"] = Presentation.chart(steps.map { $0?.1 ?? 0 })
        values["secondsTop"] = Presentation.duration(seconds: steps.compactMap { $0?.1 }.max() ?? 0)
        values["windows"] = Self.lagWindows.map { item -> [String: Any] in
            let href: String = Self.groupPath(stream, name) + "?window=" + item.id
            return ["id": item.id, "label": item.label, "current": item.id == window.id, "href": href]
        }
        values["window"] = window.label
        values["sampled"] = !samples.isEmpty
        let chosen = plan?.form["to"] ?? "latest"
        values["targets"] = ["earliest", "latest", "offset", "shift", "datetime", "duration"].map { target -> [String: Any] in
            ["value": target, "selected": chosen == target]
        }
        values["problem"] = problem.map(Self.explain) ?? false
        if let plan {
            values["plan"] = [
                "moves": plan.moves.map { move -> [String: Any] in
                    let from = move["from"]?.numberValue?.int64 ?? 0
                    let to = move["to"]?.numberValue?.int64 ?? 0
                    let (change, overflow) = to.subtractingReportingOverflow(from)
                    return [
                        "partition": Presentation.count(move["partition"]), "from": Presentation.count(from), "to": Presentation.count(to),
                        "change": overflow ? "–" : (change > 0 ? "+" : "") + Presentation.count(change),
                    ]
                },
                "hidden": plan.form.fields.filter { ["to", "value", "partitions", "force"].contains($0.name) }.map {
                    ["name": $0.name, "value": $0.value]
                },
            ]
        }
        values["entered"] = [
            "value": plan?.form["value"] ?? "", "partitions": plan?.form["partitions"] ?? "", "force": plan?.form["force"] == "true",
        ]
        return try await page(
            "group",
            title: "\(stream): \(name)",
            section: "streams",
            context: context,
            values: values,
            status: problem?.status ?? .ok
        )
    }

    /// A refusal in one sentence: the API's detail and each field's reason.
    static func explain(_ problem: SluiceError) -> String {
        let fields: [String] = problem.fieldErrors.map { "\($0.pointer): \($0.detail)" }
        return ([problem.detail ?? problem.title] + fields).joined(separator: " ")
    }

    /// The form as the API's reset: the target, its value, the partitions (comma-separated),
    /// force; a dry run first, then the same request applied.
    static func resetBody(_ form: FormData, dryRun: Bool) throws -> JSONValue {
        let to = form["to"] ?? ""
        var body: [String: JSONValue] = ["to": .string(to), "dryRun": .bool(dryRun)]
        let value = form["value"] ?? ""
        func integer(_ field: String) throws -> JSONValue {
            guard let number = Int(value) else {
                throw SluiceError.badRequest("The form is invalid.", fieldErrors: [.init(pointer: "/\(field)", detail: "must be a whole number")])
            }
            return .number(JSONNumber(number))
        }
        switch to {
        case "offset": body["offset"] = try integer("offset")
        case "shift": body["shift"] = try integer("shift")
        case "duration": body["durationSeconds"] = try integer("durationSeconds")
        case "datetime": body["datetime"] = .string(utcTime(value))
        default: break
        }
        let partitions = (form["partitions"] ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        if !partitions.isEmpty {
            var numbers: [JSONValue] = []
            for partition in partitions {
                guard let number = Int(partition) else {
                    throw SluiceError.badRequest(
                        "The form is invalid.",
                        fieldErrors: [.init(pointer: "/partitions", detail: "partition numbers, comma-separated")]
                    )
                }
                numbers.append(.number(JSONNumber(number)))
            }
            body["partitions"] = .array(numbers)
        }
        if form["force"] == "true" { body["force"] = true }
        return .object(body)
    }

    func resetOffsets(_ request: Request, context: Context, apply: Bool) async throws -> Response {
        var request = request
        let stream = try context.parameters.require("stream")
        let name = try context.parameters.require("group")
        let form = try await Self.form(&request, context: context)
        do {
            let result = try await api.call(
                "resetConsumerGroupOffsets",
                path: ["stream": stream, "group": name],
                body: try Self.resetBody(form, dryRun: !apply),
                context: context
            )
            if apply { return Self.redirect(Self.groupPath(stream, name) + "?notice=reset", request: request) }
            return try await groupPage(request, context: context, plan: (result["moves"]?.arrayValue ?? [], form))
        } catch let problem as SluiceError where [.badRequest, .conflict].contains(problem.status) {
            return try await groupPage(request, context: context, plan: nil, problem: problem)
        }
    }
}
