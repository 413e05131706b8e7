import Foundation
import Logging
import Redis

/// Counts failed logins per account and per client IP within a sliding window and refuses
/// further attempts past a limit, so that passwords cannot be guessed at speed.
///
/// `InProcessLoginThrottle` holds for a single node; `RedisLoginThrottle`, used when Redis is
/// configured, for every node.
public protocol LoginThrottling: Sendable {
    /// Throws 429 with `Retry-After` if the account or the address has failed too often.
    func check(account: String, clientIP: String?) async throws
    func recordFailure(account: String, clientIP: String?) async
    func recordSuccess(account: String) async
}

public actor InProcessLoginThrottle: LoginThrottling {
    public struct Configuration: Sendable {
        public var failuresPerAccount = 5
        public var failuresPerIP = 20
        public var window: TimeInterval = 15 * 60
        public init() {}
    }

    private let configuration: Configuration
    private let now: @Sendable () -> Date
    private var failures: [String: [Date]] = [:]

    public init(configuration: Configuration = .init(), now: @escaping @Sendable () -> Date = Date.init) {
        self.configuration = configuration
        self.now = now
    }

    public func check(account: String, clientIP: String?) throws {
        let current = now()
        for (key, limit) in keys(account: account, clientIP: clientIP) {
            let recent = prune(key, at: current)
            if recent.count >= limit, let oldest = recent.first {
                let retryAfter = Int((oldest.addingTimeInterval(configuration.window).timeIntervalSince(current)).rounded(.up))
                throw SluiceError.tooManyRequests(
                    "Too many failed logins; try again later.", retryAfterSeconds: retryAfter, kind: "login-throttled"
                )
            }
        }
    }

    public func recordFailure(account: String, clientIP: String?) {
        let current = now()
        for (key, limit) in keys(account: account, clientIP: clientIP) {
            var recent = prune(key, at: current)
            recent.append(current)
            failures[key] = Array(recent.suffix(limit))
        }
        if failures.count > 100_000 { failures = failures.filter { !prune($0.key, at: current).isEmpty } }
    }

    public func recordSuccess(account: String) {
        failures[Self.accountKey(account)] = nil
    }

    private func keys(account: String, clientIP: String?) -> [(String, Int)] {
        var keys = [(Self.accountKey(account), configuration.failuresPerAccount)]
        if let clientIP { keys.append(("ip:" + clientIP, configuration.failuresPerIP)) }
        return keys
    }

    private static func accountKey(_ account: String) -> String { "account:" + account.lowercased() }

    private func prune(_ key: String, at current: Date) -> [Date] {
        let cutoff = current.addingTimeInterval(-configuration.window)
        let recent = (failures[key] ?? []).filter { $0 > cutoff }
        failures[key] = recent.isEmpty ? nil : recent
        return recent
    }
}

/// The same sliding windows in Redis (a sorted set of failure times per account and per
/// address, one script a check), so that guessing cannot be spread over nodes. Accounts are
/// keyed by a hash of the email, not the email. While Redis is unreachable, each node's
/// in-process throttle stands in.
public struct RedisLoginThrottle: LoginThrottling {
    let redis: RedisClient
    let configuration: InProcessLoginThrottle.Configuration
    let fallback: InProcessLoginThrottle
    let logger: Logger

    public init(redis: RedisClient, configuration: InProcessLoginThrottle.Configuration, logger: Logger) {
        self.redis = redis
        self.configuration = configuration
        self.fallback = InProcessLoginThrottle(configuration: configuration)
        self.logger = logger
    }

    /// ARGV: mode (check|fail), window in ms, a unique member, then each key's limit.
    /// `check` answers the milliseconds until a throttled key frees up, or 0.
    static let script = RedisScript(
        """
        local clock = redis.call('TIME')
        local now = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)
        local window = tonumber(ARGV[2])
        for i, key in ipairs(KEYS) do
          local limit = tonumber(ARGV[3 + i])
          redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
          if ARGV[1] == 'check' then
            local count = redis.call('ZCARD', key)
            if count >= limit then
              local freeing = redis.call('ZRANGE', key, count - limit, count - limit, 'WITHSCORES')
              return math.max(1, tonumber(freeing[2]) + window - now)
            end
          else
            redis.call('ZADD', key, now, ARGV[3])
            redis.call('ZREMRANGEBYRANK', key, 0, -(limit + 1))
            redis.call('PEXPIRE', key, window)
          end
        end
        return 0
        """
    )

    private func keys(account: String, clientIP: String?) -> (keys: [String], limits: [String]) {
        let digest = Secrets.hash(account.lowercased()).prefix(16).hex
        var keys = ["sluice:login:account:\(digest)"]
        var limits = [String(configuration.failuresPerAccount)]
        if let clientIP {
            keys.append("sluice:login:ip:\(clientIP)")
            limits.append(String(configuration.failuresPerIP))
        }
        return (keys, limits)
    }

    private func run(_ mode: String, account: String, clientIP: String?) async throws -> Int64 {
        let (keys, limits) = keys(account: account, clientIP: clientIP)
        let window = String(Int(configuration.window * 1000))
        let reply = try await redis.evaluate(Self.script, keys: keys, arguments: [mode, window, UUID().uuidString] + limits)
        guard let wait = reply.integer else { throw RedisError.protocolViolation("the login script answered \(reply)") }
        return wait
    }

    public func check(account: String, clientIP: String?) async throws {
        let wait: Int64
        do {
            wait = try await run("check", account: account, clientIP: clientIP)
        } catch let error as RedisError {
            logger.debug("login throttle falls back to this node", metadata: ["error": "\(error)"])
            return try await fallback.check(account: account, clientIP: clientIP)
        }
        if wait > 0 {
            throw SluiceError.tooManyRequests(
                "Too many failed logins; try again later.", retryAfterSeconds: Int((Double(wait) / 1000).rounded(.up)), kind: "login-throttled"
            )
        }
    }

    public func recordFailure(account: String, clientIP: String?) async {
        await fallback.recordFailure(account: account, clientIP: clientIP)
        _ = try? await run("fail", account: account, clientIP: clientIP)
    }

    public func recordSuccess(account: String) async {
        await fallback.recordSuccess(account: account)
        _ = try? await redis.send(["DEL", keys(account: account, clientIP: nil).keys[0]])
    }
}
