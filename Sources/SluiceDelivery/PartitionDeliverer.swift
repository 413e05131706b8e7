import Foundation
import Logging
import Prometheus
import SluiceCore
import SluiceDatabase

/// Delivers one leased partition of a subscription, in offset order: reads a batch after the
/// committed offset, posts each wanted event, and commits as it goes. A failed event is
/// handed to the retry schedule and the partition moves on (at-least-once), unless the
/// subscription asks for strict ordering, where the partition waits out the schedule on it.
/// The lease is the balancer's; the policy is the subscription's `RetrySchedule` and the
/// endpoint's health (`EndpointHealth`).
struct PartitionDeliverer: Sendable {
    struct Configuration: Sendable {
        /// Events read from a partition at a time.
        var batchSize = 100
        /// An idle partition looks for work at least this often even if no notice arrives
        /// (new events wake it at once, through `EventNotifier`, on any node).
        var idleCheck: Duration = .seconds(30)

        package init(idleCheck: Duration = .seconds(30)) {
            self.idleCheck = idleCheck
        }
    }

    let configuration: Configuration
    let client: Database
    let logger: Logger
    let notifier: EventNotifier
    let leases: DeliveryLeases
    let poster: WebhookPoster
    let health: EndpointHealth
    let now: @Sendable () -> Date
    let jitter: @Sendable () -> Double
    /// Tells the retry scheduler that a retry was just scheduled.
    let retryScheduled: @Sendable () -> Void

    private var reader: EventReader { EventReader(client: client, logger: logger) }
    private var subscriptions: SubscriptionRepository { .init(logger: logger) }
    private var store: DeliveryStore { .init(logger: logger) }
    private var streams: StreamRepository { .init(logger: logger) }

    /// Works the partition until the lease is lost or given back, the subscription pauses,
    /// or the worker stops.
    func work(_ key: LeaseKey, balancer: LeaseBalancer) async {
        var failures = 0
        while balancer.mayContinue(key) {
            do {
                guard try await batch(key, balancer: balancer) == .goOn else { return }
                failures = 0
            } catch {
                if Task.isCancelled { return }
                failures += 1
                logger.warning("delivery round failed", metadata: ["subscription": "\(key.subscriptionID)", "error": "\(String(reflecting: error))"])
                try? await Task.sleep(for: .milliseconds(min(10_000, 200 << min(failures, 6))))
            }
        }
    }

    /// What a batch leaves the partition's task to do.
    enum Next: Equatable {
        case goOn
        /// Lease lost or given back, subscription gone or paused.
        case leave
    }

