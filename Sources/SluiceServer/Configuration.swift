import Foundation
import Logging
import NIOSSL
import PostgresNIO
import Redis
import SluiceCore
import SluiceDatabase

/// Everything Sluice reads from its environment, documented in the README. Flags of the
/// `sluice` command override the environment.
public struct SluiceConfiguration: Sendable {
    public var hostname = "127.0.0.1"
    public var port = 8080
    public var databaseURL: String
    /// PEM certificates of the authorities that sign PostgreSQL's certificate (`sslrootcert`
    /// in the URL, or `SLUICE_DATABASE_CA_FILE`); without it, the system's roots.
    public var databaseCAFile: String?
    public var redisURL: String?
    /// Redis's password when it is handed over apart from the URL (`SLUICE_REDIS_PASSWORD`).
    public var redisPassword: String?
    /// PEM certificates of the authorities that sign Redis's certificate (`rediss://` only).
    public var redisCAFile: String?
    public var jwtKeys: [AccessTokens.Key]
    public var jwtSigningKeyID: String
    public var accessTokenLifetime: Duration = .seconds(15 * 60)
    public var refreshTokenLifetime: TimeInterval = 30 * 24 * 3600
    public var maxBodyBytes = BodyLimitMiddleware.defaultLimit
    /// Header, request and idle timeouts, and the most connections open at once.
    var connections = ConnectionLimits()
    public var loginThrottle = InProcessLoginThrottle.Configuration()
    /// Signups allowed per client address an hour (each costs a password hash and a tenant).
    public var signupsPerAddress = 10
    /// Proxies whose `X-Forwarded-For` / `Forwarded` headers tell the client's address.
    var trustedProxies: [AddressRange] = []
    public var passwordHashingThreads = max(1, ProcessInfo.processInfo.activeProcessorCount)
    public var migrationsDirectory: String
    public var migrateOnStart = true
    public var databasePoolSize = 20
    /// Connections of the pool opened at start and kept (`SLUICE_DATABASE_POOL_MIN`, at most
    /// the pool's size); the rest are opened on demand and closed after a minute idle.
    public var databasePoolMinimum = 8
    /// Concurrent append transactions of a stream, each for a share of its partitions
    /// (`SLUICE_INGEST_LANES`, default 2; see `EventAppender`).
    public var ingestLanes = 2
    /// Live feeds (event tails, analytics feeds) a tenant may hold open on one server at once
    /// (`SLUICE_MAX_FEEDS_PER_TENANT`, default 10): each polls PostgreSQL while it is open.
    public var maxFeedsPerTenant = 10
    /// How long SIGTERM waits for in-flight work before cancelling it (`SLUICE_SHUTDOWN_TIMEOUT_SECONDS`, default 30).
    public var shutdownTimeout: Duration = .seconds(30)
    /// Deadlines on database calls (`SLUICE_DATABASE_TIMEOUT_SECONDS`, default 10).
    var database = Database.Configuration()
    public var logLevel: Logger.Level = .info
    /// Seals secrets Sluice must keep readable (platform app secrets): 32 bytes. Without it, a
    /// key is derived from the JWT signing key (so rotating that key loses sealed secrets).
    public var secretsKey: [UInt8]? {
        get { secretsKeys.first }
        set { secretsKeys = newValue.map { [$0] } ?? [] }
    }
    /// `SLUICE_SECRETS_KEY` as a list for a rotation (`new,old`): the first seals, each opens.
    public var secretsKeys: [[UInt8]] = []
    /// Authenticate the audit chain; without them, a key derived from the JWT signing key.
    public var auditKeys: AuditKeys?
    /// Plans, per-API-key limits and tenant quotas; in Redis when `redisURL` is set, else in
    /// this process only.
    public var rateLimits = RateLimits.Configuration()
    /// The time quotas and usage are counted by; tests move it across a month's end.
    public var clock: @Sendable () -> Date = { Date() }
    /// The webhook worker pool in this process.
    public var workers = Workers()
    /// The analytics consumer (rollups) in this process.
    public var analytics = Analytics()
    public var pull = Pull()
    public var dashboard = Dashboard()
    /// Whether the JWT key was made up at start (no `SLUICE_JWT_KEYS`): tokens die with the process.
    public var jwtKeyIsEphemeral = false

