import AsyncHTTPClient
import Foundation
import PostgresNIO
import SluiceClient
import Testing

@testable import SluicePull
@testable import SluiceServer

/// Pull sources against a fake platform API (`Fixtures/platform/fake_api.py`, Python, apart
/// from Sluice) that can answer slowly, fail, refuse, send garbage and rate-limit.
@Suite("Pull sources", .serialized, .isolatedDatabase)
struct PullSourceTests {
    struct Request: Decodable, Sendable {
        var id: String
        var start: Double
        var end: Double?
        var status: Int?
        var auth: String?
    }

    final class FakePlatform: Sendable {
        let server: PythonServer
        init() throws { server = try PythonServer("Tests/SluiceServerTests/Fixtures/platform/fake_api.py") }
        var url: String { "http://127.0.0.1:\(server.port)/v1/users/{entity}" }
        func control(_ settings: [String: Any]) async throws { try await server.post("/_control", settings) }
        func requests() async throws -> [Request] { try await server.get("/_requests") }
    }

    /// Sluice with its pull worker on, sources allowed to reach 127.0.0.1.
    func withPuller<T: Sendable>(_ body: @Sendable (Harness) async throws -> T) async throws -> T {
        try await withSluice(
            {
                $0.pull.concurrency = 16
                $0.workers.allowPrivateNetworks = true
            },
            body
        )
    }

    static let followers = Components.Schemas.PullMapping(
        platform: .instagram,
        metrics: .init(additionalProperties: ["followers": "/followers_count", "following": "/follows_count", "posts": "/stats/posts"]),
        handle: "/username"
    )

    func create(
        _ api: Client,
        _ stream: String,
        name: String,
        url: String,
        entities: [String],
        settings: Components.Schemas.PullSourceSettings
    ) async throws -> Components.Schemas.PullSource {
        var settings = settings
        settings.url = url
        if settings.mapping == nil { settings.mapping = Self.followers }
        return try await api.createSource(
            path: .init(stream: stream),
            body: .json(.init(name: name, entities: entities, settings: settings))
        ).created.body.json
    }

    func runs(_ api: Client, _ stream: String, _ source: String, entity: String? = nil) async throws -> [Components.Schemas.PullRun] {
        try await api.listSourceRuns(path: .init(stream: stream, source: source), query: .init(entity: entity, limit: 1000)).ok.body.json.items
    }

