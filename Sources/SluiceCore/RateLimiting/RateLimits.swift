import Foundation
import HTTPTypes
import Prometheus

/// The limits Sluice applies: per API key, requests (each costs 1) and events (a batch of 500
/// costs 500), from the tenant's plan or the key's own; per tenant, events per calendar month
/// (UTC). A request's limits and quota are spent in one atomic step (one Redis round trip),
/// all or nothing. Limited responses carry the IETF `RateLimit-Limit`, `RateLimit-Remaining`
/// and `RateLimit-Reset` headers; an exceeded limit is 429 with `Retry-After`, naming the limit.
///
/// Quotas: the month's count lives in Redis; when Redis has lost it (restart, eviction), it is
/// rebuilt from the events the store charged (`usage_events`, written by the commits that
/// stored them), so a Redis loss does not reset a quota. Events are reserved before they
/// are stored and the ones not stored (duplicates, rejected, failed) given back. Usage is
/// counted whether or not limits are enforced.
public struct RateLimits: Sendable {
    public struct Configuration: Sendable, Equatable {
        /// Enforce rate limits and quotas (usage is counted either way).
        public var enabled = true
        public var plans = Plan.builtIn
        /// The plan of a tenant whose plan is not among `plans`.
        public var defaultPlan = "free"
        public var onRedisFailure: ResilientRateLimiter.OnFailure = .open
        public init() {}
    }

    let configuration: Configuration
    let limiter: any RateLimiter
    package let plans: TenantPlans
    package let usage: UsageRecorder
    /// The time quotas and usage are counted by (tests move it across a month's end).
    package let now: @Sendable () -> Date
    /// 429s by limit.
    let refusals: [Kind: Prometheus.Counter]

    package init(
        configuration: Configuration,
        limiter: any RateLimiter,
        plans: TenantPlans,
        usage: UsageRecorder,
        now: @escaping @Sendable () -> Date,
        refusals: [Kind: Prometheus.Counter]
    ) {
        self.configuration = configuration
        self.limiter = limiter
        self.plans = plans
        self.usage = usage
        self.now = now
        self.refusals = refusals
    }

    package enum Kind: String, CaseIterable { case requests, events, quota }

    /// Spends one request of an API key's limit (members have none); 429 when it is spent.
    /// Ingest spends it with its events instead (`admit`).
    package func spendRequest(_ identity: Identity) async throws -> RateLimitDecision? {
        guard configuration.enabled, identity.apiKeyID != nil else { return nil }
        let plan = try await plans.limits(for: identity.tenantID).plan
        guard let check = check(.requests, identity: identity, plan: plan, cost: 1) else { return nil }
        return try await spend([(.requests, check)], quota: nil).first
    }

    package func recordRequest(_ identity: Identity) {
        usage.record(tenantID: identity.tenantID, keyID: identity.apiKeyID, period: UsagePeriod(containing: now()), requests: 1)
    }

    /// Events about to be stored. Hand the admission to `settle` with what was stored.
    package struct Admission: Sendable {
        var tenantID: UUID
        var keyID: UUID?
        var period: UsagePeriod
        /// The event limit's, for the response's headers.
        package var decision: RateLimitDecision?
        /// The quota's key, if a quota was spent.
        var quotaKey: String?
        var count: Int
        /// What the stored events are charged to.
        package var charge: Charge { Charge(keyID: keyID, period: period) }
    }

    /// Spends `count` events (and, unless `ticket` says it is spent, the request) from the
    /// caller key's limits and the tenant's quota, together; 429 if any refuses.
    package func admit(_ count: Int, tenantID: UUID, identity: Identity?, ticket: RequestTicket? = nil) async throws -> Admission {
        let period = UsagePeriod(containing: now())
        var admission = Admission(tenantID: tenantID, keyID: identity?.apiKeyID, period: period, count: count)
        guard configuration.enabled else { return admission }
        let tenant = try await plans.limits(for: tenantID)
        var checks: [(Kind, LimitCheck)] = []
        if let identity {
            if let ticket, !ticket.spent, let request = check(.requests, identity: identity, plan: tenant.plan, cost: 1) {
                checks.append((.requests, request))
            }
            if let events = check(.events, identity: identity, plan: tenant.plan, cost: count) { checks.append((.events, events)) }
        }
        ticket?.spent = true
        var quota: QuotaCheck?
        if let monthly = tenant.monthlyEvents {
            let key = "sluice:quota:\(tenantID.lowercased):\(period.label)"
            // Kept a month past the period's end, for late refunds.
            let ttl = Int(period.end.timeIntervalSince(now())) + 31 * 86_400
            quota = QuotaCheck(key: key, quota: monthly, cost: count, ttlSeconds: ttl, seed: nil)
            admission.quotaKey = key
        }
        let decisions = try await spend(checks, quota: quota, tenantID: tenantID, period: period)
        admission.decision = zip(checks, decisions).first { $0.0.0 == .events }?.1
        return admission
    }

