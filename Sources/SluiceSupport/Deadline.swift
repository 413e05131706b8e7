import NIOConcurrencyHelpers

/// Thrown when an operation did not finish within its deadline.
package struct DeadlineExceeded: Error, CustomStringConvertible {
    package let limit: Duration
    package var description: String { "no answer within \(limit)" }
}

/// Runs `operation`, abandoning it once `limit` has passed: the caller gets
/// `DeadlineExceeded` at once and the operation is cancelled. What it started and cannot
/// cancel (a blocking C call on a thread pool) finishes on its own, unwaited; a task group
/// would wait for it, which is why this is built on unstructured tasks.
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
    let once = NIOLockedValueBox<CheckedContinuation<T, any Error>?>(nil)
    let work = NIOLockedValueBox<[Task<Void, Never>]>([])
    return try await withTaskCancellationHandler {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            once.withLockedValue { $0 = continuation }
            let finish: @Sendable (Result<T, any Error>) -> Void = { result in
                guard
                    let continuation = once.withLockedValue({ value -> CheckedContinuation<T, any Error>? in
                        defer { value = nil }
                        return value
                    })
                else { return }
                continuation.resume(with: result)
                for task in work.withLockedValue({ $0 }) { task.cancel() }
            }
            abandon { error in finish(.failure(error)) }
            let operationTask = Task {
                do { finish(.success(try await operation())) } catch { finish(.failure(error)) }
            }
            let timer = Task {
                try? await Task.sleep(for: limit)
                if !Task.isCancelled { finish(.failure(DeadlineExceeded(limit: limit))) }
            }
            work.withLockedValue { $0 = [operationTask, timer] }
            if once.withLockedValue({ $0 == nil }) {
                operationTask.cancel()
                timer.cancel()
            }
        }
    } onCancel: {
        if let continuation = once.withLockedValue({ value -> CheckedContinuation<T, any Error>? in
            defer { value = nil }
            return value
        }) {
            continuation.resume(throwing: CancellationError())
        }
        for task in work.withLockedValue({ $0 }) { task.cancel() }
    }
}
