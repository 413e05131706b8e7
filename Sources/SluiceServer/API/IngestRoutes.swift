import CompressNIO
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import SluiceAPI
import SluiceCore
import SluiceJSON
import SluicePlatforms
import SluiceSupport

/// The ingest endpoints, routed by hand (DESIGN.md decision 4): they read the raw body (gzip,
/// strict UTF-8 and JSON, nesting limit, JSON pointers to what is wrong; the Instagram
/// signature covers the raw bytes) and are the hot path. The tests (`IngestTests`,
/// `PlatformTests`) call them through the generated client, which holds them to the OpenAPI
/// document, where they are `ingestEvent`, `ingestBatch`, `ingestPlatform` and
/// `receiveInstagramWebhook`.
struct IngestRoutes: Sendable {
    let service: IngestService
    let webhooks: PlatformWebhooks
    let limits: RateLimits
    let maxBodyBytes: Int
    /// The contract: what no parameter may hold (U+0000) is refused here as everywhere; the
    /// rest, and the bodies, these routes check themselves (a fast parser of their own).
    let contract: Contract

    /// The hand-routed operations (all `POST`), by their paths in the document.
    enum Route: String, CaseIterable {
        case single = "/v1/streams/{stream}/events"
        case batch = "/v1/streams/{stream}/events/batch"
        case platform = "/v1/streams/{stream}/platforms/{platform}"
        case instagramWebhook = "/v1/webhooks/instagram/{webhookId}"

        var operation: String { "POST \(rawValue)" }
        /// The router's spelling: `:name` for `{name}`.
        var routerPath: String {
            rawValue.split(separator: "/", omittingEmptySubsequences: false)
                .map { $0.hasPrefix("{") && $0.hasSuffix("}") ? ":" + $0.dropFirst().dropLast() : $0 }
                .joined(separator: "/")
        }
    }

    /// What the generated handlers leave to these routes.
    static let operations = Set(Route.allCases.map(\.operation))

    func register(on router: Router<SluiceRequestContext>) {
        for route in Route.allCases {
            router.post(RouterPath(route.routerPath)) { request, context in
                try checkParameters(route.operation, request, context)
                switch route {
                case .single: return try await spendingRequest(context) { try await single(request, context: context, ticket: $0) }
                case .batch: return try await spendingRequest(context) { try await batch(request, context: context, ticket: $0) }
                case .platform: return try await spendingRequest(context) { try await platform(request, context: context, ticket: $0) }
                case .instagramWebhook: return try await instagramWebhook(request, context: context)
                }
            }
        }
    }

    /// The operation's parameters: U+0000 and bad encoding refused, naming the parameter.
    private func checkParameters(_ operation: String, _ request: Request, _ context: SluiceRequestContext) throws {
        guard let contractOperation = contract.operations[operation] else { return }
        let parameters = [String: Substring](context.parameters.map { (String($0.0), $0.1) }) { first, _ in first }
        try contract.check(parameters: contractOperation, request: request.head, metadata: .init(pathParameters: parameters), schemas: false)
    }

    /// Runs an ingest handler (these routes are not behind `RateLimitMiddleware`): counts the
    /// request in the caller's usage; the handler spends it with its events (`admit`), or, if
    /// it failed before, it is spent afterwards, so that failing calls count against the limit.
    private func spendingRequest(_ context: SluiceRequestContext, _ handler: (RequestTicket) async throws -> Response) async throws -> Response {
        if let identity = context.identity { limits.recordRequest(identity) }
        let ticket = RequestTicket()
        do {
            return try await handler(ticket)
        } catch {
            if !ticket.spent, let identity = context.identity { _ = try? await limits.spendRequest(identity) }
            throw error
        }
    }

