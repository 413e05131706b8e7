import Foundation
import SluiceJSON
import Testing

/// The official JSON Schema Test Suite, draft 2020-12 (Fixtures/json-schema-test-suite beside this file).
/// Groups whose references resolve outside the schema (remote documents, the draft's
/// meta-schemas) are out of scope, since Sluice refuses remote references, and counted apart.
@Suite("JSON Schema test suite (draft 2020-12)")
struct JSONSchemaSuiteTests {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures/json-schema-test-suite/draft2020-12")

    struct Tally {
        var passed = 0
        var failed: [String] = []
        var outOfScope = 0
    }

    static func run() throws -> [String: Tally] {
        var tallies: [String: Tally] = [:]
        let files = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".json") }.sorted()
        for file in files {
            var tally = Tally()
            let groups = try JSONParser.parse(
                Array(try Data(contentsOf: directory.appendingPathComponent(file))),
                limits: .init(maxDepth: 200, allowsNullCharacter: true)
            )
            for group in groups.arrayValue ?? [] {
                let schemaValue = group["schema"]!
                let tests = group["tests"]?.arrayValue ?? []
                let schema: JSONSchema
                do {
                    schema = try JSONSchema(schemaValue)
                } catch let error where error.reason.contains("remote references") {  // remote documents and meta-schemas
                    tally.outOfScope += tests.count
                    continue
                } catch {
                    tally.failed += tests.map {
                        "\(file): \(group["description"]!.stringValue!) / \($0["description"]!.stringValue!): schema refused: \(error)"
                    }
                    continue
                }
                for test in tests {
                    let expected = test["valid"]!.boolValue!
                    if schema.isValid(test["data"]!) == expected {
                        tally.passed += 1
                    } else {
                        tally.failed.append("\(file): \(group["description"]!.stringValue!) / \(test["description"]!.stringValue!)")
                    }
                }
            }
            tallies[file] = tally
        }
        return tallies
    }

    @Test("every in-scope test passes")
    func suite() throws {
        let tallies = try Self.run()
        let passed = tallies.values.map(\.passed).reduce(0, +)
        let failed = tallies.values.flatMap(\.failed)
        let outOfScope = tallies.values.map(\.outOfScope).reduce(0, +)
        print("JSON Schema Test Suite draft2020-12: \(passed) passed, \(failed.count) failed, \(outOfScope) out of scope (remote refs, meta-schemas)")
        for failure in failed { print("  FAIL \(failure)") }
        for (file, tally) in tallies.sorted(by: { $0.key < $1.key }) where tally.outOfScope > 0 {
            print("  out of scope: \(file) \(tally.outOfScope)")
        }
        #expect(passed >= 1246, "fewer tests pass than the 1,246 the README reports")
        #expect(failed.isEmpty, "\(failed.count) failures")
    }
}
