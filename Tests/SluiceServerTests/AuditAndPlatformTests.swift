import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOPosix
import PasswordHashing
import PostgresNIO
import SluiceClient
import Testing

@testable import SluiceDatabase
@testable import SluiceServer

@Suite("Audit log")
struct AuditTests {
    @Test("entries chain; a row altered in the database is named by verify; the app cannot alter it")
    func tamperEvidence() async throws {
        try await withSluice { sluice in
            let owner = try await sluice.signup("uma")
            _ = try await sluice.createKey(owner, scopes: [.admin])
            _ = try await sluice.member(of: owner, role: .viewer)
            let before = try await sluice.api(owner.token).verifyAuditLog().ok.body.json
            #expect(before.valid)
            #expect(before.checked >= 4)

            // The application's role cannot change or delete history…
            let tenantID = UUID(uuidString: owner.tenantID)!
            let app = PostgresClient(configuration: try TestEnvironment.configuration().postgresConfiguration())
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { await app.run() }
                await #expect(throws: PSQLError.self) {
                    try await app.query("UPDATE audit_log SET action = 'nothing' WHERE tenant_id = \(tenantID) AND seq = 2")
                }
                await #expect(throws: PSQLError.self) {
                    try await app.query("DELETE FROM audit_log WHERE tenant_id = \(tenantID)")
                }
                group.cancelAll()
            }
            // …so the attacker is a superuser who bypasses the triggers.
            try await asSuperuser { client in
                try await client.withTransaction(logger: TestEnvironment.logger) { connection in
                    try await connection.query("SET LOCAL session_replication_role = replica", logger: TestEnvironment.logger)
                    try await connection.query(
                        "UPDATE audit_log SET details = '{\"role\":\"viewer\"}' WHERE tenant_id = \(tenantID) AND seq = 2",
                        logger: TestEnvironment.logger
                    )
                }
            }
            let after = try await sluice.api(owner.token).verifyAuditLog().ok.body.json
            #expect(!after.valid)
            #expect(after.firstBrokenSeq == 2)
        }
    }

    @Test(
        "a rewrite with the chain recomputed in the database (the attack of someone holding the app's role) is found: the MACs need a key the database lacks"
    )
    func keyedChain() async throws {
        try await withSluice { sluice in
            let owner = try await sluice.signup("keyed")
            _ = try await sluice.createKey(owner, scopes: [.admin])
            _ = try await sluice.createKey(owner, scopes: [.admin])
            let before = try await sluice.api(owner.token).verifyAuditLog().ok.body.json
            #expect(before.valid && before.keyed == before.checked && before.checked >= 3)
            let tenantID = UUID(uuidString: owner.tenantID)!
            // Edit entry 2, then recompute every hash after it and the head, as the issue did.
            try await asSuperuser { client in
                try await client.withTransaction(logger: TestEnvironment.logger) { connection in
                    try await connection.query("SET LOCAL session_replication_role = replica", logger: TestEnvironment.logger)
                    try await connection.query(
                        "UPDATE audit_log SET details = '{\"name\":\"innocent\"}' WHERE tenant_id = \(tenantID) AND seq = 2",
                        logger: TestEnvironment.logger
                    )
                    try await connection.query(
                        """
                        DO $$
                        DECLARE r record; previous bytea := decode(repeat('00', 32), 'hex'); h bytea;
                        BEGIN
                          FOR r IN SELECT * FROM audit_log WHERE tenant_id = '\(unescaped: tenantID.uuidString)' ORDER BY seq LOOP
                            h := audit_entry_hash(previous, r.tenant_id, r.seq, r.occurred_at, r.actor_type, r.actor_id, r.actor_label,
                                                  r.action, r.target_type, r.target_id, r.details, r.client_ip, r.request_id);
                            UPDATE audit_log SET prev_hash = previous, hash = h WHERE tenant_id = r.tenant_id AND seq = r.seq;
                            previous := h;
                          END LOOP;
                          UPDATE audit_chain_heads SET hash = previous WHERE tenant_id = '\(unescaped: tenantID.uuidString)';
                        END $$
                        """,
                        logger: TestEnvironment.logger
                    )
                }
            }
            let after = try await sluice.api(owner.token).verifyAuditLog().ok.body.json
            #expect(!after.valid && after.firstBrokenSeq == 2, "\(after)")
            #expect(after.reason?.contains("rewritten") == true)
        }
    }

    @Test("listing filters by actor, action and time, newest first, with a cursor")
    func listing() async throws {
        try await withSluice { sluice in
            let owner = try await sluice.signup("vera")
            for _ in 0..<5 { _ = try await sluice.createKey(owner, scopes: [.events_colon_read]) }
            let api = sluice.api(owner.token)
            let first = try await api.listAuditLog(query: .init(action: "apikey.created", limit: 2)).ok.body.json
            #expect(first.items.count == 2)
            #expect(first.items[0].seq > first.items[1].seq)
            var seen = first.items.map(\.seq)
            var cursor = first.nextCursor
            while let next = cursor {
                let page = try await api.listAuditLog(query: .init(action: "apikey.created", cursor: next, limit: 2)).ok.body.json
                seen += page.items.map(\.seq)
                cursor = page.nextCursor
            }
            #expect(seen.count == 5)
            #expect(Set(seen).count == 5)

            let byActor = try await api.listAuditLog(query: .init(actorId: owner.userID)).ok.body.json.items
            #expect(byActor.allSatisfy { $0.actor.id == owner.userID })
            #expect(!byActor.isEmpty)
            let future = try await api.listAuditLog(query: .init(since: Date().addingTimeInterval(3600))).ok.body.json.items
            #expect(future.isEmpty)
            let prefix = try await api.listAuditLog(query: .init(action: "member.*")).ok.body.json.items
            #expect(prefix.map(\.action) == ["member.added"])
            #expect(try await sluice.send(.get, "/v1/audit-log?cursor=abc", headers: bearer(owner.token)).status == .badRequest)
            #expect(try await sluice.send(.get, "/v1/audit-log?limit=0", headers: bearer(owner.token)).status == .badRequest)
        }
    }
}

