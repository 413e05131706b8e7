import AsyncHTTPClient
import Foundation
import Logging
import PostgresNIO
import Prometheus
import ServiceLifecycle
import Synchronization

/// The worker pool: posts subscribed events to their webhooks. Runs in `sluice serve` and
/// alone as `sluice worker`; any number of them share the work through partition leases
/// (`DeliveryLeases`), each taking its fair share, so that no partition is worked by two at
/// once and per-partition order holds. A failed event is scheduled for retry and the
/// partition moves on, unless the subscription asks for strict ordering; retries are claimed
/// from the `deliveries` table by whichever worker is free. Delivery is at-least-once.
final class DeliveryWorker: Service, Sendable {
    struct Configuration: Sendable {
        /// Webhook requests in flight at once, in this process.
        var concurrency: Int
        var lease: Duration
        /// Events read from a partition at a time.
        var batchSize = 100
        /// An idle partition looks for work at least this often even if no notice arrives
        /// (new events wake it at once, through `EventNotifier`, on any node).
        var idleCheck: Duration = .seconds(30)
    }

    let id: String
    private let configuration: Configuration
    private let client: Database
    private let logger: Logger
    private let notifier: EventNotifier
    private let sender: WebhookSender
    private let box: SecretBox
    private let audit: AuditLog
    private let leases: DeliveryLeases
    private let gate: Gate
    /// The partitions being worked, those asked to stop after their current event, and those
    /// idle (waiting for events).
    private let tasks = Mutex<(running: [LeaseKey: Task<Void, Never>], stopping: Set<LeaseKey>, idle: Set<LeaseKey>)>(([:], [], []))
    /// Until when this worker's leases are surely its own (the lease period from the last renewal's start).
    private let leasedUntil = Mutex<ContinuousClock.Instant>(.now)
    /// Ends the retry loop's sleep.
    private let retryAlarm = Alarm()
    private let delivered: Prometheus.Counter
    private let failed: Prometheus.Counter

    var reader: EventReader { EventReader(client: client, logger: logger) }
    var subscriptions: SubscriptionRepository { .init(logger: logger) }
    var store: DeliveryStore { .init(logger: logger) }
    var streams: StreamRepository { .init(logger: logger) }

    init(
        configuration: Configuration,
        client: Database,
        logger: Logger,
        notifier: EventNotifier,
        http: OutboundHTTPClient,
        box: SecretBox,
        audit: AuditLog,
        metrics: (delivered: Prometheus.Counter, failed: Prometheus.Counter)
    ) {
        self.id = Self.processWorkerID()
        self.configuration = configuration
        self.client = client
        var logger = logger
        logger[metadataKey: "worker"] = .string(id)
        self.logger = logger
        self.notifier = notifier
        self.sender = WebhookSender(http: http)
        self.box = box
        self.audit = audit
        self.leases = DeliveryLeases(client: client, logger: logger, owner: id, lease: configuration.lease)
        self.gate = Gate(configuration.concurrency)
        self.delivered = metrics.delivered
        self.failed = metrics.failed
    }

    func run() async throws {
        logger.info("delivery worker started", metadata: ["concurrency": "\(configuration.concurrency)"])
        await cancelWhenGracefulShutdown {
            await withDiscardingTaskGroup { group in
                group.addTask { await self.leaseLoop() }
                group.addTask { await self.retryLoop() }
            }
        }
        let running = tasks.withLock { tasks in
            defer { tasks.running.removeAll() }
            return Array(tasks.running.values)
        }
        for task in running { task.cancel() }
        for task in running { await task.value }
        do { try await leases.retire() } catch {
            logger.warning("could not hand the leases back", metadata: ["error": "\(String(reflecting: error))"])
        }
        logger.info("delivery worker stopped")
    }

    /// Something to retry may be due now (a replay on this node).
    func wakeRetries() {
        retryAlarm.ring()
    }

    // MARK: Leases

    private func leaseLoop() async {
        let period = configuration.lease / 4
        while !Task.isCancelled {
            do {
                try await balance()
            } catch {
                if Task.isCancelled { break }
                logger.warning("lease round failed", metadata: ["error": "\(String(reflecting: error))"])
            }
            try? await Task.sleep(for: period)
        }
    }

