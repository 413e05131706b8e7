import Foundation
import HTTPTypes
import HummingbirdTesting
import Logging
import Redis
import SluiceClient
import Synchronization
import Testing

@testable import SluiceCore
@testable import SluiceServer

@Suite("Rate limits", .serialized)
struct RateLimitTests {
    @Test("limits and a quota are spent all or nothing; a missing quota counter asks for its seed")
    func allOrNothing() async throws {
        let limiter = InProcessRateLimiter(clock: { 5_000_000 })
        let requests = LimitCheck(key: "r", limit: RateLimit(perSecond: 1, burst: 10), cost: 1)
        let events = LimitCheck(key: "e", limit: RateLimit(perSecond: 1, burst: 10), cost: 8)
        var quota = QuotaCheck(key: "q", quota: 20, cost: 8, ttlSeconds: 60, seed: nil)
        #expect(try await limiter.spend([requests, events], quota: quota) == .needsSeed)
        quota.seed = 5
        guard case .allowed(let decisions, let used) = try await limiter.spend([requests, events], quota: quota) else {
            Issue.record("refused")
            return
        }
        #expect(decisions.map(\.remaining) == [9, 2])
        #expect(used == 13)
        // The events limit refuses: the request is not spent either, nor the quota.
        guard case .limited(index: 1, _) = try await limiter.spend([requests, events], quota: quota) else {
            Issue.record("not refused by the events limit")
            return
        }
        quota.cost = 8
        #expect(try await limiter.spend([requests], quota: quota) == .quotaExceeded(used: 13))
        guard case .allowed(let after, _) = try await limiter.spend([requests], quota: nil) else { return }
        #expect(after[0].remaining == 8)
        await limiter.refund(5, quotaKey: "q")
        guard case .allowed(_, let refunded) = try await limiter.spend([], quota: quota) else { return }
        #expect(refunded == 16)
    }

    /// Redis at `redisURL` and a free plan of `requests` and `events` (and `monthly` events).
    static func configure(
        _ redisURL: String?,
        requests: RateLimit = RateLimit(perSecond: 1, burst: 5),
        events: RateLimit = RateLimit(perSecond: 1, burst: 10),
        monthly: Int? = nil
    ) -> @Sendable (inout SluiceConfiguration) -> Void {
        { configuration in
            configuration.redisURL = redisURL
            configuration.rateLimits.plans["free"] = Plan(requests: requests, events: events, monthlyEvents: monthly)
        }
    }