@Suite("HTTP behaviour")
struct HTTPTests {
    @Test("request ids are echoed or made, and problems carry them")
    func requestIDs() async throws {
        try await withSluice { sluice in
            var headers = HTTPFields()
            headers[.requestID] = "trace-123"
            let echoed = try await sluice.send(.get, "/healthz", headers: headers)
            #expect(echoed.headers[.requestID] == "trace-123")
            headers[.requestID] = "bad id\twith tab"
            let replaced = try await sluice.send(.get, "/v1/me", headers: headers)
            let made = try #require(replaced.headers[.requestID])
            #expect(made != "bad id\twith tab")
            #expect(replaced.problem["requestId"] as? String == made)
        }
    }

    @Test("bad input gets a 4xx problem, never a 500")
    func badInput() async throws {
        try await withSluice({ $0.maxBodyBytes = 4096 }) { sluice in
            let cases: [(String, String?, HTTPResponse.Status)] = [
                ("/v1/auth/login", "{not json", .badRequest),
                ("/v1/auth/login", #"{"email":["x"],"password":"p"}"#, .badRequest),
                ("/v1/auth/login", "[]", .badRequest),
                ("/v1/auth/login", nil, .badRequest),
                ("/v1/auth/signup", "{\"email\":\"" + String(repeating: "a", count: 5000) + "\"}", .contentTooLarge),
                ("/v1/nowhere", "{}", .notFound),
            ]
            for (uri, body, status) in cases {
                let response = try await sluice.send(.post, uri, body: body)
                #expect(response.status == status, "\(uri) \(body?.prefix(20) ?? "no body")")
                #expect(response.headers[.contentType] == "application/problem+json")
            }
            var invalidUTF8 = HTTPFields()
            invalidUTF8[.contentType] = "application/json"
            let bytes = try await sluice.raw.executeRequest(
                uri: "/v1/auth/login",
                method: .post,
                headers: invalidUTF8,
                body: ByteBuffer(bytes: [0x7B, 0x22, 0xFF, 0xFE, 0x22, 0x7D])
            )
            #expect(bytes.status == .badRequest)
            var badScheme = HTTPFields()
            badScheme[.authorization] = "Basic dXNlcjpwYXNz"
            #expect(try await sluice.send(.get, "/v1/me", headers: badScheme).status == .unauthorized)
        }
    }

    @Test("health and readiness")
    func health() async throws {
        try await withSluice { sluice in
            #expect(try await sluice.api().getHealth().ok.body.json.status == .ok)
            let ready = try await sluice.api().getReadiness().ok.body.json
            #expect(ready.migrations >= 2)
        }
    }
}

@Suite("Migrations")
struct MigrationTests {
    @Test("applied in order, recorded, idempotent; a changed applied file is refused; revert works")
    func migrator() async throws {
        let schema = "migration_test_\(UInt32.random(in: 0...UInt32.max))"
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(schema).path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try "CREATE TABLE a (id int); -- a comment; with a semicolon\nINSERT INTO a VALUES (1);"
            .write(toFile: directory + "/0001_a.up.sql", atomically: true, encoding: .utf8)
        try "DROP TABLE a;".write(toFile: directory + "/0001_a.down.sql", atomically: true, encoding: .utf8)
        try "CREATE FUNCTION f() RETURNS text LANGUAGE sql AS $$ SELECT 'x;y' $$;"
            .write(toFile: directory + "/0002_f.up.sql", atomically: true, encoding: .utf8)
        try "DROP FUNCTION f();".write(toFile: directory + "/0002_f.down.sql", atomically: true, encoding: .utf8)

        try await asSuperuser { admin in
            try await admin.query("CREATE SCHEMA \(unescaped: schema) AUTHORIZATION sluice")
        }
        var configuration = TestEnvironment.configuration()
        configuration.databaseURL += "?search_path=\(schema)"
        let client = PostgresClient(configuration: try configuration.postgresConfiguration())
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await client.run() }
            defer { group.cancelAll() }
            let migrator = try Migrator(directory: directory, logger: TestEnvironment.logger)
            // Two nodes starting at once: the lock lets one apply, the other finds nothing to do.
            async let first = migrator.migrate(client: client)
            async let second = migrator.migrate(client: client)
            let applied = try await [first, second].sorted { $0.count > $1.count }
            #expect(applied == [[1, 2], []])
            #expect(try await migrator.status(database: client.database, timeout: .seconds(10)) == (2, true))

