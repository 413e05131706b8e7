import Crypto
import Foundation
import Logging
import PostgresNIO

/// Applies the numbered SQL files of `migrations/` in order, each in its own transaction,
/// under a PostgreSQL advisory lock so that any number of nodes may start at once. Each
/// applied file is recorded with its SHA-256; a recorded file that has since changed is
/// refused, since the database no longer matches what the code expects.
public struct Migrator: Sendable {
    public struct Migration: Sendable, Equatable {
        public var version: Int
        public var name: String
        public var up: String
        public var down: String?
        public var checksum: String
    }

    public enum Error: Swift.Error, CustomStringConvertible, Equatable {
        case checksumMismatch(version: Int, name: String)
        case unknownAppliedMigration(version: Int, name: String)
        case badFileName(String)
        case duplicateVersion(Int)
        case missingDownMigration(version: Int, name: String)

        public var description: String {
            switch self {
            case .checksumMismatch(let version, let name):
                "migration \(version) (\(name)) was changed after it was applied; restore the file or add a new migration instead"
            case .unknownAppliedMigration(let version, let name):
                "the database has migration \(version) (\(name)) that this build does not know; run a newer sluice"
            case .badFileName(let file):
                "'\(file)' is not named NNNN_name.up.sql or NNNN_name.down.sql"
            case .duplicateVersion(let version):
                "two migrations have the version \(version)"
            case .missingDownMigration(let version, let name):
                "migration \(version) (\(name)) has no .down.sql to revert it"
            }
        }
    }

    /// Arbitrary but fixed: the key of the advisory lock held while migrating.
    package static let lockKey: Int64 = 0x736C_7569_6365  // "sluice"

    public let migrations: [Migration]
    package let logger: Logger

    public init(directory: String, logger: Logger) throws {
        self.migrations = try Self.load(directory: directory)
        self.logger = logger
    }

    public static func load(directory: String) throws -> [Migration] {
        let files = try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".sql") }.sorted()
        var ups: [Int: (String, String)] = [:]
        var downs: [Int: String] = [:]
        for file in files {
            let parts = file.split(separator: "_", maxSplits: 1)
            guard parts.count == 2, parts[0].count == 4, let version = Int(parts[0]) else { throw Error.badFileName(file) }
            let contents = try String(contentsOfFile: directory + "/" + file, encoding: .utf8)
            if file.hasSuffix(".up.sql") {
                guard ups[version] == nil else { throw Error.duplicateVersion(version) }
                ups[version] = (String(parts[1].dropLast(".up.sql".count)), contents)
            } else if file.hasSuffix(".down.sql") {
                downs[version] = contents
            } else {
                throw Error.badFileName(file)
            }
        }
        return ups.keys.sorted().map { version in
            let (name, up) = ups[version]!
            let checksum = SHA256.hash(data: Data(up.utf8)).map { String(format: "%02x", $0) }.joined()
            return Migration(version: version, name: name, up: up, down: downs[version], checksum: checksum)
        }
    }

    /// Applies what is pending; returns the versions applied now.
    @discardableResult
    public func migrate(client: PostgresClient) async throws -> [Int] {
        try await withLock(client: client) { connection in
            let applied = try await appliedMigrations(on: connection)
            try check(applied: applied)
            var done: [Int] = []
            for migration in migrations where applied[migration.version] == nil {
                logger.info("Applying migration", metadata: ["version": "\(migration.version)", "name": "\(migration.name)"])
                try await inTransaction(on: connection) {
                    try await run(script: migration.up, on: connection)
                    try await connection.query(
                        """
                        INSERT INTO sluice_migrations (version, name, checksum)
                        VALUES (\(migration.version), \(migration.name), \(migration.checksum))
                        """,
                        logger: logger
                    )
                }
                done.append(migration.version)
            }
            return done
        }
    }

    /// Reverts applied migrations above `version`, newest first.
    public func revert(to version: Int, client: PostgresClient) async throws -> [Int] {
        try await withLock(client: client) { connection in
            let applied = try await appliedMigrations(on: connection)
            try check(applied: applied)
            var reverted: [Int] = []
            for migration in migrations.reversed() where migration.version > version && applied[migration.version] != nil {
                guard let down = migration.down else {
                    throw Error.missingDownMigration(version: migration.version, name: migration.name)
                }
                logger.info("Reverting migration", metadata: ["version": "\(migration.version)", "name": "\(migration.name)"])
                try await inTransaction(on: connection) {
                    try await run(script: down, on: connection)
                    try await connection.query("DELETE FROM sluice_migrations WHERE version = \(migration.version)", logger: logger)
                }
                reverted.append(migration.version)
            }
            return reverted
        }
    }

    /// How many migrations are applied, and whether that is all of them (for /readyz).
    package func status(database: Database, timeout: Duration) async throws -> (applied: Int, current: Bool) {
        try await database.withConnection(timeout: .limit(timeout)) { connection in
            let rows = try await connection.query("SELECT to_regclass('sluice_migrations') IS NOT NULL", logger: logger)
            var exists = false
            for try await value in rows.decode(Bool.self) { exists = value }
            guard exists else { return (0, migrations.isEmpty) }
            let applied = try await appliedMigrations(on: connection)
            let current = migrations.allSatisfy { applied[$0.version]?.checksum == $0.checksum }
            return (applied.count, current && applied.count == migrations.count)
        }
    }

    private func check(applied: [Int: (name: String, checksum: String)]) throws {
        let known = Dictionary(uniqueKeysWithValues: migrations.map { ($0.version, $0) })
        for (version, record) in applied.sorted(by: { $0.key < $1.key }) {
            guard let migration = known[version] else {
                throw Error.unknownAppliedMigration(version: version, name: record.name)
            }
            guard migration.checksum == record.checksum else {
                throw Error.checksumMismatch(version: version, name: migration.name)
            }
        }
    }

    private func appliedMigrations(on connection: PostgresConnection) async throws -> [Int: (name: String, checksum: String)] {
        let rows = try await connection.query("SELECT version, name, checksum FROM sluice_migrations", logger: logger)
        var applied: [Int: (name: String, checksum: String)] = [:]
        for try await (version, name, checksum) in rows.decode((Int, String, String).self) {
            applied[version] = (name, checksum)
        }
        return applied
    }

    private func withLock<T: Sendable>(client: PostgresClient, _ body: (PostgresConnection) async throws -> T) async throws -> T {
        try await client.withConnection { connection in
            try await connection.query("SELECT pg_advisory_lock(\(Self.lockKey))", logger: logger)
            do {
                try await connection.query(
                    """
                    CREATE TABLE IF NOT EXISTS sluice_migrations (
                        version    integer PRIMARY KEY,
                        name       text NOT NULL,
                        checksum   text NOT NULL,
                        applied_at timestamptz NOT NULL DEFAULT now()
                    )
                    """,
                    logger: logger
                )
                let result = try await body(connection)
                try await connection.query("SELECT pg_advisory_unlock(\(Self.lockKey))", logger: logger)
                return result
            } catch {
                _ = try? await connection.query("SELECT pg_advisory_unlock(\(Self.lockKey))", logger: logger)
                throw error
            }
        }
    }

    private func run(script: String, on connection: PostgresConnection) async throws {
        for statement in SQLScript.statements(script) {
            try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
        }
    }

    private func inTransaction(on connection: PostgresConnection, _ body: () async throws -> Void) async throws {
        try await connection.query("BEGIN", logger: logger)
        do {
            try await body()
            try await connection.query("COMMIT", logger: logger)
        } catch {
            _ = try? await connection.query("ROLLBACK", logger: logger)
            throw error
        }
    }
}
