import Foundation
import HTTPTypes
import HummingbirdTesting
import Redis
import SluiceClient
import Synchronization
import Testing

@testable import SluiceCore
@testable import SluiceServer

/// Per-key overrides, monthly quotas and usage, login throttling across nodes, fairness.
@Suite("Quotas and overrides")
struct QuotaTests {
    static func batch(_ count: Int, ids: [String]? = nil) -> String {
        let events = (0..<count).map { index in
            #"{"id":"\#(ids?[index] ?? UUID().uuidString)","type":"a","data":\#(index)}"#
        }
        return #"{"events":[\#(events.joined(separator: ","))]}"#
    }

    @Test("per-key overrides: admins set a key's limits up to the plan's; others keep the plan's; audited; 404 across tenants")
    func overrides() async throws {
        try await withSluice(RateLimitTests.configure(TestEnvironment.redisURL, requests: RateLimit(perSecond: 1, burst: 5))) { harness in
            let owner = try await harness.signup("override")
            let (stream, tight) = try await harness.stream(owner)
            let plain = try await harness.createKey(owner, scopes: [.events_colon_read], streams: [stream]).value2.secret
            let keys = try await harness.api(owner.token).listApiKeys().ok.body.json.items
            let tightID = try #require(keys.first { tight.hasPrefix($0.prefix) }?.id)
            #expect(keys.allSatisfy { $0.rateLimits?.requests.source == .plan && $0.rateLimits?.requests.burst == 5 })

            let updated = try await harness.api(owner.token).setApiKeyRateLimits(
                path: .init(keyId: tightID),
                body: .json(.init(requests: .init(perSecond: 0.01, burst: 2)))
            ).ok.body.json
            #expect(updated.rateLimits?.requests == .init(perSecond: 0.01, burst: 2, source: .key))
            #expect(updated.rateLimits?.events.source == .plan)

            // One request per 100 s after the burst of 2: a loaded machine's slow requests do
            // not refill it between the three (0.5/s did, once, in a full run).
            var statuses: [HTTPResponse.Status] = []
            for _ in 0..<3 {
                let response = try await harness.send(.get, "/v1/streams/\(stream)", headers: [.authorization: "Bearer \(tight)"])
                statuses.append(response.status)
                if response.status == .ok { #expect(response.headers[.rateLimitLimit] == "2") }
            }
            #expect(statuses == [.ok, .ok, .tooManyRequests])
            for _ in 0..<3 {
                let response = try await harness.send(.get, "/v1/streams/\(stream)", headers: [.authorization: "Bearer \(plain)"])
                #expect(response.status == .ok)
                #expect(response.headers[.rateLimitLimit] == "5")
            }

            // Above the plan: refused with a pointer.
            let above = try await harness.send(
                .put,
                "/v1/api-keys/\(tightID)/rate-limits",
                body: #"{"requests":{"perSecond":1,"burst":6}}"#,
                headers: [.authorization: "Bearer \(owner.token)"]
            )
            #expect(above.status == .badRequest)
            #expect((above.problem["errors"] as? [[String: String]])?.first?["pointer"] == "/requests/burst")
            let negative = try await harness.send(
                .put,
                "/v1/api-keys/\(tightID)/rate-limits",
                body: #"{"events":{"perSecond":0,"burst":1}}"#,
                headers: [.authorization: "Bearer \(owner.token)"]
            )
            #expect(negative.status == .badRequest)

            // A developer may not; another tenant's admin gets 404.
            let developer = try await harness.member(of: owner, role: .developer)
            let forbidden = try await harness.api(developer.token).setApiKeyRateLimits(path: .init(keyId: tightID), body: .json(.init()))
            #expect(try forbidden.forbidden.body.applicationProblemJson.status == 403)
            let stranger = try await harness.signup("stranger")
            let hidden = try await harness.api(stranger.token).setApiKeyRateLimits(path: .init(keyId: tightID), body: .json(.init()))
            #expect(try hidden.notFound.body.applicationProblemJson.status == 404)

            // Back to the plan; audited twice.
            let reset = try await harness.api(owner.token).setApiKeyRateLimits(path: .init(keyId: tightID), body: .json(.init())).ok.body.json
            #expect(reset.rateLimits?.requests.source == .plan)
            let audit = try await harness.api(owner.token).listAuditLog(query: .init(action: "apikey.limits.changed")).ok.body.json
            #expect(audit.items.map { $0.details?.additionalProperties["requests"] } == ["plan", "0.01/2"])
        }
    }

    @Test("an ingest call refused before its events were admitted (bad JSON, a stream it may not see) still spends its request")
    func failedIngestSpendsItsRequest() async throws {
        try await withSluice(RateLimitTests.configure(TestEnvironment.redisURL, requests: RateLimit(perSecond: 0.01, burst: 3))) { harness in
            let owner = try await harness.signup("failing")
            let (stream, key) = try await harness.stream(owner)
            let write: HTTPFields = [.authorization: "Bearer \(key)", .contentType: "application/json"]
            let event = #"{"type":"a","data":1}"#
            #expect(try await harness.send(.post, "/v1/streams/\(stream)/events", body: "{not json", headers: write).status == .badRequest)
            #expect(try await harness.send(.post, "/v1/streams/other/events/batch", body: event, headers: write).status == .notFound)
            let stored = try await harness.send(.post, "/v1/streams/\(stream)/events", body: event, headers: write)
            #expect(stored.status == .created)
            #expect(stored.headers[.rateLimitLimit] == "10")  // the event limit's, reported at ingest
            let refused = try await harness.send(.post, "/v1/streams/\(stream)/events", body: event, headers: write)
            #expect(refused.status == .tooManyRequests)
            #expect((refused.problem["type"] as? String)?.hasSuffix("/rate-limited") == true)
            // Refused for its request, the call spent no event either.
            let state = try await harness.api(owner.token).getStream(path: .init(stream: stream)).ok.body.json
            #expect(state.nextOffsets == [1])
        }
    }

    @Test(
        "monthly quota: exhausted (429 quota-exceeded until the month's end), refunds for what was not stored, renewed at the period boundary; usage per month and key"
    )
    func quotaAndPeriods() async throws {
        // 2026-11-30 23:59:00 UTC, moved by the test.
        let now = Mutex(Date(timeIntervalSince1970: 1_796_083_140))
        try await withSluice({ configuration in
            RateLimitTests.configure(
                TestEnvironment.redisURL,
                requests: RateLimit(perSecond: 1000, burst: 1000),
                events: RateLimit(perSecond: 1000, burst: 1000),
                monthly: 10
            )(&configuration)
            configuration.clock = { now.withLock { $0 } }
        }) { harness in
            let owner = try await harness.signup("quota")
            let (stream, key) = try await harness.stream(owner)
            let write: HTTPFields = [.authorization: "Bearer \(key)", .contentType: "application/json"]
            let path = "/v1/streams/\(stream)/events/batch"
            let ids = (0..<6).map { _ in UUID().uuidString }
            #expect(try await harness.send(.post, path, body: Self.batch(6, ids: ids), headers: write).status == .ok)
            // Duplicates are not stored, so they are given back.
            let again = try await harness.send(.post, path, body: Self.batch(3, ids: Array(ids.prefix(3))), headers: write)
            #expect(again.status == .ok)
            let refused = try await harness.send(.post, path, body: Self.batch(5), headers: write)
            #expect(refused.status == .tooManyRequests)
            #expect((refused.problem["type"] as? String)?.hasSuffix("/quota-exceeded") == true)
            #expect((refused.problem["detail"] as? String)?.contains("(4 left, 5 sent)") == true)
            #expect(refused.headers[.retryAfter] == "60")
            #expect(try await harness.send(.post, path, body: Self.batch(4), headers: write).status == .ok)
            let single = try await harness.send(.post, "/v1/streams/\(stream)/events", body: #"{"type":"a","data":1}"#, headers: write)
            #expect(single.status == .tooManyRequests)
            // Members' ingest counts too.
            let member = try await harness.send(
                .post,
                "/v1/streams/\(stream)/events",
                body: #"{"type":"a","data":1}"#,
                headers: [.authorization: "Bearer \(owner.token)", .contentType: "application/json"]
            )
            #expect(member.status == .tooManyRequests)

            // A new month, a new quota.
            now.withLock { $0 = $0.addingTimeInterval(120) }
            #expect(try await harness.send(.post, path, body: Self.batch(7), headers: write).status == .ok)
            let member2 = try await harness.send(
                .post,
                "/v1/streams/\(stream)/events",
                body: #"{"type":"a","data":1}"#,
                headers: [.authorization: "Bearer \(owner.token)", .contentType: "application/json"]
            )
            #expect(member2.status == .created)

            let usage = try await harness.api(owner.token).getUsage(query: .init(months: 3)).ok.body.json
            #expect(usage.plan == "free")
            #expect(usage.periods.map(\.period) == ["2026-12", "2026-11", "2026-10"])
            #expect(usage.periods.map(\.events) == [8, 10, 0])
            #expect(usage.periods.map(\.quota) == [10, 10, 10])
            let december = usage.periods[0].keys
            #expect(december.count == 2)
            #expect(december.first { $0.principal == .apiKey }?.events == 7)
            #expect(december.first { $0.principal == .members }?.events == 1)
            let november = try #require(usage.periods[1].keys.first)
            #expect(november.name == "test key")
            #expect(november.events == 10)
            #expect(november.requests == 5)  // every request of the key, refused ones too
            // Viewers may read usage; other tenants see only theirs.
            let viewer = try await harness.member(of: owner, role: .viewer)
            #expect(try await harness.api(viewer.token).getUsage().ok.body.json.periods.first?.events == 8)
            let stranger = try await harness.signup("stranger")
            #expect(
                try await harness.api(stranger.token).getUsage().ok.body.json.periods.allSatisfy {
                    $0.events == 0 && $0.keys.allSatisfy { $0.principal == .members }
                }
            )
            let bad = try await harness.send(.get, "/v1/usage?months=25", headers: [.authorization: "Bearer \(owner.token)"])
            #expect(bad.status == .badRequest)
        }
    }

    @Test("a quota holds across two nodes and survives the loss of its Redis counter (rebuilt from PostgreSQL)")
    func quotaSurvivesRedisLoss() async throws {
        let configure = RateLimitTests.configure(
            TestEnvironment.redisURL,
            requests: RateLimit(perSecond: 1000, burst: 1000),
            events: RateLimit(perSecond: 1000, burst: 1000),
            monthly: 10
        )
        try await withSluice(configure) { one in
            try await withSluice(configure) { two in
                let owner = try await one.signup("quotaloss")
                let (stream, key) = try await one.stream(owner)
                let write: HTTPFields = [.authorization: "Bearer \(key)", .contentType: "application/json"]
                let path = "/v1/streams/\(stream)/events/batch"
                #expect(try await one.send(.post, path, body: Self.batch(5), headers: write).status == .ok)
                #expect(try await two.send(.post, path, body: Self.batch(3), headers: write).status == .ok)
                #expect(try await one.send(.post, path, body: Self.batch(3), headers: write).status == .tooManyRequests)

                // Both nodes flush their counts (reading usage does), then Redis forgets the counter.
                _ = try await one.api(owner.token).getUsage().ok
                _ = try await two.api(owner.token).getUsage().ok
                let redis = RedisClient(configuration: try RedisConfiguration(url: TestEnvironment.redisURL), logger: TestEnvironment.logger)
                let period = UsagePeriod(containing: Date()).label
                #expect(try await redis.send(["DEL", "sluice:quota:\(owner.tenantID.lowercased()):\(period)"]).integer == 1)

                #expect(try await two.send(.post, path, body: Self.batch(3), headers: write).status == .tooManyRequests)
                #expect(try await one.send(.post, path, body: Self.batch(2), headers: write).status == .ok)
                #expect(try await two.send(.post, path, body: Self.batch(1), headers: write).status == .tooManyRequests)
                let usage = try await one.api(owner.token).getUsage(query: .init(months: 1)).ok.body.json
                #expect(usage.periods.first?.events == 10)
            }
        }
    }

    @Test(
        "quota and usage count what was stored: the counter within one lease under steady load, exact after SIGTERM, within one lease after SIGKILL; usage exact after SIGKILL"
    )
    func quotaCountsStored() async throws {
        // Request and event rates too low to lease: every request goes to Redis, as on the free
        // plan. The monthly quota of a million leases 1,000 at a time.
        let environment = [
            "SLUICE_REDIS_URL": TestEnvironment.redisURL,
            "SLUICE_JWT_KEYS": "q1:" + Data("quota-count-test-key-0123456789abcdef".utf8).base64EncodedString(),
            "SLUICE_PLANS": "free:requests=10/20,events=30/60,monthly=1000000",
        ]
        let first = try await ServerProcess(environment: environment)
        defer { first.kill() }
        let email = "counted-\(UUID().uuidString.prefix(8).lowercased())@example.test"
        let signup = try await first.client().signup(
            body: .json(.init(email: email, password: "correct horse battery staple", tenantName: "counted"))
        )
        let account = try signup.created.body.json
        let token = account.tokens.accessToken
        let stream = "s-\(UUID().uuidString.prefix(8).lowercased())"
        _ = try await first.client(token).createStream(body: .json(.init(name: stream))).created
        let secret = try await first.client(token).createApiKey(body: .json(.init(name: "producer", scopes: [.events_colon_write]))).created.body.json
            .value2.secret
        let redis = RedisClient(configuration: try RedisConfiguration(url: TestEnvironment.redisURL), logger: TestEnvironment.logger)
        let counter = "sluice:quota:\(account.tenant.id.lowercased()):\(UsagePeriod(containing: Date()).label)"

        @Sendable func produce(_ node: ServerProcess, for duration: Duration) async throws {
            let api = node.client(secret)
            let end = ContinuousClock.now + duration
            while ContinuousClock.now < end {
                let events = (0..<3).map { _ in Components.Schemas.EventInput(_type: "counted", data: json("{}")) }
                _ = try await api.ingestBatch(path: .init(stream: stream), body: .json(.init(events: events))).ok
                try await Task.sleep(for: .milliseconds(100))
            }
        }
        func counted() async throws -> Int { Int(try await redis.send(["GET", counter]).string ?? "0") ?? 0 }
        func stored() async throws -> Int { Int(try await first.client(token).getUsage().ok.body.json.periods.first?.events ?? 0) }

        try await produce(first, for: .seconds(3))
        let (steadyCounted, steadyStored) = (try await counted(), try await stored())
        #expect(steadyStored >= 15, "too little load to prove anything")
        #expect(steadyCounted >= steadyStored && steadyCounted - steadyStored <= 1000, "counted \(steadyCounted) for \(steadyStored) stored")

        // SIGTERM hands the lease back: the counter is what was stored.
        let stopped = await first.stop()
        #expect(stopped)
        let second = try await ServerProcess(environment: environment)
        defer { second.kill() }
        let afterTerm = (try await counted(), Int(try await second.client(token).getUsage().ok.body.json.periods.first?.events ?? 0))
        #expect(afterTerm.0 == afterTerm.1, "after SIGTERM: counted \(afterTerm.0) for \(afterTerm.1) stored")

        // SIGKILL loses at most the lease the node held.
        try await produce(second, for: .seconds(1))
        second.kill()
        let third = try await ServerProcess(environment: environment)
        defer { third.kill() }
        let afterKill = (try await counted(), Int(try await third.client(token).getUsage().ok.body.json.periods.first?.events ?? 0))
        #expect(afterKill.0 >= afterKill.1 && afterKill.0 - afterKill.1 <= 1000, "after SIGKILL: counted \(afterKill.0) for \(afterKill.1) stored")
        // Usage is what the store holds, the events of the killed node's last second included.
        let inStore = try await asSuperuser { client in
            var count = 0
            for try await (n) in try await client.query(
                "SELECT count(*)::int8 FROM events WHERE tenant_id = \(UUID(uuidString: account.tenant.id)!)",
                logger: TestEnvironment.logger
            ).decode(Int64.self) { count = Int(n) }
            return count
        }
        #expect(afterKill.1 == inStore, "usage \(afterKill.1) for \(inStore) events stored")
    }

    @Test("the operator's plan and quota override apply to the tenant's limits")
    func operatorOverride() async throws {
        try await withSluice(
            RateLimitTests.configure(
                TestEnvironment.redisURL,
                requests: RateLimit(perSecond: 1000, burst: 1000),
                events: RateLimit(perSecond: 1000, burst: 1000),
                monthly: 100
            )
        ) { harness in
            let owner = try await harness.signup("operator")
            let (stream, key) = try await harness.stream(owner)
            let plans = ["free": Plan.builtIn["free"]!, "team": Plan.builtIn["team"]!]
            let result = try await Admin.with(TestEnvironment.configuration(), logger: TestEnvironment.logger) { admin in
                try await admin.setPlan(tenantID: UUID(uuidString: owner.tenantID)!, plan: nil, quota: .events(2), plans: plans)
            }
            #expect(result.plan == "free" && result.quota == 2)
            await #expect(throws: SluiceError.self) {
                try await Admin.with(TestEnvironment.configuration(), logger: TestEnvironment.logger) { admin in
                    try await admin.setPlan(tenantID: UUID(uuidString: owner.tenantID)!, plan: "gold", quota: .keep, plans: plans)
                }
            }
            // A fresh node reads the tenant's plan (nodes cache it for ten seconds).
            try await withSluice(
                RateLimitTests.configure(
                    TestEnvironment.redisURL,
                    requests: RateLimit(perSecond: 1000, burst: 1000),
                    events: RateLimit(perSecond: 1000, burst: 1000),
                    monthly: 100
                )
            ) { fresh in
                let write: HTTPFields = [.authorization: "Bearer \(key)", .contentType: "application/json"]
                let refused = try await fresh.send(.post, "/v1/streams/\(stream)/events/batch", body: Self.batch(3), headers: write)
                #expect(refused.status == .tooManyRequests)
                #expect((refused.problem["detail"] as? String)?.contains("quota of 2 events") == true)
                #expect(try await fresh.api(owner.token).getUsage().ok.body.json.periods.first?.quota == 2)
            }
            let audit = try await harness.api(owner.token).listAuditLog(query: .init(action: "tenant.plan.changed")).ok.body.json
            #expect(audit.items.first?.details?.additionalProperties["monthlyEventQuota"] == "2")
        }
    }

