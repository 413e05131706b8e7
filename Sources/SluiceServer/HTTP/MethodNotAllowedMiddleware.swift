import HTTPTypes
import Hummingbird
import SluiceCore

/// A path the document declares asked with a method it does not: 405 with `Allow` naming
/// the methods it has (RFC 9110 §15.5.6), before credentials are looked at. A path it does
/// not declare goes on to the router's 404.
struct MethodNotAllowedMiddleware: RouterMiddleware {
    typealias Context = SluiceRequestContext
    let contract: Contract

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if let route = contract.route(path: request.uri.path), !route.methods.contains(request.method.rawValue) {
            throw SluiceError(
                kind: .methodNotAllowed,
                status: .methodNotAllowed,
                title: "Method not allowed",
                detail: "\(route.template) answers \(route.methods.joined(separator: ", ")), not \(request.method.rawValue).",
                headers: [.allow: route.methods.joined(separator: ", ")]
            )
        }
        return try await next(request, context)
    }
}
