import Foundation
import Redis

/// GCRA and quotas in Redis, so that they hold across every node: one EVALSHA a request.
public struct RedisRateLimiter: RateLimiter {
    let redis: RedisClient

    package init(redis: RedisClient) {
        self.redis = redis
    }
    static let script = RedisScript(GCRA.script)
    static let refundScript = RedisScript(GCRA.refundScript)

    public func spend(_ checks: [LimitCheck], quota: QuotaCheck?) async throws -> LimitOutcome {
        var arguments = [String(checks.count)]
        for check in checks {
            let emission = check.limit.emissionMilliseconds
            arguments += [String(emission), String(emission * Double(check.limit.burst)), String(check.cost)]
        }
        var keys = checks.map(\.key)
        if let quota {
            keys.append(quota.key)
            arguments += [String(quota.quota), String(quota.cost), String(quota.ttlSeconds), quota.seed.map(String.init) ?? ""]
        } else {
            arguments += ["", "", "", ""]
        }
        let reply = try await redis.evaluate(Self.script, keys: keys, arguments: arguments)
        guard let values = reply.array, let status = values.first?.integer else {
            throw RedisError.protocolViolation("the limits script answered \(reply)")
        }
        if status == -1 { return .needsSeed }
        guard values.count >= 3, let number = values[1].string.flatMap(Double.init), let now = values[2].string.flatMap(Double.init) else {
            throw RedisError.protocolViolation("the limits script answered \(reply)")
        }
        let index = Int(status) - 1
        switch Int(status) {
        case 0:
            // Redis decided and stored; the same arithmetic on its numbers gives the headers.
            let tats = values.dropFirst(3).compactMap { $0.string.flatMap(Double.init) }
            guard tats.count == checks.count else { throw RedisError.protocolViolation("the limits script answered \(reply)") }
            let decisions = zip(checks, tats).map { check, tat in GCRA.decide(tat: tat, now: now, limit: check.limit, cost: check.cost).0 }
            return .allowed(decisions, quotaUsed: quota == nil ? nil : Int(number))
        case _ where checks.indices.contains(index):
            let check = checks[index]
            var decision = GCRA.decide(tat: number, now: now, limit: check.limit, cost: check.cost).0
            decision.allowed = false
            return .limited(index: index, decision)
        default:
            return .quotaExceeded(used: Int(number))
        }
    }

    public func refund(_ amount: Int, quotaKey: String) async {
        _ = try? await redis.evaluate(Self.refundScript, keys: [quotaKey], arguments: [String(amount)])
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

    package init(primary: RedisRateLimiter, fallback: InProcessRateLimiter, onFailure: OnFailure, fallbacks: @escaping @Sendable () -> Void) {
        self.primary = primary
        self.fallback = fallback
        self.onFailure = onFailure
        self.fallbacks = fallbacks
    }

    public func spend(_ checks: [LimitCheck], quota: QuotaCheck?) async throws -> LimitOutcome {
        do {
            return try await primary.spend(checks, quota: quota)
        } catch let error as RedisError {
            if case .reply = error { throw error }
            fallbacks()
            switch onFailure {
            case .open: return try await fallback.spend(checks, quota: quota)
            case .closed: throw SluiceError.unavailable("Rate limits cannot be checked (Redis is unavailable); try again shortly.")
            }
        }
    }

    /// To Redis unless it is down (then the reservation was most likely made here).
    public func refund(_ amount: Int, quotaKey: String) async {
        if primary.redis.isBackingOff {
            await fallback.refund(amount, quotaKey: quotaKey)
        } else {
            await primary.refund(amount, quotaKey: quotaKey)
        }
    }
}
