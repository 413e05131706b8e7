DROP TABLE IF EXISTS quarantine;
DROP TABLE IF EXISTS stream_schemas;
DROP TABLE IF EXISTS event_ids;
DROP TABLE IF EXISTS events;
DROP FUNCTION IF EXISTS events_drop_expired_partitions();
DROP FUNCTION IF EXISTS events_ensure_partitions(integer, integer);
DROP TABLE IF EXISTS stream_partitions;
DROP TABLE IF EXISTS streams;
