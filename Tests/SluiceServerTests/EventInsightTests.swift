import Foundation
import HTTPTypes
import OpenAPIRuntime
import PostgresNIO
import SluiceClient
import Testing

@testable import SluiceCore
@testable import SluiceDatabase
@testable import SluiceServer

/// What the dashboard shows and the API serves for anyone: the tail, one event's story, a
/// group's lag history, the dead-letter queue by cause with counted dry runs.
@Suite("Event insight", .serialized, .isolatedDatabase)
struct EventInsightTests {
    func batch(_ harness: Harness, _ stream: String, _ key: String, count: Int, type: String = "a", keys: [String] = ["k"]) async throws {
        let events = (0..<count).map { Components.Schemas.EventInput(_type: type, key: keys[$0 % keys.count], data: json("\($0)")) }
        #expect(try await harness.api(key).ingestBatch(path: .init(stream: stream), body: .json(.init(events: events))).ok.body.json.stored == count)
    }

    /// Sluice with webhook workers that may post to this machine.
    func withWorkers(_ body: @Sendable (Harness) async throws -> Void) async throws {
        try await withSluice(
            {
                $0.workers.concurrency = 4
                $0.workers.allowPrivateNetworks = true
            },
            body
        )
    }

    /// A subscription to `receiver` that dead-letters after one attempt; its secret.
    func subscribe(_ api: Client, _ stream: String, _ name: String, _ receiver: WebhookReceiver, types: [String]? = nil) async throws -> String {
        var settings = Components.Schemas.SubscriptionSettings(maxAttempts: 1)
        settings.url = receiver.url
        settings.eventTypes = types
        return try await api.createSubscription(path: .init(stream: stream), body: .json(.init(name: name, settings: settings))).created.body
            .json.secret
    }

    func tail(
        _ harness: Harness,
        _ key: String,
        _ stream: String,
        _ query: Operations.TailEvents.Input.Query
    ) async throws
        -> [(id: String?, batch: Components.Schemas.TailBatch)]
    {
        let body = try await harness.api(key).tailEvents(path: .init(stream: stream), query: query).ok.body.textEventStream
        var batches: [(String?, Components.Schemas.TailBatch)] = []
        for try await event in body.asDecodedServerSentEventsWithJSONData(of: Components.Schemas.TailBatch.self, decoder: AnalyticsTests.decoder) {
            if let data = event.data { batches.append((event.id, data)) }
        }
        return batches
    }

