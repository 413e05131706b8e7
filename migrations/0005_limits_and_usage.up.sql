-- Per-key rate-limit overrides (NULL: the tenant's plan decides), a tenant's monthly event
-- quota override (NULL: the plan's), and usage per tenant, key and calendar month (UTC).
ALTER TABLE api_keys
    ADD COLUMN requests_per_second double precision,
    ADD COLUMN requests_burst      integer,
    ADD COLUMN events_per_second   double precision,
    ADD COLUMN events_burst        integer,
    ADD CONSTRAINT requests_limit_is_whole CHECK ((requests_per_second IS NULL) = (requests_burst IS NULL)),
    ADD CONSTRAINT requests_limit_is_positive CHECK (requests_per_second > 0 AND requests_burst >= 1),
    ADD CONSTRAINT events_limit_is_whole CHECK ((events_per_second IS NULL) = (events_burst IS NULL)),
    ADD CONSTRAINT events_limit_is_positive CHECK (events_per_second > 0 AND events_burst >= 1);

ALTER TABLE tenants
    ADD COLUMN monthly_event_quota bigint CONSTRAINT monthly_event_quota_is_not_negative CHECK (monthly_event_quota >= 0);

-- Added to by every node (its counts since its last flush); the quota counters in Redis are
-- seeded from here when Redis has lost them. `key_id` is the nil UUID for members' requests.
CREATE TABLE usage (
    tenant_id  uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    period     date NOT NULL CONSTRAINT period_is_a_month_start CHECK (extract(day FROM period) = 1),
    key_id     uuid NOT NULL,
    events     bigint NOT NULL DEFAULT 0 CHECK (events >= 0),
    requests   bigint NOT NULL DEFAULT 0 CHECK (requests >= 0),
    PRIMARY KEY (tenant_id, period, key_id)
);