    /// A platform's native payload, normalized (`Platforms/`), stored like a batch.
    func platform(_ request: Request, context: SluiceRequestContext, ticket: RequestTicket) async throws -> Response {
        let identity = try context.requireIdentity()
        let stream = try await service.writableStream(identity: identity, name: context.parameters.require("stream"))
        guard let platform = SocialEvent.Platform(rawValue: try context.parameters.require("platform")) else {
            throw SluiceError.notFound("Platform '\((context.parameters.get("platform") ?? "").prefix(40))'")
        }
        guard Self.mediaType(request) == "application/json" else { throw Self.unsupportedMediaType("Send the payload as application/json.") }
        let value = try await Self.parse(request, maxBodyBytes: maxBodyBytes)
        let events = try Self.normalize(value, platform: platform, receivedAt: Date())
        let admission = try await limits.admit(events.count, tenantID: identity.tenantID, identity: identity, ticket: ticket)
        return try await store(events, in: stream, admission: admission)
    }

    /// An Instagram notification: authenticated by its signature over the raw body.
    func instagramWebhook(_ request: Request, context: SluiceRequestContext) async throws -> Response {
        guard let id = UUID(uuidString: try context.parameters.require("webhookId")),
            let subscription = try await webhooks.subscription(id: id)
        else { throw SluiceError.notFound("The webhook") }
        var request = request
        let raw = try await request.collectBody(upTo: maxBodyBytes)
        guard
            InstagramNormalizer.signatureIsValid(
                request.headers[HTTPField.Name("X-Hub-Signature-256")!],
                body: Array(buffer: raw),
                appSecret: subscription.appSecret
            )
        else {
            throw SluiceError(
                kind: .badSignature,
                status: .unauthorized,
                title: "Unauthorized",
                detail: "X-Hub-Signature-256 is missing or does not match the body."
            )
        }
        guard let stream = try await service.catalog.stream(tenantID: subscription.tenantID, id: subscription.streamID) else {
            throw SluiceError.notFound("The webhook's stream")
        }
        let value = try await Self.parse(request, maxBodyBytes: maxBodyBytes)
        let events = try Self.normalize(value, platform: .instagram, receivedAt: Date())
        let admission = try await limits.admit(events.count, tenantID: subscription.tenantID, identity: nil)
        return try await store(events, in: stream, admission: admission)
    }

    static func normalize(_ value: JSONValue, platform: SocialEvent.Platform, receivedAt: Date) throws -> [Result<IncomingEvent, EnvelopeError>] {
        let normalized: [Result<SocialEvent, EnvelopeError>]
        do {
            switch platform {
            case .twitter: normalized = try TwitterNormalizer.normalize(value, receivedAt: receivedAt)
            case .youtube: normalized = try YouTubeNormalizer.normalize(value, receivedAt: receivedAt)
            case .instagram: normalized = try InstagramNormalizer.normalize(value, receivedAt: receivedAt)
            }
        } catch {
            throw SluiceError(
                kind: .badPlatformPayload,
                status: .badRequest,
                title: "Not a \(platform.rawValue) payload",
                detail: error.errors.first?.detail,
                fieldErrors: error.errors
            )
        }
        guard !normalized.isEmpty else { throw SluiceError.badRequest("The payload holds no items.") }
        guard normalized.count <= InputBounds.batchEvents.max else {
            throw SluiceError.badRequest("A payload holds at most \(InputBounds.batchEvents.max) items; this one has \(normalized.count).")
        }
        return normalized.enumerated().map { index, result in
            result.map { $0.incoming(index: index, pointer: "") }
        }
    }

    /// Stores admitted events; the reply is one result per event.
    func store(
        _ events: [Result<IncomingEvent, EnvelopeError>],
        in stream: SluiceCore.Stream,
        admission: RateLimits.Admission
    ) async throws -> Response {
        let outcomes = await service.ingest(events, into: stream, charge: admission.charge)
        let result = IngestReply(batch: outcomes)
        await limits.settle(admission, stored: result.stored)
        if result.failed > 0 && result.stored == 0 && result.duplicates == 0 {
            throw SluiceError.unavailable(outcomes.compactMap { if case .failed(let reason) = $0.status { reason } else { nil } }.first ?? "")
        }
        return Self.json(result.body, status: .ok, limit: admission.decision)
    }

