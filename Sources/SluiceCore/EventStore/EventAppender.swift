import Foundation
import Logging

/// Group commit (DESIGN.md §8): requests do not open transactions. Each stream has a queue;
/// while one append transaction of the stream runs, the requests that arrive wait in the
/// queue, and the next transaction takes all of them (up to `maxEventsPerTransaction`), for
/// all their partitions at once. Under load a transaction carries many requests; idle, a
/// request waits for no one. (A queue per partition cost a transaction per partition: a batch
/// of 100 over 4 partitions was 4 commits, and single events grouped a quarter as well.)
package actor EventAppender {
    package struct Configuration: Sendable {
        var maxEventsPerTransaction = 5000

        package init() {}
    }

    private struct Waiter {
        var records: [EventRecord]
        var continuation: CheckedContinuation<[AppendOutcome], Never>
    }

    private var queues: [EventStore.StreamKey: [Waiter]] = [:]
    private var draining: Set<EventStore.StreamKey> = []
    private let store: EventStore
    private let configuration: Configuration

    package init(store: EventStore, configuration: Configuration = .init()) {
        self.store = store
        self.configuration = configuration
    }

    /// Returns once the records are committed (or have failed), one outcome each, in order.
    func append(_ records: [EventRecord], to key: EventStore.StreamKey) async -> [AppendOutcome] {
        await withCheckedContinuation { continuation in
            queues[key, default: []].append(Waiter(records: records, continuation: continuation))
            if draining.insert(key).inserted {
                Task { await self.drain(key) }
            }
        }
    }

    private func drain(_ key: EventStore.StreamKey) async {
        while let waiters = take(key) {
            let records = waiters.flatMap(\.records)
            let outcomes = await store.append(records, to: key)
            var start = 0
            for waiter in waiters {
                let end = start + waiter.records.count
                waiter.continuation.resume(returning: Array(outcomes[start..<end]))
                start = end
            }
        }
    }

    /// The next group for one transaction, or nil (and the partition idle) when none waits.
    private func take(_ key: EventStore.StreamKey) -> [Waiter]? {
        guard var queue = queues[key], !queue.isEmpty else {
            queues[key] = nil
            draining.remove(key)
            return nil
        }
        var group: [Waiter] = []
        var count = 0
        while let first = queue.first, group.isEmpty || count + first.records.count <= configuration.maxEventsPerTransaction {
            group.append(first)
            count += first.records.count
            queue.removeFirst()
        }
        queues[key] = queue
        return group
    }
}
