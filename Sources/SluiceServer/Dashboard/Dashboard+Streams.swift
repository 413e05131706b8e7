import Foundation
import Hummingbird
import SluiceCore
import SluiceDashboard
import SluiceJSON

/// Streams: the list, one stream with its partitions, and create, edit and delete.
extension DashboardRoutes {
    func registerStreams(on pages: RouterGroup<Context>) {
        pages.get("streams") { request, context in await guarded(request, context) { try await streamList(context: context) } }
        pages.get("streams/new") { request, context in
            await guarded(request, context) { try await streamForm(context: context, values: Self.streamDefaults) }
        }
        pages.post("streams") { request, context in await guarded(request, context) { try await createStream(request, context: context) } }
        pages.get("streams/:stream") { request, context in
            await guarded(request, context) { try await streamPage(request, context: context) }
        }
        pages.get("streams/:stream/edit") { request, context in
            await guarded(request, context) {
                let name = try context.parameters.require("stream")
                let stream = try await api.call("getStream", path: ["stream": name], context: context)
                return try await streamForm(context: context, values: Self.formValues(of: stream), stream: name)
            }
        }
        pages.post("streams/:stream/edit") { request, context in
            await guarded(request, context) { try await updateStream(request, context: context) }
        }
        pages.get("streams/:stream/delete") { request, context in
            await guarded(request, context) {
                let name = try context.parameters.require("stream")
                let stream = try await api.call("getStream", path: ["stream": name], context: context)
                let stored = (stream["nextOffsets"]?.arrayValue ?? []).compactMap { $0.numberValue?.int64 }.reduce(0, &+)
                return try await page(
                    "confirm",
                    title: "Delete \(name)",
                    section: "streams",
                    context: context,
                    values: [
                        "heading": "Delete the stream \(name)?",
                        "question": "This cannot be undone.",
                        "consequences": [
                            "items": [
                                "Its \(Presentation.count(stored)) stored events are deleted.",
                                "Its schemas, consumer groups, subscriptions, dead letters, pull sources and rollups go with it.",
                                "Producers writing to it get 404 from then on.",
                            ]
                        ],
                        "typeToConfirm": name,
                        "action": Self.streamPath(name) + "/delete",
                        "button": "Delete the stream",
                        "cancel": Self.streamPath(name),
                    ]
                )
            }
        }
        pages.post("streams/:stream/delete") { request, context in
            await guarded(request, context) {
                var request = request
                let name = try context.parameters.require("stream")
                let form = try await Self.form(&request, context: context)
                guard form["confirm"] == name else {
                    throw SluiceError.badRequest("Type the stream's name to confirm; nothing was deleted.")
                }
                _ = try await api.call("deleteStream", path: ["stream": name], context: context)
                return Self.redirect("/dashboard/streams?notice=deleted", request: request)
            }
        }
    }

    func streamList(context: Context) async throws -> Response {
        let streams = try await api.call("listStreams", context: context)
        let rows: [[String: Any]] = (streams["items"]?.arrayValue ?? []).map { stream in
            let offsets = (stream["nextOffsets"]?.arrayValue ?? []).compactMap { $0.numberValue?.int64 }
            let name = stream["name"]?.stringValue ?? ""
            return [
                "name": name,
                "href": Self.streamPath(name),
                "description": stream["description"]?.stringValue ?? "",
                "partitions": Presentation.count(stream["partitions"]),
                "stored": Presentation.count(offsets.reduce(0, &+)),
                "schemaMode": stream["schemaMode"]?.stringValue ?? "",
                "retention": Presentation.duration(seconds: stream["retentionSeconds"]?.numberValue?.double ?? 0),
            ]
        }
        return try await page(
            "streams",
            title: "Streams",
            section: "streams",
            context: context,
            values: ["streams": rows, "empty": rows.isEmpty]
        )
    }

