import Foundation
import Glibc
import Logging
import PostgresNIO
import Testing

@testable import SluiceDatabase
@testable import SluiceServer

/// `Database` against servers that misbehave, without a Sluice around it.
@Suite("Database: deadlines and fail-fast")
struct DatabaseTests {
    /// A port that completes TCP handshakes (the kernel's backlog) and never says a word.
    final class BlackHole: @unchecked Sendable {
        let port: Int
        private let socket: Int32

        init() throws {
            (socket, port) = try loopbackListener()
        }

        deinit { close(socket) }
    }

    static func withDatabase<T: Sendable>(
        port: Int,
        timeout: Duration,
        _ body: @Sendable (Database) async throws -> T
    ) async throws -> T {
        try await withClient(.init(host: "127.0.0.1", port: port, username: "u", password: "p", database: "d", tls: .disable)) { client in
            var configuration = Database.Configuration()
            configuration.callTimeout = timeout
            return try await body(Database(client: client, configuration: configuration, logger: TestEnvironment.logger))
        }
    }

    @Test("a server that never answers: the call is abandoned at its deadline, and the next ones fail at once until a probe gets through")
    func silentServer() async throws {
        let hole = try BlackHole()
        try await Self.withDatabase(port: hole.port, timeout: .seconds(1)) { database in
            let start = ContinuousClock.now
            await #expect(throws: DatabaseUnavailable.self) { try await database.query("SELECT 1", logger: TestEnvironment.logger) }
            let first = ContinuousClock.now - start
            #expect(first >= .milliseconds(900) && first < .seconds(5), "abandoned after \(first)")
            #expect(!database.isReachable)
            let again = ContinuousClock.now
            await #expect(throws: DatabaseUnavailable.self) { try await database.query("SELECT 1", logger: TestEnvironment.logger) }
            #expect(ContinuousClock.now - again < .milliseconds(200), "fails fast while unreachable")
            #expect(Database.isUnavailable(DatabaseUnavailable(reason: "x")))
        }
    }

    @Test("a refused connection is unavailable, never a hang; the real database is reachable and answers")
    func refusedThenReal() async throws {
        let closed = unusedPort()
        try await Self.withDatabase(port: closed, timeout: .seconds(2)) { database in
            let start = ContinuousClock.now
            await #expect(throws: (any Error).self) { try await database.query("SELECT 1", logger: TestEnvironment.logger) }
            #expect(ContinuousClock.now - start < .seconds(5))
            #expect(!database.isReachable)
        }
        try await asSuperuser { client in
            let database = client.database
            var one: Int32 = 0
            for try await value in try await database.query("SELECT 1::int4", logger: TestEnvironment.logger).decode(Int32.self) { one = value }
            #expect(one == 1 && database.isReachable)
        }
    }

    @Test("a pool whose every connection is busy is slow, not unreachable: a call that waits past its deadline fails alone, the next wait their turn")
    func busyPool() async throws {
        var configuration = try TestEnvironment.configuration().postgresConfiguration()
        configuration.options.maximumConnections = 1
        configuration.options.minimumConnections = 0
        try await withClient(configuration) { client in
            let database = Database(client: client, configuration: .init(callTimeout: .seconds(1)), logger: TestEnvironment.logger)
            // The one connection opened first, without the 1-second deadline (on a machine busy
            // with the other suites, connecting may take longer; that is not what is tested).
            try await client.query("SELECT 1", logger: TestEnvironment.logger)
            let holder = Task {
                try await database.withConnection(timeout: .limit(.seconds(10))) { connection in
                    try await connection.query("SELECT pg_sleep(2.5)", logger: TestEnvironment.logger).collect()
                }
            }
            try await Task.sleep(for: .milliseconds(500))
            await #expect(throws: DatabaseUnavailable.self) { try await database.query("SELECT 1", logger: TestEnvironment.logger) }
            #expect(database.isReachable, "the only connection was busy; PostgreSQL answered all along")
            _ = try await holder.value
            try await database.query("SELECT 1", logger: TestEnvironment.logger)
        }
    }

    @Test("a deadlock victim is run again, whole: two statements (and two transactions) locking two rows in opposite orders both succeed")
    func deadlockRetried() async throws {
        try await withClient(try TestEnvironment.configuration().postgresConfiguration()) { client in
            let database = Database(client: client, configuration: .init(callTimeout: .seconds(20)), logger: TestEnvironment.logger)
            let table = "deadlock_\(UUID().uuidString.prefix(8).lowercased())"
            try await database.query("CREATE TABLE \(unescaped: table) (id int PRIMARY KEY, v int NOT NULL)", logger: TestEnvironment.logger)
            try await database.query("INSERT INTO \(unescaped: table) VALUES (1, 0), (2, 0)", logger: TestEnvironment.logger)
            // One statement: lock `first`, wait, then lock `second`.
            @Sendable func crossing(_ first: Int, _ second: Int) -> PostgresQuery {
                """
                WITH a AS (UPDATE \(unescaped: table) SET v = v + 1 WHERE id = \(first) RETURNING pg_sleep(0.3))
                UPDATE \(unescaped: table) SET v = v + 1 WHERE id = \(second) AND (SELECT count(*) FROM a) = 1
                """
            }
            // The two statements at once, then the two transactions at once: one of each pair is
            // the deadlock victim, run again once the other commits.
            for transactions in [false, true] {
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for (first, second) in [(1, 2), (2, 1)] {
                        group.addTask { () async throws -> Void in
                            if transactions {
                                try await database.transaction(logger: TestEnvironment.logger) { connection -> Void in
                                    _ = try await connection.query(crossing(first, second), logger: TestEnvironment.logger)
                                }
                            } else {
                                try await database.committed(logger: TestEnvironment.logger) { connection -> Void in
                                    _ = try await connection.query(crossing(first, second), logger: TestEnvironment.logger)
                                }
                            }
                        }
                    }
                    try await group.waitForAll()
                }
            }
            var values: [Int32] = []
            for try await value in try await database.query("SELECT v FROM \(unescaped: table) ORDER BY id", logger: TestEnvironment.logger)
                .decode(Int32.self)
            {
                values.append(value)
            }
            // Each of the four ran exactly once in the end: every row was raised by each.
            #expect(values == [4, 4])
            try await database.query("DROP TABLE \(unescaped: table)", logger: TestEnvironment.logger)
        }
    }
}
