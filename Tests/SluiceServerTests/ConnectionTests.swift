import Foundation
import Glibc
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

@testable import SluiceJSON
@testable import SluiceServer

/// A raw TCP connection for what HTTP clients will not do (send half a request).
struct RawConnection: @unchecked Sendable {
    let socket: Int32

    init(port: Int) throws {
        socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { throw POSIXError(.ECONNREFUSED) }
    }

    func send(_ text: String) { _ = text.withCString { Glibc.send(socket, $0, strlen($0), Int32(MSG_NOSIGNAL)) } }

    /// What arrives within `seconds`: the bytes, or nil once the server has closed.
    /// On a thread of its own: a blocking `recv` on the cooperative pool (two threads on a
    /// two-core machine) would starve the in-process server it waits for.
    func receive(within seconds: Int) async -> (closed: Bool, text: String) {
        await withCheckedContinuation { continuation in
            let socket = socket
            Thread {
                var timeout = timeval(tv_sec: seconds, tv_usec: 0)
                setsockopt(socket, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
                var buffer = [UInt8](repeating: 0, count: 4096)
                let count = recv(socket, &buffer, buffer.count, 0)
                if count == 0 { return continuation.resume(returning: (true, "")) }
                if count < 0 { return continuation.resume(returning: (errno == ECONNRESET, "")) }
                continuation.resume(returning: (false, String(decoding: buffer.prefix(count), as: UTF8.self)))
            }.start()
        }
    }

    func close() { Glibc.close(socket) }
}

@Suite("Connections: no caller holds the server")
struct ConnectionTests {
    func withLiveSluice(_ configure: @escaping (inout SluiceConfiguration) -> Void, _ body: @Sendable (Int) async throws -> Void) async throws {
        var configuration = TestEnvironment.configuration()
        configure(&configuration)
        let app = try await buildApplication(configuration, logger: TestEnvironment.logger)
        try await app.test(.live) { client in try await body(client.port!) }
    }

    @Test("a half-sent header is cut off at the header timeout; a whole request is answered")
    func slowloris() async throws {
        try await withLiveSluice({ $0.connections.headerTimeout = .seconds(1) }) { port in
            let slow = try RawConnection(port: port)
            defer { slow.close() }
            let started = ContinuousClock.now
            slow.send("GET /healthz HTTP/1.1\r\nHost: sluice\r\nX-Slow: ")
            let cut = await slow.receive(within: 10)
            #expect(cut.closed, "the server closed the connection")
            #expect(ContinuousClock.now - started < .seconds(6), "within the header timeout, not the 10 s the test waits")

            let whole = try RawConnection(port: port)
            defer { whole.close() }
            whole.send("GET /healthz HTTP/1.1\r\nHost: sluice\r\n\r\n")
            #expect(await whole.receive(within: 5).text.hasPrefix("HTTP/1.1 200"))
        }
    }

    @Test("past the connection limit, new connections are closed at once; freed places are taken again")
    func connectionLimit() async throws {
        try await withLiveSluice({
            $0.connections.maxConnections = 3
            $0.connections.headerTimeout = .seconds(30)
        }) { port in
            var held: [RawConnection] = []
            for _ in 0..<3 { held.append(try RawConnection(port: port)) }
            try await Task.sleep(for: .milliseconds(300))
            let refused = try RawConnection(port: port)
            #expect(await refused.receive(within: 5).closed, "the fourth is closed")
            refused.close()
            for connection in held { connection.close() }
            // The places come free once the server has seen the closes: at once on an idle
            // machine, later on one busy with every other suite (a run on 2 cores took more
            // than 10 s); within 30 s either way.
            var answered = false
            let freed = ContinuousClock.now
            while !answered, ContinuousClock.now - freed < .seconds(30) {
                try await Task.sleep(for: .milliseconds(300))
                let again = try RawConnection(port: port)
                again.send("GET /healthz HTTP/1.1\r\nHost: sluice\r\n\r\n")
                answered = await again.receive(within: 5).text.hasPrefix("HTTP/1.1 200")
                again.close()
            }
            #expect(answered, "a freed place is taken again")
        }
    }
}

@Suite("Client addresses: proxies believed only when trusted; signups throttled")
struct ClientAddressTests {
    /// One request over a fresh connection; answers its status code.
    static func status(_ port: Int, _ method: String, _ path: String, body: String, headers: [String] = []) async throws -> Int {
        let connection = try RawConnection(port: port)
        defer { connection.close() }
        let head =
            ([
                "\(method) \(path) HTTP/1.1", "Host: sluice", "Content-Type: application/json", "Content-Length: \(body.utf8.count)",
                "Connection: close",
            ] + headers).joined(separator: "\r\n")
        connection.send(head + "\r\n\r\n" + body)
        let answer = await connection.receive(within: 10).text
        return Int(answer.split(separator: " ").dropFirst().first ?? "") ?? 0
    }

