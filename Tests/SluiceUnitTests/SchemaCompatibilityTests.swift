import Foundation
import SluiceJSON
import Testing

@testable import SluiceCore
@testable import SluiceServer

@Suite("Schema compatibility rules")
struct SchemaCompatibilityTests {
    static func schema(_ text: String) throws -> JSONValue { try JSONParser.parse(text) }

    static func rules(_ new: String, after old: String, _ mode: SluiceCore.Stream.Compatibility) throws -> [String] {
        let version = SchemaVersion(eventType: "t", version: 1, schema: old, fingerprint: "", createdAt: Date(), deleted: false)
        return try SchemaRegistry.violations(of: schema(new), against: [version], mode: mode).map { String($0.detail.prefix { $0 != " " }) }
    }

    static let base =
        #"{"type":"object","properties":{"a":{"type":"string","maxLength":10},"n":{"type":"integer"},"kind":{"enum":["x","y"]}},"required":["a","n"]}"#

    @Test("each mode accepts the changes it should and refuses the others, naming the rule")
    func modes() throws {
        let droppedRequired =
            #"{"type":"object","properties":{"a":{"type":"string","maxLength":10},"n":{"type":"integer"},"kind":{"enum":["x","y"]}},"required":["a"]}"#
        let addedRequired =
            #"{"type":"object","properties":{"a":{"type":"string","maxLength":10},"n":{"type":"integer"},"kind":{"enum":["x","y"]}},"required":["a","n","kind"]}"#
        let widened =
            #"{"type":"object","properties":{"a":{"type":"string","maxLength":20},"n":{"type":"number"},"kind":{"enum":["x","y","z"]}},"required":["a","n"]}"#
        let narrowed =
            #"{"type":"object","properties":{"a":{"type":"string","maxLength":5},"n":{"type":"integer"},"kind":{"enum":["x"]}},"required":["a","n"]}"#
        let described =
            #"{"type":"object","description":"same","properties":{"a":{"type":"string","maxLength":10},"n":{"type":"integer"},"kind":{"enum":["x","y"]}},"required":["a","n"]}"#
        let newConstrained =
            #"{"type":"object","properties":{"a":{"type":"string","maxLength":10},"n":{"type":"integer"},"kind":{"enum":["x","y"]},"extra":{"type":"string"}},"required":["a","n"]}"#

        // BACKWARD: the new schema must read what the old one accepted.
        #expect(try Self.rules(droppedRequired, after: Self.base, .backward).isEmpty)
        #expect(try Self.rules(widened, after: Self.base, .backward).isEmpty)
        #expect(try Self.rules(addedRequired, after: Self.base, .backward) == ["REQUIRED_PROPERTY_ADDED"])
        #expect(Set(try Self.rules(narrowed, after: Self.base, .backward)) == ["MAX_LENGTH_DECREASED", "ENUM_NARROWED"])
        #expect(try Self.rules(newConstrained, after: Self.base, .backward) == ["PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL"])
        // FORWARD: the old schema must read what the new one accepts.
        #expect(try Self.rules(addedRequired, after: Self.base, .forward).isEmpty)
        #expect(try Self.rules(narrowed, after: Self.base, .forward).isEmpty)
        #expect(try Self.rules(droppedRequired, after: Self.base, .forward) == ["REQUIRED_PROPERTY_ADDED"])
        #expect(Set(try Self.rules(widened, after: Self.base, .forward)) == ["MAX_LENGTH_DECREASED", "TYPE_NARROWED", "ENUM_NARROWED"])
        // FULL: both.
        #expect(try Self.rules(described, after: Self.base, .full).isEmpty)
        #expect(!(try Self.rules(widened, after: Self.base, .full)).isEmpty)
        #expect(!(try Self.rules(narrowed, after: Self.base, .full)).isEmpty)
        #expect(!(try Self.rules(addedRequired, after: Self.base, .full)).isEmpty)
        // NONE: anything goes.
        #expect(try Self.rules(#"{"type":"array"}"#, after: Self.base, .none).isEmpty)
        // What cannot be proved is refused, not assumed.
        #expect(try Self.rules(#"{"anyOf":[{"type":"string"}]}"#, after: #"{"anyOf":[{"type":"integer"}]}"#, .backward) == ["ANYOF_CHANGED"])
    }
}
