import Foundation
import Synchronization

/// Valid API keys by secret hash, for one second, so that a producer's requests do not each
/// read the key from PostgreSQL; a lock, not an actor, as every API-key request passes here.
/// `forget` drops a revoked key at once; `last_used_at` is still written once a minute.
final class ApiKeyCache: Sendable {
    struct Entry {
        var identity: Identity
        var keyID: UUID
        var expiresAt: Date?
        var cachedUntil: Date
        var touchedAt: Date
    }

    static let timeToLive: TimeInterval = 1
    static let touchInterval: TimeInterval = 60
    static let capacity = 10_000

    private let entries = Mutex<[[UInt8]: Entry]>([:])

    /// A live entry; `needsTouch` once a minute per key, so that `last_used_at` stays current.
    func lookup(_ hash: [UInt8], now: Date) -> (identity: Identity, keyID: UUID, needsTouch: Bool)? {
        entries.withLock { entries in
            guard var entry = entries[hash], entry.cachedUntil > now else { return nil }
            if let expiresAt = entry.expiresAt, expiresAt <= now {
                entries[hash] = nil
                return nil
            }
            let needsTouch = now.timeIntervalSince(entry.touchedAt) >= Self.touchInterval
            if needsTouch {
                entry.touchedAt = now
                entries[hash] = entry
            }
            return (entry.identity, entry.keyID, needsTouch)
        }
    }

    func store(_ hash: [UInt8], identity: Identity, keyID: UUID, expiresAt: Date?, now: Date) {
        entries.withLock { entries in
            if entries.count >= Self.capacity { entries.removeAll(keepingCapacity: true) }
            let touchedAt = entries[hash]?.touchedAt ?? now
            entries[hash] = Entry(
                identity: identity, keyID: keyID, expiresAt: expiresAt, cachedUntil: now.addingTimeInterval(Self.timeToLive),
                touchedAt: touchedAt
            )
        }
    }

    func forget(keyID: UUID) {
        entries.withLock { entries in entries = entries.filter { $0.value.keyID != keyID } }
    }
}
