import AsyncHTTPClient
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import OpenAPIAsyncHTTPClient
import OpenAPIRuntime
import PostgresNIO
import SluiceClient
import Testing

@testable import SluiceCore
@testable import SluiceDatabase
@testable import SluiceDelivery
@testable import SluicePull
@testable import SluiceServer

/// Integration tests run against the real PostgreSQL that scripts/services.sh starts;
/// scripts/test.sh exports its URL. Suites do not share tenants or users, so they run in
/// parallel in one database.
enum TestEnvironment {
    static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// The database of a test that has its own (`.isolatedDatabase`).
    @TaskLocal static var isolatedDatabase: String?

    /// The shared test database, or the test's own.
    static var databaseURL: String {
        guard let url = ProcessInfo.processInfo.environment["SLUICE_TEST_DATABASE_URL"] else {
            fatalError("SLUICE_TEST_DATABASE_URL is not set: run the tests with scripts/test.sh")
        }
        guard let isolatedDatabase else { return url }
        var components = URLComponents(string: url)!
        components.path = "/" + isolatedDatabase
        return components.string!
    }

    /// The tests' cluster, database `name`.
    static func url(of name: String) -> String {
        var components = URLComponents(string: databaseURL)!
        components.path = "/" + name
        return components.string!
    }

    /// A superuser connection, for what the application itself may not do (tampering tests).
    static var adminDatabaseURL: String {
        guard let url = ProcessInfo.processInfo.environment["SLUICE_PG_ADMIN_URL"] else {
            fatalError("SLUICE_PG_ADMIN_URL is not set: run the tests with scripts/test.sh")
        }
        var components = URLComponents(string: url)!
        components.path = URLComponents(string: databaseURL)!.path
        return components.string!
    }

    /// The Redis that scripts/services.sh runs.
    static var redisURL: String {
        guard let url = ProcessInfo.processInfo.environment["SLUICE_REDIS_URL"] else {
            fatalError("SLUICE_REDIS_URL is not set: run the tests with scripts/test.sh")
        }
        return url
    }

    static let jwtKey = AccessTokens.Key(id: "test-1", secret: Array("0123456789abcdef0123456789abcdef-test".utf8))

    static func configuration() -> SluiceConfiguration {
        var configuration = SluiceConfiguration(
            databaseURL: databaseURL,
            jwtKeys: [jwtKey],
            jwtSigningKeyID: jwtKey.id,
            migrationsDirectory: repositoryRoot.appendingPathComponent("migrations").path
        )
        configuration.databasePoolSize = 4
        // Opened on demand: the suites run many servers at once against one PostgreSQL.
        configuration.databasePoolMinimum = 0
        configuration.logLevel = .warning
        // Webhook workers run only where a suite asks for them (DeliveryTests).
        configuration.workers.concurrency = 0
        // So does the analytics consumer (AnalyticsTests), for its suite's tenants only.
        configuration.analytics.rollups = false
        // And the pull sources' poller (PullSourceTests).
        configuration.pull.concurrency = 0
        configuration.signupsPerAddress = 1_000_000
        // Suites that do not test limits must not meet them; RateLimitTests sets its own.
        configuration.rateLimits.plans = [
            "free": Plan(
                requests: RateLimit(perSecond: 100_000, burst: 100_000),
                events: RateLimit(perSecond: 1_000_000, burst: 1_000_000),
                monthlyEvents: nil
            )
        ]
        return configuration
    }

    static var logger: Logger {
        var logger = Logger(label: "sluice-tests")
        logger.logLevel = .warning
        return logger
    }
}

/// Sends the generated client's requests through Hummingbird's test client, so that tests
/// exercise the real router, middleware and handlers without sockets.
struct TestClientTransport: ClientTransport {
    let client: any TestClientProtocol

