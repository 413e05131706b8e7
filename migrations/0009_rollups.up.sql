-- Real-time analytics, first part: rollups of each stream at 5 minutes, 1 hour and 1 day on
-- event time, kept exactly once by an internal consumer whose offsets commit in the same
-- transaction as the rollup deltas; a watermark per stream with an allowed lateness; events
-- later than that are not applied but recorded (the failure view lists them). DESIGN.md §12.
-- Unique actors are HyperLogLog sketches (the `hll` extension, postgresql-15-hll); creating it
-- needs a superuser the first time: scripts/services.sh does, as it does for citext.
CREATE EXTENSION IF NOT EXISTS hll;

ALTER TABLE streams
    ADD COLUMN allowed_lateness_seconds integer NOT NULL DEFAULT 3600
        CONSTRAINT allowed_lateness_between_0_and_7_days CHECK (allowed_lateness_seconds BETWEEN 0 AND 604800),
    -- Extra rollup dimensions: {"name": "/json/pointer/into/data", …}, at most 3.
    ADD COLUMN rollup_dimensions jsonb NOT NULL DEFAULT '{}';

-- The analytics consumer's position per partition: the next offset to apply.
CREATE TABLE rollup_offsets (
    tenant_id    uuid NOT NULL,
    stream_id    uuid NOT NULL,
    partition    smallint NOT NULL,
    next_offset  bigint NOT NULL DEFAULT 0,
    -- The latest event time applied from the partition (its share in the stream's watermark).
    max_event_time  timestamptz NOT NULL DEFAULT '-infinity',
    updated_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, stream_id, partition),
    FOREIGN KEY (tenant_id, stream_id) REFERENCES streams (tenant_id, id) ON DELETE CASCADE
);

-- Per stream: the latest event time applied ('-infinity' before the first) and the watermark —
-- the earliest latest event time among the partitions still behind (else the latest of all),
-- less the allowed lateness, never moving back. Its row also serialises the stream's batches.
CREATE TABLE rollup_watermarks (
    tenant_id       uuid NOT NULL,
    stream_id       uuid NOT NULL,
    max_event_time  timestamptz NOT NULL,
    watermark       timestamptz NOT NULL DEFAULT '-infinity',
    late_applied    bigint NOT NULL DEFAULT 0,
    late_dropped    bigint NOT NULL DEFAULT 0,
    updated_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, stream_id),
    FOREIGN KEY (tenant_id, stream_id) REFERENCES streams (tenant_id, id) ON DELETE CASCADE
);

-- One row per stream, resolution (seconds), bucket start, event type, platform ('' when the
-- event names none) and the values of the stream's dimensions ({} when it has none): the event
-- count, the sums of its numeric metrics (data.metrics), and a HyperLogLog of its actors
-- (data.actor.id, else data.account.id).
CREATE TABLE rollups (
    tenant_id   uuid NOT NULL,
    stream_id   uuid NOT NULL,
    resolution  integer NOT NULL CONSTRAINT resolution_is_known CHECK (resolution IN (300, 3600, 86400)),
    bucket      timestamptz NOT NULL,
    event_type  text NOT NULL,
    platform    text NOT NULL,
    dimensions  jsonb NOT NULL,
    events      bigint NOT NULL,
    metrics     jsonb NOT NULL,
    actors      hll NOT NULL,
    -- When the row last changed (the live feed sends the 5-minute rows changed since its last tick).
    updated_at  timestamptz NOT NULL DEFAULT clock_timestamp(),
    PRIMARY KEY (tenant_id, stream_id, resolution, bucket, event_type, platform, dimensions),
    FOREIGN KEY (tenant_id, stream_id) REFERENCES streams (tenant_id, id) ON DELETE CASCADE
);

CREATE INDEX rollups_changed ON rollups (tenant_id, stream_id, updated_at) WHERE resolution = 300;

-- Events that came later than the watermark allowed: not in the rollups, kept for the failure view.
CREATE TABLE late_events (
    tenant_id    uuid NOT NULL,
    id           uuid NOT NULL DEFAULT gen_random_uuid(),
    stream_id    uuid NOT NULL,
    partition    smallint NOT NULL,
    "offset"     bigint NOT NULL,
    event_id     uuid NOT NULL,
    event_type   text NOT NULL,
    occurred_at  timestamptz NOT NULL,
    watermark    timestamptz NOT NULL,
    recorded_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, stream_id, partition, "offset"),
    FOREIGN KEY (tenant_id, stream_id) REFERENCES streams (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX late_events_by_time ON late_events (tenant_id, stream_id, recorded_at DESC, id DESC);

-- Per entity (an account, a piece of content, an actor), hour and day: events, and the first and
-- the last metrics snapshot in the bucket by event time (with the event id to break ties), so
-- merges are order-free and late snapshots land where they belong. Leaderboards, activity and
-- growth (the last value at the end of a range less the last before it) read these.
-- Accounts take snapshots from events without content (account metrics), content from events
-- with content; actors only count. An event with an actor (a comment, a mention) counts for
-- the actor and the account, not as content of its own. `account` is a content's account.
CREATE TABLE entity_rollups (
    tenant_id      uuid NOT NULL,
    stream_id      uuid NOT NULL,
    resolution     integer NOT NULL CONSTRAINT entity_resolution_is_known CHECK (resolution IN (3600, 86400)),
    kind           text NOT NULL CONSTRAINT entity_kind_is_known CHECK (kind IN ('account', 'content', 'actor')),
    bucket         timestamptz NOT NULL,
    platform       text NOT NULL,
    entity         text NOT NULL,
    account        text,
    handle         text,
    events         bigint NOT NULL,
    first_at       timestamptz,
    first_event    uuid,
    first_metrics  jsonb,
    last_at        timestamptz,
    last_event     uuid,
    last_metrics   jsonb,
    PRIMARY KEY (tenant_id, stream_id, resolution, kind, bucket, platform, entity),
    FOREIGN KEY (tenant_id, stream_id) REFERENCES streams (tenant_id, id) ON DELETE CASCADE
);
-- One entity's rows (activity, baselines), with or without its platform.
CREATE INDEX entity_rollups_by_entity ON entity_rollups (tenant_id, stream_id, kind, entity, platform, resolution, bucket);