    @Test("a source polls each entity on its interval with its headers, maps each answer into an account snapshot, and records the run")
    func polls() async throws {
        let platform = try FakePlatform()
        try await platform.control(["token": "tok-1"])
        try await withPuller { (harness: Harness) async throws -> Void in
            let owner = try await harness.signup("pull")
            let (stream, _) = try await harness.stream(owner, partitions: 2)
            let api = harness.api(owner.token)
            let entities = ["alice", "bob", "c/../d"]
            let source = try await create(
                api,
                stream,
                name: "followers",
                url: platform.url,
                entities: entities,
                settings: .init(
                    headers: .init(additionalProperties: ["X-Client": "sluice-test"]),
                    secretHeaders: .init(additionalProperties: ["Authorization": "Bearer tok-1"]),
                    intervalSeconds: 1,
                    jitterSeconds: 0
                )
            )
            #expect(source.secretHeaders == ["Authorization"] && source.entities == 3 && source.state == .active)

            try await eventually(timeout: .seconds(20)) {
                let found = try await runs(api, stream, "followers")
                return entities.allSatisfy { entity in found.filter { $0.entity == entity && $0.outcome == .ok }.count >= 2 }
            }
            let requests = try await platform.requests()
            #expect(requests.allSatisfy { $0.auth == "Bearer tok-1" }, "the secret header on every request")
            #expect(Set(requests.map(\.id)) == ["alice", "bob", "c%2F%2E%2E%2Fd"], "an entity's id is percent-encoded into its place")
            let alice = requests.filter { $0.id == "alice" }.map(\.start)
            #expect(zip(alice, alice.dropFirst()).allSatisfy { $1 - $0 >= 0.9 }, "alice polled once a second, not more: \(alice)")

            // Each ok run stored one event, its id the run's, in the normalized shape. Polling is
            // stopped first, and each request the platform answered recorded as a run, so that
            // runs and events are read at rest.
            _ = try await api.pauseSource(path: .init(stream: stream, source: "followers")).ok
            try await eventually { try await runs(api, stream, "followers").count == platform.requests().count }
            let all = try await runs(api, stream, "followers")
            var events: [String: [String: Any]] = [:]
            for partition in 0..<2 {
                for event in try await api.readPartition(path: .init(stream: stream, partition: partition)).ok.body.json.items {
                    #expect(event._type == "social.account.metrics")
                    events[event.id] = try JSONSerialization.jsonObject(with: try JSONEncoder().encode(event.data)) as? [String: Any]
                }
            }
            let stored = all.filter { $0.outcome == .ok }
            #expect(Set(stored.compactMap(\.eventId)) == Set(events.keys))
            let aliceEvents = stored.filter { $0.entity == "alice" }.reversed().compactMap { $0.eventId.flatMap { events[$0] } }
            let counts = aliceEvents.compactMap { ($0["metrics"] as? [String: Any])?["followers"] as? Int }
            #expect(counts.count == aliceEvents.count && counts == counts.sorted() && Set(counts).count == counts.count, "\(counts)")
            let first = try #require(aliceEvents.first)
            #expect((first["account"] as? [String: Any])?["id"] as? String == "alice")
            #expect((first["account"] as? [String: Any])?["handle"] as? String == "user_alice")
            #expect((first["metrics"] as? [String: Any])?["following"] as? Int == 50)
            #expect((first["metrics"] as? [String: Any])?["posts"] as? Int == 12, "a numeric string counts")
            #expect(first["platform"] as? String == "instagram")

            let described = try await api.describeSource(path: .init(stream: stream, source: "followers")).ok.body.json
            #expect(described.entities == 3 && described.failing == 0 && described.runsLastHour >= 6 && described.lastError == nil)

            // Paused (above): no more requests.
            let before = try await platform.requests().count
            try await Task.sleep(for: .seconds(2))
            #expect(try await platform.requests().count == before)
        }
    }

    @Test("SIGTERM while polls are in flight: no run fails for the shutdown, and the next worker polls every entity")
    func gracefulStop() async throws {
        let platform = try FakePlatform()
        try await platform.control(["token": "tok-stop", "delay": 0.7])
        try await withSluice({ $0.workers.allowPrivateNetworks = true }) { (harness: Harness) async throws -> Void in
            let owner = try await harness.signup("pullstop")
            let (stream, _) = try await harness.stream(owner)
            let api = harness.api(owner.token)
            _ = try await create(
                api,
                stream,
                name: "stopping",
                url: platform.url,
                entities: ["a", "b", "c", "d"],
                settings: .init(
                    headers: .init(additionalProperties: ["Authorization": "Bearer tok-stop"]),
                    intervalSeconds: 1,
                    jitterSeconds: 0
                )
            )
            let worker = try WorkerProcess(environment: ["SLUICE_PULL_CONCURRENCY": "4", "SLUICE_WORKER_CONCURRENCY": "0"])
            try await eventually(timeout: .seconds(20)) { try await !platform.requests().isEmpty }
            worker.stop()  // SIGTERM with polls in flight
            // A poll the shutdown interrupted leaves no run (its entity is due again once its
            // lease runs out), never a failed one.
            let recorded = try await runs(api, stream, "stopping")
            #expect(recorded.allSatisfy { $0.outcome == .ok }, "\(recorded.map { "\($0.outcome) \($0.error ?? "")" })")
            let next = try WorkerProcess(environment: ["SLUICE_PULL_CONCURRENCY": "4", "SLUICE_WORKER_CONCURRENCY": "0"])
            defer { next.stop() }
            try await eventually(timeout: .seconds(60)) {
                let found = try await runs(api, stream, "stopping")
                return ["a", "b", "c", "d"].allSatisfy { entity in found.contains { $0.entity == entity && $0.outcome == .ok } }
            }
            _ = try await api.pauseSource(path: .init(stream: stream, source: "stopping")).ok
            let all = try await runs(api, stream, "stopping")
            #expect(all.allSatisfy { $0.outcome == .ok }, "\(all.map { "\($0.outcome) \($0.error ?? "")" })")
        }
    }

