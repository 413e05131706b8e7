import Crypto
import Foundation

/// Seals the few secrets Sluice must be able to read back (AES-256-GCM), so that none sits in
/// the database in clear. Several keys for a rotation: the first seals, each opens (GCM's tag
/// tells which key sealed a box); `sluice admin reseal-secrets` seals everything again with the
/// first, after which the others can go.
package struct SecretBox: Sendable {
    private let keys: [SymmetricKey]

    package init(key: [UInt8]) {
        self.init(keys: [key])
    }

    /// `keys[0]` seals; every key opens. `opening` keys only open (a derived key kept for
    /// what it sealed before a key was configured).
    package init(keys: [[UInt8]], opening: [SymmetricKey] = []) {
        self.keys = keys.map { SymmetricKey(data: $0) } + opening
    }

    /// A key derived (HKDF-SHA256) from other key material, for when no secrets key is configured.
    package init(derivedFrom material: [UInt8]) {
        keys = [Self.derived(from: material)]
    }

    package static func derived(from material: [UInt8]) -> SymmetricKey {
        HKDF<SHA256>.deriveKey(
            inputKeyMaterial: SymmetricKey(data: material),
            info: Array("sluice sealed secrets v1".utf8),
            outputByteCount: 32
        )
    }

    package func seal(_ secret: [UInt8]) throws -> [UInt8] {
        guard let combined = try AES.GCM.seal(secret, using: keys[0]).combined else { throw SluiceError.internalError }
        return Array(combined)
    }

    package func open(_ sealed: [UInt8]) throws -> [UInt8] {
        let box = try AES.GCM.SealedBox(combined: sealed)
        var failure: (any Error)?
        for key in keys {
            do {
                return Array(try AES.GCM.open(box, using: key))
            } catch {
                failure = error
            }
        }
        throw failure ?? SluiceError.internalError
    }

    /// Whether `sealed` was sealed with the key that seals now.
    package func isCurrent(_ sealed: [UInt8]) -> Bool {
        guard let box = try? AES.GCM.SealedBox(combined: sealed) else { return false }
        return (try? AES.GCM.open(box, using: keys[0])) != nil
    }
}
