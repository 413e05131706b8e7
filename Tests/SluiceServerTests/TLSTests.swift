import Foundation
import Glibc
import HTTPTypes
import Logging
import PostgresNIO
import Redis
import SluiceClient
import Testing

@testable import SluiceCore
@testable import SluiceServer
@testable import SluiceSupport

/// A certificate authority of the test's own, made with openssl: its certificate, and a server
/// certificate and key it signed for `localhost` (no IP address: a client that checks the
/// name must reach it as localhost).
struct TestAuthority: Sendable {
    let directory: String
    var caFile: String { directory + "/ca.pem" }
    var certificateFile: String { directory + "/server.pem" }
    var keyFile: String { directory + "/server.key" }

    static func make() throws -> TestAuthority {
        let directory = "/var/tmp/sluice-tls-\(UInt32.random(in: 0...UInt32.max))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try "subjectAltName=DNS:localhost\n".write(toFile: directory + "/san.ext", atomically: true, encoding: .utf8)
        let commands = [
            ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem", "-days", "2", "-subj", "/CN=Sluice test CA"],
            ["req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=localhost"],
            [
                "x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-out", "server.pem", "-days", "2",
                "-extfile", "san.ext",
            ],
        ]
        for arguments in commands {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
            process.arguments = arguments
            process.currentDirectoryURL = URL(fileURLWithPath: directory)
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            process.waitUntilExit()
            guard process.terminationStatus == 0 else { throw POSIXError(.EIO) }
        }
        // PostgreSQL reads its key as its own user, and only if no one else can.
        chmod(directory + "/server.key", 0o600)
        if getuid() == 0, let owner = getpwnam("postgres") {
            for file in ["", "/server.key", "/server.pem", "/ca.pem"] { chown(directory + file, owner.pointee.pw_uid, owner.pointee.pw_gid) }
        }
        return TestAuthority(directory: directory)
    }

    func destroy() { try? FileManager.default.removeItem(atPath: directory) }
}

/// TLS to PostgreSQL (sslmode verify-full with a CA file) and to Redis (rediss://, through the
/// in-process TLS relay hiredis talks to), against servers of the test's own with TLS turned
/// on and certificates from a CA the test makes.
@Suite("TLS to PostgreSQL and Redis", .serialized)
struct TLSTests {
    static func tlsSettings(_ authority: TestAuthority) -> String {
        "ssl = on\nssl_cert_file = '\(authority.certificateFile)'\nssl_key_file = '\(authority.keyFile)'\n"
    }

    /// Whether a query over `url` works, and if so whether its connection is encrypted.
    func encrypted(_ url: String, caFile: String? = nil) async throws -> Bool {
        var configuration = TestEnvironment.configuration()
        configuration.databaseURL = url
        configuration.databaseCAFile = caFile
        configuration.databasePoolMinimum = 0
        let postgres = try configuration.postgresConfiguration()
        // A client whose connection is refused keeps trying (as the server's pool does, until
        // the database is reachable again): no connection within 5 s counts as refused.
        return try await withDeadline(.seconds(5)) {
            try await withClient(postgres) { client in
                let rows = try await client.query("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()")
                for try await ssl in rows.decode(Bool.self) { return ssl }
                return false
            }
        }
    }

