import Foundation
import HTTPTypes
import Hummingbird
import Logging
import SluiceCore
import SluiceDashboard
import SluiceJSON

/// The web dashboard, served by the same process under `/dashboard`: server-rendered pages
/// (Mustache), plain forms that work without scripts, and htmx for the parts that refresh
/// themselves. Every page reads and every form changes through the API's own operations
/// (`InProcessAPI`), as the signed-in member: one authorization, one validation, one audit.
/// What a member may not do is not offered, and refused when forced.
struct DashboardRoutes: Sendable {
    typealias Context = SluiceRequestContext

    let api: InProcessAPI
    let sessions: DashboardSessions
    let views: DashboardViews
    let assets: DashboardAssets
    /// `Secure` on the cookies (turned off only for a plain-HTTP deployment that is not localhost).
    let secureCookies: Bool

    static let signInCookie = "sluice_sign_in"
    /// No inline script or style, nothing from elsewhere, forms post here only, never framed.
    static let contentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
        + "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

    func register(on router: Router<Context>) {
        router.get("dashboard/assets/:name") { _, context in try asset(context.parameters.require("name")) }
        router.get("dashboard/sign-in") { request, _ in signInPage(request: request) }
        router.post("dashboard/sign-in") { request, context in try await signIn(request, context: context) }
        let pages = router.group("dashboard").add(middleware: DashboardSessionMiddleware(sessions: sessions))
        pages.post("sign-out") { request, context in try await signOut(request, context: context) }
        pages.post("tenant") { request, context in try await switchTenant(request, context: context) }
        pages.get { request, context in await guarded(request, context) { try await overview(request, context: context) } }
        registerStreams(on: pages)
        registerApiKeys(on: pages)
        registerEvents(on: pages)
        registerSubscriptions(on: pages)
        registerConsumerGroups(on: pages)
        registerSchemas(on: pages)
        registerSources(on: pages)
        registerAnalytics(on: pages)
        registerTenant(on: pages)
    }

    // MARK: Pages

    /// A page: the layout's values (who is signed in, their tenants, the sections they may
    /// open, the CSRF token) around `values`.
    func page(
        _ template: String,
        title: String,
        section: String?,
        context: Context,
        values: [String: Any] = [:],
        status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        var values = values
        values["title"] = title
        values["assets"] = assets.links
        if let token = context.dashboardToken, let identity = context.identity, case .user(_, let email, let role) = identity.actor {
            let me = try await api.call("getMe", context: context)
            let tenantID = identity.tenantID.lowercased
            values["csrf"] = DashboardSessions.csrfToken(for: token)
            values["session"] =
                [
                    "email": email,
                    "role": role.rawValue,
                    "nav": Self.sections(for: identity).map { item in
                        ["href": item.href, "label": item.label, "current": item.id == section] as [String: Any]
                    },
                    "memberships": (me["memberships"]?.arrayValue ?? []).map { membership -> [String: Any] in
                        let id = membership["tenant"]?["id"]?.stringValue ?? ""
                        return [
                            "tenantId": id,
                            "tenantName": membership["tenant"]?["name"]?.stringValue ?? id,
                            "role": membership["role"]?.stringValue ?? "",
                            "current": id == tenantID,
                        ]
                    },
                ] as [String: Any]
            values["can"] = Dictionary(uniqueKeysWithValues: identity.permissions.map { ($0.templateName, true) })
        }
        return html(views.render(template, values), status: status)
    }

    struct Section {
        let id: String
        let href: String
        let label: String
        let needs: Permission
    }

    /// The sections a member may open: the ones whose list operation their role allows.
    static func sections(for identity: Identity) -> [Section] {
        [
            Section(id: "overview", href: "/dashboard", label: "Overview", needs: .streamsRead),
            Section(id: "streams", href: "/dashboard/streams", label: "Streams", needs: .streamsRead),
            Section(id: "api-keys", href: "/dashboard/api-keys", label: "API keys", needs: .apiKeysRead),
            Section(id: "members", href: "/dashboard/members", label: "Members", needs: .membersRead),
            Section(id: "audit", href: "/dashboard/audit", label: "Audit log", needs: .auditRead),
            Section(id: "usage", href: "/dashboard/usage", label: "Usage", needs: .tenantRead),
        ].filter { identity.permissions.contains($0.needs) }
    }

