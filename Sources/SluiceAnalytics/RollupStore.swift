import Foundation
import Logging
import PostgresNIO
import SluiceCore
import SluiceDatabase
import SluiceJSON

/// The SQL of the rollups and their bookkeeping: `rollup_offsets` (the consumer's offset per
/// partition), `rollup_watermarks` (per stream), `rollups`, `entity_rollups` and
/// `late_events`. The consumer (`RollupConsumer`) and the reads and rebuilds
/// (`AnalyticsService`) decide; this file holds every statement they run.
struct RollupStore: Sendable {
    let logger: Logger

    struct PartitionKey: Sendable, Hashable {
        var tenant: UUID
        var stream: UUID
        var partition: Int16
    }

    struct PendingEvent: Sendable, Equatable {
        var offset: Int64
        var id: UUID
        var type: String
        var occurredAt: Date
        var receivedAt: Date
    }

    struct LateEvent: Sendable, Equatable {
        var offset: Int64
        var id: UUID
        var type: String
        var occurredAt: Date
        var watermark: Date
    }

    // MARK: The consumer

    /// Partitions of live streams with events the rollups have not applied yet.
    func pending(on client: Database) async throws -> [RollupConsumer.Work] {
        let rows = try await client.query(
            """
            SELECT s.tenant_id, s.id, p.partition, s.allowed_lateness_seconds, s.rollup_dimensions::text
            FROM streams s
            JOIN stream_partitions p ON p.tenant_id = s.tenant_id AND p.stream_id = s.id
            LEFT JOIN rollup_offsets o ON o.tenant_id = s.tenant_id AND o.stream_id = s.id AND o.partition = p.partition
            WHERE s.deleted_at IS NULL AND p.next_offset > coalesce(o.next_offset, 0)
            """,
            logger: logger
        )
        var work: [RollupConsumer.Work] = []
        for try await (tenant, stream, partition, lateness, dimensions) in rows.decode((UUID, UUID, Int16, Int32, String).self) {
            work.append(
                .init(
                    tenantID: tenant,
                    streamID: stream,
                    partition: Int(partition),
                    lateness: Int(lateness),
                    dimensions: StreamRepository.dimensions(json: dimensions)
                )
            )
        }
        return work
    }

    /// Takes the partition's offset row for this transaction (made when new): its next offset,
    /// or nil when another node holds it. The batch's commit need not wait for the WAL flush:
    /// one that a crash loses is lost whole (its deltas with its offset) and applied again.
    func claim(_ key: PartitionKey, on connection: PostgresConnection) async throws -> Int64? {
        try await connection.query("SET LOCAL synchronous_commit = off", logger: logger)
        try await connection.query(
            """
            INSERT INTO rollup_offsets (tenant_id, stream_id, partition) VALUES (\(key.tenant), \(key.stream), \(key.partition))
            ON CONFLICT DO NOTHING
            """,
            logger: logger
        )
        for try await offset in try await connection.query(
            """
            SELECT next_offset FROM rollup_offsets
            WHERE tenant_id = \(key.tenant) AND stream_id = \(key.stream) AND partition = \(key.partition) FOR UPDATE SKIP LOCKED
            """,
            logger: logger
        ).decode(Int64.self) { return offset }
        return nil
    }

    /// Up to `limit` events from `next`, and the partition's counter, in one statement, so in
    /// one snapshot: an append commits its offsets and its events together, so every offset
    /// below that counter is either among these events or gone with its day's partition.
    func events(of key: PartitionKey, from next: Int64, limit: Int, on connection: PostgresConnection) async throws -> ([PendingEvent], end: Int64) {
        var events: [PendingEvent] = []
        var end = next
        for try await (offset, id, type, occurredAt, receivedAt, counter) in try await connection.query(
            """
            SELECT e."offset", e.id, e.type, e.occurred_at, e.received_at, p.next_offset
            FROM stream_partitions p
            LEFT JOIN LATERAL (
                SELECT "offset", id, type, occurred_at, received_at FROM events
                WHERE tenant_id = p.tenant_id AND stream_id = p.stream_id AND partition = p.partition AND "offset" >= \(next)
                ORDER BY "offset" LIMIT \(Int64(limit))
            ) e ON true
            WHERE p.tenant_id = \(key.tenant) AND p.stream_id = \(key.stream) AND p.partition = \(key.partition)
            ORDER BY e."offset"
            """,
            logger: logger
        ).decode((Int64?, UUID?, String?, Date?, Date?, Int64).self) {
            end = counter
            if let offset, let id, let type, let occurredAt, let receivedAt {
                events.append(.init(offset: offset, id: id, type: type, occurredAt: occurredAt, receivedAt: receivedAt))
            }
        }
        return (events, end)
    }

