ALTER TABLE rollup_watermarks DROP COLUMN IF EXISTS rebuilds;
