-- The audit log: append-only, and tamper-evident through a hash chain per tenant.
--
-- Each entry's hash is sha256(previous hash || canonical text of the entry), the canonical
-- text being a JSON array of its fields as PostgreSQL renders it (deterministic for jsonb).
-- audit_append() serialises the writers of one tenant on its chain head row, so the chain
-- never forks. The database itself refuses UPDATE, DELETE and TRUNCATE on the log.

CREATE TABLE audit_log (
    tenant_id    uuid NOT NULL,
    seq          bigint NOT NULL CONSTRAINT seq_is_positive CHECK (seq > 0),
    occurred_at  timestamptz NOT NULL,
    actor_type   text NOT NULL CONSTRAINT actor_is_user_key_anonymous_or_system
                 CHECK (actor_type IN ('user', 'apiKey', 'anonymous', 'system')),
    actor_id     text,
    actor_label  text,
    action       text NOT NULL,
    target_type  text,
    target_id    text,
    details      jsonb NOT NULL DEFAULT '{}'::jsonb,
    client_ip    text,
    request_id   text,
    prev_hash    bytea NOT NULL,
    hash         bytea NOT NULL,
    PRIMARY KEY (tenant_id, seq)
);
CREATE INDEX audit_log_by_time ON audit_log (tenant_id, occurred_at);
CREATE INDEX audit_log_by_actor ON audit_log (tenant_id, actor_id, seq);
CREATE INDEX audit_log_by_action ON audit_log (tenant_id, action text_pattern_ops, seq);

CREATE TABLE audit_chain_heads (
    tenant_id  uuid PRIMARY KEY,
    seq        bigint NOT NULL,
    hash       bytea NOT NULL
);

CREATE FUNCTION audit_entry_hash(
    prev_hash bytea, tenant_id uuid, seq bigint, occurred_at timestamptz,
    actor_type text, actor_id text, actor_label text, action text,
    target_type text, target_id text, details jsonb, client_ip text, request_id text
) RETURNS bytea LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT sha256(prev_hash || convert_to(jsonb_build_array(
        tenant_id::text, seq, (extract(epoch FROM occurred_at) * 1000000)::bigint,
        actor_type, actor_id, actor_label, action, target_type, target_id,
        details, client_ip, request_id)::text, 'UTF8'))
$$;

CREATE FUNCTION audit_append(
    p_tenant_id uuid, p_actor_type text, p_actor_id text, p_actor_label text, p_action text,
    p_target_type text, p_target_id text, p_details jsonb, p_client_ip text, p_request_id text
) RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
    v_seq  bigint;
    v_prev bytea;
    v_hash bytea;
    v_at   timestamptz := date_trunc('microseconds', clock_timestamp());
BEGIN
    INSERT INTO audit_chain_heads (tenant_id, seq, hash)
        VALUES (p_tenant_id, 0, decode(repeat('00', 32), 'hex'))
        ON CONFLICT (tenant_id) DO NOTHING;
    SELECT seq, hash INTO v_seq, v_prev FROM audit_chain_heads WHERE tenant_id = p_tenant_id FOR UPDATE;
    v_seq := v_seq + 1;
    v_hash := audit_entry_hash(v_prev, p_tenant_id, v_seq, v_at, p_actor_type, p_actor_id, p_actor_label,
                               p_action, p_target_type, p_target_id, coalesce(p_details, '{}'::jsonb),
                               p_client_ip, p_request_id);
    INSERT INTO audit_log (tenant_id, seq, occurred_at, actor_type, actor_id, actor_label, action,
                           target_type, target_id, details, client_ip, request_id, prev_hash, hash)
        VALUES (p_tenant_id, v_seq, v_at, p_actor_type, p_actor_id, p_actor_label, p_action,
                p_target_type, p_target_id, coalesce(p_details, '{}'::jsonb), p_client_ip, p_request_id,
                v_prev, v_hash);
    UPDATE audit_chain_heads SET seq = v_seq, hash = v_hash WHERE tenant_id = p_tenant_id;
    RETURN v_seq;
END
$$;

CREATE FUNCTION refuse_change_to_append_only_table() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'insufficient_privilege';
END
$$;

CREATE TRIGGER audit_log_is_append_only
    BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION refuse_change_to_append_only_table();
CREATE TRIGGER audit_log_is_never_truncated
    BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_change_to_append_only_table();
