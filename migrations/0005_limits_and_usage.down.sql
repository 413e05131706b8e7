DROP TABLE IF EXISTS usage;
ALTER TABLE tenants DROP COLUMN IF EXISTS monthly_event_quota;
ALTER TABLE api_keys
    DROP COLUMN IF EXISTS requests_per_second,
    DROP COLUMN IF EXISTS requests_burst,
    DROP COLUMN IF EXISTS events_per_second,
    DROP COLUMN IF EXISTS events_burst;
