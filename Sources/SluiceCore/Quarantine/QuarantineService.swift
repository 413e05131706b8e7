import Foundation
import Logging
import PostgresNIO
import SluiceDatabase
import SluiceJSON

/// Listing, replaying and discarding the events a stream's schemas refused. Replays and
/// discards are audited.
package struct QuarantineService: Sendable {
    let client: Database
    let logger: Logger
    let audit: AuditLog
    let streams: StreamService
    let store: QuarantineStore
    let ingest: IngestService

    package init(client: Database, logger: Logger, audit: AuditLog, streams: StreamService, store: QuarantineStore, ingest: IngestService) {
        self.client = client
        self.logger = logger
        self.audit = audit
        self.streams = streams
        self.store = store
        self.ingest = ingest
    }

    package func list(
        identity: Identity,
        streamName: String,
        status: QuarantinedEvent.Status,
        cursor: String?,
        limit: Int
    ) async throws
        -> (entries: [QuarantinedEvent], next: String?)
    {
        try identity.require(.eventsRead)
        let stream = try await streams.get(identity: identity, name: streamName)
        guard (1...500).contains(limit) else { throw SluiceError.badRequest("limit is 1 to 500.", pointer: "/limit") }
        let after = try cursor.map(BrowseCursor.parse)
        let entries = try await store.list(stream: stream, status: status, before: after, limit: limit)
        let next = entries.count == limit ? entries.last.map { BrowseCursor.make($0.receivedAt, $0.id) } : nil
        return (entries, next)
    }

    /// Validates the event again against the stream's current schema and stores it if it now
    /// passes; it keeps its id, so replaying twice stores it once.
    package func replay(identity: Identity, streamName: String, id: UUID, origin: RequestOrigin) async throws -> IngestOutcome {
        try identity.require(.streamsManage)
        let stream = try await streams.get(identity: identity, name: streamName)
        guard let entry = try await store.find(stream: stream, id: id) else { throw SluiceError.notFound("Quarantined event \(id.lowercased)") }
        guard entry.status == .held else { throw SluiceError.conflict("The event was already \(entry.status.rawValue).") }
        guard let event = IncomingEvent(envelope: try JSONParser.parse(entry.envelope)) else { throw SluiceError.internalError }
        let outcome = await ingest.ingest([.success(event)], into: stream, holdRejected: false)[0]
        switch outcome.status {
        case .rejected(let reason, let errors, _):
            throw SluiceError(
                kind: .eventRejected,
                status: .unprocessableContent,
                title: "Event rejected",
                detail: "\(reason) It stays in quarantine.",
                fieldErrors: errors
            )
        case .failed(let reason):
            throw SluiceError.unavailable(reason)
        case .stored, .duplicate:
            try await resolve(identity: identity, stream: stream, entry: entry, as: .replayed, origin: origin)
            return outcome
        }
    }

    package func discard(identity: Identity, streamName: String, id: UUID, origin: RequestOrigin) async throws {
        try identity.require(.streamsManage)
        let stream = try await streams.get(identity: identity, name: streamName)
        guard let entry = try await store.find(stream: stream, id: id) else { throw SluiceError.notFound("Quarantined event \(id.lowercased)") }
        try await resolve(identity: identity, stream: stream, entry: entry, as: .discarded, origin: origin)
    }

    private func resolve(
        identity: Identity,
        stream: Stream,
        entry: QuarantinedEvent,
        as status: QuarantinedEvent.Status,
        origin: RequestOrigin
    ) async throws {
        try await client.transaction(logger: logger) { connection in
            guard try await store.resolve(stream: stream, id: entry.id, as: status, by: identity.auditActor.id ?? "sluice", on: connection) else {
                throw SluiceError.conflict("The event is no longer held in quarantine.")
            }
            try await audit.append(
                AuditRecord(
                    tenantID: identity.tenantID,
                    actor: identity.auditActor,
                    action: "quarantine.\(status.rawValue)",
                    targetType: "event",
                    targetID: entry.eventID.lowercased,
                    details: ["stream": stream.name, "eventType": entry.eventType, "quarantineId": entry.id.lowercased],
                    origin: origin
                ),
                on: connection
            )
        }
    }
}
