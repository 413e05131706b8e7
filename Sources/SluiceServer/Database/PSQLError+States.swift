import PostgresNIO

extension PSQLError {
    /// The SQLSTATE the server sent, e.g. `23505` for a unique violation.
    var sqlState: String? { serverInfo?[.sqlState] }
    var constraint: String? { serverInfo?[.constraintName] }
    var isUniqueViolation: Bool { sqlState == "23505" }
    var isForeignKeyViolation: Bool { sqlState == "23503" }
    /// A CHECK constraint refused the row (for `events`, no time partition holds it).
    var isCheckViolation: Bool { sqlState == "23514" }
    /// A deadlock victim or serialization failure: the transaction may be run again as it was.
    var isTransient: Bool { sqlState == "40P01" || sqlState == "40001" }
}
