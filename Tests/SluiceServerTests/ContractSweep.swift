import Foundation
import HTTPTypes
import SluiceAPI

@testable import SluiceJSON
@testable import SluiceServer

/// Walks the OpenAPI document the server enforces, so that attack tests cover every
/// operation there is, including ones added after the tests were written.
struct ContractSweep {
    let document: JSONValue

    init() throws { document = try Contract.current.get().document }

    struct Operation {
        var method: HTTPRequest.Method
        var path: String
        var id: String
        var parameters: [JSONValue]
        /// The JSON body's schema, if it takes one.
        var body: JSONValue?
    }

    var operations: [Operation] {
        var result: [Operation] = []
        for (path, item) in document["paths"]?.objectValue ?? [:] {
            for method in ["get", "put", "post", "delete", "patch"] {
                guard let operation = item[method] else { continue }
                let body = operation["requestBody"].map(resolve)?["content"]?["application/json"]?["schema"]
                result.append(
                    Operation(
                        method: HTTPRequest.Method(method.uppercased())!,
                        path: path,
                        id: operation["operationId"]?.stringValue ?? path,
                        parameters: ((item["parameters"]?.arrayValue ?? []) + (operation["parameters"]?.arrayValue ?? [])).map(resolve),
                        body: body
                    )
                )
            }
        }
        return result.sorted { $0.id < $1.id }
    }

    func resolve(_ value: JSONValue) -> JSONValue {
        guard let reference = value["$ref"]?.stringValue else { return value }
        return JSONPointer.resolve(String(reference.dropFirst()), in: document).map(resolve) ?? value
    }

    /// `allOf` members merged into one schema (what the sampler needs of them).
    func flattened(_ schema: JSONValue) -> JSONValue {
        let schema = resolve(schema)
        guard let parts = schema["allOf"]?.arrayValue, case .object(var merged) = schema else { return schema }
        merged["allOf"] = nil
        for part in parts.map(flattened) {
            for (key, value) in part.objectValue ?? [:] {
                switch (key, merged[key], value) {
                case ("properties", .object(let a)?, .object(let b)): merged[key] = .object(a.merging(b) { $1 })
                case ("required", .array(let a)?, .array(let b)): merged[key] = .array(a + b)
                default: merged[key] = value
                }
            }
        }
        return .object(merged)
    }

    /// A small instance of `schema`: its example, else required members with plain values.
    func sample(_ schema: JSONValue) -> JSONValue {
        let schema = flattened(schema)
        if let example = schema["example"] { return example }
        if let first = schema["enum"]?.arrayValue?.first { return first }
        if let constant = schema["const"] { return constant }
        if let options = (schema["oneOf"] ?? schema["anyOf"])?.arrayValue, let first = options.first { return sample(first) }
        switch schema["type"]?.stringValue {
        case "object":
            var members: [String: JSONValue] = [:]
            let properties = schema["properties"]?.objectValue ?? [:]
            for name in schema["required"]?.arrayValue?.compactMap(\.stringValue) ?? [] {
                members[name] = properties[name].map(sample) ?? "x"
            }
            return .object(members)
        case "array":
            let count = schema["minItems"]?.numberValue.map { Int($0.double) } ?? 0
            return .array(Array(repeating: schema["items"].map(sample) ?? "x", count: max(count, 1)))
        case "integer", "number":
            return .number(JSONNumber(schema["minimum"]?.numberValue?.double ?? 1))
        case "boolean": return false
        default:
            if schema["format"]?.stringValue == "date-time" { return .string(RFC3339.format(Date())) }
            if schema["format"]?.stringValue == "uuid" { return .string(UUID().uuidString.lowercased()) }
            if schema["format"]?.stringValue == "uri" { return "https://example.com/hook" }
            return .string(String(repeating: "a", count: max(1, schema["minLength"]?.numberValue.map { Int($0.double) } ?? 1)))
        }
    }

    /// Every numeric member under `schema`, as paths of member names (arrays at index 0), with
    /// its schema.
    func numericMembers(_ schema: JSONValue, at path: [String] = [], depth: Int = 0) -> [(path: [String], schema: JSONValue)] {
        guard depth < 8 else { return [] }
        let schema = flattened(schema)
        switch schema["type"]?.stringValue {
        case "integer", "number": return [(path, schema)]
        case "array": return schema["items"].map { numericMembers($0, at: path + ["0"], depth: depth + 1) } ?? []
        case "object":
            return (schema["properties"]?.objectValue ?? [:]).sorted { $0.key < $1.key }.flatMap {
                numericMembers($0.value, at: path + [$0.key], depth: depth + 1)
            }
        default:
            return (schema["oneOf"] ?? schema["anyOf"])?.arrayValue?.flatMap { numericMembers($0, at: path, depth: depth + 1) } ?? []
        }
    }

    /// `value` with `member` set at `path` (objects and arrays made where missing).
    static func setting(_ member: JSONValue, at path: ArraySlice<String>, in value: JSONValue) -> JSONValue {
        guard let head = path.first else { return member }
        if let index = Int(head) {
            var items = value.arrayValue ?? []
            if items.isEmpty { items = [.object([:])] }
            items[min(index, items.count - 1)] = setting(member, at: path.dropFirst(), in: items[min(index, items.count - 1)])
            return .array(items)
        }
        var members = value.objectValue ?? [:]
        members[head] = setting(member, at: path.dropFirst(), in: members[head] ?? .object([:]))
        return .object(members)
    }

    /// The values every number is tried with: the extremes of Int64 and Double, the tiniest
    /// positive double, negative zero, a fraction, and the schema's own bounds (which must be
    /// safe to reach, since they are accepted).
    static func extremes(for schema: JSONValue) -> [String] {
        var values = ["9223372036854775807", "-9223372036854775808", "1e308", "-1e308", "5e-324", "1e-300", "-0.0", "0.5", "18446744073709551616"]
        for bound in ["minimum", "maximum"] {
            if let literal = schema[bound]?.numberValue?.literal { values.append(literal) }
        }
        return values
    }
}
