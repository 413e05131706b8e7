import Foundation
import Synchronization
import Testing

@testable import SluiceCore
@testable import SluiceServer

@Suite("Rate-limit arithmetic and usage periods")
struct RateLimitArithmeticTests {
    /// One limit's decision.
    static func check(_ limiter: InProcessRateLimiter, _ key: String, _ limit: RateLimit, cost: Int) async throws -> RateLimitDecision {
        switch try await limiter.spend([LimitCheck(key: key, limit: limit, cost: cost)], quota: nil) {
        case .allowed(let decisions, _): decisions[0]
        case .limited(_, let decision): decision
        default: throw CancellationError()
        }
    }

    @Test("GCRA: a burst passes, the next waits one emission interval; the headers' values follow")
    func gcra() async throws {
        let now = Mutex<Double>(1_000_000)
        let limiter = InProcessRateLimiter(clock: { now.withLock { $0 } })
        let limit = RateLimit(perSecond: 2, burst: 3)
        var remaining: [Int] = []
        for _ in 0..<3 {
            let decision = try await Self.check(limiter, "k", limit, cost: 1)
            #expect(decision.allowed)
            remaining.append(decision.remaining)
        }
        #expect(remaining == [2, 1, 0])
        let denied = try await Self.check(limiter, "k", limit, cost: 1)
        #expect(!denied.allowed)
        #expect(denied.retryAfterSeconds == 1)
        #expect(denied.resetSeconds == 2)
        now.withLock { $0 += 500 }
        #expect(try await Self.check(limiter, "k", limit, cost: 1).allowed)
        #expect(try await !Self.check(limiter, "k", limit, cost: 1).allowed)
        // A cost above the burst never passes.
        #expect(try await !Self.check(limiter, "other", limit, cost: 4).allowed)
        #expect(try await Self.check(limiter, "other", limit, cost: 3).allowed)
    }

    @Test("a usage period is the UTC calendar month, also at month and year ends and in leap years")
    func periods() {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        var date = Date(timeIntervalSince1970: -86_400 * 400)
        while date.timeIntervalSince1970 < 4_200_000_000 {
            let parts = calendar.dateComponents([.year, .month], from: date)
            let period = UsagePeriod(containing: date)
            #expect(period.year == parts.year && period.month == parts.month, "\(date)")
            #expect(period.start <= date && date < period.end)
            date += 86_400 * 13 + 3_599.5
        }
        #expect(UsagePeriod(containing: Date(timeIntervalSince1970: 1_796_083_199)).label == "2026-11")
        #expect(UsagePeriod(containing: Date(timeIntervalSince1970: 1_796_083_200)).label == "2026-12")
        #expect(UsagePeriod(year: 2028, month: 2).end == UsagePeriod(year: 2028, month: 3).start)
        #expect(UsagePeriod(label: "2026-13") == nil && UsagePeriod(label: "2026-01")?.previous.label == "2025-12")
        #expect(UsagePeriod(year: 987, month: 3).firstDay == "0987-03-01" && UsagePeriod(year: 12026, month: 10).label == "12026-10")
    }
}
