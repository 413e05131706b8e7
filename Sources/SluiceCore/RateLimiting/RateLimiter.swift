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

/// One limit to spend from: `cost` units of `limit` under `key`.
public struct LimitCheck: Sendable, Equatable {
    public var key: String
    public var limit: RateLimit
    public var cost: Int
}

/// A count that may not pass `quota` (a tenant's month): `seed` is where its counter starts
/// when the limiter has none (`nil`: ask, `LimitOutcome.needsSeed`).
public struct QuotaCheck: Sendable, Equatable {
    public var key: String
    public var quota: Int
    public var cost: Int
    /// How long the counter is kept.
    public var ttlSeconds: Int
    public var seed: Int?
}

public enum LimitOutcome: Sendable, Equatable {
    /// Everything spent: a decision per check, and the quota's count after.
    case allowed([RateLimitDecision], quotaUsed: Int?)
    /// Nothing spent: the check at `index` refused.
    case limited(index: Int, RateLimitDecision)
    /// Nothing spent: the quota has `used` of it spent and this cost does not fit.
    case quotaExceeded(used: Int)
    /// Nothing spent: the quota's counter is missing; ask again with its seed.
    case needsSeed
}

/// Spends a request's limits and quota together, all or nothing, atomically: one round trip.
public protocol RateLimiter: Sendable {
    func spend(_ checks: [LimitCheck], quota: QuotaCheck?) async throws -> LimitOutcome
    /// Gives back `amount` of a quota's count (what was reserved and not used).
    func refund(_ amount: Int, quotaKey: String) async
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
                    allowed: false,
                    limit: limit.burst,
                    remaining: remaining,
                    resetSeconds: seconds(tat - now),
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

    /// The same in Lua for Redis, for `n` limits and an optional quota, all or nothing, on
    /// Redis's clock. KEYS: the limits' keys, then the quota's. ARGV: n; per limit its
    /// emission interval (ms), tolerance (ms) and cost; then the quota, its cost, its TTL and
    /// seed (the quota's four empty when there is none). Answers {0, quota count, now, the
    /// limits' stored times…}, or {i, stored time, now} when limit i refuses, {n + 1, count,
    /// now} when the quota does, {-1} when the quota's counter is missing and no seed came.
    static let script = """
        local n = tonumber(ARGV[1])
        local clock = redis.call('TIME')
        local now = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)
        local tats = {}
        local new_tats = {}
        for i = 1, n do
          local emission = tonumber(ARGV[3 * i - 1])
          local tolerance = tonumber(ARGV[3 * i])
          local cost = tonumber(ARGV[3 * i + 1])
          local tat = tonumber(redis.call('GET', KEYS[i]) or now)
          if tat < now then tat = now end
          local new_tat = tat + emission * cost
          if new_tat - tolerance > now then return {i, tostring(tat), tostring(now)} end
          tats[i] = tat
          new_tats[i] = new_tat
        end
        local used = 0
        local q = 3 * n + 2
        if ARGV[q] ~= '' then
          local quota = tonumber(ARGV[q])
          local cost = tonumber(ARGV[q + 1])
          local current = redis.call('GET', KEYS[n + 1])
          if not current then
            if ARGV[q + 3] == '' then return {-1} end
            redis.call('SET', KEYS[n + 1], ARGV[q + 3], 'EX', ARGV[q + 2], 'NX')
            current = redis.call('GET', KEYS[n + 1])
          end
          used = tonumber(current)
          if used + cost > quota then return {n + 1, tostring(used), tostring(now)} end
          used = redis.call('INCRBY', KEYS[n + 1], cost)
        end
        for i = 1, n do
          redis.call('SET', KEYS[i], tostring(new_tats[i]), 'PX', math.max(1, math.ceil(new_tats[i] - now)))
        end
        local reply = {0, tostring(used), tostring(now)}
        for i = 1, n do reply[i + 3] = tostring(tats[i]) end
        return reply
        """

    /// Gives back ARGV[1] of the count at KEYS[1], never below 0, if the counter exists.
    static let refundScript = """
        local used = tonumber(redis.call('GET', KEYS[1]) or '-1')
        if used < 0 then return 0 end
        return redis.call('DECRBY', KEYS[1], math.min(used, tonumber(ARGV[1])))
        """
}

/// The single-node limiter (and the fallback when Redis is down): GCRA and quota counters in
/// memory.
public final class InProcessRateLimiter: RateLimiter {
    private struct State {
        var arrivals: [String: Double] = [:]
        var counts: [String: Int] = [:]
    }

    private let state = Mutex(State())
    private let clock: @Sendable () -> Double

    /// `clock` gives milliseconds; tests pass their own.
    public init(clock: @escaping @Sendable () -> Double = { Date().timeIntervalSince1970 * 1000 }) {
        self.clock = clock
    }

    public func spend(_ checks: [LimitCheck], quota: QuotaCheck?) async throws -> LimitOutcome {
        let now = clock()
        return state.withLock { state in
            if state.arrivals.count > 100_000 { state.arrivals = state.arrivals.filter { $0.value > now } }
            var decisions: [RateLimitDecision] = []
            var arrivals: [Double] = []
            for (index, check) in checks.enumerated() {
                let (decision, newTAT) = GCRA.decide(tat: state.arrivals[check.key], now: now, limit: check.limit, cost: check.cost)
                guard let newTAT else { return .limited(index: index, decision) }
                decisions.append(decision)
                arrivals.append(newTAT)
            }
            var used: Int?
            if let quota {
                guard let current = state.counts[quota.key] ?? quota.seed else { return .needsSeed }
                state.counts[quota.key] = current
                guard current + quota.cost <= quota.quota else { return .quotaExceeded(used: current) }
                state.counts[quota.key] = current + quota.cost
                used = current + quota.cost
            }
            for (check, arrival) in zip(checks, arrivals) { state.arrivals[check.key] = arrival }
            return .allowed(decisions, quotaUsed: used)
        }
    }

    public func refund(_ amount: Int, quotaKey: String) async {
        state.withLock { state in
            if let count = state.counts[quotaKey] { state.counts[quotaKey] = max(0, count - amount) }
        }
    }
}
