import Foundation
import Logging
import PostgresNIO
import Prometheus
import ServiceLifecycle
import SluiceAnalytics
import SluiceCore
import SluiceDatabase
import SluiceDelivery
import SluiceOutbound
import SluicePull

/// The part of a Sluice process that both roles run: the PostgreSQL pool, the event
/// notifier, the ingest path (the pull poller stores through it as the API does), and the
/// background workers the configuration turns on. `sluice serve` builds the API on top of
/// it (`buildApplication`); `sluice worker` runs it alone (`runWorker`). Each worker gets its
/// own `Configuration`, mapped here from the process's.
struct BackgroundWork {
    let pool: PostgresClient
    let client: Database
    let notifier: EventNotifier
    let audit: AuditLog
    let catalog: StreamCatalog
    let schemas: SchemaCache
    let quarantine: QuarantineStore
    let ingest: IngestService
    let metrics: PrometheusCollectorRegistry
    let delivery: DeliveryWorker?
    let rollups: RollupConsumer?
    let pull: PullWorker?
    /// In `ServiceGroup` order, which stops them in reverse: each service comes after what it
    /// uses, so the pool outlives everything and each outbound HTTP client outlives the workers
    /// sending through it.
    let services: [any Service]

    init(_ configuration: SluiceConfiguration, logger: Logger) throws {
        pool = PostgresClient(configuration: try configuration.postgresConfiguration(), backgroundLogger: logger)
        client = Database(client: pool, configuration: configuration.database, logger: logger)
        notifier = EventNotifier(client: client, logger: logger)
        metrics = PrometheusCollectorRegistry()
        audit = AuditLog(client: client, logger: logger, keys: configuration.auditKeyring())
        catalog = StreamCatalog(client: client, logger: logger)
        schemas = SchemaCache(client: client, logger: logger)
        quarantine = QuarantineStore(client: client, logger: logger)
        ingest = IngestService(
            catalog: catalog,
            appender: EventAppender(store: EventStore(client: client, logger: logger), configuration: .init(lanes: configuration.ingestLanes)),
            schemas: schemas,
            quarantine: quarantine,
            notifier: notifier,
            logger: logger
        )
        var services: [any Service] = [pool, notifier]
        let box = configuration.secretBox()

        if configuration.workers.concurrency > 0 {
            let http = OutboundHTTPClient(allowPrivateNetworks: configuration.workers.allowPrivateNetworks)
            let metrics = metrics
            let counter = { (outcome: String) in
                metrics.makeCounter(
                    name: "sluice_webhook_attempts_total",
                    labels: [("outcome", outcome)],
                    help: "Webhook delivery attempts by outcome."
                )
            }
            let worker = DeliveryWorker(
                configuration: .init(concurrency: configuration.workers.concurrency, lease: .seconds(configuration.workers.leaseSeconds)),
                client: client,
                logger: logger,
                notifier: notifier,
                http: http,
                box: box,
                audit: audit,
                metrics: (delivered: counter("delivered"), failed: counter("failed"))
            )
            services += [HTTPClientService(http: http), worker]
            delivery = worker
        } else {
            delivery = nil
        }

        if configuration.analytics.rollups {
            let consumer = RollupConsumer(
                configuration: .init(batchSize: configuration.analytics.batchSize, gather: configuration.analytics.gather),
                client: client,
                logger: logger,
                notifier: notifier,
                metrics: metrics
            )
            services.append(consumer)
            rollups = consumer
        } else {
            rollups = nil
        }

        if configuration.pull.concurrency > 0 {
            let http = OutboundHTTPClient(allowPrivateNetworks: configuration.workers.allowPrivateNetworks)
            let worker = PullWorker(
                configuration: .init(
                    concurrency: configuration.pull.concurrency,
                    runRetention: .seconds(configuration.pull.runRetentionHours * 3600)
                ),
                client: client,
                logger: logger,
                http: http,
                box: box,
                ingest: ingest,
                catalog: catalog,
                metrics: metrics
            )
            services += [HTTPClientService(http: http), worker]
            pull = worker
        } else {
            pull = nil
        }
        self.services = services
    }
}

/// Closes an outbound HTTP client when the process shuts down, after the workers using it
/// (it is listed before them).
struct HTTPClientService: Service {
    let http: OutboundHTTPClient

    func run() async throws {
        try? await gracefulShutdown()
        try await http.shutdown()
    }
}
