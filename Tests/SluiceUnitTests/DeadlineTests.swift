import Synchronization
import Testing

@testable import SluiceSupport

/// An operation that heeds no cancellation: it ends only when told to (as a call blocked in
/// a library that never looks at its task's cancellation does), and says whether its task
/// was cancelled meanwhile.
private final class Stubborn: Sendable {
    private let released = Atomic(false)
    private let cancelled = Atomic(false)
    var sawCancellation: Bool { cancelled.load(ordering: .acquiring) }
    func release() { released.store(true, ordering: .releasing) }

    func run() async -> Int {
        while !released.load(ordering: .acquiring) {
            if Task.isCancelled { cancelled.store(true, ordering: .releasing) }
            // A pause cancellation does not cut short (a cancelled task's own sleep ends at
            // once, and the loop would hold a thread of the cooperative pool for good).
            await Task.detached { try? await Task.sleep(for: .milliseconds(5)) }.value
        }
        if Task.isCancelled { cancelled.store(true, ordering: .releasing) }
        return 7
    }
}

@Suite("Deadlines")
struct DeadlineTests {
    @Test("an operation that answers in time is answered, errors included")
    func inTime() async throws {
        #expect(try await withDeadline(.seconds(5)) { 42 } == 42)
        struct Refused: Error {}
        await #expect(throws: Refused.self) { try await withDeadline(.seconds(5)) { () async throws -> Int in throw Refused() } }
    }

    @Test("past its deadline the caller is answered at once, whatever the operation still waits on, and the operation is cancelled")
    func pastDeadline() async throws {
        let stubborn = Stubborn()
        let started = ContinuousClock.now
        await #expect(throws: DeadlineExceeded.self) { try await withDeadline(.milliseconds(100)) { await stubborn.run() } }
        #expect(ContinuousClock.now - started < .seconds(2))
        try await Task.sleep(for: .milliseconds(50))
        #expect(stubborn.sawCancellation)
        stubborn.release()
    }

    @Test("abandoning ends the wait with the caller's error, before or after the operation started")
    func abandoned() async throws {
        struct Gone: Error {}
        let stubborn = Stubborn()
        let call = AbandonableCall<Int>(deadline: .seconds(30))
        let result = Task { try await call.run { await stubborn.run() } }
        try await Task.sleep(for: .milliseconds(50))
        call.abandon(Gone())
        await #expect(throws: Gone.self) { try await result.value }
        stubborn.release()

        let early = AbandonableCall<Int>(deadline: nil)
        early.abandon(Gone())
        await #expect(throws: Gone.self) { try await early.run { 1 } }
        // Only the first ending counts.
        early.abandon(DeadlineExceeded(limit: .zero))
        await #expect(throws: Gone.self) { try await early.run { 1 } }
    }

    @Test("withDeadline heeds the caller's cancellation; a bare call runs on to its end whatever befalls the caller")
    func cancellation() async throws {
        let stubborn = Stubborn()
        let waiting = Task { try await withDeadline(.seconds(30)) { await stubborn.run() } }
        try await Task.sleep(for: .milliseconds(50))
        waiting.cancel()
        await #expect(throws: CancellationError.self) { try await waiting.value }
        stubborn.release()

        let shielded = Stubborn()
        let call = AbandonableCall<Int>(deadline: .seconds(30))
        let caller = Task { try await call.run { await shielded.run() } }
        try await Task.sleep(for: .milliseconds(50))
        caller.cancel()
        try await Task.sleep(for: .milliseconds(50))
        shielded.release()
        #expect(try await caller.value == 7)
        #expect(!shielded.sawCancellation)
    }
}
