import Foundation
import Glibc
import PostgresNIO
import Testing

@testable import SluiceAnalytics
@testable import SluiceCore
@testable import SluiceDelivery
@testable import SluicePull
@testable import SluiceServer

/// Start-up and shutdown order of the real binary.
@Suite("Lifecycle: nothing runs before the schema, everything stops in order")
struct LifecycleTests {
    /// A database URL of the tests' cluster with another database name.
    static func url(_ base: String, database: String) -> String {
        var components = URLComponents(string: base)!
        components.path = "/" + database
        return components.string!
    }

    @Test("serve on an empty database with every worker on: migrations first, no worker meets a missing table; SIGTERM ends it cleanly")
    func migrationsFirst() async throws {
        let database = "sluice_fresh_\(UInt32.random(in: 0...UInt32.max))"
        try await asSuperuser { client in
            try await client.query("CREATE DATABASE \(unescaped: database) OWNER sluice", logger: TestEnvironment.logger)
        }
        try await asSuperuser(database: database) { client in
            try await client.query("CREATE EXTENSION IF NOT EXISTS citext", logger: TestEnvironment.logger)
            try await client.query("CREATE EXTENSION IF NOT EXISTS hll", logger: TestEnvironment.logger)
        }
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("\(database).log")
        FileManager.default.createFile(atPath: log.path, contents: nil)
        let handle = try FileHandle(forWritingTo: log)
        let process = Process()
        process.executableURL = ServerProcess.binary
        let port = unusedPort()
        process.arguments = ["serve", "--listen", "127.0.0.1:\(port)", "--log-format", "text"]
        var environment = ProcessInfo.processInfo.environment
        environment["SLUICE_DATABASE_URL"] = Self.url(TestEnvironment.databaseURL, database: database)
        environment["SLUICE_LOG_LEVEL"] = "warning"
        environment["SLUICE_MIGRATIONS_DIR"] = TestEnvironment.repositoryRoot.appendingPathComponent("migrations").path
        environment["SLUICE_WORKER_CONCURRENCY"] = "2"
        environment["SLUICE_PULL_CONCURRENCY"] = "2"
        environment["SLUICE_ROLLUPS"] = "true"
        process.environment = environment
        process.standardError = handle
        process.standardOutput = handle
        try process.run()
        var healthy = false
        for _ in 0..<300 where !healthy {
            try await Task.sleep(for: .milliseconds(100))
            let connection = try? RawConnection(port: port)
            if let connection {
                connection.send("GET /readyz HTTP/1.1\r\nHost: sluice\r\nConnection: close\r\n\r\n")
                healthy = await connection.receive(within: 2).text.hasPrefix("HTTP/1.1 200")
                connection.close()
            }
        }
        #expect(healthy, "ready on a database it migrated itself")
        // Let the workers poll a few times.
        try await Task.sleep(for: .seconds(2))
        let stopping = ContinuousClock.now
        Glibc.kill(process.processIdentifier, SIGTERM)
        while process.isRunning, ContinuousClock.now - stopping < .seconds(30) { try await Task.sleep(for: .milliseconds(50)) }
        #expect(!process.isRunning, "SIGTERM ends the process")
        if process.isRunning { Glibc.kill(process.processIdentifier, SIGKILL) }
        try? handle.close()
        let output = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        #expect(!output.contains("does not exist"), "\(output.prefix(2000))")
        #expect(!output.lowercased().contains("error"), "\(output.prefix(2000))")
        try await asSuperuser { client in
            try await client.query("DROP DATABASE IF EXISTS \(unescaped: database) WITH (FORCE)", logger: TestEnvironment.logger)
        }
    }

    @Test("SIGTERM answers the requests in flight: a long poll started before it gets its 200")
    func inFlightAnswered() async throws {
        let (stream, key) = try await withSluice { harness in
            let owner = try await harness.signup("inflight")
            return try await harness.stream(owner)
        }
        let server = try await ServerProcess()
        defer { server.kill() }
        let client = server.client(key)
        _ = try await client.createConsumerGroup(path: .init(stream: stream), body: .json(.init(name: "g"))).created
        _ = try await client.joinConsumerGroup(path: .init(stream: stream, group: "g", memberId: "m"), body: .json(.init())).ok
        async let polled = client.fetchConsumerGroup(path: .init(stream: stream, group: "g"), body: .json(.init(memberId: "m", waitMs: 3000)))
        try await Task.sleep(for: .milliseconds(500))
        Glibc.kill(server.process.processIdentifier, SIGTERM)
        let answer = try await polled
        #expect((try? answer.ok) != nil, "the long poll in flight at SIGTERM is answered: \(answer)")
        let stopping = ContinuousClock.now
        while server.process.isRunning, ContinuousClock.now - stopping < .seconds(30) { try await Task.sleep(for: .milliseconds(50)) }
        #expect(!server.process.isRunning, "and the process ends")
    }

    @Test("both roles share one build; a service comes after what it uses, so the pool stops last and each HTTP client after its worker")
    func serviceOrder() async throws {
        var configuration = TestEnvironment.configuration()
        configuration.workers.concurrency = 2
        configuration.pull.concurrency = 2
        configuration.analytics.rollups = true
        let work = try BackgroundWork(configuration, logger: TestEnvironment.logger)
        let names = work.services.map { String(describing: type(of: $0)) }
        // A ServiceGroup stops its services in reverse order.
        #expect(
            names == ["PostgresClient", "EventNotifier", "HTTPClientService", "DeliveryWorker", "RollupConsumer", "HTTPClientService", "PullWorker"]
        )
        for case let client as HTTPClientService in work.services { try await client.http.shutdown() }
        configuration.workers.concurrency = 0
        configuration.pull.concurrency = 0
        configuration.analytics.rollups = false
        let none = try BackgroundWork(configuration, logger: TestEnvironment.logger)
        #expect(none.services.map { String(describing: type(of: $0)) } == ["PostgresClient", "EventNotifier"])
        #expect(none.delivery == nil && none.pull == nil && none.rollups == nil)
    }
}
