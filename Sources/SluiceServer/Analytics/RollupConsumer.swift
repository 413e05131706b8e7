import Foundation
import Logging
import PostgresNIO
import Prometheus
import ServiceLifecycle
import SluiceJSON

/// Keeps every stream's rollups (5 minutes, 1 hour, 1 day on event time, by event type,
/// platform and the stream's dimensions: event count, sums of `data.metrics`, a HyperLogLog of
/// actors) exactly once: a batch's rollup deltas, its late events, the watermark and the
/// consumer's offset commit in one transaction, so a crash never counts an event twice or not
/// at all (DESIGN.md §12).
///
/// The watermark of a stream follows the latest event time of its slowest partition still
/// behind, less the stream's allowed lateness (default 1 hour; see `StreamProgress`); an
/// event time counts for it at most 5 minutes past the event's receipt, so a producer's clock
/// in the future cannot make every other event late. An event older than the watermark when
/// it is applied is not counted; it is recorded in `late_events` (listed in the failure view). Any number of nodes
/// may run the consumer: a partition's batch holds its offset row's lock (`SKIP LOCKED`), so
/// nodes never apply one partition at once. Woken by `EventNotifier` when events are stored.
final class RollupConsumer: Service, Sendable {
    struct Configuration: Sendable {
        var batchSize = 5000
        var idleCheck: Duration = .seconds(5)
        /// Tests only: the tenants whose streams are rolled up (nil: all).
        var tenants: Set<UUID>?
        /// Tests only: called inside a batch's transaction after the rollups are written and
        /// before the offset moves; throwing there rolls the batch back, as a crash would.
        var fault: (@Sendable (_ batch: Int) throws -> Void)?
    }

    static let resolutions = [300, 3600, 86_400]
    /// How far after its receipt an event's time may move the watermark.
    static let futureTolerance: TimeInterval = 300

    private let configuration: Configuration
    private let client: Database
    private let logger: Logger
    private let notifier: EventNotifier
    private let applied: Prometheus.Counter?
    private let late: Prometheus.Counter?

    init(
        configuration: Configuration = .init(),
        client: Database,
        logger: Logger,
        notifier: EventNotifier,
        metrics: PrometheusCollectorRegistry? = nil
    ) {
        self.configuration = configuration
        self.client = client
        self.logger = logger
        self.notifier = notifier
        let counter = { (outcome: String) in
            metrics?.makeCounter(
                name: "sluice_rollup_events_total",
                labels: [("outcome", outcome)],
                help: "Events the analytics consumer applied to the rollups, or left out as later than the watermark."
            )
        }
        applied = counter("applied")
        late = counter("late")
    }

    func run() async throws {
        await cancelWhenGracefulShutdown {
            var failures = 0
            while !Task.isCancelled {
                let version = self.notifier.version(of: EventNotifier.anyStream)
                do {
                    let count = try await self.drain()
                    failures = 0
                    if count == 0 { await self.notifier.wait(for: EventNotifier.anyStream, after: version, timeout: self.configuration.idleCheck) }
                } catch {
                    if Task.isCancelled { break }
                    failures += 1
                    self.logger.warning("rollup batch failed; retrying", metadata: ["error": "\(String(reflecting: error))"])
                    try? await Task.sleep(for: .milliseconds(min(5000, 100 << min(failures, 6))))
                }
            }
        }
    }

    /// Applies one batch of every partition with events not yet rolled up, until none is left
    /// (or the others are held by other nodes); answers the events taken in (applied or late).
    @discardableResult
    func drain() async throws -> Int {
        var total = 0
        var batch = 0
        while !Task.isCancelled {
            var round = 0
            for work in try await pending() where !Task.isCancelled {
                batch += 1
                round += try await apply(work, batch: batch)
            }
            total += round
            if round == 0 { break }
        }
        return total
    }

    struct Work: Sendable {
        var tenantID: UUID
        var streamID: UUID
        var partition: Int
        var lateness: Int
        /// name → JSON pointer into `data`.
        var dimensions: [String: String]
    }