    public init(databaseURL: String, jwtKeys: [AccessTokens.Key], jwtSigningKeyID: String, migrationsDirectory: String) {
        self.databaseURL = databaseURL
        self.jwtKeys = jwtKeys
        self.jwtSigningKeyID = jwtSigningKeyID
        self.migrationsDirectory = migrationsDirectory
    }

    /// Reads the `SLUICE_*` variables; see the README for each.
    public static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment) throws -> Self {
        let environment = try withFiles(environment)
        let databaseURL = try databaseURL(environment)
        var keys: [AccessTokens.Key] = []
        var ephemeral = false
        if let spec = environment["SLUICE_JWT_KEYS"], !spec.isEmpty {
            keys = try parseJWTKeys(spec)
        } else {
            keys = [.init(id: "ephemeral", secret: (0..<32).map { _ in UInt8.random(in: 0...255) })]
            ephemeral = true
        }
        var configuration = Self(
            databaseURL: databaseURL,
            jwtKeys: keys,
            jwtSigningKeyID: environment["SLUICE_JWT_SIGNING_KEY_ID"] ?? keys[0].id,
            migrationsDirectory: environment["SLUICE_MIGRATIONS_DIR"] ?? defaultMigrationsDirectory()
        )
        configuration.jwtKeyIsEphemeral = ephemeral
        configuration.redisURL = environment["SLUICE_REDIS_URL"].flatMap { $0.isEmpty ? nil : $0 }
        configuration.redisPassword = environment["SLUICE_REDIS_PASSWORD"].flatMap { $0.isEmpty ? nil : $0 }
        configuration.redisCAFile = environment["SLUICE_REDIS_CA_FILE"].flatMap { $0.isEmpty ? nil : $0 }
        configuration.databaseCAFile = environment["SLUICE_DATABASE_CA_FILE"].flatMap { $0.isEmpty ? nil : $0 }
        if let listen = environment["SLUICE_LISTEN"] { try configuration.setListen(listen) }
        if let value = environment["SLUICE_RATE_LIMITS_ENABLED"] { configuration.rateLimits.enabled = value != "false" && value != "0" }
        if let value = environment["SLUICE_PLANS"] { try Plan.parse(value, into: &configuration.rateLimits.plans) }
        if let value = environment["SLUICE_DEFAULT_PLAN"] {
            guard configuration.rateLimits.plans[value] != nil else {
                throw ConfigurationError("SLUICE_DEFAULT_PLAN '\(value)' is not a configured plan")
            }
            configuration.rateLimits.defaultPlan = value
        }
        if let value = environment["SLUICE_RATE_LIMIT_ON_REDIS_FAILURE"] {
            guard let policy = ResilientRateLimiter.OnFailure(rawValue: value) else {
                throw ConfigurationError("SLUICE_RATE_LIMIT_ON_REDIS_FAILURE is open or closed")
            }
            configuration.rateLimits.onRedisFailure = policy
        }
        if let value = environment["SLUICE_SECRETS_KEY"], !value.isEmpty {
            configuration.secretsKeys = try value.split(separator: ",").map { text in
                guard let key = Data(base64Encoded: text.trimmingCharacters(in: .whitespaces)), key.count == 32 else {
                    throw ConfigurationError("SLUICE_SECRETS_KEY must be 32 bytes in base64 (openssl rand -base64 32), or several: new,old")
                }
                return Array(key)
            }
        }
        if let value = environment["SLUICE_HTTP_HEADER_TIMEOUT_SECONDS"] {
            configuration.connections.headerTimeout = .seconds(Int64(try int(value, "SLUICE_HTTP_HEADER_TIMEOUT_SECONDS", 1...600)))
        }
        if let value = environment["SLUICE_HTTP_REQUEST_TIMEOUT_SECONDS"] {
            configuration.connections.requestTimeout = .seconds(Int64(try int(value, "SLUICE_HTTP_REQUEST_TIMEOUT_SECONDS", 1...3600)))
        }
        if let value = environment["SLUICE_HTTP_IDLE_TIMEOUT_SECONDS"] {
            configuration.connections.idleTimeout = .seconds(Int64(try int(value, "SLUICE_HTTP_IDLE_TIMEOUT_SECONDS", 1...3600)))
        }
        if let value = environment["SLUICE_MAX_CONNECTIONS"] {
            configuration.connections.maxConnections = try int(value, "SLUICE_MAX_CONNECTIONS", 1...1_000_000)
        }
        if let value = environment["SLUICE_MAX_BODY_BYTES"] {
            configuration.maxBodyBytes = try int(value, "SLUICE_MAX_BODY_BYTES", 1024...(64 << 20))
        }
        if let value = environment["SLUICE_ACCESS_TOKEN_TTL_SECONDS"] {
            configuration.accessTokenLifetime = .seconds(try int(value, "SLUICE_ACCESS_TOKEN_TTL_SECONDS", 30...86_400))
        }
        if let value = environment["SLUICE_REFRESH_TOKEN_TTL_SECONDS"] {
            configuration.refreshTokenLifetime = TimeInterval(try int(value, "SLUICE_REFRESH_TOKEN_TTL_SECONDS", 60...(365 * 86_400)))
        }
        if let value = environment["SLUICE_LOGIN_FAILURES_PER_ACCOUNT"] {
            configuration.loginThrottle.failuresPerAccount = try int(value, "SLUICE_LOGIN_FAILURES_PER_ACCOUNT", 1...1000)
        }
        if let value = environment["SLUICE_AUDIT_KEYS"] {
            let keys = try parseJWTKeys(value)
            let signing = environment["SLUICE_AUDIT_KEY_ID"] ?? keys.first?.id ?? ""
            guard keys.contains(where: { $0.id == signing }) else {
                throw ConfigurationError("SLUICE_AUDIT_KEY_ID '\(signing)' is not among SLUICE_AUDIT_KEYS")
            }
            configuration.auditKeys = AuditKeys(keys: Dictionary(keys.map { ($0.id, $0.secret) }) { first, _ in first }, signingKeyID: signing)
        }
        if let value = environment["SLUICE_SIGNUPS_PER_IP"] {
            configuration.signupsPerAddress = try int(value, "SLUICE_SIGNUPS_PER_IP", 1...1_000_000)
        }
        if let value = environment["SLUICE_TRUSTED_PROXIES"], !value.isEmpty {
            configuration.trustedProxies = try value.split(separator: ",").map { text in
                let text = text.trimmingCharacters(in: .whitespaces)
                guard let range = AddressRange(text) else {
                    throw ConfigurationError("SLUICE_TRUSTED_PROXIES: '\(text)' is not an address or a CIDR block (10.0.0.0/8, fd00::/8)")
                }
                return range
            }
        }
        if let value = environment["SLUICE_LOGIN_FAILURES_PER_IP"] {
            configuration.loginThrottle.failuresPerIP = try int(value, "SLUICE_LOGIN_FAILURES_PER_IP", 1...100_000)
        }
        if let value = environment["SLUICE_SHUTDOWN_TIMEOUT_SECONDS"] {
            configuration.shutdownTimeout = .seconds(try int(value, "SLUICE_SHUTDOWN_TIMEOUT_SECONDS", 1...3600))
        }
        if let value = environment["SLUICE_DATABASE_TIMEOUT_SECONDS"] {
            configuration.database.callTimeout = .seconds(try int(value, "SLUICE_DATABASE_TIMEOUT_SECONDS", 1...3600))
        }
        if let value = environment["SLUICE_MAX_FEEDS_PER_TENANT"] {
            configuration.maxFeedsPerTenant = try int(value, "SLUICE_MAX_FEEDS_PER_TENANT", 1...1000)
        }
        if let value = environment["SLUICE_DATABASE_POOL_SIZE"] {
            configuration.databasePoolSize = try int(value, "SLUICE_DATABASE_POOL_SIZE", 1...1000)
        }
        if let value = environment["SLUICE_DATABASE_POOL_MIN"] {
            configuration.databasePoolMinimum = try int(value, "SLUICE_DATABASE_POOL_MIN", 0...1000)
        }
        if let value = environment["SLUICE_MIGRATE_ON_START"] { configuration.migrateOnStart = value != "false" && value != "0" }
        if let value = environment["SLUICE_WORKER_CONCURRENCY"] {
            configuration.workers.concurrency = try int(value, "SLUICE_WORKER_CONCURRENCY", 0...1000)
        }
        if let value = environment["SLUICE_WORKER_LEASE_SECONDS"] {
            configuration.workers.leaseSeconds = try int(value, "SLUICE_WORKER_LEASE_SECONDS", 2...300)
        }
        if let value = environment["SLUICE_WEBHOOK_ALLOW_PRIVATE_NETWORKS"] {
            configuration.workers.allowPrivateNetworks = value == "true" || value == "1"
        }
        if let value = environment["SLUICE_PULL_CONCURRENCY"] {
            configuration.pull.concurrency = try int(value, "SLUICE_PULL_CONCURRENCY", 0...1000)
        }
        if let value = environment["SLUICE_PULL_RUN_RETENTION_HOURS"] {
            configuration.pull.runRetentionHours = try int(value, "SLUICE_PULL_RUN_RETENTION_HOURS", 1...8760)
        }
        if let value = environment["SLUICE_INGEST_LANES"] {
            configuration.ingestLanes = try int(value, "SLUICE_INGEST_LANES", 1...64)
        }
        if let value = environment["SLUICE_ROLLUPS"] { configuration.analytics.rollups = value != "false" && value != "0" }
        if let value = environment["SLUICE_ROLLUP_BATCH_SIZE"] {
            configuration.analytics.batchSize = try int(value, "SLUICE_ROLLUP_BATCH_SIZE", 100...100_000)
        }
        if let value = environment["SLUICE_ROLLUP_GATHER_MS"] {
            configuration.analytics.gather = .milliseconds(try int(value, "SLUICE_ROLLUP_GATHER_MS", 0...60_000))
        }
        if let value = environment["SLUICE_ANALYTICS_CACHE_MB"] {
            configuration.analytics.cacheBytes = try int(value, "SLUICE_ANALYTICS_CACHE_MB", 0...1_048_576) << 20
        }
        if let value = environment["SLUICE_DASHBOARD"] { configuration.dashboard.enabled = try bool(value, "SLUICE_DASHBOARD") }
        if let value = environment["SLUICE_DASHBOARD_SECURE_COOKIES"] {
            configuration.dashboard.secureCookies = try bool(value, "SLUICE_DASHBOARD_SECURE_COOKIES")
        }
        if let value = environment["SLUICE_DASHBOARD_SESSION_HOURS"] {
            configuration.dashboard.sessions.absoluteLifetime = TimeInterval(try int(value, "SLUICE_DASHBOARD_SESSION_HOURS", 1...8760) * 3600)
        }
        if let value = environment["SLUICE_DASHBOARD_IDLE_MINUTES"] {
            configuration.dashboard.sessions.idleLifetime = TimeInterval(try int(value, "SLUICE_DASHBOARD_IDLE_MINUTES", 5...525_600) * 60)
        }
        if let value = environment["SLUICE_LOG_LEVEL"] {
            guard let level = Logger.Level(rawValue: value) else { throw ConfigurationError("SLUICE_LOG_LEVEL '\(value)' is not a log level") }
            configuration.logLevel = level
        }
        return configuration
    }

    /// The keys of the audit chain: the configured ones, else one derived from the JWT signing key.
    func auditKeyring() -> AuditKeys {
        auditKeys ?? AuditKeys.derived(fromJWTKeys: jwtKeys, signingKeyID: jwtSigningKeyID)
    }

    /// Seals and opens the secrets Sluice keeps readable.
    func secretBox() -> SecretBox {
        // The key derived from the JWT signing key keeps opening what it sealed before a
        // secrets key was configured (until `sluice admin reseal-secrets`).
        let derived = SecretBox.derived(from: jwtKeys.first { $0.id == jwtSigningKeyID }?.secret ?? [])
        return secretsKeys.isEmpty ? SecretBox(keys: [], opening: [derived]) : SecretBox(keys: secretsKeys, opening: [derived])
    }

    /// `host:port`, e.g. `127.0.0.1:8080` or `0.0.0.0:8080`.
    public mutating func setListen(_ listen: String) throws {
        guard let colon = listen.lastIndex(of: ":"), let port = Int(listen[listen.index(after: colon)...]), (0...65535).contains(port) else {
            throw ConfigurationError("'\(listen)' is not host:port")
        }
        hostname = String(listen[..<colon])
        self.port = port
    }

    /// `kid:base64secret[,kid:base64secret…]`; each secret at least 32 bytes.
    static func parseJWTKeys(_ spec: String) throws -> [AccessTokens.Key] {
        try spec.split(separator: ",").map { entry in
            let parts = entry.split(separator: ":", maxSplits: 1)
            guard parts.count == 2, !parts[0].isEmpty, let secret = Data(base64Encoded: String(parts[1])) else {
                throw ConfigurationError("SLUICE_JWT_KEYS must be kid:base64secret[,kid:base64secret…]")
            }
            guard secret.count >= 32 else { throw ConfigurationError("the JWT key '\(parts[0])' is shorter than 32 bytes") }
            return .init(id: String(parts[0]), secret: Array(secret))
        }
    }

    private static func int(_ value: String, _ name: String, _ range: ClosedRange<Int>) throws -> Int {
        guard let number = Int(value), range.contains(number) else {
            throw ConfigurationError("\(name) must be a whole number in \(range.lowerBound)...\(range.upperBound)")
        }
        return number
    }

    private static func bool(_ value: String, _ name: String) throws -> Bool {
        switch value.lowercased() {
        case "true", "1", "yes", "on": return true
        case "false", "0", "no", "off": return false
        default: throw ConfigurationError("\(name) must be true or false")
        }
    }

    /// `./migrations`, else `share/sluice/migrations` beside the binary's folder.
    static func defaultMigrationsDirectory() -> String {
        let local = FileManager.default.currentDirectoryPath + "/migrations"
        if FileManager.default.fileExists(atPath: local) { return local }
        let binary = URL(fileURLWithPath: CommandLine.arguments.first ?? ".").resolvingSymlinksInPath()
        return binary.deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("share/sluice/migrations").path
    }

    /// The Redis client's settings: the URL, with the password and CA file given apart.
    func redisConfiguration() throws -> RedisConfiguration? {
        guard let redisURL else { return nil }
        var redis = try RedisConfiguration(url: redisURL)
        if let redisPassword { redis.password = redisPassword }
        if let redisCAFile {
            guard FileManager.default.isReadableFile(atPath: redisCAFile) else {
                throw ConfigurationError("the Redis CA file \(redisCAFile) cannot be read")
            }
            redis.caFile = redisCAFile
        }
        return redis
    }

    /// Every `SLUICE_X_FILE` read into `SLUICE_X` (a mounted secret: the file's text, without
    /// its final line break); naming both is an error, as is a file that cannot be read.
    static func withFiles(_ environment: [String: String]) throws -> [String: String] {
        var resolved = environment
        for (name, path) in environment where name.hasPrefix("SLUICE_") && name.hasSuffix("_FILE") && !path.isEmpty {
            let target = String(name.dropLast(5))
            // Variables that name files themselves (a CA bundle) are not secrets to read.
            guard !["SLUICE_DATABASE_CA", "SLUICE_REDIS_CA"].contains(target) else { continue }
            guard environment[target].map(\.isEmpty) ?? true else {
                throw ConfigurationError("\(name) and \(target) are both set; give one")
            }
            guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
                throw ConfigurationError("\(name): cannot read \(path)")
            }
            var value = Substring(text)
            while value.last == "\n" || value.last == "\r" { value = value.dropLast() }
            resolved[target] = String(value)
        }
        return resolved
    }

    /// `SLUICE_DATABASE_URL`, or one made of `SLUICE_DATABASE_HOST`, `_PORT`, `_NAME`, `_USER`
    /// and `_PASSWORD` (as a managed database hands them over); `SLUICE_DATABASE_PASSWORD` and
    /// `SLUICE_DATABASE_SSLMODE` apply to a URL too.
    static func databaseURL(_ environment: [String: String]) throws -> String {
        let value = { (name: String) in environment[name].flatMap { $0.isEmpty ? nil : $0 } }
        var components: URLComponents
        if let url = value("SLUICE_DATABASE_URL") {
            guard let parsed = URLComponents(string: url) else {
                throw ConfigurationError("SLUICE_DATABASE_URL must look like postgres://user:password@host:port/database")
            }
            components = parsed
        } else if let host = value("SLUICE_DATABASE_HOST") {
            components = URLComponents()
            components.scheme = "postgres"
            components.host = host
            components.port = try value("SLUICE_DATABASE_PORT").map { try int($0, "SLUICE_DATABASE_PORT", 1...65535) }
            components.user = value("SLUICE_DATABASE_USER") ?? "sluice"
            components.path = "/" + (value("SLUICE_DATABASE_NAME") ?? "sluice")
        } else {
            throw ConfigurationError(
                "Set SLUICE_DATABASE_URL (e.g. postgres://sluice:secret@127.0.0.1:5432/sluice) or SLUICE_DATABASE_HOST with _PORT, _NAME, _USER, _PASSWORD"
            )
        }
        if let password = value("SLUICE_DATABASE_PASSWORD") {
            components.percentEncodedPassword = password.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
        }
        if let mode = value("SLUICE_DATABASE_SSLMODE") {
            components.queryItems = (components.queryItems ?? []).filter { $0.name != "sslmode" } + [URLQueryItem(name: "sslmode", value: mode)]
        }
        guard let url = components.string else { throw ConfigurationError("the database settings do not make a URL") }
        return url
    }

    /// The PostgreSQL client configuration from `postgres://user:password@host:port/db?sslmode=…`.
    /// `sslmode` as libpq reads it: `disable`; `prefer` and `require` encrypt without checking
    /// the certificate (`require` checks its chain when a CA file is given, as libpq does with a
    /// root certificate); `verify-ca` checks the chain; `verify-full` the chain and the host
    /// name. The CA file is `sslrootcert` or `SLUICE_DATABASE_CA_FILE`, else the system's roots.
    func postgresConfiguration() throws -> PostgresClient.Configuration {
        guard let url = URLComponents(string: databaseURL), ["postgres", "postgresql"].contains(url.scheme ?? ""),
            let host = url.host, let user = url.user
        else {
            throw ConfigurationError("SLUICE_DATABASE_URL must look like postgres://user:password@host:port/database")
        }
        let database = String(url.path.drop { $0 == "/" })
        let sslMode = url.queryItems?.first { $0.name == "sslmode" }?.value ?? "disable"
        let caFile = url.queryItems?.first { $0.name == "sslrootcert" }?.value ?? databaseCAFile
        var tlsConfiguration = TLSConfiguration.makeClientConfiguration()
        if let caFile {
            guard FileManager.default.isReadableFile(atPath: caFile) else {
                throw ConfigurationError("the database CA file \(caFile) cannot be read")
            }
            tlsConfiguration.trustRoots = .file(caFile)
        }
        let tls: PostgresClient.Configuration.TLS
        switch sslMode {
        case "disable":
            tls = .disable
        case "prefer", "require":
            tlsConfiguration.certificateVerification = sslMode == "require" && caFile != nil ? .noHostnameVerification : .none
            tls = sslMode == "prefer" ? .prefer(tlsConfiguration) : .require(tlsConfiguration)
        case "verify-ca":
            tlsConfiguration.certificateVerification = .noHostnameVerification
            tls = .require(tlsConfiguration)
        case "verify-full":
            tlsConfiguration.certificateVerification = .fullVerification
            tls = .require(tlsConfiguration)
        default:
            throw ConfigurationError("sslmode '\(sslMode)' is not one of disable, prefer, require, verify-ca, verify-full")
        }
        var configuration = PostgresClient.Configuration(
            host: host,
            port: url.port ?? 5432,
            username: user,
            password: url.password?.removingPercentEncoding,
            database: database.isEmpty ? user : database,
            tls: tls
        )
        // Connections kept open from the start: postgres-nio gives a connection above the
        // minimum an idle-timeout timer each time it is handed back (a task, a task group of
        // two and a timer, cancelled at the next lease), which at a low load was about a tenth
        // of a single-event request's CPU with no minimum. Idle ones are checked every 30 s
        // (keep-alive).
        configuration.options.maximumConnections = databasePoolSize
        configuration.options.minimumConnections = min(databasePoolMinimum, databasePoolSize)
        if let searchPath = url.queryItems?.first(where: { $0.name == "search_path" })?.value {
            configuration.options.additionalStartupParameters = [("search_path", searchPath)]
        }
        return configuration
    }
}

