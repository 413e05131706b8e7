import Foundation
import HTTPTypes
import Hummingbird
import Metrics

/// The limits Sluice applies per API key: requests (each costs 1) and events (a batch of 500
/// costs 500). Limited responses carry the IETF `RateLimit-Limit`, `RateLimit-Remaining` and
/// `RateLimit-Reset` headers; an exceeded limit is 429 with `Retry-After`, naming the limit.
public struct RateLimits: Sendable {
    public struct Configuration: Sendable, Equatable {
        public var enabled = true
        public var requests = RateLimit(perSecond: 100, burst: 200)
        public var events = RateLimit(perSecond: 2000, burst: 10_000)
        public var onRedisFailure: ResilientRateLimiter.OnFailure = .open
        public init() {}
    }

    let configuration: Configuration
    let limiter: any RateLimiter

    enum Kind: String { case requests, events }

    func limit(_ kind: Kind) -> RateLimit {
        switch kind {
        case .requests: configuration.requests
        case .events: configuration.events
        }
    }

    /// Spends `cost` of the key's `kind` limit; 429 when it is exceeded.
    func spend(_ kind: Kind, identity: Identity, cost: Int) async throws -> RateLimitDecision? {
        guard configuration.enabled, case .apiKey(let id, _, _, _) = identity.actor else { return nil }
        let limit = limit(kind)
        let decision = try await limiter.check("sluice:rl:\(kind.rawValue):\(id.lowercased)", limit: limit, cost: cost)
        guard decision.allowed else {
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
        guard let identity = context.identity,
              let decision = try await limits.spend(.requests, identity: identity, cost: 1)
        else { return try await next(request, context) }
        var response = try await next(request, context)
        if response.headers[.rateLimitLimit] == nil { RateLimits.addHeaders(decision, to: &response.headers) }
        return response
    }
}