    @Test("the tail: new events only, filtered by type and key, sampled above maxPerSecond and saying so, resumable by Last-Event-ID")
    func tailEvents() async throws {
        try await withSluice { harness in
            let owner = try await harness.signup("tail")
            let (stream, key) = try await harness.stream(owner, partitions: 3)
            try await batch(harness, stream, key, count: 5)  // before the tail: not sent
            async let watching = tail(harness, key, stream, .init(_type: "b", maxPerSecond: 1000, seconds: 3))
            try await Task.sleep(for: .milliseconds(800))
            try await batch(harness, stream, key, count: 30, type: "a", keys: ["x", "y", "z"])
            try await batch(harness, stream, key, count: 12, type: "b", keys: ["x", "y", "z"])
            let batches = try await watching
            let seen = batches.flatMap(\.batch.events)
            #expect(seen.count == 12 && seen.allSatisfy { $0._type == "b" }, "\(seen.map(\._type))")
            #expect(batches.allSatisfy { !$0.batch.sampled })
            #expect(Set(seen.map { "\($0.partition)/\($0.offset)" }).count == 12)

            // By key, sampled to 1 a second: it says how many matched.
            async let sampled = tail(harness, key, stream, .init(key: "y", maxPerSecond: 1, seconds: 3))
            try await Task.sleep(for: .milliseconds(800))
            try await batch(harness, stream, key, count: 90, keys: ["x", "y", "z"])
            let sampledBatches = try await sampled
            #expect(sampledBatches.reduce(0) { $0 + $1.batch.matched } == 30)
            #expect(sampledBatches.contains { $0.batch.sampled })
            let shown = sampledBatches.flatMap(\.batch.events)
            #expect((1...4).contains(shown.count) && shown.allSatisfy { $0.key == "y" }, "\(shown.count) shown")

            // Resumed from the last id: what was stored since comes first.
            let last = try #require(batches.last?.id)
            try await batch(harness, stream, key, count: 4, type: "b")
            let resumed = try await harness.send(
                .get,
                "/v1/streams/\(stream)/events/tail?type=b&seconds=1",
                headers: [.authorization: "Bearer \(key)", HTTPField.Name("Last-Event-ID")!: last]
            )
            #expect(resumed.status == .ok && resumed.headers[.contentType]?.hasPrefix("text/event-stream") == true)
            #expect(String(buffer: resumed.body).components(separatedBy: "\"type\":\"b\"").count - 1 == 4)

            // Bounds, another tenant, a key that cannot read.
            _ = try await harness.api(key).tailEvents(path: .init(stream: stream), query: .init(maxPerSecond: 1001)).badRequest
            _ = try await harness.api(key).tailEvents(path: .init(stream: stream), query: .init(seconds: 0)).badRequest
            let stranger = try await harness.signup("tail-stranger")
            _ = try await harness.api(stranger.token).tailEvents(path: .init(stream: stream), query: .init(seconds: 1)).notFound
            let writeOnly = try await harness.createKey(owner, scopes: [.events_colon_write], streams: [stream])
            _ = try await harness.api(writeOnly.value2.secret).tailEvents(path: .init(stream: stream), query: .init(seconds: 1)).forbidden
        }
    }

    @Test("a tenant holds a bounded number of live feeds open, tails and analytics feeds together; another tenant is not affected")
    func feedsBounded() async throws {
        try await withSluice({ $0.maxFeedsPerTenant = 2 }) { harness in
            let owner = try await harness.signup("feeds")
            let (stream, key) = try await harness.stream(owner)
            let api = harness.api(key)
            async let first = tail(harness, key, stream, .init(seconds: 3))
            async let second = harness.send(.get, "/v1/streams/\(stream)/analytics/live?ticks=3", headers: [.authorization: "Bearer \(key)"])
            try await Task.sleep(for: .milliseconds(800))
            let third = try await api.tailEvents(path: .init(stream: stream), query: .init(seconds: 1))
            guard case .tooManyRequests(let refused) = third else {
                Issue.record("a third feed was not refused: \(third)")
                return
            }
            #expect(refused.headers.retryAfter != nil)
            let stranger = try await harness.signup("feeds-other")
            let (otherStream, otherKey) = try await harness.stream(stranger)
            _ = try await harness.api(otherKey).tailEvents(path: .init(stream: otherStream), query: .init(seconds: 1)).ok
            _ = try await first
            _ = try await second
            // Both ended: their places are free again.
            _ = try await api.tailEvents(path: .init(stream: stream), query: .init(seconds: 1)).ok
        }
    }

    @Test("the sample is even and never more than asked")
    func evenSample() {
        #expect(EventReader.evenSample(Array(0..<10), count: 5) == [0, 2, 4, 6, 8])
        #expect(EventReader.evenSample(Array(0..<3), count: 5) == [0, 1, 2])
        #expect(EventReader.evenSample(Array(0..<3), count: 0).isEmpty)
    }

