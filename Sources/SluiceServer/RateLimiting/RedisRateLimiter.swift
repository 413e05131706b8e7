import Foundation
import Redis

/// GCRA in Redis, so that a limit holds across every node: one EVALSHA a check.
public struct RedisRateLimiter: RateLimiter {
    let redis: RedisClient
    static let script = RedisScript(GCRA.script)

    public func check(_ key: String, limit: RateLimit, cost: Int) async throws -> RateLimitDecision {
        let emission = limit.emissionMilliseconds
        let reply = try await redis.evaluate(
            Self.script, keys: [key],
            arguments: [String(emission), String(emission * Double(limit.burst)), String(cost)]
        )
        guard let values = reply.array, values.count == 3, let allowed = values[0].integer,
              let tat = values[1].string.flatMap(Double.init), let now = values[2].string.flatMap(Double.init)
        else { throw RedisError.protocolViolation("the rate-limit script answered \(reply)") }
        // Redis decided and stored; the same arithmetic on its numbers gives the headers.
        var decision = GCRA.decide(tat: tat, now: now, limit: limit, cost: cost).0
        decision.allowed = allowed == 1
        return decision
    }
}

/// Redis first; when Redis is unreachable, either each node's in-process limiter (fail open,
/// logged once per outage and counted) or 503 (fail closed). Redis-backed limiting resumes by
/// itself when Redis answers again.
public struct ResilientRateLimiter: RateLimiter {
    public enum OnFailure: String, Sendable { case open, closed }

    let primary: RedisRateLimiter
    let fallback: InProcessRateLimiter
    let onFailure: OnFailure
    let fallbacks: @Sendable () -> Void

    public func check(_ key: String, limit: RateLimit, cost: Int) async throws -> RateLimitDecision {
        do {
            return try await primary.check(key, limit: limit, cost: cost)
        } catch let error as RedisError {
            if case .reply = error { throw error }
            fallbacks()
            switch onFailure {
            case .open: return try await fallback.check(key, limit: limit, cost: cost)
            case .closed: throw SluiceError.unavailable("Rate limits cannot be checked (Redis is unavailable); try again shortly.")
            }
        }
    }
}
