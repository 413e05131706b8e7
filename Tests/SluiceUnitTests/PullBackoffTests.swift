import Foundation
import Testing

@testable import SluicePull

@Suite("Pull backoff: when an entity is polled next after each outcome")
struct PullBackoffTests {
    static let started = Date(timeIntervalSince1970: 1_780_000_000)
    static let now = started.addingTimeInterval(2)
    static let backoff = PullBackoff(intervalSeconds: 600, jitterSeconds: 30, retryInitialSeconds: 10)

    @Test("a run that went through: the interval plus the jitter drawn, from the run's start; failures reset")
    func ok() {
        let low = Self.backoff.decide(.ok, rateLimitedFor: nil, failures: 4, started: Self.started, now: Self.now, random: 0)
        #expect(low == .init(failures: 0, next: Self.started.addingTimeInterval(600), rateLimitedUntil: nil))
        let high = Self.backoff.decide(.ok, rateLimitedFor: nil, failures: 0, started: Self.started, now: Self.now, random: 1)
        #expect(high.next == Self.started.addingTimeInterval(630))
    }

    @Test("failures and timeouts: retryInitialSeconds doubling per failure in a row, at most the interval, ±10 %")
    func failures() {
        let first = Self.backoff.decide(.failed, rateLimitedFor: nil, failures: 0, started: Self.started, now: Self.now, random: 0.5)
        #expect(first == .init(failures: 1, next: Self.now.addingTimeInterval(10), rateLimitedUntil: nil))
        let third = Self.backoff.decide(.timeout, rateLimitedFor: nil, failures: 2, started: Self.started, now: Self.now, random: 0.5)
        #expect(third.failures == 3 && third.next == Self.now.addingTimeInterval(40))
        let capped = Self.backoff.decide(.failed, rateLimitedFor: nil, failures: 20, started: Self.started, now: Self.now, random: 0.5)
        #expect(capped.next == Self.now.addingTimeInterval(600), "never longer than the interval")
        #expect(Self.backoff.retryDelay(failures: 1, random: 0) == 9 && Self.backoff.retryDelay(failures: 1, random: 1) == 11)
        let huge = Self.backoff.decide(.failed, rateLimitedFor: nil, failures: .max, started: Self.started, now: Self.now, random: 0.5)
        #expect(huge.failures == .max && huge.next == Self.now.addingTimeInterval(600), "a count at its end stays there")
    }

    @Test("a 429 stops the source for its Retry-After (60 s absent or unreadable, at most an hour); failures do not grow")
    func rateLimited() {
        let limited = Self.backoff.decide(.rateLimited, rateLimitedFor: 120, failures: 2, started: Self.started, now: Self.now, random: 1)
        #expect(limited == .init(failures: 2, next: Self.now.addingTimeInterval(120), rateLimitedUntil: Self.now.addingTimeInterval(120)))
        #expect(PullBackoff.rateLimit(retryAfter: nil) == 60)
        #expect(PullBackoff.rateLimit(retryAfter: "soon") == 60)
        #expect(PullBackoff.rateLimit(retryAfter: "30") == 30)
        #expect(PullBackoff.rateLimit(retryAfter: "86400") == 3600)
        #expect(PullBackoff.rateLimit(retryAfter: "99999999999999999999999") == 60, "a number past Int is unreadable, not a trap")
        let date = "Wed, 21 Oct 2026 07:28:00 GMT"
        let at = Date(timeIntervalSince1970: 1_792_567_680)
        #expect(PullBackoff.rateLimit(retryAfter: date, now: at.addingTimeInterval(-90)) == 90)
    }
}
