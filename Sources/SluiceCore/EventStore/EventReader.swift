import Foundation
import Logging
import PostgresNIO
import SluiceDatabase

/// A stored event, as readers see it.
package struct StoredEvent: Sendable {
    package var id: UUID
    package var partition: Int
    package var offset: Int64
    package var type: String
    package var source: String
    package var key: String?
    package var occurredAt: Date
    package var receivedAt: Date
    package var schemaVersion: Int?
    /// JSON texts.
    package var schemaErrors: String?
    package var attributes: String?
    package var payload: String
}

/// Reads the event store. Events older than their stream's retention are hidden, though the
/// partition that holds them may not have been dropped yet.
package struct EventReader: Sendable {
    let client: Database
    let logger: Logger

    package init(client: Database, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    static let columns = """
        id, partition, "offset", type, source, key, occurred_at, received_at, schema_version,
        schema_errors::text, attributes::text, payload::text
        """

    typealias Row = (UUID, Int16, Int64, String, String, String?, Date, Date, Int32?, String?, String?, String)

    static func event(_ row: Row) -> StoredEvent {
        StoredEvent(
            id: row.0,
            partition: Int(row.1),
            offset: row.2,
            type: row.3,
            source: row.4,
            key: row.5,
            occurredAt: row.6,
            receivedAt: row.7,
            schemaVersion: row.8.map(Int.init),
            schemaErrors: row.9,
            attributes: row.10,
            payload: row.11
        )
    }

    /// Offsets ≥ `from` in one partition, in offset order: an index range scan on the primary key.
    package func read(stream: Stream, partition: Int, from: Int64, limit: Int) async throws -> [StoredEvent] {
        let rows = try await client.query(
            """
            SELECT \(unescaped: Self.columns) FROM events
            WHERE tenant_id = \(stream.tenantID) AND stream_id = \(stream.id) AND partition = \(Int16(partition))
              AND "offset" >= \(from)
              AND received_at >= now() - make_interval(secs => \(Int32(stream.retentionSeconds)))
            ORDER BY "offset"
            LIMIT \(limit)
            """,
            logger: logger
        )
        var events: [StoredEvent] = []
        for try await row in rows.decode(Row.self) { events.append(Self.event(row)) }
        return events
    }

    /// The event at `offset` of `partition`, if the stream still keeps it.
    package func event(stream: Stream, partition: Int, offset: Int64) async throws -> StoredEvent? {
        try await read(stream: stream, partition: partition, from: offset, limit: 1).first { $0.offset == offset }
    }

    package struct Browse: Sendable {
        var from: Date?
        var to: Date?
        var type: String?
        var key: String?
        /// After this (occurredAt, id).
        var after: (Date, UUID)?
        var limit: Int

        package init(from: Date? = nil, to: Date? = nil, type: String? = nil, key: String? = nil, after: (Date, UUID)? = nil, limit: Int) {
            self.from = from
            self.to = to
            self.type = type
            self.key = key
            self.after = after
            self.limit = limit
        }
    }

    /// By event time, then id; filtered by type and key.
    package func browse(stream: Stream, _ query: Browse) async throws -> [StoredEvent] {
        let rows = try await client.query(
            """
            SELECT \(unescaped: Self.columns) FROM events
            WHERE tenant_id = \(stream.tenantID) AND stream_id = \(stream.id)
              AND received_at >= now() - make_interval(secs => \(Int32(stream.retentionSeconds)))
              AND (\(query.from)::timestamptz IS NULL OR occurred_at >= \(query.from))
              AND (\(query.to)::timestamptz IS NULL OR occurred_at < \(query.to))
              AND (\(query.type)::text IS NULL OR type = \(query.type))
              AND (\(query.key)::text IS NULL OR key = \(query.key))
              AND (\(query.after?.0)::timestamptz IS NULL OR (occurred_at, id) > (\(query.after?.0)::timestamptz, \(query.after?.1)::uuid))
            ORDER BY occurred_at, id
            LIMIT \(query.limit)
            """,
            logger: logger
        )
        var events: [StoredEvent] = []
        for try await row in rows.decode(Row.self) { events.append(Self.event(row)) }
        return events
    }
}

extension EventReader {
    /// A stream the caller may read, or 404.
    package func readableStream(identity: Identity, name: String, streams: StreamService) async throws -> Stream {
        try identity.require(.eventsRead)
        return try await streams.get(identity: identity, name: name)
    }
}

/// Cursors: the last item's (time in microseconds, id), opaque to clients.
package enum BrowseCursor {
    package static func make(_ time: Date, _ id: UUID) -> String {
        "\(Int64((time.timeIntervalSince1970 * 1_000_000).rounded()))_\(id.lowercased)"
    }

    package static func parse(_ text: String) throws -> (Date, UUID) {
        let parts = text.split(separator: "_")
        // Cursors this API makes hold times within years 1 to 9999; anything else is not one of them.
        guard parts.count == 2, let micros = Int64(parts[0]), (-62_135_596_800_000_000...253_402_300_799_999_999).contains(micros),
            let id = UUID(uuidString: String(parts[1]))
        else {
            throw SluiceError.badRequest("The cursor is not one this API gave out.", pointer: "/cursor")
        }
        return (date(micros: micros), id)
    }

    /// The `Date` that reaches PostgreSQL as exactly this microsecond since 1970. postgres-nio
    /// sends a `Date` as whole microseconds since 2000, truncated towards zero: a plain
    /// conversion can land a microsecond early (binary fractions), so that the cursor's own
    /// event comes again on the next page. Half a microsecond away from zero, it truncates to
    /// the microsecond meant.
    static func date(micros: Int64) -> Date {
        let since2000 = micros.subtractingReportingOverflow(946_684_800_000_000)
        guard !since2000.overflow else { return Date(timeIntervalSince1970: Double(micros) / 1_000_000) }
        let nudged = Double(since2000.partialValue) + (since2000.partialValue >= 0 ? 0.5 : -0.5)
        return Date(timeIntervalSince1970: 946_684_800 + nudged / 1_000_000)
    }
}