    func single(_ request: Request, context: SluiceRequestContext, ticket: RequestTicket) async throws -> Response {
        let identity = try context.requireIdentity()
        let stream = try await service.writableStream(identity: identity, name: context.parameters.require("stream"))
        let format: Format
        switch Self.mediaType(request) {
        case "application/json": format = .sluice
        case "application/cloudevents+json": format = .cloudEvents
        default:
            throw Self.unsupportedMediaType("Send one event as application/json or application/cloudevents+json (batches go to /events/batch).")
        }
        let value = try await Self.parse(request, maxBodyBytes: maxBodyBytes)
        let receivedAt = Date()
        let decoded = format.decode(value, index: 0, pointer: "", receivedAt: receivedAt)
        let admission = try await limits.admit(1, tenantID: identity.tenantID, identity: identity, ticket: ticket)
        let outcome = await service.ingest([decoded], into: stream, charge: admission.charge)[0]
        let stored = if case .stored = outcome.status { 1 } else { 0 }
        await limits.settle(admission, stored: stored)
        switch outcome.status {
        case .stored: return Self.json(IngestReply.single(outcome), status: .created, limit: admission.decision)
        case .duplicate: return Self.json(IngestReply.single(outcome), status: .ok, limit: admission.decision)
        case .rejected(let reason, let errors, let quarantineID):
            var error = SluiceError(
                kind: .eventRejected,
                status: .unprocessableContent,
                title: "Event rejected",
                detail: reason,
                fieldErrors: errors
            )
            if let quarantineID {
                error.detail = "\(reason) It was kept in quarantine as \(quarantineID.lowercased)."
                error.quarantineID = quarantineID.lowercased
            }
            throw error
        case .failed(let reason):
            throw SluiceError.unavailable(reason)
        }
    }

    func batch(_ request: Request, context: SluiceRequestContext, ticket: RequestTicket) async throws -> Response {
        let identity = try context.requireIdentity()
        let stream = try await service.writableStream(identity: identity, name: context.parameters.require("stream"))
        let format: Format
        switch Self.mediaType(request) {
        case "application/json": format = .sluice
        case "application/cloudevents-batch+json": format = .cloudEvents
        default: throw Self.unsupportedMediaType("Send a batch as application/json or application/cloudevents-batch+json.")
        }
        let value = try await Self.parse(request, maxBodyBytes: maxBodyBytes)
        let items: [JSONValue]
        let prefix: String
        if format == .sluice {
            guard case .object(let members) = value, case .array(let events)? = members["events"] else {
                throw SluiceError.badRequest("A batch is an object with an 'events' array.", pointer: "/events")
            }
            if let extra = members.keys.first(where: { $0 != "events" }) {
                throw SluiceError.badRequest("Unknown member '\(extra.prefix(50))'.", pointer: "/\(JSONPointer.escape(extra))")
            }
            items = events
            prefix = "/events"
        } else {
            guard case .array(let events) = value else { throw SluiceError.badRequest("A CloudEvents batch is a JSON array.", pointer: "") }
            items = events
            prefix = ""
        }
        guard !items.isEmpty else { throw SluiceError.badRequest("The batch is empty.", pointer: prefix) }
        guard items.count <= InputBounds.batchEvents.max else {
            throw SluiceError.badRequest(
                "A batch holds at most \(InputBounds.batchEvents.max) events; this one has \(items.count). Nothing was stored.",
                pointer: prefix
            )
        }
        let admission = try await limits.admit(items.count, tenantID: identity.tenantID, identity: identity, ticket: ticket)
        let receivedAt = Date()
        let decoded = items.enumerated().map { index, item in
            format.decode(item, index: index, pointer: "\(prefix)/\(index)", receivedAt: receivedAt)
        }
        let result = IngestReply(batch: await service.ingest(decoded, into: stream, charge: admission.charge))
        await limits.settle(admission, stored: result.stored)
        return Self.json(result.body, status: .ok, limit: admission.decision)
    }

