import Foundation

/// Whether data valid under one schema (the writer's) is valid under another (the reader's),
/// decided structurally, keyword by keyword, as Confluent's Schema Registry does for JSON
/// Schema. Where equivalence cannot be proved (`$ref`, `anyOf`, `oneOf`, `allOf`, `not`,
/// `if`, `pattern`), a changed keyword is reported rather than assumed compatible.
public enum SchemaCompatibility {
    public struct Violation: Sendable, Equatable, CustomStringConvertible {
        /// A JSON pointer into the reader's or writer's schema (whichever is the new one).
        public var pointer: String
        /// The broken rule, e.g. `TYPE_NARROWED`, `REQUIRED_PROPERTY_ADDED`.
        public var rule: String
        public var message: String
        public var description: String { "\(pointer.isEmpty ? "/" : pointer): \(rule): \(message)" }
    }

    /// The reasons data written under `writer` might not be valid under `reader`; none means
    /// every such instance is.
    public static func violations(reader: JSONValue, writer: JSONValue) -> [Violation] {
        var found: [Violation] = []
        compare(reader: reader, writer: writer, pointer: "", into: &found)
        return found
    }

    private static let unprovable = [
        "$ref", "$dynamicRef", "allOf", "anyOf", "oneOf", "not", "if", "then", "else", "pattern",
        "patternProperties", "dependentRequired", "dependentSchemas", "contains", "prefixItems",
        "unevaluatedProperties", "unevaluatedItems", "propertyNames",
    ]

