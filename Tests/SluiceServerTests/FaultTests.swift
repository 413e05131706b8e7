import AsyncHTTPClient
import Foundation
import Glibc
import NIOConcurrencyHelpers
import OpenAPIAsyncHTTPClient
import OpenAPIRuntime
import PostgresNIO
import SluiceClient
import Testing

@testable import SluiceCore
@testable import SluiceServer

/// A PostgreSQL cluster of the test's own, on a port of its own, to restart and stop at will
/// (the shared one serves every other suite). Authentication is `trust` on 127.0.0.1: it lives
/// for one test.
final class OwnPostgres: @unchecked Sendable {
    let port = unusedPort()
    let directory = "/var/tmp/sluice-fault-\(UInt32.random(in: 0...UInt32.max))"
    private let bin: String

    var url: String { "postgres://postgres@127.0.0.1:\(port)/sluice" }

    /// `settings` are added to postgresql.conf (e.g. TLS).
    init(settings extra: String = "") throws {
        let versions = try FileManager.default.contentsOfDirectory(atPath: "/usr/lib/postgresql")
        guard let newest = versions.compactMap(Int.init).max() else { throw POSIXError(.ENOENT) }
        bin = "/usr/lib/postgresql/\(newest)/bin"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        if getuid() == 0 { try run("/usr/bin/chown", ["postgres", directory]) }
        try asOwner("initdb", ["-D", "\(directory)/data", "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8"])
        let settings = """

            listen_addresses = '127.0.0.1'
            port = \(port)
            unix_socket_directories = '\(directory)'
            max_connections = 100
            fsync = on
            synchronous_commit = on
            logging_collector = off
            \(extra)

            """
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: "\(directory)/data/postgresql.conf"))
        handle.seekToEndOfFile()
        handle.write(Data(settings.utf8))
        try handle.close()
        try start()
        try asOwner("createdb", ["-h", "127.0.0.1", "-p", "\(port)", "-U", "postgres", "sluice"])
    }

    /// A crash and a restart: `pg_ctl restart -m immediate` (no checkpoint; recovery replays the WAL).
    func restart() throws { try asOwner("pg_ctl", ["-D", "\(directory)/data", "-l", "\(directory)/log", "-w", "-m", "immediate", "restart"]) }
    func stop() throws { try asOwner("pg_ctl", ["-D", "\(directory)/data", "-w", "-m", "immediate", "stop"]) }
    func start() throws { try asOwner("pg_ctl", ["-D", "\(directory)/data", "-l", "\(directory)/log", "-w", "start"]) }

    func destroy() {
        try? stop()
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// A client of the cluster's `sluice` database.
    func query<T: Sendable>(_ body: @Sendable (PostgresClient) async throws -> T) async throws -> T {
        try await withClient(.init(host: "127.0.0.1", port: port, username: "postgres", password: nil, database: "sluice", tls: .disable), body)
    }

    private func asOwner(_ tool: String, _ arguments: [String]) throws {
        if getuid() == 0 {
            try run("/usr/sbin/runuser", ["-u", "postgres", "--", "\(bin)/\(tool)"] + arguments)
        } else {
            try run("\(bin)/\(tool)", arguments)
        }
    }

    /// posix_spawn and waitpid: Foundation's `Process` can miss the exit of a child whose own
    /// child (the postmaster pg_ctl starts) lives on.
    private func run(_ executable: String, _ arguments: [String]) throws {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { for argument in argv { free(argument) } }
        var pid: pid_t = 0
        guard posix_spawn(&pid, executable, &actions, nil, argv, environ) == 0 else { throw POSIXError(.ENOENT) }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        guard status == 0 else { throw POSIXError(.EIO) }
    }
}

