import Foundation
import HTTPTypes
import SluiceClient
import Testing

@testable import SluiceServer

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

            let latest = try await api.createConsumerGroup(path: .init(stream: stream), body: .json(.init(name: "new", start: .latest))).created.body
                .json
            #expect(latest.partitions.map(\.committedOffset) == [5])
            #expect(latest.lag == 0 && latest.partitions[0].lagSeconds == 0)
            #expect(latest.state == .idle)

            let timed = try await api.createConsumerGroup(
                path: .init(stream: stream),
                body: .json(.init(name: "since", start: .timestamp, startAt: between))
            ).created.body.json
            #expect(timed.partitions.map(\.committedOffset) == [3])
            #expect(timed.lag == 2)
            #expect(timed.startAt.map { abs($0.timeIntervalSince(between)) < 0.002 } == true)

            // Behind with no commit for five minutes: stuck (the group's age moved back).
            try await asSuperuser { client in
                _ = try await client.query(
                    "UPDATE consumer_groups SET created_at = now() - interval '6 minutes' WHERE id = \(UUID(uuidString: earliest.id)!)"
                )
            }
            #expect(try await api.describeConsumerGroup(path: .init(stream: stream, group: "all")).ok.body.json.state == .stuck)

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

    @Test("offset resets: each strategy, clamped to what the stream keeps; a dry run changes nothing; audited; needs streams:manage")
    func resets() async throws {
        try await withSluice { harness in
            let owner = try await harness.signup("resets")
            let (stream, key) = try await harness.stream(owner)
            try await ingest(harness, stream, key: key, count: 3)
            try await Task.sleep(for: .milliseconds(30))
            let between = Date()
            try await Task.sleep(for: .milliseconds(30))
            try await ingest(harness, stream, key: key, count: 3)
            let admin = harness.api(owner.token)
            _ = try await admin.createConsumerGroup(path: .init(stream: stream), body: .json(.init(name: "g"))).created
            let path = Operations.ResetConsumerGroupOffsets.Input.Path(stream: stream, group: "g")
            func reset(_ body: Components.Schemas.ResetOffsetsRequest) async throws -> Components.Schemas.ResetOffsetsResult {
                try await admin.resetConsumerGroupOffsets(path: path, body: .json(body)).ok.body.json
            }
            func committed() async throws -> Int64 {
                try await admin.describeConsumerGroup(path: .init(stream: stream, group: "g")).ok.body.json.partitions[0].committedOffset
            }

            let plan = try await reset(.init(to: .latest, dryRun: true))
            #expect(!plan.applied)
            #expect(plan.moves.map { [$0.partition, Int($0.from), Int($0.to)] } == [[0, 0, 6]])
            #expect(try await committed() == 0)

            var landed: [Int64] = []
            for body: Components.Schemas.ResetOffsetsRequest in [
                .init(to: .latest), .init(to: .offset, offset: 2), .init(to: .offset, offset: 100), .init(to: .shift, shift: -1),
                .init(to: .shift, shift: -10), .init(to: .datetime, datetime: between), .init(to: .duration, durationSeconds: 0),
                .init(to: .duration, durationSeconds: 3600), .init(to: .earliest, partitions: [0]),
            ] {
                let result = try await reset(body)
                #expect(result.applied)
                landed.append(try await committed())
                #expect(result.moves.first?.to == landed.last)
            }
            #expect(landed == [6, 2, 6, 5, 0, 3, 6, 0, 0])

            let noOffset = try await admin.resetConsumerGroupOffsets(path: path, body: .json(.init(to: .offset)))
            #expect(try noOffset.badRequest.body.applicationProblemJson.errors?.first?.pointer == "/offset")
            let noPartition = try await admin.resetConsumerGroupOffsets(path: path, body: .json(.init(to: .latest, partitions: [3])))
            #expect(try noPartition.badRequest.body.applicationProblemJson.errors?.first?.pointer == "/partitions")
            _ = try await harness.api(key).resetConsumerGroupOffsets(path: path, body: .json(.init(to: .latest))).forbidden
            let stranger = try await harness.signup("strangerresets")
            _ = try await harness.api(stranger.token).resetConsumerGroupOffsets(path: path, body: .json(.init(to: .latest))).notFound
            // A live member would commit over a reset: refused unless forced; a dry run is fine.
            _ = try await harness.api(key).joinConsumerGroup(path: .init(stream: stream, group: "g", memberId: "m"), body: .json(.init())).ok
            let busy = try await admin.resetConsumerGroupOffsets(path: path, body: .json(.init(to: .latest)))
            #expect(try busy.conflict.body.applicationProblemJson._type.hasSuffix("/group-has-members"))
            #expect(try await reset(.init(to: .latest, dryRun: true)).moves.first?.to == 6)
            #expect(try await reset(.init(to: .latest, force: true)).applied)
            #expect(try await committed() == 6)

            let audit = try await admin.listAuditLog(query: .init(action: "consumergroup.offsets.reset")).ok.body.json
            #expect(audit.items.count == 10)
            #expect(audit.items.first?.details?.additionalProperties["forced"] == "true")
            #expect(audit.items.dropFirst().first?.details?.additionalProperties["moves"] == "0:0->0")
        }
    }

    @Test(
        "members share the partitions; one that leaves or goes silent loses them at once; fetch after committed offsets (at-least-once); commits forward only, on held partitions"
    )
    func membersFetchCommit() async throws {
        try await withSluice { harness in
            let owner = try await harness.signup("members")
            let (stream, key) = try await harness.stream(owner, partitions: 4)
            let api = harness.api(key)
            let events = (0..<40).map { Components.Schemas.EventInput(_type: "a", key: "k\($0)", data: json("\($0)")) }
            _ = try await api.ingestBatch(path: .init(stream: stream), body: .json(.init(events: events))).ok
            _ = try await api.createConsumerGroup(path: .init(stream: stream), body: .json(.init(name: "g"))).created
            func join(_ member: String, timeout: Int? = nil) async throws -> [Int] {
                try await api.joinConsumerGroup(
                    path: .init(stream: stream, group: "g", memberId: member),
                    body: .json(.init(sessionTimeoutMs: timeout))
                ).ok.body.json.partitions
            }
            #expect(try await join("a") == [0, 1, 2, 3])
            #expect(try await join("b") == [1, 3])
            #expect(try await join("a") == [0, 2])
            let described = try await api.describeConsumerGroup(path: .init(stream: stream, group: "g")).ok.body.json
            #expect(described.members?.map(\.memberId) == ["a", "b"])

            let fetched = try await api.fetchConsumerGroup(path: .init(stream: stream, group: "g"), body: .json(.init(memberId: "a"))).ok.body.json
            #expect(Set(fetched.events.map(\.partition)) == [0, 2])
            let ends = try await harness.api(owner.token).getStream(path: .init(stream: stream)).ok.body.json.nextOffsets
            #expect(fetched.events.count == Int(ends[0] + ends[2]))

            let commit = { (member: String, partition: Int, offset: Int64) in
                try await api.commitConsumerGroup(
                    path: .init(stream: stream, group: "g"),
                    body: .json(.init(memberId: member, offsets: [.init(partition: partition, offset: offset)]))
                )
            }
            #expect(try await commit("a", 1, 1).conflict.body.applicationProblemJson._type.hasSuffix("/partition-not-held"))
            _ = try await commit("a", 0, ends[0]).noContent
            #expect(try await commit("a", 0, 0).conflict.body.applicationProblemJson._type.hasSuffix("/commit-behind"))
            #expect(try await commit("a", 2, ends[2] + 1).badRequest.body.applicationProblemJson.status == 400)
            // Not committed, fetched again.
            let again = try await api.fetchConsumerGroup(path: .init(stream: stream, group: "g"), body: .json(.init(memberId: "a"))).ok.body.json
            #expect(Set(again.events.map(\.partition)) == [2])
            #expect(again.events.map(\.id) == fetched.events.filter { $0.partition == 2 }.map(\.id))

            // b leaves: a holds all; c joins with a short session and goes silent: within two
            // session timeouts, its partitions are a's again, and its commits are refused.
            _ = try await api.leaveConsumerGroup(path: .init(stream: stream, group: "g", memberId: "b")).noContent
            #expect(try await join("a") == [0, 1, 2, 3])
            // (5 s: long enough that a loaded machine's slow requests do not end c's session early;
            // 3 s was not, once in a full run on two cores.)
            #expect(try await join("c", timeout: 5000) == [1, 3])
            #expect(try await join("a") == [0, 2])
            _ = try await commit("c", 1, 1).noContent  // a heartbeat that keeps c's own session timeout
            try await Task.sleep(for: .milliseconds(7500))
            #expect(try await join("a") == [0, 1, 2, 3])
            #expect(try await commit("c", 1, 1).conflict.body.applicationProblemJson._type.hasSuffix("/member-unknown"))
            let badMember = try await api.joinConsumerGroup(path: .init(stream: stream, group: "g", memberId: "no spaces"), body: .json(.init()))
            #expect(try badMember.badRequest.body.applicationProblemJson.status == 400)
        }
    }

    @Test("a long poll wakes when an event is stored, well before its wait ends, also when another node stores it")
    func longPoll() async throws {
        try await withSluice { one in
            try await withSluice { two in
                let owner = try await one.signup("longpoll")
                let (stream, key) = try await one.stream(owner)
                _ = try await one.api(key).createConsumerGroup(path: .init(stream: stream), body: .json(.init(name: "g", start: .latest))).created
                for (reader, writer) in [(one, one), (two, one)] {
                    let started = ContinuousClock.now
                    async let polled = reader.api(key).fetchConsumerGroup(
                        path: .init(stream: stream, group: "g"),
                        body: .json(.init(memberId: "m", waitMs: 10_000))
                    )
                    try await Task.sleep(for: .milliseconds(300))
                    try await ingest(writer, stream, key: key, count: 1)
                    let result = try await polled.ok.body.json
                    let elapsed = ContinuousClock.now - started
                    #expect(result.events.count == 1)
                    #expect(elapsed < .seconds(3), "the long poll answered after \(elapsed)")
                    _ = try await reader.api(key).commitConsumerGroup(
                        path: .init(stream: stream, group: "g"),
                        body: .json(.init(memberId: "m", offsets: [.init(partition: 0, offset: result.events[0].offset + 1)]))
                    ).noContent
                }
                // Nothing new: it waits out its time.
                let started = ContinuousClock.now
                let empty = try await two.api(key).fetchConsumerGroup(
                    path: .init(stream: stream, group: "g"),
                    body: .json(.init(memberId: "m", waitMs: 400))
                ).ok.body.json
                #expect(empty.events.isEmpty)
                #expect(ContinuousClock.now - started >= .milliseconds(400))
            }
        }
    }
}
