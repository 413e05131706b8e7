import Foundation
import Logging
import PostgresNIO

/// An event ready to be stored: validated, partitioned, its JSON written out.
struct EventRecord: Sendable {
    var id: UUID
    var idFromProducer: Bool
    var type: String
    var source: String
    var key: String?
    var occurredAt: Date
    var schemaVersion: Int?
    /// JSON text, or nil.
    var schemaErrors: String?
    var attributes: String?
    var payload: String
}

/// What became of one event in an append.
enum AppendOutcome: Sendable, Equatable {
    case stored(offset: Int64)
    case duplicate
    case failed(String)
}

/// The append transaction of one partition (DESIGN.md §7–9): lock the partition's counter,
/// drop ids seen within the dedupe window, take the next offsets, insert, advance the counter.
struct EventStore: Sendable {
    let client: PostgresClient
    let logger: Logger

    struct PartitionKey: Hashable, Sendable {
        var tenantID: UUID
        var streamID: UUID
        var partition: Int
    }

    /// Appends `records` in one transaction. Outcomes come in the same order; on an error
    /// nothing was committed and every record is `failed`.
    func append(_ records: [EventRecord], to key: PartitionKey) async -> [AppendOutcome] {
        var attempt = 0
        while true {
            attempt += 1
            do {
                return try await appendOnce(records, to: key)
            } catch let error as PSQLError where attempt < 4 && Self.isRetryable(error) {
                if error.sqlState == "23514" {
                    // No time partition for now(): the maintenance job is behind; make one.
                    _ = try? await client.query("SELECT events_ensure_partitions(1, 7)", logger: logger)
                }
                continue
            } catch let error as SluiceError {
                return Array(repeating: .failed(error.detail ?? error.title), count: records.count)
            } catch {
                logger.error("event append failed", metadata: ["error": "\(String(reflecting: error))", "stream": "\(key.streamID)"])
                return Array(repeating: .failed("The event store is unavailable; send the event again (with its id)."), count: records.count)
            }
        }
    }

    /// Deadlocks and serialization failures are retried, as is a missing time partition.
    static func isRetryable(_ error: PSQLError) -> Bool {
        ["40P01", "40001", "23514"].contains(error.sqlState ?? "")
    }

    private func appendOnce(_ records: [EventRecord], to key: PartitionKey) async throws -> [AppendOutcome] {
        try await client.transaction(logger: logger) { connection in
            let locked = try await connection.query(
                """
                SELECT p.next_offset, s.dedupe_window_seconds FROM stream_partitions p
                JOIN streams s ON s.tenant_id = p.tenant_id AND s.id = p.stream_id AND s.deleted_at IS NULL
                WHERE p.tenant_id = \(key.tenantID) AND p.stream_id = \(key.streamID) AND p.partition = \(Int16(key.partition))
                FOR UPDATE OF p
                """,
                logger: logger
            )
            var counter: (next: Int64, window: Int32)?
            for try await row in locked.decode((Int64, Int32).self) { counter = (row.0, row.1) }
            guard let counter else { throw SluiceError.notFound("The stream") }

            var outcomes = [AppendOutcome?](repeating: nil, count: records.count)
            var seen = Set<UUID>()
            var claims: [UUID] = []
            for (index, record) in records.enumerated() where record.idFromProducer {
                if seen.insert(record.id).inserted { claims.append(record.id) } else { outcomes[index] = .duplicate }
            }
            if !claims.isEmpty {
                // Sorted, so that concurrent appends to other partitions lock ids in one order.
                let fresh = try await connection.query(
                    """
                    INSERT INTO event_ids AS e (tenant_id, stream_id, id, received_at)
                    SELECT \(key.tenantID), \(key.streamID), u.id, now() FROM unnest(\(claims)::uuid[]) AS u(id) ORDER BY u.id
                    ON CONFLICT (tenant_id, stream_id, id) DO UPDATE SET received_at = EXCLUDED.received_at
                        WHERE e.received_at < EXCLUDED.received_at - make_interval(secs => \(counter.window))
                    RETURNING id
                    """,
                    logger: logger
                )
                var stored = Set<UUID>()
                for try await id in fresh.decode(UUID.self) { stored.insert(id) }
                for (index, record) in records.enumerated() where record.idFromProducer && outcomes[index] == nil {
                    if !stored.contains(record.id) { outcomes[index] = .duplicate }
                }
            }

            var offset = counter.next
            var columns = Columns()
            for (index, record) in records.enumerated() where outcomes[index] == nil {
                outcomes[index] = .stored(offset: offset)
                columns.add(record, offset: offset)
                offset += 1
            }
            if !columns.ids.isEmpty {
                try await connection.query(
                    """
                    INSERT INTO events (tenant_id, stream_id, partition, "offset", id, type, source, key, occurred_at,
                                        received_at, schema_version, schema_errors, attributes, payload)
                    SELECT \(key.tenantID), \(key.streamID), \(Int16(key.partition)), e.o, e.id, e.t, e.s,
                           CASE WHEN e.hk THEN e.k END, e.oc, now(), NULLIF(e.v, 0), NULLIF(e.se, '')::jsonb,
                           NULLIF(e.a, '')::jsonb, e.p::jsonb
                    FROM unnest(\(columns.offsets)::int8[], \(columns.ids)::uuid[], \(columns.types)::text[],
                                \(columns.sources)::text[], \(columns.hasKeys)::bool[], \(columns.keys)::text[],
                                \(columns.occurredAt)::timestamptz[], \(columns.versions)::int4[],
                                \(columns.schemaErrors)::text[], \(columns.attributes)::text[], \(columns.payloads)::text[])
                         AS e(o, id, t, s, hk, k, oc, v, se, a, p)
                    """,
                    logger: logger
                )
                try await connection.query(
                    """
                    UPDATE stream_partitions SET next_offset = \(offset)
                    WHERE tenant_id = \(key.tenantID) AND stream_id = \(key.streamID) AND partition = \(Int16(key.partition))
                    """,
                    logger: logger
                )
            }
            return outcomes.map { $0 ?? .duplicate }
        }
    }

    /// Column arrays for one `unnest` insert: one round trip whatever the batch size.
    private struct Columns {
        var offsets: [Int64] = []
        var ids: [UUID] = []
        var types: [String] = []
        var sources: [String] = []
        var hasKeys: [Bool] = []
        var keys: [String] = []
        var occurredAt: [Date] = []
        var versions: [Int32] = []
        var schemaErrors: [String] = []
        var attributes: [String] = []
        var payloads: [String] = []

        mutating func add(_ record: EventRecord, offset: Int64) {
            offsets.append(offset)
            ids.append(record.id)
            types.append(record.type)
            sources.append(record.source)
            hasKeys.append(record.key != nil)
            keys.append(record.key ?? "")
            occurredAt.append(record.occurredAt)
            versions.append(Int32(record.schemaVersion ?? 0))
            schemaErrors.append(record.schemaErrors ?? "")
            attributes.append(record.attributes ?? "")
            payloads.append(record.payload)
        }
    }
}
