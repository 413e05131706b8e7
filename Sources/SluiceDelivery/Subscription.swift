import Crypto
import Foundation
import PostgresNIO
import SluiceSupport

/// A webhook endpoint bound to a consumer group: the worker pool posts the stream's events to
/// it, signed per the Standard Webhooks specification, retrying failures on a schedule.
public struct Subscription: Sendable, Equatable {
    public enum State: String, Sendable { case active, paused }

    public var tenantID: UUID
    public var id: UUID
    public var streamID: UUID
    public var groupID: UUID
    public var ownsGroup: Bool
    public var name: String
    public var url: String
    /// Only these event types are posted (nil: all); the others are passed over.
    public var eventTypes: [String]?
    public var timeoutMilliseconds: Int
    public var retry: RetrySchedule
    public var strictOrdering: Bool
    public var circuit: CircuitBreaker
    public var state: State
    public var pausedAt: Date?
    public var pausedReason: String?
    public var consecutiveFailures: Int
    public var failingSince: Date?
    public var lastSuccessAt: Date?
    public var lastFailureAt: Date?
    public var lastError: String?
    public var createdAt: Date
    public var updatedAt: Date

    func wants(_ type: String) -> Bool { eventTypes.map { $0.contains(type) } ?? true }

    public static let defaultTimeoutMilliseconds = 15_000
    public static let timeoutRange = 100...60_000
}

/// When failed deliveries are tried again: the first attempt at once, then after each delay
/// in turn (the last repeating), up to `maxAttempts` in all; each delay ±10 % jitter.
public struct RetrySchedule: Sendable, Equatable {
    public var delays: [Int]
    public var maxAttempts: Int

    /// Svix's: at once, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h.
    public static let standard = RetrySchedule(delays: [5, 300, 1800, 7200, 18_000, 36_000], maxAttempts: 7)
    public static let maxDelay = 7 * 86_400

    /// Seconds to wait after attempt `made` (1-based) failed; nil when that was the last.
    func delay(after made: Int) -> Int? {
        guard made < maxAttempts, !delays.isEmpty else { return nil }
        return delays[min(made, delays.count) - 1]
    }

    /// `delay(after:)` scaled by `jitter` (the caller's random draw in `jitterRange`), so that
    /// retries of a failed burst spread out.
    func delay(after made: Int, jitter: Double) -> Duration? {
        delay(after: made).map { .milliseconds(Int(Double($0 * 1000) * min(max(jitter, Self.jitterRange.lowerBound), Self.jitterRange.upperBound))) }
    }

    /// When the attempt after attempt `made` (failed at `now`) falls due; nil when that was the last.
    func nextAttempt(after made: Int, now: Date, jitter: Double) -> Date? {
        delay(after: made, jitter: jitter).map { now + $0.timeInterval }
    }

    /// ±10 %.
    static let jitterRange = 0.9...1.1
    static func randomJitter() -> Double { Double.random(in: jitterRange) }
}

/// The subscription pauses (the circuit opens) after `failures` consecutive failed attempts
/// that span at least `periodSeconds`; it is resumed over the API.
public struct CircuitBreaker: Sendable, Equatable {
    public var failures: Int
    public var periodSeconds: Int

    public static let standard = CircuitBreaker(failures: 50, periodSeconds: 600)

    func opens(consecutiveFailures: Int, failingSince: Date?, now: Date) -> Bool {
        consecutiveFailures >= failures && now.timeIntervalSince(failingSince ?? now) >= TimeInterval(periodSeconds)
    }
}

/// A Standard Webhooks signing secret: `whsec_` and the base64 of 24 random bytes.
struct WebhookSecret: Sendable, Equatable {
    let bytes: [UInt8]

    static func make() -> WebhookSecret {
        var generator = SystemRandomNumberGenerator()
        return WebhookSecret(bytes: (0..<24).map { _ in UInt8.random(in: 0...255, using: &generator) })
    }

    var text: String { "whsec_" + Data(bytes).base64EncodedString() }

    /// `v1,` and the base64 HMAC-SHA256 of `id.timestamp.body`.
    func signature(id: String, timestamp: Int, body: [UInt8]) -> String {
        var content = Array("\(id).\(timestamp).".utf8)
        content += body
        let mac = HMAC<SHA256>.authenticationCode(for: content, using: SymmetricKey(data: bytes))
        return "v1," + Data(mac).base64EncodedString()
    }
}

extension Subscription.State: PostgresCodable {}
