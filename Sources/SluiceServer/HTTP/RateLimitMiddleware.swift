import Hummingbird
import SluiceCore

/// Counts the caller's request in its usage and spends one of its key's request limit before
/// a generated handler runs, reporting it in the response's RateLimit headers. The ingest
/// routes are not behind it: they spend the request with their events in one step
/// (`IngestRoutes`).
struct RateLimitMiddleware: RouterMiddleware {
    typealias Context = SluiceRequestContext
    let limits: RateLimits

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let identity = context.identity else { return try await next(request, context) }
        limits.recordRequest(identity)
        guard let decision = try await limits.spendRequest(identity) else { return try await next(request, context) }
        var response = try await next(request, context)
        if response.headers[.rateLimitLimit] == nil { RateLimits.addHeaders(decision, to: &response.headers) }
        return response
    }
}
