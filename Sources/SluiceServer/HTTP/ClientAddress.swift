import Foundation
import Hummingbird
import SluiceOutbound

/// A block of addresses, `10.0.0.0/8` or `fd00::/8` (a lone address is its own block).
struct AddressRange: Sendable {
    let base: OutboundAddress
    let bits: Int

    init?(_ text: String) {
        let parts = text.split(separator: "/", maxSplits: 1)
        guard let first = parts.first, let base = OutboundAddress.literal(String(first)) else { return nil }
        let width = if case .v4 = base { 32 } else { 128 }
        let bits = parts.count == 2 ? Int(parts[1]) : width
        guard let bits, (0...width).contains(bits) else { return nil }
        self.base = base
        self.bits = bits
    }

    func contains(_ address: OutboundAddress) -> Bool {
        switch (base, Self.plain(address)) {
        case (.v4(let a), .v4(let b)): return OutboundAddress.V4Range(base: a, bits: bits).contains(b)
        case (.v6(let a), .v6(let b)): return OutboundAddress.V6Range(prefix: a, bits: bits).contains(b)
        default: return false
        }
    }

    /// IPv4-mapped IPv6 (how a dual-stack socket reports an IPv4 peer) as IPv4.
    static func plain(_ address: OutboundAddress) -> OutboundAddress {
        if case .v6(let bytes) = address, bytes[0..<10].allSatisfy({ $0 == 0 }), bytes[10] == 0xFF, bytes[11] == 0xFF {
            return .v4(UInt32(bytes[12]) << 24 | UInt32(bytes[13]) << 16 | UInt32(bytes[14]) << 8 | UInt32(bytes[15]))
        }
        return address
    }
}

/// The client's address: the peer's, or, when the peer is a trusted proxy
/// (`SLUICE_TRUSTED_PROXIES`), the nearest address in `X-Forwarded-For` (or `Forwarded: for=`)
/// that is not itself a trusted proxy. Addresses from anyone else's headers are ignored, so
/// that a client cannot choose the address its logins are throttled by.
struct ClientAddressMiddleware: RouterMiddleware {
    typealias Context = SluiceRequestContext
    let trusted: [AddressRange]

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard !trusted.isEmpty, let peer = context.clientIP.flatMap(OutboundAddress.literal), isTrusted(peer) else {
            return try await next(request, context)
        }
        var context = context
        var hops: [String] = []
        for value in request.headers[values: .init("X-Forwarded-For")!] {
            hops += value.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        }
        if hops.isEmpty {
            for value in request.headers[values: .init("Forwarded")!] {
                for element in value.split(separator: ",") {
                    for pair in element.split(separator: ";") where pair.trimmingCharacters(in: .whitespaces).lowercased().hasPrefix("for=") {
                        var address = pair.trimmingCharacters(in: .whitespaces).dropFirst(4).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
                        if address.hasPrefix("["), let end = address.firstIndex(of: "]") {
                            address = String(address[address.index(after: address.startIndex)..<end])
                        }
                        hops.append(address)
                    }
                }
            }
        }
        // From the nearest hop outwards, the first that is not one of the operator's proxies.
        for hop in hops.reversed() {
            guard let address = OutboundAddress.literal(hop) else { break }
            if !isTrusted(address) {
                context.clientIP = AddressRange.plain(address).description
                break
            }
        }
        return try await next(request, context)
    }

    func isTrusted(_ address: OutboundAddress) -> Bool { trusted.contains { $0.contains(address) } }
}
