import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import SluiceAPI

/// Posts one event to a subscription's endpoint, signed per the Standard Webhooks
/// specification (`webhook-id`, `webhook-timestamp`, `webhook-signature`). A 2xx within the
/// timeout is success; any other status, a timeout or a connection error is a failure.
/// Redirects are not followed (a 3xx is a failure).
struct WebhookSender: Sendable {
    let http: HTTPClient

    /// Bytes of a response body kept with a failed attempt.
    static let excerptBytes = 1024

    static func makeClient() -> HTTPClient {
        var configuration = HTTPClient.Configuration(
            redirectConfiguration: .disallow, timeout: .init(connect: .seconds(10)), decompression: .disabled
        )
        configuration.connectionPool = .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: 16)
        configuration.httpVersion = .automatic
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    /// The request body: the event as the API shows it.
    static func body(_ event: StoredEvent, stream: String) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true)))
        }
        return Array(try encoder.encode(Components.Schemas.Event(event, stream: stream)))
    }

    func send(
        to url: String, messageID: String, body: [UInt8], secrets: [WebhookSecret], timeoutMilliseconds: Int, series: Int, attempt: Int
    ) async -> DeliveryAttempt {
        let started = ContinuousClock.now
        let at = Date()
        var result = DeliveryAttempt(series: series, attempt: attempt, at: at, durationMs: 0)
        do {
            let timestamp = Int(at.timeIntervalSince1970)
            var request = HTTPClientRequest(url: url)
            request.method = .POST
            request.headers.add(name: "content-type", value: "application/json")
            request.headers.add(name: "user-agent", value: "Sluice-Webhooks/1")
            request.headers.add(name: "webhook-id", value: messageID)
            request.headers.add(name: "webhook-timestamp", value: String(timestamp))
            request.headers.add(
                name: "webhook-signature",
                value: secrets.map { $0.signature(id: messageID, timestamp: timestamp, body: body) }.joined(separator: " ")
            )
            request.body = .bytes(ByteBuffer(bytes: body))
            let response = try await http.execute(request, timeout: .milliseconds(Int64(timeoutMilliseconds)))
            result.status = Int(response.status.code)
            var excerpt: [UInt8] = []
            // Read what fits the excerpt; a 2xx body is not kept, but is read so the connection can be reused.
            for try await chunk in response.body {
                if excerpt.count < Self.excerptBytes { excerpt += chunk.readableBytesView.prefix(Self.excerptBytes - excerpt.count) }
                if excerpt.count >= Self.excerptBytes, !(200..<300).contains(response.status.code) { break }
            }
            if !(200..<300).contains(response.status.code) {
                result.response = String(decoding: excerpt, as: UTF8.self)
                result.error = "HTTP \(response.status.code)"
            }
        } catch let error as HTTPClientError where error == .deadlineExceeded || error == .readTimeout || error == .connectTimeout {
            result.error = "timed out after \(timeoutMilliseconds) ms"
        } catch {
            result.error = "could not deliver: \(String(describing: error).prefix(300))"
        }
        result.durationMs = Int((ContinuousClock.now - started) / .milliseconds(1))
        return result
    }
}

/// Webhook endpoints must be http(s) URLs without credentials; unless private networks are
/// allowed, not loopback, private, link-local or unspecified addresses by literal or as
/// `localhost` (a guard against requests into the operator's network).
enum WebhookURL {
    static func check(_ text: String, allowPrivateNetworks: Bool) throws -> String {
        guard text.utf8.count <= 2000, let components = URLComponents(string: text),
              let scheme = components.scheme?.lowercased(), scheme == "http" || scheme == "https",
              let host = components.host, !host.isEmpty
        else { throw SluiceError.badRequest("The endpoint must be an http or https URL of at most 2,000 characters.", pointer: "/url") }
        guard components.user == nil, components.password == nil else {
            throw SluiceError.badRequest("The endpoint URL must not carry credentials; verify the signature instead.", pointer: "/url")
        }
        if !allowPrivateNetworks, isPrivate(host: host.lowercased()) {
            throw SluiceError.badRequest(
                "The endpoint '\(host)' is a loopback, private or link-local address; this server does not post there.", pointer: "/url"
            )
        }
        return text
    }

    static func isPrivate(host: String) -> Bool {
        let host = host.trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        if host == "localhost" || host.hasSuffix(".localhost") { return true }
        let octets = host.split(separator: ".", omittingEmptySubsequences: false).compactMap { UInt8($0) }
        if octets.count == 4 {
            switch (octets[0], octets[1]) {
            case (0, _), (10, _), (127, _), (169, 254), (192, 168): return true
            case (172, 16...31), (100, 64...127): return true
            default: return false
            }
        }
        if host.contains(":") {
            return host == "::" || host == "::1" || host.hasPrefix("fc") || host.hasPrefix("fd") || host.hasPrefix("fe80")
                || host.hasPrefix("::ffff:")
        }
        return false
    }
}