    func send(_ request: HTTPRequest, body: HTTPBody?, baseURL: URL, operationID: String) async throws -> (HTTPResponse, HTTPBody?) {
        var buffer: ByteBuffer?
        if let body { buffer = ByteBuffer(bytes: try await [UInt8](collecting: body, upTo: 16 << 20)) }
        let response = try await client.executeRequest(
            uri: request.path ?? "/",
            method: request.method,
            headers: request.headerFields,
            body: buffer
        )
        return (HTTPResponse(status: response.status, headerFields: response.headers), HTTPBody(Array(buffer: response.body)))
    }
}

/// A running Sluice for one test, and ways to call it.
struct Harness {
    let raw: any TestClientProtocol

    /// The generated client, anonymous or with a bearer credential.
    func api(_ credential: String? = nil) -> Client {
        Client(
            serverURL: URL(string: "http://localhost")!,
            configuration: .sluice,
            transport: TestClientTransport(client: raw),
            middlewares: credential.map { [BearerAuthentication($0)] } ?? []
        )
    }

    /// Signs a new user up with a tenant of their own; returns their tokens.
    func signup(_ name: String = "user", password: String = "correct horse battery staple") async throws -> Account {
        let email = "\(name)-\(UUID().uuidString.prefix(8).lowercased())@example.test"
        let response = try await api().signup(body: .json(.init(email: email, password: password, tenantName: "\(name)'s tenant")))
        let body = try response.created.body.json
        return Account(email: email, password: password, userID: body.user.id, tenantID: body.tenant.id, tokens: body.tokens)
    }

    /// Adds a fresh user to `owner`'s tenant with `role`; returns that user's tokens there.
    func member(of owner: Account, role: Components.Schemas.Role, name: String = "member") async throws -> Account {
        let user = try await signup(name)
        let invitation = try await api(owner.token).addMember(body: .json(.init(email: user.email, role: role))).accepted.body.json
        let tokens = try await api(user.token).acceptInvitation(body: .json(.init(token: invitation.value2.token))).ok.body.json
        return Account(email: user.email, password: user.password, userID: user.userID, tenantID: owner.tenantID, tokens: tokens)
    }

    func createKey(
        _ account: Account,
        scopes: [Components.Schemas.ApiKeyScope],
        streams: [String]? = nil
    ) async throws
        -> Components.Schemas.CreatedApiKey
    {
        try await api(account.token).createApiKey(body: .json(.init(name: "test key", scopes: scopes, streams: streams))).created.body.json
    }

    /// Sends a raw request, for what the generated client will not send (bad JSON, huge bodies).
    func send(_ method: HTTPRequest.Method, _ uri: String, body: String? = nil, headers: HTTPFields = [:]) async throws -> TestResponse {
        var headers = headers
        if body != nil && headers[.contentType] == nil { headers[.contentType] = "application/json" }
        return try await raw.executeRequest(uri: uri, method: method, headers: headers, body: body.map { ByteBuffer(string: $0) })
    }
}

extension Harness {
    /// A sample's value on `/metrics`, by its name with labels as Prometheus prints them.
    func metric(_ sample: String) async throws -> Double? {
        let text = String(buffer: try await send(.get, "/metrics").body)
        return text.split(separator: "\n").first { $0.hasPrefix(sample + " ") }.flatMap { Double($0.split(separator: " ").last ?? "") }
    }

    /// Sends raw bytes (invalid UTF-8, gzip).
    func send(_ method: HTTPRequest.Method, _ uri: String, bytes: [UInt8], headers: HTTPFields) async throws -> TestResponse {
        try await raw.executeRequest(uri: uri, method: method, headers: headers, body: ByteBuffer(bytes: bytes))
    }

    /// A stream in `account`'s tenant and a key that may write and read it.
    func stream(
        _ account: Account,
        partitions: Int = 1,
        schemaMode: Components.Schemas.SchemaMode? = nil
    ) async throws -> (name: String, key: String) {
        let name = "s-\(UUID().uuidString.prefix(8).lowercased())"
        _ = try await api(account.token).createStream(body: .json(.init(name: name, partitions: partitions, schemaMode: schemaMode))).created
        let key = try await createKey(account, scopes: [.events_colon_write, .events_colon_read], streams: [name])
        return (name, key.value2.secret)
    }
}

