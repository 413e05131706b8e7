DROP TABLE IF EXISTS audit_log;
DROP TABLE IF EXISTS audit_chain_heads;
DROP FUNCTION IF EXISTS audit_append(uuid, text, text, text, text, text, text, jsonb, text, text);
DROP FUNCTION IF EXISTS audit_entry_hash(bytea, uuid, bigint, timestamptz, text, text, text, text, text, text, jsonb, text, text);
DROP FUNCTION IF EXISTS refuse_change_to_append_only_table();
