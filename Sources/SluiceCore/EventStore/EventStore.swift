import Foundation
import Logging
import PostgresNIO
import SluiceDatabase

/// An event ready to be stored: validated, partitioned, its JSON written out.
struct EventRecord: Sendable {
    var partition: Int
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
    /// Who is charged for it, and in which month: counted in `usage_events` by the commit
    /// that stores it.
    var charge: Charge
}

/// The account a stored event is charged to: an API key (the nil UUID for members, webhooks,
/// pull sources and replays) in a month.
package struct Charge: Sendable, Hashable {
    var keyID: UUID
    var period: UsagePeriod

    init(keyID: UUID?, period: UsagePeriod) {
        self.keyID = keyID ?? UsageRecorder.members
        self.period = period
    }
}

/// What became of one event in an append.
enum AppendOutcome: Sendable, Equatable {
    case stored(offset: Int64)
    case duplicate
    case failed(String)
}

/// The append of one stream's group (DESIGN.md §7–9), one statement: drop ids seen within
/// the dedupe window, lock the counters of the partitions it writes while advancing them past
/// the new events, insert them.
package struct EventStore: Sendable {
    let client: Database
    let logger: Logger

    package init(client: Database, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    struct StreamKey: Hashable, Sendable {
        var tenantID: UUID
        var streamID: UUID
    }

    /// Appends `records` (of any of the stream's partitions) in one transaction. Outcomes come
    /// in the same order; on an error nothing was committed and every record is `failed`.
    func append(_ records: [EventRecord], to key: StreamKey) async -> [AppendOutcome] {
        var repaired = false
        while true {
            do {
                // Deadlocks and serialization failures are retried by `Database.transaction`,
                // the one retry layer for them.
                return try await appendOnce(records, to: key)
            } catch let error as PSQLError where error.isCheckViolation && !repaired {
                // No time partition for now(): the maintenance job is behind; make one, once.
                repaired = true
                _ = try? await client.query("SELECT events_ensure_partitions(1, 7)", logger: logger)
                continue
            } catch let error as SluiceError {
                return Array(repeating: .failed(error.detail ?? error.title), count: records.count)
            } catch {
                // An outage is logged once, by `Database`; anything else here is news.
                if !Database.isUnavailable(error) {
                    logger.error("event append failed", metadata: ["error": "\(String(reflecting: error))", "stream": "\(key.streamID)"])
                }
                return Array(repeating: .failed("The event store is unavailable; send the event again (with its id)."), count: records.count)
            }
        }
    }

    /// One statement, its own transaction: claim the producer ids, lock the partitions'
    /// counters while advancing them past the fresh events, insert them. Answered only once
    /// its commit is durable (`Database.committed`: postgres-nio ends a query's rows at
    /// CommandComplete, before the implicit commit at Sync).
    private func appendOnce(_ records: [EventRecord], to key: StreamKey) async throws -> [AppendOutcome] {
        var outcomes = [AppendOutcome?](repeating: nil, count: records.count)
        var seen = Set<UUID>()
        var collected = Columns()
        for (index, record) in records.enumerated() {
            // A second copy within the group is a duplicate of the first.
            if record.idFromProducer, !seen.insert(record.id).inserted {
                outcomes[index] = .duplicate
                continue
            }
            collected.add(record)
        }
        let statement = AppendStatement(key: key, columns: collected)
        let stored: [UUID: Int64]
        do {
            stored = try await client.committed(logger: logger, attempts: 4) { [logger] connection in
                var stored: [UUID: Int64] = [:]
                for try await (_, id, offset) in try await connection.execute(statement, logger: logger) {
                    if let id, let offset { stored[id] = offset }
                }
                return stored
            }
        } catch let error as PSQLError where error.isStreamGone {
            // A deleted stream, or a partition it does not have: the statement rolled back
            // (the claimed ids too).
            throw SluiceError.notFound("The stream")
        }
        for (index, record) in records.enumerated() where outcomes[index] == nil {
            outcomes[index] = stored[record.id].map { .stored(offset: $0) } ?? .duplicate
        }
        return outcomes.map { $0 ?? .duplicate }
    }
}

/// The append (DESIGN.md §7–9) as a prepared statement: its text never changes (every value
/// is a parameter, the events arrays), so each pooled connection parses it once and
/// PostgreSQL may keep a generic plan instead of planning every append anew (planning was
/// more than half of a one-event append's time in PostgreSQL).
///
/// Claim the producer ids (sorted, so that concurrent appends lock ids, then counters, in one
/// order; an id seen within the stream's dedupe window is a duplicate), lock the counters of
/// the partitions written (in partition order) while advancing each past its fresh events
/// (dense offsets, commit order is offset order), insert them, and charge them in the same
/// commit (DESIGN.md §17). One statement for all of a stream's partitions: a batch, or the
/// single events of many requests, costs one transaction, not one per partition. When the
/// stream is gone (or lacks a partition written), `sluice_append_check` raises SLGNE and the
/// statement rolls back whole.
private struct AppendStatement: PostgresPreparedStatement {
    static let name = "sluice_append_v3"
    static let sql = """
        WITH fresh AS (
            INSERT INTO event_ids AS e (tenant_id, stream_id, id, received_at)
            SELECT $1, $2, u.id, now()
            FROM unnest($4::uuid[], $5::bool[]) AS u(id, claimed) WHERE u.claimed ORDER BY u.id
            ON CONFLICT (tenant_id, stream_id, id) DO UPDATE SET received_at = EXCLUDED.received_at
                WHERE e.received_at < EXCLUDED.received_at - make_interval(secs => (
                    SELECT dedupe_window_seconds FROM streams WHERE tenant_id = $1 AND id = $2))
            RETURNING id
        ),
        incoming AS (
            SELECT e.*, row_number() OVER (PARTITION BY e.part ORDER BY e.n) AS position
            FROM unnest($3::int2[], $4::uuid[], $5::bool[], $6::text[], $7::text[], $8::bool[], $9::text[], $10::timestamptz[],
                        $11::int4[], $12::text[], $13::text[], $14::text[], $15::uuid[], $16::date[])
                 WITH ORDINALITY AS e(part, id, claimed, t, s, hk, k, oc, v, se, a, p, uk, up, n)
            WHERE NOT e.claimed OR e.id IN (SELECT id FROM fresh)
        ),
        counts AS (
            SELECT part, count(*) AS n FROM incoming GROUP BY part
        ),
        locked AS MATERIALIZED (
            SELECT p.partition FROM stream_partitions p JOIN streams s ON s.tenant_id = p.tenant_id AND s.id = p.stream_id
            WHERE p.tenant_id = $1 AND p.stream_id = $2 AND p.partition IN (SELECT part FROM counts) AND s.deleted_at IS NULL
            ORDER BY p.partition FOR UPDATE OF p
        ),
        reserved AS (
            UPDATE stream_partitions p SET next_offset = p.next_offset + c.n
            FROM counts c JOIN locked l ON l.partition = c.part
            WHERE p.tenant_id = $1 AND p.stream_id = $2 AND p.partition = c.part
            RETURNING p.partition, p.next_offset - c.n AS first
        ),
        inserted AS (
            INSERT INTO events (tenant_id, stream_id, partition, "offset", id, type, source, key, occurred_at,
                                received_at, schema_version, schema_errors, attributes, payload)
            SELECT $1, $2, i.part, r.first + i.position - 1, i.id, i.t, i.s,
                   CASE WHEN i.hk THEN i.k END, i.oc, now(), NULLIF(i.v, 0), NULLIF(i.se, '')::jsonb,
                   NULLIF(i.a, '')::jsonb, i.p::jsonb
            FROM incoming i JOIN reserved r ON r.partition = i.part
            RETURNING id, "offset"
        ),
        charged AS (
            INSERT INTO usage_events AS u (tenant_id, period, key_id, stream_id, partition, events)
            SELECT $1, i.up, i.uk, $2, i.part, count(*)
            FROM incoming i JOIN inserted x ON x.id = i.id
            GROUP BY i.up, i.uk, i.part
            ON CONFLICT (tenant_id, period, key_id, stream_id, partition) DO UPDATE SET events = u.events + excluded.events
        )
        SELECT sluice_append_check(EXISTS (SELECT FROM streams WHERE tenant_id = $1 AND id = $2 AND deleted_at IS NULL)
                   AND (SELECT count(*) FROM reserved) = (SELECT count(*) FROM counts)),
               i.id, i."offset"
        FROM (SELECT 1) AS one LEFT JOIN inserted i ON true
        """
    typealias Row = (Bool, UUID?, Int64?)

    var key: EventStore.StreamKey
    var columns: Columns

    func makeBindings() throws -> PostgresBindings {
        var bindings = PostgresBindings(capacity: 16)
        bindings.append(key.tenantID)
        bindings.append(key.streamID)
        bindings.append(columns.partitions)
        bindings.append(columns.ids)
        bindings.append(columns.fromProducer)
        bindings.append(columns.types)
        bindings.append(columns.sources)
        bindings.append(columns.hasKeys)
        bindings.append(columns.keys)
        bindings.append(columns.occurredAt)
        bindings.append(columns.versions)
        bindings.append(columns.schemaErrors)
        bindings.append(columns.attributes)
        bindings.append(columns.payloads)
        bindings.append(columns.chargedKeys)
        bindings.append(columns.chargedPeriods)
        return bindings
    }

    func decodeRow(_ row: PostgresRow) throws -> Row { try row.decode(Row.self) }
}

/// Column arrays for one `unnest` insert: one round trip whatever the batch size.
private struct Columns: Sendable {
    var partitions: [Int16] = []
    var ids: [UUID] = []
    var fromProducer: [Bool] = []
    var types: [String] = []
    var sources: [String] = []
    var hasKeys: [Bool] = []
    var keys: [String] = []
    var occurredAt: [Date] = []
    var versions: [Int32] = []
    var schemaErrors: [String] = []
    var attributes: [String] = []
    var payloads: [String] = []
    var chargedKeys: [UUID] = []
    var chargedPeriods: [String] = []

    mutating func add(_ record: EventRecord) {
        partitions.append(Int16(clamping: record.partition))
        ids.append(record.id)
        fromProducer.append(record.idFromProducer)
        types.append(record.type)
        sources.append(record.source)
        hasKeys.append(record.key != nil)
        keys.append(record.key ?? "")
        occurredAt.append(record.occurredAt)
        versions.append(Int32(record.schemaVersion ?? 0))
        schemaErrors.append(record.schemaErrors ?? "")
        attributes.append(record.attributes ?? "")
        payloads.append(record.payload)
        chargedKeys.append(record.charge.keyID)
        chargedPeriods.append(record.charge.period.firstDay)
    }
}
