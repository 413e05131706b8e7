import Foundation
import HTTPTypes
import OpenAPIRuntime

/// Sends `Authorization: Bearer <credential>` (an access token or an API key `sk_live_…`) with
/// every request: `Client(…, middlewares: [BearerAuthentication(credential)])`.
public struct BearerAuthentication: ClientMiddleware {
    public let credential: String

    public init(_ credential: String) {
        self.credential = credential
    }

    public func intercept(
        _ request: HTTPRequest,
        body: HTTPBody?,
        baseURL: URL,
        operationID: String,
        next: (HTTPRequest, HTTPBody?, URL) async throws -> (HTTPResponse, HTTPBody?)
    ) async throws -> (HTTPResponse, HTTPBody?) {
        var request = request
        request.headerFields[.authorization] = "Bearer \(credential)"
        return try await next(request, body, baseURL)
    }
}
