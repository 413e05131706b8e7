import AsyncHTTPClient
import Foundation
import HTTPTypes
import NIOCore
import Testing

@testable import SluiceOutbound
@testable import SluiceServer

/// Requests made on a tenant's behalf (webhooks, pull sources) never reach the operator's
/// network, whatever the spelling of the address and whatever a name resolves to.
@Suite("Outbound requests: no way into the operator's network")
struct OutboundGuardTests {
    /// Hosts that all mean a denied address, in the spellings resolvers accept.
    static let deniedHosts = [
        "127.0.0.1", "2130706433", "0x7f000001", "0177.0.0.1", "127.1", "0", "0.0.0.0", "[0:0:0:0:0:ffff:127.0.0.1]", "[::127.0.0.1]",
        "[::ffff:7f00:1]", "[::1]", "[::]", "localhost", "localhost.", "LOCALHOST", "a.localhost", "2852039166", "169.254.169.254",
        "167772161", "0xc0a80101", "192.168.1.1", "10.0.0.1", "172.16.0.1", "100.64.0.1", "[fe80::1]", "[fd00::1]",
        "[64:ff9b::7f00:1]", "[64:ff9b::a9fe:a9fe]", "[2002:7f00:1::]", "[ff02::1]", "224.0.0.1", "255.255.255.255",
    ]

    @Test("every spelling of a denied address is denied; public addresses are not")
    func spellings() {
        for host in Self.deniedHosts {
            #expect(OutboundAddress.isDeniedLiteral(host: host), "\(host)")
        }
        for host in ["8.8.8.8", "0x08080808", "134744072", "[2606:4700:4700::1111]", "example.com", "93.184.216.34", "[::ffff:8.8.8.8]"] {
            #expect(!OutboundAddress.isDeniedLiteral(host: host), "\(host)")
        }
        #expect(OutboundAddress.literal("2130706433") == .v4(0x7F00_0001))
        #expect(OutboundAddress.literal("0177.0.0.1") == .v4(0x7F00_0001))
        #expect(OutboundAddress.literal("127.1") == .v4(0x7F00_0001))
        #expect(OutboundAddress.literal("1.2.65535") == .v4(0x0102_FFFF))
        #expect(OutboundAddress.literal("1.2.65536") == nil)
        #expect(OutboundAddress.literal("256.1.1.1") == nil)
        #expect(OutboundAddress.literal("09.1.1.1") == nil, "9 is no octal digit")
    }

    /// A name of the test's own that resolves to loopback (a line in the hosts file).
    static let loopbackName = "sluice-ssrf-loopback.test"

    static func ensureHostsEntry() throws {
        let hosts = (try? String(contentsOfFile: "/etc/hosts", encoding: .utf8)) ?? ""
        guard !hosts.contains(loopbackName) else { return }
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: "/etc/hosts"))
        defer { try? handle.close() }
        try handle.seekToEnd()
        try handle.write(contentsOf: Data("\n127.0.0.1 \(loopbackName)\n".utf8))
    }

    @Test("the client refuses to connect to a denied address in any spelling, or by a name resolving to one; nothing arrives")
    func nothingArrives() async throws {
        try Self.ensureHostsEntry()
        #expect(OutboundHTTPClient.resolve(Self.loopbackName).contains(.v4(0x7F00_0001)), "the hosts entry resolves")
        let receiver = try WebhookReceiver()
        let guarded = OutboundHTTPClient(allowPrivateNetworks: false)
        let open = OutboundHTTPClient(allowPrivateNetworks: true)
        defer {
            Task {
                try? await guarded.shutdown()
                try? await open.shutdown()
            }
        }
        func post(_ client: OutboundHTTPClient, _ host: String) async throws -> Int {
            var request = HTTPClientRequest(url: "http://\(host):\(receiver.port)/hook")
            request.method = .POST
            request.headers.add(name: "webhook-id", value: "probe")
            request.body = .bytes(ByteBuffer(string: #"{"id":"probe","partition":0,"offset":0,"type":"probe"}"#))
            return try await client.execute(request, timeout: .seconds(5)) { Int($0.status.code) }
        }
        // The control: allowed, the same request arrives, so silence below means refusal.
        _ = try await post(open, Self.loopbackName)
        #expect(try await receiver.received().count == 1)

        for host in Self.deniedHosts + [Self.loopbackName, Self.loopbackName.uppercased(), Self.loopbackName + "."] {
            await #expect(throws: OutboundHTTPClient.Refused.self, "\(host)") { _ = try await post(guarded, host) }
        }
        let unknown = await #expect(throws: OutboundHTTPClient.Refused.self) { _ = try await post(guarded, "no-such-host.invalid") }
        let denied = await #expect(throws: OutboundHTTPClient.Refused.self) { _ = try await post(guarded, Self.loopbackName) }
        #expect(unknown?.reason == denied?.reason, "an internal name and a missing one are told apart by nothing")
        #expect(try await receiver.received().count == 1, "no request arrived through the guard")
    }

    @Test("webhook and pull source URLs in any denied spelling are refused when saved (400 at /url)")
    func refusedWhenSaved() async throws {
        try await withSluice { sluice in
            let owner = try await sluice.signup("ssrf")
            let auth = bearer(owner.token)
            #expect(try await sluice.send(.post, "/v1/streams", body: #"{"name":"s"}"#, headers: auth).status == .created)
            for host in Self.deniedHosts {
                let hook = try await sluice.send(
                    .post,
                    "/v1/streams/s/subscriptions",
                    body: #"{"name":"h","url":"http://\#(host):8080/x"}"#,
                    headers: auth
                )
                #expect(hook.status == .badRequest, "webhook \(host)")
                let source = try await sluice.send(
                    .post,
                    "/v1/streams/s/sources",
                    body: #"{"name":"p","url":"http://\#(host)/{entity}","mapping":{"platform":"instagram","kind":"account","metrics":{"f":"/f"}}}"#,
                    headers: auth
                )
                #expect(source.status == .badRequest, "pull source \(host)")
            }
        }
    }
}
