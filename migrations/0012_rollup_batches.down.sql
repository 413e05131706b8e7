ALTER TABLE entity_rollups DROP COLUMN IF EXISTS batch;
ALTER TABLE rollup_watermarks DROP COLUMN IF EXISTS batches;
