import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// Thrown when an operation did not finish within its deadline.
package struct DeadlineExceeded: Error, CustomStringConvertible {
    package let limit: Duration
    package var description: String { "no answer within \(limit)" }
}

/// Runs `operation`, abandoning it once `limit` has passed: the caller gets
/// `DeadlineExceeded` at once and the operation is cancelled. What it started and cannot
/// cancel (a blocking C call on a thread pool) finishes on its own, unwaited; a task group
/// would wait for it, which is why this is built on an unstructured task. The caller's
/// cancellation ends the wait with `CancellationError` and cancels the operation.
package func withDeadline<T: Sendable>(
    _ limit: Duration,
    _ operation: @escaping @Sendable () async throws -> T
) async throws -> T {
    try await withDeadline(limit, abandon: { _ in }, operation)
}

/// `withDeadline`, handing `abandon` a function that ends the wait early with an error of the
/// caller's choosing (e.g. when the connection under it is known to be gone).
package func withDeadline<T: Sendable>(
    _ limit: Duration,
    abandon: (@escaping @Sendable (any Error) -> Void) -> Void,
    _ operation: @escaping @Sendable () async throws -> T
) async throws -> T {
    let call = AbandonableCall<T>(deadline: limit)
    abandon(call.abandon)
    return try await withTaskCancellationHandler {
        try await call.run(operation)
    } onCancel: {
        call.abandon(CancellationError())
    }
}

/// An operation run in a task of its own, and a wait for the first of: its result, its
/// deadline (`DeadlineExceeded`), or `abandon(_:)` with an error. Abandoning cancels the
/// operation's task; what that task still waits on finishes on its own, unwaited.
///
/// `run` alone does not heed the caller's cancellation: an operation once started runs to its
/// end or its deadline (a database call, so that a commit is never cut off halfway by a
/// shutdown). `withDeadline` adds the cancellation.
///
/// The cost is one task and an entry in `Deadlines.shared` (the deadline is kept to within its
/// tick, 50 ms), where `Task { … }` racing a `Task.sleep` took three tasks (the operation, the
/// sleeper, the one that shielded the caller's cancellation) and a timer for every call: most
/// of a database call's fixed cost in thread hops. (A timer of its own on an event loop was
/// measured too: at 64 connections its wake-ups of the loops cost more than they saved.)
package final class AbandonableCall<T: Sendable>: Sendable {
    private struct State {
        var continuation: CheckedContinuation<T, any Error>?
        /// How it ended, when that came before `run` waited.
        var outcome: Result<T, any Error>?
        var ended = false
        var task: Task<Void, Never>?
        var timed = false
    }

    private let state = NIOLockedValueBox(State())
    private let deadline: Duration?

    /// `deadline`: how long `run` may take from its start; nil: no limit.
    package init(deadline: Duration?) {
        self.deadline = deadline
    }

    /// Ends the wait with `error` (once; a later result or error is dropped) and cancels the
    /// operation.
    @Sendable package func abandon(_ error: any Error) {
        end(.failure(error))
    }

    /// Runs `operation` (once) and waits for it, its deadline or `abandon`.
    package func run(_ operation: @escaping @Sendable () async throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            let early = state.withLockedValue { state -> Result<T, any Error>? in
                if state.ended { return state.outcome ?? .failure(CancellationError()) }
                state.continuation = continuation
                return nil
            }
            if let early {
                continuation.resume(with: early)
                return
            }
            if let limit = deadline {
                Deadlines.shared.add(ObjectIdentifier(self), at: .now + limit) {
                    self.end(.failure(DeadlineExceeded(limit: limit)))
                }
            }
            let task = Task {
                do { self.end(.success(try await operation())) } catch { self.end(.failure(error)) }
            }
            let ended = state.withLockedValue { state -> Bool in
                guard !state.ended else { return true }
                state.task = task
                state.timed = deadline != nil
                return false
            }
            if ended {
                // It ended while the two were being set up: neither is needed any more.
                if deadline != nil { Deadlines.shared.remove(ObjectIdentifier(self)) }
                if case .failure = state.withLockedValue({ $0.outcome }) { task.cancel() }
            }
        }
    }

    private func end(_ result: Result<T, any Error>) {
        let (continuation, task, timed) = state.withLockedValue {
            state -> (CheckedContinuation<T, any Error>?, Task<Void, Never>?, Bool) in
            guard !state.ended else { return (nil, nil, false) }
            state.ended = true
            state.outcome = result
            defer { (state.continuation, state.task) = (nil, nil) }
            return (state.continuation, state.task, state.timed)
        }
        continuation?.resume(with: result)
        if timed { Deadlines.shared.remove(ObjectIdentifier(self)) }
        if case .failure = result { task?.cancel() }
    }
}

/// One coarse clock for the deadlines of every `AbandonableCall`: a sweep every `tick` on an
/// event loop of NIO's shared group ends the calls past theirs. Adding and removing a call is a
/// dictionary entry under a lock; no call has a timer of its own.
final class Deadlines: Sendable {
    static let shared = Deadlines(tick: .milliseconds(50))

    private let pending = NIOLockedValueBox<[ObjectIdentifier: (at: ContinuousClock.Instant, expire: @Sendable () -> Void)]>([:])

    private init(tick: Duration) {
        MultiThreadedEventLoopGroup.singleton.any().scheduleRepeatedTask(initialDelay: TimeAmount(tick), delay: TimeAmount(tick)) {
            [pending] _ in
            let now = ContinuousClock.now
            let due = pending.withLockedValue { pending -> [@Sendable () -> Void] in
                let due = pending.filter { $0.value.at <= now }
                for id in due.keys { pending[id] = nil }
                return due.values.map(\.expire)
            }
            for expire in due { expire() }
        }
    }

    func add(_ id: ObjectIdentifier, at deadline: ContinuousClock.Instant, expire: @escaping @Sendable () -> Void) {
        pending.withLockedValue { $0[id] = (deadline, expire) }
    }

    func remove(_ id: ObjectIdentifier) {
        _ = pending.withLockedValue { $0.removeValue(forKey: id) }
    }
}