    /// Moves the partition's offset past events that are gone (retention).
    func skip(_ key: PartitionKey, to end: Int64, on connection: PostgresConnection) async throws {
        try await connection.query(
            """
            UPDATE rollup_offsets SET next_offset = \(end), updated_at = now()
            WHERE tenant_id = \(key.tenant) AND stream_id = \(key.stream) AND partition = \(key.partition)
            """,
            logger: logger
        )
    }

    /// Locks the stream's watermark row (made when new): it serialises the stream's
    /// partitions' batches, each seeing the watermark and every partition's progress as the
    /// last one left them. Answers the stream's latest event time and watermark.
    func lockWatermark(of key: PartitionKey, on connection: PostgresConnection) async throws -> (maxEventTime: Date?, watermark: Date?) {
        try await connection.query(
            """
            INSERT INTO rollup_watermarks (tenant_id, stream_id, max_event_time) VALUES (\(key.tenant), \(key.stream), '-infinity')
            ON CONFLICT DO NOTHING
            """,
            logger: logger
        )
        for try await (maxTime, mark) in try await connection.query(
            """
            SELECT CASE WHEN max_event_time > '-infinity' THEN max_event_time END, CASE WHEN watermark > '-infinity' THEN watermark END
            FROM rollup_watermarks WHERE tenant_id = \(key.tenant) AND stream_id = \(key.stream) FOR UPDATE
            """,
            logger: logger
        ).decode((Date?, Date?).self) { return (maxTime, mark) }
        return (nil, nil)
    }

    /// Every partition's progress through the stream.
    func progress(of key: PartitionKey, on connection: PostgresConnection) async throws -> StreamProgress {
        var progress = StreamProgress()
        for try await (other, end, done, maxTime) in try await connection.query(
            """
            SELECT p.partition, p.next_offset, coalesce(o.next_offset, 0), CASE WHEN o.max_event_time > '-infinity' THEN o.max_event_time END
            FROM stream_partitions p
            LEFT JOIN rollup_offsets o ON o.tenant_id = p.tenant_id AND o.stream_id = p.stream_id AND o.partition = p.partition
            WHERE p.tenant_id = \(key.tenant) AND p.stream_id = \(key.stream)
            """,
            logger: logger
        ).decode((Int16, Int64, Int64, Date?).self) {
            progress.partitions[Int(other)] = .init(end: end, done: done, maxEventTime: maxTime)
        }
        return progress
    }

    /// The stream's watermark and counters after a batch; one that applies events takes the
    /// next batch number (which its entity rollup rows carry). greatest() passes over NULL:
    /// what is not known yet leaves the column as it is.
    func recordBatch(
        of key: PartitionKey,
        maxEventTime: Date?,
        watermark: Date?,
        lateApplied: Int,
        lateDropped: Int,
        appliedAny: Bool,
        on connection: PostgresConnection
    ) async throws {
        try await connection.query(
            """
            UPDATE rollup_watermarks
            SET max_event_time = greatest(max_event_time, \(maxEventTime)), watermark = greatest(watermark, \(watermark)),
                late_applied = late_applied + \(Int64(lateApplied)),
                late_dropped = late_dropped + \(Int64(lateDropped)), batches = batches + \(Int64(appliedAny ? 1 : 0)),
                updated_at = now()
            WHERE tenant_id = \(key.tenant) AND stream_id = \(key.stream)
            """,
            logger: logger
        )
    }