    @Test("login throttling holds across nodes sharing Redis")
    func loginThrottleAcrossNodes() async throws {
        let configure: @Sendable (inout SluiceConfiguration) -> Void = { configuration in
            configuration.redisURL = TestEnvironment.redisURL
            configuration.loginThrottle.failuresPerAccount = 3
        }
        try await withSluice(configure) { one in
            try await withSluice(configure) { two in
                let account = try await one.signup("throttle")
                let wrong = #"{"email":"\#(account.email)","password":"wrong password!"}"#
                for node in [one, two, one] {
                    #expect(try await node.send(.post, "/v1/auth/login", body: wrong).status == .unauthorized)
                }
                let right = #"{"email":"\#(account.email)","password":"\#(account.password)"}"#
                let throttled = try await two.send(.post, "/v1/auth/login", body: right)
                #expect(throttled.status == .tooManyRequests)
                #expect((throttled.problem["type"] as? String)?.hasSuffix("/login-throttled") == true)
                #expect((Int(throttled.headers[.retryAfter] ?? "") ?? 0) > 800)
            }
        }
    }

    @Test(
        "a burst of concurrent guesses is cut at the limit before any hash: of 40 wrong passwords at once, 5 are evaluated",
        arguments: [false, true]
    )
    func concurrentGuesses(redis: Bool) async throws {
        try await withSluice({ if redis { $0.redisURL = TestEnvironment.redisURL } }) { sluice in
            let account = try await sluice.signup("burst")
            let wrong = #"{"email":"\#(account.email)","password":"wrong password!"}"#
            let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<40 {
                    group.addTask { Int(try await sluice.send(.post, "/v1/auth/login", body: wrong).status.code) }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            let evaluated = statuses.filter { $0 != 429 }
            #expect(evaluated.count == 5 && evaluated.allSatisfy { $0 == 401 }, "\(statuses)")
        }
    }

    @Test("fairness: tenant A far over its limit does not slow tenant B, whose p99 stays within 5x (+50 ms) of its unloaded p99")
    func fairness() async throws {
        try await withSluice(
            RateLimitTests.configure(
                TestEnvironment.redisURL,
                requests: RateLimit(perSecond: 10_000, burst: 10_000),
                events: RateLimit(perSecond: 200, burst: 400)
            )
        ) { harness in
            let a = try await harness.signup("flooder")
            let (streamA, keyA) = try await harness.stream(a)
            let b = try await harness.signup("steady")
            let (streamB, keyB) = try await harness.stream(b)
            let writeB: HTTPFields = [.authorization: "Bearer \(keyB)", .contentType: "application/json"]
            let writeA: HTTPFields = [.authorization: "Bearer \(keyA)", .contentType: "application/json"]

            @Sendable func measureB(_ count: Int) async throws -> [Duration] {
                var latencies: [Duration] = []
                for index in 0..<count {
                    let start = ContinuousClock.now
                    let response = try await harness.send(
                        .post,
                        "/v1/streams/\(streamB)/events",
                        body: #"{"type":"b","data":\#(index)}"#,
                        headers: writeB
                    )
                    latencies.append(ContinuousClock.now - start)
                    #expect(response.status == .created)
                }
                return latencies.sorted()
            }
            func p99(_ sorted: [Duration]) -> Duration { sorted[Int(Double(sorted.count - 1) * 0.99)] }

            _ = try await measureB(20)  // warm up
            let unloaded = p99(try await measureB(200))
            let (loaded, floodStatuses) = try await withThrowingTaskGroup(of: [HTTPResponse.Status].self) { group in
                for _ in 0..<4 {
                    group.addTask {
                        var statuses: [HTTPResponse.Status] = []
                        let body = Self.batch(100)
                        while !Task.isCancelled {
                            guard let response = try? await harness.send(.post, "/v1/streams/\(streamA)/events/batch", body: body, headers: writeA)
                            else { break }
                            statuses.append(response.status)
                        }
                        return statuses
                    }
                }
                let latencies = try await measureB(200)
                group.cancelAll()
                var statuses: [HTTPResponse.Status] = []
                for try await part in group { statuses += part }
                return (p99(latencies), statuses)
            }
            let limited = floodStatuses.filter { $0 == .tooManyRequests }.count
            #expect(limited > floodStatuses.count / 2, "tenant A was not held to its limit: \(limited) of \(floodStatuses.count) refused")
            #expect(loaded <= max(unloaded * 5, unloaded + .milliseconds(50)), "B's p99: \(unloaded) unloaded, \(loaded) while A floods")
            print("fairness: B's p99 \(unloaded) unloaded, \(loaded) while A sent \(floodStatuses.count) batches (\(limited) refused)")
        }
    }
}
