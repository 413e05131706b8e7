import Foundation
import SluiceAPI
import SluiceJSON
import Testing

@testable import SluiceCore
@testable import SluiceServer

/// The ingest replies are written by hand (`IngestReply`); they must say what the generated
/// types, encoded by `JSONEncoder`, would: the document's `IngestResult` and `BatchResult`.
@Suite("Ingest replies")
struct IngestReplyTests {
    static let outcomes: [IngestOutcome] = [
        IngestOutcome(index: 0, id: UUID(), status: .stored(partition: 3, offset: 9_007_199_254_740_993)),
        IngestOutcome(
            index: 1,
            id: UUID(),
            status: .stored(partition: 0, offset: 0),
            schemaVersion: 2,
            warnings: [.init(pointer: "/events/1/data/likes", detail: "expected an \"integer\"\n\\ not\u{1} a string")]
        ),
        IngestOutcome(index: 2, id: UUID(), status: .duplicate, schemaVersion: 1),
        IngestOutcome(
            index: 3,
            id: UUID(),
            status: .rejected(
                reason: "The event does not match version 1 of the schema for 'a.b' — ünïcödé 🎉.",
                errors: [.init(pointer: "/events/3/data", detail: "required: \"likes\""), .init(pointer: "/events/3/type", detail: "x")],
                quarantineID: UUID()
            )
        ),
        IngestOutcome(index: 4, id: nil, status: .rejected(reason: "Invalid event.", errors: [], quarantineID: nil)),
        IngestOutcome(index: 5, id: UUID(), status: .failed("The event store is unavailable; send the event again (with its id).")),
    ]

    static func generated(_ value: some Encodable) throws -> JSONValue {
        try JSONParser.parse(Array(try JSONEncoder().encode(value)))
    }

    @Test("a batch's reply is the generated BatchResult, counts and results in order")
    func batch() throws {
        let reply = IngestReply(batch: Self.outcomes)
        let expected = Components.Schemas.BatchResult(
            stored: 2,
            duplicates: 1,
            rejected: 2,
            failed: 1,
            results: Self.outcomes.map(Components.Schemas.IngestResult.init)
        )
        #expect(try JSONParser.parse(reply.body) == Self.generated(expected))
        #expect((reply.stored, reply.duplicates, reply.rejected, reply.failed) == (2, 1, 2, 1))
        // And a client generated from the document reads it.
        let decoded = try JSONDecoder().decode(Components.Schemas.BatchResult.self, from: Data(reply.body))
        #expect(decoded.results.map(\.status) == [.stored, .stored, .duplicate, .rejected, .rejected, .failed])
        #expect(decoded.results[0].offset == 9_007_199_254_740_993)
    }

    @Test("a single event's reply is the generated IngestResult", arguments: outcomes.indices)
    func single(index: Int) throws {
        let outcome = Self.outcomes[index]
        #expect(try JSONParser.parse(IngestReply.single(outcome)) == Self.generated(Components.Schemas.IngestResult(outcome)))
    }
}
