-- A key the database does not hold: each audit entry's chain hash is authenticated with an
-- HMAC-SHA256 computed by the application (SLUICE_AUDIT_KEYS), so that whoever can write to
-- the database (the application's own role included) cannot rewrite entries and recompute
-- the chain unseen. Entries before this migration have no MAC; every entry after a tenant's
-- first keyed one must have one.
CREATE TABLE audit_macs (
    tenant_id  uuid NOT NULL,
    seq        bigint NOT NULL,
    key_id     text NOT NULL,
    mac        bytea NOT NULL CONSTRAINT mac_is_sha256_sized CHECK (length(mac) = 32),
    PRIMARY KEY (tenant_id, seq)
);
CREATE TRIGGER audit_macs_are_append_only
    BEFORE UPDATE OR DELETE ON audit_macs
    FOR EACH ROW EXECUTE FUNCTION refuse_change_to_append_only_table();
CREATE TRIGGER audit_macs_are_never_truncated
    BEFORE TRUNCATE ON audit_macs
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_change_to_append_only_table();