    private static func compare(reader: JSONValue, writer: JSONValue, pointer: String, into found: inout [Violation]) {
        func report(_ rule: String, _ message: String, at path: String = pointer) {
            found.append(Violation(pointer: path, rule: rule, message: message))
        }
        if reader == .bool(true) || writer == .bool(false) || reader == writer { return }
        if reader == .bool(false) {
            report("SCHEMA_CLOSED", "nothing is valid any more where something was")
            return
        }
        let readerMembers = reader.objectValue ?? [:]
        let writerMembers = writer.objectValue ?? [:]

        for keyword in unprovable where readerMembers[keyword] != writerMembers[keyword] && readerMembers[keyword] != nil {
            report(
                "\(keyword.uppercased().replacingOccurrences(of: "$", with: ""))_CHANGED",
                "'\(keyword)' changed; its compatibility cannot be proved (keep it unchanged, or use compatibility NONE)",
                at: pointer + "/" + JSONPointer.escape(keyword)
            )
        }

        // Types: the reader must take every type the writer allows.
        let writerTypes = types(writer)
        let readerTypes = types(reader)
        if let readerTypes {
            let lost = (writerTypes ?? allTypes).filter { type in
                !readerTypes.contains(type) && !(type == "integer" && readerTypes.contains("number"))
            }
            if !lost.isEmpty {
                report("TYPE_NARROWED", "no longer accepts \(lost.sorted().joined(separator: ", "))", at: pointer + "/type")
            }
        }
        if let readerEnum = readerMembers["enum"]?.arrayValue {
            if let writerEnum = writerMembers["enum"]?.arrayValue {
                let lost = writerEnum.filter { !readerEnum.contains($0) }
                if !lost.isEmpty {
                    report("ENUM_NARROWED", "no longer accepts \(lost.map(\.jsonText).joined(separator: ", "))", at: pointer + "/enum")
                }
            } else if let constant = writerMembers["const"] {
                if !readerEnum.contains(constant) { report("ENUM_NARROWED", "no longer accepts \(constant.jsonText)", at: pointer + "/enum") }
            } else {
                report("ENUM_ADDED", "now limited to \(readerEnum.count) values", at: pointer + "/enum")
            }
        }
        if let constant = readerMembers["const"], writerMembers["const"] != constant,
            writerMembers["enum"]?.arrayValue.map({ $0.allSatisfy { $0 == constant } }) != true
        {
            report("CONST_CHANGED", "now only \(constant.jsonText.prefix(100))", at: pointer + "/const")
        }

        // Bounds: a reader bound must be no tighter than the writer's.
        func lowerBound(_ keyword: String, _ rule: String) {
            guard let bound = readerMembers[keyword]?.numberValue?.double else { return }
            guard let written = writerMembers[keyword]?.numberValue?.double, written >= bound else {
                report(rule, "\(keyword) is now \(readerMembers[keyword]!.jsonText)", at: pointer + "/" + keyword)
                return
            }
        }
        func upperBound(_ keyword: String, _ rule: String) {
            guard let bound = readerMembers[keyword]?.numberValue?.double else { return }
            guard let written = writerMembers[keyword]?.numberValue?.double, written <= bound else {
                report(rule, "\(keyword) is now \(readerMembers[keyword]!.jsonText)", at: pointer + "/" + keyword)
                return
            }
        }
        lowerBound("minimum", "MINIMUM_INCREASED")
        lowerBound("exclusiveMinimum", "EXCLUSIVE_MINIMUM_INCREASED")
        upperBound("maximum", "MAXIMUM_DECREASED")
        upperBound("exclusiveMaximum", "EXCLUSIVE_MAXIMUM_DECREASED")
        lowerBound("minLength", "MIN_LENGTH_INCREASED")
        upperBound("maxLength", "MAX_LENGTH_DECREASED")
        lowerBound("minItems", "MIN_ITEMS_INCREASED")
        upperBound("maxItems", "MAX_ITEMS_DECREASED")
        lowerBound("minProperties", "MIN_PROPERTIES_INCREASED")
        upperBound("maxProperties", "MAX_PROPERTIES_DECREASED")
        if let step = readerMembers["multipleOf"]?.numberValue {
            if let written = writerMembers["multipleOf"]?.numberValue, Evaluator.isMultiple(written, of: step) {
            } else {
                report("MULTIPLE_OF_CHANGED", "values must now be multiples of \(step)", at: pointer + "/multipleOf")
            }
        }
        if readerMembers["uniqueItems"]?.boolValue == true, writerMembers["uniqueItems"]?.boolValue != true {
            report("UNIQUE_ITEMS_ADDED", "items must now be unique", at: pointer + "/uniqueItems")
        }

        // Objects.
        let readerRequired = Set(readerMembers["required"]?.arrayValue?.compactMap(\.stringValue) ?? [])
        let writerRequired = Set(writerMembers["required"]?.arrayValue?.compactMap(\.stringValue) ?? [])
        for name in readerRequired.subtracting(writerRequired).sorted() {
            report("REQUIRED_PROPERTY_ADDED", "'\(name)' is now required", at: pointer + "/required")
        }
        let readerProperties = readerMembers["properties"]?.objectValue ?? [:]
        let writerProperties = writerMembers["properties"]?.objectValue ?? [:]
        let readerAdditional = readerMembers["additionalProperties"] ?? .bool(true)
        let writerAdditional = writerMembers["additionalProperties"] ?? .bool(true)
        for (name, written) in writerProperties.sorted(by: { $0.key < $1.key }) {
            let here = pointer + "/properties/" + JSONPointer.escape(name)
            if let read = readerProperties[name] {
                compare(reader: read, writer: written, pointer: here, into: &found)
            } else if readerAdditional == .bool(false) {
                report(
                    "PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL",
                    "'\(name)' was removed while other properties are refused",
                    at: pointer + "/properties"
                )
            } else {
                compare(reader: readerAdditional, writer: written, pointer: pointer + "/additionalProperties", into: &found)
            }
        }
        for (name, read) in readerProperties.sorted(by: { $0.key < $1.key }) where writerProperties[name] == nil {
            // Data written under an open content model may hold this property with any value.
            guard writerAdditional != .bool(false) else { continue }
            let before = found.count
            compare(reader: read, writer: writerAdditional, pointer: pointer + "/properties/" + JSONPointer.escape(name), into: &found)
            if found.count > before {
                found.removeSubrange(before...)
                report(
                    "PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL",
                    "'\(name)' is new and constrained, but earlier data may hold it with any value (close the earlier schema with additionalProperties: false, or leave '\(name)' unconstrained)",
                    at: pointer + "/properties/" + JSONPointer.escape(name)
                )
            }
        }
        if readerMembers["additionalProperties"] != nil, !(readerAdditional == writerAdditional) {
            if readerAdditional == .bool(false) {
                if writerAdditional != .bool(false) {
                    report("ADDITIONAL_PROPERTIES_REFUSED", "properties not listed are now refused", at: pointer + "/additionalProperties")
                }
            } else if writerMembers["additionalProperties"] != nil {
                compare(reader: readerAdditional, writer: writerAdditional, pointer: pointer + "/additionalProperties", into: &found)
            }
        }

        // Arrays.
        if let readItems = readerMembers["items"] {
            compare(reader: readItems, writer: writerMembers["items"] ?? .bool(true), pointer: pointer + "/items", into: &found)
        }
    }

    private static let allTypes: Set<String> = ["null", "boolean", "integer", "number", "string", "array", "object"]

    private static func types(_ schema: JSONValue) -> Set<String>? {
        guard let type = schema["type"] else { return nil }
        if let name = type.stringValue { return [name] }
        return Set(type.arrayValue?.compactMap(\.stringValue) ?? [])
    }
}
