import Foundation
import HTTPTypes
import OpenAPIRuntime
import SluiceAPI
import SluiceCore
import SluiceJSON
import SluiceSupport

/// Checks every request against its operation in the contract before the generated handler
/// decodes it: credentials first (401 for an operation that needs them), the permission the
/// operation names (`x-sluice-permission`, 403), then each parameter
/// (U+0000 refused, numbers read strictly and bounded), then a JSON body (the strict parser:
/// valid UTF-8, no duplicate member names, no `\u0000`; then its schema). A refusal is a 400
/// naming the parameter or the body's JSON pointer, so that no value the document does not
/// allow reaches a handler's arithmetic or a database.
struct ContractTransport: ServerTransport {
    let base: any ServerTransport
    let contract: Contract
    /// Where refusals (403) are recorded.
    let refusals: RefusalAudit?
    /// The largest body read (the server's own limit, enforced earlier as a 413).
    let maxBodyBytes: Int

    func register(
        _ handler: @Sendable @escaping (HTTPRequest, HTTPBody?, ServerRequestMetadata) async throws -> (HTTPResponse, HTTPBody?),
        method: HTTPRequest.Method,
        path: String
    ) throws {
        guard let operation = contract.operations["\(method.rawValue) \(path)"] else {
            throw Contract.DocumentError(description: "\(method.rawValue) \(path) is registered but not in the OpenAPI document")
        }
        let contract = contract
        let limit = maxBodyBytes
        let refusals = refusals
        try base.register(
            { request, body, metadata in
                do {
                    return try await Self.handle(request, body, metadata, operation: operation, contract: contract, limit: limit, handler)
                } catch {
                    // Refused attempts are audited, whether the table or the handler refused (the
                    // handler's errors arrive wrapped by the OpenAPI runtime).
                    if let refusals, let refused = ProblemMiddleware.unwrap(error), refused.status == .forbidden,
                        let context = try? RequestScope.context, let identity = context.identity
                    {
                        await refusals.record(
                            AuditRecord(
                                tenantID: identity.tenantID,
                                actor: identity.auditActor,
                                action: "access.denied",
                                targetType: "operation",
                                targetID: operation.id,
                                details: [
                                    "method": method.rawValue, "path": request.path.map { String($0.prefix(300)) } ?? "",
                                    "reason": refused.detail ?? "",
                                ],
                                origin: RequestOrigin(clientIP: context.clientIP, requestID: context.requestID)
                            )
                        )
                    }
                    throw error
                }
            },
            method: method,
            path: path
        )
    }

    private static func handle(
        _ request: HTTPRequest,
        _ body: HTTPBody?,
        _ metadata: ServerRequestMetadata,
        operation: Contract.Operation,
        contract: Contract,
        limit: Int,
        _ handler: @Sendable @escaping (HTTPRequest, HTTPBody?, ServerRequestMetadata) async throws -> (HTTPResponse, HTTPBody?)
    ) async throws -> (HTTPResponse, HTTPBody?) {
        if operation.secured {
            guard let identity = (try? RequestScope.context)?.identity else {
                throw SluiceError.unauthorized("This endpoint needs an access token or an API key.")
            }
            // Authorized before anything is read or changed, from the one table the
            // document holds.
            switch operation.access {
            case .authenticated: break
            case .member: _ = try identity.requireUser()
            case .permission(let permission): try identity.require(permission)
            }
        }
        try contract.check(parameters: operation, request: request, metadata: metadata)
        let checked = try await contract.check(body: body, of: operation, request: request, limit: limit)
        return try await handler(request, checked, metadata)
    }
}

extension Contract {
    /// With `schemas` false only what no endpoint may take is refused (U+0000, bad encoding,
    /// a value given twice); the hand-routed ingest routes answer the rest themselves.
    func check(parameters operation: Operation, request: HTTPRequest, metadata: ServerRequestMetadata, schemas: Bool = true) throws {
        let query = try Self.queryItems(request.path ?? "")
        var errors: [SluiceError.FieldError] = []
        for parameter in operation.parameters {
            let texts: [String]
            switch parameter.location {
            case .path:
                guard let raw = metadata.pathParameters[parameter.name] else { continue }
                guard let decoded = Self.percentDecoded(raw) else {
                    errors.append(.init(parameter: parameter, detail: "is not validly percent-encoded"))
                    continue
                }
                texts = [decoded]
            case .query:
                texts = query.filter { $0.name == parameter.name }.map(\.value)
            case .header:
                texts = HTTPField.Name(parameter.name).map { request.headerFields[values: $0] } ?? []
            }
            if texts.isEmpty {
                if parameter.required, schemas { errors.append(.init(parameter: parameter, detail: "is required")) }
                continue
            }
            if texts.contains(where: { $0.unicodeScalars.contains("\u{0}") }) {
                errors.append(.init(parameter: parameter, detail: "must not contain U+0000"))
                continue
            }
            guard schemas else { continue }
            if !parameter.isArray, texts.count > 1 {
                errors.append(.init(parameter: parameter, detail: "is given more than once"))
                continue
            }
            let value: JSONValue =
                parameter.isArray
                ? .array(texts.map { Self.value($0, type: parameter.itemType) })
                : Self.value(texts[0], type: parameter.type)
            let issues = schema.validate(value, at: parameter.pointer, limit: 3) ?? []
            for issue in issues {
                errors.append(.init(parameter: parameter, detail: issue.message))
            }
            if issues.isEmpty, let problem = Self.formatProblem(texts, format: parameter.format) {
                errors.append(.init(parameter: parameter, detail: problem))
            }
        }
        guard errors.isEmpty else {
            throw SluiceError.badRequest(
                "The \(errors[0].parameter.map { "parameter '\($0)'" } ?? "request") \(errors[0].detail).",
                fieldErrors: errors
            )
        }
    }