    /// One round: heartbeat, renew, drop what is lost, give back what exceeds the fair share,
    /// claim up to it, and start working what was claimed.
    private func balance() async throws {
        let started = ContinuousClock.now
        let workers = try await leases.heartbeat(concurrency: configuration.concurrency)
        let held = try await leases.renew()
        leasedUntil.withLock { $0 = started + configuration.lease }
        let total = try await leases.totalWork()
        let share = (total + workers - 1) / workers

        // A lease lost (expired and taken, or the subscription paused or deleted): stop at once.
        let (lost, running) = tasks.withLock { tasks -> ([Task<Void, Never>], Int) in
            var lost: [Task<Void, Never>] = []
            for (key, task) in tasks.running where !held.contains(key) {
                lost.append(task)
                tasks.running[key] = nil
                tasks.stopping.remove(key)
            }
            return (lost, tasks.running.count - tasks.stopping.count)
        }
        for task in lost { task.cancel() }
        // Held leases with no task (a task ended): give them back.
        for key in held where tasks.withLock({ $0.running[key] == nil }) { try await leases.release(key) }

        if running > share {
            // Beyond the fair share (another worker joined): those stop after their current
            // event, commit, and give their leases back, so no partition is worked twice at once.
            let idle = tasks.withLock { tasks in
                let keys = tasks.running.keys.filter { !tasks.stopping.contains($0) }.shuffled().prefix(running - share)
                tasks.stopping.formUnion(keys)
                // One waiting for events has nothing in flight: wake it to leave now.
                return keys.filter { tasks.idle.contains($0) }.compactMap { tasks.running[$0] }
            }
            for task in idle { task.cancel() }
        } else if running < share {
            for key in try await leases.claim(share - running) { start(key) }
        }
    }

    private func start(_ key: LeaseKey) {
        tasks.withLock { tasks in
            guard tasks.running[key] == nil else { return }
            tasks.running[key] = Task {
                await self.work(key)
                try? await self.leases.release(key)
                self.tasks.withLock { tasks in
                    tasks.running[key] = nil
                    tasks.stopping.remove(key)
                    tasks.idle.remove(key)
                }
            }
        }
    }

    private var leaseIsFresh: Bool { leasedUntil.withLock { ContinuousClock.now < $0 } }

    /// Whether the partition's task may go on to another event.
    private func mayContinue(_ key: LeaseKey) -> Bool {
        !Task.isCancelled && leaseIsFresh && !tasks.withLock { $0.stopping.contains(key) }
    }

    // MARK: Partitions

    /// Works one leased partition until the lease is lost or given back, the subscription
    /// pauses, or the worker stops.
    private func work(_ key: LeaseKey) async {
        var failures = 0
        while mayContinue(key) {
            do {
                guard try await workBatch(key) else { return }
                failures = 0
            } catch {
                if Task.isCancelled { return }
                failures += 1
                logger.warning("delivery round failed", metadata: ["subscription": "\(key.subscriptionID)", "error": "\(String(reflecting: error))"])
                try? await Task.sleep(for: .milliseconds(min(10_000, 200 << min(failures, 6))))
            }
        }
    }

