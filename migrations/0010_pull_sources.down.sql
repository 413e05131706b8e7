DROP TABLE IF EXISTS pull_runs;
DROP TABLE IF EXISTS pull_entities;
DROP TABLE IF EXISTS pull_sources;