    /// Adds the deltas of the partition's events at `offsets` to the rollups and entity rollups.
    func addRollups(of key: PartitionKey, offsets: [Int64], dimensions: [String: String], on connection: PostgresConnection) async throws {
        try await connection.execute(ConsumerUpserts(key: key, offsets: offsets, dimensions: dimensions), logger: logger)
    }

    /// Events later than the watermark, kept apart (the failure view lists them).
    func recordLate(_ late: [LateEvent], of key: PartitionKey, on connection: PostgresConnection) async throws {
        try await connection.query(
            """
            INSERT INTO late_events (tenant_id, stream_id, partition, "offset", event_id, event_type, occurred_at, watermark)
            SELECT \(key.tenant), \(key.stream), \(key.partition), l."offset", l.id, l.type, l.at, l.mark
            FROM unnest(\(late.map(\.offset))::bigint[], \(late.map(\.id))::uuid[], \(late.map(\.type))::text[],
                        \(late.map(\.occurredAt))::timestamptz[], \(late.map(\.watermark))::timestamptz[]) AS l ("offset", id, type, at, mark)
            ON CONFLICT DO NOTHING
            """,
            logger: logger
        )
    }

    /// The partition's offset moves past the batch.
    func commit(_ key: PartitionKey, next: Int64, maxEventTime: Date?, on connection: PostgresConnection) async throws {
        try await connection.query(
            """
            UPDATE rollup_offsets SET next_offset = \(next), max_event_time = greatest(max_event_time, \(maxEventTime)), updated_at = now()
            WHERE tenant_id = \(key.tenant) AND stream_id = \(key.stream) AND partition = \(key.partition)
            """,
            logger: logger
        )
    }
}

extension RollupStore {
    /// The stream's watermark row, if it has one.
    func watermark(
        of stream: SluiceCore.Stream,
        on connection: PostgresConnection
    ) async throws
        -> (maxEventTime: Date, watermark: Date?, lateApplied: Int64, lateDropped: Int64)?
    {
        for try await (time, watermark, applied, dropped) in try await connection.query(
            """
            SELECT max_event_time, CASE WHEN watermark > '-infinity' THEN watermark END, late_applied, late_dropped FROM rollup_watermarks
            WHERE tenant_id = \(stream.tenantID) AND stream_id = \(stream.id) AND max_event_time > '-infinity'
            """,
            logger: logger
        ).decode((Date, Date?, Int64, Int64).self) { return (time, watermark, applied, dropped) }
        return nil
    }

    /// The consumer's next offset per partition.
    func offsets(of stream: SluiceCore.Stream, on connection: PostgresConnection) async throws -> [(partition: Int, next: Int64)] {
        var offsets: [(partition: Int, next: Int64)] = []
        for try await (partition, next) in try await connection.query(
            "SELECT partition, next_offset FROM rollup_offsets WHERE tenant_id = \(stream.tenantID) AND stream_id = \(stream.id)",
            logger: logger
        ).decode((Int16, Int64).self) { offsets.append((Int(partition), next)) }
        return offsets
    }

