import Foundation
import PostgresNIO
import SluiceCore
import SluiceJSON

/// The statement that turns stored events into rollup and entity rollup deltas, shared by the
/// consumer (prepared: `ConsumerUpserts`) and by rebuilds.
///
/// Its parameters are laid out alike whatever selects the events: `$1` tenant, `$2` stream,
/// `$3` and `$4` the event source's own (a partition and its offsets, or a time range), `$5` to
/// `$10` the stream's dimensions (`dimensionSlots`). So its text is fixed for its source, and
/// PostgreSQL plans it once per connection instead of on every batch (planning was about half
/// of a small batch's cost). The events are read, and their JSON paths taken, once for both
/// tables (two statements read them twice: a quarter of a 2,000-event batch's time).
enum RollupSQL {
    /// The consumer's events: a partition's at the given offsets.
    static let consumerSource = #"FROM events e WHERE e.tenant_id = $1 AND e.stream_id = $2 AND e.partition = $3 AND e."offset" = ANY($4::bigint[])"#

    /// Binds `$5` to `$10`: each of the stream's dimensions (sorted by name) as its name and
    /// the path of its JSON pointer, NULL in the slots it does not use.
    static func bindDimensions(_ dimensions: [String: String], into bindings: inout PostgresBindings) {
        let used = dimensions.sorted { $0.key < $1.key }.prefix(SluiceCore.Stream.maxDimensions)
        for slot in 0..<SluiceCore.Stream.maxDimensions {
            if slot < used.count {
                let (name, pointer) = used[used.startIndex + slot]
                bindings.append(name)
                bindings.append(pointer.dropFirst().split(separator: "/", omittingEmptySubsequences: false).map { JSONPointer.unescape(String($0)) })
            } else {
                bindings.append(String?.none)
                bindings.append([String]?.none)
            }
        }
    }

    /// The types of `$1`, `$2`, and of `$5` to `$10` (those of `$3`, `$4` are the source's).
    static func bindingDataTypes(source: [PostgresDataType]) -> [PostgresDataType] {
        [.uuid, .uuid] + source + Array(repeating: [PostgresDataType.text, .textArray], count: SluiceCore.Stream.maxDimensions).flatMap { $0 }
    }

    /// The event's dimension values as a JSON object (those it has): one path lookup per slot
    /// in use (a generic walk over the paths in SQL cost 5 times the rest of the statement),
    /// a constant when the stream has none. A slot's placeholder key (`~1`…) can never be a
    /// dimension's name and is dropped with its NULL value.
    private static var dimensionSlots: String {
        let members = (0..<SluiceCore.Stream.maxDimensions).map { slot in
            "coalesce($\(5 + 2 * slot)::text, '~\(slot + 1)'), left(e.payload #>> $\(6 + 2 * slot)::text[], 200)"
        }
        return "CASE WHEN $5::text IS NULL THEN '{}'::jsonb ELSE jsonb_strip_nulls(jsonb_build_object(\(members.joined(separator: ", ")))) END"
    }

    /// The rollups and entity rollups of the events `source` selects (`FROM events e …`), in
    /// one statement: `src` reads each event's fields once; the rollups are upserted in a
    /// data-modifying `WITH` (run exactly once, read or not), the entity rollups by the main
    /// statement.
    static func upserts(_ source: String) -> String {
        """
        WITH src AS MATERIALIZED (
            SELECT e.id, e.type, e.occurred_at,
                   coalesce(CASE WHEN jsonb_typeof(e.payload->'platform') = 'string' THEN left(e.payload->>'platform', 100) END, '') AS platform,
                   \(dimensionSlots) AS dimensions,
                   e.payload #>> '{actor,id}' AS actor_id, e.payload #>> '{actor,handle}' AS actor_handle,
                   e.payload #>> '{account,id}' AS account_id, e.payload #>> '{account,handle}' AS account_handle,
                   e.payload #>> '{content,id}' AS content_id,
                   CASE WHEN jsonb_typeof(e.payload->'metrics') = 'object' THEN e.payload->'metrics' END AS metrics
            \(source)
        ),
        \(rollups),
        \(entities)
        """
    }

