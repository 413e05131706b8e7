import AsyncHTTPClient
import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import SluiceSupport

#if canImport(Glibc)
import Glibc
#endif

/// The one HTTP client for requests made on a tenant's behalf (webhooks, pull sources).
///
/// Unless private networks are allowed, every request is decided on the address it will
/// actually connect to: the host is resolved, every address it resolves to is checked against
/// the denied ranges (`OutboundAddress`), and the connection goes to the address checked
/// (an `HTTPClient` pinned to it with `dnsOverride`, so TLS still verifies the host name and no
/// second resolution can swap the address). This happens on every request, not only when the
/// URL is saved, so a name that later resolves elsewhere is caught too. Redirects are never
/// followed.
package final class OutboundHTTPClient: Sendable {
    /// Why a request was not made.
    package struct Refused: Error, CustomStringConvertible {
        package let reason: String
        package var description: String { reason }
    }

    package let allowPrivateNetworks: Bool
    /// How long resolving a host may take.
    let resolveTimeout: Duration
    /// Pinned clients kept for connection reuse, by "host address".
    static let maxPinnedClients = 64

    private let open: HTTPClient
    private let resolver: NIOThreadPool
    private let pinned = NIOLockedValueBox(PinnedClients())

    private struct PinnedClients {
        var clients: [String: (client: HTTPClient, inUse: Int, lastUsed: ContinuousClock.Instant)] = [:]
        var retired: [HTTPClient] = []
        var closed = false
    }

    package init(allowPrivateNetworks: Bool, resolveTimeout: Duration = .seconds(5)) {
        self.allowPrivateNetworks = allowPrivateNetworks
        self.resolveTimeout = resolveTimeout
        self.open = Self.makeClient(dnsOverride: [:])
        self.resolver = NIOThreadPool(numberOfThreads: 2)
        resolver.start()
    }

    static func makeClient(dnsOverride: [String: String]) -> HTTPClient {
        var configuration = HTTPClient.Configuration(
            redirectConfiguration: .disallow,
            timeout: .init(connect: .seconds(10)),
            decompression: .disabled
        )
        configuration.connectionPool = .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: 16)
        configuration.httpVersion = .automatic
        configuration.dnsOverride = dnsOverride
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    /// Sends `request` and hands its response to `body` (which reads it); the connection is
    /// held until `body` returns.
    package func execute<T: Sendable>(
        _ request: HTTPClientRequest,
        timeout: TimeAmount,
        _ body: (HTTPClientResponse) async throws -> T
    ) async throws -> T {
        if allowPrivateNetworks {
            return try await body(try await open.execute(request, timeout: timeout))
        }
        // The host exactly as AsyncHTTPClient will read it (its dnsOverride is keyed by it).
        guard let url = URL(string: request.url), let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https",
            var host = url.host, !host.isEmpty
        else { throw Refused(reason: "the URL is not an http(s) URL with a host") }
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        let address = try await checkedAddress(host: host)
        // An IP literal is connected to as it is, without resolution: nothing to pin.
        if (try? SocketAddress(ipAddress: host, port: 0)) != nil {
            return try await body(try await open.execute(request, timeout: timeout))
        }
        let key = "\(host) \(address.connectable)"
        let client = try lease(key: key, host: host, address: address)
        defer { release(key: key) }
        return try await body(try await client.execute(request, timeout: timeout))
    }

    /// The address to connect to for `host`, or why there is none. Every resolved address must
    /// be allowed: a name that resolves to one public and one private address is refused, since
    /// which one a connection would take is not this server's to choose.
    package func checkedAddress(host: String) async throws -> OutboundAddress {
        var trimmed = host
        while trimmed.hasSuffix(".") { trimmed.removeLast() }
        let name = trimmed
        if OutboundAddress.isDeniedLiteral(host: host) { throw Self.notPublic }
        if let literal = OutboundAddress.literal(name) { return literal }
        let pool = resolver
        let addresses: [OutboundAddress]
        do {
            addresses = try await withDeadline(resolveTimeout) {
                try await pool.runIfActive { Self.resolve(name) }
            }
        } catch is DeadlineExceeded {
            throw Refused(reason: "resolving the host took longer than \(resolveTimeout)")
        }
        guard let first = addresses.first, !addresses.contains(where: \.isDenied) else { throw Self.notPublic }
        return first
    }

    /// One message whether a name does not resolve or resolves to a denied address, so that a
    /// tenant cannot map the operator's internal names.
    static let notPublic = Refused(reason: "the host does not resolve to a public address this server connects to")

    /// Every address `name` resolves to (IPv4 and IPv6), as the system's resolver gives them.
    package static func resolve(_ name: String) -> [OutboundAddress] {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(name, nil, &hints, &list) == 0, let head = list else { return [] }
        defer { freeaddrinfo(head) }
        var addresses: [OutboundAddress] = []
        var cursor: UnsafeMutablePointer<addrinfo>? = head
        while let entry = cursor {
            if let socket = entry.pointee.ai_addr {
                switch Int32(socket.pointee.sa_family) {
                case AF_INET:
                    socket.withMemoryRebound(to: sockaddr_in.self, capacity: 1) {
                        addresses.append(.v4(UInt32(bigEndian: $0.pointee.sin_addr.s_addr)))
                    }
                case AF_INET6:
                    socket.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) {
                        addresses.append(.v6(withUnsafeBytes(of: $0.pointee.sin6_addr) { Array($0) }))
                    }
                default: break
                }
            }
            cursor = entry.pointee.ai_next
        }
        return addresses
    }

    private func lease(key: String, host: String, address: OutboundAddress) throws -> HTTPClient {
        defer { shutDownRetired() }
        return try pinned.withLockedValue { state in
            guard !state.closed else { throw Refused(reason: "the server is shutting down") }
            if var entry = state.clients[key] {
                entry.inUse += 1
                entry.lastUsed = .now
                state.clients[key] = entry
                return entry.client
            }
            if state.clients.count >= Self.maxPinnedClients,
                let idle = state.clients.filter({ $0.value.inUse == 0 }).min(by: { $0.value.lastUsed < $1.value.lastUsed })
            {
                state.clients[idle.key] = nil
                state.retired.append(idle.value.client)
            }
            let client = Self.makeClient(dnsOverride: [host: address.connectable])
            state.clients[key] = (client, 1, .now)
            return client
        }
    }

    private func release(key: String) {
        pinned.withLockedValue { state in
            if var entry = state.clients[key] {
                entry.inUse -= 1
                state.clients[key] = entry
            }
        }
    }

    private func shutDownRetired() {
        let retired = pinned.withLockedValue { state in
            defer { state.retired = [] }
            return state.retired
        }
        for client in retired { client.shutdown { _ in } }
    }

    /// Closes every client (after the workers using them have stopped).
    package func shutdown() async throws {
        let clients = pinned.withLockedValue { state in
            state.closed = true
            defer {
                state.clients = [:]
                state.retired = []
            }
            return state.clients.values.map(\.client) + state.retired
        }
        for client in clients { try? await client.shutdown() }
        try await open.shutdown()
        try await resolver.shutdownGracefully()
    }
}