    /// Within the caller's transaction: holds every partition of the stream's consumer, starts
    /// a new generation of its rollups (what the leaderboards cached is stale), deletes the
    /// rollups of [start, end) and aggregates again the events the consumer had applied there
    /// (before its offsets, less the late ones). Answers the events counted.
    func rebuild(_ stream: SluiceCore.Stream, from start: Date, to end: Date, on connection: PostgresConnection) async throws -> Int64 {
        let (tenant, streamID) = (stream.tenantID, stream.id)
        try await connection.query(
            """
            INSERT INTO rollup_offsets (tenant_id, stream_id, partition)
            SELECT \(tenant), \(streamID), partition FROM stream_partitions WHERE tenant_id = \(tenant) AND stream_id = \(streamID)
            ON CONFLICT DO NOTHING
            """,
            logger: logger
        )
        try await connection.query(
            "SELECT 1 FROM rollup_offsets WHERE tenant_id = \(tenant) AND stream_id = \(streamID) ORDER BY partition FOR UPDATE",
            logger: logger
        )
        // A new generation of the stream's rollups: what the leaderboards cached of them is stale.
        try await connection.query(
            """
            INSERT INTO rollup_watermarks (tenant_id, stream_id, max_event_time) VALUES (\(tenant), \(streamID), '-infinity')
            ON CONFLICT (tenant_id, stream_id) DO UPDATE SET rebuilds = rollup_watermarks.rebuilds + 1
            """,
            logger: logger
        )
        try await connection.query(
            "DELETE FROM rollups WHERE tenant_id = \(tenant) AND stream_id = \(streamID) AND bucket >= \(start) AND bucket < \(end)",
            logger: logger
        )
        try await connection.query(
            "DELETE FROM entity_rollups WHERE tenant_id = \(tenant) AND stream_id = \(streamID) AND bucket >= \(start) AND bucket < \(end)",
            logger: logger
        )
        // The events the consumer had applied in [start, end): before its offsets, less the late ones.
        let source = """
            FROM events e
            JOIN rollup_offsets o ON o.tenant_id = e.tenant_id AND o.stream_id = e.stream_id AND o.partition = e.partition
            WHERE e.tenant_id = $1 AND e.stream_id = $2 AND e.occurred_at >= $3 AND e.occurred_at < $4 AND e."offset" < o.next_offset
              AND NOT EXISTS (SELECT 1 FROM late_events l WHERE l.tenant_id = e.tenant_id AND l.stream_id = e.stream_id
                              AND l.partition = e.partition AND l."offset" = e."offset")
            """
        var bindings = PostgresBindings(capacity: 10)
        bindings.append(tenant)
        bindings.append(streamID)
        bindings.append(start)
        bindings.append(end)
        RollupSQL.bindDimensions(stream.dimensions, into: &bindings)
        try await connection.query(PostgresQuery(unsafeSQL: RollupSQL.upserts(source), binds: bindings), logger: logger)
        var events: Int64 = 0
        for try await count in try await connection.query(
            """
            SELECT coalesce(sum(events), 0)::int8 FROM rollups
            WHERE tenant_id = \(tenant) AND stream_id = \(streamID) AND resolution = 86400 AND bucket >= \(start) AND bucket < \(end)
            """,
            logger: logger
        ).decode(Int64.self) { events = count }
        return events
    }

    /// What `aggregate` groups by.
    enum GroupKey {
        case bucket, eventType, platform
        /// One of the stream's dimensions ('' for events without it).
        case dimension(String)
    }

