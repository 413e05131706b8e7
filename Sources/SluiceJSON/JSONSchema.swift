import Foundation

/// A JSON Schema (draft 2020-12) ready to validate instances: Sluice's own validator, as no
/// JSON Schema package is among the available ones. Resolves `$ref`, `$dynamicRef`, `$id`,
/// `$anchor` and `$dynamicAnchor` within the schema (no remote references), and tracks
/// annotations for `unevaluatedProperties` and `unevaluatedItems`. `format` is an annotation,
/// as the 2020-12 default vocabulary says. The README lists the keywords and the official test
/// suite's pass rate (`JSONSchemaSuiteTests`).
public struct JSONSchema: Sendable {
    public struct Issue: Sendable, Equatable, CustomStringConvertible {
        /// A JSON pointer into the instance.
        public var instancePath: String
        /// Where in the schema the failing keyword is.
        public var keywordPath: String
        public var message: String
        public var description: String { "\(instancePath.isEmpty ? "/" : instancePath): \(message)" }
    }

    public struct SchemaError: Error, Sendable, CustomStringConvertible {
        public var pointer: String
        public var reason: String
        public var description: String { "\(pointer.isEmpty ? "/" : pointer): \(reason)" }
    }

    public let root: JSONValue
    let baseURI: String
    /// Schema resources by absolute URI (no fragment), and anchors as `uri#name`. A located
    /// schema's `base` is the one in force around it, before its own `$id` applies.
    let resources: [String: Located]
    let anchors: [String: Located]
    let dynamicAnchors: [String: Located]
    let patterns: PatternCache

    struct Located: Sendable {
        var schema: JSONValue
        var base: String
    }

    static let dialects: Set<String> = [
        "https://json-schema.org/draft/2020-12/schema", "https://json-schema.org/draft/2020-12/schema#",
    ]

    /// The base URI of schemas that declare no `$id`.
    public static let defaultBaseURI = "https://sluice.invalid/schema"

    public init(_ schema: JSONValue, baseURI: String = JSONSchema.defaultBaseURI) throws(SchemaError) {
        var indexer = Indexer()
        try indexer.index(schema, base: baseURI, pointer: "")
        root = schema
        self.baseURI = indexer.rootBase ?? baseURI
        resources = indexer.resources
        anchors = indexer.anchors
        dynamicAnchors = indexer.dynamicAnchors
        patterns = indexer.patterns
        for (reference, base, pointer) in indexer.references where locate(reference, base: base) == nil {
            throw SchemaError(
                pointer: pointer,
                reason: "the reference '\(reference)' does not resolve within the schema (remote references are not supported)"
            )
        }
    }

    /// The schema a reference names, with the base URI in force around it.
    func locate(_ reference: String, base: String) -> Located? {
        let uri = URIReference.resolve(reference, against: base)
        let resource = URIReference.withoutFragment(uri)
        let fragment = URIReference.fragment(uri) ?? ""
        if fragment.isEmpty { return resources[resource] }
        if fragment.hasPrefix("/") {
            guard let document = resources[resource]?.schema else { return nil }
            let pointer = fragment.removingPercentEncoding ?? fragment
            return JSONPointer.resolve(pointer, in: document).map { Located(schema: $0, base: resource) }
        }
        return anchors[uri]
    }

    /// The instance's problems; empty when it is valid. At most `limit` are reported.
    public func validate(_ instance: JSONValue, limit: Int = 50) -> [Issue] {
        var evaluator = Evaluator(schema: self, limit: limit)
        let result = evaluator.evaluate(root, instance, base: baseURI, instancePath: "", keywordPath: "", dynamicScope: [baseURI])
        return Array(result.issues.prefix(limit))
    }

    public func isValid(_ instance: JSONValue) -> Bool { validate(instance, limit: 1).isEmpty }

    /// The instance's problems against the subschema at `pointer` (a JSON pointer into the
    /// root, e.g. `/$defs/name`); nil when no schema is there.
    public func validate(_ instance: JSONValue, at pointer: String, limit: Int = 50) -> [Issue]? {
        guard let located = locate("#" + pointer, base: baseURI) else { return nil }
        var evaluator = Evaluator(schema: self, limit: limit)
        let result = evaluator.evaluate(
            located.schema,
            instance,
            base: baseURI,
            instancePath: "",
            keywordPath: pointer,
            dynamicScope: [baseURI]
        )
        return Array(result.issues.prefix(limit))
    }

    /// The keywords this validator applies (the README's list).
    public static let supportedKeywords: [String] = [
        "$id", "$anchor", "$dynamicAnchor", "$ref", "$dynamicRef", "$defs", "type", "enum", "const", "multipleOf",
        "maximum", "exclusiveMaximum", "minimum", "exclusiveMinimum", "maxLength", "minLength", "pattern", "prefixItems",
        "items", "contains", "minContains", "maxContains", "maxItems", "minItems", "uniqueItems", "properties",
        "patternProperties", "additionalProperties", "propertyNames", "required", "dependentRequired", "dependentSchemas",
        "maxProperties", "minProperties", "allOf", "anyOf", "oneOf", "not", "if", "then", "else", "unevaluatedItems",
        "unevaluatedProperties",
    ]

