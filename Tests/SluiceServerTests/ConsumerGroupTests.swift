import Foundation
import HTTPTypes
import SluiceClient
@testable import SluiceServer
import Testing

@Suite("Consumer groups")
struct ConsumerGroupTests {
    func ingest(_ harness: Harness, _ stream: String, key: String, count: Int) async throws {
        let events = (0..<count).map { Components.Schemas.EventInput(_type: "a", data: json("\($0)")) }
        let result = try await harness.api(key).ingestBatch(path: .init(stream: stream), body: .json(.init(events: events))).ok.body.json
        #expect(result.stored == count)
    }

    @Test("created at the earliest event, the end or a time: offsets, lag in events and seconds, state; partitions added later start at 0")
    func startsAndLag() async throws {
        try await withSluice { harness in
            let owner = try await harness.signup("groups")
            let (stream, key) = try await harness.stream(owner)
            let api = harness.api(key)
            try await ingest(harness, stream, key: key, count: 3)
            try await Task.sleep(for: .milliseconds(30))
            let between = Date()
            try await Task.sleep(for: .milliseconds(30))
            try await ingest(harness, stream, key: key, count: 2)

            let earliest = try await api.createConsumerGroup(path: .init(stream: stream), body: .json(.init(name: "all"))).created.body.json
            #expect(earliest.start == .earliest)
            #expect(earliest.partitions.map(\.committedOffset) == [0])
            #expect(earliest.partitions.map(\.endOffset) == [5])
            #expect(earliest.lag == 5)
            #expect(earliest.partitions[0].lagSeconds > 0.05)
            #expect(earliest.state == .active)  // behind, and just made

            let latest = try await api.createConsumerGroup(path: .init(stream: stream), body: .json(.init(name: "new", start: .latest))).created.body.json
            #expect(latest.partitions.map(\.committedOffset) == [5])
            #expect(latest.lag == 0 && latest.partitions[0].lagSeconds == 0)
            #expect(latest.state == .idle)

            let timed = try await api.createConsumerGroup(
                path: .init(stream: stream), body: .json(.init(name: "since", start: .timestamp, startAt: between))
            ).created.body.json
            #expect(timed.partitions.map(\.committedOffset) == [3])
            #expect(timed.lag == 2)
            #expect(timed.startAt.map { abs($0.timeIntervalSince(between)) < 0.002 } == true)

            let list = try await api.listConsumerGroups(path: .init(stream: stream)).ok.body.json.items
            #expect(list.map(\.name) == ["all", "new", "since"])

            // The stream grows a partition: the groups read it from its start.
            _ = try await harness.api(owner.token).updateStream(path: .init(stream: stream), body: .json(.init(partitions: 2))).ok
            let grown = try await api.describeConsumerGroup(path: .init(stream: stream, group: "new")).ok.body.json
            #expect(grown.partitions.map(\.partition) == [0, 1])
            #expect(grown.partitions.map(\.committedOffset) == [5, 0])
        }
    }

    @Test("bad requests, duplicates, permissions and other tenants; deletion audited")
    func refusals() async throws {
        try await withSluice { harness in
            let owner = try await harness.signup("groupsec")
            let (stream, key) = try await harness.stream(owner)
            let api = harness.api(key)
            _ = try await api.createConsumerGroup(path: .init(stream: stream), body: .json(.init(name: "g"))).created
            let duplicate = try await api.createConsumerGroup(path: .init(stream: stream), body: .json(.init(name: "g")))
            #expect(try duplicate.conflict.body.applicationProblemJson._type.hasSuffix("/consumer-group-exists"))
            let badName = try await api.createConsumerGroup(path: .init(stream: stream), body: .json(.init(name: "Not A Slug")))
            #expect(try badName.badRequest.body.applicationProblemJson.errors?.first?.pointer == "/name")
            let noTime = try await api.createConsumerGroup(path: .init(stream: stream), body: .json(.init(name: "t", start: .timestamp)))
            #expect(try noTime.badRequest.body.applicationProblemJson.errors?.first?.pointer == "/startAt")
            let stray = try await api.createConsumerGroup(path: .init(stream: stream), body: .json(.init(name: "t", start: .latest, startAt: Date())))
            #expect(try stray.badRequest.body.applicationProblemJson.status == 400)

            // A write-only key may not; a key for other streams, another tenant: 404.
            let writer = try await harness.createKey(owner, scopes: [.events_colon_write]).value2.secret
            #expect(try await harness.api(writer).listConsumerGroups(path: .init(stream: stream)).forbidden.body.applicationProblemJson.status == 403)
            let elsewhere = try await harness.createKey(owner, scopes: [.events_colon_read], streams: ["other"]).value2.secret
            _ = try await harness.api(elsewhere).describeConsumerGroup(path: .init(stream: stream, group: "g")).notFound
            let stranger = try await harness.signup("strangergroups")
            _ = try await harness.api(stranger.token).describeConsumerGroup(path: .init(stream: stream, group: "g")).notFound
            _ = try await harness.api(stranger.token).deleteConsumerGroup(path: .init(stream: stream, group: "g")).notFound
            _ = try await api.describeConsumerGroup(path: .init(stream: stream, group: "missing")).notFound

            // Deleting needs streams:manage, which a reading key lacks.
            _ = try await api.deleteConsumerGroup(path: .init(stream: stream, group: "g")).forbidden
            _ = try await harness.api(owner.token).deleteConsumerGroup(path: .init(stream: stream, group: "g")).noContent
            _ = try await api.describeConsumerGroup(path: .init(stream: stream, group: "g")).notFound
            let audit = try await harness.api(owner.token).listAuditLog(query: .init(action: "consumergroup.*")).ok.body.json
            #expect(audit.items.map(\.action) == ["consumergroup.deleted", "consumergroup.created"])
        }
    }
}
