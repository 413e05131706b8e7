-- Pull sources: a source polls an HTTP JSON API for each of its entities on an interval and
-- maps the answer into an event of its stream (issue 6, item 7). Workers claim due entities
-- under leases (never two at once), pace the source's requests within its budget and
-- concurrency while holding the source's row, and record every request as a run.
CREATE TABLE pull_sources (
    tenant_id               uuid NOT NULL,
    id                      uuid NOT NULL,
    stream_id               uuid NOT NULL,
    name                    text NOT NULL CONSTRAINT source_name_is_a_slug CHECK (name ~ '^[a-z0-9][a-z0-9._-]{0,99}$'),
    -- http(s), with {entity} where the entity's id goes (percent-encoded)
    url_template            text NOT NULL CONSTRAINT url_template_is_http CHECK (url_template ~ '^https?://' AND length(url_template) <= 2000),
    headers                 jsonb NOT NULL DEFAULT '{}',
    -- AES-GCM sealed JSON object of header name → value; only the names are shown
    secret_headers_sealed   bytea,
    secret_header_names     text[] NOT NULL DEFAULT '{}',
    interval_seconds        integer NOT NULL CONSTRAINT interval_between_1_s_and_a_week CHECK (interval_seconds BETWEEN 1 AND 604800),
    jitter_seconds          integer NOT NULL CONSTRAINT jitter_within_the_interval CHECK (jitter_seconds BETWEEN 0 AND interval_seconds),
    timeout_ms              integer NOT NULL CONSTRAINT source_timeout_between_100_ms_and_60_s CHECK (timeout_ms BETWEEN 100 AND 60000),
    concurrency             integer NOT NULL CONSTRAINT concurrency_between_1_and_64 CHECK (concurrency BETWEEN 1 AND 64),
    requests_per_minute     integer NOT NULL CONSTRAINT budget_between_1_and_60000 CHECK (requests_per_minute BETWEEN 1 AND 60000),
    retry_initial_seconds   integer NOT NULL CONSTRAINT retry_initial_between_1_s_and_a_day CHECK (retry_initial_seconds BETWEEN 1 AND 86400),
    -- how an answer becomes an event: platform, kind, metrics (name → JSON pointer), handle, account
    mapping                 jsonb NOT NULL,
    state                   text NOT NULL DEFAULT 'active' CONSTRAINT source_state_is_known CHECK (state IN ('active', 'paused')),
    -- after a 429: no request of the source before this
    rate_limited_until      timestamptz,
    -- pacing within the budget: the earliest time the next request may start
    next_request_at         timestamptz NOT NULL DEFAULT now(),
    created_at              timestamptz NOT NULL DEFAULT now(),
    updated_at              timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, stream_id, name),
    FOREIGN KEY (tenant_id, stream_id) REFERENCES streams (tenant_id, id) ON DELETE CASCADE
);

CREATE TABLE pull_entities (
    tenant_id        uuid NOT NULL,
    source_id        uuid NOT NULL,
    entity           text NOT NULL CONSTRAINT entity_is_short CHECK (length(entity) BETWEEN 1 AND 200),
    next_run_at      timestamptz NOT NULL,
    -- consecutive failed runs (the backoff's exponent)
    failures         integer NOT NULL DEFAULT 0,
    leased_by        text,
    lease_until      timestamptz,
    last_run_at      timestamptz,
    last_success_at  timestamptz,
    last_status      integer,
    last_error       text,
    added_at         timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, source_id, entity),
    FOREIGN KEY (tenant_id, source_id) REFERENCES pull_sources (tenant_id, id) ON DELETE CASCADE
);
-- Due entities, soonest first.
CREATE INDEX pull_entities_due ON pull_entities (next_run_at);

CREATE TABLE pull_runs (
    tenant_id    uuid NOT NULL,
    source_id    uuid NOT NULL,
    id           uuid NOT NULL,
    entity       text NOT NULL,
    started_at   timestamptz NOT NULL,
    duration_ms  integer NOT NULL,
    outcome      text NOT NULL CONSTRAINT run_outcome_is_known CHECK (outcome IN ('ok', 'failed', 'timeout', 'rate-limited')),
    http_status  integer,
    error        text,
    -- the event the run stored (its id is the run's)
    event_id     uuid,
    worker       text NOT NULL,
    PRIMARY KEY (tenant_id, source_id, id),
    FOREIGN KEY (tenant_id, source_id) REFERENCES pull_sources (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX pull_runs_by_entity ON pull_runs (tenant_id, source_id, entity, id);
CREATE INDEX pull_runs_by_time ON pull_runs (started_at);
