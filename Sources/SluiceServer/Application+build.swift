import Foundation
import Hummingbird
import Logging
import NIOPosix
import OpenAPIHummingbird
import PasswordHashing
import PostgresNIO
import Prometheus
import Redis
import ServiceLifecycle
import SluiceAnalytics
import SluiceCore
import SluiceDashboard
import SluiceDatabase
import SluiceDelivery
import SluicePlatforms
import SluicePull

/// The one place where Sluice is wired: configuration in, a runnable application out.
/// The `sluice` command and the tests both start here.
public func buildApplication(
    _ configuration: SluiceConfiguration,
    logger: Logger = Logger(label: "sluice")
) async throws -> some ApplicationProtocol {
    var logger = logger
    logger.logLevel = configuration.logLevel
    if configuration.jwtKeyIsEphemeral {
        logger.warning(
            "SLUICE_JWT_KEYS is not set: using a key made at start-up; access tokens will not survive a restart or work across nodes, and without SLUICE_AUDIT_KEYS audit entries keyed now will not verify after one"
        )
    }

    if configuration.migrateOnStart {
        // Before anything is made, on a client of its own: no worker or service ever runs
        // against a schema older than its code.
        _ = try await Admin.with(configuration, logger: logger) { try await $0.migrate(directory: configuration.migrationsDirectory) }
    }
    let work = try BackgroundWork(configuration, logger: logger)
    let client = work.client
    let hashingPool = NIOThreadPool(numberOfThreads: configuration.passwordHashingThreads)
    hashingPool.start()
    let hasher = PasswordHasher(threadPool: hashingPool)
    let migrator = try Migrator(directory: configuration.migrationsDirectory, logger: logger)
    let tokens = try await AccessTokens(
        configuration: {
            var tokenConfiguration = AccessTokens.Configuration(keys: configuration.jwtKeys, signingKeyID: configuration.jwtSigningKeyID)
            tokenConfiguration.lifetime = configuration.accessTokenLifetime
            return tokenConfiguration
        }()
    )
    let audit = work.audit
    let refusals = RefusalAudit(audit: audit, logger: logger)
    var authConfiguration = AuthService.Configuration()
    authConfiguration.refreshTokenLifetime = configuration.refreshTokenLifetime
    let redis = try configuration.redisConfiguration().map { RedisClient(configuration: $0, logger: logger) }
    let auth = AuthService(
        configuration: authConfiguration,
        client: client,
        logger: logger,
        hasher: hasher,
        tokens: tokens,
        throttle: redis.map { RedisLoginThrottle(redis: $0, configuration: configuration.loginThrottle, logger: logger) }
            ?? InProcessLoginThrottle(configuration: configuration.loginThrottle),
        signups: {
            // The same sliding window, an hour long, keyed by the client's address.
            var signups = InProcessLoginThrottle.Configuration()
            signups.failuresPerAccount = configuration.signupsPerAddress
            signups.window = 3600
            return redis.map { RedisLoginThrottle(redis: $0, configuration: signups, logger: logger) }
                ?? InProcessLoginThrottle(configuration: signups)
        }(),
        refusals: refusals,
        audit: audit,
        decoyHash: try await hasher.hash(UUID().uuidString)
    )
    let maintenance = EventStoreMaintenance(client: client, logger: logger)
    // After the background work: the API's services stop first, the pool last.
    var services: [any Service] = work.services
    let limiter: any RateLimiter
    let metrics = work.metrics
    let fallbacks = metrics.makeCounter(
        name: "sluice_rate_limit_redis_fallbacks_total",
        help: "Limit checks done without Redis (fail open) or refused for want of it (fail closed)."
    )
    let keyCache = ApiKeyCache(redis: redis, logger: logger)
    if let redis {
        services.append(redis)
        services.append(
            RedisSubscriber(configuration: redis.configuration, channel: ApiKeyCache.channel, logger: logger) { event in
                keyCache.handle(event)
            }
        )
        let leasing = LeasingRateLimiter(
            ResilientRateLimiter(
                primary: RedisRateLimiter(redis: redis),
                fallback: InProcessRateLimiter(),
                onFailure: configuration.rateLimits.onRedisFailure,
                fallbacks: { fallbacks.increment() }
            )
        )
        // After Redis: stopped before it, handing its quota leases back.
        services.append(leasing)
        limiter = leasing
    } else {
        if configuration.rateLimits.enabled {
            logger.notice("SLUICE_REDIS_URL is not set: rate limits and quotas are kept in this process only")
        }
        limiter = InProcessRateLimiter()
    }
    let plans = TenantPlans(
        client: client,
        logger: logger,
        plans: configuration.rateLimits.plans,
        defaultPlan: configuration.rateLimits.defaultPlan
    )
    let usage = UsageRecorder(client: client, logger: logger)
    services.append(usage)
    let limits = RateLimits(
        configuration: configuration.rateLimits,
        limiter: limiter,
        plans: plans,
        usage: usage,
        now: configuration.clock,
        refusals: RateLimits.Kind.allCases.reduce(into: [:]) { counters, kind in
            counters[kind] = metrics.makeCounter(
                name: "sluice_limit_refusals_total",
                labels: [("limit", kind.rawValue)],
                help: "Requests refused (429) by a rate limit or quota."
            )
        }
    )
    let apiKeys = ApiKeyService(client: client, logger: logger, audit: audit, plans: plans, cache: keyCache)
    let streams = StreamService(client: client, logger: logger, audit: audit, catalog: work.catalog)
    let secrets = configuration.secretBox()
    let webhooks = PlatformWebhooks(client: client, logger: logger, audit: audit, streams: streams, box: secrets)
    let ingest = IngestRoutes(
        service: work.ingest,
        webhooks: webhooks,
        limits: limits,
        maxBodyBytes: configuration.maxBodyBytes,
        contract: try Contract.current.get()
    )
    let consumerGroups = ConsumerGroupService(
        client: client,
        logger: logger,
        audit: audit,
        reader: EventReader(client: client, logger: logger),
        notifier: work.notifier,
        pushers: SubscriptionPushers(logger: logger)
    )
    let api = APIImplementation(
        client: client,
        logger: logger,
        migrator: migrator,
        auth: auth,
        members: MemberService(client: client, logger: logger, audit: audit, auth: auth),
        apiKeys: apiKeys,
        audit: audit,
        streams: streams,
        reader: EventReader(client: client, logger: logger),
        registry: SchemaRegistry(client: client, logger: logger, audit: audit, streams: streams, cache: work.schemas),
        webhooks: webhooks,
        limits: limits,
        metrics: metrics,
        quarantine: QuarantineService(
            client: client,
            logger: logger,
            audit: audit,
            streams: streams,
            store: work.quarantine,
            ingest: work.ingest
        ),
        consumerGroups: consumerGroups,
        subscriptions: SubscriptionService(
            client: client,
            logger: logger,
            audit: audit,
            box: secrets,
            consumerGroups: consumerGroups,
            allowPrivateNetworks: configuration.workers.allowPrivateNetworks,
            wakeWorkers: { work.delivery?.wakeRetries() }
        ),
        failures: FailureView(client: client, logger: logger),
        analytics: AnalyticsService(
            client: client,
            logger: logger,
            audit: audit,
            cache: EntityColumnCache(capacity: configuration.analytics.cacheBytes, metrics: metrics)
        ),
        sources: PullSourceService(
            client: client,
            logger: logger,
            audit: audit,
            box: secrets,
            allowPrivateNetworks: configuration.workers.allowPrivateNetworks,
            wakeWorkers: { work.pull?.wake() }
        ),
        feeds: OpenFeeds(limit: configuration.maxFeedsPerTenant)
    )

    let contract = try Contract.current.get()
    let router = Router(context: SluiceRequestContext.self)
    router.addMiddleware {
        SecurityHeadersMiddleware()
        ClientAddressMiddleware(trusted: configuration.trustedProxies)
        RequestIDMiddleware()
        ProblemMiddleware()
        LogRequestsMiddleware(.debug)
        MethodNotAllowedMiddleware(contract: contract)
        BodyLimitMiddleware(limit: configuration.maxBodyBytes)
        AuthenticationMiddleware(tokens: tokens, apiKeys: apiKeys, client: client, logger: logger, contract: contract)
    }
    // The generated handlers spend a request of the caller's limit first; ingest spends it
    // with its events, so it is registered beside them, not behind that middleware.
    let generated = router.group()
        .add(middleware: RateLimitMiddleware(limits: limits))
        .add(middleware: OpenAPIRequestContextMiddleware())
    // The dashboard calls the API's operations through this, behind the same checks.
    let inProcess = InProcessAPI(contract: contract)
    let checked = ContractTransport(
        base: InProcessAPI.Recorder(base: generated, table: inProcess),
        contract: contract,
        refusals: refusals,
        maxBodyBytes: configuration.maxBodyBytes
    )
    try api.registerHandlers(on: HandRoutedTransport(base: checked, excluded: IngestRoutes.operations), configuration: .sluice)
    ingest.register(on: router)
    if configuration.dashboard.enabled {
        DashboardRoutes(
            api: inProcess,
            sessions: DashboardSessions(configuration: configuration.dashboard.sessions, client: client, logger: logger, auth: auth, audit: audit),
            views: try DashboardViews(),
            assets: DashboardAssets(),
            secureCookies: configuration.dashboard.secureCookies
        ).register(on: router)
    }

    let open = OpenConnections(limit: configuration.connections.maxConnections)
    let connectionLimits = configuration.connections
    var app = Application(
        router: router,
        server: .http1(
            configuration: .init(
                additionalChannelHandlers: [ConnectionGuard(limits: connectionLimits, open: open)],
                idleTimeout: connectionLimits.idleTimeout
            )
        ),
        configuration: .init(address: .hostname(configuration.hostname, port: configuration.port), serverName: "sluice"),
        services: services + [ThreadPoolService(pool: hashingPool), maintenance, ConsumerLagSampler(client: client, logger: logger)],
        logger: logger
    )
    app.beforeServerStarts {
        await maintenance.runOnce()
    }
    return app
}

