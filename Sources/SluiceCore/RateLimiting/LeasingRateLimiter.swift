import Foundation
import ServiceLifecycle
import Synchronization

/// Spares the shared limiter (Redis) most round trips at high rates: when this node asks, it
/// spends a little more than the request needs — a lease of about `leaseWindow` of the
/// limit's rate (at most a tenth of its burst), or a thousandth of a quota (at most 1,000) —
/// and spends the next requests' costs from the lease, in memory, for up to `leaseLife`. A
/// node holds at most one chunk of a quota at a time; it hands unused quota units back when
/// the lease expires and at graceful shutdown, so a quota's counter exceeds what was stored by
/// at most one chunk per node plus the requests in flight (and, after a node is killed, by at
/// most the chunk it held). The
/// leased units are spent in the shared limiter first, so over time no limit is exceeded
/// across nodes; a node spending its lease late can pass a key's burst by at most that lease
/// (a tenth of the burst). Units not used within `leaseLife` are lost to a rate limit and given
/// back to a quota. Small limits (under 50/s, bursts under 10, quotas under 1,000) lease
/// nothing and are exact.
public final class LeasingRateLimiter: RateLimiter, Service {
    private struct Lease {
        var units: Int
        var until: ContinuousClock.Instant
        var isQuota = false
        /// The shared limiter's last decision for this limit, for the headers.
        var decision: RateLimitDecision?
    }

    static let leaseWindow: Duration = .milliseconds(20)
    static let leaseLife: Duration = .seconds(1)

    private struct State {
        var leases: [String: Lease] = [:]
        /// When every lease was last checked for expiry (else only a request's own are).
        var swept = ContinuousClock.now
    }

    private let shared: any RateLimiter
    private let state = Mutex(State())

    public init(_ shared: any RateLimiter) {
        self.shared = shared
    }

    static func chunk(_ check: LimitCheck) -> Int {
        max(0, min(check.limit.burst / 10, Int(check.limit.perSecond * (leaseWindow / .seconds(1)))))
    }

    static func chunk(_ quota: QuotaCheck) -> Int { max(0, min(quota.quota / 1000, 1000)) }

    public func spend(_ checks: [LimitCheck], quota: QuotaCheck?) async throws -> LimitOutcome {
        let now = ContinuousClock.now
        // This request's expired leases now; everyone's once a second (and by `run`).
        let (expired, local) = state.withLock { state -> ([(key: String, units: Int)], LimitOutcome?) in
            let sweep = now - state.swept >= Self.leaseLife
            if sweep { state.swept = now }
            let expired = Self.expire(sweep ? Array(state.leases.keys) : checks.map(\.key) + (quota.map { [$0.key] } ?? []), in: &state, now: now)
            return (expired, Self.spendLeased(checks, quota: quota, from: &state.leases))
        }
        for (key, units) in expired { await shared.refund(units, quotaKey: key) }
        if let local { return local }

        // The quota from its lease when the lease covers it; else the lease's units count
        // toward the cost and one chunk is leased anew on top of the rest. A node so holds at
        // most one chunk of a quota, never one per trip to the shared limiter.
        var sharedQuota = quota
        var quotaChunk = 0
        var fromLease = 0
        if let quota {
            state.withLock { state in
                let units = state.leases[quota.key].map { $0.until > now ? $0.units : 0 } ?? 0
                if units >= quota.cost {
                    fromLease = quota.cost
                    sharedQuota = nil
                } else {
                    fromLease = units
                    quotaChunk = Self.chunk(quota)
                    sharedQuota?.cost = quota.cost - units + quotaChunk
                }
                if fromLease > 0 { state.leases[quota.key]!.units -= fromLease }
            }
        }
        let chunks = checks.map(Self.chunk)
        let leased = zip(checks, chunks).map { check, chunk in LimitCheck(key: check.key, limit: check.limit, cost: check.cost + chunk) }
        let outcome: LimitOutcome
        do {
            outcome = sharedQuota == nil && leased.isEmpty ? .allowed([], quotaUsed: nil) : try await shared.spend(leased, quota: sharedQuota)
        } catch {
            if let quota, fromLease > 0 { await refund(fromLease, quotaKey: quota.key) }
            throw error
        }
        switch outcome {
        case .allowed(let decisions, let used):
            state.withLock { state in
                for (index, check) in checks.enumerated() where chunks[index] > 0 {
                    state.leases[check.key] = Lease(
                        units: (state.leases[check.key]?.units ?? 0) + chunks[index],
                        until: now + Self.leaseLife,
                        decision: decisions[index]
                    )
                }
                if let quota, quotaChunk > 0 {
                    state.leases[quota.key] = Lease(
                        units: (state.leases[quota.key]?.units ?? 0) + quotaChunk,
                        until: now + Self.leaseLife,
                        isQuota: true
                    )
                }
            }
            let exact = zip(decisions, chunks).map { decision, chunk in
                var decision = decision
                decision.remaining += chunk
                return decision
            }
            return .allowed(exact, quotaUsed: used.map { $0 - quotaChunk })
        case .needsSeed:
            if let quota, fromLease > 0 { await refund(fromLease, quotaKey: quota.key) }
            return .needsSeed
        case .limited, .quotaExceeded:
            // Perhaps only a lease did not fit: ask for the exact costs, the quota's lease back in place.
            if let quota, fromLease > 0 { await refund(fromLease, quotaKey: quota.key) }
            if chunks.allSatisfy({ $0 == 0 }) && quotaChunk == 0 && fromLease == 0 { return outcome }
            return try await shared.spend(checks, quota: quota)
        }
    }

