import Foundation
import Logging
import Synchronization

/// Keeps this worker's fair share of the subscriptions' partitions: every quarter of a lease
/// period it heartbeats, renews what it holds, stops what it lost, gives back what exceeds
/// its share (after the event in flight) and claims up to it, starting one task per partition
/// held. What a task does with its partition is the caller's (`PartitionDeliverer`); the
/// balancer only says whether it may go on (`mayContinue`).
final class LeaseBalancer: Sendable {
    private let leases: DeliveryLeases
    private let lease: Duration
    private let concurrency: Int
    private let logger: Logger
    /// The partitions being worked, those asked to stop after their current event, and those
    /// idle (waiting for events).
    private let tasks = Mutex<(running: [LeaseKey: Task<Void, Never>], stopping: Set<LeaseKey>, idle: Set<LeaseKey>)>(([:], [], []))
    /// Until when this worker's leases are surely its own (the lease period from the last renewal's start).
    private let leasedUntil = Mutex<ContinuousClock.Instant>(.now)

    init(leases: DeliveryLeases, lease: Duration, concurrency: Int, logger: Logger) {
        self.leases = leases
        self.lease = lease
        self.concurrency = concurrency
        self.logger = logger
    }

    /// Balances until cancelled, working each partition held with `work`.
    func run(work: @escaping @Sendable (LeaseKey) async -> Void) async {
        while !Task.isCancelled {
            do {
                try await balance(work: work)
            } catch {
                if Task.isCancelled { break }
                logger.warning("lease round failed", metadata: ["error": "\(String(reflecting: error))"])
            }
            try? await Task.sleep(for: lease / 4)
        }
    }

    /// Cancels every partition's task, waits for them, and hands the leases back.
    func stop() async {
        let running = tasks.withLock { tasks in
            defer { tasks.running.removeAll() }
            return Array(tasks.running.values)
        }
        for task in running { task.cancel() }
        for task in running { await task.value }
        do { try await leases.retire() } catch {
            logger.warning("could not hand the leases back", metadata: ["error": "\(String(reflecting: error))"])
        }
    }

    /// Whether the partition's task may go on to another event.
    func mayContinue(_ key: LeaseKey) -> Bool {
        !Task.isCancelled && leasedUntil.withLock { ContinuousClock.now < $0 } && !tasks.withLock { $0.stopping.contains(key) }
    }

    /// Runs `wait` (for new events) with the partition marked idle, so that a request to give
    /// it back cancels the wait; false when it should be given back.
    func idle(_ key: LeaseKey, _ wait: () async -> Void) async -> Bool {
        tasks.withLock { _ = $0.idle.insert(key) }
        await wait()
        // Leaving idle under the lock: a stop request either saw it idle (and cancelled it) or is seen here.
        return tasks.withLock { tasks in
            tasks.idle.remove(key)
            return !tasks.stopping.contains(key)
        }
    }

    /// One round: heartbeat, renew, drop what is lost, give back what exceeds the fair share,
    /// claim up to it, and start working what was claimed.
    private func balance(work: @escaping @Sendable (LeaseKey) async -> Void) async throws {
        let started = ContinuousClock.now
        let workers = try await leases.heartbeat(concurrency: concurrency)
        let held = try await leases.renew()
        leasedUntil.withLock { $0 = started + lease }
        let total = try await leases.totalWork()
        let share = (total + workers - 1) / workers

        // A lease lost (expired and taken, or the subscription paused or deleted): stop at once.
        let (lost, running) = tasks.withLock { tasks -> ([Task<Void, Never>], Int) in
            var lost: [Task<Void, Never>] = []
            for (key, task) in tasks.running where !held.contains(key) {
                lost.append(task)
                tasks.running[key] = nil
                tasks.stopping.remove(key)
            }
            return (lost, tasks.running.count - tasks.stopping.count)
        }
        for task in lost { task.cancel() }
        // Held leases with no task (a task ended): give them back.
        for key in held where tasks.withLock({ $0.running[key] == nil }) { try await leases.release(key) }

        if running > share {
            // Beyond the fair share (another worker joined): those stop after their current
            // event, commit, and give their leases back, so no partition is worked twice at once.
            let idle = tasks.withLock { tasks in
                let keys = tasks.running.keys.filter { !tasks.stopping.contains($0) }.shuffled().prefix(running - share)
                tasks.stopping.formUnion(keys)
                // One waiting for events has nothing in flight: wake it to leave now.
                return keys.filter { tasks.idle.contains($0) }.compactMap { tasks.running[$0] }
            }
            for task in idle { task.cancel() }
        } else if running < share {
            for key in try await leases.claim(share - running) { start(key, work: work) }
        }
    }

    private func start(_ key: LeaseKey, work: @escaping @Sendable (LeaseKey) async -> Void) {
        tasks.withLock { tasks in
            guard tasks.running[key] == nil else { return }
            tasks.running[key] = Task {
                await work(key)
                try? await self.leases.release(key)
                self.tasks.withLock { tasks in
                    tasks.running[key] = nil
                    tasks.stopping.remove(key)
                    tasks.idle.remove(key)
                }
            }
        }
    }
}