    func streamPage(_ request: Request, context: Context) async throws -> Response {
        let name = try context.parameters.require("stream")
        let stream = try await api.call("getStream", path: ["stream": name], context: context)
        let offsets = (stream["nextOffsets"]?.arrayValue ?? []).compactMap { $0.numberValue?.int64 }
        let dimensions = (stream["dimensions"]?.objectValue ?? [:]).sorted { $0.key < $1.key }.map {
            ["name": $0.key, "pointer": $0.value.stringValue ?? ""]
        }
        let notice: String? =
            switch request.uri.queryParameters["notice"] {
            case "created": "The stream was created."
            case "updated": "The stream was saved."
            default: nil
            }
        return try await page(
            "stream",
            title: name,
            section: "streams",
            context: context,
            values: [
                "flash": notice.map { ["kind": "ok", "message": $0] } ?? false,
                "stream": Presentation.template(stream),
                "name": name,
                "path": Self.streamPath(name),
                "tabs": streamTabs(name, current: "partitions", context: context),
                "stored": Presentation.count(offsets.reduce(0, &+)),
                "retention": Presentation.duration(seconds: stream["retentionSeconds"]?.numberValue?.double ?? 0),
                "dedupeWindow": Presentation.duration(seconds: stream["dedupeWindowSeconds"]?.numberValue?.double ?? 0),
                "lateness": Presentation.duration(seconds: stream["allowedLatenessSeconds"]?.numberValue?.double ?? 0),
                "createdAt": Presentation.time(stream["createdAt"]?.stringValue),
                "dimensions": dimensions,
                "hasDimensions": !dimensions.isEmpty,
                "partitions": offsets.enumerated().map {
                    ["partition": $0.offset, "endOffset": Presentation.count($0.element), "end": String($0.element)] as [String: Any]
                },
            ]
        )
    }

    // MARK: The form

    /// What the create form starts with: the API's defaults.
    static let streamDefaults: [String: String] = [
        "partitions": "1", "retentionHours": "168", "dedupeMinutes": "1440", "schemaMode": "off", "compatibility": "BACKWARD",
        "latenessSeconds": "3600",
    ]

    static func formValues(of stream: JSONValue) -> [String: String] {
        func whole(_ key: String, _ unit: Int64) -> String {
            (stream[key]?.numberValue?.int64).map { String($0 / unit) } ?? ""
        }
        let dimensions = (stream["dimensions"]?.objectValue ?? [:]).sorted { $0.key < $1.key }
            .map { "\($0.key)=\($0.value.stringValue ?? "")" }.joined(separator: "\n")
        return [
            "name": stream["name"]?.stringValue ?? "",
            "description": stream["description"]?.stringValue ?? "",
            "partitions": whole("partitions", 1),
            "retentionHours": whole("retentionSeconds", 3600),
            "dedupeMinutes": whole("dedupeWindowSeconds", 60),
            "latenessSeconds": whole("allowedLatenessSeconds", 1),
            "schemaMode": stream["schemaMode"]?.stringValue ?? "off",
            "compatibility": stream["compatibility"]?.stringValue ?? "BACKWARD",
            "dimensions": dimensions,
        ]
    }

    /// The API's field for each of the form's, to show its refusals beside the right input.
    static let streamFields: [String: String] = [
        "/name": "name", "/description": "description", "/partitions": "partitions", "/retentionSeconds": "retentionHours",
        "/dedupeWindowSeconds": "dedupeMinutes", "/allowedLatenessSeconds": "latenessSeconds", "/schemaMode": "schemaMode",
        "/compatibility": "compatibility", "/dimensions": "dimensions",
    ]

    func streamForm(
        context: Context,
        values: [String: String],
        stream: String? = nil,
        problem: SluiceError? = nil
    ) async throws -> Response {
        var errors: [String: String] = [:]
        for field in problem?.fieldErrors ?? [] {
            let key = Self.streamFields.first { field.pointer == $0.key || field.pointer.hasPrefix($0.key + "/") }?.value ?? "form"
            errors[key, default: ""] += (errors[key] == nil ? "" : " ") + field.detail
        }
        let select = { (key: String, options: [String]) in
            options.map { ["value": $0, "selected": values[key] == $0] as [String: Any] }
        }
        return try await page(
            "stream-form",
            title: stream.map { "Edit \($0)" } ?? "New stream",
            section: "streams",
            context: context,
            values: [
                "editing": stream != nil,
                "action": stream.map { Self.streamPath($0) + "/edit" } ?? "/dashboard/streams",
                "cancel": stream.map(Self.streamPath) ?? "/dashboard/streams",
                "values": values,
                "errors": errors,
                "problem": problem.map { ($0.fieldErrors.isEmpty ? $0.detail : nil) ?? "Some fields need another value." } ?? false,
                "schemaModes": select("schemaMode", ["off", "warn", "enforce"]),
                "compatibilities": select(
                    "compatibility",
                    ["NONE", "BACKWARD", "BACKWARD_TRANSITIVE", "FORWARD", "FORWARD_TRANSITIVE", "FULL", "FULL_TRANSITIVE"]
                ),
            ],
            status: problem?.status ?? .ok
        )
    }

