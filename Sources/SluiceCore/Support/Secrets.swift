import Crypto
import Foundation

/// High-entropy secrets (API keys, refresh and invitation tokens) and their stored form.
///
/// Such a secret carries 256 random bits, so a plain SHA-256 is a safe stored form (no salt
/// or slow hash needed: there is nothing to guess) and lets the secret be looked up by hash.
package enum Secrets {
    private static let alphabet = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".utf8)

    /// `prefix` followed by 43 base62 characters (≈ 256 bits).
    static func make(prefix: String) -> String {
        var generator = SystemRandomNumberGenerator()
        var characters = [UInt8]()
        characters.reserveCapacity(43)
        while characters.count < 43 {
            // 62 * 4 = 248: reject above it so that every character is equally likely.
            let byte = UInt8.random(in: 0...255, using: &generator)
            if byte < 248 { characters.append(alphabet[Int(byte % 62)]) }
        }
        return prefix + String(decoding: characters, as: UTF8.self)
    }

    /// SHA-256 of the text's UTF-8.
    package static func hash(_ secret: String) -> [UInt8] {
        Array(SHA256.hash(data: Data(secret.utf8)))
    }

    /// Compares two digests without an early exit, so that timing says nothing of where they differ.
    package static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        return zip(a, b).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }
}

extension Sequence<UInt8> {
    /// Lower-case hexadecimal, two digits a byte.
    package var hex: String { map { String(format: "%02x", $0) }.joined() }
}

extension UUID {
    /// A time-ordered UUID (version 7), so that new rows land at the end of their indexes.
    package static func v7(now: Date = Date()) -> UUID {
        var generator = SystemRandomNumberGenerator()
        let milliseconds = UInt64(max(0, now.timeIntervalSince1970 * 1000))
        // Two draws of 64 random bits (one system call each), not sixteen of eight.
        let random = (generator.next() as UInt64, generator.next() as UInt64)
        var bytes = withUnsafeBytes(of: random) { Array($0) }
        for index in 0..<6 { bytes[index] = UInt8(truncatingIfNeeded: milliseconds >> (8 * (5 - UInt64(index)))) }
        bytes[6] = (bytes[6] & 0x0F) | 0x70
        bytes[8] = (bytes[8] & 0x3F) | 0x80
        return UUID(
            uuid: (
                bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7],
                bytes[8], bytes[9], bytes[10], bytes[11], bytes[12], bytes[13], bytes[14], bytes[15]
            )
        )
    }

    package var lowercased: String { uuidString.lowercased() }
}
