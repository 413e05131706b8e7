-- Streams, the append-only event store, idempotency keys, the schema registry and the
-- quarantine of rejected events. DESIGN.md §7–9.

CREATE TABLE streams (
    tenant_id          uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    id                 uuid NOT NULL,
    name               text NOT NULL
        CONSTRAINT stream_name_is_a_slug CHECK (name ~ '^[a-z0-9][a-z0-9._-]{0,99}$'),
    description        text NOT NULL DEFAULT ''
        CONSTRAINT stream_description_is_short CHECK (length(description) <= 1000),
    partitions         smallint NOT NULL
        CONSTRAINT stream_partitions_between_1_and_64 CHECK (partitions BETWEEN 1 AND 64),
    retention_seconds  integer NOT NULL DEFAULT 604800
        CONSTRAINT stream_retention_between_1_hour_and_90_days CHECK (retention_seconds BETWEEN 3600 AND 7776000),
    dedupe_window_seconds integer NOT NULL DEFAULT 86400
        CONSTRAINT stream_dedupe_window_between_1_minute_and_7_days CHECK (dedupe_window_seconds BETWEEN 60 AND 604800),
    schema_mode        text NOT NULL DEFAULT 'off'
        CONSTRAINT stream_schema_mode_is_known CHECK (schema_mode IN ('off', 'warn', 'enforce')),
    compatibility      text NOT NULL DEFAULT 'BACKWARD'
        CONSTRAINT stream_compatibility_is_known CHECK (compatibility IN
            ('NONE', 'BACKWARD', 'BACKWARD_TRANSITIVE', 'FORWARD', 'FORWARD_TRANSITIVE', 'FULL', 'FULL_TRANSITIVE')),
    created_at         timestamptz NOT NULL DEFAULT now(),
    updated_at         timestamptz NOT NULL DEFAULT now(),
    deleted_at         timestamptz,
    PRIMARY KEY (tenant_id, id)
);
-- A deleted stream's name may be taken again; its events stay until retention drops them.
CREATE UNIQUE INDEX streams_live_name_is_unique ON streams (tenant_id, name) WHERE deleted_at IS NULL;

-- The offset counter of each partition. The append transaction locks its row, so offsets
-- are dense and commit order equals offset order (DESIGN.md §7).
CREATE TABLE stream_partitions (
    tenant_id    uuid NOT NULL,
    stream_id    uuid NOT NULL,
    partition    smallint NOT NULL CONSTRAINT partition_is_not_negative CHECK (partition >= 0),
    next_offset  bigint NOT NULL DEFAULT 0 CONSTRAINT next_offset_is_not_negative CHECK (next_offset >= 0),
    PRIMARY KEY (tenant_id, stream_id, partition),
    FOREIGN KEY (tenant_id, stream_id) REFERENCES streams (tenant_id, id) ON DELETE CASCADE
);

-- The event store: range-partitioned by server time, one partition a UTC day, so that
-- retention drops whole partitions. (stream, partition, offset) is kept unique by the
-- counter lock above; the primary key must contain received_at to exist at all.
CREATE TABLE events (
    tenant_id       uuid NOT NULL,
    stream_id       uuid NOT NULL,
    partition       smallint NOT NULL,
    "offset"        bigint NOT NULL,
    id              uuid NOT NULL,
    type            text NOT NULL,
    source          text NOT NULL,
    key             text,
    occurred_at     timestamptz NOT NULL,
    received_at     timestamptz NOT NULL,
    schema_version  integer,
    -- Set in warn mode when the event failed its schema: the event is stored, flagged.
    schema_errors   jsonb,
    -- CloudEvents attributes without a column of their own (subject, extensions, …).
    attributes      jsonb,
    payload         jsonb NOT NULL,
    PRIMARY KEY (tenant_id, stream_id, partition, "offset", received_at)
) PARTITION BY RANGE (received_at);
CREATE INDEX events_by_occurred_at ON events (tenant_id, stream_id, occurred_at, id);
CREATE INDEX events_by_key ON events (tenant_id, stream_id, key, occurred_at, id) WHERE key IS NOT NULL;

CREATE TRIGGER events_are_append_only
    BEFORE UPDATE OR DELETE ON events
    FOR EACH ROW EXECUTE FUNCTION refuse_change_to_append_only_table();
CREATE TRIGGER events_are_never_truncated
    BEFORE TRUNCATE ON events
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_change_to_append_only_table();

