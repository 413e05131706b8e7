import Foundation
import Logging
import SluiceCore
import SluiceDatabase

/// Retries failed deliveries off their partitions' path: claims those due from the
/// `deliveries` table (whichever worker is free; `FOR UPDATE SKIP LOCKED`), posts each again,
/// and settles it: delivered, scheduled again by the subscription's `RetrySchedule`, or dead
/// (the dead-letter queue). Sleeps until the next one falls due or `wake` rings.
struct RetryScheduler: Sendable {
    let owner: String
    /// Claimed per round.
    let batch: Int
    let client: Database
    let logger: Logger
    let poster: WebhookPoster
    let health: EndpointHealth
    let now: @Sendable () -> Date
    let jitter: @Sendable () -> Double
    let alarm: Alarm

    private var reader: EventReader { EventReader(client: client, logger: logger) }
    private var subscriptions: SubscriptionRepository { .init(logger: logger) }
    private var store: DeliveryStore { .init(logger: logger) }
    private var streams: StreamRepository { .init(logger: logger) }

    /// Something to retry may be due now (a failure just scheduled, a replay on this node).
    func wake() { alarm.ring() }

    func run() async {
        while !Task.isCancelled {
            do {
                let due = try await store.claimDue(owner: owner, limit: batch, hold: .seconds(90), on: client)
                if due.isEmpty {
                    let next = try await store.nextDue(on: client)
                    let wait = min(1, max(0.01, next.map { $0.timeIntervalSince(now()) } ?? 1))
                    await alarm.sleep(for: .milliseconds(Int(wait * 1000)))
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

    /// What became of one retry.
    enum Outcome: Equatable {
        case delivered
        /// The endpoint failed it: retried on the schedule, or dead after the last attempt.
        case failed
        /// The event left the store (retention) before it could be delivered: dead at once.
        case eventGone
    }

    /// When the delivery is tried next, after `outcome` of attempt `made`; nil: never (done or dead).
    static func nextAttempt(_ outcome: Outcome, made: Int, schedule: RetrySchedule, now: Date, jitter: Double) -> Date? {
        switch outcome {
        case .delivered, .eventGone: nil
        case .failed: schedule.nextAttempt(after: made, now: now, jitter: jitter)
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
            let outcome: Outcome
            if let event = try await reader.read(stream: stream, partition: record.partition, from: record.offset, limit: 1).first,
                event.offset == record.offset
            {
                attempt = await poster.post(
                    subscription,
                    body: WebhookSender.body(event, stream: stream.name),
                    id: event.id,
                    secrets: try await poster.signingSecrets(subscription),
                    series: record.series,
                    attempt: made
                )
                outcome = attempt.succeeded ? .delivered : .failed
            } else {
                attempt = DeliveryAttempt(
                    series: record.series,
                    attempt: made,
                    at: now(),
                    durationMs: 0,
                    error: "the event is no longer in the store (past retention)"
                )
                outcome = .eventGone
            }
            let retryAt = Self.nextAttempt(outcome, made: made, schedule: subscription.retry, now: now(), jitter: jitter())
            try await store.settle(record, owner: owner, attempt: attempt, retryAt: retryAt, on: client)
            if outcome == .delivered { try await health.succeeded(&subscription) } else { _ = try await health.failed(&subscription, attempt) }
        } catch {
            logger.warning("retry failed to run", metadata: ["delivery": "\(record.id)", "error": "\(String(reflecting: error))"])
        }
    }
}
