import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import SluiceCore
import SluiceDatabase
import SluiceOutbound
import Synchronization

/// Sends a pull source's request for one entity and reads its answer: the source's headers
/// and its sealed secret headers (opened once per version of the source), `GET` through the
/// guarded outbound client, at most `PullSource.maxResponseBytes` of body. An answer that did
/// not come (refused address, timeout, no connection, too large) is an answer without a status
/// and with the reason; only opening the secret headers throws.
final class PullFetcher: Sendable {
    struct Answer: Sendable {
        var status: Int?
        var retryAfter: String?
        var body: [UInt8] = []
        var error: String?
        var timedOut = false
    }

    private let client: Database
    private let logger: Logger
    private let http: OutboundHTTPClient
    private let box: SecretBox
    /// Opened secret headers by source, for as long as the source is unchanged.
    private let secretCache = Mutex<[UUID: (updatedAt: Date, headers: [String: String])]>([:])

    init(client: Database, logger: Logger, http: OutboundHTTPClient, box: SecretBox) {
        self.client = client
        self.logger = logger
        self.http = http
        self.box = box
    }

    private var sources: PullSourceRepository { .init(logger: logger) }

    /// The answer, or why there is none. Redirects are not followed; a body over 1 MiB is an error.
    func fetch(_ source: PullSource, entity: String) async throws -> Answer {
        var request = HTTPClientRequest(url: source.url(for: entity))
        request.method = .GET
        request.headers.add(name: "user-agent", value: "Sluice-Pull/1")
        if !source.headers.keys.contains(where: { $0.lowercased() == "accept" }) { request.headers.add(name: "accept", value: "application/json") }
        for (name, value) in source.headers { request.headers.add(name: name, value: value) }
        for (name, value) in try await secretHeaders(source) { request.headers.replaceOrAdd(name: name, value: value) }
        var answer = Answer()
        let timeout = TimeAmount.milliseconds(Int64(source.timeoutMilliseconds))
        do {
            let (status, retryAfter, body, tooLarge) = try await http.execute(request, timeout: timeout) { response in
                var body: [UInt8] = []
                for try await chunk in response.body {
                    body += chunk.readableBytesView
                    if body.count > PullSource.maxResponseBytes { return (Int(response.status.code), String?.none, body, true) }
                }
                return (Int(response.status.code), response.headers.first(name: "retry-after"), body, false)
            }
            answer.status = tooLarge ? nil : status
            answer.retryAfter = retryAfter
            answer.body = body
            if tooLarge { answer.error = "The answer is larger than \(PullSource.maxResponseBytes >> 20) MiB." }
        } catch let refused as OutboundHTTPClient.Refused {
            answer.status = nil
            answer.error = "not sent: \(refused.reason)"
        } catch let error as HTTPClientError where error == .deadlineExceeded || error == .readTimeout || error == .connectTimeout {
            answer.status = nil
            answer.timedOut = true
            answer.error = "timed out after \(source.timeoutMilliseconds) ms"
        } catch {
            answer.status = nil
            answer.error = "could not connect: \(String(describing: error).prefix(300))"
        }
        return answer
    }

    private func secretHeaders(_ source: PullSource) async throws -> [String: String] {
        guard !source.secretHeaderNames.isEmpty else { return [:] }
        if let cached = secretCache.withLock({ $0[source.id] }), cached.updatedAt == source.updatedAt { return cached.headers }
        guard
            let sealed = try await client.withConnection({ [self] connection in
                try await sources.secretHeaders(tenantID: source.tenantID, id: source.id, on: connection)
            })
        else { return [:] }
        let headers = PullSourceRepository.strings(String(decoding: try box.open(sealed), as: UTF8.self))
        secretCache.withLock { $0[source.id] = (source.updatedAt, headers) }
        return headers
    }
}
