import ServiceLifecycle

/// Runs `body` every `interval` until the task is cancelled or the process shuts down
/// gracefully; first at once when `immediately`, else after the first interval. What `body`
/// does wrong it handles itself (the loop goes on).
package func repeatEvery(_ interval: Duration, immediately: Bool, _ body: @escaping @Sendable () async -> Void) async throws {
    try? await cancelWhenGracefulShutdown {
        if immediately { await body() }
        while !Task.isCancelled {
            try await Task.sleep(for: interval)
            await body()
        }
    }
}
