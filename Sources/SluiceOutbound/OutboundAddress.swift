import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// An IP address an outbound request (a webhook, a pull source) would connect to, and whether
/// it lies in a range this server never connects to for a tenant: loopback, private,
/// shared (CGNAT), link-local (cloud metadata), unspecified, multicast, reserved and
/// documentation ranges, in IPv4 and IPv6, with IPv4 embedded in IPv6 (mapped, compatible,
/// NAT64, 6to4) judged by the IPv4 address inside.
///
/// Decisions are made on addresses, never on how a host was spelled: `2130706433`,
/// `0x7f000001`, `0177.0.0.1`, `127.1` and `[::ffff:127.0.0.1]` are all 127.0.0.1 here, as
/// they are to the resolver that would connect.
package enum OutboundAddress: Hashable, Sendable, CustomStringConvertible {
    case v4(UInt32)
    case v6([UInt8])

    package var description: String {
        switch self {
        case .v4(let value):
            return "\(value >> 24).\((value >> 16) & 0xFF).\((value >> 8) & 0xFF).\(value & 0xFF)"
        case .v6(let bytes):
            var storage = in6_addr()
            withUnsafeMutableBytes(of: &storage) { $0.copyBytes(from: bytes) }
            var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
            guard inet_ntop(AF_INET6, &storage, &text, socklen_t(text.count)) != nil else { return "::" }
            return String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        }
    }

    /// The textual address to connect to (IPv6 without brackets).
    package var connectable: String { description }

    /// Whether this server refuses to connect here on a tenant's behalf.
    package var isDenied: Bool {
        switch self {
        case .v4(let address): return Self.deniedV4.contains { $0.contains(address) }
        case .v6(let bytes):
            if let embedded = Self.embeddedV4(bytes) { return OutboundAddress.v4(embedded).isDenied }
            return Self.deniedV6.contains { $0.contains(bytes) }
        }
    }

    /// IPv4 carried inside an IPv6 address: mapped (::ffff:a.b.c.d), compatible (::a.b.c.d,
    /// deprecated but still routed by some stacks), NAT64 (64:ff9b::/96) and 6to4 (2002::/16).
    static func embeddedV4(_ bytes: [UInt8]) -> UInt32? {
        func v4(at index: Int) -> UInt32 {
            UInt32(bytes[index]) << 24 | UInt32(bytes[index + 1]) << 16 | UInt32(bytes[index + 2]) << 8 | UInt32(bytes[index + 3])
        }
        let zeros10 = bytes[0..<10].allSatisfy { $0 == 0 }
        if zeros10, bytes[10] == 0xFF, bytes[11] == 0xFF { return v4(at: 12) }
        if zeros10, bytes[10] == 0, bytes[11] == 0 {
            // :: and ::1 are IPv6's own unspecified and loopback addresses, denied as such.
            let value = v4(at: 12)
            return value <= 1 ? nil : value
        }
        if bytes[0..<12].elementsEqual([0x00, 0x64, 0xFF, 0x9B, 0, 0, 0, 0, 0, 0, 0, 0]) { return v4(at: 12) }
        if bytes[0] == 0x20, bytes[1] == 0x02 { return v4(at: 2) }
        return nil
    }

    package struct V4Range: Sendable {
        package let base: UInt32
        package let bits: Int
        package init(base: UInt32, bits: Int) {
            self.base = base
            self.bits = bits
        }
        package func contains(_ address: UInt32) -> Bool {
            bits == 0 || (address ^ base) >> (32 - bits) == 0
        }
    }

    package struct V6Range: Sendable {
        package let prefix: [UInt8]
        package let bits: Int
        package init(prefix: [UInt8], bits: Int) {
            self.prefix = prefix
            self.bits = bits
        }
        package func contains(_ bytes: [UInt8]) -> Bool {
            var remaining = bits
            var index = 0
            while remaining > 0 {
                let mask: UInt8 = remaining >= 8 ? 0xFF : ~(0xFF >> UInt8(remaining))
                if bytes[index] & mask != prefix[index] & mask { return false }
                remaining -= 8
                index += 1
            }
            return true
        }
    }

    private static func v4(_ a: UInt32, _ b: UInt32, _ c: UInt32, _ d: UInt32, _ bits: Int) -> V4Range {
        V4Range(base: a << 24 | b << 16 | c << 8 | d, bits: bits)
    }

    /// IANA's special-purpose IPv4 registry, less what is globally reachable.
    static let deniedV4: [V4Range] = [
        v4(0, 0, 0, 0, 8),  // "this network", the unspecified address
        v4(10, 0, 0, 0, 8),  // private
        v4(100, 64, 0, 0, 10),  // shared address space (CGNAT)
        v4(127, 0, 0, 0, 8),  // loopback
        v4(169, 254, 0, 0, 16),  // link-local, cloud metadata (169.254.169.254)
        v4(172, 16, 0, 0, 12),  // private
        v4(192, 0, 0, 0, 24),  // IETF protocol assignments
        v4(192, 0, 2, 0, 24),  // documentation
        v4(192, 88, 99, 0, 24),  // 6to4 relay anycast
        v4(192, 168, 0, 0, 16),  // private
        v4(198, 18, 0, 0, 15),  // benchmarking
        v4(198, 51, 100, 0, 24),  // documentation
        v4(203, 0, 113, 0, 24),  // documentation
        v4(224, 0, 0, 0, 4),  // multicast
        v4(240, 0, 0, 0, 4),  // reserved, broadcast
    ]

    /// IANA's special-purpose IPv6 registry, less what is globally reachable.
    static let deniedV6: [V6Range] = [
        V6Range(prefix: [UInt8](repeating: 0, count: 16), bits: 128),  // unspecified
        V6Range(prefix: [UInt8](repeating: 0, count: 15) + [1], bits: 128),  // loopback
        V6Range(prefix: [0x00, 0x64, 0xFF, 0x9B, 0x00, 0x01] + [UInt8](repeating: 0, count: 10), bits: 48),  // local-use NAT64
        V6Range(prefix: [0x01, 0x00] + [UInt8](repeating: 0, count: 14), bits: 64),  // discard-only
        V6Range(prefix: [0x20, 0x01, 0x00, 0x00] + [UInt8](repeating: 0, count: 12), bits: 32),  // Teredo (carries IPv4)
        V6Range(prefix: [0x20, 0x01, 0x0D, 0xB8] + [UInt8](repeating: 0, count: 12), bits: 32),  // documentation
        V6Range(prefix: [0xFC] + [UInt8](repeating: 0, count: 15), bits: 7),  // unique local
        V6Range(prefix: [0xFE, 0x80] + [UInt8](repeating: 0, count: 14), bits: 10),  // link-local
        V6Range(prefix: [0xFE, 0xC0] + [UInt8](repeating: 0, count: 14), bits: 10),  // site-local (deprecated)
        V6Range(prefix: [0xFF] + [UInt8](repeating: 0, count: 15), bits: 8),  // multicast
    ]
}

