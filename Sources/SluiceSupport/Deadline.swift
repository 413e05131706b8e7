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
    let call = AbandonableCall<T>(deadline: limit)
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
        /// How it ended (nil: not yet); the first ending counts.
        var outcome: Result<T, any Error>?
        var task: Task<Void, Never>?
        var timer: Deadlines.Token?
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
                if let outcome = state.outcome { return outcome }
                state.continuation = continuation
                return nil
            }
            if let early {
                continuation.resume(with: early)
                return
            }
            let timer = deadline.map { limit in
                Deadlines.shared.add(at: .now + limit) { self.end(.failure(DeadlineExceeded(limit: limit))) }
            }
            let task = Task {
                do { self.end(.success(try await operation())) } catch { self.end(.failure(error)) }
            }
            let ended = state.withLockedValue { state -> Bool in
                guard state.outcome == nil else { return true }
                state.task = task
                state.timer = timer
                return false
            }
            if ended {
                // It ended while the two were being set up: neither is needed any more (the
                // task, if it ended it, is done and its cancellation is nothing).
                if let timer { Deadlines.shared.remove(timer) }
                task.cancel()
            }
        }
    }

    private func end(_ result: Result<T, any Error>) {
        let (continuation, task, timer) = state.withLockedValue {
            state -> (CheckedContinuation<T, any Error>?, Task<Void, Never>?, Deadlines.Token?) in
            guard state.outcome == nil else { return (nil, nil, nil) }
            state.outcome = result
            defer { (state.continuation, state.task, state.timer) = (nil, nil, nil) }
            return (state.continuation, state.task, state.timer)
        }
        continuation?.resume(with: result)
        if let timer { Deadlines.shared.remove(timer) }
        if case .failure = result { task?.cancel() }
    }
}

/// One coarse clock for many timeouts (every `AbandonableCall`'s deadline, the notifier's
/// waits): a sweep every `tick` on an event loop of NIO's shared group calls the `expire` of
/// each entry past its time. Adding and removing one is a dictionary entry under a lock; nothing
/// has a timer (a task and a dispatch timer, with `Task.sleep`) of its own. An entry expires
/// up to a tick late.
package final class Deadlines: Sendable {
    package static let shared = Deadlines(tick: .milliseconds(50))

    package struct Token: Hashable, Sendable {
        fileprivate let value: UInt64
    }

    private struct State {
        var pending: [UInt64: (at: ContinuousClock.Instant, expire: @Sendable () -> Void)] = [:]
        var next: UInt64 = 0
    }

    private let state = NIOLockedValueBox(State())

    private init(tick: Duration) {
        MultiThreadedEventLoopGroup.singleton.any().scheduleRepeatedTask(initialDelay: TimeAmount(tick), delay: TimeAmount(tick)) {
            [state] _ in
            let now = ContinuousClock.now
            let due = state.withLockedValue { state -> [@Sendable () -> Void] in
                let due = state.pending.filter { $0.value.at <= now }
                for id in due.keys { state.pending[id] = nil }
                return due.values.map(\.expire)
            }
            // Off the event loop: an expiry resumes waiters and cancels tasks, whose
            // cancellation handlers (postgres-nio's among them) must not run inline on a loop
            // that serves connections, as they never did with a timer task of their own.
            if !due.isEmpty { Task { for expire in due { expire() } } }
        }
    }

    /// Calls `expire` (once, in a task) once `deadline` has passed, unless `remove` comes first.
    package func add(at deadline: ContinuousClock.Instant, expire: @escaping @Sendable () -> Void) -> Token {
        state.withLockedValue { state in
            state.next &+= 1
            state.pending[state.next] = (deadline, expire)
            return Token(value: state.next)
        }
    }

    package func remove(_ token: Token) {
        _ = state.withLockedValue { $0.pending.removeValue(forKey: token.value) }
    }
}
