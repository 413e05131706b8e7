-- Push subscriptions: a webhook endpoint bound to a consumer group, its deliveries worked by
-- the worker pool under partition leases, failed deliveries retried on a schedule and then
-- dead-lettered. DESIGN.md §10–11.
CREATE TABLE subscriptions (
    tenant_id                   uuid NOT NULL,
    id                          uuid NOT NULL,
    stream_id                   uuid NOT NULL,
    group_id                    uuid NOT NULL,
    -- the group was made with the subscription (and goes with it)
    owns_group                  boolean NOT NULL,
    name                        text NOT NULL CONSTRAINT subscription_name_is_a_slug CHECK (name ~ '^[a-z0-9][a-z0-9._-]{0,99}$'),
    url                         text NOT NULL CONSTRAINT url_is_http CHECK (url ~ '^https?://' AND length(url) <= 2000),
    event_types                 text[],
    -- AES-GCM sealed; the previous secret still signs until it expires (rotation)
    secret_sealed               bytea NOT NULL,
    previous_secret_sealed      bytea,
    previous_secret_expires_at  timestamptz,
    timeout_ms                  integer NOT NULL CONSTRAINT timeout_between_100_ms_and_60_s CHECK (timeout_ms BETWEEN 100 AND 60000),
    -- seconds before retry 1, 2, …; the last repeats up to max_attempts
    retry_schedule              integer[] NOT NULL,
    max_attempts                integer NOT NULL CONSTRAINT max_attempts_between_1_and_100 CHECK (max_attempts BETWEEN 1 AND 100),
    strict_ordering             boolean NOT NULL DEFAULT false,
    circuit_failures            integer NOT NULL CONSTRAINT circuit_failures_at_least_1 CHECK (circuit_failures >= 1),
    circuit_period_seconds      integer NOT NULL CONSTRAINT circuit_period_not_negative CHECK (circuit_period_seconds >= 0),
    state                       text NOT NULL DEFAULT 'active' CONSTRAINT subscription_state_is_known CHECK (state IN ('active', 'paused')),
    paused_at                   timestamptz,
    paused_reason               text,
    consecutive_failures        integer NOT NULL DEFAULT 0,
    failing_since               timestamptz,
    last_success_at             timestamptz,
    last_failure_at             timestamptz,
    last_error                  text,
    created_at                  timestamptz NOT NULL DEFAULT now(),
    updated_at                  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    CONSTRAINT subscription_name_is_unique_in_its_stream UNIQUE (tenant_id, stream_id, name),
    CONSTRAINT one_subscription_per_group UNIQUE (tenant_id, group_id),
    FOREIGN KEY (tenant_id, stream_id) REFERENCES streams (tenant_id, id) ON DELETE CASCADE,
    -- a group that a subscription uses cannot be deleted under it
    FOREIGN KEY (tenant_id, group_id) REFERENCES consumer_groups (tenant_id, id)
);
-- Workers look for work across tenants.
CREATE INDEX subscriptions_active ON subscriptions (state, tenant_id, id);

-- Worker processes, alive while seen within the lease period: the work is shared among them.
CREATE TABLE delivery_workers (
    id           text PRIMARY KEY,
    concurrency  integer NOT NULL,
    started_at   timestamptz NOT NULL DEFAULT clock_timestamp(),
    seen_at      timestamptz NOT NULL DEFAULT clock_timestamp()
);

-- A subscription's partition is worked by one worker at a time: the one holding its lease.
CREATE TABLE delivery_leases (
    tenant_id        uuid NOT NULL,
    subscription_id  uuid NOT NULL,
    partition        smallint NOT NULL,
    owner            text NOT NULL,
    expires_at       timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, subscription_id, partition),
    FOREIGN KEY (tenant_id, subscription_id) REFERENCES subscriptions (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX delivery_leases_by_owner ON delivery_leases (owner);

-- Events whose delivery failed: retrying on the schedule, or dead (the dead-letter queue).
-- A row points at the stored event (stream, partition, offset); it copies nothing of it.
CREATE TABLE deliveries (
    tenant_id        uuid NOT NULL,
    id               uuid NOT NULL,
    subscription_id  uuid NOT NULL,
    stream_id        uuid NOT NULL,
    partition        smallint NOT NULL,
    "offset"         bigint NOT NULL,
    event_id         uuid NOT NULL,
    event_type       text NOT NULL,
    status           text NOT NULL CONSTRAINT delivery_status_is_known CHECK (status IN ('retrying', 'dead')),
    -- a replay starts a new series of attempts
    series           integer NOT NULL DEFAULT 1,
    attempts_made    integer NOT NULL,
    next_attempt_at  timestamptz,
    claimed_by       text,
    -- every attempt: {series, attempt, at, durationMs, status?, error?, response?}
    attempts         jsonb NOT NULL,
    last_status      integer,
    last_error       text,
    created_at       timestamptz NOT NULL DEFAULT now(),
    dead_at          timestamptz,
    PRIMARY KEY (tenant_id, id),
    CONSTRAINT one_delivery_row_per_event UNIQUE (tenant_id, subscription_id, partition, "offset"),
    CONSTRAINT retrying_has_a_time CHECK ((status = 'retrying') = (next_attempt_at IS NOT NULL)),
    FOREIGN KEY (tenant_id, subscription_id) REFERENCES subscriptions (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX deliveries_due ON deliveries (next_attempt_at) WHERE status = 'retrying';
CREATE INDEX deliveries_dead ON deliveries (tenant_id, subscription_id, status, dead_at, id);