    @Test("failures back off and recover; a slow answer times out; garbage and a 404 fail with their reason; failing entities are listed")
    func badMoods() async throws {
        let platform = try FakePlatform()
        try await platform.control(["token": "t", "fail": ["flaky": 2], "slow": ["slow": 2], "broken": ["broken"]])
        try await withPuller { (harness: Harness) async throws -> Void in
            let owner = try await harness.signup("moods")
            let (stream, _) = try await harness.stream(owner)
            let api = harness.api(owner.token)
            _ = try await create(
                api,
                stream,
                name: "moody",
                url: platform.url,
                entities: ["flaky", "slow", "broken", "missing-1", "nometrics"],
                settings: .init(
                    headers: .init(additionalProperties: ["Authorization": "Bearer t"]),
                    intervalSeconds: 60,
                    jitterSeconds: 0,
                    timeoutMs: 500,
                    requestsPerMinute: 6000,
                    retryInitialSeconds: 1
                )
            )
            try await eventually(timeout: .seconds(20)) {
                try await runs(api, stream, "moody", entity: "flaky").contains { $0.outcome == .ok }
            }
            let flaky = try await runs(api, stream, "moody", entity: "flaky").reversed().map { $0 }
            #expect(flaky.map(\.outcome) == [.failed, .failed, .ok], "\(flaky.map(\.outcome))")
            #expect(flaky.first?.httpStatus == 500 && flaky.first?.error?.hasPrefix("HTTP 500") == true)
            let gaps = zip(flaky, flaky.dropFirst()).map { $1.startedAt.timeIntervalSince($0.startedAt) }
            #expect(gaps.count == 2 && gaps[0] >= 0.85 && gaps[1] >= 1.75 && gaps[1] > gaps[0], "backoff doubles: \(gaps)")

            try await eventually(timeout: .seconds(10)) {
                let entities = try await api.listSourceEntities(path: .init(stream: stream, source: "moody"), query: .init(failing: true)).ok.body
                    .json.items
                return Set(entities.map(\.entity)) == ["slow", "broken", "missing-1"]
            }
            let all = try await runs(api, stream, "moody")
            #expect(all.contains { $0.entity == "slow" && $0.outcome == .timeout && $0.error?.contains("timed out after 500 ms") == true })
            #expect(all.contains { $0.entity == "broken" && $0.outcome == .failed && $0.error?.contains("not JSON") == true })
            #expect(all.contains { $0.entity == "missing-1" && $0.outcome == .failed && $0.httpStatus == 404 })
            // "nometrics" maps fine (the fake answers every user alike) — it is here as a control.
            #expect(all.contains { $0.entity == "nometrics" && $0.outcome == .ok })
            let entities = try await api.listSourceEntities(path: .init(stream: stream, source: "moody"), query: .init(failing: true)).ok.body.json
                .items
            #expect(entities.first { $0.entity == "missing-1" }?.lastStatus == 404)
            #expect(entities.allSatisfy { $0.failures >= 1 && $0.lastError != nil })

            // A mapping that points at nothing fails with the pointer.
            _ = try await api.updateSource(
                path: .init(stream: stream, source: "moody"),
                body: .json(
                    .init(
                        mapping: .init(
                            platform: .instagram,
                            metrics: .init(additionalProperties: ["followers": "/no/such/field"])
                        )
                    )
                )
            ).ok
            _ = try await api.pollSource(path: .init(stream: stream, source: "moody"), body: .json(.init(entity: "nometrics"))).ok
            try await eventually(timeout: .seconds(10)) {
                try await runs(api, stream, "moody", entity: "nometrics").first?.error?.contains("/no/such/field") == true
            }
            let described = try await api.describeSource(path: .init(stream: stream, source: "moody")).ok.body.json
            #expect(described.failing >= 3 && described.lastError != nil && described.failedLastHour >= 4)
            _ = try await api.pauseSource(path: .init(stream: stream, source: "moody")).ok
        }
    }

