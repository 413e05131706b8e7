import AsyncHTTPClient
import Foundation
import HTTPTypes
import PostgresNIO
import SluiceClient
import Testing

@testable import SluiceDelivery
@testable import SluiceServer

/// Push subscriptions end to end: real workers (in the test's process or as `sluice worker`
/// processes) post to a Python receiver that verifies Standard Webhooks signatures.
@Suite("Webhook delivery", .serialized, .isolatedDatabase)
struct DeliveryTests {
    /// Sluice with its worker pool on, leases of 2 s, webhooks to 127.0.0.1 allowed.
    func withWorkers<T: Sendable>(_ body: @Sendable (Harness) async throws -> T) async throws -> T {
        try await withSluice(
            {
                $0.workers.concurrency = 8
                $0.workers.leaseSeconds = 2
                $0.workers.allowPrivateNetworks = true
            },
            body
        )
    }

    func subscribe(
        _ api: Client,
        _ stream: String,
        name: String = "hook",
        url: String,
        settings: Components.Schemas.SubscriptionSettings = .init(),
        start: Components.Schemas.CreateSubscriptionRequest.StartPayload? = nil
    ) async throws -> Components.Schemas.CreatedSubscription {
        var settings = settings
        settings.url = url
        return try await api.createSubscription(
            path: .init(stream: stream),
            body: .json(.init(name: name, settings: settings, start: start))
        ).created.body.json
    }

    /// Stores `count` events with the given keys (cycled); answers their ids in order.
    func send(_ harness: Harness, _ stream: String, key: String, count: Int, type: String = "a", keys: [String] = ["k"]) async throws -> [String] {
        let events = (0..<count).map { Components.Schemas.EventInput(_type: type, key: keys[$0 % keys.count], data: json("\($0)")) }
        let result = try await harness.api(key).ingestBatch(path: .init(stream: stream), body: .json(.init(events: events))).ok.body.json
        #expect(result.stored == count)
        return result.results.compactMap(\.id)
    }

    @Test("events are posted signed (verified by an independent receiver), in order per partition; a rotated secret signs beside the new one")
    func signedAndOrdered() async throws {
        let receiver = try WebhookReceiver()
        try await withWorkers { harness in
            let owner = try await harness.signup("hooks")
            let (stream, key) = try await harness.stream(owner, partitions: 3)
            let api = harness.api(owner.token)
            let created = try await subscribe(api, stream, url: receiver.url)
            #expect(created.secret.hasPrefix("whsec_"))
            #expect(created.subscription.state == .active && created.subscription.consumerGroup.name == "hook")
            try await receiver.control(["secrets": [created.secret]])

            let ids = try await send(harness, stream, key: key, count: 60, keys: ["a", "b", "c", "d", "e"])
            // Returns as soon as all arrived; the bound is for a loaded machine (20 s fell 2 short once).
            let requests = try await receiver.wait(timeout: .seconds(45)) { Set($0.filter(\.succeeded).map(\.id)).count >= 60 }
            #expect(Set(requests.filter(\.succeeded).map(\.id)) == Set(ids))
            #expect(requests.allSatisfy { $0.verified == true }, "every request verified under the Standard Webhooks rules")
            for partition in 0..<3 {
                let offsets = requests.compactMap(\.body).filter { $0.partition == partition }.map(\.offset)
                #expect(offsets == offsets.sorted(), "partition \(partition) delivered in offset order")
            }
            #expect(requests.allSatisfy { $0.body?.id == $0.id }, "webhook-id is the event id")

            // Caught up: no lag.
            try await eventually {
                try await api.describeSubscription(path: .init(stream: stream, subscription: "hook")).ok.body.json.consumerGroup.lag == 0
            }

            // Rotation: the new secret alone verifies, and so does the old one alone (for a day).
            let rotated = try await api.rotateSubscriptionSecret(path: .init(stream: stream, subscription: "hook")).ok.body.json
            #expect(rotated.secret != created.secret && rotated.previousValidUntil != nil)
            #expect(try await api.getSubscriptionSecret(path: .init(stream: stream, subscription: "hook")).ok.body.json.secret == rotated.secret)
            for secret in [rotated.secret, created.secret] {
                try await receiver.control(["secrets": [secret]])
                let id = try await send(harness, stream, key: key, count: 1)[0]
                let got = try await receiver.wait { $0.contains { $0.id == id && $0.status != nil } }
                #expect(got.first { $0.id == id }?.verified == true)
            }
            // A wrong secret does not verify.
            try await receiver.control(["secrets": ["whsec_" + Data(repeating: 7, count: 24).base64EncodedString()]])
            let id = try await send(harness, stream, key: key, count: 1)[0]
            let got = try await receiver.wait { $0.contains { $0.id == id && $0.status != nil } }
            #expect(got.first { $0.id == id }?.verified == false)
            _ = try await api.deleteSubscription(path: .init(stream: stream, subscription: "hook")).noContent
        }
    }

