import Foundation
import Hummingbird
import SluiceCore
import SluiceDashboard
import SluiceJSON

/// Schemas: each event type's versions, two of them side by side, and a candidate tested
/// against the stream's compatibility rule (the API's report, one broken rule a line), then
/// registered.
extension DashboardRoutes {
    func registerSchemas(on pages: RouterGroup<Context>) {
        pages.get("streams/:stream/schemas") { request, context in
            await guarded(request, context) {
                // The list's "another type" form names a type: its page.
                if let type = request.uri.queryParameters["type"], !type.isEmpty {
                    return Self.redirect(Self.schemaPath(try context.parameters.require("stream"), String(type)))
                }
                return try await schemaList(context: context)
            }
        }
        pages.get("streams/:stream/schemas/:type") { request, context in
            await guarded(request, context) { try await schemaPage(request, context: context) }
        }
        pages.post("streams/:stream/schemas/:type") { request, context in
            await guarded(request, context) { try await testSchema(request, context: context) }
        }
    }

    static func schemaPath(_ stream: String, _ type: String) -> String {
        streamPath(stream) + "/schemas/" + InProcessAPI.percentEncoded(type)
    }

    func schemaList(context: Context) async throws -> Response {
        let stream = try context.parameters.require("stream")
        let versions = try await api.call("listSchemas", path: ["stream": stream], context: context)["items"]?.arrayValue ?? []
        var types: [String: (count: Int, latest: JSONValue)] = [:]
        for version in versions {
            let type = version["eventType"]?.stringValue ?? ""
            let number = version["version"]?.numberValue?.int64 ?? 0
            let latest = types[type].map { ($0.latest["version"]?.numberValue?.int64 ?? 0) < number ? version : $0.latest } ?? version
            types[type] = ((types[type]?.count ?? 0) + 1, latest)
        }
        let rows = types.sorted { $0.key < $1.key }.map { type, entry -> [String: Any] in
            [
                "type": type, "href": Self.schemaPath(stream, type), "versions": entry.count,
                "latest": Presentation.count(entry.latest["version"]), "registered": Presentation.time(entry.latest["createdAt"]?.stringValue),
            ]
        }
        let stored = try await api.call("getStream", path: ["stream": stream], context: context)
        return try await page(
            "schemas",
            title: "\(stream): schemas",
            section: "streams",
            context: context,
            values: streamValues(stream, tab: "schemas", context: context).merging([
                "types": rows, "empty": rows.isEmpty, "mode": stored["schemaMode"]?.stringValue ?? "",
                "compatibility": stored["compatibility"]?.stringValue ?? "",
            ]) { $1 }
        )
    }

    func schemaPage(
        _ request: Request,
        context: Context,
        candidate: String = "",
        report: JSONValue? = nil,
        problem: SluiceError? = nil,
        status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        let stream = try context.parameters.require("stream")
        let type = try context.parameters.require("type")
        let versions =
            try await api.call("listSchemaVersions", path: ["stream": stream, "eventType": type], context: context)["items"]?
            .arrayValue ?? []
        let numbers = versions.compactMap { $0["version"]?.numberValue?.int64 }
        let query = request.uri.queryParameters
        let right = query["right"].flatMap { Int64($0) }.flatMap { numbers.contains($0) ? $0 : nil } ?? numbers.last
        let left = query["left"].flatMap { Int64($0) }.flatMap { numbers.contains($0) ? $0 : nil } ?? numbers.dropLast().last ?? right
        let text = { (number: Int64?) in
            versions.first { $0["version"]?.numberValue?.int64 == number }.map { Presentation.prettyJSON($0["schema"] ?? .null) } ?? ""
        }
        let rows = Presentation.diff(text(left), text(right)).map { row -> [String: Any] in
            ["left": row.left ?? "", "right": row.right ?? "", "change": row.change.rawValue]
        }
        let stored = try await api.call("getStream", path: ["stream": stream], context: context)
        let choices = { (chosen: Int64?) in numbers.map { ["version": $0, "selected": $0 == chosen] as [String: Any] } }
        var values = streamValues(stream, tab: "schemas", context: context)
        values["type"] = type
        values["href"] = Self.schemaPath(stream, type)
        values["versions"] = versions.map { version -> [String: Any] in
            [
                "version": Presentation.count(version["version"]), "createdAt": Presentation.time(version["createdAt"]?.stringValue),
                "fingerprint": String((version["fingerprint"]?.stringValue ?? "").prefix(16)),
            ]
        }
        values["hasVersions"] = !versions.isEmpty
        values["left"] = left.map(String.init) ?? ""
        values["right"] = right.map(String.init) ?? ""
        values["leftChoices"] = choices(left)
        values["rightChoices"] = choices(right)
        values["diff"] = rows
        values["same"] = left == right
        values["changes"] = rows.filter { ($0["change"] as? String) != "same" }.count
        values["candidate"] = candidate.isEmpty ? text(right) : candidate
        values["compatibility"] = stored["compatibility"]?.stringValue ?? ""
        values["report"] = report.map(Self.compatibilityReport) ?? false
        values["problem"] = problem.map(Self.explain) ?? false
        return try await page("schema", title: "\(stream): \(type)", section: "streams", context: context, values: values, status: status)
    }

    /// The API's compatibility report: the verdict and each broken rule.
    static func compatibilityReport(_ report: JSONValue) -> [String: Any] {
        let errors: [[String: String]] = (report["errors"]?.arrayValue ?? []).map {
            ["pointer": $0["pointer"]?.stringValue ?? "", "detail": $0["detail"]?.stringValue ?? ""]
        }
        let checked: [String] = (report["checkedVersions"]?.arrayValue ?? []).compactMap { $0.numberValue?.literal }
        return [
            "compatible": report["compatible"]?.boolValue ?? false, "rule": report["compatibility"]?.stringValue ?? "",
            "checked": checked.joined(separator: ", "), "errors": errors,
        ]
    }

    /// Tests the pasted schema (`test`), or registers it (`register`) and shows the new version.
    func testSchema(_ request: Request, context: Context) async throws -> Response {
        var request = request
        let stream = try context.parameters.require("stream")
        let type = try context.parameters.require("type")
        let form = try await Self.form(&request, context: context)
        let text = form.all("schema").first ?? ""
        let schema: JSONValue
        do {
            schema = try JSONParser.parse(Array(text.utf8))
        } catch {
            return try await schemaPage(
                request,
                context: context,
                candidate: text,
                problem: SluiceError.badRequest("The schema is not JSON: \(error)"),
                status: .badRequest
            )
        }
        let path = ["stream": stream, "eventType": type]
        do {
            if form["intent"] == "register" {
                let created = try await api.call("registerSchema", path: path, body: ["schema": schema], context: context)
                let version = created["version"]?.numberValue?.literal ?? ""
                return Self.redirect(Self.schemaPath(stream, type) + "?right=\(version)", request: request)
            }
            let report = try await api.call("testSchemaCompatibility", path: path, body: ["schema": schema], context: context)
            return try await schemaPage(request, context: context, candidate: text, report: report)
        } catch let problem as SluiceError where [.badRequest, .conflict].contains(problem.status) {
            return try await schemaPage(request, context: context, candidate: text, problem: problem, status: problem.status)
        }
    }
}
