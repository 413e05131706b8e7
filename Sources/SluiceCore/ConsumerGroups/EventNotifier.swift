import Foundation
import Logging
import PostgresNIO
import ServiceLifecycle
import SluiceDatabase
import SluiceSupport
import Synchronization

/// Wakes long-polling consumers when events are stored: at once on the node that stored them,
/// and on every other node through PostgreSQL's LISTEN/NOTIFY. The NOTIFY is sent after the
/// append commits, outside its transaction (NOTIFY inside one takes a cluster-wide lock at
/// commit, which would serialise the group commits), coalesced over 5 milliseconds. A
/// `Service`: it listens on a connection of its own, reconnecting.
package final class EventNotifier: Service, Sendable {
    static let channel = "sluice_events"

    private struct State {
        /// Bumped on every append to a stream, so that a reader that found nothing can wait
        /// only if nothing came since it looked.
        var versions: [UUID: Int] = [:]
        var waiters: [UUID: [UUID: CheckedContinuation<Void, Never>]] = [:]
        var timedOut: Set<UUID> = []
        var unsent: Set<UUID> = []
        var sending = false
    }

    private let state = Mutex(State())
    private let client: Database
    private let logger: Logger

    package init(client: Database, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    package func version(of stream: UUID) -> Int { state.withLock { $0.versions[stream, default: 0] } }

    /// Waits until `stream` has events newer than `version`, `timeout` passes (up to 50 ms late:
    /// `Deadlines`), or the task is cancelled.
    package func wait(for stream: UUID, after version: Int, timeout: Duration) async {
        let id = UUID()
        let timer = Deadlines.shared.add(at: .now + timeout) { self.timeOut(stream, id) }
        // Cancellation ends the wait as a timeout would.
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let now = state.withLock { state -> Bool in
                    if state.versions[stream, default: 0] != version || state.timedOut.remove(id) != nil { return true }
                    state.waiters[stream, default: [:]][id] = continuation
                    return false
                }
                if now { continuation.resume() }
            }
        } onCancel: {
            self.timeOut(stream, id)
        }
        Deadlines.shared.remove(timer)
        state.withLock { _ = $0.timedOut.remove(id) }
    }

    private func timeOut(_ stream: UUID, _ id: UUID) {
        let continuation = state.withLock { state -> CheckedContinuation<Void, Never>? in
            if let continuation = state.waiters[stream]?.removeValue(forKey: id) { return continuation }
            state.timedOut.insert(id)  // before the waiter registered: it will not wait
            return nil
        }
        continuation?.resume()
    }

    /// Events were stored in `stream` (committed): wakes this node's readers and tells the others.
    func stored(in stream: UUID) {
        let send = state.withLock { state -> Bool in
            state.unsent.insert(stream)
            defer { state.sending = true }
            return !state.sending
        }
        wake(stream)
        if send {
            Task {
                try? await Task.sleep(for: .milliseconds(5))
                await self.sendNotifications()
            }
        }
    }

    /// Stands for every stream: `wait(for: EventNotifier.anyStream, …)` wakes on events in any.
    package static let anyStream = UUID(uuid: (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0))

    private func wake(_ stream: UUID) {
        let waiting = state.withLock { state in
            state.versions[stream, default: 0] &+= 1
            state.versions[Self.anyStream, default: 0] &+= 1
            return (state.waiters.removeValue(forKey: stream) ?? [:]).merging(state.waiters.removeValue(forKey: Self.anyStream) ?? [:]) { a, _ in a }
        }
        for continuation in waiting.values { continuation.resume() }
    }

    private func sendNotifications() async {
        let streams = state.withLock { state in
            defer {
                state.unsent.removeAll()
                state.sending = false
            }
            return state.unsent.map(\.uuidString)
        }
        guard !streams.isEmpty else { return }
        do {
            try await client.query(
                "SELECT pg_notify(\(Self.channel), s) FROM unnest(\(streams)::text[]) AS s",
                logger: logger
            )
        } catch {
            logger.warning("could not notify other nodes of new events", metadata: ["error": "\(error)"])
        }
    }

    package func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    // Held on purpose, so without a deadline; a heartbeat on it every 10 s closes it
                    // when it stops answering (PostgreSQL gone), which ends the listen.
                    try await self.client.withConnection(timeout: .unbounded) { connection in
                        let heartbeat = Task {
                            while !Task.isCancelled {
                                try? await Task.sleep(for: .seconds(10))
                                if Task.isCancelled { return }
                                do {
                                    try await withDeadline(.seconds(5)) { _ = try await connection.query("SELECT 1", logger: self.logger).collect() }
                                } catch {
                                    connection.close().whenComplete { _ in }
                                    return
                                }
                            }
                        }
                        defer { heartbeat.cancel() }
                        try await connection.listen(on: Self.channel) { notifications in
                            for try await notification in notifications {
                                if let stream = UUID(uuidString: notification.payload) { self.wake(stream) }
                            }
                        }
                    }
                } catch {
                    if Task.isCancelled { break }
                    self.logger.warning("listening for new events failed; retrying", metadata: ["error": "\(error)"])
                    try? await Task.sleep(for: .seconds(1))
                }
            }
        }
    }
}
