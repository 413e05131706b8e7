-- A consumer group's members: alive while seen within their session timeout. The group's
-- partitions are spread over its live members (ordered by join time), so that a member that
-- joins, leaves or goes silent moves partitions at once.
CREATE TABLE consumer_members (
    tenant_id           uuid NOT NULL,
    group_id            uuid NOT NULL,
    member_id           text NOT NULL CONSTRAINT member_id_is_short_and_plain CHECK (member_id ~ '^[A-Za-z0-9._:-]{1,100}$'),
    joined_at           timestamptz NOT NULL DEFAULT clock_timestamp(),
    seen_at             timestamptz NOT NULL DEFAULT clock_timestamp(),
    session_timeout_ms  integer NOT NULL CONSTRAINT session_timeout_between_1_and_300_seconds CHECK (session_timeout_ms BETWEEN 1000 AND 300000),
    PRIMARY KEY (tenant_id, group_id, member_id),
    FOREIGN KEY (tenant_id, group_id) REFERENCES consumer_groups (tenant_id, id) ON DELETE CASCADE
);
