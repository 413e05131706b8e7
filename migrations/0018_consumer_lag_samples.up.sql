-- Each consumer group's lag, sampled every minute (ConsumerLagSampler) and kept seven days:
-- the history behind the lag chart and `GET …/consumer-groups/{group}/lag-history`.
-- At most 10,080 rows a group; the sampler deletes older ones as it goes.
CREATE TABLE consumer_lag_samples (
    tenant_id    uuid NOT NULL,
    group_id     uuid NOT NULL,
    -- the minute sampled: several servers sampling the same minute write one row
    sampled_at   timestamptz NOT NULL,
    lag          bigint NOT NULL,
    lag_seconds  double precision NOT NULL,
    PRIMARY KEY (tenant_id, group_id, sampled_at),
    FOREIGN KEY (tenant_id, group_id) REFERENCES consumer_groups (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX consumer_lag_samples_by_time ON consumer_lag_samples (sampled_at);
