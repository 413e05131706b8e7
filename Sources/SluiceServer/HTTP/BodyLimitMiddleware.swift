import Hummingbird
import SluiceCore

/// Refuses bodies over the limit with 413 before anything parses them.
struct BodyLimitMiddleware: RouterMiddleware {
    typealias Context = SluiceRequestContext
    static let defaultLimit = 1 << 20

    let limit: Int

    func handle(
        _ request: Request,
        context: Context,
        next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        if let length = request.headers[.contentLength].flatMap(Int.init), length > limit {
            throw SluiceError.payloadTooLarge(limit: limit)
        }
        var request = request
        do {
            _ = try await request.collectBody(upTo: limit)
        } catch let error as HTTPError where error.status == .contentTooLarge {
            throw SluiceError.payloadTooLarge(limit: limit)
        }
        return try await next(request, context)
    }
}
