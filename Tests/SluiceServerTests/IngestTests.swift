import CompressNIO
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import OpenAPIRuntime
import PostgresNIO
import SluiceClient
import Testing

@testable import SluiceCore
@testable import SluiceServer

@Suite("Ingest")
struct IngestTests {
    static func event(
        _ type: String = "post.liked",
        id: String? = nil,
        key: String? = nil,
        data: OpenAPIValueContainer = json(#"{"likes":1}"#)
    )
        -> Components.Schemas.EventInput
    {
        .init(id: id, _type: type, key: key, data: data)
    }

    @Test("one event through the generated client: stored with partition and offset, read back, a resend is a duplicate")
    func singleEvent() async throws {
        try await withSluice { harness in
            let owner = try await harness.signup("ingest")
            let (stream, key) = try await harness.stream(owner, partitions: 4)
            let api = harness.api(key)
            let id = UUID().uuidString.lowercased()
            let input = Components.Schemas.EventInput(
                id: id,
                _type: "post.liked",
                source: "twitter",
                key: "account-1",
                occurredAt: Date(timeIntervalSince1970: 1_790_000_000.25),
                data: json(#"{"post":"p1","likes":3,"tags":["a","b"]}"#)
            )
            let stored = try await api.ingestEvent(path: .init(stream: stream), body: .json(input)).created.body.json
            #expect(stored.status == .stored)
            #expect(stored.id == id)
            #expect(stored.offset == 0)
            let partition = try #require(stored.partition)
            #expect(partition == Partitioner.partition(key: "account-1", id: UUID(), partitions: 4))

            let again = try await api.ingestEvent(path: .init(stream: stream), body: .json(input)).ok.body.json
            #expect(again.status == .duplicate)

            let page = try await api.readPartition(path: .init(stream: stream, partition: partition)).ok.body.json
            #expect(page.items.count == 1)
            #expect(page.nextOffset == 1)
            #expect(page.endOffset == 1)
            let event = try #require(page.items.first)
            #expect(event.id == id)
            #expect(event.source == "twitter")
            #expect(event.key == "account-1")
            #expect(event.occurredAt == Date(timeIntervalSince1970: 1_790_000_000.25))
            #expect(event.data == json(#"{"post":"p1","likes":3,"tags":["a","b"]}"#))

            let browsed = try await api.browseEvents(path: .init(stream: stream), query: .init(_type: "post.liked", key: "account-1")).ok.body.json
            #expect(browsed.items.map(\.id) == [id])
            #expect(try await api.browseEvents(path: .init(stream: stream), query: .init(_type: "other")).ok.body.json.items.isEmpty)
        }
    }

    @Test("a batch: one result per event in order; one key keeps its order in one partition; a bad event is rejected alone")
    func batch() async throws {
        try await withSluice { harness in
            let owner = try await harness.signup("batch")
            let (stream, key) = try await harness.stream(owner, partitions: 3)
            let api = harness.api(key)
            let events = (0..<10).map { index in Self.event(key: "k", data: json(#"{"n":\#(index)}"#)) }
            let result = try await api.ingestBatch(path: .init(stream: stream), body: .json(.init(events: events))).ok.body.json
            #expect(result.stored == 10)
            #expect(result.results.map(\.offset) == (0..<10).map { Int64($0) })
            #expect(Set(result.results.compactMap(\.partition)).count == 1)

            // Raw, so that one event can be malformed: it is rejected with a pointer, the others stored.
            let body = #"{"events":[{"type":"a","data":1},{"type":5,"data":1},{"type":"a","data":2,"extra":true},{"type":"a"}]}"#
            let response = try await harness.send(.post, "/v1/streams/\(stream)/events/batch", body: body, headers: [.authorization: "Bearer \(key)"])
            #expect(response.status == .ok)
            let reply = try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as! [String: Any]
            #expect(reply["stored"] as? Int == 1)
            #expect(reply["rejected"] as? Int == 3)
            let results = reply["results"] as! [[String: Any]]
            #expect(results.map { $0["status"] as? String } == ["stored", "rejected", "rejected", "rejected"])
            let pointers = results.dropFirst().map { (($0["errors"] as? [[String: Any]])?.first?["pointer"] as? String) }
            #expect(pointers == ["/events/1/type", "/events/2/extra", "/events/3/data"])
        }
    }

    @Test("concurrent producers on several partitions: offsets dense, and a reader following offsets never meets a gap")
    func denseOffsetsUnderConcurrency() async throws {
        try await withSluice { harness in
            let owner = try await harness.signup("dense")
            let (stream, key) = try await harness.stream(owner, partitions: 4)
            let api = harness.api(key)
            let producers = 8
            let batches = 12
            let perBatch = 25
            let acks = try await withThrowingTaskGroup(of: [Components.Schemas.IngestResult].self) { group in
                // A reader follows partition 0 while producers write: each page must start exactly
                // where the last one ended, or an offset committed after a higher one was skipped.
                group.addTask {
                    var next: Int64 = 0
                    for _ in 0..<200 {
                        let page = try await api.readPartition(path: .init(stream: stream, partition: 0), query: .init(fromOffset: next, limit: 1000))
                            .ok.body.json
                        for (position, event) in page.items.enumerated() { #expect(event.offset == next + Int64(position)) }
                        next += Int64(page.items.count)
                        try await Task.sleep(for: .milliseconds(5))
                    }
                    return []
                }
                for producer in 0..<producers {
                    group.addTask {
                        var acked: [Components.Schemas.IngestResult] = []
                        for batch in 0..<batches {
                            let events = (0..<perBatch).map { index in
                                Self.event(id: UUID().uuidString, key: "p\(producer)-\(index % 7)", data: json(#"{"batch":\#(batch)}"#))
                            }
                            acked += try await api.ingestBatch(path: .init(stream: stream), body: .json(.init(events: events))).ok.body.json.results
                        }
                        return acked
                    }
                }
                var all: [Components.Schemas.IngestResult] = []
                for try await results in group { all += results }
                return all
            }
            #expect(acks.count == producers * batches * perBatch)
            #expect(acks.allSatisfy { $0.status == .stored })
            let byPartition = Dictionary(grouping: acks, by: { $0.partition! })
            #expect(byPartition.count == 4)
            let streamState = try await harness.api(owner.token).getStream(path: .init(stream: stream)).ok.body.json
            for (partition, results) in byPartition {
                #expect(results.compactMap(\.offset).sorted() == (0..<Int64(results.count)).map { $0 })
                #expect(streamState.nextOffsets[partition] == Int64(results.count))
            }
        }
    }

    @Test("idempotency: twenty parallel copies of one event (different keys, so different partitions) store it once")
    func parallelDuplicates() async throws {
        try await withSluice { harness in
            let owner = try await harness.signup("dupes")
            let (stream, key) = try await harness.stream(owner, partitions: 8)
            let api = harness.api(key)
            let id = UUID().uuidString
            let statuses = try await withThrowingTaskGroup(of: Components.Schemas.IngestResult.StatusPayload.self) { group in
                for copy in 0..<20 {
                    group.addTask {
                        let response = try await api.ingestBatch(
                            path: .init(stream: stream),
                            body: .json(.init(events: [Self.event(id: id, key: "copy-\(copy)")]))
                        )
                        return try response.ok.body.json.results[0].status
                    }
                }
                var all: [Components.Schemas.IngestResult.StatusPayload] = []
                for try await status in group { all.append(status) }
                return all
            }
            #expect(statuses.filter { $0 == .stored }.count == 1)
            #expect(statuses.filter { $0 == .duplicate }.count == 19)
            let state = try await harness.api(owner.token).getStream(path: .init(stream: stream)).ok.body.json
            #expect(state.nextOffsets.reduce(0, +) == 1)
            // Within one batch, too.
            let twice = [Self.event(id: id), Self.event(id: id)]
            let result = try await api.ingestBatch(path: .init(stream: stream), body: .json(.init(events: twice))).ok.body.json
            #expect(result.duplicates == 2)
        }
    }

    @Test("CloudEvents: structured and batch mode; a non-UUID id maps to a stable id, so a resend is a duplicate")
    func cloudEvents() async throws {
        try await withSluice { harness in
            let owner = try await harness.signup("cloudevents")
            let (stream, key) = try await harness.stream(owner)
            let api = harness.api(key)
            let event = Components.Schemas.CloudEvent(
                specversion: ._1_0,
                id: "tweet-123",
                source: "https://api.x.com",
                _type: "com.x.tweet.created",
                subject: "user-9",
                time: Date(timeIntervalSince1970: 1_790_000_000),
                data: json(#"{"text":"hello"}"#),
                additionalProperties: try OpenAPIObjectContainer(unvalidatedValue: ["traceparent": "00-abc-def-01"])
            )
            let stored = try await api.ingestEvent(path: .init(stream: stream), body: .applicationCloudeventsJson(event)).created.body.json
            #expect(stored.status == .stored)
            #expect(stored.id == CloudEventsEnvelope.stableID(source: "https://api.x.com", id: "tweet-123").lowercased)
            let batch = try await api.ingestBatch(path: .init(stream: stream), body: .applicationCloudeventsBatchJson([event])).ok.body.json
            #expect(batch.duplicates == 1)

            let read = try await api.readPartition(path: .init(stream: stream, partition: 0)).ok.body.json.items[0]
            #expect(read.source == "https://api.x.com")
            #expect(read._type == "com.x.tweet.created")
            #expect(read.key == "user-9")
            #expect(read.occurredAt == Date(timeIntervalSince1970: 1_790_000_000))
            #expect(read.attributes?.additionalProperties.value["traceparent"] as? String == "00-abc-def-01")
            #expect(read.attributes?.additionalProperties.value["id"] as? String == "tweet-123")

            let wrongVersion = #"{"specversion":"0.3","id":"1","source":"s","type":"t"}"#
            let response = try await harness.send(
                .post,
                "/v1/streams/\(stream)/events",
                body: wrongVersion,
                headers: [.authorization: "Bearer \(key)", .contentType: "application/cloudevents+json"]
            )
            #expect(response.status == .unprocessableContent)
            #expect((response.problem["errors"] as? [[String: Any]])?.first?["pointer"] as? String == "/specversion")
        }
    }

    @Test("bad input gets a clear 4xx problem and stores nothing")
    func badInput() async throws {
        try await withSluice { harness in
            let owner = try await harness.signup("badinput")
            let (stream, key) = try await harness.stream(owner)
            let other = try await harness.signup("othertenant")
            let (otherStream, _) = try await harness.stream(other)
            let auth: HTTPFields = [.authorization: "Bearer \(key)", .contentType: "application/json"]
            let single = "/v1/streams/\(stream)/events"
            let batch = "/v1/streams/\(stream)/events/batch"

            func expectProblem(
                _ response: TestResponse,
                _ status: HTTPResponse.Status,
                _ fragment: String,
                sourceLocation: SourceLocation = #_sourceLocation
            ) {
                #expect(response.status == status, sourceLocation: sourceLocation)
                #expect(response.headers[.contentType] == "application/problem+json", sourceLocation: sourceLocation)
                #expect((response.problem["detail"] as? String ?? "").contains(fragment), "\(response.problem)", sourceLocation: sourceLocation)
            }
            expectProblem(try await harness.send(.post, single, body: #"{"type":"a","data":"#, headers: auth), .badRequest, "Malformed JSON")
            expectProblem(
                try await harness.send(.post, single, body: #"{"type":"a","data":1,"data":2}"#, headers: auth),
                .badRequest,
                "duplicate member"
            )
            expectProblem(try await harness.send(.post, single, body: #"{"type":"a","data":"\u0000"}"#, headers: auth), .badRequest, "u0000")
            expectProblem(
                try await harness.send(.post, single, body: #"{"type":"a","data":1} x"#, headers: auth),
                .badRequest,
                "after the JSON value"
            )
            expectProblem(try await harness.send(.post, single, body: #"{"type":7,"data":1}"#, headers: auth), .unprocessableContent, "string")
            expectProblem(
                try await harness.send(.post, single, body: #"{"type":"a","data":1,"occurredAt":"yesterday"}"#, headers: auth),
                .unprocessableContent,
                "RFC 3339"
            )
            let deep = String(repeating: "[", count: 40) + String(repeating: "]", count: 40)
            expectProblem(try await harness.send(.post, single, body: #"{"type":"a","data":\#(deep)}"#, headers: auth), .badRequest, "nesting")
            let deepButParsable = String(repeating: "[", count: 33) + String(repeating: "]", count: 33)
            expectProblem(
                try await harness.send(.post, single, body: #"{"type":"a","data":\#(deepButParsable)}"#, headers: auth),
                .unprocessableContent,
                "deeper than 32"
            )
            let invalidUTF8 = Array(#"{"type":"a","data":""#.utf8) + [0xC3, 0x28] + Array(#""}"#.utf8)
            expectProblem(try await harness.send(.post, single, bytes: invalidUTF8, headers: auth), .badRequest, "UTF-8")
            let tooMany = #"{"events":[\#(Array(repeating: #"{"type":"a","data":1}"#, count: 1001).joined(separator: ","))]}"#
            expectProblem(try await harness.send(.post, batch, body: tooMany, headers: auth), .badRequest, "at most 1000 events")
            expectProblem(try await harness.send(.post, batch, body: #"{"events":[]}"#, headers: auth), .badRequest, "empty")
            let huge = #"{"type":"a","data":"\#(String(repeating: "x", count: 1 << 20))"}"#
            #expect(try await harness.send(.post, single, body: huge, headers: auth).status == .contentTooLarge)
            expectProblem(
                try await harness.send(.post, single, body: "type=a", headers: [.authorization: "Bearer \(key)", .contentType: "text/plain"]),
                .unsupportedMediaType,
                "application/json"
            )
            var gzipHeaders = auth
            gzipHeaders[.contentEncoding] = "gzip"
            expectProblem(try await harness.send(.post, single, bytes: Array("not gzip".utf8), headers: gzipHeaders), .badRequest, "gzip")
            var brotli = auth
            brotli[.contentEncoding] = "br"
            expectProblem(try await harness.send(.post, single, body: #"{"type":"a","data":1}"#, headers: brotli), .unsupportedMediaType, "gzip")
            // A gzip bomb: 8 MiB of zeros inflates past the limit.
            var zeros = ByteBuffer(repeating: 0x30, count: 8 << 20)
            let bomb = try zeros.compress(with: .gzip)
            expectProblem(try await harness.send(.post, single, bytes: Array(buffer: bomb), headers: gzipHeaders), .contentTooLarge, "inflates")

            expectProblem(
                try await harness.send(.post, "/v1/streams/nope/events", body: #"{"type":"a","data":1}"#, headers: auth),
                .notFound,
                "not found"
            )
            expectProblem(
                try await harness.send(.post, "/v1/streams/\(otherStream)/events", body: #"{"type":"a","data":1}"#, headers: auth),
                .notFound,
                "not found"
            )
            #expect(try await harness.send(.post, single, body: #"{"type":"a","data":1}"#).status == .unauthorized)

            let state = try await harness.api(owner.token).getStream(path: .init(stream: stream)).ok.body.json
            #expect(state.nextOffsets == [0])

            // A well-formed gzip body is taken.
            var plain = ByteBuffer(string: #"{"type":"a","data":{"compressed":true}}"#)
            let gzipped = try plain.compress(with: .gzip)
            #expect(try await harness.send(.post, single, bytes: Array(buffer: gzipped), headers: gzipHeaders).status == .created)
        }
    }

    @Test("keys: a read-only key cannot write (403); a key for other streams gets 404; a deleted stream takes nothing")
    func keyAccess() async throws {
        try await withSluice { harness in
            let owner = try await harness.signup("ingestaccess")
            let (stream, _) = try await harness.stream(owner)
            let reader = try await harness.createKey(owner, scopes: [.events_colon_read]).value2.secret
            let elsewhere = try await harness.createKey(owner, scopes: [.events_colon_write], streams: ["another"]).value2.secret
            let writer = try await harness.createKey(owner, scopes: [.events_colon_write]).value2.secret
            let body = Components.Schemas.EventInput(_type: "a", data: json("1"))
            #expect(
                try await harness.api(reader).ingestEvent(path: .init(stream: stream), body: .json(body)).forbidden.body.applicationProblemJson.status
                    == 403
            )
            #expect(
                try await harness.api(elsewhere).ingestEvent(path: .init(stream: stream), body: .json(body)).notFound.body.applicationProblemJson
                    .status == 404
            )
            #expect(
                try await harness.api(writer).readPartition(path: .init(stream: stream, partition: 0)).forbidden.body.applicationProblemJson.status
                    == 403
            )
            _ = try await harness.api(writer).ingestEvent(path: .init(stream: stream), body: .json(body)).created
            _ = try await harness.api(owner.token).deleteStream(path: .init(stream: stream)).noContent
            #expect(
                try await harness.api(writer).ingestEvent(path: .init(stream: stream), body: .json(body)).notFound.body.applicationProblemJson.status
                    == 404
            )
        }
    }

    @Test("an append to a stream gone since it was looked up, or to a partition it lacks, keeps nothing: no event, no claimed id, no offset")
    func appendToGone() async throws {
        try await withSluice { harness in
            let owner = try await harness.signup("appendgone")
            let (stream, _) = try await harness.stream(owner, partitions: 2)
            let tenant = UUID(uuidString: owner.tenantID)!
            try await withClient(try TestEnvironment.configuration().postgresConfiguration()) { client in
                let database = client.database
                var streamID: UUID?
                for try await id in try await database.query(
                    "SELECT id FROM streams WHERE tenant_id = \(tenant) AND name = \(stream)",
                    logger: TestEnvironment.logger
                ).decode(UUID.self) { streamID = id }
                let key = EventStore.StreamKey(tenantID: tenant, streamID: try #require(streamID))
                let store = EventStore(client: database, logger: TestEnvironment.logger)
                func record(_ partition: Int) -> EventRecord {
                    EventRecord(
                        partition: partition,
                        id: UUID(),
                        idFromProducer: true,
                        type: "a",
                        source: "test",
                        key: nil,
                        occurredAt: Date(),
                        schemaVersion: nil,
                        schemaErrors: nil,
                        attributes: nil,
                        payload: "1",
                        charge: Charge(keyID: nil, period: UsagePeriod(containing: Date()))
                    )
                }
                func kept() async throws -> [Int64] {
                    var counts: [Int64] = []
                    for try await (events, ids, offsets) in try await database.query(
                        """
                        SELECT (SELECT count(*) FROM events WHERE tenant_id = \(tenant) AND stream_id = \(key.streamID)),
                               (SELECT count(*) FROM event_ids WHERE tenant_id = \(tenant) AND stream_id = \(key.streamID)),
                               (SELECT sum(next_offset)::int8 FROM stream_partitions WHERE tenant_id = \(tenant) AND stream_id = \(key.streamID))
                        """,
                        logger: TestEnvironment.logger
                    ).decode((Int64, Int64, Int64).self) { counts = [events, ids, offsets] }
                    return counts
                }
                // Stored, for the record.
                #expect(await store.append([record(0), record(1)], to: key).allSatisfy { if case .stored = $0 { true } else { false } })
                #expect(try await kept() == [2, 2, 2])
                // Partition 2 does not exist: partition 0's event goes with it.
                let missing = await store.append([record(0), record(2)], to: key)
                #expect(missing.allSatisfy { if case .failed(let reason) = $0 { reason.contains("stream") } else { false } }, "\(missing)")
                #expect(try await kept() == [2, 2, 2])
                // Deleted after the lookup.
                try await database.query("UPDATE streams SET deleted_at = now() WHERE id = \(key.streamID)", logger: TestEnvironment.logger)
                let gone = await store.append([record(0), record(1)], to: key)
                #expect(gone.allSatisfy { if case .failed = $0 { true } else { false } }, "\(gone)")
                #expect(try await kept() == [2, 2, 2])
            }
        }
    }

    @Test("the event store is append-only: UPDATE, DELETE and TRUNCATE are refused")
    func appendOnly() async throws {
        try await withSluice { harness in
            let owner = try await harness.signup("appendonly")
            let (stream, key) = try await harness.stream(owner)
            _ = try await harness.api(key).ingestEvent(path: .init(stream: stream), body: .json(.init(_type: "a", data: json("1")))).created
            let tenant = UUID(uuidString: owner.tenantID)!
            var configuration = TestEnvironment.configuration()
            configuration.databasePoolSize = 1
            let client = PostgresClient(configuration: try configuration.postgresConfiguration())
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { await client.run() }
                defer { group.cancelAll() }
                for statement: PostgresQuery in [
                    "UPDATE events SET type = 'changed' WHERE tenant_id = \(tenant)",
                    "DELETE FROM events WHERE tenant_id = \(tenant)",
                    "TRUNCATE events",
                ] {
                    await #expect(throws: PSQLError.self) { try await client.query(statement) }
                }
            }
            let page = try await harness.api(key).readPartition(path: .init(stream: stream, partition: 0)).ok.body.json
            #expect(page.items.map(\._type) == ["a"])
        }
    }
}

/// A JSON value for the generated client's free-form fields.
func json(_ text: String) -> OpenAPIValueContainer {
    try! JSONDecoder().decode(OpenAPIValueContainer.self, from: Data(text.utf8))
}