    /// The metric per `key` (none: over everything) of the rollups at `resolution` in
    /// [from, filter.to) matching the filter. Rows: (key, value[, events]).
    static func aggregate(
        _ metric: AnalyticsMetric,
        key: GroupKey?,
        stream: SluiceCore.Stream,
        resolution: Int,
        from: Date,
        filter: AnalyticsFilter,
        withEvents: Bool = false,
        limit: Int? = nil,
        segments: [(resolution: Int, start: Date, end: Date)]? = nil
    ) -> PostgresQuery {
        var sql = BoundSQL()
        func sum(_ name: String) -> String {
            let member = sql.bind(name)
            return "sum(CASE WHEN jsonb_typeof(metrics->\(member)::text) = 'number' THEN (metrics->>\(member)::text)::numeric END)"
        }
        let keyColumn: String? =
            switch key {
            case nil: nil
            case .bucket: "bucket"
            case .eventType: "event_type"
            case .platform: "platform"
            case .dimension(let name): "coalesce(dimensions->>\(sql.bind(name))::text, '')"
            }
        let value: String
        switch metric {
        case .events: value = "sum(events)::float8"
        case .actors: value = "hll_cardinality(hll_union_agg(actors))::float8"
        case .engagement, .engagementRate:
            let engagement = "coalesce(\(sum("likes")), 0) + coalesce(\(sum("comments")), 0) + coalesce(\(sum("shares")), 0)"
            value = metric == .engagement ? "(\(engagement))::float8" : "((\(engagement)) / nullif(\(sum("views")), 0))::float8"
        case .sum(let name): value = "coalesce(\(sum(name)), 0)::float8"
        }
        let range: String
        if let segments {
            range =
                "("
                + segments.map { segment in
                    "(resolution = \(sql.bind(Int32(segment.resolution))) AND bucket >= \(sql.bind(segment.start)) AND bucket < \(sql.bind(segment.end)))"
                }.joined(separator: " OR ") + ")"
        } else {
            range = "resolution = \(sql.bind(Int32(resolution))) AND bucket >= \(sql.bind(from)) AND bucket < \(sql.bind(filter.to))"
        }
        let (eventType, platform) = (sql.bind(filter.eventType), sql.bind(filter.platform))
        let text = """
            SELECT \(keyColumn.map { "\($0), " } ?? "")\(value)\(withEvents ? ", sum(events)::int8" : "")
            FROM rollups
            WHERE tenant_id = \(sql.bind(stream.tenantID)) AND stream_id = \(sql.bind(stream.id)) AND \(range)
              AND (\(eventType)::text IS NULL OR event_type = \(eventType)::text)
              AND (\(platform)::text IS NULL OR platform = \(platform)::text)
              AND dimensions @> \(sql.bind(filter.dimensionsJSON))::jsonb
            \(keyColumn == nil ? "" : "GROUP BY 1")
            \(limit.map { "ORDER BY 2 DESC NULLS LAST, 1 LIMIT \(sql.bind(Int64($0)))" } ?? "")
            """
        return sql.query(text)
    }

    /// The metric per bucket of `resolution` in [from, filter.to).
    func perBucket(
        _ metric: AnalyticsMetric,
        stream: SluiceCore.Stream,
        resolution: Int,
        from: Date,
        filter: AnalyticsFilter,
        on connection: PostgresConnection
    ) async throws -> [(Date, Double?)] {
        var values: [(Date, Double?)] = []
        for try await row in try await connection.query(
            Self.aggregate(metric, key: .bucket, stream: stream, resolution: resolution, from: from, filter: filter),
            logger: logger
        ).decode((Date, Double?).self) { values.append(row) }
        return values
    }

    /// The metric over the whole of [from, filter.to).
    func total(
        _ metric: AnalyticsMetric,
        stream: SluiceCore.Stream,
        resolution: Int,
        from: Date,
        filter: AnalyticsFilter,
        on connection: PostgresConnection
    ) async throws -> Double? {
        for try await value in try await connection.query(
            Self.aggregate(metric, key: nil, stream: stream, resolution: resolution, from: from, filter: filter),
            logger: logger
        ).decode(Double?.self) { return value }
        return nil
    }

    /// The metric per `key` over `segments`, largest first: (value of the key, amount, events).
    func distribution(
        _ metric: AnalyticsMetric,
        key: GroupKey,
        stream: SluiceCore.Stream,
        from: Date,
        filter: AnalyticsFilter,
        limit: Int,
        segments: [(resolution: Int, start: Date, end: Date)],
        on connection: PostgresConnection
    ) async throws -> [(String, Double?, Int64)] {
        var rows: [(String, Double?, Int64)] = []
        for try await row in try await connection.query(
            Self.aggregate(
                metric,
                key: key,
                stream: stream,
                resolution: 300,
                from: from,
                filter: filter,
                withEvents: true,
                limit: limit,
                segments: segments
            ),
            logger: logger
        ).decode((String, Double?, Int64).self) { rows.append(row) }
        return rows
    }
}

// MARK: The live feed

