import Hummingbird
import Logging
import PostgresNIO
import SluiceCore
import SluiceDatabase
import SluiceSupport

/// Turns `Authorization: Bearer …` into an `Identity` on the request context: an API key
/// (`sk_live_…`) or a JWT access token, whose member's current role is read from the
/// database so that role changes and removals hold at once. A request without credentials
/// passes on unauthenticated (handlers that need an identity answer 401); one with bad
/// credentials is refused here. Operations that the document opens to everyone (`security: []`:
/// probes, signup, login, refresh, logout, the Instagram webhook) ignore any credentials sent,
/// so that a stale access token never stops a client from refreshing it, and a spent key's
/// limit never stops it from signing in.
struct AuthenticationMiddleware: RouterMiddleware {
    typealias Context = SluiceRequestContext

    let tokens: AccessTokens
    let apiKeys: ApiKeyService
    let client: Database
    let logger: Logger
    let contract: Contract

    func handle(
        _ request: Request,
        context: Context,
        next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        guard let header = request.headers[.authorization],
            contract.operation(method: request.method.rawValue, path: request.uri.path)?.secured ?? true
        else { return try await next(request, context) }
        guard header.count > 7, header.prefix(7).lowercased() == "bearer " else {
            throw SluiceError.unauthorized("Use 'Authorization: Bearer <token or API key>'.")
        }
        let credential = String(header.dropFirst(7).trimmingSpaces)
        var context = context
        context.identity = try await identity(for: credential)
        switch context.identity?.actor {
        case .user(let id, _, _): context.logger[metadataKey: "user_id"] = .string(id.lowercased)
        case .apiKey(let id, _, _, _): context.logger[metadataKey: "api_key_id"] = .string(id.lowercased)
        case nil: break
        }
        if let tenantID = context.identity?.tenantID { context.logger[metadataKey: "tenant_id"] = .string(tenantID.lowercased) }
        return try await next(request, context)
    }

    private func identity(for credential: String) async throws -> Identity {
        if credential.hasPrefix("sk_") { return try await apiKeys.authenticate(secret: credential) }
        let verified = try await tokens.verify(credential)
        let member = try await client.withConnection { connection in
            try await MembershipRepository(logger: logger).member(tenantID: verified.tenantID, userID: verified.userID, on: connection)
        }
        guard let member else { throw SluiceError.unauthorized("The user is no longer a member of this tenant.") }
        // JWT times have whole seconds: a token of the very second of a reset still counts.
        if let validAfter = member.sessionsValidAfter,
            verified.issuedAt.timeIntervalSince1970.rounded(.down) < validAfter.timeIntervalSince1970.rounded(.down)
        {
            throw SluiceError.unauthorized("This session was ended (the password was reset); sign in again.")
        }
        return Identity(tenantID: verified.tenantID, actor: .user(id: member.userID, email: member.email, role: member.role))
    }
}
