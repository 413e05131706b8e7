import PostgresNIO

extension PSQLError {
    /// The SQLSTATE the server sent, e.g. `23505` for a unique violation.
    package var sqlState: String? { serverInfo?[.sqlState] }
    package var constraint: String? { serverInfo?[.constraintName] }
    package var isUniqueViolation: Bool { sqlState == "23505" }
    package var isForeignKeyViolation: Bool { sqlState == "23503" }
    /// A CHECK constraint refused the row (for `events`, no time partition holds it).
    package var isCheckViolation: Bool { sqlState == "23514" }
    /// A deadlock victim or serialization failure: the transaction may be run again as it was.
    package var isTransient: Bool { sqlState == "40P01" || sqlState == "40001" }
    /// `sluice_append_check` refused an append: its stream is gone (migration 0016).
    package var isStreamGone: Bool { sqlState == "SLGNE" }
}