    func html(_ text: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(
            status: status,
            // same-origin, not the API's no-referrer: under no-referrer browsers send `Origin:
            // null` with a form, and the origin check could not tell the dashboard's own forms.
            headers: [
                .contentType: "text/html; charset=utf-8", .contentSecurityPolicy: Self.contentSecurityPolicy, .referrerPolicy: "same-origin",
            ],
            body: .init(byteBuffer: ByteBuffer(string: text))
        )
    }

    static func redirect(_ location: String, request: Request? = nil) -> Response {
        // htmx follows an HX-Redirect with a full navigation; a plain form a 303 to a GET.
        if let request, request.headers[.hxRequest] != nil {
            return Response(status: .ok, headers: [.hxRedirect: location])
        }
        return Response(status: .seeOther, headers: [.location: location])
    }

    static func redirectToSignIn(_ request: Request) -> Response {
        let next = request.method == .get ? request.uri.path : "/dashboard"
        return redirect("/dashboard/sign-in?next=\(InProcessAPI.percentEncoded(next))", request: request)
    }

    /// Runs a page, and renders what goes wrong as a page of its own with the API's status:
    /// a session gone signs in again, a refusal or a missing resource says so, an outage asks to
    /// retry.
    func guarded(_ request: Request, _ context: Context, _ body: () async throws -> Response) async -> Response {
        do {
            return try await body()
        } catch {
            let problem = ProblemMiddleware.problem(for: error, logger: context.logger)
            if problem.status == .unauthorized { return Self.redirectToSignIn(request) }
            return await errorPage(problem, context: context)
        }
    }

    func errorPage(_ problem: SluiceError, context: Context) async -> Response {
        let heading =
            switch problem.status {
            case .forbidden: "Not permitted"
            case .notFound: "Not found"
            case .serviceUnavailable: "Unavailable for the moment"
            default: problem.title
            }
        let values: [String: Any] = ["heading": heading, "detail": problem.detail ?? problem.title, "requestId": context.requestID]
        var response =
            (try? await page("error", title: heading, section: nil, context: context, values: values, status: problem.status))
            ?? html(views.render("error", values.merging(["title": heading, "assets": assets.links]) { a, _ in a }), status: problem.status)
        for field in problem.headers where field.name == .retryAfter { response.headers[field.name] = field.value }
        return response
    }

    // MARK: Forms

    /// The request's form; a body that is not one is a 400. The body is kept on the request, so
    /// the middleware's CSRF check and the handler read it once.
    static func form(_ request: inout Request, context: Context) async throws -> FormData {
        let buffer = try await request.collectBody(upTo: context.maxUploadSize)
        do {
            return try FormData(buffer.readableBytesView)
        } catch {
            throw SluiceError.badRequest("The form could not be read.")
        }
    }

    /// A state change must come from a page of this origin (`Origin`, or `Sec-Fetch-Site` where
    /// a browser sends no `Origin`).
    static func checkOrigin(_ request: Request) throws {
        if let site = request.headers[.secFetchSite], site != "same-origin", site != "none" {
            throw SluiceError.forbidden("Changes are accepted only from the dashboard's own pages.")
        }
        if let origin = request.headers[.origin], let host = request.head.authority {
            guard let url = URL(string: origin), let originHost = url.host else {
                throw SluiceError.forbidden("Changes are accepted only from the dashboard's own pages.")
            }
            let originAuthority = url.port.map { "\(originHost):\($0)" } ?? originHost
            guard originAuthority.lowercased() == host.lowercased() else {
                throw SluiceError.forbidden("Changes are accepted only from the dashboard's own pages.")
            }
        }
    }

    func cookie(_ name: String, _ value: String, maxAge: Int?, path: String = "/dashboard") -> Cookie {
        Cookie(name: name, value: value, maxAge: maxAge, path: path, secure: secureCookies, httpOnly: true, sameSite: .strict)
    }

    // MARK: Signing in and out

