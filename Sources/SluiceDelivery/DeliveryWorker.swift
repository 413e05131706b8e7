import AsyncHTTPClient
import Foundation
import Logging
import PostgresNIO
import Prometheus
import ServiceLifecycle
import SluiceCore
import SluiceDatabase
import SluiceOutbound
import Synchronization

/// The worker pool: posts subscribed events to their webhooks. Runs in `sluice serve` and
/// alone as `sluice worker`; any number of them share the work through partition leases, each
/// taking its fair share, so that no partition is worked by two at once and per-partition
/// order holds. Three parts, each in its file: the `LeaseBalancer` keeps the share, a
/// `PartitionDeliverer` works each partition held, and the `RetryScheduler` retries failures
/// off the partitions' path. Delivery is at-least-once.
package final class DeliveryWorker: Service, Sendable {
    package struct Configuration: Sendable {
        /// Webhook requests in flight at once, in this process.
        var concurrency: Int
        var lease: Duration

        package init(concurrency: Int, lease: Duration) {
            self.concurrency = concurrency
            self.lease = lease
        }
        var partitions = PartitionDeliverer.Configuration()
    }

    let id: String
    private let logger: Logger
    private let balancer: LeaseBalancer
    private let deliverer: PartitionDeliverer
    private let retries: RetryScheduler

    package init(
        configuration: Configuration,
        client: Database,
        logger: Logger,
        notifier: EventNotifier,
        http: OutboundHTTPClient,
        box: SecretBox,
        audit: AuditLog,
        metrics: (delivered: Prometheus.Counter, failed: Prometheus.Counter),
        now: @escaping @Sendable () -> Date = { Date() },
        jitter: @escaping @Sendable () -> Double = RetrySchedule.randomJitter
    ) {
        let id = Self.processWorkerID()
        self.id = id
        var logger = logger
        logger[metadataKey: "worker"] = .string(id)
        self.logger = logger
        let leases = DeliveryLeases(client: client, logger: logger, owner: id, lease: configuration.lease)
        let poster = WebhookPoster(
            client: client,
            logger: logger,
            sender: WebhookSender(http: http),
            box: box,
            gate: Gate(configuration.concurrency),
            delivered: metrics.delivered,
            failed: metrics.failed
        )
        let health = EndpointHealth(client: client, logger: logger, audit: audit, now: now)
        let retries = RetryScheduler(
            owner: id,
            batch: max(1, configuration.concurrency * 2),
            client: client,
            logger: logger,
            poster: poster,
            health: health,
            now: now,
            jitter: jitter,
            alarm: Alarm()
        )
        self.retries = retries
        self.balancer = LeaseBalancer(leases: leases, lease: configuration.lease, concurrency: configuration.concurrency, logger: logger)
        self.deliverer = PartitionDeliverer(
            configuration: configuration.partitions,
            client: client,
            logger: logger,
            notifier: notifier,
            leases: leases,
            poster: poster,
            health: health,
            now: now,
            jitter: jitter,
            retryScheduled: { retries.wake() }
        )
        logger.debug("delivery worker made", metadata: ["concurrency": "\(configuration.concurrency)"])
    }

    package func run() async throws {
        logger.info("delivery worker started")
        let (balancer, deliverer, retries) = (self.balancer, self.deliverer, self.retries)
        await cancelWhenGracefulShutdown {
            await withDiscardingTaskGroup { group in
                group.addTask { await balancer.run { key in await deliverer.work(key, balancer: balancer) } }
                group.addTask { await retries.run() }
            }
        }
        await balancer.stop()
        logger.info("delivery worker stopped")
    }

    /// Something to retry may be due now (a replay on this node).
    package func wakeRetries() {
        retries.wake()
    }
}

/// A counting semaphore for async code: at most `limit` holders at once.
actor Gate {
    private var available: Int
    private var waiting: [CheckedContinuation<Void, Never>] = []

    init(_ limit: Int) { available = max(1, limit) }

    func acquire() async {
        if available > 0 {
            available -= 1
            return
        }
        await withCheckedContinuation { waiting.append($0) }
    }

    func release() {
        if waiting.isEmpty { available += 1 } else { waiting.removeFirst().resume() }
    }
}