    @Test("an event's page: the event and, per subscription, delivered, pending, dead with its attempts, or filtered")
    func eventFate() async throws {
        let receiver = try WebhookReceiver()
        try await withWorkers { harness in
            let owner = try await harness.signup("fate")
            let (stream, key) = try await harness.stream(owner)
            let api = harness.api(owner.token)
            let secret = try await subscribe(api, stream, "ok", receiver)
            _ = try await subscribe(api, stream, "only-b", receiver, types: ["b"])
            let id = UUID().uuidString.lowercased()
            try await receiver.control(["secrets": [secret], "fail": [id: -1]])
            let stored = try await harness.api(key).ingestEvent(
                path: .init(stream: stream),
                body: .json(.init(id: id, _type: "a", key: "k", data: json("1")))
            ).created.body.json
            let (partition, offset) = (try #require(stored.partition), try #require(stored.offset))
            try await eventually(timeout: .seconds(20)) {
                try await api.getEvent(path: .init(stream: stream, partition: partition, offset: offset)).ok.body.json.deliveries
                    .contains { $0.subscription == "ok" && $0.state == .dead }
            }
            let detail = try await api.getEvent(path: .init(stream: stream, partition: partition, offset: offset)).ok.body.json
            #expect(detail.event.id == id && detail.event.offset == offset)
            let dead = try #require(detail.deliveries.first { $0.subscription == "ok" })
            #expect(dead.delivery?.attempts.count == 1 && dead.delivery?.lastStatus == 500)
            #expect(detail.deliveries.first { $0.subscription == "only-b" }?.state == .filtered)

            // Replayed once the receiver answers: delivered.
            try await receiver.control(["fail": [:]])
            let replay = Components.Schemas.DeadLetterSelection(ids: [try #require(dead.delivery?.id)])
            _ = try await api.replayDeadLetters(path: .init(stream: stream, subscription: "ok"), body: .json(replay)).ok
            try await eventually(timeout: .seconds(20)) {
                try await api.getEvent(path: .init(stream: stream, partition: partition, offset: offset)).ok.body.json.deliveries
                    .contains { $0.subscription == "ok" && $0.state == .delivered }
            }
            _ = try await api.getEvent(path: .init(stream: stream, partition: 0, offset: offset + 1)).notFound
            _ = try await api.getEvent(path: .init(stream: stream, partition: 5, offset: 0)).notFound
            let stranger = try await harness.signup("fate-stranger")
            _ = try await harness.api(stranger.token).getEvent(path: .init(stream: stream, partition: 0, offset: offset)).notFound
        }
    }

    @Test("dead letters by cause; a dry run counts what a replay or purge would take and changes nothing; a cause selects by its error")
    func causesAndDryRuns() async throws {
        let receiver = try WebhookReceiver()
        try await withWorkers { harness in
            let owner = try await harness.signup("causes")
            let (stream, key) = try await harness.stream(owner)
            let api = harness.api(owner.token)
            let secret = try await subscribe(api, stream, "hook", receiver)
            try await receiver.control(["secrets": [secret], "fail": ["*": -1]])
            try await batch(harness, stream, key, count: 6)
            let path = Operations.ListDeadLetterCauses.Input.Path(stream: stream, subscription: "hook")
            try await eventually(timeout: .seconds(20)) {
                try await api.listDeadLetterCauses(path: path).ok.body.json.items.first?.count == 6
            }
            let cause = try #require(try await api.listDeadLetterCauses(path: path).ok.body.json.items.first)
            #expect(cause.httpStatus == 500)
            let replayPath = Operations.ReplayDeadLetters.Input.Path(stream: stream, subscription: "hook")
            let dry = Components.Schemas.DeadLetterSelection(filter: .init(httpStatus: 500), dryRun: true)
            let counted = try await api.replayDeadLetters(path: replayPath, body: .json(dry)).ok.body.json
            #expect(counted.count == 6 && counted.dryRun == true)
            let purgeDry = try await api.purgeDeadLetters(
                path: .init(stream: stream, subscription: "hook"),
                body: .json(.init(all: true, dryRun: true))
            )
            .ok.body.json
            #expect(purgeDry.count == 6)
            #expect(try await api.listDeadLetterCauses(path: path).ok.body.json.items.first?.count == 6, "a dry run changes nothing")
            let audit = try await api.listAuditLog(query: .init(action: "subscription.deadletters.*")).ok.body.json.items
            #expect(audit.isEmpty, "dry runs are not audited")
            // The error of a cause with no status selects it exactly (none here).
            let byError = Components.Schemas.DeadLetterSelection(filter: .init(error: "no such error"), dryRun: true)
            #expect(try await api.purgeDeadLetters(path: .init(stream: stream, subscription: "hook"), body: .json(byError)).ok.body.json.count == 0)
            let viewer = try await harness.member(of: owner, role: .viewer)
            _ = try await harness.api(viewer.token).replayDeadLetters(path: replayPath, body: .json(dry)).forbidden
            #expect(try await harness.api(viewer.token).listDeadLetterCauses(path: path).ok.body.json.items.count == 1)
        }
    }

    @Test("lag history: one sample a minute per group, the largest per step, bounded windows, seven days kept")
    func lagHistory() async throws {
        try await withSluice { harness in
            let owner = try await harness.signup("lag")
            let (stream, key) = try await harness.stream(owner, partitions: 2)
            let api = harness.api(owner.token)
            _ = try await api.createConsumerGroup(path: .init(stream: stream), body: .json(.init(name: "g"))).created
            try await batch(harness, stream, key, count: 7, keys: ["a", "b"])
            let sample = {
                let configuration = TestEnvironment.configuration()
                try await withClient(try configuration.postgresConfiguration()) { pool in
                    let database = Database(client: pool, configuration: configuration.database, logger: TestEnvironment.logger)
                    await ConsumerLagSampler(client: database, logger: TestEnvironment.logger).sampleOnce()
                }
            }
            try await sample()
            try await sample()  // the same minute: one row
            let path = Operations.GetConsumerGroupLagHistory.Input.Path(stream: stream, group: "g")
            let history = try await api.getConsumerGroupLagHistory(path: path).ok.body.json
            #expect(history.samples.count == 1 && history.samples.first?.lag == 7 && history.stepSeconds == 60)
            #expect((history.samples.first?.lagSeconds ?? -1) >= 0 && history.retentionSeconds == 7 * 86400)
            // Older samples, as if taken earlier: a step of an hour keeps the largest.
            try await asSuperuser { client in
                try await client.query(
                    """
                    INSERT INTO consumer_lag_samples (tenant_id, group_id, sampled_at, lag, lag_seconds)
                    SELECT tenant_id, group_id, sampled_at - interval '2 minutes', 40, 9 FROM consumer_lag_samples
                    UNION ALL SELECT tenant_id, group_id, sampled_at - interval '3 minutes', 2, 1 FROM consumer_lag_samples
                    UNION ALL SELECT tenant_id, group_id, sampled_at - interval '8 days', 99, 1 FROM consumer_lag_samples
                    """
                )
            }
            let hourly = try await api.getConsumerGroupLagHistory(path: path, query: .init(stepSeconds: 3600)).ok.body.json
            #expect(hourly.samples.map(\.lag).max() == 40 && hourly.samples.count <= 2)
            #expect(try await api.getConsumerGroupLagHistory(path: path).ok.body.json.samples.count == 3)
            try await sample()  // forgets what is older than seven days
            let week = try await api.getConsumerGroupLagHistory(
                path: path,
                query: .init(since: Date().addingTimeInterval(-7 * 86400 + 60))
            ).ok.body.json
            #expect(!week.samples.contains { $0.lag == 99 })
            let kept = try await asSuperuser { client in
                let rows = try await client.query("SELECT count(*) FROM consumer_lag_samples WHERE lag = 99")
                for try await count in rows.decode(Int64.self) { return count }
                return -1
            }
            #expect(kept == 0, "samples older than seven days are deleted")
            _ = try await api.getConsumerGroupLagHistory(path: path, query: .init(since: Date().addingTimeInterval(-8 * 86400))).badRequest
            _ = try await api.getConsumerGroupLagHistory(path: path, query: .init(since: Date(), until: Date().addingTimeInterval(-60))).badRequest
            _ = try await api.getConsumerGroupLagHistory(path: path, query: .init(stepSeconds: 90)).badRequest
            _ = try await api.getConsumerGroupLagHistory(path: .init(stream: stream, group: "nope")).notFound
            let stranger = try await harness.signup("lag-stranger")
            _ = try await harness.api(stranger.token).getConsumerGroupLagHistory(path: path).notFound
        }
    }
}
