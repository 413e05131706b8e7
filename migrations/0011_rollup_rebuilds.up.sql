-- How many times a stream's rollups were rebuilt: the generation of its final days'
-- rollups, which the leaderboards cache in memory while it holds.
ALTER TABLE rollup_watermarks ADD COLUMN rebuilds bigint NOT NULL DEFAULT 0;
