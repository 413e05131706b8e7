import Foundation

/// A JSON document as Sluice handles it: parsed once from the request, validated against
/// schemas, and written back out for PostgreSQL's `jsonb`.
public enum JSONValue: Sendable, Hashable {
    case null
    case bool(Bool)
    case number(JSONNumber)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    public subscript(key: String) -> JSONValue? {
        if case .object(let members) = self { members[key] } else { nil }
    }

    public var stringValue: String? {
        if case .string(let value) = self { value } else { nil }
    }

    public var objectValue: [String: JSONValue]? {
        if case .object(let members) = self { members } else { nil }
    }

    public var arrayValue: [JSONValue]? {
        if case .array(let items) = self { items } else { nil }
    }

    public var numberValue: JSONNumber? {
        if case .number(let number) = self { number } else { nil }
    }

    public var boolValue: Bool? {
        if case .bool(let value) = self { value } else { nil }
    }

    /// The JSON type name, as JSON Schema's `type` keyword spells it.
    public var typeName: String {
        switch self {
        case .null: "null"
        case .bool: "boolean"
        case .number(let number): number.isInteger ? "integer" : "number"
        case .string: "string"
        case .array: "array"
        case .object: "object"
        }
    }

    /// How deeply arrays and objects nest (a scalar is 0).
    public var depth: Int {
        switch self {
        case .array(let items): 1 + (items.map(\.depth).max() ?? 0)
        case .object(let members): 1 + (members.values.map(\.depth).max() ?? 0)
        default: 0
        }
    }
}

extension JSONValue {
    /// JSON equality: numbers by value (1 == 1.0), strings by code points (Swift's `==` would
    /// also equate canonically equivalent strings, which JSON does not).
    public static func == (lhs: JSONValue, rhs: JSONValue) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): true
        case (.bool(let a), .bool(let b)): a == b
        case (.number(let a), .number(let b)): a == b
        case (.string(let a), .string(let b)): a.utf8.elementsEqual(b.utf8)
        case (.array(let a), .array(let b)): a.count == b.count && zip(a, b).allSatisfy { $0 == $1 }
        case (.object(let a), .object(let b)): a.count == b.count && a.allSatisfy { key, value in b[key].map { $0 == value } ?? false }
        default: false
        }
    }

    public func hash(into hasher: inout Hasher) {
        switch self {
        case .null: hasher.combine(0)
        case .bool(let value): hasher.combine(value)
        case .number(let number): hasher.combine(number)
        case .string(let text):
            hasher.combine(text.utf8.count)
            for byte in text.utf8 { hasher.combine(byte) }
        case .array(let items):
            hasher.combine(items.count)
            for item in items { hasher.combine(item) }
        case .object(let members): hasher.combine(members.count)
        }
    }
}

/// A JSON number: its value as a `Double` for arithmetic and comparison, and the literal it
/// was written as, so that writing it back loses neither digits nor range.
public struct JSONNumber: Sendable, Hashable, CustomStringConvertible {
    public let double: Double
    public let literal: String

    public init(_ double: Double) {
        self.double = double
        if double.rounded() == double, abs(double) < 1e15 {
            self.literal = String(Int64(double))
        } else {
            self.literal = "\(double)"
        }
    }

    public init(_ integer: Int) {
        self.double = Double(integer)
        self.literal = String(integer)
    }

    init(literal: String, double: Double) {
        self.literal = literal
        self.double = double
    }

    /// JSON Schema counts 1.0 as an integer.
    public var isInteger: Bool { double.isFinite && double.rounded(.towardZero) == double }

    public var int64: Int64? {
        guard isInteger, double >= -9.2e18, double <= 9.2e18 else { return nil }
        return Int64(double)
    }

    public var description: String { literal }

    /// Numbers are equal by value: 1, 1.0 and 1e0 are one number.
    public static func == (lhs: Self, rhs: Self) -> Bool { lhs.double == rhs.double }
    public func hash(into hasher: inout Hasher) { hasher.combine(double) }
}

extension JSONValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral,
    ExpressibleByBooleanLiteral, ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral, ExpressibleByNilLiteral
{
    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int) { self = .number(JSONNumber(value)) }
    public init(floatLiteral value: Double) { self = .number(JSONNumber(value)) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        self = .object(Dictionary(elements, uniquingKeysWith: { _, last in last }))
    }
    public init(nilLiteral: ()) { self = .null }
}

/// RFC 6901 JSON pointers.
public enum JSONPointer {
    public static func escape(_ token: String) -> String {
        guard token.contains("~") || token.contains("/") else { return token }
        return token.replacingOccurrences(of: "~", with: "~0").replacingOccurrences(of: "/", with: "~1")
    }

    public static func unescape(_ token: String) -> String {
        guard token.contains("~") else { return token }
        return token.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
    }

    public static func make(_ tokens: some Sequence<String>) -> String {
        tokens.reduce(into: "") { $0 += "/" + escape($1) }
    }

    /// The value `pointer` names inside `document`, if any.
    public static func resolve(_ pointer: String, in document: JSONValue) -> JSONValue? {
        guard !pointer.isEmpty else { return document }
        guard pointer.hasPrefix("/") else { return nil }
        var current = document
        for rawToken in pointer.dropFirst().split(separator: "/", omittingEmptySubsequences: false) {
            let token = unescape(String(rawToken))
            switch current {
            case .object(let members):
                guard let next = members[token] else { return nil }
                current = next
            case .array(let items):
                guard let index = Int(token), index >= 0, index < items.count,
                    token == "0" || !token.hasPrefix("0")
                else { return nil }
                current = items[index]
            default:
                return nil
            }
        }
        return current
    }
}