    /// Partitions of live streams with events the rollups have not applied yet.
    private func pending() async throws -> [Work] {
        let tenants = configuration.tenants.map { Array($0) }
        let rows = try await client.query(
            """
            SELECT s.tenant_id, s.id, p.partition, s.allowed_lateness_seconds, s.rollup_dimensions::text
            FROM streams s
            JOIN stream_partitions p ON p.tenant_id = s.tenant_id AND p.stream_id = s.id
            LEFT JOIN rollup_offsets o ON o.tenant_id = s.tenant_id AND o.stream_id = s.id AND o.partition = p.partition
            WHERE s.deleted_at IS NULL AND p.next_offset > coalesce(o.next_offset, 0)
              AND (\(tenants)::uuid[] IS NULL OR s.tenant_id = ANY(\(tenants)::uuid[]))
            """,
            logger: logger
        )
        var work: [Work] = []
        for try await (tenant, stream, partition, lateness, dimensions) in rows.decode((UUID, UUID, Int16, Int32, String).self) {
            work.append(
                Work(
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

    /// Applies one batch of a partition; answers the events taken in (0 if another node holds
    /// the partition or nothing was there).
    private func apply(_ work: Work, batch: Int) async throws -> Int {
        let (taken, lateCount) = try await client.transaction(logger: logger) { [self] connection -> (Int, Int) in
            let (tenant, stream, partition) = (work.tenantID, work.streamID, Int16(work.partition))
            // A batch whose commit a crash loses is lost whole — its deltas with its offset — and
            // applied again: exactly once does not need the commit to wait for the WAL flush.
            try await connection.query("SET LOCAL synchronous_commit = off", logger: logger)
            try await connection.query(
                """
                INSERT INTO rollup_offsets (tenant_id, stream_id, partition) VALUES (\(tenant), \(stream), \(partition))
                ON CONFLICT DO NOTHING
                """,
                logger: logger
            )
            var next: Int64?
            for try await offset in try await connection.query(
                """
                SELECT next_offset FROM rollup_offsets
                WHERE tenant_id = \(tenant) AND stream_id = \(stream) AND partition = \(partition) FOR UPDATE SKIP LOCKED
                """,
                logger: logger
            ).decode(Int64.self) { next = offset }
            guard let next else { return (0, 0) }

            // The batch and the partition's counter in one statement, so in one snapshot: an append
            // commits its offsets and its events together, so every offset below that counter is
            // either among these events or gone with its day's partition (retention).
            var events: [(offset: Int64, id: UUID, type: String, occurredAt: Date, receivedAt: Date)] = []
            var end: Int64 = next
            for try await (offset, id, type, occurredAt, receivedAt, counter) in try await connection.query(
                """
                SELECT e."offset", e.id, e.type, e.occurred_at, e.received_at, p.next_offset
                FROM stream_partitions p
                LEFT JOIN LATERAL (
                    SELECT "offset", id, type, occurred_at, received_at FROM events
                    WHERE tenant_id = p.tenant_id AND stream_id = p.stream_id AND partition = p.partition AND "offset" >= \(next)
                    ORDER BY "offset" LIMIT \(Int64(configuration.batchSize))
                ) e ON true
                WHERE p.tenant_id = \(tenant) AND p.stream_id = \(stream) AND p.partition = \(partition)
                ORDER BY e."offset"
                """,
                logger: logger
            ).decode((Int64?, UUID?, String?, Date?, Date?, Int64).self) {
                end = counter
                if let offset, let id, let type, let occurredAt, let receivedAt { events.append((offset, id, type, occurredAt, receivedAt)) }
            }
            guard let last = events.last else {
                // Nothing at or past `next` in a snapshot whose counter is `end`: what lies between
                // was dropped (retention); skip it, and nothing that committed later.
                if end > next {
                    try await connection.query(
                        """
                        UPDATE rollup_offsets SET next_offset = \(end), updated_at = now()
                        WHERE tenant_id = \(tenant) AND stream_id = \(stream) AND partition = \(partition)
                        """,
                        logger: logger
                    )
                }
                return (0, 0)
            }

            // The stream's watermark row serialises its partitions' batches: each batch sees
            // the watermark and every partition's progress as the last one left them.
            try await connection.query(
                """
                INSERT INTO rollup_watermarks (tenant_id, stream_id, max_event_time) VALUES (\(tenant), \(stream), '-infinity')
                ON CONFLICT DO NOTHING
                """,
                logger: logger
            )
            var streamMax: Date?
            var watermark: Date?
            for try await (maxTime, mark) in try await connection.query(
                """
                SELECT CASE WHEN max_event_time > '-infinity' THEN max_event_time END, CASE WHEN watermark > '-infinity' THEN watermark END
                FROM rollup_watermarks WHERE tenant_id = \(tenant) AND stream_id = \(stream) FOR UPDATE
                """,
                logger: logger
            ).decode((Date?, Date?).self) { (streamMax, watermark) = (maxTime, mark) }
            var progress = StreamProgress()
            for try await (other, end, done, maxTime) in try await connection.query(
                """
                SELECT p.partition, p.next_offset, coalesce(o.next_offset, 0), CASE WHEN o.max_event_time > '-infinity' THEN o.max_event_time END
                FROM stream_partitions p
                LEFT JOIN rollup_offsets o ON o.tenant_id = p.tenant_id AND o.stream_id = p.stream_id AND o.partition = p.partition
                WHERE p.tenant_id = \(tenant) AND p.stream_id = \(stream)
                """,
                logger: logger
            ).decode((Int16, Int64, Int64, Date?).self) {
                progress.partitions[Int(other)] = .init(end: end, done: done, maxEventTime: maxTime)
            }

            var applied: [Int64] = []
            var late: [(offset: Int64, id: UUID, type: String, occurredAt: Date, watermark: Date)] = []
            var lateApplied = 0
            var own = progress.partitions[work.partition] ?? .init(end: last.offset + 1, done: next, maxEventTime: nil)
            let others = progress.earliestBehind(excluding: work.partition)
            for event in events {
                // The watermark as this event finds it: never back, and held by any other
                // partition still behind, so that a backlog applied a partition at a time
                // does not make the slower partitions' events late.
                let current = StreamProgress.advance(watermark, to: others.bound(own: own.maxEventTime), lateness: work.lateness)
                if let current, event.occurredAt < current {
                    late.append((event.offset, event.id, event.type, event.occurredAt, current))
                    continue
                }
                if let streamMax, event.occurredAt < streamMax { lateApplied += 1 }
                applied.append(event.offset)
                // An event stamped in the future counts, but moves the watermark no further
                // than its receipt allows: one bad clock must not make every event late.
                let time = min(event.occurredAt, event.receivedAt.addingTimeInterval(Self.futureTolerance))
                own.maxEventTime = max(own.maxEventTime ?? time, time)
                streamMax = max(streamMax ?? time, time)
            }
            own.done = last.offset + 1
            own.end = max(own.end, own.done)
            progress.partitions[work.partition] = own
            let newWatermark = StreamProgress.advance(watermark, to: progress.bound, lateness: work.lateness)

            if !applied.isEmpty || !late.isEmpty {
                // Before the upserts: a batch that applies events takes the next number, which its
                // entity rollup rows carry (RollupSQL.entities). greatest() passes over NULL:
                // what is not known yet leaves the column as it is.
                try await connection.query(
                    """
                    UPDATE rollup_watermarks
                    SET max_event_time = greatest(max_event_time, \(streamMax)), watermark = greatest(watermark, \(newWatermark)),
                        late_applied = late_applied + \(Int64(lateApplied)),
                        late_dropped = late_dropped + \(Int64(late.count)), batches = batches + \(Int64(applied.isEmpty ? 0 : 1)),
                        updated_at = now()
                    WHERE tenant_id = \(tenant) AND stream_id = \(stream)
                    """,
                    logger: logger
                )
            }
            if !applied.isEmpty {
                let statements = RollupSQL.upserts(
                    tenant: tenant,
                    stream: stream,
                    dimensions: work.dimensions,
                    source: #"FROM events e WHERE e.tenant_id = $1 AND e.stream_id = $2 AND e.partition = $3 AND e."offset" = ANY($4::bigint[])"#
                ) {
                    $0.bind(partition)
                    $0.bind(applied)
                }
                for statement in statements { try await connection.query(statement, logger: logger) }
            }
            if !late.isEmpty {
                try await connection.query(
                    """
                    INSERT INTO late_events (tenant_id, stream_id, partition, "offset", event_id, event_type, occurred_at, watermark)
                    SELECT \(tenant), \(stream), \(partition), l."offset", l.id, l.type, l.at, l.mark
                    FROM unnest(\(late.map(\.offset))::bigint[], \(late.map(\.id))::uuid[], \(late.map(\.type))::text[],
                                \(late.map(\.occurredAt))::timestamptz[], \(late.map(\.watermark))::timestamptz[]) AS l ("offset", id, type, at, mark)
                    ON CONFLICT DO NOTHING
                    """,
                    logger: logger
                )
            }
            try configuration.fault?(batch)
            try await connection.query(
                """
                UPDATE rollup_offsets SET next_offset = \(last.offset + 1), max_event_time = greatest(max_event_time, \(own.maxEventTime)), updated_at = now()
                WHERE tenant_id = \(tenant) AND stream_id = \(stream) AND partition = \(partition)
                """,
                logger: logger
            )
            return (events.count, late.count)
        }
        applied?.increment(by: Int64(taken - lateCount))
        late?.increment(by: Int64(lateCount))
        return taken
    }
}

/// Every partition's progress through a stream, for its watermark: the stream's watermark is
/// the earliest latest event time among the partitions still behind (their events not all
/// applied) — or, when none is, the latest of all — less the allowed lateness, and it never
/// moves back. A partition behind that has applied nothing yet holds it where it is.
struct StreamProgress {
    struct Partition {
        var end: Int64
        var done: Int64
        var maxEventTime: Date?
        var behind: Bool { end > done }
    }

    enum Behind {
        case none
        /// A partition behind has no event time yet.
        case blocked
        case earliest(Date)

        /// The latest event time the watermark may follow while a partition whose latest
        /// applied event time is `own` (none yet: it holds the watermark) is being applied.
        func bound(own: Date?) -> Date? {
            switch self {
            case .blocked: nil
            case .earliest(let time): own.map { min($0, time) }
            case .none: own
            }
        }
    }

    var partitions: [Int: Partition] = [:]

    /// The latest event time the stream's watermark may follow, as the partitions stand.
    var bound: Date? {
        switch earliestBehind(excluding: nil) {
        case .blocked: nil
        case .earliest(let time): time
        case .none: partitions.values.compactMap(\.maxEventTime).max()
        }
    }

    func earliestBehind(excluding excluded: Int?) -> Behind {
        let behind = partitions.filter { $0.key != excluded && $0.value.behind }.values
        if behind.isEmpty { return .none }
        let times = behind.map(\.maxEventTime)
        if times.contains(where: { $0 == nil }) { return .blocked }
        return .earliest(times.compactMap { $0 }.min()!)
    }

    static func advance(_ watermark: Date?, to bound: Date?, lateness: Int) -> Date? {
        [watermark, bound?.addingTimeInterval(-TimeInterval(lateness))].compactMap { $0 }.max()
    }
}

/// The one statement that turns stored events into rollup deltas, shared by the consumer and
/// by rebuilds.
enum RollupSQL {
    /// The statements that upsert the rollup and entity rollup deltas of the events `source`
    /// selects. `source` is a `FROM events e …` clause that may use `$1` (tenant), `$2`
    /// (stream) and the parameters from `$3` that `binds` appends.
    static func upserts(
        tenant: UUID,
        stream: UUID,
        dimensions: [String: String],
        source: String,
        binds: (inout BoundSQL) -> Void
    ) -> [PostgresQuery] {
        var sql = BoundSQL()
        sql.bind(tenant)
        sql.bind(stream)
        binds(&sql)
        let entityStatement = sql.query(entities(source))
        let dimensionValues = dimensionsExpression(dimensions, binding: &sql)
        return [sql.query(rollups(source, dimensions: dimensionValues)), entityStatement]
    }

    /// The event's dimension values as a JSON object (those it has), written out per stream:
    /// none is a constant, and each is one path lookup (a generic walk over the paths in SQL
    /// cost 5 times the rest of the statement: 650 of 750 ms for a batch of 5,000). Names and
    /// paths are the tenant's, so each is a bound parameter.
    static func dimensionsExpression(_ dimensions: [String: String], binding sql: inout BoundSQL) -> String {
        guard !dimensions.isEmpty else { return "'{}'::jsonb" }
        let members = dimensions.sorted { $0.key < $1.key }.map { name, pointer in
            let path = pointer.dropFirst().split(separator: "/", omittingEmptySubsequences: false)
                .map { JSONPointer.unescape(String($0)) }
            return "\(sql.bind(name))::text, left(e.payload #>> \(sql.bind(path))::text[], 200)"
        }
        return "jsonb_strip_nulls(jsonb_build_object(\(members.joined(separator: ", "))))"
    }

    private static func rollups(_ source: String, dimensions: String) -> String {
        """
        WITH e AS (
            SELECT e.type, e.occurred_at,
                   coalesce(CASE WHEN jsonb_typeof(e.payload->'platform') = 'string' THEN left(e.payload->>'platform', 100) END, '') AS platform,
                   \(dimensions) AS dimensions,
                   coalesce(e.payload #>> '{actor,id}', e.payload #>> '{account,id}') AS actor,
                   CASE WHEN jsonb_typeof(e.payload->'metrics') = 'object' THEN e.payload->'metrics' ELSE '{}'::jsonb END AS metrics
            \(source)
        ),
        b AS (
            SELECT r.res, date_bin(make_interval(secs => r.res), e.occurred_at, TIMESTAMPTZ '1970-01-01 00:00:00+00') AS bucket,
                   e.type, e.platform, e.dimensions, e.actor, e.metrics
            FROM e CROSS JOIN (VALUES (300), (3600), (86400)) AS r (res)
        ),
        sums AS (
            SELECT b.res, b.bucket, b.type, b.platform, b.dimensions, kv.key, sum((kv.value)::numeric) AS total
            FROM b CROSS JOIN LATERAL jsonb_each(b.metrics) AS kv
            WHERE jsonb_typeof(kv.value) = 'number'
            GROUP BY 1, 2, 3, 4, 5, 6
        ),
        metric_objects AS (
            SELECT res, bucket, type, platform, dimensions, jsonb_object_agg(key, total) AS metrics FROM sums GROUP BY 1, 2, 3, 4, 5
        ),
        groups AS (
            SELECT res, bucket, type, platform, dimensions, count(*) AS events,
                   coalesce(hll_add_agg(hll_hash_text(actor)) FILTER (WHERE actor IS NOT NULL), hll_empty()) AS actors
            FROM b GROUP BY 1, 2, 3, 4, 5
        )
        INSERT INTO rollups (tenant_id, stream_id, resolution, bucket, event_type, platform, dimensions, events, metrics, actors)
        SELECT $1, $2, g.res, g.bucket, g.type, g.platform, g.dimensions, g.events, coalesce(m.metrics, '{}'::jsonb), g.actors
        FROM groups g LEFT JOIN metric_objects m USING (res, bucket, type, platform, dimensions)
        ON CONFLICT (tenant_id, stream_id, resolution, bucket, event_type, platform, dimensions) DO UPDATE
        SET events = rollups.events + excluded.events,
            updated_at = clock_timestamp(),
            actors = hll_union(rollups.actors, excluded.actors),
            metrics = (SELECT coalesce(jsonb_object_agg(k, coalesce((rollups.metrics->>k)::numeric, 0) + coalesce((excluded.metrics->>k)::numeric, 0)), '{}'::jsonb)
                       FROM (SELECT jsonb_object_keys(rollups.metrics) UNION SELECT jsonb_object_keys(excluded.metrics)) AS keys (k))
        """
    }

    /// Per entity: events, and the first and last snapshot by (event time, event id), merged
    /// without regard to the order events come in.
    private static func entities(_ source: String) -> String {
        /// The row's or the batch's first (last) snapshot, whichever comes before (after).
        func keep(_ side: String, _ comparison: String) -> String {
            let wins = """
                excluded.\(side)_at IS NOT NULL AND (entity_rollups.\(side)_at IS NULL
                    OR (excluded.\(side)_at, excluded.\(side)_event) \(comparison) (entity_rollups.\(side)_at, entity_rollups.\(side)_event))
                """
            return ["at", "event", "metrics"].map { column in
                "\(side)_\(column) = CASE WHEN \(wins) THEN excluded.\(side)_\(column) ELSE entity_rollups.\(side)_\(column) END"
            }.joined(separator: ",\n")
        }
        return """
            WITH e AS (
                SELECT e.id, e.occurred_at,
                       coalesce(CASE WHEN jsonb_typeof(e.payload->'platform') = 'string' THEN left(e.payload->>'platform', 100) END, '') AS platform,
                       left(e.payload #>> '{account,id}', 200) AS account, left(e.payload #>> '{account,handle}', 200) AS account_handle,
                       left(e.payload #>> '{content,id}', 200) AS content,
                       left(e.payload #>> '{actor,id}', 200) AS actor, left(e.payload #>> '{actor,handle}', 200) AS actor_handle,
                       CASE WHEN jsonb_typeof(e.payload->'metrics') = 'object' AND e.payload->'metrics' <> '{}'::jsonb THEN e.payload->'metrics' END AS metrics
                \(source)
            ),
            x AS (
                SELECT 'account' AS kind, account AS entity, NULL::text AS parent, account_handle AS handle, platform, occurred_at, id,
                       CASE WHEN content IS NULL THEN metrics END AS metrics
                FROM e WHERE account IS NOT NULL
                UNION ALL
                SELECT 'content', content, account, NULL, platform, occurred_at, id, metrics FROM e WHERE content IS NOT NULL AND actor IS NULL
                UNION ALL
                SELECT 'actor', actor, NULL, actor_handle, platform, occurred_at, id, NULL FROM e WHERE actor IS NOT NULL
            ),
            b AS (
                SELECT r.res, date_bin(make_interval(secs => r.res), x.occurred_at, TIMESTAMPTZ '1970-01-01 00:00:00+00') AS bucket, x.*
                FROM x CROSS JOIN (VALUES (3600), (86400)) AS r (res)
            ),
            g AS (
                SELECT res, kind, bucket, platform, entity, count(*) AS events,
                       (array_agg(parent ORDER BY occurred_at DESC, id DESC) FILTER (WHERE parent IS NOT NULL))[1] AS parent,
                       (array_agg(handle ORDER BY occurred_at DESC, id DESC) FILTER (WHERE handle IS NOT NULL))[1] AS handle,
                       (array_agg(occurred_at ORDER BY occurred_at, id) FILTER (WHERE metrics IS NOT NULL))[1] AS first_at,
                       (array_agg(id ORDER BY occurred_at, id) FILTER (WHERE metrics IS NOT NULL))[1] AS first_event,
                       (array_agg(metrics ORDER BY occurred_at, id) FILTER (WHERE metrics IS NOT NULL))[1] AS first_metrics,
                       (array_agg(occurred_at ORDER BY occurred_at DESC, id DESC) FILTER (WHERE metrics IS NOT NULL))[1] AS last_at,
                       (array_agg(id ORDER BY occurred_at DESC, id DESC) FILTER (WHERE metrics IS NOT NULL))[1] AS last_event,
                       (array_agg(metrics ORDER BY occurred_at DESC, id DESC) FILTER (WHERE metrics IS NOT NULL))[1] AS last_metrics
                FROM b GROUP BY 1, 2, 3, 4, 5
            )
            INSERT INTO entity_rollups (tenant_id, stream_id, resolution, kind, bucket, platform, entity, account, handle, events,
                                        first_at, first_event, first_metrics, last_at, last_event, last_metrics, batch)
            SELECT $1, $2, res, kind, bucket, platform, entity, parent, handle, events,
                   first_at, first_event, first_metrics, last_at, last_event, last_metrics,
                   coalesce((SELECT batches FROM rollup_watermarks WHERE tenant_id = $1 AND stream_id = $2), 0)
            FROM g
            ON CONFLICT (tenant_id, stream_id, resolution, kind, bucket, platform, entity) DO UPDATE
            SET events = entity_rollups.events + excluded.events,
                batch = excluded.batch,
                account = coalesce(excluded.account, entity_rollups.account),
                handle = coalesce(excluded.handle, entity_rollups.handle),
                \(keep("first", "<")),
                \(keep("last", ">"))
            """
    }
}