    static func wrongLogin() -> String { #"{"email":"nobody-\#(UUID().uuidString.prefix(8))@example.test","password":"wrong password!"}"# }

    @Test("behind a trusted proxy each client is throttled by its own address; from anyone else, X-Forwarded-For is ignored")
    func trustedProxies() async throws {
        try await ConnectionTests().withLiveSluice({
            $0.trustedProxies = [AddressRange("127.0.0.1/32")!]
            $0.loginThrottle.failuresPerIP = 3
        }) { port in
            for _ in 0..<3 {
                let code1 = try await Self.status(port, "POST", "/v1/auth/login", body: Self.wrongLogin(), headers: ["X-Forwarded-For: 203.0.113.7"])
                #expect(code1 == 401)
            }
            let code2 = try await Self.status(port, "POST", "/v1/auth/login", body: Self.wrongLogin(), headers: ["X-Forwarded-For: 203.0.113.7"])
            #expect(code2 == 429)
            // Another client behind the same proxy is not locked out; a spoofed hop before the client's own is not believed.
            let code3 = try await Self.status(port, "POST", "/v1/auth/login", body: Self.wrongLogin(), headers: ["X-Forwarded-For: 198.51.100.9"])
            #expect(code3 == 401)
            let code4 = try await Self.status(
                port,
                "POST",
                "/v1/auth/login",
                body: Self.wrongLogin(),
                headers: ["X-Forwarded-For: 198.51.100.1, 203.0.113.7"]
            )
            #expect(code4 == 429)
            let code5 = try await Self.status(port, "POST", "/v1/auth/login", body: Self.wrongLogin(), headers: [#"Forwarded: for="[2001:db8::1]""#])
            #expect(code5 == 401)
        }
        try await ConnectionTests().withLiveSluice({ $0.loginThrottle.failuresPerIP = 3 }) { port in
            for hop in ["192.0.2.1", "192.0.2.2", "192.0.2.3"] {
                let code6 = try await Self.status(port, "POST", "/v1/auth/login", body: Self.wrongLogin(), headers: ["X-Forwarded-For: \(hop)"])
                #expect(code6 == 401)
            }
            let code7 = try await Self.status(port, "POST", "/v1/auth/login", body: Self.wrongLogin(), headers: ["X-Forwarded-For: 192.0.2.4"])
            #expect(code7 == 429)
        }
    }

    @Test("signups are limited per client address")
    func signups() async throws {
        try await ConnectionTests().withLiveSluice({ $0.signupsPerAddress = 2 }) { port in
            func signup() async throws -> Int {
                let body = #"{"email":"new-\#(UUID().uuidString.prefix(8))@example.test","password":"correct horse battery","tenantName":"t"}"#
                return try await Self.status(port, "POST", "/v1/auth/signup", body: body)
            }
            var codes: [Int] = []
            for _ in 0..<3 { codes.append(try await signup()) }
            #expect(codes == [201, 201, 429])
        }
    }
}
