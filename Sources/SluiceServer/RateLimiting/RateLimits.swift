import Foundation
import HTTPTypes
import Hummingbird
import Prometheus

/// The limits Sluice applies: per API key, requests (each costs 1) and events (a batch of 500
/// costs 500), from the tenant's plan or the key's own; per tenant, events per month.
/// Limited responses carry the IETF `RateLimit-Limit`, `RateLimit-Remaining` and
/// `RateLimit-Reset` headers; an exceeded limit is 429 with `Retry-After`, naming the limit.
/// Usage is counted whether or not limits are enforced.
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
    let plans: TenantPlans
    let quotas: Quotas
    let usage: UsageRecorder
    /// The time quotas and usage are counted by (tests move it across a month's end).
    let now: @Sendable () -> Date
    /// 429s by limit.
    let refusals: [Kind: Prometheus.Counter]

    enum Kind: String, CaseIterable { case requests, events, quota }

    /// Spends `cost` of an API key's `kind` limit; 429 when it is exceeded.
    func spend(_ kind: Kind, identity: Identity, cost: Int) async throws -> RateLimitDecision? {
        guard configuration.enabled, case .apiKey(let id, _, _, _) = identity.actor else { return nil }
        let plan = try await plans.limits(for: identity.tenantID).plan
        let limit = kind == .requests ? identity.keyLimits.requests ?? plan.requests : identity.keyLimits.events ?? plan.events
        // The limit is part of the key: a changed limit starts afresh instead of inheriting a
        // state spent at another rate (a slow limit's arrival time lies far ahead).
        let key = "sluice:rl:\(kind.rawValue):\(id.lowercased):\(limit.perSecond)/\(limit.burst)"
        let decision = try await limiter.check(key, limit: limit, cost: cost)
        guard decision.allowed else {
            refusals[kind]?.increment()
            var error = SluiceError.tooManyRequests(
                cost > limit.burst
                    ? "This request costs \(cost) \(kind.rawValue), more than the key's burst of \(limit.burst); send smaller batches."
                    : "The API key's \(kind.rawValue) limit (\(limit)) is exceeded; retry after \(decision.retryAfterSeconds) s.",
                retryAfterSeconds: decision.retryAfterSeconds, kind: kind == .requests ? "rate-limited" : "event-rate-limited"
            )
            Self.addHeaders(decision, to: &error.headers)
            throw error
        }
        return decision
    }

    /// One request of `identity`, counted in its usage and spent from its key's limit.
    func request(_ identity: Identity) async throws -> RateLimitDecision? {
        usage.record(tenantID: identity.tenantID, keyID: identity.apiKeyID, period: UsagePeriod(containing: now()), requests: 1)
        return try await spend(.requests, identity: identity, cost: 1)
    }

    /// Events about to be stored: their cost from the key's event limit, then from the
    /// tenant's monthly quota. Hand the admission to `settle` with what was stored.
    struct Admission: Sendable {
        var tenantID: UUID
        var keyID: UUID?
        var decision: RateLimitDecision?
        var reservation: Quotas.Reservation?
        var count: Int
    }

    func admit(_ count: Int, tenantID: UUID, identity: Identity?) async throws -> Admission {
        var admission = Admission(tenantID: tenantID, keyID: identity?.apiKeyID, count: count)
        guard configuration.enabled else { return admission }
        if let identity { admission.decision = try await spend(.events, identity: identity, cost: count) }
        if let quota = try await plans.limits(for: tenantID).monthlyEvents {
            do {
                admission.reservation = try await quotas.reserve(count, tenantID: tenantID, quota: quota, now: now())
            } catch let error as SluiceError where error.status == .tooManyRequests {
                refusals[.quota]?.increment()
                throw error
            }
        }
        return admission
    }

    /// Counts the stored events and gives the others back to the quota.
    func settle(_ admission: Admission, stored: Int) async {
        let period = admission.reservation?.period ?? UsagePeriod(containing: now())
        usage.record(tenantID: admission.tenantID, keyID: admission.keyID, period: period, events: stored)
        if let reservation = admission.reservation { await quotas.release(admission.count - stored, of: reservation) }
    }

    static func addHeaders(_ decision: RateLimitDecision, to headers: inout HTTPFields) {
        headers[.rateLimitLimit] = String(decision.limit)
        headers[.rateLimitRemaining] = String(decision.remaining)
        headers[.rateLimitReset] = String(decision.resetSeconds)
    }
}

extension HTTPField.Name {
    static let rateLimitLimit = Self("RateLimit-Limit")!
    static let rateLimitRemaining = Self("RateLimit-Remaining")!
    static let rateLimitReset = Self("RateLimit-Reset")!
}

/// Spends one request of the caller's limit (API keys only) before the handler runs, and
/// reports it in the response's RateLimit headers (unless the handler reported a tighter one,
/// the events limit at ingest).
struct RateLimitMiddleware: RouterMiddleware {
    typealias Context = SluiceRequestContext
    let limits: RateLimits

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let identity = context.identity, let decision = try await limits.request(identity) else {
            return try await next(request, context)
        }
        var response = try await next(request, context)
        if response.headers[.rateLimitLimit] == nil { RateLimits.addHeaders(decision, to: &response.headers) }
        return response
    }
}

extension Identity {
    var apiKeyID: UUID? {
        if case .apiKey(let id, _, _, _) = actor { id } else { nil }
    }
}
