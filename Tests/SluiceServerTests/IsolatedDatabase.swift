import Foundation
import Glibc
import PostgresNIO
import Testing

@testable import SluiceDatabase
@testable import SluiceServer

/// A migrated database of a test's own, for tests whose workers (webhook delivery, the pull
/// poller, the rollup consumer) would otherwise serve every tenant of the shared test
/// database and so meet other suites' work. On a suite it applies to each of its tests. The
/// copy is made from a template migrated once per process (`CREATE DATABASE … TEMPLATE`,
/// a fraction of a second), and dropped when the test ends. Everything that reads
/// `TestEnvironment.databaseURL` in the test's task (the harness, server processes, clients)
/// sees it.
struct IsolatedDatabase: TestTrait, SuiteTrait, TestScoping {
    var isRecursive: Bool { true }

    func provideScope(for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void) async throws {
        guard !test.isSuite else { return try await function() }
        let name = try await DatabaseTemplate.shared.copy()
        do {
            try await TestEnvironment.$isolatedDatabase.withValue(name) { try await function() }
        } catch {
            await DatabaseTemplate.drop(name)
            throw error
        }
        await DatabaseTemplate.drop(name)
    }
}

extension Trait where Self == IsolatedDatabase {
    /// Each test in a migrated database of its own.
    static var isolatedDatabase: Self { IsolatedDatabase() }
}

/// The process's migrated template database, made on first use.
actor DatabaseTemplate {
    static let shared = DatabaseTemplate()
    private static let prefix = "sluice_iso_"
    private var made: Task<String, any Error>?
    private var copies = 0

    /// A new database copied from the template.
    func copy() async throws -> String {
        if made == nil { made = Task { try await Self.make() } }
        let template = try await made!.value
        copies += 1
        let name = "\(Self.prefix)\(getpid())_\(copies)"
        try await asSuperuser { admin in
            try await admin.query("CREATE DATABASE \(unescaped: name) TEMPLATE \(unescaped: template) OWNER sluice", logger: TestEnvironment.logger)
        }
        return name
    }

    static func drop(_ name: String) async {
        _ = try? await asSuperuser { admin in
            try await admin.query("DROP DATABASE IF EXISTS \(unescaped: name) WITH (FORCE)", logger: TestEnvironment.logger)
        }
    }

    /// Drops what processes that are gone left behind, then makes and migrates this one's
    /// template (no connection stays open to it, as copying requires).
    private static func make() async throws -> String {
        let template = "\(prefix)\(getpid())_template"
        try await asSuperuser { admin in
            var stale: [String] = []
            for try await name in try await admin.query(
                "SELECT datname FROM pg_database WHERE datname LIKE 'sluice\\_iso\\_%'",
                logger: TestEnvironment.logger
            ).decode(String.self) {
                let pid = name.dropFirst(prefix.count).prefix { $0.isNumber }
                if let pid = Int32(pid), pid == getpid() || kill(pid, 0) != 0 { stale.append(name) }
            }
            for name in stale {
                try await admin.query("DROP DATABASE IF EXISTS \(unescaped: name) WITH (FORCE)", logger: TestEnvironment.logger)
            }
            try await admin.query("CREATE DATABASE \(unescaped: template) OWNER sluice", logger: TestEnvironment.logger)
        }
        try await asSuperuser(database: template) { client in
            try await client.query("CREATE EXTENSION IF NOT EXISTS citext", logger: TestEnvironment.logger)
            try await client.query("CREATE EXTENSION IF NOT EXISTS hll", logger: TestEnvironment.logger)
        }
        var configuration = TestEnvironment.configuration()
        configuration.databaseURL = TestEnvironment.url(of: template)
        let migrator = try Migrator(directory: configuration.migrationsDirectory, logger: TestEnvironment.logger)
        _ = try await withClient(try configuration.postgresConfiguration()) { try await migrator.migrate(client: $0) }
        // The migration's pool closes its connections as it stops, a moment later; a copy
        // while one is open fails ("being accessed by other users").
        for _ in 0..<100 {
            let open = try await asSuperuser { admin in
                let rows = try await admin.query("SELECT count(*) FROM pg_stat_activity WHERE datname = \(template)", logger: TestEnvironment.logger)
                for try await count in rows.decode(Int64.self) { return count }
                return 0
            }
            if open == 0 { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        return template
    }
}