/// Shuts a thread pool down with the rest of the process.
struct ThreadPoolService: Service {
    let pool: NIOThreadPool

    func run() async throws {
        try? await gracefulShutdown()
        try await pool.shutdownGracefully()
    }
}

/// `sluice worker`: the webhook worker pool, the pull sources' poller (unless
/// `SLUICE_PULL_CONCURRENCY=0`) and, unless `SLUICE_ROLLUPS=false`, the analytics consumer,
/// alone, without the API. Runs until SIGTERM or
/// SIGINT, then hands its partitions back. With `listen` (`host:port`), it also serves
/// `/healthz` and `/metrics` there for probes and Prometheus.
public func runWorker(_ configuration: SluiceConfiguration, listen: String? = nil, logger: Logger = Logger(label: "sluice")) async throws {
    var logger = logger
    logger.logLevel = configuration.logLevel
    guard configuration.workers.concurrency > 0 || configuration.pull.concurrency > 0 else {
        throw ConfigurationError("sluice worker needs SLUICE_WORKER_CONCURRENCY or SLUICE_PULL_CONCURRENCY of at least 1")
    }
    let work = try BackgroundWork(configuration, logger: logger)
    let (services, metrics) = (work.services, work.metrics)
    if let listen {
        var address = configuration
        try address.setListen(listen)
        let connectionLimits = configuration.connections
        let open = OpenConnections(limit: connectionLimits.maxConnections)
        let router = Router()
        router.add(middleware: SecurityHeadersMiddleware())
        router.get("healthz") { _, _ in
            Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: #"{"status":"ok"}"#)))
        }
        router.get("metrics") { _, _ in
            Response(
                status: .ok,
                headers: [.contentType: "text/plain; version=0.0.4"],
                body: .init(byteBuffer: ByteBuffer(bytes: metrics.emitToBuffer()))
            )
        }
        let app = Application(
            router: router,
            server: .http1(
                configuration: .init(
                    additionalChannelHandlers: [ConnectionGuard(limits: connectionLimits, open: open)],
                    idleTimeout: connectionLimits.idleTimeout
                )
            ),
            configuration: .init(address: .hostname(address.hostname, port: address.port), serverName: "sluice-worker"),
            services: services,
            logger: logger
        )
        try await runUntilSignalled([app], configuration, logger: logger)
    } else {
        try await runUntilSignalled(services, configuration, logger: logger)
    }
}

/// Runs `services` until SIGTERM or SIGINT, then stops them in reverse order within
/// `shutdownTimeout`: past it, what is still running is cancelled, and what ignores
/// cancellation for 5 s more ends the process (a `fatalError` naming it) rather than
/// keeping a stopped node alive.
public func runUntilSignalled(_ services: [any Service], _ configuration: SluiceConfiguration, logger: Logger) async throws {
    var group = ServiceGroupConfiguration(
        services: services.map { .init(service: $0) },
        gracefulShutdownSignals: [.sigterm, .sigint],
        logger: logger
    )
    group.maximumGracefulShutdownDuration = configuration.shutdownTimeout
    group.maximumCancellationDuration = .seconds(5)
    try await ServiceGroup(configuration: group).run()
}
