import Foundation
import Logging
import PostgresNIO
import SluiceAPI
import SluiceDatabase
import SluiceJSON

/// An event refused by its schema in enforce mode, kept with why.
package struct QuarantinedEvent: Sendable {
    package enum Status: String, Sendable { case held, replayed, discarded }
    package var id: UUID
    package var eventID: UUID
    package var eventType: String
    package var receivedAt: Date
    package var status: Status
    package var resolvedAt: Date?
    /// JSON texts.
    package var errors: String
    package var envelope: String
}

extension IncomingEvent {
    /// The event as a Sluice envelope, for the quarantine; `init(envelope:)` reads it back.
    var envelope: JSONValue {
        var members: [String: JSONValue] = [
            "id": .string(id.lowercased), "type": .string(type), "source": .string(source),
            "occurredAt": .string(RFC3339.format(occurredAt)), "data": data,
        ]
        if let key { members["key"] = .string(key) }
        if let schemaVersion { members["schemaVersion"] = .number(JSONNumber(schemaVersion)) }
        if let attributes { members["attributes"] = .object(attributes) }
        return .object(members)
    }

    init?(envelope: JSONValue) {
        guard let id = envelope["id"]?.stringValue.flatMap(UUID.init(uuidString:)), let type = envelope["type"]?.stringValue,
            let source = envelope["source"]?.stringValue, let occurredAt = envelope["occurredAt"]?.stringValue.flatMap(RFC3339.date),
            let data = envelope["data"]
        else { return nil }
        self.init(
            index: 0,
            id: id,
            idFromProducer: true,
            type: type,
            source: source,
            key: envelope["key"]?.stringValue,
            occurredAt: occurredAt,
            schemaVersion: envelope["schemaVersion"]?.numberValue?.int64.map { Int($0) },
            attributes: envelope["attributes"]?.objectValue,
            data: data,
            pointer: ""
        )
    }
}

package struct QuarantineStore: Sendable {
    let client: Database
    let logger: Logger

    package init(client: Database, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    /// Keeps refused events; committed before the reply that reports them.
    func hold(_ entries: [(id: UUID, event: IncomingEvent, errors: [SluiceError.FieldError])], stream: Stream) async throws {
        guard !entries.isEmpty else { return }
        let encoder = JSONEncoder()
        let errors = try entries.map { String(decoding: try encoder.encode($0.errors), as: UTF8.self) }
        try await client.query(
            """
            INSERT INTO quarantine (tenant_id, id, stream_id, event_id, event_type, envelope, errors)
            SELECT \(stream.tenantID), q.id, \(stream.id), q.event_id, q.event_type, q.envelope::jsonb, q.errors::jsonb
            FROM unnest(\(entries.map(\.id))::uuid[], \(entries.map(\.event.id))::uuid[], \(entries.map(\.event.type))::text[],
                        \(entries.map(\.event.envelope.jsonText))::text[], \(errors)::text[])
                 AS q(id, event_id, event_type, envelope, errors)
            """,
            logger: logger
        )
    }

    private static let columns = "id, event_id, event_type, received_at, status, resolved_at, errors::text, envelope::text"
    private typealias Row = (UUID, UUID, String, Date, QuarantinedEvent.Status, Date?, String, String)

    private static func entry(_ row: Row) -> QuarantinedEvent {
        QuarantinedEvent(
            id: row.0,
            eventID: row.1,
            eventType: row.2,
            receivedAt: row.3,
            status: row.4,
            resolvedAt: row.5,
            errors: row.6,
            envelope: row.7
        )
    }

    /// Newest first, after the cursor (received_at, id).
    package func list(
        stream: Stream,
        status: QuarantinedEvent.Status,
        eventType: String? = nil,
        before cursor: (Date, UUID)?,
        limit: Int
    ) async throws -> [QuarantinedEvent] {
        let rows = try await client.query(
            """
            SELECT \(unescaped: Self.columns) FROM quarantine
            WHERE tenant_id = \(stream.tenantID) AND stream_id = \(stream.id) AND status = \(status)
              AND (\(eventType)::text IS NULL OR event_type = \(eventType)::text)
              AND (\(cursor?.0)::timestamptz IS NULL OR (received_at, id) < (\(cursor?.0)::timestamptz, \(cursor?.1)::uuid))
            ORDER BY received_at DESC, id DESC
            LIMIT \(limit)
            """,
            logger: logger
        )
        var entries: [QuarantinedEvent] = []
        for try await row in rows.decode(Row.self) { entries.append(Self.entry(row)) }
        return entries
    }

    func find(stream: Stream, id: UUID) async throws -> QuarantinedEvent? {
        let rows = try await client.query(
            "SELECT \(unescaped: Self.columns) FROM quarantine WHERE tenant_id = \(stream.tenantID) AND stream_id = \(stream.id) AND id = \(id)",
            logger: logger
        )
        for try await row in rows.decode(Row.self) { return Self.entry(row) }
        return nil
    }

    /// Marks a held entry; false when it is not held (any more).
    func resolve(
        stream: Stream,
        id: UUID,
        as status: QuarantinedEvent.Status,
        by actor: String,
        on connection: PostgresConnection
    ) async throws -> Bool {
        let rows = try await connection.query(
            """
            UPDATE quarantine SET status = \(status), resolved_at = now(), resolved_by = \(actor)
            WHERE tenant_id = \(stream.tenantID) AND stream_id = \(stream.id) AND id = \(id) AND status = 'held'
            RETURNING id
            """,
            logger: logger
        )
        for try await _ in rows.decode(UUID.self) { return true }
        return false
    }
}