    @Test("a 429 stops the whole source until its Retry-After, then polling resumes")
    func rateLimited() async throws {
        let platform = try FakePlatform()
        try await platform.control(["token": "t"])
        try await withPuller { (harness: Harness) async throws -> Void in
            let owner = try await harness.signup("limited")
            let (stream, _) = try await harness.stream(owner)
            let api = harness.api(owner.token)
            _ = try await create(
                api,
                stream,
                name: "limited",
                url: platform.url,
                entities: ["r1", "r2", "r3"],
                settings: .init(
                    headers: .init(additionalProperties: ["Authorization": "Bearer t"]),
                    intervalSeconds: 1,
                    jitterSeconds: 0
                )
            )
            try await eventually { try await platform.requests().count >= 3 }
            try await platform.control(["limit": ["count": 1, "retryAfter": "2"]])
            try await eventually { try await platform.requests().contains { $0.status == 429 } }
            let limitedAt = try #require(try await platform.requests().first { $0.status == 429 })
            let described = try await api.describeSource(path: .init(stream: stream, source: "limited")).ok.body.json
            #expect(described.rateLimitedUntil != nil)
            try await eventually(timeout: .seconds(10)) { try await platform.requests().filter { $0.start > limitedAt.start }.count >= 3 }
            let after = try await platform.requests().filter { $0.start > (limitedAt.end ?? limitedAt.start) }
            let gap = (after.map(\.start).min() ?? 0) - limitedAt.start
            #expect(gap >= 1.9, "no request of the source within the Retry-After: \(gap) s")
            let limitedRuns = try await runs(api, stream, "limited")
            #expect(limitedRuns.contains { $0.outcome == .rateLimited && $0.httpStatus == 429 })
            #expect(limitedRuns.first?.outcome == .ok, "polling resumed")
            _ = try await api.pauseSource(path: .init(stream: stream, source: "limited")).ok
        }
    }

    @Test("two worker processes never poll one entity at once, and keep to the source's concurrency and budget between them")
    func twoWorkers() async throws {
        let platform = try FakePlatform()
        try await platform.control(["token": "t", "slow": ["*": 0.3]])
        try await withSluice({ $0.workers.allowPrivateNetworks = true }) { (harness: Harness) async throws -> Void in
            let owner = try await harness.signup("pullers")
            let (stream, _) = try await harness.stream(owner)
            let api = harness.api(owner.token)
            // Two requests at once each: the wide source's three in flight need both workers.
            let environment = ["SLUICE_PULL_CONCURRENCY": "2", "SLUICE_WORKER_CONCURRENCY": "0"]
            let workers = [try WorkerProcess(environment: environment), try WorkerProcess(environment: environment)]
            defer { for worker in workers { worker.stop() } }
            let headers = Components.Schemas.PullSourceSettings.HeadersPayload(additionalProperties: ["Authorization": "Bearer t"])
            _ = try await create(
                api,
                stream,
                name: "wide",
                url: platform.url,
                entities: (0..<12).map { "w\($0)" },
                settings: .init(
                    headers: headers,
                    intervalSeconds: 1,
                    jitterSeconds: 0,
                    concurrency: 3,
                    requestsPerMinute: 6000
                )
            )
            _ = try await create(
                api,
                stream,
                name: "paced",
                url: platform.url,
                entities: (0..<10).map { "p\($0)" },
                settings: .init(
                    headers: headers,
                    intervalSeconds: 1,
                    jitterSeconds: 0,
                    concurrency: 10,
                    requestsPerMinute: 60
                )
            )
            try await Task.sleep(for: .seconds(6))
            _ = try await api.pauseSource(path: .init(stream: stream, source: "wide")).ok
            _ = try await api.pauseSource(path: .init(stream: stream, source: "paced")).ok
            try await Task.sleep(for: .seconds(1))
            let requests = try await platform.requests()

            Self.checkTwoWorkers(requests)
            let pollers = try await asSuperuser { client in
                try await client.query(
                    """
                    SELECT count(DISTINCT r.worker) FROM pull_runs r JOIN pull_sources s ON s.tenant_id = r.tenant_id AND s.id = r.source_id
                    JOIN streams st ON st.tenant_id = s.tenant_id AND st.id = s.stream_id WHERE st.name = \(stream) AND s.name = 'wide'
                    """
                ).collect().first?.decode(Int.self) ?? 0
            }
            #expect(pollers == 2, "both workers polled the wide source")
        }
    }