    /// The body, read and checked when the operation takes JSON, handed on as read.
    func check(body: HTTPBody?, of operation: Operation, request: HTTPRequest, limit: Int) async throws -> HTTPBody? {
        guard !operation.bodies.isEmpty else { return body }
        let bytes: [UInt8] = if let body { try await [UInt8](collecting: body, upTo: limit) } else { [] }
        let mediaType = request.headerFields[.contentType]?.split(separator: ";").first
            .map { $0.trimmingSpaces.lowercased() }
        if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) {
            if operation.bodyRequired { throw SluiceError.badRequest("This operation needs a JSON body.") }
            return bytes.isEmpty ? nil : HTTPBody(bytes)
        }
        guard let mediaType, let pointer = operation.bodies[mediaType] else {
            let accepted = operation.bodies.keys.sorted().joined(separator: ", ")
            throw SluiceError(
                kind: .unsupportedMediaType,
                status: .unsupportedMediaType,
                title: "Unsupported media type",
                detail: "Send the body as \(accepted) (Content-Type)."
            )
        }
        let value: JSONValue
        do {
            value = try JSONParser.parse(bytes)
        } catch {
            throw SluiceError.badRequest("The body is not valid JSON: \(error.description)")
        }
        let issues = schema.validate(value, at: pointer, limit: 20) ?? []
        if !issues.isEmpty {
            throw SluiceError(
                kind: .badRequest,
                status: .badRequest,
                title: "Bad request",
                detail: "The body does not match the contract: \(issues[0].description).",
                fieldErrors: issues.map { .init(pointer: $0.instancePath.isEmpty ? "/" : $0.instancePath, detail: $0.message) }
            )
        }
        return HTTPBody(bytes)
    }

    /// What a value of a `format` the generated code parses is not, if it is not that.
    static func formatProblem(_ texts: [String], format: String?) -> String? {
        switch format {
        case "date-time":
            return texts.allSatisfy { (try? SluiceDateTranscoder().decode($0)) != nil }
                ? nil
                : "must be an RFC 3339 date-time, e.g. 2026-01-31T12:00:00Z or 2026-01-31T13:00:00.250+01:00 (in a query, '+' is sent as %2B)"
        case "uuid":
            return texts.allSatisfy { UUID(uuidString: $0) != nil } ? nil : "must be a UUID"
        default:
            return nil
        }
    }

    /// A text value (path, query, header) as the JSON its schema type reads: numbers and
    /// booleans strictly (`1.5` is not an integer, `1e999` no number at all), else a string,
    /// which the schema then refuses if it wanted something else.
    static func value(_ text: String, type: String?) -> JSONValue {
        switch type {
        case "integer", "number":
            if let parsed = try? JSONParser.parse(text), case .number(let number) = parsed, number.double.isFinite { return .number(number) }
            return .string(text)
        case "boolean":
            return text == "true" ? .bool(true) : text == "false" ? .bool(false) : .string(text)
        default:
            return .string(text)
        }
    }

    /// `text` with its percent-escapes decoded (and `+` read as a space in a query), nil if
    /// they are not valid UTF-8; text without either is taken as it is, without Foundation's
    /// bridge (which every request's path parameters went through).
    static func percentDecoded(_ text: Substring, plusIsSpace: Bool = false) -> String? {
        guard text.utf8.contains(where: { $0 == UInt8(ascii: "%") || (plusIsSpace && $0 == UInt8(ascii: "+")) }) else { return String(text) }
        return (plusIsSpace ? text.replacingOccurrences(of: "+", with: " ") : String(text)).removingPercentEncoding
    }

    static func queryItems(_ path: String) throws -> [(name: String, value: String)] {
        guard let start = path.firstIndex(of: "?") else { return [] }
        var items: [(name: String, value: String)] = []
        for pair in path[path.index(after: start)...].split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ text: Substring) throws -> String {
                guard let decoded = Self.percentDecoded(text, plusIsSpace: true) else {
                    throw SluiceError.badRequest("The query string is not validly percent-encoded.")
                }
                return decoded
            }
            items.append((try decode(parts[0]), parts.count > 1 ? try decode(parts[1]) : ""))
        }
        return items
    }
}

extension SluiceError.FieldError {
    init(parameter: Contract.Parameter, detail: String) {
        self.init(pointer: "/" + parameter.name, detail: detail, parameter: parameter.name, location: parameter.location.rawValue)
    }
}