    /// Keywords whose values are schemas, or objects or arrays of schemas.
    static let schemaKeywords: Set<String> = [
        "additionalProperties", "unevaluatedProperties", "unevaluatedItems", "items", "contains", "propertyNames", "not",
        "if", "then", "else",
    ]
    static let schemaMapKeywords: Set<String> = ["$defs", "definitions", "properties", "patternProperties", "dependentSchemas"]
    static let schemaArrayKeywords: Set<String> = ["allOf", "anyOf", "oneOf", "prefixItems"]
}

/// Compiled `pattern` and `patternProperties` expressions, matched in linear time
/// (`LinearRegex`), so that no schema can make validation backtrack.
final class PatternCache: @unchecked Sendable {
    // Filled once by the indexer, read-only afterwards.
    private(set) var expressions: [String: LinearRegex] = [:]
    /// Why the last refused pattern did not compile.
    private(set) var lastError: String?

    func add(_ pattern: String) -> Bool {
        if expressions[pattern] != nil { return true }
        do {
            expressions[pattern] = try LinearRegex(pattern)
            return true
        } catch {
            lastError = error.description
            return false
        }
    }

    func test(_ pattern: String, _ text: String, budget: inout Int) -> LinearRegex.Outcome {
        expressions[pattern]?.test(text, budget: &budget) ?? .noMatch
    }
}

private struct Indexer {
    var resources: [String: JSONSchema.Located] = [:]
    /// Every `$ref` and `$dynamicRef`, with its base and where it is, checked once indexed.
    var references: [(String, String, String)] = []
    var anchors: [String: JSONSchema.Located] = [:]
    var dynamicAnchors: [String: JSONSchema.Located] = [:]
    var patterns = PatternCache()
    var rootBase: String?

    mutating func index(_ schema: JSONValue, base: String, pointer: String) throws(JSONSchema.SchemaError) {
        switch schema {
        case .bool:
            if pointer.isEmpty { resources[base] = .init(schema: schema, base: base) }
            return
        case .object: break
        default: throw JSONSchema.SchemaError(pointer: pointer, reason: "a schema is an object or a boolean")
        }
        let parentBase = base
        var base = base
        if let id = schema["$id"] {
            guard let text = id.stringValue else { throw JSONSchema.SchemaError(pointer: pointer + "/$id", reason: "$id is a string") }
            base = URIReference.withoutFragment(URIReference.resolve(text, against: base))
        }
        if pointer.isEmpty {
            rootBase = base
            if let dialect = schema["$schema"], !JSONSchema.dialects.contains(dialect.stringValue ?? "") {
                throw JSONSchema.SchemaError(
                    pointer: "/$schema",
                    reason: "only the draft 2020-12 meta-schema is supported (no remote references to other meta-schemas)"
                )
            }
        }
        if pointer.isEmpty || schema["$id"] != nil { resources[base] = .init(schema: schema, base: parentBase) }
        if let anchor = schema["$anchor"]?.stringValue { anchors[base + "#" + anchor] = .init(schema: schema, base: parentBase) }
        if let anchor = schema["$dynamicAnchor"]?.stringValue {
            anchors[base + "#" + anchor] = .init(schema: schema, base: parentBase)
            dynamicAnchors[base + "#" + anchor] = .init(schema: schema, base: parentBase)
        }
        for keyword in ["$ref", "$dynamicRef"] {
            guard let value = schema[keyword] else { continue }
            guard let reference = value.stringValue else {
                throw JSONSchema.SchemaError(pointer: pointer + "/" + keyword, reason: "\(keyword) is a string")
            }
            references.append((reference, base, pointer + "/" + keyword))
        }
        if let pattern = schema["pattern"] {
            guard let text = pattern.stringValue, patterns.add(text) else {
                throw JSONSchema.SchemaError(
                    pointer: pointer + "/pattern",
                    reason: "not a regular expression this validator can compile: \(patterns.lastError ?? "not a string")"
                )
            }
        }
        guard case .object(let members) = schema else { return }
        for (keyword, value) in members {
            let here = pointer + "/" + JSONPointer.escape(keyword)
            if JSONSchema.schemaKeywords.contains(keyword) {
                try index(value, base: base, pointer: here)
            } else if JSONSchema.schemaMapKeywords.contains(keyword) {
                guard case .object(let map) = value else { throw JSONSchema.SchemaError(pointer: here, reason: "\(keyword) is an object of schemas") }
                for (name, sub) in map {
                    if keyword == "patternProperties", !patterns.add(name) {
                        throw JSONSchema.SchemaError(
                            pointer: here,
                            reason: "'\(name)' is not a regular expression this validator can compile: \(patterns.lastError ?? "")"
                        )
                    }
                    try index(sub, base: base, pointer: here + "/" + JSONPointer.escape(name))
                }
            } else if JSONSchema.schemaArrayKeywords.contains(keyword) {
                guard case .array(let items) = value, !items.isEmpty || keyword == "prefixItems" else {
                    throw JSONSchema.SchemaError(pointer: here, reason: "\(keyword) is a non-empty array of schemas")
                }
                for (index, sub) in items.enumerated() { try self.index(sub, base: base, pointer: here + "/\(index)") }
            }
        }
    }
}
