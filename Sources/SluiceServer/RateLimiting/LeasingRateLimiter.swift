import Foundation
import Synchronization

/// Spares the shared limiter (Redis) most round trips at high rates: when this node asks, it
/// spends a little more than the request needs — a lease of about `leaseWindow` of the
/// limit's rate (at most a tenth of its burst), or a thousandth of a quota (at most 1,000) —
/// and spends the next requests' costs from the lease, in memory, for up to `leaseLife`. The
/// leased units are spent in the shared limiter first, so over time no limit is exceeded
/// across nodes; a node spending its lease late can pass a key's burst by at most that lease
/// (a tenth of the burst). Units not used within `leaseLife` are lost to a rate limit and given
/// back to a quota. Small limits (under 50/s, bursts under 10, quotas under 1,000) lease
/// nothing and are exact.
public final class LeasingRateLimiter: RateLimiter {
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
        var expired: [(key: String, units: Int)] = []
        // From the leases, if they cover everything.
        let local = state.withLock { state -> LimitOutcome? in
            // This request's expired leases now; everyone's once a second.
            let sweep = now - state.swept >= Self.leaseLife
            if sweep { state.swept = now }
            for key in sweep ? Array(state.leases.keys) : checks.map(\.key) + (quota.map { [$0.key] } ?? []) {
                guard let lease = state.leases[key], lease.until <= now else { continue }
                if lease.isQuota && lease.units > 0 { expired.append((key, lease.units)) }
                state.leases[key] = nil
            }
            return Self.spendLeased(checks, quota: quota, from: &state.leases)
        }
        for (key, units) in expired { await shared.refund(units, quotaKey: key) }
        if let local { return local }

        // From the shared limiter, with a lease on top when there is room for one.
        let chunks = checks.map(Self.chunk)
        let quotaChunk = quota.map(Self.chunk) ?? 0
        if chunks.contains(where: { $0 > 0 }) || quotaChunk > 0 {
            let leased = zip(checks, chunks).map { check, chunk in LimitCheck(key: check.key, limit: check.limit, cost: check.cost + chunk) }
            var leasedQuota = quota
            leasedQuota?.cost += quotaChunk
            let outcome = try await shared.spend(leased, quota: leasedQuota)
            switch outcome {
            case .allowed(let decisions, let used):
                state.withLock { state in
                    for (index, check) in checks.enumerated() where chunks[index] > 0 {
                        state.leases[check.key] = Lease(
                            units: (state.leases[check.key]?.units ?? 0) + chunks[index], until: now + Self.leaseLife, decision: decisions[index]
                        )
                    }
                    if let quota, quotaChunk > 0 {
                        state.leases[quota.key] = Lease(
                            units: (state.leases[quota.key]?.units ?? 0) + quotaChunk, until: now + Self.leaseLife, isQuota: true
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
                return .needsSeed
            case .limited, .quotaExceeded:
                break  // perhaps only the lease did not fit: ask for the exact cost
            }
        }
        return try await shared.spend(checks, quota: quota)
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
            var decision = lease.decision ?? RateLimitDecision(allowed: true, limit: check.limit.burst, remaining: 0, resetSeconds: 0, retryAfterSeconds: 0)
            decision.remaining = min(check.limit.burst, decision.remaining + lease.units)
            decisions.append(decision)
        }
        if let quota { leases[quota.key]!.units -= quota.cost }
        return .allowed(decisions, quotaUsed: nil)
    }
}