    func signInPage(request: Request, problem: String? = nil, email: String = "", status: HTTPResponse.Status = .ok) -> Response {
        let nonce = DashboardSessions.signInNonce()
        let values: [String: Any] = [
            "title": "Sign in", "assets": assets.links, "signInToken": nonce, "problem": problem ?? false, "email": email,
            "next": Self.safeNext(request.uri.queryParameters["next"].map(String.init)),
        ]
        var response = html(views.render("sign-in", values), status: status)
        response.setCookie(cookie(Self.signInCookie, nonce, maxAge: 3600))
        return response
    }

    /// Where to go after signing in: a page of the dashboard only, never another site.
    static func safeNext(_ next: String?) -> String {
        guard let next, next.hasPrefix("/dashboard"), !next.hasPrefix("//"), !next.contains("\\"), next.utf8.count <= 512,
            !next.unicodeScalars.contains(where: { $0.properties.generalCategory == .control })
        else { return "/dashboard" }
        return next
    }

    func signIn(_ request: Request, context: Context) async throws -> Response {
        var request = request
        try Self.checkOrigin(request)
        let form = try await Self.form(&request, context: context)
        guard let expected = request.cookies[Self.signInCookie]?.value, DashboardSessions.csrfMatches(form["_csrf"], expected) else {
            return signInPage(request: request, problem: "The sign-in form expired; please try again.", status: .forbidden)
        }
        let email = form["email"] ?? ""
        guard !email.isEmpty, email.utf8.count <= 254, let password = form.all("password").first, !password.isEmpty,
            password.utf8.count <= 1024
        else {
            return signInPage(request: request, problem: "Enter your email and password.", email: String(email.prefix(254)), status: .badRequest)
        }
        let token: String
        do {
            token = try await sessions.begin(
                email: email,
                password: password,
                tenantID: nil,
                origin: RequestOrigin(clientIP: context.clientIP, requestID: context.requestID)
            )
        } catch {
            let problem = ProblemMiddleware.problem(for: error, logger: context.logger)
            var response = signInPage(request: request, problem: problem.detail ?? problem.title, email: email, status: problem.status)
            for field in problem.headers where field.name == .retryAfter { response.headers[field.name] = field.value }
            return response
        }
        var response = Self.redirect(Self.safeNext(form["next"]))
        response.setCookie(cookie(DashboardSessionMiddleware.cookieName, token, maxAge: Int(sessions.configuration.absoluteLifetime)))
        response.setCookie(cookie(Self.signInCookie, "", maxAge: 0))
        return response
    }

    func signOut(_ request: Request, context: Context) async throws -> Response {
        if let token = context.dashboardToken {
            try await sessions.end(token: token, origin: RequestOrigin(clientIP: context.clientIP, requestID: context.requestID))
        }
        var response = Self.redirect("/dashboard/sign-in", request: request)
        response.setCookie(cookie(DashboardSessionMiddleware.cookieName, "", maxAge: 0))
        return response
    }

    func switchTenant(_ request: Request, context: Context) async throws -> Response {
        await guarded(request, context) {
            var request = request
            let form = try await Self.form(&request, context: context)
            guard let token = context.dashboardToken, let identity = context.identity,
                let id = form["tenantId"].flatMap(UUID.init(uuidString:))
            else {
                throw SluiceError.notFound("Tenant")
            }
            try await sessions.switchTenant(
                token: token,
                identity: identity,
                to: id,
                origin: RequestOrigin(clientIP: context.clientIP, requestID: context.requestID)
            )
            return Self.redirect("/dashboard", request: request)
        }
    }

    // MARK: Assets

    func asset(_ name: String) throws -> Response {
        guard let asset = assets.byName[name] else { throw HTTPError(.notFound) }
        return Response(
            status: .ok,
            headers: [
                .contentType: asset.contentType, .cacheControl: "public, max-age=31536000, immutable", .eTag: "\"\(asset.digest)\"",
            ],
            body: .init(byteBuffer: ByteBuffer(bytes: asset.bytes))
        )
    }
}

extension Permission {
    /// The name templates test (`{{#can.streams_manage}}`): a permission with its colon made an
    /// underscore.
    var templateName: String { rawValue.replacingOccurrences(of: ":", with: "_") }
}