struct Account {
    var email: String
    var password: String
    var userID: String
    var tenantID: String
    var tokens: Components.Schemas.TokenPair
    var token: String { tokens.accessToken }
}

/// Builds the real application against the test database and runs `body` with it.
func withSluice<T: Sendable>(
    _ configure: (inout SluiceConfiguration) -> Void = { _ in },
    _ body: @Sendable (Harness) async throws -> T
) async throws -> T {
    var configuration = TestEnvironment.configuration()
    configure(&configuration)
    let app = try await buildApplication(configuration, logger: TestEnvironment.logger)
    return try await app.test(.router) { client in try await body(Harness(raw: client)) }
}

/// A port for a test's own server: below Linux's ephemeral range (32768 and up), where the
/// tests' own outgoing connections take theirs, and free when asked.
func unusedPort() -> Int {
    for _ in 0..<100 {
        let port = Int.random(in: 20_000..<32_000)
        let probe = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { Glibc.close(probe) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.bind(probe, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        if bound == 0 { return port }
    }
    return Int.random(in: 20_000..<32_000)
}

extension PostgresClient {
    /// The application's view of this pool (deadlines, reachability).
    var database: Database { Database(client: self, logger: TestEnvironment.logger) }
}

/// Runs `body` with a started client of `configuration`, stopped after it.
func withClient<T: Sendable>(
    _ configuration: PostgresClient.Configuration,
    _ body: @Sendable (PostgresClient) async throws -> T
) async throws -> T {
    let client = PostgresClient(configuration: configuration)
    return try await withThrowingTaskGroup(of: T?.self) { group in
        group.addTask {
            await client.run()
            return nil
        }
        defer { group.cancelAll() }
        return try await body(client)
    }
}

/// A listening socket on 127.0.0.1 and a port the kernel chose: connections to it complete
/// (its backlog) whether or not anyone accepts them.
func loopbackListener() throws -> (socket: Int32, port: Int) {
    let listener = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    let bound = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.bind(listener, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
    guard bound == 0, listen(listener, 64) == 0 else {
        Glibc.close(listener)
        throw POSIXError(.EADDRINUSE)
    }
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    _ = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(listener, $0, &length) }
    }
    return (listener, Int(UInt16(bigEndian: address.sin_port)))
}

/// Runs SQL as the database superuser (for tampering tests and fixtures).
func asSuperuser<T: Sendable>(database: String? = nil, _ body: @Sendable (PostgresClient) async throws -> T) async throws -> T {
    var configuration = TestEnvironment.configuration()
    configuration.databaseURL = TestEnvironment.adminDatabaseURL
    if let database {
        var components = URLComponents(string: configuration.databaseURL)!
        components.path = "/" + database
        configuration.databaseURL = components.string!
    }
    return try await withClient(try configuration.postgresConfiguration(), body)
}

extension TestResponse {
    var problem: [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(buffer: body)) as? [String: Any]) ?? [:]
    }
}

/// The real `sluice serve` in a process of its own, on a random port, with the tests'
/// database (and `environment` on top), for what needs separate processes: crashes, nodes.
final class ServerProcess: @unchecked Sendable {
    static var binary: URL { TestEnvironment.repositoryRoot.appendingPathComponent(".build/debug/sluice") }

    let port = unusedPort()
    let process = Process()
    var url: URL { URL(string: "http://127.0.0.1:\(port)")! }