    /// Stores events with the given ids (lower-case UUIDs), in order, on one key.
    func send(_ harness: Harness, _ stream: String, key: String, ids: [String], type: String = "a") async throws {
        let events = ids.map { Components.Schemas.EventInput(id: $0, _type: type, key: "k", data: json("1")) }
        let result = try await harness.api(key).ingestBatch(path: .init(stream: stream), body: .json(.init(events: events))).ok.body.json
        #expect(result.stored == ids.count)
    }

    func newIDs(_ count: Int) -> [String] { (0..<count).map { _ in UUID().uuidString.lowercased() } }

    @Test("a failing event moves aside (the partition goes on), is retried on its schedule, dead-letters with every attempt, and replays")
    func retriesAndDeadLetters() async throws {
        let receiver = try WebhookReceiver()
        try await withWorkers { harness in
            let owner = try await harness.signup("retries")
            let (stream, key) = try await harness.stream(owner)
            let api = harness.api(owner.token)
            let created = try await subscribe(api, stream, url: receiver.url, settings: .init(retrySchedule: [1, 2]))
            let ids = newIDs(3)
            let (bad, good, alsoBad) = (ids[0], ids[1], ids[2])
            try await receiver.control(["secrets": [created.secret], "fail": [bad: -1, alsoBad: -1]])
            try await send(harness, stream, key: key, ids: ids)

            let path = Operations.ListDeadLetters.Input.Path(stream: stream, subscription: "hook")
            var requests = try await receiver.wait { $0.filter { $0.id == bad && $0.status != nil }.count >= 3 }
            let attempts = requests.filter { $0.id == bad }
            #expect(attempts.count == 3)
            // The good event behind it went through at once, not after the retries.
            let goodAt = try #require(requests.first { $0.id == good && $0.succeeded }).start
            #expect(goodAt < attempts[1].start)
            // At once, then 1 s (±10 %) later, then 2 s (±10 %) after that; the upper bounds leave
            // room for a machine busy with every other suite (the worker wakes late, never early).
            let gaps = zip(attempts.dropFirst(), attempts).map { $0.start - $1.start }
            #expect((0.85...2.2).contains(gaps[0]), "first retry after \(gaps[0]) s")
            #expect((1.75...3.3).contains(gaps[1]), "second retry after \(gaps[1]) s")

            try await eventually { try await api.listDeadLetters(path: path).ok.body.json.items.count == 2 }
            let dead = try await api.listDeadLetters(path: path).ok.body.json.items
            let entry = try #require(dead.first { $0.eventId == bad })
            #expect(entry.status == .dead && entry.attemptsMade == 3 && entry.lastStatus == 500)
            let inspected = try await api.getDeadLetter(path: .init(stream: stream, subscription: "hook", deliveryId: entry.id)).ok.body.json
            #expect(inspected.attempts.map(\.attempt) == [1, 2, 3])
            #expect(inspected.attempts.allSatisfy { $0.status == 500 && $0.response?.contains("nope") == true })
            #expect(inspected.event?.id == bad, "the dead letter points at the stored event")
            let described = try await api.describeSubscription(path: .init(stream: stream, subscription: "hook")).ok.body.json
            #expect(described.deadLetters == 2 && described.retrying == 0 && (described.oldestDeadLetterAgeSeconds ?? -1) >= 0)
            #expect(described.consumerGroup.lag == 0, "the partition moved on")
            let failures = try await api.listFailures(path: .init(stream: stream), query: .init(kind: .delivery)).ok.body.json.items
            #expect(Set(failures.map(\.eventId)) == [bad, alsoBad] && failures.allSatisfy { $0.subscription == "hook" })

            // Filters.
            #expect(try await api.listDeadLetters(path: path, query: .init(eventType: "other")).ok.body.json.items.isEmpty)
            #expect(try await api.listDeadLetters(path: path, query: .init(httpStatus: 500)).ok.body.json.items.count == 2)

            // Replay one by id while the endpoint still fails: a fresh series, dead again.
            try await receiver.control(["fail": [bad: -1]])
            let selection = Components.Schemas.DeadLetterSelection(ids: [entry.id])
            #expect(
                try await api.replayDeadLetters(path: .init(stream: stream, subscription: "hook"), body: .json(selection)).ok.body.json.count == 1
            )
            requests = try await receiver.wait { $0.filter { $0.id == bad && $0.status != nil }.count >= 6 }
            try await eventually {
                let again = try await api.getDeadLetter(path: .init(stream: stream, subscription: "hook", deliveryId: entry.id)).ok.body.json
                return again.status == .dead && again.attempts.map(\.series) == [1, 1, 1, 2, 2, 2]
            }
            // The endpoint mends: replay all, both delivered, the queue empties.
            try await receiver.control(["fail": [:]])
            let bodyAll = Components.Schemas.DeadLetterSelection(all: true)
            #expect(try await api.replayDeadLetters(path: .init(stream: stream, subscription: "hook"), body: .json(bodyAll)).ok.body.json.count == 2)
            requests = try await receiver.wait { requests in [bad, alsoBad].allSatisfy { id in requests.contains { $0.id == id && $0.succeeded } } }
            #expect([bad, alsoBad].allSatisfy { id in requests.contains { $0.id == id && $0.succeeded } })
            try await eventually { try await api.listDeadLetters(path: path).ok.body.json.items.isEmpty }

            // Purge by filter; bad selections are 400.
            let ambiguous = Components.Schemas.DeadLetterSelection(ids: [entry.id], all: true)
            _ = try await api.purgeDeadLetters(path: .init(stream: stream, subscription: "hook"), body: .json(ambiguous)).badRequest
            _ = try await api.purgeDeadLetters(path: .init(stream: stream, subscription: "hook"), body: .json(.init())).badRequest
            let purge = Components.Schemas.DeadLetterSelection(filter: .init(eventType: "a"))
            #expect(try await api.purgeDeadLetters(path: .init(stream: stream, subscription: "hook"), body: .json(purge)).ok.body.json.count == 0)
            let audit = try await api.listAuditLog(query: .init(action: "subscription.deadletters.*")).ok.body.json.items.map(\.action)
            #expect(audit.filter { $0 == "subscription.deadletters.replayed" }.count == 2 && audit.contains("subscription.deadletters.purged"))
        }
    }

    @Test("a subscription deleted while its workers record failures goes (204), with its group and dead letters; nothing deadlocks")
    func deleteWhileFailing() async throws {
        let receiver = try WebhookReceiver()
        try await withWorkers { harness in
            let owner = try await harness.signup("delete-busy")
            let (stream, key) = try await harness.stream(owner, partitions: 4)
            let api = harness.api(owner.token)
            try await receiver.control(["fail": ["*": -1]])
            for round in 0..<3 {
                let name = "busy-\(round)"
                _ = try await subscribe(api, stream, name: name, url: receiver.url, settings: .init(retrySchedule: [60]), start: .latest)
                _ = try await send(harness, stream, key: key, count: 200, keys: ["a", "b", "c", "d", "e", "f", "g", "h"])
                // Failures are being recorded on every partition as the subscription goes.
                try await eventually {
                    try await api.listDeadLetters(path: .init(stream: stream, subscription: name), query: .init(status: .retrying)).ok.body.json.items
                        .count >= 4
                }
                _ = try await api.deleteSubscription(path: .init(stream: stream, subscription: name)).noContent
                if case .notFound = try await api.describeSubscription(path: .init(stream: stream, subscription: name)) {
                } else {
                    Issue.record("round \(round): the deleted subscription is still there")
                }
                let left = try await asSuperuser { client in
                    try await client.query(
                        """
                        SELECT count(*) FROM consumer_groups g JOIN streams s ON s.tenant_id = g.tenant_id AND s.id = g.stream_id
                        WHERE s.name = \(stream) AND g.name = \(name)
                        """
                    ).collect().first?.decode(Int.self) ?? -1
                }
                #expect(left == 0, "round \(round): its consumer group went with it")
            }
        }
    }

    @Test("with strict ordering a failing event holds its partition until it goes through")
    func strictOrdering() async throws {
        let receiver = try WebhookReceiver()
        try await withWorkers { harness in
            let owner = try await harness.signup("strict")
            let (stream, key) = try await harness.stream(owner)
            let api = harness.api(owner.token)
            let created = try await subscribe(
                api,
                stream,
                url: receiver.url,
                settings: .init(retrySchedule: [1], maxAttempts: 4, strictOrdering: true)
            )
            let ids = newIDs(3)
            try await receiver.control(["secrets": [created.secret], "fail": [ids[0]: 2]])
            try await send(harness, stream, key: key, ids: ids)
            let requests = try await receiver.wait { requests in ids.allSatisfy { id in requests.contains { $0.id == id && $0.succeeded } } }
            #expect(requests.map(\.id) == [ids[0], ids[0], ids[0], ids[1], ids[2]])
            #expect(requests.map(\.status) == [500, 500, 200, 200, 200])
            #expect(try await api.listDeadLetters(path: .init(stream: stream, subscription: "hook")).ok.body.json.items.isEmpty)
        }
    }

    @Test("an endpoint that keeps failing opens the circuit: the subscription pauses (audited), holds its events, and resumes over the API")
    func circuitBreaker() async throws {
        let receiver = try WebhookReceiver()
        try await withWorkers { harness in
            let owner = try await harness.signup("circuit")
            let (stream, key) = try await harness.stream(owner)
            let api = harness.api(owner.token)
            let created = try await subscribe(
                api,
                stream,
                url: receiver.url,
                settings: .init(retrySchedule: [600], circuitFailures: 3, circuitPeriodSeconds: 0)
            )
            try await receiver.control(["secrets": [created.secret], "status": 503])
            _ = try await send(harness, stream, key: key, count: 5)
            let subscription = Operations.DescribeSubscription.Input.Path(stream: stream, subscription: "hook")
            try await eventually { try await api.describeSubscription(path: subscription).ok.body.json.state == .paused }
            let paused = try await api.describeSubscription(path: subscription).ok.body.json
            #expect(paused.pausedReason?.contains("circuit open") == true && paused.lastError == "HTTP 503")
            let audit = try await api.listAuditLog(query: .init(action: "subscription.paused")).ok.body.json.items
            #expect(audit.first?.actor._type == .system)
            // Paused: nothing more is tried.
            try await Task.sleep(for: .milliseconds(500))
            let tried = try await receiver.received().count
            #expect(tried == 3)
            try await Task.sleep(for: .seconds(1))
            #expect(try await receiver.received().count == tried)

            // Mended and resumed: the held events go through (the three failed ones wait for their retry).
            try await receiver.control(["status": NSNull()])
            let resumed = try await api.resumeSubscription(path: .init(stream: stream, subscription: "hook")).ok.body.json
            #expect(resumed.state == .active && resumed.consecutiveFailures == 0)
            // The event that opened the circuit kept its place in line; the two before it wait for their retry.
            let requests = try await receiver.wait { $0.filter(\.succeeded).count >= 3 }
            #expect(requests.filter(\.succeeded).count == 3)
            #expect(try await api.describeSubscription(path: subscription).ok.body.json.retrying == 2)
            #expect(try await api.listAuditLog(query: .init(action: "subscription.resumed")).ok.body.json.items.count == 1)
        }
    }

    static let secretsKey = [UInt8](repeating: 42, count: 32)
    /// What `sluice worker` processes need to share this test's database and sealed secrets.
    static let workerEnvironment = [
        "SLUICE_WORKER_LEASE_SECONDS": "2", "SLUICE_WORKER_CONCURRENCY": "4",
        "SLUICE_SECRETS_KEY": Data(secretsKey).base64EncodedString(),
    ]

    /// The API in this process, without workers: `sluice worker` processes deliver.
    func withoutWorkers<T: Sendable>(_ body: @Sendable (Harness) async throws -> T) async throws -> T {
        try await withSluice(
            {
                $0.workers.allowPrivateNetworks = true
                $0.secretsKey = Self.secretsKey
            },
            body
        )
    }

    @Test("a worker killed mid-delivery: another takes the partition once the lease runs out and redelivers; nothing is lost")
    func killedWorker() async throws {
        let receiver = try WebhookReceiver()
        try await withoutWorkers { harness in
            let owner = try await harness.signup("killed")
            let (stream, key) = try await harness.stream(owner)
            let created = try await subscribe(harness.api(owner.token), stream, url: receiver.url)
            let ids = newIDs(10)
            try await receiver.control(["secrets": [created.secret], "hang": [ids[3]: 30]])
            let first = try WorkerProcess(environment: Self.workerEnvironment)
            try await send(harness, stream, key: key, ids: ids)
            _ = try await receiver.wait { $0.contains { $0.id == ids[3] } }
            first.kill()  // mid-delivery of the fourth event
            let port = unusedPort()
            let second = try WorkerProcess(environment: Self.workerEnvironment, listen: port)
            defer { second.stop() }
            let requests = try await receiver.wait(timeout: .seconds(30)) { requests in
                ids.allSatisfy { id in requests.contains { $0.id == id && $0.succeeded } }
            }
            #expect(ids.allSatisfy { id in requests.contains { $0.id == id && $0.succeeded } }, "every event delivered")
            #expect(requests.filter { $0.id == ids[3] }.count >= 2, "the interrupted one again")
            var firstSuccess: [String] = []
            for request in requests where request.succeeded && !firstSuccess.contains(request.id) { firstSuccess.append(request.id) }
            #expect(firstSuccess == ids, "in order")
            // The lone worker's own metrics.
            let metrics = try await HTTPClient.shared.execute(HTTPClientRequest(url: "http://127.0.0.1:\(port)/metrics"), timeout: .seconds(5))
            let text = String(buffer: try await metrics.body.collect(upTo: 1 << 20))
            let delivered = text.split(separator: "\n").first { $0.hasPrefix("sluice_webhook_attempts_total{outcome=\"delivered\"}") }
            #expect((delivered?.split(separator: " ").last.flatMap { Double($0) } ?? 0) >= 7, "\(text)")
        }
    }

    @Test("SIGTERM while deliveries are in flight: the worker finishes or hands back, no attempt fails for the shutdown, nothing is lost")
    func gracefulStop() async throws {
        let receiver = try WebhookReceiver()
        try await withoutWorkers { harness in
            let owner = try await harness.signup("sigterm")
            let (stream, key) = try await harness.stream(owner, partitions: 2)
            let api = harness.api(owner.token)
            let created = try await subscribe(api, stream, url: receiver.url)
            try await receiver.control(["secrets": [created.secret], "delay": 0.5])
            let ids = newIDs(8)
            let first = try WorkerProcess(environment: Self.workerEnvironment)
            try await send(harness, stream, key: key, ids: ids)
            _ = try await receiver.wait { !$0.isEmpty }
            first.stop()  // SIGTERM with a request in flight
            let described = try await api.describeSubscription(path: .init(stream: stream, subscription: "hook")).ok.body.json
            #expect(described.consecutiveFailures == 0 && described.retrying == 0 && described.deadLetters == 0, "\(described)")
            let second = try WorkerProcess(environment: Self.workerEnvironment)
            defer { second.stop() }
            let requests = try await receiver.wait(timeout: .seconds(30)) { requests in
                ids.allSatisfy { id in requests.contains { $0.id == id && $0.succeeded } }
            }
            #expect(ids.allSatisfy { id in requests.contains { $0.id == id && $0.succeeded } }, "every event delivered")
            #expect(requests.allSatisfy { $0.status == nil || $0.succeeded }, "no request answered with a failure")
        }
    }

    @Test("two worker processes share the partitions and never work one at the same time")
    func twoWorkers() async throws {
        let receiver = try WebhookReceiver()
        try await withoutWorkers { harness in
            let owner = try await harness.signup("twoworkers")
            let (stream, key) = try await harness.stream(owner, partitions: 4)
            let created = try await subscribe(harness.api(owner.token), stream, url: receiver.url)
            try await receiver.control(["secrets": [created.secret], "delay": 0.01])
            var workers = [try WorkerProcess(environment: Self.workerEnvironment)]
            defer { for worker in workers { worker.stop() } }
            let subscription = try #require(UUID(uuidString: created.subscription.id))
            @Sendable func owners() async throws -> [String: Int] {
                try await asSuperuser { client in
                    var owners: [String: Int] = [:]
                    let rows = try await client.query(
                        "SELECT owner, count(*) FROM delivery_leases WHERE subscription_id = \(subscription) AND expires_at > now() GROUP BY owner"
                    )
                    for try await (owner, count) in rows.decode((String, Int64).self) { owners[owner] = Int(count) }
                    return owners
                }
            }
            // Alone, the first takes all four; when a second starts, it gives two back.
            try await eventually(timeout: .seconds(15)) { try await owners().values.sorted() == [4] }
            workers.append(try WorkerProcess(environment: Self.workerEnvironment))
            try await eventually(timeout: .seconds(15)) { try await owners().values.sorted() == [2, 2] }
            let group = try await harness.api(owner.token).describeConsumerGroup(path: .init(stream: stream, group: "hook")).ok.body.json
            #expect(group.members?.map(\.partitions.count) == [2, 2])

            var ids: [String] = []
            for _ in 0..<4 { ids += try await send(harness, stream, key: key, count: 50, keys: (0..<16).map { "key-\($0)" }) }
            let requests = try await receiver.wait(timeout: .seconds(60)) { Set($0.filter(\.succeeded).map(\.id)).count >= ids.count }
            #expect(Set(requests.filter(\.succeeded).map(\.id)) == Set(ids))
            #expect(try await owners().count == 2)
            for partition in 0..<4 {
                let timeline = requests.filter { $0.body?.partition == partition }.sorted { $0.start < $1.start }
                #expect(timeline.count >= 10)
                for (previous, next) in zip(timeline, timeline.dropFirst()) {
                    #expect(next.start >= (previous.end ?? .infinity) - 0.001, "partition \(partition): two requests at once")
                }
            }
        }
    }

    @Test("bad settings are 400, private addresses refused, other tenants 404; a pushed group cannot be pulled or deleted; changes audited")
    func refusals() async throws {
        try await withSluice { harness in
            let owner = try await harness.signup("subs")
            let (stream, key) = try await harness.stream(owner)
            let api = harness.api(owner.token)
            func create(
                _ url: String,
                _ settings: Components.Schemas.SubscriptionSettings = .init()
            ) async throws -> Operations.CreateSubscription.Output {
                var settings = settings
                settings.url = url
                return try await api.createSubscription(path: .init(stream: stream), body: .json(.init(name: "s", settings: settings)))
            }
            #expect(try await create("ftp://example.com/x").badRequest.body.applicationProblemJson.status == 400)
            #expect(try await create("https://user:pw@example.com/x").badRequest.body.applicationProblemJson.status == 400)
            for url in ["http://127.0.0.1:9/x", "http://localhost/x", "http://10.1.2.3/x", "http://169.254.169.254/latest", "http://[::1]/x"] {
                #expect(try await create(url).badRequest.body.applicationProblemJson.errors?.first?.pointer == "/url", "\(url)")
            }
            #expect(try await create("https://example.com/x", .init(timeoutMs: 10)).badRequest.body.applicationProblemJson.status == 400)
            #expect(try await create("https://example.com/x", .init(retrySchedule: [-1])).badRequest.body.applicationProblemJson.status == 400)
            #expect(try await create("https://example.com/x", .init(maxAttempts: 0)).badRequest.body.applicationProblemJson.status == 400)

            let created = try await create("https://example.com/hook", .init(eventTypes: ["a"], retrySchedule: [1, 2], circuitFailures: 3)).created
                .body.json
            #expect(created.subscription.maxAttempts == 3 && created.subscription.eventTypes == ["a"])
            #expect(try await create("https://example.com/other").conflict.body.applicationProblemJson.status == 409)
            let updated = try await api.updateSubscription(
                path: .init(stream: stream, subscription: "s"),
                body: .json(.init(eventTypes: [], strictOrdering: true))
            ).ok.body.json
            #expect(updated.eventTypes == nil && updated.strictOrdering && updated.retrySchedule == [1, 2])

            // The group is pushed: no pull members, no deletion under the subscription.
            let join = try await harness.api(key).joinConsumerGroup(path: .init(stream: stream, group: "s", memberId: "m"), body: .json(.init()))
            #expect(try join.conflict.body.applicationProblemJson._type.hasSuffix("/group-is-pushed"))
            let drop = try await api.deleteConsumerGroup(path: .init(stream: stream, group: "s"))
            #expect(try drop.conflict.body.applicationProblemJson._type.hasSuffix("/group-has-subscription"))
            // A reset needs the subscription paused (or force).
            let reset = try await api.resetConsumerGroupOffsets(path: .init(stream: stream, group: "s"), body: .json(.init(to: .earliest)))
            #expect(try reset.conflict.body.applicationProblemJson._type.hasSuffix("/subscription-active"))
            #expect(try await api.pauseSubscription(path: .init(stream: stream, subscription: "s")).ok.body.json.state == .paused)
            _ = try await api.resetConsumerGroupOffsets(path: .init(stream: stream, group: "s"), body: .json(.init(to: .earliest))).ok

            // Reading needs events:read, changing streams:manage; another tenant sees nothing.
            let reader = try await harness.createKey(owner, scopes: [.events_colon_read], streams: [stream]).value2.secret
            _ = try await harness.api(reader).describeSubscription(path: .init(stream: stream, subscription: "s")).ok
            _ = try await harness.api(reader).getSubscriptionSecret(path: .init(stream: stream, subscription: "s")).forbidden
            _ = try await harness.api(reader).resumeSubscription(path: .init(stream: stream, subscription: "s")).forbidden
            let stranger = try await harness.signup("stranger")
            _ = try await harness.api(stranger.token).describeSubscription(path: .init(stream: stream, subscription: "s")).notFound
            _ = try await harness.api(stranger.token).getSubscriptionSecret(path: .init(stream: stream, subscription: "s")).notFound
            _ = try await harness.api(stranger.token).listFailures(path: .init(stream: stream)).notFound

            _ = try await api.deleteSubscription(path: .init(stream: stream, subscription: "s")).noContent
            _ = try await api.describeConsumerGroup(path: .init(stream: stream, group: "s")).notFound
            let audit = try await api.listAuditLog(query: .init(action: "subscription.*")).ok.body.json.items.map(\.action)
            for action in ["subscription.created", "subscription.updated", "subscription.paused", "subscription.deleted"] {
                #expect(audit.contains(action), "\(action) audited")
            }
        }
    }
}

/// Polls `condition` every 50 ms for up to `timeout`; records a failure if it never holds.
func eventually(
    timeout: Duration = .seconds(10),
    _ condition: () async throws -> Bool,
    sourceLocation: SourceLocation = #_sourceLocation
) async throws {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if try await condition() { return }
        try await Task.sleep(for: .milliseconds(50))
    }
    Issue.record("the condition did not hold within \(timeout)", sourceLocation: sourceLocation)
}
