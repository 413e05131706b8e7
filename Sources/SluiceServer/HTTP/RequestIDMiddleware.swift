import Foundation
import HTTPTypes
import Hummingbird

extension HTTPField.Name {
    static let requestID = Self("X-Request-Id")!
}

/// Gives every request an id: the caller's `X-Request-Id` if it is a sane token, else a new
/// one. It is echoed on the response, put in every log line and in problem details.
struct RequestIDMiddleware: RouterMiddleware {
    typealias Context = SluiceRequestContext

    func handle(
        _ request: Request,
        context: Context,
        next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        var context = context
        let requestID = request.headers[.requestID].flatMap(Self.acceptable) ?? UUID().uuidString.lowercased()
        context.requestID = requestID
        context.logger[metadataKey: "request_id"] = .string(requestID)
        var response = try await next(request, context)
        response.headers[.requestID] = requestID
        return response
    }

    /// At most 128 characters of letters, digits and `-_.:`; anything else is replaced, so that
    /// a caller cannot inject into logs or headers.
    static func acceptable(_ value: String) -> String? {
        guard (1...128).contains(value.utf8.count) else { return nil }
        let allowed = value.utf8.allSatisfy { byte in
            (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                || byte == 0x2D || byte == 0x5F || byte == 0x2E || byte == 0x3A
        }
        return allowed ? value : nil
    }
}