    @Test(
        "PostgreSQL: verify-full with the CA connects encrypted; a stranger CA, or a name the certificate does not hold, is refused; sslmode reads as libpq's"
    )
    func postgres() async throws {
        let authority = try TestAuthority.make()
        let stranger = try TestAuthority.make()
        let postgres = try OwnPostgres(settings: Self.tlsSettings(authority))
        defer {
            postgres.destroy()
            authority.destroy()
            stranger.destroy()
        }
        let base = "postgres://postgres@localhost:\(postgres.port)/sluice"
        #expect(try await encrypted(base + "?sslmode=verify-full&sslrootcert=\(authority.caFile)"))
        #expect(try await encrypted(base + "?sslmode=verify-full", caFile: authority.caFile), "the CA from SLUICE_DATABASE_CA_FILE")
        await #expect(throws: (any Error).self, "a certificate its CA did not sign") {
            _ = try await encrypted(base + "?sslmode=verify-full&sslrootcert=\(stranger.caFile)")
        }
        await #expect(throws: (any Error).self, "the system's roots do not know the test's CA") {
            _ = try await encrypted(base + "?sslmode=verify-full")
        }
        let byAddress = "postgres://postgres@127.0.0.1:\(postgres.port)/sluice"
        await #expect(throws: (any Error).self, "the certificate is for localhost, not 127.0.0.1") {
            _ = try await encrypted(byAddress + "?sslmode=verify-full&sslrootcert=\(authority.caFile)")
        }
        #expect(try await encrypted(byAddress + "?sslmode=verify-ca&sslrootcert=\(authority.caFile)"), "verify-ca checks the chain only")
        #expect(try await encrypted(byAddress + "?sslmode=require"), "require encrypts without checking")
        #expect(try await encrypted(byAddress + "?sslmode=disable") == false)
        await #expect(throws: ConfigurationError.self) { _ = try await encrypted(base + "?sslmode=verify-all") }
    }

    @Test("Redis: rediss:// with the CA through the relay (commands, AUTH, a restart recovered); a stranger CA or a wrong password is refused")
    func redis() async throws {
        let authority = try TestAuthority.make()
        let stranger = try TestAuthority.make()
        let server = RateLimitTests.OwnRedis(tls: authority, password: "s3cret-token")
        defer {
            server.kill()
            authority.destroy()
            stranger.destroy()
        }
        try await server.start()
        let client = RedisClient(configuration: try server.configuration(), logger: TestEnvironment.logger)
        try await client.send(["SET", "tls:key", "over TLS"])
        #expect(try await client.send(["GET", "tls:key"]).string == "over TLS")
        // Bigger than a TLS record, both ways.
        let big = String(repeating: "x", count: 100_000)
        try await client.send(["SET", "tls:big", big])
        #expect(try await client.send(["GET", "tls:big"]).string == big)
        #expect(try await client.send(["INFO", "server"]).string?.contains("redis_version") == true)

        var wrongCA = try server.configuration()
        wrongCA.caFile = stranger.caFile
        await #expect(throws: RedisError.self) { try await RedisClient(configuration: wrongCA, logger: TestEnvironment.logger).send(["PING"]) }
        var wrongPassword = try server.configuration()
        wrongPassword.password = "not-it"
        await #expect(throws: RedisError.self) { try await RedisClient(configuration: wrongPassword, logger: TestEnvironment.logger).send(["PING"]) }
        var plain = try server.configuration()
        plain.tls = false
        await #expect(throws: RedisError.self, "no plain text on a TLS port") {
            try await RedisClient(configuration: plain, logger: TestEnvironment.logger).send(["PING"])
        }

        // Redis goes away and comes back: the client fails at once meanwhile, then reconnects.
        try await server.stop()
        await #expect(throws: RedisError.self) { try await client.send(["PING"]) }
        try await server.start()
        var answered = false
        for _ in 0..<100 where !answered {
            answered = (try? await client.send(["PING"])) != nil
            if !answered { try await Task.sleep(for: .milliseconds(100)) }
        }
        #expect(answered, "the client reconnected over TLS")
    }

    @Test("the whole server on TLS: database settings apart with the password from a file, Redis over rediss:// with its password apart")
    func server() async throws {
        let authority = try TestAuthority.make()
        let postgres = try OwnPostgres(settings: Self.tlsSettings(authority))
        let redis = RateLimitTests.OwnRedis(tls: authority, password: "redis-pass")
        let passwordFile = authority.directory + "/db-password"
        try "ignoredbytrustauth\n".write(toFile: passwordFile, atomically: true, encoding: .utf8)
        defer {
            redis.kill()
            postgres.destroy()
            authority.destroy()
        }
        try await redis.start()
        var environment = [
            "SLUICE_DATABASE_HOST": "localhost", "SLUICE_DATABASE_PORT": String(postgres.port), "SLUICE_DATABASE_NAME": "sluice",
            "SLUICE_DATABASE_USER": "postgres", "SLUICE_DATABASE_PASSWORD_FILE": passwordFile, "SLUICE_DATABASE_SSLMODE": "verify-full",
            "SLUICE_DATABASE_CA_FILE": authority.caFile, "SLUICE_REDIS_URL": "rediss://localhost:\(redis.port)",
            "SLUICE_REDIS_PASSWORD": "redis-pass", "SLUICE_REDIS_CA_FILE": authority.caFile,
            "SLUICE_MIGRATIONS_DIR": TestEnvironment.repositoryRoot.appendingPathComponent("migrations").path,
        ]
        var configuration = try SluiceConfiguration.fromEnvironment(environment)
        #expect(configuration.databaseURL.contains(":ignoredbytrustauth@") && configuration.databaseURL.contains("sslmode=verify-full"))
        configuration.logLevel = .warning
        configuration.databasePoolMinimum = 0
        let app = try await buildApplication(configuration, logger: TestEnvironment.logger)
        try await app.test(.router) { client in
            let sluice = Harness(raw: client)
            let owner = try await sluice.signup("tls")
            let (stream, key) = try await sluice.stream(owner)
            let stored = try await sluice.api(key).ingestEvent(path: .init(stream: stream), body: .json(.init(_type: "t", data: json("1")))).created
            #expect(try stored.body.json.offset == 0)
            #expect(try await client.executeRequest(uri: "/readyz", method: .get, headers: [:], body: nil).status == .ok)
            // A failed login is counted in Redis (the login throttle), over TLS.
            let refused = try await sluice.send(.post, "/v1/auth/login", body: #"{"email":"\#(owner.email)","password":"wrong password!"}"#)
            #expect(refused.status == .unauthorized)
            #expect(try await !redis.keys("sluice:login:*").isEmpty, "the login throttle's counters are in the TLS Redis")
            // The server's own connections (not this check's, which is plain) are encrypted.
            let encrypted = try await postgres.query { check in
                let rows = try await check.query(
                    """
                    SELECT count(*) FILTER (WHERE s.ssl), count(*) FROM pg_stat_ssl s JOIN pg_stat_activity a USING (pid)
                    WHERE a.backend_type = 'client backend' AND a.datname = 'sluice' AND a.pid <> pg_backend_pid()
                    """
                )
                for try await (ssl, all) in rows.decode((Int64, Int64).self) { return (ssl, all) }
                return (Int64(0), Int64(0))
            }
            #expect(encrypted.1 > 0 && encrypted.0 == encrypted.1, "\(encrypted.0) of \(encrypted.1) connections encrypted")
        }
        // Naming a secret twice is refused, as is a file that cannot be read.
        environment["SLUICE_DATABASE_PASSWORD"] = "also"
        #expect(throws: ConfigurationError.self) { _ = try SluiceConfiguration.fromEnvironment(environment) }
        environment["SLUICE_DATABASE_PASSWORD"] = nil
        environment["SLUICE_DATABASE_PASSWORD_FILE"] = "/nonexistent/secret"
        #expect(throws: ConfigurationError.self) { _ = try SluiceConfiguration.fromEnvironment(environment) }
    }
}
