import Foundation
import Logging
import PostgresNIO
import SluiceDatabase

/// Events the rollup consumer left out as later than their stream's watermark, as the failure
/// view lists them.
struct LateEvents: Sendable {
    struct Record: Sendable {
        var id: UUID
        var partition: Int
        var offset: Int64
        var eventID: UUID
        var eventType: String
        var occurredAt: Date
        var watermark: Date
        var recordedAt: Date
    }

    let client: Database
    let logger: Logger

    /// Newest first, before the cursor's (recorded at, id).
    func list(stream: Stream, eventType: String?, before: (Date, UUID)?, limit: Int) async throws -> [Record] {
        var records: [Record] = []
        for try await (id, partition, offset, eventID, type, occurredAt, watermark, recordedAt) in try await client.query(
            """
            SELECT id, partition, "offset", event_id, event_type, occurred_at, watermark, recorded_at FROM late_events
            WHERE tenant_id = \(stream.tenantID) AND stream_id = \(stream.id)
              AND (\(eventType)::text IS NULL OR event_type = \(eventType))
              AND (\(before?.0)::timestamptz IS NULL OR (recorded_at, id) < (\(before?.0), \(before?.1)))
            ORDER BY recorded_at DESC, id DESC LIMIT \(Int64(limit))
            """,
            logger: logger
        ).decode((UUID, Int16, Int64, UUID, String, Date, Date, Date).self) {
            records.append(
                .init(
                    id: id,
                    partition: Int(partition),
                    offset: offset,
                    eventID: eventID,
                    eventType: type,
                    occurredAt: occurredAt,
                    watermark: watermark,
                    recordedAt: recordedAt
                )
            )
        }
        return records
    }
}
