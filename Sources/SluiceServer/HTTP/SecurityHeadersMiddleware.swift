import HTTPTypes
import Hummingbird

/// Headers every response carries: nothing a response holds (tokens, key and signing secrets,
/// events) is stored by a cache or a browser (`Cache-Control: no-store` unless the handler
/// chose otherwise), content is never sniffed into another type, no referrer leaks a URL,
/// and no page of the API can be framed or run scripts (`Content-Security-Policy`).
struct SecurityHeadersMiddleware<Context: RequestContext>: RouterMiddleware {
    static var headers: [(HTTPField.Name, String)] {
        [
            (.xContentTypeOptions, "nosniff"),
            (.referrerPolicy, "no-referrer"),
            (.contentSecurityPolicy, "default-src 'none'; frame-ancestors 'none'"),
            (.xFrameOptions, "DENY"),
        ]
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response = try await next(request, context)
        for (name, value) in Self.headers where response.headers[name] == nil { response.headers[name] = value }
        if response.headers[.cacheControl] == nil { response.headers[.cacheControl] = "no-store" }
        return response
    }
}

extension HTTPField.Name {
    static let xContentTypeOptions = Self("X-Content-Type-Options")!
    static let referrerPolicy = Self("Referrer-Policy")!
    static let xFrameOptions = Self("X-Frame-Options")!
}
