import Foundation
import SluiceCore
import SluiceJSON

/// The ingest replies (`IngestResult` and `BatchResult` in the OpenAPI document), written
/// straight to JSON bytes: on the hot path, `JSONEncoder` over the generated types cost about
/// 9 % of a batch's server CPU. `IngestReplyTests` holds the bytes to the generated types'
/// encoding.
struct IngestReply {
    var stored = 0
    var duplicates = 0
    var rejected = 0
    var failed = 0
    var body: [UInt8] = []

    /// A batch's reply: the counts, then one result per event, in order.
    init(batch outcomes: [IngestOutcome]) {
        var results: [UInt8] = []
        results.reserveCapacity(outcomes.count * 96)
        for (position, outcome) in outcomes.enumerated() {
            if position > 0 { results.append(UInt8(ascii: ",")) }
            switch outcome.status {
            case .stored: stored += 1
            case .duplicate: duplicates += 1
            case .rejected: rejected += 1
            case .failed: failed += 1
            }
            Self.write(outcome, to: &results)
        }
        body.reserveCapacity(results.count + 80)
        body.append(contentsOf: #"{"stored":\#(stored),"duplicates":\#(duplicates),"rejected":\#(rejected),"failed":\#(failed),"results":["#.utf8)
        body.append(contentsOf: results)
        body.append(contentsOf: "]}".utf8)
    }

    /// One event's result.
    static func single(_ outcome: IngestOutcome) -> [UInt8] {
        var body: [UInt8] = []
        body.reserveCapacity(160)
        write(outcome, to: &body)
        return body
    }

    private static func write(_ outcome: IngestOutcome, to output: inout [UInt8]) {
        output.append(contentsOf: #"{"index":\#(outcome.index)"#.utf8)
        if let id = outcome.id { output.append(contentsOf: #","id":"\#(id.lowercased)""#.utf8) }
        if let version = outcome.schemaVersion { output.append(contentsOf: #","schemaVersion":\#(version)"#.utf8) }
        if !outcome.warnings.isEmpty { write(outcome.warnings, named: "warnings", to: &output) }
        switch outcome.status {
        case .stored(let partition, let offset):
            output.append(contentsOf: #","status":"stored","partition":\#(partition),"offset":\#(offset)"#.utf8)
        case .duplicate:
            output.append(contentsOf: #","status":"duplicate""#.utf8)
        case .rejected(let reason, let errors, let quarantineID):
            output.append(contentsOf: #","status":"rejected","reason":"#.utf8)
            JSONValue.string(reason).write(to: &output)
            write(errors, named: "errors", to: &output)
            if let quarantineID { output.append(contentsOf: #","quarantineId":"\#(quarantineID.lowercased)""#.utf8) }
        case .failed(let reason):
            output.append(contentsOf: #","status":"failed","reason":"#.utf8)
            JSONValue.string(reason).write(to: &output)
        }
        output.append(UInt8(ascii: "}"))
    }

    private static func write(_ errors: [SluiceError.FieldError], named name: String, to output: inout [UInt8]) {
        output.append(contentsOf: #","\#(name)":["#.utf8)
        for (position, error) in errors.enumerated() {
            if position > 0 { output.append(UInt8(ascii: ",")) }
            output.append(contentsOf: #"{"pointer":"#.utf8)
            JSONValue.string(error.pointer).write(to: &output)
            output.append(contentsOf: #","detail":"#.utf8)
            JSONValue.string(error.detail).write(to: &output)
            output.append(UInt8(ascii: "}"))
        }
        output.append(UInt8(ascii: "]"))
    }
}
