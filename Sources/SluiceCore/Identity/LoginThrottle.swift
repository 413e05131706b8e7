import Foundation
import Logging
import Redis

/// Counts login attempts per account and per client IP within a sliding window and refuses
/// further attempts past a limit, so that passwords cannot be guessed at speed.
///
/// An attempt is reserved (checked and counted in one step) before its password is hashed,
/// so that a burst of concurrent guesses is cut at the limit rather than all evaluated; a
/// success gives its reservation back. `InProcessLoginThrottle` holds for a single node;
/// `RedisLoginThrottle`, used when Redis is configured, for every node.
public protocol LoginThrottling: Sendable {
    /// Counts an attempt, or throws 429 with `Retry-After` if the account or the address has
    /// had too many; answers the attempt's token.
    func reserve(account: String, clientIP: String?) async throws -> String
    /// The attempt succeeded: it no longer counts, and the account's failures are forgotten.
    func succeeded(_ attempt: String, account: String, clientIP: String?) async
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
    private var failures: [String: [(id: String, time: Date)]] = [:]

    public init(configuration: Configuration = .init(), now: @escaping @Sendable () -> Date = Date.init) {
        self.configuration = configuration
        self.now = now
    }

    public func reserve(account: String, clientIP: String?) throws -> String {
        let current = now()
        let keys = keys(account: account, clientIP: clientIP)
        for (key, limit) in keys {
            let recent = prune(key, at: current)
            if recent.count >= limit, let freeing = recent.dropLast(limit - 1).last {
                let retryAfter = Int((freeing.time.addingTimeInterval(configuration.window).timeIntervalSince(current)).rounded(.up))
                throw SluiceError.tooManyRequests(
                    "Too many failed logins; try again later.",
                    retryAfterSeconds: max(1, retryAfter),
                    kind: .loginThrottled
                )
            }
        }
        let attempt = UUID().uuidString
        for (key, limit) in keys {
            failures[key] = Array((prune(key, at: current) + [(attempt, current)]).suffix(limit))
        }
        if failures.count > 100_000 { failures = failures.filter { !prune($0.key, at: current).isEmpty } }
        return attempt
    }

    public func succeeded(_ attempt: String, account: String, clientIP: String?) {
        failures[Self.accountKey(account)] = nil
        if let clientIP { failures["ip:" + clientIP]?.removeAll { $0.id == attempt } }
    }

    private func keys(account: String, clientIP: String?) -> [(String, Int)] {
        var keys = [(Self.accountKey(account), configuration.failuresPerAccount)]
        if let clientIP { keys.append(("ip:" + clientIP, configuration.failuresPerIP)) }
        return keys
    }

    private static func accountKey(_ account: String) -> String { "account:" + account.lowercased() }

    private func prune(_ key: String, at current: Date) -> [(id: String, time: Date)] {
        let cutoff = current.addingTimeInterval(-configuration.window)
        let recent = (failures[key] ?? []).filter { $0.time > cutoff }
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

    /// ARGV: window in ms, the attempt's unique member, then each key's limit. Checks every
    /// key, then counts the attempt in all of them, in one step: answers the milliseconds
    /// until a throttled key frees up, or 0 once the attempt is counted.
    static let script = RedisScript(
        """
        local clock = redis.call('TIME')
        local now = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)
        local window = tonumber(ARGV[1])
        for i, key in ipairs(KEYS) do
          local limit = tonumber(ARGV[2 + i])
          redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
          local count = redis.call('ZCARD', key)
          if count >= limit then
            local freeing = redis.call('ZRANGE', key, count - limit, count - limit, 'WITHSCORES')
            return math.max(1, tonumber(freeing[2]) + window - now)
          end
        end
        for i, key in ipairs(KEYS) do
          local limit = tonumber(ARGV[2 + i])
          redis.call('ZADD', key, now, ARGV[2])
          redis.call('ZREMRANGEBYRANK', key, 0, -(limit + 1))
          redis.call('PEXPIRE', key, window)
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

    public func reserve(account: String, clientIP: String?) async throws -> String {
        let (keys, limits) = keys(account: account, clientIP: clientIP)
        let attempt = UUID().uuidString
        let wait: Int64
        do {
            let reply = try await redis.evaluate(Self.script, keys: keys, arguments: [String(Int(configuration.window * 1000)), attempt] + limits)
            guard let answer = reply.integer else { throw RedisError.protocolViolation("the login script answered \(reply)") }
            wait = answer
        } catch let error as RedisError {
            logger.debug("login throttle falls back to this node", metadata: ["error": "\(error)"])
            return try await fallback.reserve(account: account, clientIP: clientIP)
        }
        if wait > 0 {
            throw SluiceError.tooManyRequests(
                "Too many failed logins; try again later.",
                retryAfterSeconds: Int((Double(wait) / 1000).rounded(.up)),
                kind: .loginThrottled
            )
        }
        return attempt
    }

    public func succeeded(_ attempt: String, account: String, clientIP: String?) async {
        await fallback.succeeded(attempt, account: account, clientIP: clientIP)
        let keys = keys(account: account, clientIP: clientIP).keys
        _ = try? await redis.send(["DEL", keys[0]])
        if keys.count > 1 { _ = try? await redis.send(["ZREM", keys[1], attempt]) }
    }
}
