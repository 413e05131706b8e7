import Foundation
import HTTPTypes
import OpenAPIRuntime
import SluiceClient
import SluiceJSON
import Testing

@testable import SluiceServer

@Suite("Schema registry")
struct SchemaRegistryTests {
    static func schema(_ text: String) -> JSONValue { try! JSONParser.parse(text) }

    static let base =
        #"{"type":"object","properties":{"a":{"type":"string","maxLength":10},"n":{"type":"integer"},"kind":{"enum":["x","y"]}},"required":["a","n"]}"#

    @Test("register through the API: versions count up, an identical schema is not registered twice, refusals say which property and rule")
    func register() async throws {
        try await withSluice { harness in
            let owner = try await harness.signup("registry")
            let (stream, _) = try await harness.stream(owner)
            let api = harness.api(owner.token)
            let path = Operations.RegisterSchema.Input.Path(stream: stream, eventType: "post.liked")
            let v1 = try await api.registerSchema(path: path, body: .json(.init(schema: json(Self.base)))).created.body.json
            #expect(v1.version == 1)
            let same = try await api.registerSchema(path: path, body: .json(.init(schema: json(Self.base)))).ok.body.json
            #expect(same.version == 1)
            let refused = try await api.registerSchema(
                path: path,
                body: .json(
                    .init(
                        schema: json(
                            #"{"type":"object","properties":{"a":{"type":"string","maxLength":10},"n":{"type":"integer"}},"required":["a","n","kind"]}"#
                        )
                    )
                )
            ).conflict.body.applicationProblemJson
            #expect(refused.errors?.map(\.pointer) == ["/schema/required"])
            #expect(refused.errors?.first?.detail.contains("REQUIRED_PROPERTY_ADDED against version 1: 'kind' is now required") == true)
            let v2 = try await api.registerSchema(
                path: path,
                body: .json(.init(schema: json(#"{"type":"object","properties":{"a":{"type":"string"},"n":{"type":"number"}},"required":["a"]}"#)))
            ).created.body.json
            #expect(v2.version == 2)

            let bad = try await api.registerSchema(
                path: path,
                body: .json(.init(schema: json(#"{"type":"object","properties":{"a":{"$ref":"https://example.com/remote.json"}}}"#)))
            )
            #expect(try bad.badRequest.body.applicationProblemJson.errors?.first?.pointer == "/schema/properties/a/$ref")
            let notASchema = try await api.registerSchema(path: path, body: .json(.init(schema: json("42"))))
            #expect(try notASchema.badRequest.body.applicationProblemJson.status == 400)

            let listed = try await api.listSchemaVersions(path: .init(stream: stream, eventType: "post.liked")).ok.body.json.items
            #expect(listed.map(\.version) == [1, 2])
            _ = try await api.deleteSchemaVersion(path: .init(stream: stream, eventType: "post.liked", version: 2)).noContent
            #expect(try await api.listSchemaVersions(path: .init(stream: stream, eventType: "post.liked")).ok.body.json.items.map(\.version) == [1])
            // Gone after its delete, unless asked for with includeDeleted.
            #expect(
                try await api.getSchemaVersion(path: .init(stream: stream, eventType: "post.liked", version: 2)).notFound.body.applicationProblemJson
                    .status == 404
            )
            #expect(
                try await api.getSchemaVersion(path: .init(stream: stream, eventType: "post.liked", version: 2), query: .init(includeDeleted: true))
                    .ok.body.json
                    .deleted
            )
            #expect(try await api.getSchemaVersion(path: .init(stream: stream, eventType: "post.liked", version: 1)).ok.body.json.deleted == false)
            #expect(
                try await api.getSchemaVersion(path: .init(stream: stream, eventType: "post.liked", version: 9)).notFound.body.applicationProblemJson
                    .status == 404
            )

            // Transitive: v3 widens v1 only; against the deleted v2 it is not checked.
            _ = try await api.updateStream(path: .init(stream: stream), body: .json(.init(compatibility: .backwardTransitive))).ok
            let report = try await api.testSchemaCompatibility(
                path: .init(stream: stream, eventType: "post.liked"),
                body: .json(.init(schema: json(#"{"type":"object"}"#), samples: [json(#"{"a":"x","n":1}"#), json("7")]))
            ).ok.body.json
            #expect(report.compatible)
            #expect(report.checkedVersions == [1])
            #expect(report.samples?.map(\.count) == [0, 1])
            let strict = try await api.testSchemaCompatibility(
                path: .init(stream: stream, eventType: "post.liked"),
                body: .json(.init(schema: json(#"{"type":"string"}"#), compatibility: .forward))
            ).ok.body.json
            #expect(!strict.compatible)
            #expect(strict.errors.first?.pointer == "/schema/type")

            let audit = try await api.listAuditLog(query: .init(action: "schema.*")).ok.body.json.items.map(\.action)
            #expect(audit == ["schema.deleted", "schema.registered", "schema.registered"])
        }
    }

    @Test("transitive modes check every live version, plain ones only the latest")
    func transitive() async throws {
        try await withSluice { harness in
            let owner = try await harness.signup("transitive")
            let (stream, _) = try await harness.stream(owner)
            let api = harness.api(owner.token)
            _ = try await api.updateStream(path: .init(stream: stream), body: .json(.init(compatibility: Components.Schemas.Compatibility.none))).ok
            let path = Operations.RegisterSchema.Input.Path(stream: stream, eventType: "t")
            _ = try await api.registerSchema(path: path, body: .json(.init(schema: json(#"{"type":"string"}"#)))).created
            _ = try await api.registerSchema(path: path, body: .json(.init(schema: json(#"{"type":"integer"}"#)))).created
            let candidate = json(#"{"type":["integer","null"]}"#)
            _ = try await api.updateStream(path: .init(stream: stream), body: .json(.init(compatibility: .backwardTransitive))).ok
            let refused = try await api.registerSchema(path: path, body: .json(.init(schema: candidate))).conflict.body.applicationProblemJson
            #expect(refused.errors?.first?.detail.hasPrefix("TYPE_NARROWED against version 1") == true)
            _ = try await api.updateStream(path: .init(stream: stream), body: .json(.init(compatibility: .backward))).ok
            #expect(try await api.registerSchema(path: path, body: .json(.init(schema: candidate))).created.body.json.version == 3)
        }
    }

    @Test("warn stores invalid events flagged; enforce rejects them into the quarantine, from where they replay once fixed")
    func ingestModes() async throws {
        try await withSluice { harness in
            let owner = try await harness.signup("modes")
            let (stream, key) = try await harness.stream(owner, schemaMode: .warn)
            let admin = harness.api(owner.token)
            let producer = harness.api(key)
            let schemaPath = Operations.RegisterSchema.Input.Path(stream: stream, eventType: "post.liked")
            _ = try await admin.registerSchema(
                path: schemaPath,
                body: .json(.init(schema: json(#"{"type":"object","properties":{"likes":{"type":"integer","minimum":0}},"required":["likes"]}"#)))
            ).created

            let invalid = Components.Schemas.EventInput(id: UUID().uuidString, _type: "post.liked", data: json(#"{"likes":-1}"#))
            let warned = try await producer.ingestEvent(path: .init(stream: stream), body: .json(invalid)).created.body.json
            #expect(warned.schemaVersion == 1)
            #expect(warned.warnings?.map(\.pointer) == ["/data/likes"])
            let stored = try await producer.readPartition(path: .init(stream: stream, partition: 0)).ok.body.json.items
            #expect(stored.first?.schemaErrors?.first?.pointer == "/data/likes")
            let valid = Components.Schemas.EventInput(_type: "post.liked", data: json(#"{"likes":3}"#))
            #expect(try await producer.ingestEvent(path: .init(stream: stream), body: .json(valid)).created.body.json.warnings == nil)

            _ = try await admin.updateStream(path: .init(stream: stream), body: .json(.init(schemaMode: .enforce))).ok
            let batch = try await producer.ingestBatch(
                path: .init(stream: stream),
                body: .json(
                    .init(events: [
                        .init(id: UUID().uuidString, _type: "post.liked", data: json(#"{"likes":"many"}"#)),
                        valid,
                        .init(_type: "unregistered", data: json("{}")),
                        .init(_type: "post.liked", schemaVersion: 7, data: json(#"{"likes":1}"#)),
                    ])
                )
            ).ok.body.json
            #expect(batch.results.map(\.status) == [.rejected, .stored, .rejected, .rejected])
            #expect(batch.results[0].errors?.map(\.pointer) == ["/events/0/data/likes"])
            #expect(batch.results[2].errors?.map(\.pointer) == ["/events/2/type"])
            #expect(batch.results[3].errors?.map(\.pointer) == ["/events/3/schemaVersion"])
            let quarantineID = try #require(batch.results[0].quarantineId)

            let single = try await producer.ingestEvent(path: .init(stream: stream), body: .json(invalid)).unprocessableContent.body
                .applicationProblemJson
            #expect(single.errors?.map(\.pointer) == ["/data/likes"])

            let held = try await admin.listQuarantine(path: .init(stream: stream)).ok.body.json.items
            #expect(held.count == 4)
            #expect(held.contains { $0.id == quarantineID && $0.errors.first?.pointer == "/events/0/data/likes" })

            // Still invalid: it stays.
            let again = try await admin.replayQuarantined(path: .init(stream: stream, quarantineId: quarantineID))
            #expect(try again.unprocessableContent.body.applicationProblemJson.status == 422)
            // The schema is fixed (a new version), and the replay stores it once.
            _ = try await admin.updateStream(path: .init(stream: stream), body: .json(.init(compatibility: Components.Schemas.Compatibility.none))).ok
            _ = try await admin.registerSchema(
                path: schemaPath,
                body: .json(.init(schema: json(#"{"type":"object","properties":{"likes":{"type":["integer","string"]}}}"#)))
            ).created
            let replayed = try await admin.replayQuarantined(path: .init(stream: stream, quarantineId: quarantineID)).ok.body.json
            #expect(replayed.status == .stored)
            #expect(replayed.schemaVersion == 2)
            #expect(
                try await admin.replayQuarantined(path: .init(stream: stream, quarantineId: quarantineID)).conflict.body.applicationProblemJson.status
                    == 409
            )
            let other = try #require(batch.results[2].quarantineId)
            _ = try await admin.discardQuarantined(path: .init(stream: stream, quarantineId: other)).noContent
            #expect(
                try await admin.listQuarantine(path: .init(stream: stream), query: .init(status: .replayed)).ok.body.json.items.map(\.id) == [
                    quarantineID
                ]
            )
            #expect(try await admin.listQuarantine(path: .init(stream: stream)).ok.body.json.items.count == 2)
            let actions = try await admin.listAuditLog(query: .init(action: "quarantine.*")).ok.body.json.items.map(\.action)
            #expect(actions == ["quarantine.discarded", "quarantine.replayed"])
            // A producer key can neither replay nor discard.
            #expect(
                try await producer.discardQuarantined(path: .init(stream: stream, quarantineId: other)).forbidden.body.applicationProblemJson.status
                    == 403
            )
        }
    }
}
