import Foundation
import HTTPTypes
import Hummingbird
import SluiceCore
import SluiceDashboard

/// The dashboard's pages need a signed-in browser: the session cookie becomes the member's
/// `Identity` on the request context, as an access token would over the API. Without a live
/// session a page redirects to the sign-in (htmx is told with `HX-Redirect`). A state change
/// (any method but GET and HEAD) must come from a page of this origin and carry the session's
/// CSRF token, or it is refused before anything runs.
struct DashboardSessionMiddleware: RouterMiddleware {
    typealias Context = SluiceRequestContext
    let sessions: DashboardSessions

    static let cookieName = "sluice_session"

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let token = request.cookies[Self.cookieName]?.value, let identity = try await sessions.resolve(token: token),
            case .user(let userID, _, _) = identity.actor
        else {
            return DashboardRoutes.redirectToSignIn(request)
        }
        var request = request
        if request.method != .get, request.method != .head {
            try DashboardRoutes.checkOrigin(request)
            var presented = request.headers[.csrfToken]
            if presented == nil { presented = try await DashboardRoutes.form(&request, context: context)["_csrf"] }
            guard DashboardSessions.csrfMatches(presented, DashboardSessions.csrfToken(for: token)) else {
                throw SluiceError.forbidden("The form is stale or came from another site; reload the page and try again.")
            }
        }
        var context = context
        context.identity = identity
        context.dashboardToken = token
        context.logger[metadataKey: "user_id"] = .string(userID.lowercased)
        context.logger[metadataKey: "tenant_id"] = .string(identity.tenantID.lowercased)
        return try await next(request, context)
    }
}

extension HTTPField.Name {
    static let csrfToken = Self("X-CSRF-Token")!
    static let hxRequest = Self("HX-Request")!
    static let hxRedirect = Self("HX-Redirect")!
    static let secFetchSite = Self("Sec-Fetch-Site")!
}
