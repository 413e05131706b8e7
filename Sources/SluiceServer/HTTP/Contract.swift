import Foundation
import SluiceAPI
import SluiceCore
import SluiceJSON
import Yams

/// The OpenAPI document as the server enforces it: for each operation, its parameters and
/// request bodies as JSON Schemas (OpenAPI 3.1 schemas are JSON Schema 2020-12), checked by
/// `ContractTransport` before any handler runs. Every bound, pattern, length, enum and
/// `additionalProperties: false` of the document therefore holds for every generated
/// endpoint, and a new endpoint is bounded by what its document says.
struct Contract: Sendable {
    enum Location: String, Sendable { case path, query, header }

    struct Parameter: Sendable {
        var name: String
        var location: Location
        var required: Bool
        /// Where its schema is in `schema` (a JSON pointer).
        var pointer: String
        /// The top-level type, to read a text value as a number or a boolean.
        var type: String?
        var isArray: Bool
        var itemType: String?
        /// `date-time` and `uuid` are checked as the generated code reads them.
        var format: String?
    }

    struct Operation: Sendable {
        var id: String
        var method: String
        var path: String
        var secured: Bool
        /// What the caller must hold (`x-sluice-permission`): a permission, `member` (a signed-in
        /// member, not an API key) or `authenticated` (anyone with credentials); what depends on
        /// the resource (a member leaving, an owner's role) is decided with it.
        var access: Access

        enum Access: Sendable, Equatable {
            case authenticated, member
            case permission(Permission)
        }
        var parameters: [Parameter]
        var bodyRequired: Bool
        /// Media type → pointer to its schema.
        var bodies: [String: String]
    }

    struct DocumentError: Error, CustomStringConvertible {
        var description: String
    }

    /// "METHOD /path/{param}", as the generated code registers them.
    let operations: [String: Operation]
    /// The same, by path template and then method (looked up for every request).
    let operationsByRoute: [String: [String: Operation]]
    /// One schema holding every parameter and body schema under `$defs`, with the document's
    /// `components` beside them for their references.
    let schema: JSONSchema
    let document: JSONValue
    /// Each path of the document with the methods it declares, to match a request's path.
    let routes: [Route]

    struct Route: Sendable {
        /// Its segments; `nil` where the template has a parameter.
        let segments: [Substring?]
        let template: String
        let methods: [String]
        /// 1 for each literal segment, 0 for each parameter: of two routes that match, the one
        /// greater in this order wins.
        let specificity: [Int]

        init(template: String, methods: [String]) {
            self.template = template
            self.methods = methods
            segments = template.split(separator: "/").map { $0.hasPrefix("{") && $0.hasSuffix("}") ? nil : $0 }
            specificity = segments.map { $0 == nil ? 0 : 1 }
        }

        func matches(_ parts: [Substring]) -> Bool {
            guard parts.count == segments.count else { return false }
            for (part, segment) in zip(parts, segments) {
                if let segment { if segment != part { return false } } else if part.isEmpty { return false }
            }
            return true
        }
    }

    /// The document's path that a request path (no query) is, if any: a literal segment wins
    /// over a parameter (`/invitations/accept` over `/invitations/{invitationId}`).
    func route(path: String) -> Route? {
        guard path.hasPrefix("/") else { return nil }
        let parts = path.split(separator: "/", omittingEmptySubsequences: false).dropFirst().map { $0 }
        // Every request asks (authentication, allowed methods): one pass, no copies.
        var best: Route?
        for route in routes where route.matches(parts) {
            if let current = best, !current.specificity.lexicographicallyPrecedes(route.specificity) { continue }
            best = route
        }
        return best
    }

    /// The operation a request is, if the document declares it.
    func operation(method: String, path: String) -> Operation? {
        route(path: path).flatMap { operationsByRoute[$0.template]?[method] }
    }

    /// The contract the server was built with, read once per process.
    static let current = Result { try Contract(yaml: SluiceAPIContract.document) }