    /// Removes the expired leases among `keys`; answers the quota units to hand back.
    private static func expire(_ keys: [String], in state: inout State, now: ContinuousClock.Instant) -> [(key: String, units: Int)] {
        var expired: [(key: String, units: Int)] = []
        for key in keys {
            guard let lease = state.leases[key], lease.until <= now else { continue }
            if lease.isQuota && lease.units > 0 { expired.append((key, lease.units)) }
            state.leases[key] = nil
        }
        return expired
    }

    /// Hands expired quota leases back every `leaseLife`, so that an idle node holds none; at
    /// graceful shutdown, hands back every quota lease (a SIGTERM leaves nothing counted that
    /// was not stored). Stops before the shared limiter's connection closes (listed after it).
    public func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                try? await Task.sleep(for: Self.leaseLife)
                if Task.isCancelled { break }
                let now = ContinuousClock.now
                let expired = self.state.withLock { state in
                    state.swept = now
                    return Self.expire(Array(state.leases.keys), in: &state, now: now)
                }
                for (key, units) in expired { await self.shared.refund(units, quotaKey: key) }
            }
        }
        await returnLeases()
    }

    /// Gives every quota lease back to the shared limiter.
    func returnLeases() async {
        let held = state.withLock { state -> [(key: String, units: Int)] in
            let held = state.leases.compactMap { key, lease in lease.isQuota && lease.units > 0 ? (key, lease.units) : nil }
            for (key, _) in held { state.leases[key] = nil }
            return held
        }
        for (key, units) in held { await shared.refund(units, quotaKey: key) }
    }

    /// Into the quota's lease while it lasts, else to the shared limiter.
    public func refund(_ amount: Int, quotaKey: String) async {
        let kept = state.withLock { state -> Bool in
            guard let lease = state.leases[quotaKey], lease.until > ContinuousClock.now else { return false }
            state.leases[quotaKey]!.units = lease.units + amount
            return true
        }
        if !kept { await shared.refund(amount, quotaKey: quotaKey) }
    }

    /// Spends everything from the leases if they cover it all, else nothing (nil).
    private static func spendLeased(_ checks: [LimitCheck], quota: QuotaCheck?, from leases: inout [String: Lease]) -> LimitOutcome? {
        guard checks.allSatisfy({ (leases[$0.key]?.units ?? 0) >= $0.cost }),
            quota.map({ (leases[$0.key]?.units ?? 0) >= $0.cost }) ?? true
        else { return nil }
        var decisions: [RateLimitDecision] = []
        for check in checks {
            leases[check.key]!.units -= check.cost
            let lease = leases[check.key]!
            var decision =
                lease.decision ?? RateLimitDecision(allowed: true, limit: check.limit.burst, remaining: 0, resetSeconds: 0, retryAfterSeconds: 0)
            decision.remaining = min(check.limit.burst, decision.remaining + lease.units)
            decisions.append(decision)
        }
        if let quota { leases[quota.key]!.units -= quota.cost }
        return .allowed(decisions, quotaUsed: nil)
    }
}
