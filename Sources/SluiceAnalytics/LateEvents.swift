import Foundation
import Logging
import PostgresNIO
import SluiceCore
import SluiceDatabase

/// Events the rollup consumer left out as later than their stream's watermark, as the failure
/// view lists them.
package struct LateEvents: Sendable {
    package struct Record: Sendable {
        package var id: UUID
        package var partition: Int
        package var offset: Int64
        package var eventID: UUID
        package var eventType: String
        package var occurredAt: Date
        package var watermark: Date
        package var recordedAt: Date
    }

    let client: Database
    let logger: Logger

    package init(client: Database, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    /// Newest first, before the cursor's (recorded at, id).
    package func list(stream: SluiceCore.Stream, eventType: String?, before: (Date, UUID)?, limit: Int) async throws -> [Record] {
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
