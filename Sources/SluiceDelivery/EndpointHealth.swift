import Foundation
import Logging
import SluiceAPI
import SluiceCore
import SluiceDatabase

/// Keeps a subscription's endpoint health: a success ends the failure streak; a failure
/// lengthens it and, when `CircuitBreaker` says so, opens the circuit (pauses the
/// subscription, audited). The policy is the pure `CircuitBreaker`; the streak is stored
/// (`SubscriptionRepository`), so that every worker sees the same one.
struct EndpointHealth: Sendable {
    let client: Database
    let logger: Logger
    let audit: AuditLog
    let now: @Sendable () -> Date

    private var subscriptions: SubscriptionRepository { .init(logger: logger) }

    /// A success closes a failure streak (written at most every 10 s while there is none).
    func succeeded(_ subscription: inout Subscription) async throws {
        let now = now()
        guard subscription.consecutiveFailures > 0 || now.timeIntervalSince(subscription.lastSuccessAt ?? .distantPast) > 10 else { return }
        try await subscriptions.recordSuccess(subscription, on: client)
        subscription.consecutiveFailures = 0
        subscription.failingSince = nil
        subscription.lastSuccessAt = now
    }

    /// Counts a failure; false when the subscription is paused now (the circuit opened, or it
    /// was paused or deleted meanwhile).
    func failed(_ subscription: inout Subscription, _ attempt: DeliveryAttempt) async throws -> Bool {
        let streak = try await client.transaction(logger: logger) { [self, subscription] connection -> FailureStreak? in
            // A subscription deleted meanwhile: nothing to count, and nothing to deliver.
            guard var streak = try await subscriptions.recordFailure(subscription, error: attempt.failure, on: connection) else { return nil }
            guard streak.state == .active,
                streak.circuit.opens(consecutiveFailures: streak.consecutiveFailures, failingSince: streak.failingSince, now: now())
            else { return streak }
            let reason = """
                circuit open: \(streak.consecutiveFailures) consecutive failed deliveries since \
                \(streak.failingSince.map { RFC3339.format($0) } ?? "now"); last: \(attempt.failure.prefix(200))
                """
            var paused = subscription
            paused.consecutiveFailures = streak.consecutiveFailures
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
            streak.state = .paused
            return streak
        }
        guard let streak else {
            subscription.state = .paused
            return false
        }
        subscription.consecutiveFailures = streak.consecutiveFailures
        subscription.failingSince = streak.failingSince
        subscription.circuit = streak.circuit
        subscription.state = streak.state
        return streak.state == .active
    }
}
