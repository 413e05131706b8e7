-- The consumer's batches of a stream, counted: each batch that applies events takes the next
-- number and stamps it on the entity rollup rows it writes. The leaderboards keep a day that
-- is not final yet in memory with the count it was read at, and later read only the rows of
-- later batches (no index: they are found among the day's rows, which a day's read scans
-- anyway).
ALTER TABLE rollup_watermarks ADD COLUMN batches bigint NOT NULL DEFAULT 0;
ALTER TABLE entity_rollups ADD COLUMN batch bigint NOT NULL DEFAULT 0;