extension RollupStore {
    /// The database's clock and the events stored in the stream (the sum of its partitions'
    /// counters).
    func clockAndStored(_ stream: SluiceCore.Stream, on connection: PostgresConnection) async throws -> (Date, Int64) {
        for try await row in try await connection.query(
            """
            SELECT clock_timestamp(), coalesce(sum(next_offset), 0)::int8 FROM stream_partitions
            WHERE tenant_id = \(stream.tenantID) AND stream_id = \(stream.id)
            """,
            logger: logger
        ).decode((Date, Int64).self) { return row }
        return (Date(), 0)
    }

    /// The events the consumer has applied, and the watermark.
    func appliedAndWatermark(_ stream: SluiceCore.Stream, on connection: PostgresConnection) async throws -> (Int64, Date?)? {
        for try await row in try await connection.query(
            """
            SELECT (SELECT coalesce(sum(next_offset), 0)::int8 FROM rollup_offsets WHERE tenant_id = \(stream.tenantID) AND stream_id = \(stream.id)),
                   (SELECT watermark FROM rollup_watermarks
                    WHERE tenant_id = \(stream.tenantID) AND stream_id = \(stream.id) AND watermark > '-infinity')
            """,
            logger: logger
        ).decode((Int64, Date?).self) { return row }
        return nil
    }

    /// The stream's watermark (nil before any), how often its rollups were rebuilt and how many
    /// batches applied: what tells a cached day of entity rows whether it is still current.
    func generation(
        of stream: SluiceCore.Stream,
        on connection: PostgresConnection
    ) async throws -> (
        watermark: Date?, rebuilds: Int64, batches: Int64
    ) {
        var answer: (watermark: Date?, rebuilds: Int64, batches: Int64) = (nil, 0, 0)
        for try await row in try await connection.query(
            """
            SELECT CASE WHEN watermark > '-infinity' THEN watermark END, rebuilds, batches FROM rollup_watermarks
            WHERE tenant_id = \(stream.tenantID) AND stream_id = \(stream.id)
            """,
            logger: logger
        ).decode((Date?, Int64, Int64).self) { answer = row }
        return answer
    }

    /// The 5-minute buckets changed after `since`, oldest change first, at most `limit`:
    /// (bucket, event type, platform, changed at, events, metric sums as JSON text).
    func changedBuckets(
        _ stream: SluiceCore.Stream,
        since: Date,
        limit: Int,
        on connection: PostgresConnection
    ) async throws -> [(Date, String, String, Date, Int64, String)] {
        var rows: [(Date, String, String, Date, Int64, String)] = []
        for try await row in try await connection.query(
            """
            WITH changed AS (
                SELECT bucket, event_type, platform, max(updated_at) AS changed_at FROM rollups
                WHERE tenant_id = \(stream.tenantID) AND stream_id = \(stream.id) AND resolution = 300 AND updated_at > \(since)
                GROUP BY 1, 2, 3 ORDER BY changed_at LIMIT \(Int64(limit))
            )
            SELECT c.bucket, c.event_type, c.platform, c.changed_at, sum(r.events)::int8,
                   (SELECT coalesce(jsonb_object_agg(k, total), '{}'::jsonb)
                    FROM (SELECT kv.key AS k, sum((kv.value)::numeric) AS total
                          FROM rollups m CROSS JOIN LATERAL jsonb_each(m.metrics) kv
                          WHERE m.tenant_id = \(stream.tenantID) AND m.stream_id = \(stream.id) AND m.resolution = 300 AND m.bucket = c.bucket
                            AND m.event_type = c.event_type AND m.platform = c.platform AND jsonb_typeof(kv.value) = 'number'
                          GROUP BY 1) sums)::text
            FROM changed c
            JOIN rollups r ON r.tenant_id = \(stream.tenantID) AND r.stream_id = \(stream.id) AND r.resolution = 300
                          AND r.bucket = c.bucket AND r.event_type = c.event_type AND r.platform = c.platform
            GROUP BY c.bucket, c.event_type, c.platform, c.changed_at
            ORDER BY c.changed_at
            """,
            logger: logger
        ).decode((Date, String, String, Date, Int64, String).self) { rows.append(row) }
        return rows
    }
}
