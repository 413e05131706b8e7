import Foundation
import Testing

@testable import SluiceDelivery
@testable import SluiceServer

@Suite("Delivery policy: the retry schedule, the circuit breaker, a retry's outcome")
struct DeliveryPolicyTests {
    static let now = Date(timeIntervalSince1970: 1_780_000_000)

    @Test("attempt n waits the schedule's nth delay (the last repeats) until maxAttempts; jitter is bounded to ±10 %")
    func schedule() {
        let schedule = RetrySchedule(delays: [5, 300], maxAttempts: 4)
        #expect(schedule.delay(after: 1) == 5)
        #expect(schedule.delay(after: 2) == 300)
        #expect(schedule.delay(after: 3) == 300, "the last delay repeats")
        #expect(schedule.delay(after: 4) == nil, "the fourth attempt was the last")
        #expect(schedule.nextAttempt(after: 1, now: Self.now, jitter: 1) == Self.now.addingTimeInterval(5))
        #expect(schedule.nextAttempt(after: 2, now: Self.now, jitter: 0.9) == Self.now.addingTimeInterval(270))
        #expect(schedule.nextAttempt(after: 2, now: Self.now, jitter: 5) == Self.now.addingTimeInterval(330), "a wild draw is clamped")
        #expect(schedule.nextAttempt(after: 4, now: Self.now, jitter: 1) == nil)
        #expect(RetrySchedule(delays: [], maxAttempts: 3).delay(after: 1) == nil, "no schedule: no retry")
        for _ in 0..<100 { #expect(RetrySchedule.jitterRange.contains(RetrySchedule.randomJitter())) }
        #expect(RetrySchedule.standard.delay(after: 6) == 36_000 && RetrySchedule.standard.delay(after: 7) == nil)
    }

    @Test("the circuit opens on the threshold's failure only once the streak spans the period")
    func circuit() {
        let breaker = CircuitBreaker(failures: 3, periodSeconds: 600)
        let since = Self.now.addingTimeInterval(-700)
        #expect(!breaker.opens(consecutiveFailures: 2, failingSince: since, now: Self.now), "below the threshold")
        #expect(breaker.opens(consecutiveFailures: 3, failingSince: since, now: Self.now))
        #expect(
            !breaker.opens(consecutiveFailures: 50, failingSince: Self.now.addingTimeInterval(-60), now: Self.now),
            "a burst shorter than the period"
        )
        #expect(!breaker.opens(consecutiveFailures: 3, failingSince: nil, now: Self.now), "a streak just begun")
        #expect(CircuitBreaker(failures: 1, periodSeconds: 0).opens(consecutiveFailures: 1, failingSince: nil, now: Self.now))
    }

    @Test("a retry delivered or whose event left the store is never tried again; a failed one follows the schedule")
    func outcomes() {
        let schedule = RetrySchedule(delays: [60], maxAttempts: 3)
        #expect(RetryScheduler.nextAttempt(.delivered, made: 1, schedule: schedule, now: Self.now, jitter: 1) == nil)
        #expect(RetryScheduler.nextAttempt(.eventGone, made: 1, schedule: schedule, now: Self.now, jitter: 1) == nil)
        #expect(RetryScheduler.nextAttempt(.failed, made: 1, schedule: schedule, now: Self.now, jitter: 1) == Self.now.addingTimeInterval(60))
        #expect(RetryScheduler.nextAttempt(.failed, made: 3, schedule: schedule, now: Self.now, jitter: 1) == nil, "dead after the last")
    }
}
