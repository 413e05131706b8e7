import HTTPTypes

/// A domain error that knows its HTTP rendering as an RFC 9457 problem detail.
///
/// Handlers and services throw these; `ProblemMiddleware` renders them, so no handler
/// catches errors to translate them.
public struct SluiceError: Error, Sendable, CustomStringConvertible {
    /// The problem type: the last part of its URI.
    public var kind: ProblemKind
    public var status: HTTPResponse.Status
    public var title: String
    public var detail: String?
    /// Per-field errors, each with a JSON pointer into the request.
    public var fieldErrors: [FieldError]
    public var headers: HTTPFields
    /// A refused event kept in quarantine: its entry (the problem's `quarantineId`).
    public var quarantineID: String?

    public struct FieldError: Sendable, Codable, Equatable {
        /// A JSON pointer into the body, or `/name` for a parameter.
        public var pointer: String
        public var detail: String
        /// The parameter at fault and where it was (`path`, `query`, `header`), when not the body.
        public var parameter: String?
        public var location: String?
        public init(pointer: String, detail: String, parameter: String? = nil, location: String? = nil) {
            self.pointer = pointer
            self.detail = detail
            self.parameter = parameter
            self.location = location
        }
    }

    public init(
        kind: ProblemKind,
        status: HTTPResponse.Status,
        title: String,
        detail: String? = nil,
        fieldErrors: [FieldError] = [],
        headers: HTTPFields = [:]
    ) {
        self.kind = kind
        self.status = status
        self.title = title
        self.detail = detail
        self.fieldErrors = fieldErrors
        self.headers = headers
    }

    public var description: String { "\(status.code) \(kind.rawValue): \(detail ?? title)" }

    /// The same error, naming the member of the request at fault.
    func pointing(at pointer: String) -> Self {
        var error = self
        error.fieldErrors = [FieldError(pointer: pointer, detail: detail ?? title)]
        return error
    }

    public static func badRequest(_ detail: String, pointer: String? = nil) -> Self {
        .init(
            kind: .badRequest,
            status: .badRequest,
            title: "Bad request",
            detail: detail,
            fieldErrors: pointer.map { [FieldError(pointer: $0, detail: detail)] } ?? []
        )
    }

    /// A 400 naming each member of the request at fault.
    public static func badRequest(_ detail: String, fieldErrors: [FieldError]) -> Self {
        .init(kind: .badRequest, status: .badRequest, title: "Bad request", detail: detail, fieldErrors: fieldErrors)
    }

    public static func unauthorized(_ detail: String) -> Self {
        var headers = HTTPFields()
        headers[.wwwAuthenticate] = "Bearer realm=\"sluice\""
        return .init(kind: .unauthorized, status: .unauthorized, title: "Unauthorized", detail: detail, headers: headers)
    }

    public static func forbidden(_ detail: String) -> Self {
        .init(kind: .forbidden, status: .forbidden, title: "Forbidden", detail: detail)
    }

    /// Also the answer for another tenant's resource, so that its existence is not revealed.
    public static func notFound(_ what: String) -> Self {
        .init(kind: .notFound, status: .notFound, title: "Not found", detail: "\(what) was not found.")
    }

    public static func conflict(_ detail: String, kind: ProblemKind = .conflict) -> Self {
        .init(kind: kind, status: .conflict, title: "Conflict", detail: detail)
    }

    public static func tooManyRequests(_ detail: String, retryAfterSeconds: Int, kind: ProblemKind = .tooManyRequests) -> Self {
        var headers = HTTPFields()
        headers[.retryAfter] = String(max(1, retryAfterSeconds))
        return .init(kind: kind, status: .tooManyRequests, title: "Too many requests", detail: detail, headers: headers)
    }

    public static func payloadTooLarge(limit: Int) -> Self {
        .init(
            kind: .payloadTooLarge,
            status: .contentTooLarge,
            title: "Payload too large",
            detail: "The request body is larger than the limit of \(limit) bytes."
        )
    }

    public static func unavailable(_ detail: String) -> Self {
        var headers = HTTPFields()
        headers[.retryAfter] = "5"
        return .init(kind: .unavailable, status: .serviceUnavailable, title: "Service unavailable", detail: detail, headers: headers)
    }

    public static let internalError = SluiceError(
        kind: .internalError,
        status: .internalServerError,
        title: "Internal server error",
        detail: "The server failed to handle the request; quote the request id when reporting it."
    )
}

/// Every problem type Sluice answers, `https://sluice.dev/problems/<raw value>`; the OpenAPI
/// document lists the same (`Problem.type`'s `x-sluice-problem-types`, a test compares them),
/// so that a client can switch over them.
public enum ProblemKind: String, Sendable, CaseIterable {
    case alreadyMember = "already-member"
    case badPlatformPayload = "bad-platform-payload"
    case badRequest = "bad-request"
    case badSignature = "bad-signature"
    case commitBehind = "commit-behind"
    case conflict
    case consumerGroupExists = "consumer-group-exists"
    case emailTaken = "email-taken"
    case eventRejected = "event-rejected"
    case forbidden
    case groupHasMembers = "group-has-members"
    case groupHasSubscription = "group-has-subscription"
    case groupIsPushed = "group-is-pushed"
    case incompatibleSchema = "incompatible-schema"
    case internalError = "internal"
    case lastOwner = "last-owner"
    case loginThrottled = "login-throttled"
    case malformedJson = "malformed-json"
    case memberUnknown = "member-unknown"
    case methodNotAllowed = "method-not-allowed"
    case notFound = "not-found"
    case partitionNotHeld = "partition-not-held"
    case payloadTooLarge = "payload-too-large"
    case quotaExceeded = "quota-exceeded"
    case rateLimited = "rate-limited"
    case eventRateLimited = "event-rate-limited"
    case signupThrottled = "signup-throttled"
    case sourceExists = "source-exists"
    case streamExists = "stream-exists"
    case subscriptionActive = "subscription-active"
    case subscriptionExists = "subscription-exists"
    case tooManyRequests = "too-many-requests"
    case unauthorized
    case unavailable
    case unsupportedMediaType = "unsupported-media-type"
}

extension ProblemKind {
    /// The type of a status raised below Sluice's own code (the router, the HTTP server).
    package init(httpStatus status: HTTPResponse.Status) {
        switch status {
        case .notFound: self = .notFound
        case .methodNotAllowed: self = .methodNotAllowed
        case .unauthorized: self = .unauthorized
        case .forbidden: self = .forbidden
        case .contentTooLarge: self = .payloadTooLarge
        case .unsupportedMediaType: self = .unsupportedMediaType
        case .tooManyRequests: self = .tooManyRequests
        case .serviceUnavailable: self = .unavailable
        default: self = status.kind == .clientError ? .badRequest : .internalError
        }
    }
}
