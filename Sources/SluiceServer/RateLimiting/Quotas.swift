import Foundation
import Logging
import Redis
import Synchronization

/// Monthly event quotas per tenant. The count of the month lives in Redis (one atomic script
/// checks and adds, so the quota holds across nodes); when Redis has lost it (restart,
/// eviction), it is rebuilt from the `usage` table, so a Redis loss does not reset a quota (it
/// forgets at most the counts nodes had not yet flushed, `UsageRecorder`'s interval). Events are
/// reserved before they are stored and the ones not stored (duplicates, rejected) given back.
/// Without Redis, or while it is down and limits fail open, each node counts on its own from
/// the same seed.
struct Quotas: Sendable {
    let redis: RedisClient?
    let onRedisFailure: ResilientRateLimiter.OnFailure
    let usage: UsageRecorder
    let local = LocalCounters()
    let fallbacks: @Sendable () -> Void

    struct Reservation: Sendable {
        var tenantID: UUID
        var period: UsagePeriod
        var count: Int
        /// Whether Redis holds it (else this node's counters).
        var inRedis: Bool
    }

    static let script = RedisScript(
        """
        local quota = tonumber(ARGV[1])
        local cost = tonumber(ARGV[2])
        local used = redis.call('GET', KEYS[1])
        if not used then
          if ARGV[4] == '' then return {-1, 0} end
          redis.call('SET', KEYS[1], ARGV[4], 'EX', ARGV[3], 'NX')
          used = redis.call('GET', KEYS[1])
        end
        used = tonumber(used)
        if cost > 0 and used + cost > quota then return {0, used} end
        if cost < 0 and used + cost < 0 then cost = -used end
        return {1, redis.call('INCRBY', KEYS[1], cost)}
        """
    )

    static func key(_ tenantID: UUID, _ period: UsagePeriod) -> String { "sluice:quota:\(tenantID.lowercased):\(period.label)" }

    /// Reserves `count` events of the tenant's month; 429 `quota-exceeded` if they do not fit.
    func reserve(_ count: Int, tenantID: UUID, quota: Int, now: Date) async throws -> Reservation {
        let period = UsagePeriod(containing: now)
        var reservation = Reservation(tenantID: tenantID, period: period, count: count, inRedis: redis != nil)
        let outcome: (allowed: Bool, used: Int)
        if let redis {
            do {
                outcome = try await add(count, quota: quota, reservation, redis: redis)
            } catch let error as RedisError {
                if case .reply = error { throw error }
                fallbacks()
                guard onRedisFailure == .open else {
                    throw SluiceError.unavailable("The event quota cannot be checked (Redis is unavailable); try again shortly.")
                }
                reservation.inRedis = false
                outcome = try await addLocally(count, quota: quota, reservation)
            }
        } else {
            outcome = try await addLocally(count, quota: quota, reservation)
        }
        guard outcome.allowed else {
            let left = max(0, quota - outcome.used)
            throw SluiceError.tooManyRequests(
                "The tenant's monthly quota of \(quota) events is spent for \(period.label) (\(left) left, \(count) sent); it renews on \(period.next.firstDay) (UTC).",
                retryAfterSeconds: Int(period.end.timeIntervalSince(now).rounded(.up)), kind: "quota-exceeded"
            )
        }
        return reservation
    }

    /// Gives back the events of a reservation that were not stored.
    func release(_ unused: Int, of reservation: Reservation) async {
        guard unused > 0 else { return }
        if reservation.inRedis, let redis {
            _ = try? await redis.evaluate(
                Self.script, keys: [Self.key(reservation.tenantID, reservation.period)], arguments: ["0", String(-unused), "0", ""]
            )
        } else {
            local.add(-unused, key: Self.key(reservation.tenantID, reservation.period), seed: 0, quota: .max)
        }
    }

    private func add(_ count: Int, quota: Int, _ reservation: Reservation, redis: RedisClient) async throws -> (Bool, Int) {
        let key = Self.key(reservation.tenantID, reservation.period)
        // Kept a month past the period's end, for late refunds.
        let ttl = String(Int(reservation.period.end.timeIntervalSinceNow) + 31 * 86_400)
        var reply = try await redis.evaluate(Self.script, keys: [key], arguments: [String(quota), String(count), ttl, ""])
        if reply.array?.first?.integer == -1 {
            let seed = try await usage.events(tenantID: reservation.tenantID, period: reservation.period)
            reply = try await redis.evaluate(Self.script, keys: [key], arguments: [String(quota), String(count), ttl, String(seed)])
        }
        guard let values = reply.array, values.count == 2, let allowed = values[0].integer, let used = values[1].integer, allowed >= 0 else {
            throw RedisError.protocolViolation("the quota script answered \(reply)")
        }
        return (allowed == 1, Int(used))
    }

    private func addLocally(_ count: Int, quota: Int, _ reservation: Reservation) async throws -> (Bool, Int) {
        let key = Self.key(reservation.tenantID, reservation.period)
        if !local.has(key) {
            let seed = try await usage.events(tenantID: reservation.tenantID, period: reservation.period)
            return local.add(count, key: key, seed: seed, quota: quota)
        }
        return local.add(count, key: key, seed: 0, quota: quota)
    }

    /// This node's quota counters, when Redis is not there to hold them.
    final class LocalCounters: Sendable {
        private let counts = Mutex<[String: Int]>([:])

        func has(_ key: String) -> Bool { counts.withLock { $0[key] != nil } }

        func add(_ count: Int, key: String, seed: Int, quota: Int) -> (Bool, Int) {
            counts.withLock { counts in
                let used = counts[key] ?? seed
                if count > 0 && used + count > quota {
                    counts[key] = used
                    return (false, used)
                }
                counts[key] = max(0, used + count)
                return (true, counts[key]!)
            }
        }
    }
}
