DROP TABLE IF EXISTS entity_rollups;
DROP TABLE IF EXISTS late_events;
DROP TABLE IF EXISTS rollups;
DROP TABLE IF EXISTS rollup_watermarks;
DROP TABLE IF EXISTS rollup_offsets;
ALTER TABLE streams DROP COLUMN IF EXISTS allowed_lateness_seconds, DROP COLUMN IF EXISTS rollup_dimensions;