    /// The rollups' part: the events are grouped at 5 minutes, once, and the hours and days are
    /// summed from those groups (each event's metrics are read once, not once per resolution).
    private static let rollups = """
        e AS (
            SELECT date_bin('300 seconds', occurred_at, TIMESTAMPTZ '1970-01-01 00:00:00+00') AS bucket, type, platform, dimensions,
                   coalesce(actor_id, account_id) AS actor, metrics
            FROM src
        ),
        fine AS MATERIALIZED (
            SELECT bucket, type, platform, dimensions, count(*) AS events,
                   coalesce(hll_add_agg(hll_hash_text(actor)) FILTER (WHERE actor IS NOT NULL), hll_empty()) AS actors,
                   (SELECT coalesce(jsonb_object_agg(s.key, s.total), '{}'::jsonb)
                    FROM (SELECT kv.key, sum((kv.value)::numeric) AS total
                          FROM unnest(array_agg(metrics) FILTER (WHERE metrics IS NOT NULL)) AS m (o) CROSS JOIN LATERAL jsonb_each(m.o) AS kv
                          WHERE jsonb_typeof(kv.value) = 'number' GROUP BY kv.key) AS s) AS metrics
            FROM e GROUP BY 1, 2, 3, 4
        ),
        groups AS (
            SELECT 300 AS res, bucket, type, platform, dimensions, events, actors, metrics FROM fine
            UNION ALL
            SELECT r.res, date_bin(make_interval(secs => r.res), f.bucket, TIMESTAMPTZ '1970-01-01 00:00:00+00'), f.type, f.platform,
                   f.dimensions, sum(f.events)::int8, hll_union_agg(f.actors),
                   (SELECT coalesce(jsonb_object_agg(s.key, s.total), '{}'::jsonb)
                    FROM (SELECT kv.key, sum((kv.value)::numeric) AS total
                          FROM unnest(array_agg(f.metrics)) AS m (o) CROSS JOIN LATERAL jsonb_each(m.o) AS kv GROUP BY kv.key) AS s)
            FROM fine f CROSS JOIN (VALUES (3600), (86400)) AS r (res)
            GROUP BY 1, 2, 3, 4, 5
        ),
        rolled AS (
            INSERT INTO rollups (tenant_id, stream_id, resolution, bucket, event_type, platform, dimensions, events, metrics, actors)
            SELECT $1, $2, g.res, g.bucket, g.type, g.platform, g.dimensions, g.events, g.metrics, g.actors
            FROM groups g
            ON CONFLICT (tenant_id, stream_id, resolution, bucket, event_type, platform, dimensions) DO UPDATE
            SET events = rollups.events + excluded.events,
                updated_at = clock_timestamp(),
                actors = hll_union(rollups.actors, excluded.actors),
                metrics = (SELECT coalesce(jsonb_object_agg(k, coalesce((rollups.metrics->>k)::numeric, 0) + coalesce((excluded.metrics->>k)::numeric, 0)), '{}'::jsonb)
                           FROM (SELECT jsonb_object_keys(rollups.metrics) UNION SELECT jsonb_object_keys(excluded.metrics)) AS keys (k))
        )
        """