    /// What the fake platform saw of the "wide" (w…) and "paced" (p…) sources.
    static func checkTwoWorkers(_ requests: [Request]) {
        let wide = requests.filter { $0.id.hasPrefix("w") }
        #expect(wide.count >= 20, "the wide source was polled: \(wide.count)")
        for entity in Set(wide.map(\.id)) {
            let spans: [(Double, Double)] = wide.filter { $0.id == entity }.map { ($0.start, $0.end ?? .infinity) }.sorted { $0.0 < $1.0 }
            let apart = zip(spans, spans.dropFirst()).allSatisfy { pair in pair.0.1 <= pair.1.0 }
            #expect(apart, "\(entity) was never polled twice at once")
        }
        // At most 3 of the wide source's requests in flight at any moment.
        var most: [Request] = []
        for request in wide {
            let overlapping = wide.filter { $0.start <= request.start && ($0.end ?? .infinity) > request.start }
            if overlapping.count > most.count { most = overlapping }
        }
        #expect(most.count <= 3 && most.count >= 2, "in flight at most: \(most.map { ($0.id, $0.start, $0.end ?? 0) })")

        // 60 a minute: one a second, across both workers.
        let paced = requests.filter { $0.id.hasPrefix("p") }.map(\.start).sorted()
        #expect(paced.count >= 4 && paced.count <= 8, "\(paced.count) requests in ~6 s")
        let gaps = zip(paced, paced.dropFirst()).map { pair in pair.1 - pair.0 }
        #expect(gaps.allSatisfy { $0 >= 0.9 }, "paced a second apart: \(gaps)")
    }