extension SluiceConfiguration {
    public struct Workers: Sendable {
        /// Webhook requests in flight at once in this process; 0: `sluice serve` runs no workers.
        public var concurrency = 16
        /// A worker that stops renewing loses its partitions this long after its last renewal.
        public var leaseSeconds = 10
        /// Whether webhooks may point at loopback, private and link-local addresses.
        public var allowPrivateNetworks = false
        public init() {}
    }
}

extension SluiceConfiguration {
    public struct Pull: Sendable {
        /// Pull source requests in flight at once in this process; 0: this process polls nothing.
        public var concurrency = 16
        /// How long each source request's run record is kept.
        public var runRetentionHours = 24
        public init() {}
    }
}

extension SluiceConfiguration {
    public struct Analytics: Sendable {
        /// Whether this process keeps the streams' rollups. Any number of processes may: they
        /// share the partitions, one batch of a partition at a time.
        public var rollups = true
        /// Events of a partition applied in one transaction.
        public var batchSize = 5000
        /// How long events gather between two rollup batches while they trickle in
        /// (`SLUICE_ROLLUP_GATHER_MS`; see `RollupConsumer.Configuration.gather`).
        public var gather: Duration = .milliseconds(250)
        /// Memory for the leaderboards' cache of final days' entity rollups, in bytes.
        public var cacheBytes = 256 << 20
        public init() {}
    }
}

extension SluiceConfiguration {
    public struct Dashboard: Sendable {
        /// Whether `serve` serves the web dashboard under `/dashboard` (`SLUICE_DASHBOARD`).
        public var enabled = true
        /// `Secure` on its cookies (`SLUICE_DASHBOARD_SECURE_COOKIES`, default true): browsers
        /// keep them over HTTPS and on localhost only. Turn it off only to reach a node over
        /// plain HTTP on a private network, never across the internet.
        public var secureCookies = true
        /// Session lifetimes (`SLUICE_DASHBOARD_SESSION_HOURS`, default 168;
        /// `SLUICE_DASHBOARD_IDLE_MINUTES`, default 720).
        public var sessions = DashboardSessions.Configuration()
        public init() {}
    }
}