    /// The form as the API's request body; what the form itself cannot hold (a count that is
    /// not a number, a dimension line without `=`) is refused as the API would refuse it.
    static func streamBody(_ form: FormData, creating: Bool) throws -> JSONValue {
        let values = entered(form)
        var body: [String: JSONValue] = [:]
        var errors: [SluiceError.FieldError] = []
        if creating { body["name"] = .string(values["name"] ?? "") }
        body["description"] = .string(values["description"] ?? "")
        for (key, member, unit) in [
            ("partitions", "partitions", 1), ("retentionHours", "retentionSeconds", 3600), ("dedupeMinutes", "dedupeWindowSeconds", 60),
            ("latenessSeconds", "allowedLatenessSeconds", 1),
        ] {
            guard let text = values[key], !text.isEmpty else { continue }
            guard let number = Int(text) else {
                errors.append(.init(pointer: "/\(member)", detail: "must be a whole number"))
                continue
            }
            // A product past Int's range is sent as the largest Int, which the API refuses by its bound.
            let (product, overflow) = number.multipliedReportingOverflow(by: unit)
            body[member] = .number(JSONNumber(overflow ? (number < 0 ? Int.min : Int.max) : product))
        }
        for key in ["schemaMode", "compatibility"] where !(values[key] ?? "").isEmpty {
            body[key] = .string(values[key] ?? "")
        }
        var dimensions: [String: JSONValue] = [:]
        for line in (values["dimensions"] ?? "").split(whereSeparator: \.isNewline) where !line.allSatisfy(\.isWhitespace) {
            let parts = line.split(separator: "=", maxSplits: 1)
            guard parts.count == 2 else {
                errors.append(.init(pointer: "/dimensions", detail: "each line is name=/json/pointer"))
                continue
            }
            dimensions[parts[0].trimmingCharacters(in: .whitespaces)] = .string(parts[1].trimmingCharacters(in: .whitespaces))
        }
        body["dimensions"] = .object(dimensions)
        guard errors.isEmpty else {
            throw SluiceError.badRequest("The form is invalid.", fieldErrors: errors)
        }
        return .object(body)
    }

    func createStream(_ request: Request, context: Context) async throws -> Response {
        var request = request
        let form = try await Self.form(&request, context: context)
        do {
            let stream = try await api.call("createStream", body: try Self.streamBody(form, creating: true), context: context)
            return Self.redirect(Self.streamPath(stream["name"]?.stringValue ?? "") + "?notice=created", request: request)
        } catch let problem as SluiceError where problem.status == .badRequest || problem.status == .conflict {
            return try await streamForm(context: context, values: Self.entered(form), problem: problem)
        }
    }

    func updateStream(_ request: Request, context: Context) async throws -> Response {
        var request = request
        let name = try context.parameters.require("stream")
        let form = try await Self.form(&request, context: context)
        do {
            _ = try await api.call("updateStream", path: ["stream": name], body: try Self.streamBody(form, creating: false), context: context)
            return Self.redirect(Self.streamPath(name) + "?notice=updated", request: request)
        } catch let problem as SluiceError where problem.status == .badRequest || problem.status == .conflict {
            return try await streamForm(context: context, values: Self.entered(form), stream: name, problem: problem)
        }
    }

    /// What was typed, to show the form again as it was sent.
    static func entered(_ form: FormData) -> [String: String] {
        var values: [String: String] = [:]
        for key in ["name", "description", "partitions", "retentionHours", "dedupeMinutes", "latenessSeconds", "schemaMode", "compatibility"] {
            values[key] = form[key] ?? ""
        }
        values["dimensions"] = form.all("dimensions").first ?? ""
        return values
    }

    /// A stream's page.
    static func streamPath(_ name: String) -> String { "/dashboard/streams/" + InProcessAPI.percentEncoded(name) }
}
