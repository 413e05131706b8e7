import Foundation
import ServiceLifecycle
import Synchronization

/// A sleep that `ring()` ends early. A ring while nobody sleeps ends the next sleep at once, so
/// a wake between two sleeps is never lost. One sleeper at a time.
package final class Alarm: Sendable {

    private let state = Mutex<(sleeper: CheckedContinuation<Void, Never>?, pending: Bool)>((nil, false))

    package init() {}

    package func ring() {
        state.withLock { state in
            if let sleeper = state.sleeper {
                sleeper.resume()
                state.sleeper = nil
            } else {
                state.pending = true
            }
        }
    }

    /// Sleeps for `duration`, or until rung or cancelled.
    package func sleep(for duration: Duration) async {
        let timer = Task {
            do { try await Task.sleep(for: duration) } catch { return }
            self.ring()
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let now = state.withLock { state -> Bool in
                    if state.pending {
                        state.pending = false
                        return true
                    }
                    state.sleeper = continuation
                    return false
                }
                if now { continuation.resume() }
            }
        } onCancel: {
            self.ring()
        }
        timer.cancel()
    }
}

extension Service {
    /// A worker's id in leases and runs: host, process and a random part (a restarted process
    /// is a new worker).
    package static func processWorkerID() -> String {
        "\(ProcessInfo.processInfo.hostName):\(ProcessInfo.processInfo.processIdentifier):\(UUID().uuidString.prefix(8).lowercased())"
    }
}
