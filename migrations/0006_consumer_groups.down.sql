DROP TABLE IF EXISTS consumer_offsets;
DROP TABLE IF EXISTS consumer_groups;
