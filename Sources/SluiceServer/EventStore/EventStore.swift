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

/// The append transaction of one partition (DESIGN.md §7–9): drop ids seen within the dedupe
/// window, lock the partition's counter while advancing it past the new events, insert them.
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
            var outcomes = [AppendOutcome?](repeating: nil, count: records.count)
            var seen = Set<UUID>()
            var claims: [UUID] = []
            for (index, record) in records.enumerated() where record.idFromProducer {
                if seen.insert(record.id).inserted { claims.append(record.id) } else { outcomes[index] = .duplicate }
            }
            if !claims.isEmpty {
                // Ids first, sorted, so that concurrent appends lock them (then the counter) in one order.
                let fresh = try await connection.query(
                    """
                    INSERT INTO event_ids AS e (tenant_id, stream_id, id, received_at)
                    SELECT \(key.tenantID), \(key.streamID), u.id, now() FROM unnest(\(claims)::uuid[]) AS u(id) ORDER BY u.id
                    ON CONFLICT (tenant_id, stream_id, id) DO UPDATE SET received_at = EXCLUDED.received_at
                        WHERE e.received_at < EXCLUDED.received_at - make_interval(secs => (
                            SELECT dedupe_window_seconds FROM streams WHERE tenant_id = \(key.tenantID) AND id = \(key.streamID)))
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
            let count = Int64(outcomes.lazy.filter { $0 == nil }.count)
            guard count > 0 else { return outcomes.map { $0 ?? .duplicate } }

            // Takes the partition's counter row lock until commit and reserves `count` offsets:
            // offsets are dense, and commit order is offset order (DESIGN.md §7).
            let reserved = try await connection.query(
                """
                UPDATE stream_partitions p SET next_offset = p.next_offset + \(count)
                FROM streams s
                WHERE p.tenant_id = \(key.tenantID) AND p.stream_id = \(key.streamID) AND p.partition = \(Int16(key.partition))
                  AND s.tenant_id = p.tenant_id AND s.id = p.stream_id AND s.deleted_at IS NULL
                RETURNING p.next_offset - \(count)
                """,
                logger: logger
            )
            var first: Int64?
            for try await offset in reserved.decode(Int64.self) { first = offset }
            guard var offset = first else { throw SluiceError.notFound("The stream") }

            var columns = Columns()
            for (index, record) in records.enumerated() where outcomes[index] == nil {
                outcomes[index] = .stored(offset: offset)
                columns.add(record, offset: offset)
                offset += 1
            }
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