    /// Reads and posts one batch after the committed offset.
    private func batch(_ key: LeaseKey, balancer: LeaseBalancer) async throws -> Next {
        guard
            var subscription = try await client.withConnection({ [self] connection in
                try await subscriptions.find(tenantID: key.tenantID, id: key.subscriptionID, on: connection)
            }),
            subscription.state == .active,
            let stream = try await client.withConnection({ [self, subscription] connection in
                try await streams.find(tenantID: key.tenantID, id: subscription.streamID, on: connection)
            })
        else { return .leave }
        let group = ConsumerGroup(tenantID: key.tenantID, id: subscription.groupID, streamID: stream.id, name: "", start: .latest, createdAt: now())
        let committed =
            try await client.withConnection { [self] connection in
                try await ConsumerGroupRepository(logger: logger).committed(group, on: connection)
            }[key.partition] ?? 0
        let version = notifier.version(of: stream.id)
        let events = try await reader.read(stream: stream, partition: key.partition, from: committed, limit: configuration.batchSize)
        if events.isEmpty {
            let stays = await balancer.idle(key) {
                await notifier.wait(for: stream.id, after: version, timeout: configuration.idleCheck)
            }
            return stays ? .goOn : .leave
        }
        let secrets = try await poster.signingSecrets(subscription)
        var next = committed
        var lastCommit = ContinuousClock.now
        for event in events {
            guard balancer.mayContinue(key) else { break }
            guard subscription.wants(event.type) else {
                next = event.offset + 1
                continue
            }
            let body = WebhookSender.body(event, stream: stream.name)
            var attempts: [DeliveryAttempt] = []
            while true {
                let attempt = await poster.post(subscription, body: body, id: event.id, secrets: secrets, series: 1, attempt: attempts.count + 1)
                if attempt.succeeded {
                    try await health.succeeded(&subscription)
                    break
                }
                attempts.append(attempt)
                guard try await health.failed(&subscription, attempt) else {
                    // The circuit opened: the event stays unacknowledged, for when it is resumed.
                    _ = try await commit(key, subscription, next)
                    return .leave
                }
                if subscription.strictOrdering, let delay = subscription.retry.delay(after: attempts.count, jitter: jitter()) {
                    // In slices, so that a worker asked to give the partition back does so soon.
                    let until = ContinuousClock.now + delay
                    while ContinuousClock.now < until {
                        try await Task.sleep(for: min(.seconds(1), until - ContinuousClock.now))
                        guard balancer.mayContinue(key) else {
                            _ = try await commit(key, subscription, next)
                            return .leave
                        }
                    }
                    continue
                }
                // Off the partition's path: retried on the schedule (or dead), as the offset moves past it.
                let retryAt = subscription.strictOrdering ? nil : subscription.retry.nextAttempt(after: 1, now: now(), jitter: jitter())
                let moved = try await client.transaction(logger: logger) { [self, subscription, attempts] connection in
                    guard try await subscriptions.hold(subscription, on: connection),
                        try await leases.commit(key, group: subscription.groupID, offset: event.offset + 1, on: connection)
                    else { return false }
                    try await store.recordFailure(subscription: subscription, event: event, attempts: attempts, retryAt: retryAt, on: connection)
                    return true
                }
                guard moved else { return .leave }
                if retryAt != nil { retryScheduled() }
                lastCommit = ContinuousClock.now
                break
            }
            next = event.offset + 1
            if ContinuousClock.now - lastCommit > .seconds(1) {
                guard try await commit(key, subscription, next) else { return .leave }
                lastCommit = ContinuousClock.now
            }
        }
        return try await commit(key, subscription, next) ? .goOn : .leave
    }

    private func commit(_ key: LeaseKey, _ subscription: Subscription, _ offset: Int64) async throws -> Bool {
        try await client.withConnection { [self] connection in
            try await leases.commit(key, group: subscription.groupID, offset: offset, on: connection)
        }
    }
}

/// Signs and posts one event to a subscription's endpoint, within the process's concurrency,
/// counting the outcome.
struct WebhookPoster: Sendable {
    let client: Database
    let logger: Logger
    let sender: WebhookSender
    let box: SecretBox
    let gate: Gate
    let delivered: Prometheus.Counter
    let failed: Prometheus.Counter

    /// The subscription's signing secrets: the current one, and the previous while it still signs.
    func signingSecrets(_ subscription: Subscription) async throws -> [WebhookSecret] {
        guard
            let sealed = try await client.withConnection({ [self] connection in
                try await SubscriptionRepository(logger: logger).secrets(tenantID: subscription.tenantID, id: subscription.id, on: connection)
            })
        else { throw CancellationError() }
        return try ([sealed.current] + (sealed.previous.map { [$0] } ?? [])).map { WebhookSecret(bytes: try box.open($0)) }
    }

    func post(_ subscription: Subscription, body: [UInt8], id: UUID, secrets: [WebhookSecret], series: Int, attempt: Int) async -> DeliveryAttempt {
        await gate.acquire()
        defer { Task { await gate.release() } }
        let result = await sender.send(
            to: subscription.url,
            messageID: id.lowercased,
            body: body,
            secrets: secrets,
            timeoutMilliseconds: subscription.timeoutMilliseconds,
            series: series,
            attempt: attempt
        )
        if result.succeeded { delivered.increment() } else { failed.increment() }
        return result
    }
}