    /// Reads and posts one batch after the committed offset; false when the partition should
    /// be left (lease lost, subscription gone or paused).
    private func workBatch(_ key: LeaseKey) async throws -> Bool {
        guard
            var subscription = try await client.withConnection({ [self] connection in
                try await subscriptions.find(tenantID: key.tenantID, id: key.subscriptionID, on: connection)
            }),
            subscription.state == .active,
            let stream = try await client.withConnection({ [self, subscription] connection in
                try await streams.find(tenantID: key.tenantID, id: subscription.streamID, on: connection)
            })
        else { return false }
        let group = ConsumerGroup(tenantID: key.tenantID, id: subscription.groupID, streamID: stream.id, name: "", start: .latest, createdAt: Date())
        let committed =
            try await client.withConnection { [self] connection in
                try await ConsumerGroupRepository(logger: logger).committed(group, on: connection)
            }[key.partition] ?? 0
        let version = notifier.version(of: stream.id)
        let events = try await reader.read(stream: stream, partition: key.partition, from: committed, limit: configuration.batchSize)
        if events.isEmpty {
            tasks.withLock { _ = $0.idle.insert(key) }
            await notifier.wait(for: stream.id, after: version, timeout: configuration.idleCheck)
            // Leaving idle under the lock: a stop request either saw it idle (and cancelled it) or is seen here.
            return tasks.withLock { tasks in
                tasks.idle.remove(key)
                return !tasks.stopping.contains(key)
            }
        }
        let secrets = try await signingSecrets(subscription)
        var next = committed
        var lastCommit = ContinuousClock.now
        for event in events {
            guard mayContinue(key) else { break }
            guard subscription.wants(event.type) else {
                next = event.offset + 1
                continue
            }
            let body = try WebhookSender.body(event, stream: stream.name)
            var attempts: [DeliveryAttempt] = []
            while true {
                let attempt = await post(subscription, body: body, id: event.id, secrets: secrets, series: 1, attempt: attempts.count + 1)
                if attempt.succeeded {
                    try await succeeded(&subscription)
                    break
                }
                attempts.append(attempt)
                guard try await failed(&subscription, attempt) else {
                    // The circuit opened: the event stays unacknowledged, for when it is resumed.
                    _ = try await commit(key, subscription, next)
                    return false
                }
                if subscription.strictOrdering, let delay = subscription.retry.jitteredDelay(after: attempts.count) {
                    // In slices, so that a worker asked to give the partition back does so soon.
                    let until = ContinuousClock.now + delay
                    while ContinuousClock.now < until {
                        try await Task.sleep(for: min(.seconds(1), until - ContinuousClock.now))
                        guard mayContinue(key) else {
                            _ = try await commit(key, subscription, next)
                            return false
                        }
                    }
                    continue
                }
                // Off the partition's path: retried on the schedule (or dead), as the offset moves past it.
                let retryAt = subscription.strictOrdering ? nil : subscription.retry.jitteredDelay(after: 1).map { Date() + $0.timeInterval }
                let moved = try await client.transaction(logger: logger) { [self, subscription, attempts] connection in
                    guard try await subscriptions.hold(subscription, on: connection),
                        try await leases.commit(key, group: subscription.groupID, offset: event.offset + 1, on: connection)
                    else { return false }
                    try await store.recordFailure(subscription: subscription, event: event, attempts: attempts, retryAt: retryAt, on: connection)
                    return true
                }
                guard moved else { return false }
                if retryAt != nil { wakeRetries() }
                lastCommit = ContinuousClock.now
                break
            }
            next = event.offset + 1
            if ContinuousClock.now - lastCommit > .seconds(1) {
                guard try await commit(key, subscription, next) else { return false }
                lastCommit = ContinuousClock.now
            }
        }
        return try await commit(key, subscription, next)
    }

    private func commit(_ key: LeaseKey, _ subscription: Subscription, _ offset: Int64) async throws -> Bool {
        try await client.withConnection { [self] connection in
            try await leases.commit(key, group: subscription.groupID, offset: offset, on: connection)
        }
    }

    private func signingSecrets(_ subscription: Subscription) async throws -> [WebhookSecret] {
        guard
            let sealed = try await client.withConnection({ [self] connection in
                try await subscriptions.secrets(tenantID: subscription.tenantID, id: subscription.id, on: connection)
            })
        else { throw CancellationError() }
        return try ([sealed.current] + (sealed.previous.map { [$0] } ?? [])).map { WebhookSecret(bytes: try box.open($0)) }
    }