    @Test("in Redis: headers count down, the limit is 429 with Retry-After and says which; two nodes share one limit")
    func redisLimits() async throws {
        // Slow refills (one request every 20 s, one event every 10 s), so that a loaded machine
        // taking seconds between requests does not refill the bucket under the test's feet.
        let configure = Self.configure(
            TestEnvironment.redisURL,
            requests: RateLimit(perSecond: 0.05, burst: 5),
            events: RateLimit(perSecond: 0.1, burst: 10)
        )
        try await withSluice(configure) { harness in
            try await withSluice(configure) { other in
                let owner = try await harness.signup("ratelimit")
                let (stream, key) = try await harness.stream(owner)
                let auth: HTTPFields = [.authorization: "Bearer \(key)"]
                var remaining: [String?] = []
                for node in [harness, harness, other, harness, other] {
                    let response = try await node.send(.get, "/v1/streams/\(stream)", headers: auth)
                    #expect(response.status == .ok)
                    #expect(response.headers[.rateLimitLimit] == "5")
                    remaining.append(response.headers[.rateLimitRemaining])
                }
                #expect(remaining == ["4", "3", "2", "1", "0"])
                let limited = try await other.send(.get, "/v1/streams/\(stream)", headers: auth)
                #expect(limited.status == .tooManyRequests)
                // 20 s for the next request, less what passed since the first (a loaded machine takes seconds).
                #expect(limited.headers[.retryAfter].flatMap(Int.init).map { (15...20).contains($0) } == true)
                #expect(limited.headers[.rateLimitRemaining] == "0")
                #expect((limited.problem["type"] as? String)?.hasSuffix("/rate-limited") == true)
                #expect((limited.problem["detail"] as? String)?.contains("requests limit (0.05 per second, burst 5)") == true)
                #expect(try await other.metric("sluice_limit_refusals_total{limit=\"requests\"}") == 1)
                // Members (access tokens) are not limited per key.
                #expect(try await harness.send(.get, "/v1/streams/\(stream)", headers: [.authorization: "Bearer \(owner.token)"]).status == .ok)

                // Events: a batch costs its size; more than the burst is refused outright.
                let events = try await harness.createKey(owner, scopes: [.events_colon_write])
                let write: HTTPFields = [.authorization: "Bearer \(events.value2.secret)", .contentType: "application/json"]
                let batch = { (count: Int) in #"{"events":[\#(Array(repeating: #"{"type":"a","data":1}"#, count: count).joined(separator: ","))]}"# }
                let first = try await harness.send(.post, "/v1/streams/\(stream)/events/batch", body: batch(8), headers: write)
                #expect(first.status == .ok)
                #expect(first.headers[.rateLimitLimit] == "10")
                #expect(first.headers[.rateLimitRemaining] == "2")
                let second = try await other.send(.post, "/v1/streams/\(stream)/events/batch", body: batch(8), headers: write)
                #expect(second.status == .tooManyRequests)
                #expect((second.problem["type"] as? String)?.hasSuffix("/event-rate-limited") == true)
                #expect(Int(second.headers[.retryAfter] ?? "") ?? 0 >= 50)
                let tooBig = try await harness.send(.post, "/v1/streams/\(stream)/events/batch", body: batch(11), headers: write)
                #expect(tooBig.status == .tooManyRequests)
                #expect((tooBig.problem["detail"] as? String)?.contains("more than the key's burst of 10") == true)
                let state = try await harness.api(owner.token).getStream(path: .init(stream: stream)).ok.body.json
                #expect(state.nextOffsets == [8])
            }
        }
    }

    /// A redis-server of the test's own, so that it can be stopped and started mid-test. Its
    /// port is picked at random in the ephemeral range, where an outgoing connection may hold
    /// it: a server that exits at once on its first start is tried again on another port (a
    /// restart keeps the port, which the application under test is configured with).
    final class OwnRedis: @unchecked Sendable {
        private(set) var port = Int.random(in: 41_000..<49_000)
        private var process: Process?
        private var started = false
        /// TLS only (its certificate from `authority`, for localhost), and a password, if given.
        let authority: TestAuthority?
        let password: String?
        var url: String {
            let credentials = password.map { ":\($0)@" } ?? ""
            return authority == nil ? "redis://\(credentials)127.0.0.1:\(port)" : "rediss://\(credentials)localhost:\(port)"
        }

        init(tls authority: TestAuthority? = nil, password: String? = nil) {
            self.authority = authority
            self.password = password
        }

        /// A client's settings for it (the CA file of its authority, when TLS).
        func configuration() throws -> RedisConfiguration {
            var configuration = try RedisConfiguration(url: url)
            configuration.caFile = authority?.caFile
            return configuration
        }

        func start() async throws {
            for attempt in 0..<(started ? 1 : 5) {
                if attempt > 0 { port = Int.random(in: 41_000..<49_000) }
                let process = Process()
                process.executableURL = URL(fileURLWithPath: "/usr/bin/redis-server")
                var arguments = ["--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
                if let authority {
                    arguments += [
                        "--port", "0", "--tls-port", String(port), "--tls-cert-file", authority.certificateFile, "--tls-key-file", authority.keyFile,
                        "--tls-ca-cert-file", authority.caFile, "--tls-auth-clients", "no",
                    ]
                } else {
                    arguments += ["--port", String(port)]
                }
                if let password { arguments += ["--requirepass", password] }
                process.arguments = arguments
                process.standardOutput = FileHandle.nullDevice
                try process.run()
                self.process = process
                let client = RedisClient(configuration: try configuration(), logger: Logger(label: "own-redis"))
                for _ in 0..<200 where process.isRunning {
                    if (try? await client.send(["PING"])) != nil {
                        started = true
                        return
                    }
                    try await Task.sleep(for: .milliseconds(50))
                }
                kill()
            }
            Issue.record("redis-server did not start")
        }

        /// SIGKILL (an outage, not a shutdown), then waits until it answers no more (not with
        /// `waitUntilExit`, which can spin on Linux).
        func stop() async throws {
            guard let process else { return }
            Glibc.kill(process.processIdentifier, SIGKILL)
            let probe = RedisClient(configuration: try configuration(), logger: Logger(label: "own-redis"))
            for _ in 0..<100 {
                guard (try? await probe.send(["PING"])) != nil else { break }
                try await Task.sleep(for: .milliseconds(50))
            }
            self.process = nil
        }

        func keys(_ pattern: String = "sluice:rl:*") async throws -> [String] {
            let client = RedisClient(configuration: try configuration(), logger: Logger(label: "own-redis"))
            return try await client.send(["KEYS", pattern]).array?.compactMap(\.string) ?? []
        }

        func kill() { if let process { Glibc.kill(process.processIdentifier, SIGKILL) } }

        deinit { kill() }
    }

    @Test("Redis stopped mid-test: fail open falls back to the in-process limiter, and Redis limiting resumes when it returns")
    func failOpen() async throws {
        let redis = OwnRedis()
        try await redis.start()
        defer { redis.kill() }
        try await withSluice({ configuration in
            // A slow rate keeps the key's GCRA state in Redis for minutes (its TTL is the time
            // until the burst is whole again), so the test can see it there.
            Self.configure(redis.url, requests: RateLimit(perSecond: 0.01, burst: 1000))(&configuration)
        }) { harness in
            let owner = try await harness.signup("failopen")
            let (stream, key) = try await harness.stream(owner)
            let auth: HTTPFields = [.authorization: "Bearer \(key)"]
            #expect(try await harness.send(.get, "/v1/streams/\(stream)", headers: auth).status == .ok)
            #expect(try await redis.keys().count == 1)

            try await redis.stop()
            for _ in 0..<5 {
                let response = try await harness.send(.get, "/v1/streams/\(stream)", headers: auth)
                #expect(response.status == .ok)
                #expect(response.headers[.rateLimitLimit] == "1000")
            }
            // Counted, and exposed to Prometheus.
            #expect(try await harness.metric("sluice_rate_limit_redis_fallbacks_total") ?? 0 >= 5)

            try await redis.start()
            var resumed = false
            for _ in 0..<80 where !resumed {
                _ = try await harness.send(.get, "/v1/streams/\(stream)", headers: auth)
                resumed = try await redis.keys().count == 1
                if !resumed { try await Task.sleep(for: .milliseconds(100)) }
            }
            #expect(resumed, "Redis-backed limiting did not resume")
        }
    }

    @Test("Redis stopped mid-test: fail closed answers 503 with Retry-After")
    func failClosed() async throws {
        let redis = OwnRedis()
        try await redis.start()
        defer { redis.kill() }
        try await withSluice({ configuration in
            Self.configure(redis.url)(&configuration)
            configuration.rateLimits.onRedisFailure = .closed
        }) { harness in
            let owner = try await harness.signup("failclosed")
            let (stream, key) = try await harness.stream(owner)
            let auth: HTTPFields = [.authorization: "Bearer \(key)"]
            #expect(try await harness.send(.get, "/v1/streams/\(stream)", headers: auth).status == .ok)
            try await redis.stop()
            let refused = try await harness.send(.get, "/v1/streams/\(stream)", headers: auth)
            #expect(refused.status == .serviceUnavailable)
            #expect(refused.headers[.retryAfter] != nil)
        }
    }
}