    /// The envelope a request's media type announces.
    private enum Format {
        case sluice, cloudEvents

        func decode(_ value: JSONValue, index: Int, pointer: String, receivedAt: Date) -> Result<IncomingEvent, EnvelopeError> {
            Result { () throws(EnvelopeError) -> IncomingEvent in
                switch self {
                case .sluice: try SluiceEnvelope.decode(value, index: index, pointer: pointer, receivedAt: receivedAt)
                case .cloudEvents: try CloudEventsEnvelope.decode(value, index: index, pointer: pointer, receivedAt: receivedAt)
                }
            }
        }
    }

    static func mediaType(_ request: Request) -> String {
        let value = request.headers[.contentType] ?? ""
        return value.split(separator: ";", maxSplits: 1).first.map { $0.trimmingSpaces.lowercased() } ?? ""
    }

    static func unsupportedMediaType(_ detail: String) -> SluiceError {
        SluiceError(kind: .unsupportedMediaType, status: .unsupportedMediaType, title: "Unsupported media type", detail: detail)
    }

    /// The body, inflated when gzip-compressed, parsed strictly.
    static func parse(_ request: Request, maxBodyBytes: Int) async throws -> JSONValue {
        var buffer = try await request.body.collect(upTo: maxBodyBytes)
        switch request.headers[.contentEncoding]?.lowercased() {
        case nil, "identity":
            break
        case "gzip", "x-gzip":
            do {
                buffer = try buffer.decompress(with: .gzip, maxSize: InputBounds.ingestBodyBytes)
            } catch let error as CompressNIOError where error == .bufferOverflow {
                throw SluiceError(
                    kind: .payloadTooLarge,
                    status: .contentTooLarge,
                    title: "Payload too large",
                    detail: "The body inflates to more than \(InputBounds.ingestBodyBytes) bytes."
                )
            } catch {
                throw SluiceError.badRequest("The body is not valid gzip data.")
            }
        default:
            throw unsupportedMediaType("Content-Encoding may be gzip or identity.")
        }
        guard buffer.readableBytes <= InputBounds.ingestBodyBytes else {
            throw SluiceError(
                kind: .payloadTooLarge,
                status: .contentTooLarge,
                title: "Payload too large",
                detail: "An ingest body holds at most \(InputBounds.ingestBodyBytes) bytes."
            )
        }
        do {
            return try buffer.withUnsafeReadableBytes { bytes throws(JSONParser.Error) in
                try JSONParser.parse(bytes, limits: .init(maxDepth: InputBounds.dataDepth + 4))
            }
        } catch {
            throw SluiceError(kind: .malformedJson, status: .badRequest, title: "Malformed JSON", detail: error.description)
        }
    }

    static func json(_ body: [UInt8], status: HTTPResponse.Status, limit: RateLimitDecision? = nil) -> Response {
        var headers: HTTPFields = [.contentType: "application/json"]
        if let limit { RateLimits.addHeaders(limit, to: &headers) }
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }
}

extension Components.Schemas.IngestResult {
    init(_ outcome: IngestOutcome) {
        self.init(index: outcome.index, id: outcome.id?.lowercased, status: .stored)
        schemaVersion = outcome.schemaVersion
        if !outcome.warnings.isEmpty { warnings = outcome.warnings.map { .init(pointer: $0.pointer, detail: $0.detail) } }
        switch outcome.status {
        case .stored(let partition, let offset):
            self.partition = partition
            self.offset = offset
        case .duplicate:
            status = .duplicate
        case .rejected(let reason, let errors, let quarantineID):
            status = .rejected
            self.reason = reason
            self.errors = errors.map { .init(pointer: $0.pointer, detail: $0.detail) }
            self.quarantineId = quarantineID?.lowercased
        case .failed(let reason):
            status = .failed
            self.reason = reason
        }
    }
}