    @Test("bad settings are 400 with pointers, private hosts and {entity} in the host refused, other tenants 404, secrets sealed, changes audited")
    func refusals() async throws {
        try await withSluice { (harness: Harness) async throws -> Void in
            let owner = try await harness.signup("sources")
            let (stream, key) = try await harness.stream(owner)
            let api = harness.api(owner.token)
            func create(
                _ url: String,
                _ settings: Components.Schemas.PullSourceSettings = .init(),
                name: String = "s",
                entities: [String] = ["e"]
            ) async throws -> Operations.CreateSource.Output {
                var settings = settings
                settings.url = url
                if settings.mapping == nil { settings.mapping = Self.followers }
                return try await api.createSource(path: .init(stream: stream), body: .json(.init(name: name, entities: entities, settings: settings)))
            }
            func pointer(_ output: Operations.CreateSource.Output) throws -> String? {
                try output.badRequest.body.applicationProblemJson.errors?.first?.pointer
            }
            let good = "https://api.example.com/v1/users/{entity}"
            for url in [
                "http://127.0.0.1/v1/{entity}", "http://localhost/{entity}", "http://169.254.169.254/{entity}", "https://{entity}.example.com/x",
                "https://api.example.com/v1/users", "ftp://example.com/{entity}",
            ] {
                #expect(try pointer(try await create(url)) == "/url", "\(url)")
            }
            #expect(try pointer(try await create(good, .init(intervalSeconds: 0))) == "/intervalSeconds")
            #expect(try pointer(try await create(good, .init(intervalSeconds: 10, jitterSeconds: 20))) == "/jitterSeconds")
            #expect(try pointer(try await create(good, .init(timeoutMs: 50))) == "/timeoutMs")
            #expect(try pointer(try await create(good, .init(concurrency: 0))) == "/concurrency")
            #expect(try pointer(try await create(good, .init(requestsPerMinute: 0))) == "/requestsPerMinute")
            #expect(try pointer(try await create(good, .init(headers: .init(additionalProperties: ["Host": "x"])))) == "/headers/Host")
            #expect(
                try pointer(try await create(good, .init(secretHeaders: .init(additionalProperties: ["X-Key": "a\r\nb"])))) == "/secretHeaders/X-Key"
            )
            #expect(
                try pointer(try await create(good, .init(mapping: .init(platform: .twitter, metrics: .init(additionalProperties: [:])))))
                    == "/mapping/metrics"
            )
            #expect(
                try pointer(try await create(good, .init(mapping: .init(platform: .twitter, metrics: .init(additionalProperties: ["x": "nope"])))))
                    == "/mapping/metrics/x"
            )
            #expect(
                try pointer(
                    try await create(
                        good,
                        .init(mapping: .init(platform: .youtube, kind: .post, metrics: .init(additionalProperties: ["views": "/v"])))
                    )
                ) == "/mapping/account"
            )
            #expect(try pointer(try await create(good, entities: ["ok", ""])) == "/entities/1")
            #expect(try await create(good, name: "Bad Name").badRequest.body.applicationProblemJson.status == 400)

            let created = try await create(
                good,
                .init(secretHeaders: .init(additionalProperties: ["Authorization": "Bearer tok-very-secret"])),
                entities: ["a", "b", "a"]
            ).created.body.json
            #expect(
                created.entities == 2 && created.secretHeaders == ["Authorization"] && created.intervalSeconds == 300 && created.jitterSeconds == 30
            )
            #expect(try await create(good).conflict.body.applicationProblemJson.status == 409)

            // Entities: add, replace, remove.
            let path = Operations.AddSourceEntities.Input.Path(stream: stream, source: "s")
            let added = try await api.addSourceEntities(path: path, body: .json(.init(entities: ["b", "c"]))).ok.body.json
            #expect((added.added, added.removed, added.total) == (1, 0, 3))
            let replaced = try await api.replaceSourceEntities(path: .init(stream: stream, source: "s"), body: .json(.init(entities: ["c", "d"]))).ok
                .body.json
            #expect((replaced.added, replaced.removed, replaced.total) == (1, 2, 2))
            _ = try await api.removeSourceEntity(path: .init(stream: stream, source: "s", entity: "d")).noContent
            _ = try await api.removeSourceEntity(path: .init(stream: stream, source: "s", entity: "d")).notFound
            let listed = try await api.listSourceEntities(path: .init(stream: stream, source: "s")).ok.body.json.items
            #expect(listed.map(\.entity) == ["c"])

            // Changes.
            let updated = try await api.updateSource(path: .init(stream: stream, source: "s"), body: .json(.init(intervalSeconds: 10))).ok.body.json
            #expect(updated.intervalSeconds == 10 && updated.jitterSeconds == 10, "the jitter stays within the interval")
            #expect(try await api.pauseSource(path: .init(stream: stream, source: "s")).ok.body.json.state == .paused)
            #expect(try await api.resumeSource(path: .init(stream: stream, source: "s")).ok.body.json.state == .active)

            // Another tenant sees nothing; a key without streams:manage cannot change anything.
            let other = try await harness.signup("intruder")
            let intruder = harness.api(other.token)
            _ = try await intruder.describeSource(path: .init(stream: stream, source: "s")).notFound
            _ = try await intruder.listSources(path: .init(stream: stream)).notFound
            _ = try await intruder.deleteSource(path: .init(stream: stream, source: "s")).notFound
            _ = try await intruder.listSourceRuns(path: .init(stream: stream, source: "s")).notFound
            _ = try await harness.api(key).deleteSource(path: .init(stream: stream, source: "s")).forbidden

            // The secret is sealed in the database and in no audit entry; every change is audited.
            let (sealed, leaked, actions) = try await asSuperuser { client in
                let sealed = try await client.query(
                    "SELECT secret_headers_sealed FROM pull_sources WHERE name = 's' AND id = \(UUID(uuidString: created.id)!)"
                )
                .collect().first?.decode(ByteBuffer.self)
                let leaked = try await client.query("SELECT count(*) FROM audit_log WHERE details::text LIKE '%tok-very-secret%'").collect().first?
                    .decode(Int.self)
                var actions: [String] = []
                for try await action in try await client.query(
                    "SELECT action FROM audit_log WHERE target_id = \(created.id) ORDER BY seq"
                ).decode(String.self) { actions.append(action) }
                return (sealed, leaked, actions)
            }
            let bytes = try #require(sealed).readableBytesView
            #expect(!String(decoding: bytes, as: UTF8.self).contains("tok-very-secret") && bytes.count > 20)
            #expect(leaked == 0)
            #expect(
                actions == [
                    "source.created", "source.entities.changed", "source.entities.changed", "source.entities.changed", "source.updated",
                    "source.paused", "source.resumed",
                ]
            )
            _ = try await api.deleteSource(path: .init(stream: stream, source: "s")).noContent
            _ = try await api.describeSource(path: .init(stream: stream, source: "s")).notFound
        }
    }
}