    private func post(
        _ subscription: Subscription,
        body: [UInt8],
        id: UUID,
        secrets: [WebhookSecret],
        series: Int,
        attempt: Int
    ) async -> DeliveryAttempt {
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

    // MARK: Endpoint health

    /// A success closes a failure streak.
    private func succeeded(_ subscription: inout Subscription) async throws {
        let now = Date()
        guard subscription.consecutiveFailures > 0 || now.timeIntervalSince(subscription.lastSuccessAt ?? .distantPast) > 10 else { return }
        try await client.query(
            """
            UPDATE subscriptions SET consecutive_failures = 0, failing_since = NULL, last_success_at = now()
            WHERE tenant_id = \(subscription.tenantID) AND id = \(subscription.id)
            """,
            logger: logger
        )
        subscription.consecutiveFailures = 0
        subscription.failingSince = nil
        subscription.lastSuccessAt = now
    }

    /// Counts a failure; opens the circuit (pauses the subscription, audited) when the streak
    /// reaches the threshold over the period. False when the subscription is paused.
    private func failed(_ subscription: inout Subscription, _ attempt: DeliveryAttempt) async throws -> Bool {
        let (count, since, state, threshold, period) = try await client.transaction(logger: logger) { [self, subscription] connection in
            let rows = try await connection.query(
                """
                UPDATE subscriptions
                SET consecutive_failures = consecutive_failures + 1, failing_since = coalesce(failing_since, now()),
                    last_failure_at = now(), last_error = \(String(attempt.failure.prefix(500)))
                WHERE tenant_id = \(subscription.tenantID) AND id = \(subscription.id)
                RETURNING consecutive_failures, failing_since, state, circuit_failures, circuit_period_seconds
                """,
                logger: logger
            )
            var result: (Int32, Date?, Subscription.State, Int32, Int32)?
            for try await row in rows.decode((Int32, Date?, Subscription.State, Int32, Int32).self) { result = row }
            // A subscription deleted meanwhile: nothing to count, and nothing to deliver.
            guard case var (count, since, state, threshold, period)? = result else {
                return (Int32(0), Date?.none, Subscription.State.paused, Int32(1), Int32(0))
            }
            let breaker = CircuitBreaker(failures: Int(threshold), periodSeconds: Int(period))
            if state == .active, breaker.opens(consecutiveFailures: Int(count), failingSince: since, now: Date()) {
                let reason =
                    "circuit open: \(count) consecutive failed deliveries since \(since.map { $0.formatted(.iso8601) } ?? "now"); last: \(attempt.failure.prefix(200))"
                var paused = subscription
                paused.consecutiveFailures = Int(count)
                if try await subscriptions.setState(paused, .paused, reason: reason, on: connection) {
                    try await audit.append(
                        AuditRecord(
                            tenantID: subscription.tenantID,
                            actor: .system,
                            action: "subscription.paused",
                            targetType: "subscription",
                            targetID: subscription.id.lowercased,
                            details: ["name": subscription.name, "reason": reason],
                            origin: RequestOrigin()
                        ),
                        on: connection
                    )
                    logger.notice(
                        "subscription paused: its endpoint keeps failing",
                        metadata: ["subscription": "\(subscription.id)", "reason": "\(reason)"]
                    )
                }
                state = .paused
            }
            return (count, since, state, threshold, period)
        }
        subscription.consecutiveFailures = Int(count)
        subscription.failingSince = since
        subscription.circuit = CircuitBreaker(failures: Int(threshold), periodSeconds: Int(period))
        subscription.state = state
        return subscription.state == .active
    }

    // MARK: Retries

    private func retryLoop() async {
        while !Task.isCancelled {
            do {
                let due = try await store.claimDue(owner: id, limit: max(1, configuration.concurrency * 2), hold: .seconds(90), on: client)
                if due.isEmpty {
                    let next = try await store.nextDue(on: client)
                    let wait = min(1, max(0.01, next.map { $0.timeIntervalSinceNow } ?? 1))
                    await retryAlarm.sleep(for: .milliseconds(Int(wait * 1000)))
                    continue
                }
                await withDiscardingTaskGroup { group in
                    for record in due { group.addTask { await self.retry(record) } }
                }
            } catch {
                if Task.isCancelled { break }
                logger.warning("retry round failed", metadata: ["error": "\(String(reflecting: error))"])
                try? await Task.sleep(for: .seconds(1))
            }
        }
    }

    private func retry(_ record: DeliveryRecord) async {
        do {
            guard
                var subscription = try await client.withConnection({ [self] connection in
                    try await subscriptions.find(tenantID: record.tenantID, id: record.subscriptionID, on: connection)
                }),
                let stream = try await client.withConnection({ [self] connection in
                    try await streams.find(tenantID: record.tenantID, id: record.streamID, on: connection)
                })
            else { return }
            let made = record.attemptsMade + 1
            let attempt: DeliveryAttempt
            if let event = try await reader.read(stream: stream, partition: record.partition, from: record.offset, limit: 1).first,
                event.offset == record.offset
            {
                attempt = await post(
                    subscription,
                    body: try WebhookSender.body(event, stream: stream.name),
                    id: event.id,
                    secrets: try await signingSecrets(subscription),
                    series: record.series,
                    attempt: made
                )
            } else {
                attempt = DeliveryAttempt(
                    series: record.series,
                    attempt: made,
                    at: Date(),
                    durationMs: 0,
                    error: "the event is no longer in the store (past retention)"
                )
            }
            let retryAt =
                attempt.succeeded || attempt.status == nil && attempt.error?.hasPrefix("the event") == true
                ? nil : subscription.retry.jitteredDelay(after: made).map { Date() + $0.timeInterval }
            try await store.settle(record, owner: id, attempt: attempt, retryAt: retryAt, on: client)
            if attempt.succeeded { try await succeeded(&subscription) } else { _ = try await failed(&subscription, attempt) }
        } catch {
            logger.warning("retry failed to run", metadata: ["delivery": "\(record.id)", "error": "\(String(reflecting: error))"])
        }
    }
}

extension Duration {
    var timeInterval: TimeInterval { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
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
