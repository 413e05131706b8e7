import Foundation
import PostgresNIO
import SluiceDatabase
import SluiceJSON

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
