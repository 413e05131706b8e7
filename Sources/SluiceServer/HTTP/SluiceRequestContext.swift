import Hummingbird
import Logging
import NIOCore
import SluiceCore

/// Per-request state: the request id, the client address and, once authenticated, who calls.
///
/// Generated OpenAPI handlers have no context parameter; they reach this one through the
/// task-local `current`, set by `OpenAPIRequestContextMiddleware`.
public struct SluiceRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    public var requestID: String = ""
    public var clientIP: String?
    /// Set by `AuthenticationMiddleware` when the request carried valid credentials.
    public var identity: Identity?
    /// Set by `DashboardSessionMiddleware` on the dashboard's pages (with `identity`): the
    /// signed-in browser's session token, from its cookie.
    var dashboardToken: String?

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.clientIP = source.channel.remoteAddress?.ipAddress
    }

    @TaskLocal static var current: SluiceRequestContext?

    /// The authenticated caller, or 401.
    func requireIdentity() throws -> Identity {
        guard let identity else { throw SluiceError.unauthorized("This endpoint needs an access token or an API key.") }
        return identity
    }
}

/// Makes the request context reachable from generated handlers (hummingbird template).
struct OpenAPIRequestContextMiddleware: RouterMiddleware {
    typealias Context = SluiceRequestContext

    func handle(
        _ request: Request,
        context: Context,
        next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        try await SluiceRequestContext.$current.withValue(context) {
            try await next(request, context)
        }
    }
}

enum RequestScope {
    /// The current request's context; always set while a generated handler runs.
    static var context: SluiceRequestContext {
        get throws {
            guard let context = SluiceRequestContext.current else { throw SluiceError.internalError }
            return context
        }
    }

    static func identity() throws -> Identity { try context.requireIdentity() }
}
