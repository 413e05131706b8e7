import Logging
import NIOConcurrencyHelpers
import PostgresNIO
import SluiceSupport
import Synchronization

/// Thrown instead of waiting when PostgreSQL is known to be unreachable, or when a call
/// passed its deadline: the caller answers 503 with `Retry-After` (DESIGN.md §14).
package struct DatabaseUnavailable: Error, CustomStringConvertible {
    package var reason: String
    package var description: String { "PostgreSQL is unavailable: \(reason)" }
}

/// The application's way to PostgreSQL: the pool, with a deadline on every call and a view of
/// whether the database can be reached now (DESIGN.md §14).
///
/// - Every call (lease, statements, the rows read back) has a deadline. A call past it is
///   abandoned: its connection is closed, so the pool drops it instead of lending it again, and
///   the caller gets `DatabaseUnavailable` at once, whatever the abandoned call still waits on.
///   postgres-nio 1.33 can leave a query waiting for good when PostgreSQL ends the connection
///   under it (an immediate shutdown: seen on BEGIN, on a statement and on COMMIT); without a
///   deadline that call held its partition's writer forever.
/// - A connection-level failure marks the database unreachable: the calls in flight are
///   abandoned at once (their connections may be dead), and calls then fail at once (no
///   request waits out a deadline while PostgreSQL is down) except one every `probeInterval`,
///   which goes through, within `probeTimeout`, to find out (a call, `/readyz` or a worker's:
///   no background task). The first that reaches PostgreSQL makes it reachable again.
/// - Rows are read inside the deadline: `query` returns them collected.
package final class Database: Sendable {
    package struct Configuration: Sendable {
        /// The longest a call may take, lease included.
        package var callTimeout: Duration
        package var probeInterval: Duration
        package var probeTimeout: Duration
        package init(callTimeout: Duration = .seconds(10), probeInterval: Duration = .milliseconds(500), probeTimeout: Duration = .seconds(2)) {
            self.callTimeout = callTimeout
            self.probeInterval = probeInterval
            self.probeTimeout = probeTimeout
        }
    }

    package let client: PostgresClient
    package let configuration: Configuration
    private let logger: Logger
    private let state = Mutex(State())

    private struct State {
        var reachable = true
        /// While unreachable: a call in flight is the probe, and when the next may go.
        var probing = false
        var nextProbe = ContinuousClock.now
        var lastFailure = ""
        /// The calls in flight, each with the way to abandon it.
        var calls: [ObjectIdentifier: @Sendable (any Error) -> Void] = [:]
        /// Connections lent to calls right now: while any is, a call that got none within its
        /// deadline met a busy pool, not an unreachable server.
        var lent = 0
    }

    package init(client: PostgresClient, configuration: Configuration = .init(), logger: Logger) {
        self.client = client
        self.configuration = configuration
        self.logger = logger
    }

    /// How long a call may take.
    package enum Timeout: Sendable {
        /// `Configuration.callTimeout`.
        case standard
        case limit(Duration)
        /// No deadline, for a connection held on purpose (LISTEN); it never probes.
        case unbounded
    }

    /// Whether the last call reached PostgreSQL.
    package var isReachable: Bool { state.withLock { $0.reachable } }

    /// Runs `body` on a pooled connection within `timeout`.
    package func withConnection<Result: Sendable>(
        timeout: Timeout = .standard,
        file: String = #fileID,
        line: Int = #line,
        _ body: @escaping @Sendable (PostgresConnection) async throws -> Result
    ) async throws -> Result {
        // A cancelled caller starts nothing (as postgres-nio's lease would refuse it); a call
        // once started runs to its end or its deadline whatever befalls the caller, so that a
        // commit is never cut off halfway by a shutdown.
        try Task.checkCancellation()
        // While PostgreSQL is unreachable, one call every `probeInterval` goes through to find
        // out (the probe); the others fail at once.
        let requested: Duration? =
            switch timeout {
            case .standard: configuration.callTimeout
            case .limit(let limit): limit
            case .unbounded: nil
            }
        let (failure, probing) = state.withLock { state -> (String?, Bool) in
            guard !state.reachable else { return (nil, false) }
            let now = ContinuousClock.now
            // A held connection never probes: it would hold the probe for good.
            guard requested != nil, !state.probing, now >= state.nextProbe else { return (state.lastFailure, false) }
            state.probing = true
            state.nextProbe = now + configuration.probeInterval
            return (nil, true)
        }
        if let failure { throw DatabaseUnavailable(reason: failure) }
        defer { if probing { state.withLock { $0.probing = false } } }
        guard let asked = requested else {
            return try await observe { try await self.client.withConnection(body) }
        }
        let limit = probing ? min(asked, configuration.probeTimeout) : asked
        let leased = NIOLockedValueBox<PostgresConnection?>(nil)
        // Not the caller's task: its cancellation does not reach the call (above).
        let attempt = AbandonableCall<Result>(deadline: limit)
        let call = ObjectIdentifier(attempt)
        state.withLock { $0.calls[call] = attempt.abandon }
        defer { _ = state.withLock { $0.calls.removeValue(forKey: call) } }
        do {
            return try await observe {
                try await attempt.run {
                    try await self.client.withConnection { connection in
                        leased.withLockedValue { $0 = connection }
                        self.state.withLock { $0.lent += 1 }
                        defer { self.state.withLock { $0.lent -= 1 } }
                        return try await body(connection)
                    }
                }
            }
        } catch let error as DeadlineExceeded {
            let connection = leased.withLockedValue { $0 }
            abandon(connection)
            logger.warning("database call abandoned past its deadline", metadata: ["timeout": "\(limit)", "call": "\(file):\(line)"])
            // No connection within the deadline while none was lent: the pool cannot reach
            // PostgreSQL. (A slow statement on a live connection says nothing of the kind, nor
            // does a pool whose every connection is busy: under a load the pool cannot carry,
            // failing every call fast would turn slowness into an outage.)
            let busy = state.withLock { $0.lent > 0 }
            if probing || (connection == nil && !busy) {
                markUnreachable("no connection within \(limit)")
            } else if connection == nil {
                logger.warning("every pooled connection was busy for the call's whole deadline", metadata: ["timeout": "\(limit)"])
            }
            throw DatabaseUnavailable(reason: error.description)
        } catch let error as DatabaseUnavailable {
            abandon(leased.withLockedValue { $0 })
            throw error
        }
    }

    /// Closed, not returned: a connection whose call is lost must not be lent again.
    private func abandon(_ connection: PostgresConnection?) {
        connection?.close().whenComplete { _ in }
    }

    /// One statement; its rows are read within the deadline.
    @discardableResult
    package func query(
        _ query: PostgresQuery,
        logger: Logger,
        timeout: Timeout = .standard,
        file: String = #fileID,
        line: Int = #line
    ) async throws -> Rows {
        try await withConnection(timeout: timeout, file: file, line: line) { connection in
            Rows(rows: try await connection.query(query, logger: logger).collect())
        }
    }

    /// `withTransaction` within one deadline, rethrowing the closure's own error rather than
    /// postgres-nio's wrapper, so that domain errors reach the HTTP layer as they were thrown. A
    /// transaction PostgreSQL aborted as a deadlock victim or a serialization failure is run
    /// again (up to `attempts` times in all), as PostgreSQL's documentation advises: nothing of it
    /// was kept.
    package func transaction<Result: Sendable>(
        logger: Logger,
        attempts: Int = 3,
        timeout: Timeout = .standard,
        file: String = #fileID,
        line: Int = #line,
        _ body: @escaping @Sendable (PostgresConnection) async throws -> Result
    ) async throws -> Result {
        do {
            return try await retryingTransient("transaction", logger: logger, attempts: attempts) {
                try await withConnection(timeout: timeout, file: file, line: line) { connection in
                    try await connection.withTransaction(logger: logger) { try await body($0) }
                }
            }
        } catch let error as PostgresTransactionError {
            if let closureError = error.closureError { throw closureError }
            throw error
        }
    }

    /// Runs `call` again (up to `attempts` times in all, after a short random pause) while it
    /// fails as a deadlock victim or a serialization failure, as PostgreSQL's documentation
    /// advises: nothing of it was kept.
    private func retryingTransient<Result>(
        _ what: String,
        logger: Logger,
        attempts: Int,
        _ call: () async throws -> Result
    ) async throws -> Result {
        var attempt = 1
        while true {
            do {
                return try await call()
            } catch {
                let transaction = error as? PostgresTransactionError
                let wrapped = transaction?.closureError ?? transaction?.commitError ?? transaction?.beginError
                let cause = (error as? PSQLError) ?? (wrapped as? PSQLError)
                guard let cause, cause.isTransient, attempt < attempts else { throw error }
                logger.notice("\(what) retried", metadata: ["sqlstate": "\(cause.sqlState ?? "")", "attempt": "\(attempt)"])
                attempt += 1
                try await Task.sleep(for: .milliseconds(Int.random(in: 5...50) * attempt))
            }
        }
    }

    /// `body`'s one statement in a transaction of its own (autocommit), answered only once its
    /// commit is: postgres-nio ends a statement's rows at CommandComplete, which PostgreSQL
    /// sends before the commit it makes at Sync; it reads the next message on the connection
    /// only after that commit is done (durable, with `synchronous_commit` on), so the answer to
    /// a tiny statement that follows is the proof. One round trip fewer than BEGIN, the
    /// statement and COMMIT, and two statements fewer to parse. `body` must run exactly one
    /// statement (each of several would commit alone). A deadlock victim or serialization
    /// failure is run again, as `transaction` does.
    package func committed<Result: Sendable>(
        logger: Logger,
        attempts: Int = 3,
        timeout: Timeout = .standard,
        file: String = #fileID,
        line: Int = #line,
        _ body: @escaping @Sendable (PostgresConnection) async throws -> Result
    ) async throws -> Result {
        try await retryingTransient("statement", logger: logger, attempts: attempts) {
            try await withConnection(timeout: timeout, file: file, line: line) { connection in
                let result = try await body(connection)
                for try await _ in try await connection.execute(CommitBarrier(), logger: logger) {}
                return result
            }
        }
    }

    /// A read-only transaction at repeatable read: every statement of `body` sees one
    /// snapshot, so that reads of several tables agree with each other (a commit between two
    /// of them is seen by neither).
    package func snapshot<Result: Sendable>(
        logger: Logger,
        timeout: Timeout = .standard,
        file: String = #fileID,
        line: Int = #line,
        _ body: @escaping @Sendable (PostgresConnection) async throws -> Result
    ) async throws -> Result {
        try await transaction(logger: logger, timeout: timeout, file: file, line: line) { connection in
            try await connection.query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY", logger: logger)
            return try await body(connection)
        }
    }

    /// Runs `call`, noting whether PostgreSQL was reached.
    private func observe<Result>(_ call: () async throws -> Result) async throws -> Result {
        do {
            let result = try await call()
            markReachable()
            return result
        } catch {
            if let reason = Self.connectionFailure(error) {
                markUnreachable(reason)
            } else if error is PSQLError || error is PostgresTransactionError {
                markReachable()  // PostgreSQL answered, with an error
            }
            throw error
        }
    }

    private func markReachable() {
        let recovered = state.withLock { state -> Bool in
            defer { state.reachable = true }
            return !state.reachable
        }
        if recovered { logger.notice("PostgreSQL is reachable again") }
    }

    /// PostgreSQL went away: every call in flight is abandoned at once rather than at its
    /// deadline (a call on a connection the server closed may never be answered), and calls
    /// fail fast until a probe reaches it again.
    private func markUnreachable(_ reason: String) {
        let (fresh, calls) = state.withLock { state -> (Bool, [@Sendable (any Error) -> Void]) in
            defer {
                state.reachable = false
                state.lastFailure = reason
            }
            if state.reachable { state.nextProbe = ContinuousClock.now + configuration.probeInterval }
            return state.reachable ? (true, Array(state.calls.values)) : (false, [])
        }
        if fresh {
            logger.error(
                "PostgreSQL is unreachable; failing database calls fast until it answers",
                metadata: ["reason": "\(reason)", "abandoned": "\(calls.count)"]
            )
            for abandon in calls { abandon(DatabaseUnavailable(reason: reason)) }
        }
    }

    /// Why `error` says PostgreSQL cannot be reached (nil: it was reached and refused the call).
    package static func connectionFailure(_ error: any Error) -> String? {
        switch error {
        case let error as PSQLError:
            switch error.code {
            case .connectionError, .serverClosedConnection, .clientClosedConnection, .poolClosed, .uncleanShutdown,
                .messageDecodingFailure, .unexpectedBackendMessage:
                return "\(error.code)"
            case .server:
                // 08: connection exception; 57P01-03: the server is shutting down or starting.
                let state = error.sqlState ?? ""
                return state.hasPrefix("08") || ["57P01", "57P02", "57P03"].contains(state) ? "SQLSTATE \(state)" : nil
            default:
                return nil
            }
        case let error as PostgresTransactionError:
            return (error.beginError ?? error.commitError ?? error.closureError).flatMap(connectionFailure)
        case let error as DatabaseUnavailable:
            return error.reason
        default:
            return nil
        }
    }

    /// Whether `error` means "PostgreSQL cannot serve this now": a 503 with `Retry-After`.
    package static func isUnavailable(_ error: any Error) -> Bool {
        if error is DatabaseUnavailable || error is DeadlineExceeded || connectionFailure(error) != nil { return true }
        // Too many connections, or out of resources: PostgreSQL is there but cannot serve now.
        let psql = (error as? PSQLError) ?? ((error as? PostgresTransactionError)?.closureError as? PSQLError)
        return psql.map { ["53300", "53000", "53100", "53200"].contains($0.sqlState ?? "") } ?? false
    }
}

