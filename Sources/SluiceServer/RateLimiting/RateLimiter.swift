import Foundation
import Synchronization

/// A rate: `perSecond` on average, up to `burst` at once (GCRA's limit and burst tolerance).
public struct RateLimit: Sendable, Equatable, CustomStringConvertible {
    public var perSecond: Double
    public var burst: Int

    public init(perSecond: Double, burst: Int) {
        self.perSecond = perSecond
        self.burst = burst
    }

    /// `rate/burst`, e.g. `100/200`.
    public init?(_ text: String) {
        let parts = text.split(separator: "/")
        guard parts.count == 2, let rate = Double(parts[0]), rate > 0, let burst = Int(parts[1]), burst >= 1 else { return nil }
        self.init(perSecond: rate, burst: burst)
    }

    /// Milliseconds between two units at the average rate.
    var emissionMilliseconds: Double { 1000 / perSecond }
    public var description: String { "\(perSecond.formatted()) per second, burst \(burst)" }
}

/// The outcome of one check, with what the IETF RateLimit headers report.
public struct RateLimitDecision: Sendable, Equatable {
    public var allowed: Bool
    public var limit: Int
    public var remaining: Int
    /// Seconds until the full burst is available again.
    public var resetSeconds: Int
    /// Seconds to wait before this cost would pass (0 when allowed).
    public var retryAfterSeconds: Int
}

/// Checks and spends `cost` units of `limit` under `key`, atomically.
public protocol RateLimiter: Sendable {
    func check(_ key: String, limit: RateLimit, cost: Int) async throws -> RateLimitDecision
}

/// GCRA (the generic cell rate algorithm): one "theoretical arrival time" per key. Shared by
/// the in-process limiter and, as Lua, by the Redis one.
enum GCRA {
    /// `tat` and `now` in milliseconds; returns the decision and the new arrival time to store.
    static func decide(tat stored: Double?, now: Double, limit: RateLimit, cost: Int) -> (RateLimitDecision, newTAT: Double?) {
        let emission = limit.emissionMilliseconds
        let tolerance = emission * Double(limit.burst)
        let tat = max(stored ?? now, now)
        let newTAT = tat + emission * Double(cost)
        let allowAt = newTAT - tolerance
        if allowAt > now {
            let remaining = max(0, Int(((now + tolerance - tat) / emission).rounded(.down)))
            return (
                RateLimitDecision(
                    allowed: false, limit: limit.burst, remaining: remaining, resetSeconds: seconds(tat - now),
                    retryAfterSeconds: cost > limit.burst ? seconds(tolerance) : max(1, seconds(allowAt - now))
                ),
                nil
            )
        }
        let remaining = max(0, Int(((now + tolerance - newTAT) / emission).rounded(.down)))
        return (
            RateLimitDecision(allowed: true, limit: limit.burst, remaining: remaining, resetSeconds: seconds(newTAT - now), retryAfterSeconds: 0),
            newTAT
        )
    }

    static func seconds(_ milliseconds: Double) -> Int { max(0, Int((milliseconds / 1000).rounded(.up))) }

    /// The same algorithm in Lua for Redis: one atomic round trip, Redis's clock.
    static let script = """
        local emission = tonumber(ARGV[1])
        local tolerance = tonumber(ARGV[2])
        local cost = tonumber(ARGV[3])
        local clock = redis.call('TIME')
        local now = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)
        local tat = tonumber(redis.call('GET', KEYS[1]) or now)
        if tat < now then tat = now end
        local new_tat = tat + emission * cost
        if new_tat - tolerance > now then
          return {0, tostring(tat), tostring(now)}
        end
        redis.call('SET', KEYS[1], tostring(new_tat), 'PX', math.max(1, math.ceil(new_tat - now)))
        return {1, tostring(tat), tostring(now)}
        """
}

/// The single-node limiter (and the fallback when Redis is down): GCRA in memory.
public final class InProcessRateLimiter: RateLimiter {
    private let state = Mutex<[String: Double]>([:])
    private let clock: @Sendable () -> Double

    /// `clock` gives milliseconds; tests pass their own.
    public init(clock: @escaping @Sendable () -> Double = { Date().timeIntervalSince1970 * 1000 }) {
        self.clock = clock
    }

    public func check(_ key: String, limit: RateLimit, cost: Int) async throws -> RateLimitDecision {
        let now = clock()
        return state.withLock { state in
            if state.count > 100_000 { state = state.filter { $0.value > now } }
            let (decision, newTAT) = GCRA.decide(tat: state[key], now: now, limit: limit, cost: cost)
            if let newTAT { state[key] = newTAT }
            return decision
        }
    }
}
