import Foundation
import Logging

/// Group commit (DESIGN.md §8): requests do not open transactions. Each stream has a few
/// lanes, each with a queue and a share of the stream's partitions (partition modulo lanes);
/// while one append transaction of a lane runs, the requests that arrive wait in its queue,
/// and the next transaction takes all of them (up to `maxEventsPerTransaction`), for all the
/// lane's partitions at once. Under load a transaction carries many requests; idle, a request
/// waits for no one.
///
/// The lanes of a stream commit concurrently, each holding its partitions' counters until its
/// commit. One lane per partition (as it was) cost a transaction per partition: a batch of 100
/// over 4 partitions was 4 commits, and single events grouped a quarter as well; one lane per
/// stream serialises the stream's appends in PostgreSQL, leaving cores idle while a commit is
/// flushed. `lanes` (`SLUICE_INGEST_LANES`, default 2) sits between.
package actor EventAppender {
    package struct Configuration: Sendable {
        var maxEventsPerTransaction = 5000
        var lanes = 2

        package init(lanes: Int = 2) {
            self.lanes = max(1, lanes)
        }
    }

    private struct Waiter {
        var records: [EventRecord]
        var continuation: CheckedContinuation<[AppendOutcome], Never>
    }

    private struct Lane: Hashable {
        var stream: EventStore.StreamKey
        var number: Int
    }

    private var queues: [Lane: [Waiter]] = [:]
    private var draining: Set<Lane> = []
    private let store: EventStore
    private let configuration: Configuration

    package init(store: EventStore, configuration: Configuration = .init()) {
        self.store = store
        self.configuration = configuration
    }

    /// Returns once the records are committed (or have failed), one outcome each, in order.
    nonisolated func append(_ records: [EventRecord], to key: EventStore.StreamKey) async -> [AppendOutcome] {
        let lanes = configuration.lanes
        var byLane: [Int: [Int]] = [:]
        for (index, record) in records.enumerated() { byLane[record.partition % lanes, default: []].append(index) }
        if byLane.count <= 1 {
            return await enqueue(records, in: Lane(stream: key, number: byLane.keys.first ?? 0))
        }
        var outcomes = [AppendOutcome](repeating: .failed("not written"), count: records.count)
        await withTaskGroup(of: ([Int], [AppendOutcome]).self) { group in
            for (lane, indices) in byLane {
                group.addTask { (indices, await self.enqueue(indices.map { records[$0] }, in: Lane(stream: key, number: lane))) }
            }
            for await (indices, results) in group {
                for (index, outcome) in zip(indices, results) { outcomes[index] = outcome }
            }
        }
        return outcomes
    }

    private func enqueue(_ records: [EventRecord], in lane: Lane) async -> [AppendOutcome] {
        await withCheckedContinuation { continuation in
            queues[lane, default: []].append(Waiter(records: records, continuation: continuation))
            if draining.insert(lane).inserted {
                Task { await self.drain(lane) }
            }
        }
    }

    private func drain(_ lane: Lane) async {
        while let waiters = take(lane) {
            let records = waiters.flatMap(\.records)
            let outcomes = await store.append(records, to: lane.stream)
            var start = 0
            for waiter in waiters {
                let end = start + waiter.records.count
                waiter.continuation.resume(returning: Array(outcomes[start..<end]))
                start = end
            }
        }
    }

    /// The next group for one transaction, or nil (and the partition idle) when none waits.
    private func take(_ lane: Lane) -> [Waiter]? {
        guard var queue = queues[lane], !queue.isEmpty else {
            queues[lane] = nil
            draining.remove(lane)
            return nil
        }
        var group: [Waiter] = []
        var count = 0
        while let first = queue.first, group.isEmpty || count + first.records.count <= configuration.maxEventsPerTransaction {
            group.append(first)
            count += first.records.count
            queue.removeFirst()
        }
        queues[lane] = queue
        return group
    }
}
