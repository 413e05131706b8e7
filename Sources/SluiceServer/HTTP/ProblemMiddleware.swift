import Hummingbird
import Logging
import OpenAPIRuntime
import PostgresNIO
import SluiceCore
import SluiceDatabase

/// Renders every error as RFC 9457 problem+json: domain errors as they say, Hummingbird's
/// own (404 route, 413 body) by their status, undecodable requests as 400, and anything
/// unexpected as a 500 that is logged without request bodies or secrets.
struct ProblemMiddleware: RouterMiddleware {
    typealias Context = SluiceRequestContext

    func handle(
        _ request: Request,
        context: Context,
        next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            let problem = Self.problem(for: error, logger: context.logger)
            return problem.response(instance: request.uri.path, requestID: context.requestID)
        }
    }

    static func problem(for error: any Error, logger: Logger) -> SluiceError {
        switch error {
        case let error as SluiceError:
            return error
        case let error as ServerError:
            if let domain = unwrap(error.underlyingError) { return domain }
            if error.operationInput == nil {
                // The request could not be turned into the operation's input.
                return .badRequest(describeDecodingFailure(error))
            }
            logger.error(
                "Unhandled error in operation",
                metadata: ["operation": .string(error.operationID), "error": .string(String(reflecting: error.underlyingError))]
            )
            return .internalError
        case let error as HTTPError:
            if error.status == .contentTooLarge {
                // BodyLimitMiddleware names the configured limit itself; this is any other 413.
                return SluiceError(
                    kind: .payloadTooLarge,
                    status: .contentTooLarge,
                    title: "Payload too large",
                    detail: "The request body is larger than the limit."
                )
            }
            return SluiceError(
                kind: ProblemKind(httpStatus: error.status),
                status: error.status,
                title: error.status.reasonPhrase,
                detail: error.body,
                headers: error.headers
            )
        default:
            if let domain = unwrap(error) { return domain }
            logger.error("Unhandled error", metadata: ["error": .string(String(reflecting: error))])
            return .internalError
        }
    }

    /// Domain errors arrive wrapped by postgres-nio's transactions and the OpenAPI runtime. A
    /// database that cannot serve now (unreachable, a call past its deadline, the server
    /// shutting down) is one answer wherever it happens: 503 with `Retry-After`.
    static func unwrap(_ error: any Error) -> SluiceError? {
        switch error {
        case let error as SluiceError: return error
        case let error as ServerError: return unwrap(error.underlyingError)
        case let transaction as PostgresTransactionError:
            if let domain = transaction.closureError.flatMap(unwrap) { return domain }
            return Database.isUnavailable(transaction) ? databaseUnavailable : nil
        default:
            return Database.isUnavailable(error) ? databaseUnavailable : nil
        }
    }

    static let databaseUnavailable = SluiceError.unavailable("The database is unavailable for the moment; retry after the time in Retry-After.")

    private static func describeDecodingFailure(_ error: ServerError) -> String {
        if let decoding = error.underlyingError as? DecodingError {
            switch decoding {
            case .typeMismatch(_, let context), .valueNotFound(_, let context),
                .keyNotFound(_, let context), .dataCorrupted(let context):
                // Parameters are checked (formats included) before decoding: what fails here is
                // the body, or a value read with no coding path.
                guard !context.codingPath.isEmpty else { return "The request is invalid: \(context.debugDescription)" }
                let path = context.codingPath.map(\.stringValue).joined(separator: "/")
                return "The request body is invalid at /\(path): \(context.debugDescription)"
            @unknown default:
                return "The request body is invalid."
            }
        }
        return "The request is invalid: \(error.causeDescription)."
    }
}