/// A statement's rows, read to the end within the call's deadline.
package struct Rows: AsyncSequence, Sendable {
    package typealias Element = PostgresRow
    package let rows: [PostgresRow]

    package struct AsyncIterator: AsyncIteratorProtocol {
        package var base: IndexingIterator<[PostgresRow]>
        package mutating func next() async throws -> PostgresRow? { base.next() }
    }

    package func makeAsyncIterator() -> AsyncIterator { AsyncIterator(base: rows.makeIterator()) }

    package func decode<each Column: PostgresDecodable>(
        _ columnType: (repeat each Column).Type,
        file: String = #fileID,
        line: Int = #line
    ) -> AsyncThrowingMapSequence<Rows, (repeat each Column)> {
        map { try $0.decode(columnType, file: file, line: line) }
    }
}

/// The statement after an autocommitted one whose answer proves its commit (`committed`):
/// prepared, so after its first use on a connection it is one Bind/Execute/Sync.
private struct CommitBarrier: PostgresPreparedStatement {
    static let name = "sluice_commit_barrier_v1"
    static let sql = "SELECT 1::int4"
    typealias Row = Int32

    func makeBindings() throws -> PostgresBindings { PostgresBindings() }
    func decodeRow(_ row: PostgresRow) throws -> Row { try row.decode(Int32.self) }
}