    /// Starts the server and waits (up to 20 s) until it answers.
    init(environment extra: [String: String] = [:]) async throws {
        #expect(FileManager.default.isExecutableFile(atPath: Self.binary.path), "build the binary first (swift build --build-tests)")
        process.executableURL = Self.binary
        process.arguments = ["serve", "--listen", "127.0.0.1:\(port)", "--log-format", "text"]
        var environment = ProcessInfo.processInfo.environment
        environment["SLUICE_DATABASE_URL"] = TestEnvironment.databaseURL
        environment["SLUICE_LOG_LEVEL"] = "error"
        environment["SLUICE_MIGRATIONS_DIR"] = TestEnvironment.repositoryRoot.appendingPathComponent("migrations").path
        // Rollups of every suite's tenants would only load the machine; AnalyticsTests runs its own.
        environment["SLUICE_ROLLUPS"] = "false"
        environment["SLUICE_PULL_CONCURRENCY"] = "0"
        // Signups from 127.0.0.1 are counted in the shared Redis across runs; suites that do not
        // test that limit must not meet it.
        environment["SLUICE_SIGNUPS_PER_IP"] = "1000000"
        environment.merge(extra) { $1 }
        process.environment = environment
        try process.run()
        let probe = client()
        for _ in 0..<200 {
            if (try? await probe.getHealth().ok) != nil { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        kill()
        throw CancellationError()
    }

    /// The generated client over HTTP, anonymous or with a bearer credential.
    func client(_ credential: String? = nil) -> Client {
        Client(
            serverURL: url,
            configuration: .sluice,
            transport: AsyncHTTPClientTransport(),
            middlewares: credential.map { [BearerAuthentication($0)] } ?? []
        )
    }

    func kill() { if process.isRunning { Glibc.kill(process.processIdentifier, SIGKILL) } }

    /// SIGTERM; answers whether the process ended within `within`.
    @discardableResult
    func stop(within: Duration = .seconds(60)) async -> Bool {
        guard process.isRunning else { return true }
        Glibc.kill(process.processIdentifier, SIGTERM)
        let start = ContinuousClock.now
        while process.isRunning, ContinuousClock.now - start < within { try? await Task.sleep(for: .milliseconds(20)) }
        return !process.isRunning
    }

    deinit { kill() }
}

/// `sluice worker` in a process of its own, against the tests' database.
final class WorkerProcess: @unchecked Sendable {
    let process = Process()

    /// With `listen`, it serves /healthz and /metrics on that port.
    init(environment extra: [String: String] = [:], listen: Int? = nil) throws {
        #expect(FileManager.default.isExecutableFile(atPath: ServerProcess.binary.path), "build the binary first (swift build --build-tests)")
        process.executableURL = ServerProcess.binary
        process.arguments = ["worker", "--log-format", "text"] + (listen.map { ["--listen", "127.0.0.1:\($0)"] } ?? [])
        var environment = ProcessInfo.processInfo.environment
        environment["SLUICE_DATABASE_URL"] = TestEnvironment.databaseURL
        environment["SLUICE_LOG_LEVEL"] = "error"
        environment["SLUICE_WEBHOOK_ALLOW_PRIVATE_NETWORKS"] = "true"
        environment["SLUICE_ROLLUPS"] = "false"
        environment["SLUICE_PULL_CONCURRENCY"] = "0"
        environment.merge(extra) { $1 }
        process.environment = environment
        try process.run()
    }

    func kill() { if process.isRunning { Glibc.kill(process.processIdentifier, SIGKILL) } }

    /// SIGTERM, and waits for the process to end.
    func stop() {
        guard process.isRunning else { return }
        Glibc.kill(process.processIdentifier, SIGTERM)
        process.waitUntilExit()
    }

    deinit { kill() }
}

/// The webhook receiver of `Fixtures/webhooks/receiver.py`: a Python server, written apart
/// from Sluice, that verifies Standard Webhooks signatures and records each request.
final class WebhookReceiver: @unchecked Sendable {
    struct Request: Decodable, Sendable {
        var id: String
        var attempt: Int
        var start: Double
        var verified: Bool?
        var status: Int?
        var end: Double?
        var body: Body?

        struct Body: Decodable, Sendable {
            var id: String
            var partition: Int
            var offset: Int64
            var type: String
        }

        var succeeded: Bool { status.map { (200..<300).contains($0) } ?? false }
    }

    let server: PythonServer
    var port: Int { server.port }
    var url: String { "http://127.0.0.1:\(port)/hook" }

    init() throws {
        server = try PythonServer("Tests/SluiceServerTests/Fixtures/webhooks/receiver.py")
    }

    /// Sets secrets and behaviour (see receiver.py).
    func control(_ settings: [String: Any]) async throws {
        try await server.post("/_control", settings)
    }

    func received() async throws -> [Request] {
        try await server.get("/_received")
    }

    /// Polls until `done` holds for what was received (or `timeout` passes); answers it then.
    func wait(timeout: Duration = .seconds(20), until done: ([Request]) -> Bool) async throws -> [Request] {
        let deadline = ContinuousClock.now + timeout
        while true {
            let requests = try await received()
            if done(requests) || ContinuousClock.now > deadline { return requests }
            try await Task.sleep(for: .milliseconds(50))
        }
    }

}

/// A test fixture server in Python, written apart from Sluice: started from a script of the
/// repository that prints its port on its first line; killed with the object.
final class PythonServer: @unchecked Sendable {
    let process = Process()
    let port: Int

    init(_ script: String) throws {
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", TestEnvironment.repositoryRoot.appendingPathComponent(script).path]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        var line = Data()
        while !line.contains(UInt8(ascii: "\n")) {
            let chunk = output.fileHandleForReading.availableData
            guard !chunk.isEmpty else { break }
            line += chunk
        }
        guard let port = Int(String(decoding: line, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw CancellationError()
        }
        self.port = port
    }

    func post(_ path: String, _ object: [String: Any]) async throws {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)\(path)")
        request.method = .POST
        request.body = .bytes(ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: object)))
        _ = try await HTTPClient.shared.execute(request, timeout: .seconds(5))
    }

