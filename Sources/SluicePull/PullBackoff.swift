import Foundation

/// When an entity is polled next, decided from its run's outcome alone: a pure value whose
/// random draw and clock are given, so that tests state the schedule exactly (as delivery's
/// `RetrySchedule` does for webhooks).
///
/// - A run that went through: the interval plus up to `jitterSeconds`, from the run's start.
/// - A failure or a timeout: `retryInitialSeconds` doubling with each failure in a row, at
///   most the interval, ±10 %.
/// - A 429: the whole source waits its `Retry-After` (60 s when absent or unreadable, at most
///   an hour); the entity's failures do not grow, since the platform refused the rate and not
///   the entity.
struct PullBackoff: Sendable, Equatable {
    var intervalSeconds: Int
    var jitterSeconds: Int
    var retryInitialSeconds: Int

    static let maxRetryAfter: TimeInterval = 3600
    static let defaultRetryAfter: TimeInterval = 60

    struct Decision: Sendable, Equatable {
        /// Failures in a row after this run.
        var failures: Int
        var next: Date
        /// Until when the whole source waits (a 429).
        var rateLimitedUntil: Date?
    }

    /// How long a 429's `Retry-After` (seconds or an HTTP date) stops the source.
    static func rateLimit(retryAfter: String?, now: Date = Date()) -> TimeInterval {
        min(RetryAfter.seconds(retryAfter, now: now) ?? defaultRetryAfter, maxRetryAfter)
    }

    /// - Parameters:
    ///   - rateLimitedFor: for a 429, `rateLimit(retryAfter:)` of its answer.
    ///   - failures: failures in a row before this run.
    ///   - started: when the run started (regular polls keep their rhythm from there).
    ///   - random: a draw in 0...1 for the jitter.
    func decide(
        _ outcome: PullRun.Outcome,
        rateLimitedFor: TimeInterval?,
        failures: Int,
        started: Date,
        now: Date,
        random: Double
    ) -> Decision {
        switch outcome {
        case .ok:
            return Decision(failures: 0, next: started.addingTimeInterval(Double(intervalSeconds) + random * Double(max(0, jitterSeconds))))
        case .rateLimited:
            let until = now.addingTimeInterval(rateLimitedFor ?? Self.defaultRetryAfter)
            return Decision(failures: failures, next: until, rateLimitedUntil: until)
        case .failed, .timeout:
            let failures = failures.addingReportingOverflow(1).overflow ? failures : failures + 1
            return Decision(failures: failures, next: now.addingTimeInterval(retryDelay(failures: failures, random: random)))
        }
    }

    /// `retryInitialSeconds` doubled per failure after the first, at most the interval, ±10 %.
    func retryDelay(failures: Int, random: Double) -> TimeInterval {
        let doubled = Double(retryInitialSeconds) * pow(2, Double(min(max(failures, 1), 30) - 1))
        return min(doubled, Double(intervalSeconds)) * (0.9 + 0.2 * random)
    }
}