    /// Per entity: events, and the first and last snapshot by (event time, event id), merged
    /// without regard to the order events come in. The hours are grouped from the events; the
    /// days from the hours (hours are disjoint and ordered in time, so a day's first snapshot
    /// is its earliest hour's first, its last the latest hour's last).
    private static var entities: String {
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
        /// Within an hour by (event time, id); across a day's hours by the hour.
        func pick(_ column: String, _ order: String, when present: String) -> String {
            "(array_agg(\(column) ORDER BY \(order)) FILTER (WHERE \(present) IS NOT NULL))[1]"
        }
        let (earliest, latest) = ("occurred_at, id", "occurred_at DESC, id DESC")
        return """
            ee AS (
                SELECT id, occurred_at, platform, left(account_id, 200) AS account, left(account_handle, 200) AS account_handle,
                       left(content_id, 200) AS content, left(actor_id, 200) AS actor, left(actor_handle, 200) AS actor_handle,
                       CASE WHEN metrics <> '{}'::jsonb THEN metrics END AS metrics
                FROM src
            ),
            x AS (
                SELECT 'account' AS kind, account AS entity, NULL::text AS parent, account_handle AS handle, platform, occurred_at, id,
                       CASE WHEN content IS NULL THEN metrics END AS metrics
                FROM ee WHERE account IS NOT NULL
                UNION ALL
                SELECT 'content', content, account, NULL, platform, occurred_at, id, metrics FROM ee WHERE content IS NOT NULL AND actor IS NULL
                UNION ALL
                SELECT 'actor', actor, NULL, actor_handle, platform, occurred_at, id, NULL FROM ee WHERE actor IS NOT NULL
            ),
            hours AS MATERIALIZED (
                SELECT kind, date_bin('3600 seconds', occurred_at, TIMESTAMPTZ '1970-01-01 00:00:00+00') AS bucket, platform, entity,
                       count(*) AS events,
                       \(pick("parent", latest, when: "parent")) AS parent,
                       \(pick("handle", latest, when: "handle")) AS handle,
                       \(pick("occurred_at", earliest, when: "metrics")) AS first_at,
                       \(pick("id", earliest, when: "metrics")) AS first_event,
                       \(pick("metrics", earliest, when: "metrics")) AS first_metrics,
                       \(pick("occurred_at", latest, when: "metrics")) AS last_at,
                       \(pick("id", latest, when: "metrics")) AS last_event,
                       \(pick("metrics", latest, when: "metrics")) AS last_metrics
                FROM x GROUP BY 1, 2, 3, 4
            ),
            g AS (
                SELECT 3600 AS res, * FROM hours
                UNION ALL
                SELECT 86400, kind, date_bin('86400 seconds', bucket, TIMESTAMPTZ '1970-01-01 00:00:00+00'), platform, entity, sum(events)::int8,
                       \(pick("parent", "bucket DESC", when: "parent")), \(pick("handle", "bucket DESC", when: "handle")),
                       \(pick("first_at", "bucket", when: "first_at")), \(pick("first_event", "bucket", when: "first_at")),
                       \(pick("first_metrics", "bucket", when: "first_at")),
                       \(pick("last_at", "bucket DESC", when: "last_at")), \(pick("last_event", "bucket DESC", when: "last_at")),
                       \(pick("last_metrics", "bucket DESC", when: "last_at"))
                FROM hours GROUP BY 1, 2, 3, 4, 5
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

/// The consumer's upserts for a partition's batch, prepared once per connection.
struct ConsumerUpserts: PostgresPreparedStatement {
    static let name = "sluice_rollup_upserts_v1"
    static let sql = RollupSQL.upserts(RollupSQL.consumerSource)
    static let bindingDataTypes = RollupSQL.bindingDataTypes(source: [.int2, .int8Array])
    typealias Row = ()

    var key: RollupStore.PartitionKey
    var offsets: [Int64]
    var dimensions: [String: String]

    func makeBindings() throws -> PostgresBindings {
        var bindings = PostgresBindings(capacity: 10)
        bindings.append(key.tenant)
        bindings.append(key.stream)
        bindings.append(key.partition)
        bindings.append(offsets)
        RollupSQL.bindDimensions(dimensions, into: &bindings)
        return bindings
    }

    func decodeRow(_ row: PostgresRow) throws -> Row {}
}
