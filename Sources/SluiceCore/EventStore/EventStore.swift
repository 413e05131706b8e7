import Foundation
import Logging
import PostgresNIO
import SluiceDatabase

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

/// The append of one partition's group (DESIGN.md §7–9), one statement: drop ids seen within
/// the dedupe window, lock the partition's counter while advancing it past the new events,
/// insert them.
package struct EventStore: Sendable {
    let client: Database
    let logger: Logger

    package init(client: Database, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    struct PartitionKey: Hashable, Sendable {
        var tenantID: UUID
        var streamID: UUID
        var partition: Int
    }

    /// Appends `records` in one transaction. Outcomes come in the same order; on an error
    /// nothing was committed and every record is `failed`.
    func append(_ records: [EventRecord], to key: PartitionKey) async -> [AppendOutcome] {
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

    /// One statement in an explicit transaction: claim the producer ids, lock the partition's
    /// counter while advancing it past the fresh events, insert them. Not in autocommit: postgres-nio
    /// ends a query's rows at CommandComplete, which PostgreSQL may send before the implicit commit
    /// at Sync is durable; `COMMIT` answers only once it is.
    private func appendOnce(_ records: [EventRecord], to key: PartitionKey) async throws -> [AppendOutcome] {
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
        let columns = collected
        let stored = try await client.transaction(logger: logger, attempts: 4) { [logger] connection in
            let rows = try await connection.query(
                """
                WITH fresh AS (
                    -- Sorted, so that concurrent appends lock ids (then counters) in one order.
                    INSERT INTO event_ids AS e (tenant_id, stream_id, id, received_at)
                    SELECT \(key.tenantID), \(key.streamID), u.id, now()
                    FROM unnest(\(columns.ids)::uuid[], \(columns.fromProducer)::bool[]) AS u(id, claimed) WHERE u.claimed ORDER BY u.id
                    ON CONFLICT (tenant_id, stream_id, id) DO UPDATE SET received_at = EXCLUDED.received_at
                        WHERE e.received_at < EXCLUDED.received_at - make_interval(secs => (
                            SELECT dedupe_window_seconds FROM streams WHERE tenant_id = \(key.tenantID) AND id = \(key.streamID)))
                    RETURNING id
                ),
                incoming AS (
                    SELECT e.*, row_number() OVER (ORDER BY e.n) AS position
                    FROM unnest(\(columns.ids)::uuid[], \(columns.fromProducer)::bool[], \(columns.types)::text[],
                                \(columns.sources)::text[], \(columns.hasKeys)::bool[], \(columns.keys)::text[],
                                \(columns.occurredAt)::timestamptz[], \(columns.versions)::int4[],
                                \(columns.schemaErrors)::text[], \(columns.attributes)::text[], \(columns.payloads)::text[],
                                \(columns.chargedKeys)::uuid[], \(columns.chargedPeriods)::date[])
                         WITH ORDINALITY AS e(id, claimed, t, s, hk, k, oc, v, se, a, p, uk, up, n)
                    WHERE NOT e.claimed OR e.id IN (SELECT id FROM fresh)
                ),
                -- The partition's counter row stays locked until this statement commits: offsets are
                -- dense, and commit order is offset order (DESIGN.md §7).
                reserved AS (
                    UPDATE stream_partitions p SET next_offset = p.next_offset + (SELECT count(*) FROM incoming)
                    FROM streams s
                    WHERE p.tenant_id = \(key.tenantID) AND p.stream_id = \(key.streamID) AND p.partition = \(Int16(key.partition))
                      AND s.tenant_id = p.tenant_id AND s.id = p.stream_id AND s.deleted_at IS NULL
                    RETURNING p.next_offset - (SELECT count(*) FROM incoming) AS first
                ),
                inserted AS (
                    INSERT INTO events (tenant_id, stream_id, partition, "offset", id, type, source, key, occurred_at,
                                        received_at, schema_version, schema_errors, attributes, payload)
                    SELECT \(key.tenantID), \(key.streamID), \(Int16(key.partition)), r.first + i.position - 1, i.id, i.t, i.s,
                           CASE WHEN i.hk THEN i.k END, i.oc, now(), NULLIF(i.v, 0), NULLIF(i.se, '')::jsonb,
                           NULLIF(i.a, '')::jsonb, i.p::jsonb
                    FROM incoming i CROSS JOIN reserved r
                    RETURNING id, "offset"
                ),
                -- Charged in the commit that stores them (DESIGN.md §17).
                charged AS (
                    INSERT INTO usage_events AS u (tenant_id, period, key_id, stream_id, partition, events)
                    SELECT \(key.tenantID), i.up, i.uk, \(key.streamID), \(Int16(key.partition)), count(*)
                    FROM incoming i JOIN inserted x ON x.id = i.id
                    GROUP BY i.up, i.uk
                    ON CONFLICT (tenant_id, period, key_id, stream_id, partition) DO UPDATE SET events = u.events + excluded.events
                )
                SELECT (SELECT count(*) FROM reserved), i.id, i."offset" FROM (SELECT 1) AS one LEFT JOIN inserted i ON true
                """,
                logger: logger
            )
            var live = false
            var stored: [UUID: Int64] = [:]
            for try await (reserved, id, offset) in rows.decode((Int64, UUID?, Int64?).self) {
                live = reserved > 0
                if let id, let offset { stored[id] = offset }
            }
            // A deleted stream: roll back (the claimed ids too).
            guard live else { throw SluiceError.notFound("The stream") }
            return stored
        }
        for (index, record) in records.enumerated() where outcomes[index] == nil {
            outcomes[index] = stored[record.id].map { .stored(offset: $0) } ?? .duplicate
        }
        return outcomes.map { $0 ?? .duplicate }
    }

    /// Column arrays for one `unnest` insert: one round trip whatever the batch size.
    private struct Columns {
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
}
