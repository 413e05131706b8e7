import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import SluiceAPI
import SluiceCore
import SluiceJSON
import SluiceOutbound

/// Posts one event to a subscription's endpoint, signed per the Standard Webhooks
/// specification (`webhook-id`, `webhook-timestamp`, `webhook-signature`). A 2xx within the
/// timeout is success; any other status, a timeout or a connection error is a failure.
/// Redirects are not followed (a 3xx is a failure).
struct WebhookSender: Sendable {
    let http: OutboundHTTPClient

    /// Bytes of a response body kept with a failed attempt.
    static let excerptBytes = 1024

    /// The request body: the event as the API shows it (`Event`), members in name order. The
    /// stored JSON texts (payload, attributes, schema errors) are written as PostgreSQL gave
    /// them, never decoded and encoded again.
    static func body(_ event: StoredEvent, stream: String) -> [UInt8] {
        func text(_ value: String) -> String { JSONValue.string(value).jsonText }
        var members: [(String, String)] = []
        if let attributes = event.attributes { members.append(("attributes", attributes)) }
        members.append(("data", event.payload))
        members.append(("id", text(event.id.lowercased)))
        if let key = event.key { members.append(("key", text(key))) }
        members.append(("occurredAt", text(RFC3339.format(event.occurredAt))))
        members.append(("offset", String(event.offset)))
        members.append(("partition", String(event.partition)))
        members.append(("receivedAt", text(RFC3339.format(event.receivedAt))))
        if let errors = event.schemaErrors { members.append(("schemaErrors", errors)) }
        if let version = event.schemaVersion { members.append(("schemaVersion", String(version))) }
        members.append(("source", text(event.source)))
        members.append(("stream", text(stream)))
        members.append(("type", text(event.type)))
        return Array(("{" + members.map { "\"\($0.0)\":\($0.1)" }.joined(separator: ",") + "}").utf8)
    }

    func send(
        to url: String,
        messageID: String,
        body: [UInt8],
        secrets: [WebhookSecret],
        timeoutMilliseconds: Int,
        series: Int,
        attempt: Int
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
            let (status, excerpt) = try await http.execute(request, timeout: .milliseconds(Int64(timeoutMilliseconds))) { response in
                var excerpt: [UInt8] = []
                // Read what fits the excerpt; a 2xx body is not kept, but is read so the connection can be reused.
                for try await chunk in response.body {
                    if excerpt.count < Self.excerptBytes { excerpt += chunk.readableBytesView.prefix(Self.excerptBytes - excerpt.count) }
                    if excerpt.count >= Self.excerptBytes, !(200..<300).contains(response.status.code) { break }
                }
                return (Int(response.status.code), excerpt)
            }
            result.status = status
            if !(200..<300).contains(status) {
                result.response = String(decoding: excerpt, as: UTF8.self)
                result.error = "HTTP \(status)"
            }
        } catch let refused as OutboundHTTPClient.Refused {
            result.error = "not sent: \(refused.reason)"
        } catch let error as HTTPClientError where error == .deadlineExceeded || error == .readTimeout || error == .connectTimeout {
            result.error = "timed out after \(timeoutMilliseconds) ms"
        } catch {
            result.error = "could not deliver: \(String(describing: error).prefix(300))"
        }
        result.durationMs = Int((ContinuousClock.now - started) / .milliseconds(1))
        return result
    }
}