    func get<T: Decodable>(_ path: String) async throws -> T {
        let response = try await HTTPClient.shared.execute(HTTPClientRequest(url: "http://127.0.0.1:\(port)\(path)"), timeout: .seconds(5))
        return try JSONDecoder().decode(T.self, from: Data(buffer: try await response.body.collect(upTo: 64 << 20)))
    }

    deinit { if process.isRunning { Glibc.kill(process.processIdentifier, SIGKILL) } }
}

extension Components.Schemas.CreateSubscriptionRequest {
    /// A create request from the settings the update request also takes.
    init(name: String, settings s: Components.Schemas.SubscriptionSettings, start: StartPayload? = nil) {
        self.init(
            name: name,
            start: start,
            url: s.url ?? "",
            eventTypes: s.eventTypes,
            timeoutMs: s.timeoutMs,
            retrySchedule: s.retrySchedule,
            maxAttempts: s.maxAttempts,
            strictOrdering: s.strictOrdering,
            circuitFailures: s.circuitFailures,
            circuitPeriodSeconds: s.circuitPeriodSeconds
        )
    }
}

extension Components.Schemas.CreatePullSourceRequest {
    /// A create request from the settings the update request also takes.
    init(name: String, entities: [String]?, settings s: Components.Schemas.PullSourceSettings) {
        self.init(
            name: name,
            entities: entities,
            url: s.url ?? "",
            headers: s.headers.map { .init(additionalProperties: $0.additionalProperties) },
            secretHeaders: s.secretHeaders.map { .init(additionalProperties: $0.additionalProperties) },
            intervalSeconds: s.intervalSeconds,
            jitterSeconds: s.jitterSeconds,
            timeoutMs: s.timeoutMs,
            concurrency: s.concurrency,
            requestsPerMinute: s.requestsPerMinute,
            retryInitialSeconds: s.retryInitialSeconds,
            mapping: s.mapping ?? .init(platform: .twitter, metrics: .init())
        )
    }
}