/// PostgreSQL failing under load, with the real binary: restarts (crash and recovery) and an
/// outage. Nothing acknowledged is lost or doubled, no request waits past its deadline, every
/// partition accepts again within seconds, and /readyz tells the truth throughout.
@Suite("Faults")
struct FaultTests {
    /// Per-run figures, printed for the README and the closing note.
    final class Figures: @unchecked Sendable {
        let lock = NIOLock()
        var requests = 0
        var unavailable = 0
        var hung = 0
        var slowest: Duration = .zero
        var acknowledged: Set<UUID> = []

        func record(_ latency: Duration, status: Int?) {
            lock.withLock {
                requests += 1
                slowest = max(slowest, latency)
                if status == nil { hung += 1 } else if status == 503 { unavailable += 1 }
            }
        }
    }

    @Test(
        "PostgreSQL restarted three times and stopped for 3 s under four producers: no hang, every partition back within seconds, nothing acknowledged lost or doubled, /readyz true"
    )
    func postgresRestarts() async throws {
        let postgres = try OwnPostgres()
        defer { postgres.destroy() }
        let server = try await ServerProcess(environment: [
            "SLUICE_DATABASE_URL": postgres.url, "SLUICE_DATABASE_TIMEOUT_SECONDS": "3", "SLUICE_RATE_LIMITS_ENABLED": "false",
            "SLUICE_SHUTDOWN_TIMEOUT_SECONDS": "10", "SLUICE_WORKER_CONCURRENCY": "2", "SLUICE_ROLLUPS": "true",
        ])
        defer { server.kill() }
        // Past the server's deadline (3 s), with room for the machine being busy: a request
        // unanswered after this is hung.
        let patience: TimeAmount = .seconds(10)
        let transport = AsyncHTTPClientTransport(configuration: .init(timeout: patience))
        func client(_ token: String? = nil) -> Client {
            Client(serverURL: server.url, configuration: .sluice, transport: transport, middlewares: token.map { [BearerAuthentication($0)] } ?? [])
        }
        let email = "faults-\(UUID().uuidString.prefix(8).lowercased())@example.test"
        let signup = try await client().signup(body: .json(.init(email: email, password: "correct horse battery staple", tenantName: "faults")))
        let token = try signup.created.body.json.tokens.accessToken
        let tenantID = try UUID(uuidString: signup.created.body.json.tenant.id)!
        let partitions = 4
        _ = try await client(token).createStream(body: .json(.init(name: "faults", partitions: partitions))).created
        let secret = try await client(token).createApiKey(body: .json(.init(name: "producer", scopes: [.events_colon_write]))).created.body.json
            .value2.secret
        let producer = client(secret)
        // A key for each partition, to probe them one by one.
        var keys: [String] = []
        var candidate = 0
        while keys.count < partitions {
            let key = "probe-\(candidate)"
            if Partitioner.partition(key: key, id: UUID(), partitions: partitions) == keys.count { keys.append(key) }
            candidate += 1
        }
        let probes = keys
        let anonymous = client()

        let figures = Figures()
        let running = NIOLockedValueBox(true)
        @Sendable func send(_ events: [Components.Schemas.EventInput]) async -> (status: Int?, stored: [UUID]) {
            let start = ContinuousClock.now
            let response = try? await producer.ingestBatch(path: .init(stream: "faults"), body: .json(.init(events: events)))
            var status: Int?
            var stored: [UUID] = []
            switch response {
            case .ok(let ok)?:
                status = 200
                for result in try! ok.body.json.results where result.status == .stored || result.status == .duplicate {
                    if let id = result.id.flatMap(UUID.init(uuidString:)) { stored.append(id) }
                }
            case .serviceUnavailable?: status = 503
            case .some(.undocumented(let code, _)): status = code
            case .some: status = 400
            case nil: status = nil  // no answer within `patience`, or the connection failed
            }
            figures.record(ContinuousClock.now - start, status: status)
            if !stored.isEmpty { figures.lock.withLock { figures.acknowledged.formUnion(stored) } }
            return (status, stored)
        }

        let load = Task {
            await withTaskGroup(of: Void.self) { group in
                for worker in 0..<4 {
                    group.addTask {
                        var round = 0
                        while running.withLockedValue({ $0 }) {
                            round += 1
                            // Every partition in each batch; a failed event is sent again with its id.
                            var pending = (0..<8).map { index in
                                Components.Schemas.EventInput(
                                    id: UUID().uuidString,
                                    _type: "fault",
                                    key: "w\(worker)-\(round)-\(index)",
                                    data: json("{}")
                                )
                            }
                            // A steady load, not a flood: the other suites share the machine.
                            try? await Task.sleep(for: .milliseconds(20))
                            while !pending.isEmpty {
                                let (status, stored) = await send(pending)
                                let done = Set(stored.map { $0.uuidString.lowercased() })
                                pending.removeAll { done.contains($0.id!.lowercased()) }
                                if !pending.isEmpty {
                                    if status == nil { try? await Task.sleep(for: .milliseconds(200)) }
                                    try? await Task.sleep(for: .milliseconds(100))
                                }
                            }
                        }
                    }
                }
            }
        }

        /// How long until one event to each partition is stored again.
        @Sendable func recovery() async throws -> Duration {
            let start = ContinuousClock.now
            var waiting = Set(0..<partitions)
            while !waiting.isEmpty, ContinuousClock.now - start < .seconds(30) {
                for partition in waiting {
                    let event = Components.Schemas.EventInput(id: UUID().uuidString, _type: "probe", key: probes[partition], data: json("{}"))
                    if case (200, let stored) = await send([event]), !stored.isEmpty { waiting.remove(partition) }
                }
                if !waiting.isEmpty { try await Task.sleep(for: .milliseconds(100)) }
            }
            #expect(waiting.isEmpty, "partitions \(waiting.sorted()) do not accept events 30 s after PostgreSQL returned")
            return ContinuousClock.now - start
        }
        @Sendable func ready() async -> (status: Int?, took: Duration) {
            let start = ContinuousClock.now
            let status: Int? =
                switch try? await anonymous.getReadiness() {
                case .ok?: 200
                case .serviceUnavailable?: 503
                case .some(.undocumented(let code, _)): code
                case .some: 400
                case nil: nil
                }
            return (status, ContinuousClock.now - start)
        }

        var recoveries: [Duration] = []
        try await Task.sleep(for: .seconds(2))
        for _ in 0..<3 {
            try postgres.restart()
            recoveries.append(try await recovery())
            try await Task.sleep(for: .seconds(2))
        }

        // An outage: /readyz says so at once, requests fail fast, and both recover by themselves.
        try postgres.stop()
        try await Task.sleep(for: .milliseconds(500))
        var outage: [(status: Int?, took: Duration)] = []
        for _ in 0..<5 {
            outage.append(await ready())
            try await Task.sleep(for: .milliseconds(400))
        }
        #expect(outage.allSatisfy { $0.status == 503 }, "/readyz during the outage: \(outage.map(\.status))")
        #expect(outage.dropFirst().allSatisfy { $0.took < .seconds(2) }, "/readyz answers at once while PostgreSQL is down: \(outage.map(\.took))")
        // Three sends: each 503, at once but for the one that happens to be the probe (one call
        // every 500 ms tries PostgreSQL, within its 2 s bound).
        var refusals: [(status: Int?, took: Duration)] = []
        for _ in 0..<3 {
            let failFast = ContinuousClock.now
            let refused = await send([Components.Schemas.EventInput(id: UUID().uuidString, _type: "probe", data: json("{}"))])
            refusals.append((refused.status, ContinuousClock.now - failFast))
        }
        #expect(
            refusals.allSatisfy { $0.status == 503 && $0.took < .seconds(3) } && refusals.contains { $0.took < .seconds(1) },
            "ingest while PostgreSQL is down: \(refusals.map { "\($0.status.map(String.init) ?? "no answer") in \($0.took)" })"
        )
        // A lookup as much as an append: 503 with Retry-After, never a 500 (a problem document).
        var lookup = HTTPClientRequest(url: server.url.absoluteString + "/v1/streams/faults")
        lookup.headers.add(name: "authorization", value: "Bearer \(token)")
        let looked = try await HTTPClient.shared.execute(lookup, timeout: patience)
        #expect(
            looked.status.code == 503 && looked.headers.first(name: "retry-after") != nil,
            "a stream lookup while PostgreSQL is down: \(looked.status)"
        )
        #expect(looked.headers.first(name: "content-type") == "application/problem+json")
        try postgres.start()
        let back = ContinuousClock.now
        var readyAgain: Duration?
        while readyAgain == nil, ContinuousClock.now - back < .seconds(30) {
            if await ready().status == 200 { readyAgain = ContinuousClock.now - back } else { try await Task.sleep(for: .milliseconds(100)) }
        }
        #expect(readyAgain != nil, "/readyz not 200 within 30 s of PostgreSQL's return")
        recoveries.append(try await recovery())
        try await Task.sleep(for: .seconds(1))

        running.withLockedValue { $0 = false }
        await load.value
        // The rollup consumer came back too: its lag drains.
        let owner = client(token)
        var lag: [Int64] = []
        let draining = ContinuousClock.now
        while ContinuousClock.now - draining < .seconds(60) {
            lag = (try? await owner.getAnalyticsStatus(path: .init(stream: "faults")).ok.body.json.lag) ?? []
            if !lag.isEmpty && lag.allSatisfy({ $0 == 0 }) { break }
            try await Task.sleep(for: .milliseconds(250))
        }
        let drainedIn = ContinuousClock.now - draining
        #expect(!lag.isEmpty && lag.allSatisfy { $0 == 0 }, "the rollups' lag after PostgreSQL returned: \(lag)")
        let stopped = await server.stop(within: .seconds(20))
        #expect(stopped, "SIGTERM ends the process within its shutdown timeout")

        let (acknowledged, requests, unavailable, hung, slowest) = figures.lock.withLock {
            (figures.acknowledged, figures.requests, figures.unavailable, figures.hung, figures.slowest)
        }
        #expect(hung == 0, "\(hung) requests had no answer within \(patience)")
        #expect(acknowledged.count > 200, "too little load to prove anything")
        for recovery in recoveries { #expect(recovery < .seconds(15), "a partition took \(recovery) to accept events again") }
        let stored = try await postgres.query { client in
            var rows: [(UUID, Int16, Int64)] = []
            for try await row in try await client.query(
                #"SELECT id, partition, "offset" FROM events WHERE tenant_id = \#(tenantID)"#
            ).decode((UUID, Int16, Int64).self) { rows.append(row) }
            return rows
        }
        let ids = Set(stored.map(\.0))
        #expect(ids.count == stored.count, "an event was stored twice")
        let lost = acknowledged.subtracting(ids)
        #expect(lost.isEmpty, "\(lost.count) of \(acknowledged.count) acknowledged events are missing")
        for partition in 0..<partitions {
            let offsets = stored.filter { $0.1 == partition }.map(\.2).sorted()
            #expect(offsets == Array(0..<Int64(offsets.count)), "partition \(partition) has holes")
        }
        print(
            """
            FAULTS postgres restarts=3 outage=3s requests=\(requests) unavailable503=\(unavailable) hung=\(hung) \
            slowest=\(slowest) recoveries=\(recoveries) readyAgain=\(readyAgain.map { "\($0)" } ?? "never") \
            readyzDuringOutage=\(outage.map(\.took)) acknowledged=\(acknowledged.count) stored=\(stored.count) lost=\(lost.count) rollupsDrainedIn=\(drainedIn)
            """
        )
    }
}