            try "CREATE TABLE a (id bigint);".write(toFile: directory + "/0001_a.up.sql", atomically: true, encoding: .utf8)
            let changed = try Migrator(directory: directory, logger: TestEnvironment.logger)
            await #expect(throws: Migrator.Error.checksumMismatch(version: 1, name: "a")) {
                try await changed.migrate(client: client)
            }
            #expect(try await changed.status(database: client.database, timeout: .seconds(10)).current == false)

            #expect(try await migrator.revert(to: 0, client: client) == [2, 1])
            #expect(try await migrator.status(database: client.database, timeout: .seconds(10)).applied == 0)
        }
        try await asSuperuser { admin in try await admin.query("DROP SCHEMA \(unescaped: schema) CASCADE") }
    }

}

@Suite("Password hashing")
struct PasswordHashingTests {
    @Test("argon2id with OWASP parameters; verification; rehash detection")
    func argon2() async throws {
        let pool = NIOThreadPool(numberOfThreads: 1)
        pool.start()
        defer { pool.shutdownGracefully { _ in } }
        let hasher = PasswordHasher(threadPool: pool)
        let hash = try await hasher.hash("correct horse battery staple")
        #expect(hash.hasPrefix("$argon2id$v=19$m=19456,t=2,p=1$"))
        #expect(try await hasher.verify("correct horse battery staple", against: hash))
        #expect(try await !hasher.verify("correct horse battery stapler", against: hash))
        #expect(try await !hasher.verify("anything", against: "not a hash"))
        #expect(!hasher.needsRehash(hash))
        let weak = PasswordHasher(parameters: .init(iterations: 1, memoryKiB: 1024, lanes: 1), threadPool: pool)
        #expect(hasher.needsRehash(try await weak.hash("x")))
        #expect(try await hash != hasher.hash("correct horse battery staple"))
    }
}
