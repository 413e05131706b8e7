import Crypto
import Foundation

/// Seals the few secrets Sluice must be able to read back (AES-256-GCM), so that none sits in
/// the database in clear.
package struct SecretBox: Sendable {
    private let key: SymmetricKey

    package init(key: [UInt8]) {
        self.key = SymmetricKey(data: key)
    }

    /// A key derived (HKDF-SHA256) from other key material, for when no secrets key is configured.
    package init(derivedFrom material: [UInt8]) {
        key = HKDF<SHA256>.deriveKey(
            inputKeyMaterial: SymmetricKey(data: material),
            info: Array("sluice sealed secrets v1".utf8),
            outputByteCount: 32
        )
    }

    package func seal(_ secret: [UInt8]) throws -> [UInt8] {
        guard let combined = try AES.GCM.seal(secret, using: key).combined else { throw SluiceError.internalError }
        return Array(combined)
    }

    package func open(_ sealed: [UInt8]) throws -> [UInt8] {
        Array(try AES.GCM.open(AES.GCM.SealedBox(combined: sealed), using: key))
    }
}
