import Logging
import PostgresNIO

extension PostgresClient {
    /// `withTransaction`, but rethrowing the closure's own error rather than postgres-nio's
    /// wrapper, so that domain errors reach the HTTP layer as they were thrown.
    func transaction<Result: Sendable>(
        logger: Logger, _ body: (PostgresConnection) async throws -> sending Result
    ) async throws -> Result {
        do {
            return try await withTransaction(logger: logger, body)
        } catch let error as PostgresTransactionError {
            if let closureError = error.closureError { throw closureError }
            throw error
        }
    }
}

extension PSQLError {
    /// The SQLSTATE the server sent, e.g. `23505` for a unique violation.
    var sqlState: String? { serverInfo?[.sqlState] }
    var constraint: String? { serverInfo?[.constraintName] }
    var isUniqueViolation: Bool { sqlState == "23505" }
    var isForeignKeyViolation: Bool { sqlState == "23503" }
}
