-- Events are charged where they are stored: the append transaction adds its events here, in
-- the same commit, so usage (and a quota rebuilt from it) is exactly what the store holds,
-- whatever happens to a node afterwards (DESIGN.md §17). One row per partition as well as per
-- key and month: a partition's appends are serialised by its counter row already, so the
-- partitions of one tenant never wait on each other here.
CREATE TABLE usage_events (
    tenant_id  uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    period     date NOT NULL CONSTRAINT period_is_a_month_start CHECK (extract(day FROM period) = 1),
    key_id     uuid NOT NULL,
    stream_id  uuid NOT NULL,
    partition  smallint NOT NULL,
    events     bigint NOT NULL CHECK (events >= 0),
    PRIMARY KEY (tenant_id, period, key_id, stream_id, partition)
);

-- What nodes counted in memory until now moves over (as if stored in one unnamed partition).
INSERT INTO usage_events (tenant_id, period, key_id, stream_id, partition, events)
SELECT tenant_id, period, key_id, '00000000-0000-0000-0000-000000000000', 0, events FROM usage WHERE events > 0;
UPDATE usage SET events = 0 WHERE events > 0;
