import Foundation
import HTTPTypes
import NIOConcurrencyHelpers
import OpenAPIRuntime
import SluiceCore
import SluiceJSON

/// The API's operations, callable inside the process: the dashboard is a client of the API
/// without a socket. Each call runs the very handler an HTTP request would, behind the same
/// `ContractTransport` (credentials, the operation's permission from the one table, every
/// parameter and body checked against the document, refusals audited), so a page can neither
/// see nor do more than the API would let its member.
///
/// It learns the handlers from `Recorder`, which sits between `ContractTransport` and the
/// router: every handler registered through it is registered on the router as before and kept
/// here by operation id.
final class InProcessAPI: Sendable {
    typealias Handler = @Sendable (HTTPRequest, HTTPBody?, ServerRequestMetadata) async throws -> (HTTPResponse, HTTPBody?)

    /// A response body is read up to this size (the largest page of any list is far below it).
    static let maxResponseBytes = 16 << 20

    private let contract: Contract
    private let handlers = NIOLockedValueBox<[String: (handler: Handler, operation: Contract.Operation)]>([:])

    init(contract: Contract) {
        self.contract = contract
    }

    /// Registers on `base` and keeps each handler for in-process calls.
    struct Recorder: ServerTransport {
        let base: any ServerTransport
        let table: InProcessAPI

        func register(_ handler: @escaping Handler, method: HTTPRequest.Method, path: String) throws {
            try base.register(handler, method: method, path: path)
            if let operation = table.contract.operations["\(method.rawValue) \(path)"] {
                table.handlers.withLockedValue { $0[operation.id] = (handler, operation) }
            }
        }
    }

    /// Runs `operationID` as the caller of `context` and answers its JSON (`.null` for an
    /// empty body); an error answer is thrown as the `SluiceError` the API would have sent.
    func call(
        _ operationID: String,
        path: [String: String] = [:],
        query: [(String, String)] = [],
        body: JSONValue? = nil,
        context: SluiceRequestContext
    ) async throws -> JSONValue {
        let (_, responseBody) = try await open(operationID, path: path, query: query, body: body, context: context)
        var bytes: [UInt8] = []
        if let responseBody { bytes = try await [UInt8](collecting: responseBody, upTo: Self.maxResponseBytes) }
        return bytes.isEmpty ? JSONValue.null : try JSONParser.parse(bytes)
    }

    /// Runs `operationID` and hands back its response as it streams (Server-Sent Events); an
    /// error answer is thrown as the `SluiceError` the API would have sent.
    func open(
        _ operationID: String,
        path: [String: String] = [:],
        query: [(String, String)] = [],
        headers: [HTTPField] = [],
        body: JSONValue? = nil,
        context: SluiceRequestContext
    ) async throws -> (HTTPResponse, HTTPBody?) {
        guard let (handler, operation) = handlers.withLockedValue({ $0[operationID] }) else {
            throw SluiceError.internalError
        }
        var target = operation.path
        var parameters: [String: Substring] = [:]
        for (name, value) in path {
            let encoded = Self.percentEncoded(value)
            target = target.replacingOccurrences(of: "{\(name)}", with: encoded)
            parameters[name] = Substring(encoded)
        }
        if !query.isEmpty {
            target += "?" + query.map { "\(Self.percentEncoded($0.0))=\(Self.percentEncoded($0.1))" }.joined(separator: "&")
        }
        var request = HTTPRequest(method: HTTPRequest.Method(operation.method) ?? .get, scheme: nil, authority: nil, path: target)
        request.headerFields[.accept] = "application/json, text/event-stream"
        request.headerFields.append(contentsOf: headers)
        var requestBody: HTTPBody?
        if let body {
            let bytes = Array(body.jsonText.utf8)
            request.headerFields[.contentType] = "application/json"
            request.headerFields[.contentLength] = String(bytes.count)
            requestBody = HTTPBody(bytes)
        }
        let metadata = ServerRequestMetadata(pathParameters: parameters)
        let (response, body): (HTTPResponse, HTTPBody?)
        do {
            (response, body) = try await SluiceRequestContext.$current.withValue(context) {
                try await handler(request, requestBody, metadata)
            }
        } catch {
            // As the API would have answered it (the runtime wraps what handlers throw).
            throw ProblemMiddleware.problem(for: error, logger: context.logger)
        }
        guard response.status.code < 400 else {
            var bytes: [UInt8] = []
            if let body { bytes = (try? await [UInt8](collecting: body, upTo: Self.maxResponseBytes)) ?? [] }
            throw Self.problem(response.status, (try? JSONParser.parse(bytes)) ?? .null)
        }
        return (response, body)
    }

    /// A problem+json answer as the error it stands for.
    private static func problem(_ status: HTTPResponse.Status, _ json: JSONValue) -> SluiceError {
        SluiceError(
            kind: ProblemKind(rawValue: json["type"]?.stringValue.map { String($0.split(separator: "/").last ?? "") } ?? "")
                ?? ProblemKind(httpStatus: status),
            status: status,
            title: json["title"]?.stringValue ?? status.reasonPhrase,
            detail: json["detail"]?.stringValue,
            fieldErrors: (json["errors"]?.arrayValue ?? []).compactMap { error in
                guard let pointer = error["pointer"]?.stringValue, let detail = error["detail"]?.stringValue else { return nil }
                return SluiceError.FieldError(pointer: pointer, detail: detail)
            }
        )
    }

    private static let unreserved = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")

    static func percentEncoded(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: unreserved) ?? ""
    }
}