extension OutboundAddress {
    /// The address a host names literally, in every spelling a resolver accepts: IPv6 (with or
    /// without brackets, with a zone), and IPv4 as `inet_aton` reads it (one to four parts,
    /// each decimal, octal with a leading 0, or hex with 0x). Nil for a host name.
    package static func literal(_ host: String) -> OutboundAddress? {
        var host = host
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        if let zone = host.firstIndex(of: "%") { host = String(host[..<zone]) }
        if host.contains(":") {
            var storage = in6_addr()
            guard inet_pton(AF_INET6, host, &storage) == 1 else { return nil }
            return .v6(withUnsafeBytes(of: storage) { Array($0) })
        }
        return parseV4(host)
    }

    /// `inet_aton`'s grammar, written out so that it is the same everywhere and cannot trap.
    static func parseV4(_ text: String) -> OutboundAddress? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...4).contains(parts.count) else { return nil }
        var values: [UInt64] = []
        for part in parts {
            var digits = Substring(part)
            var radix: UInt64 = 10
            if digits.hasPrefix("0x") || digits.hasPrefix("0X") {
                radix = 16
                digits = digits.dropFirst(2)
            } else if digits.count > 1, digits.hasPrefix("0") {
                radix = 8
                digits = digits.dropFirst()
            }
            guard !digits.isEmpty || radix == 16, digits.count <= 12 else { return nil }
            var value: UInt64 = 0
            for character in digits {
                guard let digit = character.hexDigitValue.map(UInt64.init), digit < radix else { return nil }
                value = value * radix + digit
            }
            values.append(value)
        }
        // The last part fills the bytes the earlier ones leave.
        let leading = values.dropLast()
        guard leading.allSatisfy({ $0 <= 0xFF }), let last = values.last else { return nil }
        let lastBits = 8 * (4 - leading.count)
        guard last < (UInt64(1) << UInt64(lastBits)) else { return nil }
        var address: UInt64 = 0
        for (index, value) in leading.enumerated() { address |= value << UInt64(24 - 8 * index) }
        return .v4(UInt32(truncatingIfNeeded: address | last))
    }

    /// Whether a host, as written in a URL, is refused before anything is resolved: an address
    /// in a denied range, or a name that is loopback by definition (`localhost`, `*.localhost`,
    /// with or without the root's trailing dot).
    package static func isDeniedLiteral(host: String) -> Bool {
        var name = host.lowercased()
        while name.hasSuffix(".") { name.removeLast() }
        if name.isEmpty || name == "localhost" || name.hasSuffix(".localhost") { return true }
        return literal(name)?.isDenied ?? false
    }
}