    init(yaml: String) throws {
        guard let loaded = try Yams.load(yaml: yaml) else { throw DocumentError(description: "the OpenAPI document is empty") }
        let document = try Self.json(loaded)
        self.document = document
        let components = document["components"] ?? .object([:])
        var defs: [String: JSONValue] = [:]
        var operations: [String: Operation] = [:]

        func resolve(_ value: JSONValue) -> JSONValue {
            guard let reference = value["$ref"]?.stringValue, reference.hasPrefix("#") else { return value }
            return JSONPointer.resolve(String(reference.dropFirst()), in: document).map(resolve) ?? value
        }
        func define(_ schema: JSONValue) -> String {
            let name = "s\(defs.count)"
            defs[name] = schema
            return "/$defs/" + name
        }

        let globalSecurity = document["security"]?.arrayValue ?? []
        for (path, item) in document["paths"]?.objectValue ?? [:] {
            let shared = item["parameters"]?.arrayValue ?? []
            for method in ["get", "put", "post", "delete", "patch", "head", "options"] {
                guard let operation = item[method] else { continue }
                var parameters: [String: Parameter] = [:]
                for raw in shared + (operation["parameters"]?.arrayValue ?? []) {
                    let parameter = resolve(raw)
                    guard let name = parameter["name"]?.stringValue, let location = parameter["in"]?.stringValue.flatMap(Location.init)
                    else { continue }
                    let schema = parameter["schema"] ?? .object([:])
                    let top = resolve(schema)
                    let items = top["items"].map(resolve)
                    // Operation-level parameters override path-level ones of the same name and place.
                    parameters["\(location) \(name)"] = Parameter(
                        name: name,
                        location: location,
                        required: parameter["required"]?.boolValue ?? (location == .path),
                        pointer: define(schema),
                        type: top["type"]?.stringValue,
                        isArray: top["type"]?.stringValue == "array",
                        itemType: items?["type"]?.stringValue,
                        format: top["format"]?.stringValue
                    )
                }
                var bodies: [String: String] = [:]
                var bodyRequired = false
                if let body = operation["requestBody"].map(resolve) {
                    bodyRequired = body["required"]?.boolValue ?? false
                    for (media, content) in body["content"]?.objectValue ?? [:] {
                        if let schema = content["schema"] { bodies[media] = define(schema) }
                    }
                }
                let security = operation["security"]?.arrayValue ?? globalSecurity
                let secured = !security.isEmpty && !security.contains { $0.objectValue?.isEmpty ?? false }
                let id = operation["operationId"]?.stringValue ?? "\(method) \(path)"
                let permission = operation["x-sluice-permission"]?.stringValue
                if secured, permission == nil {
                    throw DocumentError(description: "\(id) needs credentials but names no x-sluice-permission")
                }
                let access: Operation.Access
                switch permission {
                case nil, "authenticated": access = .authenticated
                case "member": access = .member
                case let name?:
                    guard let known = Permission(rawValue: name) else {
                        throw DocumentError(description: "\(id): x-sluice-permission '\(name)' is no permission")
                    }
                    access = .permission(known)
                }
                operations["\(method.uppercased()) \(path)"] = Operation(
                    id: id,
                    method: method.uppercased(),
                    path: path,
                    secured: secured,
                    access: access,
                    parameters: Array(parameters.values),
                    bodyRequired: bodyRequired,
                    bodies: bodies
                )
            }
        }
        self.operations = operations
        operationsByRoute = Dictionary(grouping: operations.values, by: \.path).mapValues { sameRoute in
            Dictionary(sameRoute.map { ($0.method, $0) }) { first, _ in first }
        }
        var routes: [Route] = []
        for (path, item) in document["paths"]?.objectValue ?? [:] {
            let methods = ["GET", "PUT", "POST", "DELETE", "PATCH"].filter { operations["\($0) \(path)"] != nil }
            routes.append(Route(template: path, methods: methods))
        }
        self.routes = routes
        // The component schemas are under $defs too, so that their patterns are compiled;
        // references keep pointing at #/components/…, which resolve in this same root.
        for (name, schema) in components["schemas"]?.objectValue ?? [:] { defs["c_" + name] = schema }
        do {
            schema = try JSONSchema(.object(["$defs": .object(defs), "components": components]))
        } catch {
            throw DocumentError(description: "the OpenAPI document's schemas are not usable: \(error)")
        }
    }

    /// YAML as loaded by Yams, as JSON.
    static func json(_ value: Any) throws -> JSONValue {
        switch value {
        case is NSNull: return .null
        case let value as Bool: return .bool(value)
        case let value as Int: return .number(JSONNumber(value))
        case let value as Double: return .number(JSONNumber(value))
        case let value as String: return .string(value)
        // YAML reads an unquoted RFC 3339 time (in an example) as a date.
        case let value as Date: return .string(RFC3339.format(value))
        case let value as [Any]: return .array(try value.map(json))
        case let value as [String: Any]: return .object(try value.mapValues(json))
        case let value as [AnyHashable: Any]:
            var members: [String: JSONValue] = [:]
            for (key, member) in value { members["\(key.base)"] = try json(member) }
            return .object(members)
        default:
            throw DocumentError(description: "the OpenAPI document holds a value JSON cannot: \(type(of: value))")
        }
    }
}