-- Creates the daily partitions from `days_back` days ago to `days_ahead` days ahead (UTC).
-- Several nodes may call it at once: an advisory lock serialises them.
CREATE FUNCTION events_ensure_partitions(days_back integer, days_ahead integer) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
    day date;
    created integer := 0;
    name text;
BEGIN
    PERFORM pg_advisory_xact_lock(hashtext('sluice.events.partitions'));
    FOR day IN SELECT generate_series((now() AT TIME ZONE 'UTC')::date - days_back,
                                      (now() AT TIME ZONE 'UTC')::date + days_ahead, interval '1 day')::date LOOP
        name := 'events_p' || to_char(day, 'YYYYMMDD');
        IF to_regclass(name) IS NULL THEN
            EXECUTE format('CREATE TABLE %I PARTITION OF events FOR VALUES FROM (%L) TO (%L)',
                           name, day::timestamp AT TIME ZONE 'UTC', (day + 1)::timestamp AT TIME ZONE 'UTC');
            created := created + 1;
        END IF;
    END LOOP;
    RETURN created;
END $$;

-- Drops the daily partitions that every live stream's retention has passed; returns their
-- names. Streams keep different retentions in one table, so storage is freed at the pace of
-- the longest retention; reads hide what a stream's own retention has expired.
CREATE FUNCTION events_drop_expired_partitions() RETURNS SETOF text
LANGUAGE plpgsql AS $$
DECLARE
    horizon timestamptz;
    partition_name text;
BEGIN
    PERFORM pg_advisory_xact_lock(hashtext('sluice.events.partitions'));
    horizon := now() - make_interval(secs => coalesce(
        (SELECT max(retention_seconds) FROM streams WHERE deleted_at IS NULL), 604800));
    FOR partition_name IN
        SELECT child.relname FROM pg_inherits
        JOIN pg_class child ON child.oid = pg_inherits.inhrelid
        WHERE pg_inherits.inhparent = 'events'::regclass AND child.relname ~ '^events_p[0-9]{8}$'
        ORDER BY child.relname
    LOOP
        IF (to_date(substr(partition_name, 9), 'YYYYMMDD') + 1)::timestamp AT TIME ZONE 'UTC' <= horizon THEN
            EXECUTE format('DROP TABLE %I', partition_name);
            RETURN NEXT partition_name;
        END IF;
    END LOOP;
END $$;

SELECT events_ensure_partitions(1, 7);

-- Producer event ids seen within each stream's dedupe window (DESIGN.md §9): a unique
-- index on events could not hold them, since it must include received_at.
CREATE TABLE event_ids (
    tenant_id    uuid NOT NULL,
    stream_id    uuid NOT NULL,
    id           uuid NOT NULL,
    received_at  timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, stream_id, id)
);
CREATE INDEX event_ids_by_age ON event_ids (received_at);

-- The schema registry: per stream and event type, numbered JSON Schema versions.
CREATE TABLE stream_schemas (
    tenant_id    uuid NOT NULL,
    stream_id    uuid NOT NULL,
    event_type   text NOT NULL CONSTRAINT schema_event_type_is_short CHECK (length(event_type) BETWEEN 1 AND 200),
    version      integer NOT NULL CONSTRAINT schema_version_is_positive CHECK (version >= 1),
    schema       jsonb NOT NULL,
    fingerprint  text NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    created_by   text NOT NULL,
    deleted_at   timestamptz,
    PRIMARY KEY (tenant_id, stream_id, event_type, version),
    FOREIGN KEY (tenant_id, stream_id) REFERENCES streams (tenant_id, id) ON DELETE CASCADE
);

-- Events refused in enforce mode, with why; replayed into the stream or discarded later.
CREATE TABLE quarantine (
    tenant_id    uuid NOT NULL,
    id           uuid NOT NULL,
    stream_id    uuid NOT NULL,
    event_id     uuid NOT NULL,
    event_type   text NOT NULL,
    envelope     jsonb NOT NULL,
    errors       jsonb NOT NULL,
    received_at  timestamptz NOT NULL DEFAULT now(),
    status       text NOT NULL DEFAULT 'held'
        CONSTRAINT quarantine_status_is_known CHECK (status IN ('held', 'replayed', 'discarded')),
    resolved_at  timestamptz,
    resolved_by  text,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, stream_id) REFERENCES streams (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX quarantine_by_stream ON quarantine (tenant_id, stream_id, status, received_at);
