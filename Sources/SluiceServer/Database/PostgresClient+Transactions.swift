import Logging
import PostgresNIO

extension PostgresClient {
    /// `withTransaction`, but rethrowing the closure's own error rather than postgres-nio's
    /// wrapper, so that domain errors reach the HTTP layer as they were thrown. A transaction
    /// PostgreSQL aborted as a deadlock victim or a serialization failure is run again (up to
    /// `attempts` times in all), as PostgreSQL's documentation advises: nothing of it was kept.
    func transaction<Result: Sendable>(
        logger: Logger, attempts: Int = 3, _ body: (PostgresConnection) async throws -> sending Result
    ) async throws -> Result {
        var attempt = 1
        while true {
            do {
                return try await withTransaction(logger: logger, body)
            } catch let error as PostgresTransactionError {
                let cause = error.closureError ?? error.commitError ?? error.beginError
                if let psql = cause as? PSQLError, psql.isTransient, attempt < attempts {
                    logger.notice("transaction retried", metadata: ["sqlstate": "\(psql.sqlState ?? "")", "attempt": "\(attempt)"])
                    attempt += 1
                    try await Task.sleep(for: .milliseconds(Int.random(in: 5...50) * attempt))
                    continue
                }
                if let closureError = error.closureError { throw closureError }
                throw error
            }
        }
    }
}

extension PSQLError {
    /// The SQLSTATE the server sent, e.g. `23505` for a unique violation.
    var sqlState: String? { serverInfo?[.sqlState] }
    var constraint: String? { serverInfo?[.constraintName] }
    var isUniqueViolation: Bool { sqlState == "23505" }
    var isForeignKeyViolation: Bool { sqlState == "23503" }
    /// A deadlock victim or serialization failure: the transaction may be run again as it was.
    var isTransient: Bool { sqlState == "40P01" || sqlState == "40001" }
}
