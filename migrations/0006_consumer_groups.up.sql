-- Consumer groups: a named reader of a stream, with a committed offset per partition (the
-- next offset the group will read). Members and partition leases come with pull consumers.
CREATE TABLE consumer_groups (
    tenant_id       uuid NOT NULL,
    id              uuid NOT NULL,
    stream_id       uuid NOT NULL,
    name            text NOT NULL CONSTRAINT group_name_is_a_slug CHECK (name ~ '^[a-z0-9][a-z0-9._-]{0,99}$'),
    start_position  text NOT NULL CONSTRAINT start_position_is_known CHECK (start_position IN ('earliest', 'latest', 'timestamp')),
    start_at        timestamptz,
    created_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    CONSTRAINT group_name_is_unique_in_its_stream UNIQUE (tenant_id, stream_id, name),
    CONSTRAINT timestamp_start_has_a_time CHECK ((start_position = 'timestamp') = (start_at IS NOT NULL)),
    FOREIGN KEY (tenant_id, stream_id) REFERENCES streams (tenant_id, id) ON DELETE CASCADE
);

CREATE TABLE consumer_offsets (
    tenant_id         uuid NOT NULL,
    group_id          uuid NOT NULL,
    partition         smallint NOT NULL CONSTRAINT offset_partition_is_not_negative CHECK (partition >= 0),
    committed_offset  bigint NOT NULL CONSTRAINT committed_offset_is_not_negative CHECK (committed_offset >= 0),
    committed_at      timestamptz,
    PRIMARY KEY (tenant_id, group_id, partition),
    FOREIGN KEY (tenant_id, group_id) REFERENCES consumer_groups (tenant_id, id) ON DELETE CASCADE
);