    /// Gives the events not stored back to the quota (the stored ones were charged in their
    /// commit, `usage_events`).
    package func settle(_ admission: Admission, stored: Int) async {
        if let key = admission.quotaKey, admission.count > stored { await limiter.refund(admission.count - stored, quotaKey: key) }
    }

    /// The key's check of `kind`, with its own limit or the plan's; nil for members.
    private func check(_ kind: Kind, identity: Identity, plan: Plan, cost: Int) -> LimitCheck? {
        guard let id = identity.apiKeyID else { return nil }
        let limit = kind == .requests ? identity.keyLimits.requests ?? plan.requests : identity.keyLimits.events ?? plan.events
        // The limit is part of the key: a changed limit starts afresh instead of inheriting a
        // state spent at another rate (a slow limit's arrival time lies far ahead).
        return LimitCheck(key: "sluice:rl:\(kind.rawValue):\(id.lowercased):\(limit.perSecond)/\(limit.burst)", limit: limit, cost: cost)
    }

    /// Spends, seeding a missing quota counter from the usage table; throws the 429 of the
    /// limit that refused.
    private func spend(
        _ checks: [(Kind, LimitCheck)],
        quota: QuotaCheck?,
        tenantID: UUID? = nil,
        period: UsagePeriod? = nil
    ) async throws -> [RateLimitDecision] {
        guard !checks.isEmpty || quota != nil else { return [] }
        var quota = quota
        var outcome = try await limiter.spend(checks.map(\.1), quota: quota)
        if outcome == .needsSeed, let tenantID, let period {
            quota?.seed = try await usage.events(tenantID: tenantID, period: period)
            outcome = try await limiter.spend(checks.map(\.1), quota: quota)
        }
        switch outcome {
        case .allowed(let decisions, _):
            return decisions
        case .limited(let index, let decision):
            let (kind, check) = checks[index]
            refusals[kind]?.increment()
            var error = SluiceError.tooManyRequests(
                check.cost > check.limit.burst
                    ? "This request costs \(check.cost) \(kind.rawValue), more than the key's burst of \(check.limit.burst); send smaller batches."
                    : "The API key's \(kind.rawValue) limit (\(check.limit)) is exceeded; retry after \(decision.retryAfterSeconds) s.",
                retryAfterSeconds: decision.retryAfterSeconds,
                kind: kind == .requests ? .rateLimited : .eventRateLimited
            )
            Self.addHeaders(decision, to: &error.headers)
            throw error
        case .quotaExceeded(let used):
            refusals[.quota]?.increment()
            let quota = quota!
            let period = period ?? UsagePeriod(containing: now())
            throw SluiceError.tooManyRequests(
                "The tenant's monthly quota of \(quota.quota) events is spent for \(period.label) (\(max(0, quota.quota - used)) left, \(quota.cost) sent); it renews on \(period.next.firstDay) (UTC).",
                retryAfterSeconds: Int(period.end.timeIntervalSince(now()).rounded(.up)),
                kind: .quotaExceeded
            )
        case .needsSeed:
            throw SluiceError.unavailable("The quota counter could not be seeded.")
        }
    }

    package static func addHeaders(_ decision: RateLimitDecision, to headers: inout HTTPFields) {
        headers[.rateLimitLimit] = String(decision.limit)
        headers[.rateLimitRemaining] = String(decision.remaining)
        headers[.rateLimitReset] = String(decision.resetSeconds)
    }
}

extension HTTPField.Name {
    package static let rateLimitLimit = Self("RateLimit-Limit")!
    static let rateLimitRemaining = Self("RateLimit-Remaining")!
    static let rateLimitReset = Self("RateLimit-Reset")!
}

/// Whether an ingest request's request cost was spent (with its events); if the handler
/// failed before, `IngestRoutes` spends it afterwards.
package final class RequestTicket: @unchecked Sendable {

    package var spent = false

    package init() {}
}

extension Identity {
    var apiKeyID: UUID? {
        if case .apiKey(let id, _, _, _) = actor { id } else { nil }
    }
}
