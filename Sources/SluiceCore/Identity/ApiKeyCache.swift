import Foundation
import Logging
import Redis
import Synchronization

/// Valid API keys by secret hash, so that a producer's requests do not each read the key from
/// PostgreSQL; a lock, not an actor, as every API-key request passes here.
///
/// A change to a key (revocation, new limits) is published on Redis; every node's listener
/// drops the key at once. While this node's subscription holds, entries live
/// `subscribedTimeToLive`; without Redis, or while the subscription is lost (messages sent
/// meanwhile are gone), only `timeToLive`, one second, which bounds how late a revocation
/// is seen. `last_used_at` is still written once a minute.
package final class ApiKeyCache: Sendable {
    struct Entry {
        var identity: Identity
        var keyID: UUID
        var expiresAt: Date?
        var cachedUntil: Date
        var touchedAt: Date
    }

    private struct State {
        var entries: [[UInt8]: Entry] = [:]
        /// Counts invalidations, so that a key read before one is not cached after it.
        var epoch = 0
        var subscribed = false
    }

    static let timeToLive: TimeInterval = 1
    static let subscribedTimeToLive: TimeInterval = 30
    static let touchInterval: TimeInterval = 60
    static let capacity = 10_000
    package static let channel = "sluice:apikeys:changed"

    private let state = Mutex(State())
    private let redis: RedisClient?
    private let logger: Logger

    package init(redis: RedisClient? = nil, logger: Logger = Logger(label: "sluice")) {
        self.redis = redis
        self.logger = logger
    }

    /// A live entry; `needsTouch` once a minute per key, so that `last_used_at` stays current.
    func lookup(_ hash: [UInt8], now: Date) -> (identity: Identity, keyID: UUID, needsTouch: Bool)? {
        state.withLock { state in
            guard var entry = state.entries[hash], entry.cachedUntil > now else { return nil }
            if let expiresAt = entry.expiresAt, expiresAt <= now {
                state.entries[hash] = nil
                return nil
            }
            let needsTouch = now.timeIntervalSince(entry.touchedAt) >= Self.touchInterval
            if needsTouch {
                entry.touchedAt = now
                state.entries[hash] = entry
            }
            return (entry.identity, entry.keyID, needsTouch)
        }
    }

    /// Taken before reading a key, handed to `store`.
    var epoch: Int { state.withLock { $0.epoch } }

    /// Caches a key read at `epoch`, unless a key was invalidated since (it may be this one).
    func store(_ hash: [UInt8], identity: Identity, keyID: UUID, expiresAt: Date?, now: Date, epoch: Int) {
        state.withLock { state in
            guard state.epoch == epoch else { return }
            if state.entries.count >= Self.capacity { state.entries.removeAll(keepingCapacity: true) }
            let touchedAt = state.entries[hash]?.touchedAt ?? now
            let timeToLive = state.subscribed ? Self.subscribedTimeToLive : Self.timeToLive
            state.entries[hash] = Entry(
                identity: identity,
                keyID: keyID,
                expiresAt: expiresAt,
                cachedUntil: now.addingTimeInterval(timeToLive),
                touchedAt: touchedAt
            )
        }
    }

    /// Drops the key here and tells every other node to (after the change is committed).
    func invalidate(keyID: UUID) async {
        forget(keyID: keyID)
        guard let redis else { return }
        do {
            try await redis.send(["PUBLISH", Self.channel, keyID.lowercased])
        } catch {
            // Every node's subscription is on the same Redis, so theirs are lost too and
            // their entries live one second.
            logger.warning("could not publish an API key change", metadata: ["key": "\(keyID.lowercased)", "error": "\(error)"])
        }
    }

    func forget(keyID: UUID) {
        state.withLock { state in
            state.epoch += 1
            state.entries = state.entries.filter { $0.value.keyID != keyID }
        }
    }

    /// What the node's subscription to `channel` reports.
    package func handle(_ event: RedisSubscriber.Event) {
        switch event {
        case .message(let payload):
            if let id = UUID(uuidString: String(decoding: payload, as: UTF8.self)) { forget(keyID: id) }
        case .subscribed, .lost:
            // Either way, changes may have been missed: start afresh.
            state.withLock { state in
                state.epoch += 1
                state.entries.removeAll()
                state.subscribed = event == .subscribed
            }
        }
    }
}
