-- Tenants, users, memberships, invitations, refresh tokens and API keys.
--
-- Tenant-owned tables lead their primary key and indexes with tenant_id (DESIGN.md §6).
-- The exceptions are the lookups that a credential itself drives before the tenant is
-- known: a refresh token's hash, an API key's hash, an invitation token's hash, and a
-- user's memberships. Each is a unique hash of a 256-bit secret or a user id.

CREATE EXTENSION IF NOT EXISTS citext;

CREATE TABLE tenants (
    id          uuid PRIMARY KEY,
    name        text NOT NULL CONSTRAINT tenant_name_is_not_blank CHECK (length(btrim(name)) BETWEEN 1 AND 200),
    plan        text NOT NULL DEFAULT 'free',
    created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE users (
    id                  uuid PRIMARY KEY,
    email               citext NOT NULL CONSTRAINT email_is_unique UNIQUE
                        CONSTRAINT email_has_an_at CHECK (position('@' IN email) > 1),
    name                text,
    password_hash       text NOT NULL CONSTRAINT password_hash_is_argon2id CHECK (password_hash LIKE '$argon2id$%'),
    created_at          timestamptz NOT NULL DEFAULT now(),
    password_changed_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE memberships (
    tenant_id   uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    user_id     uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role        text NOT NULL CONSTRAINT role_is_known CHECK (role IN ('owner', 'admin', 'developer', 'viewer')),
    created_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, user_id)
);
CREATE INDEX memberships_by_user ON memberships (user_id, created_at);

CREATE TABLE invitations (
    tenant_id   uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    id          uuid NOT NULL,
    email       citext NOT NULL,
    role        text NOT NULL CONSTRAINT role_is_known CHECK (role IN ('owner', 'admin', 'developer', 'viewer')),
    token_hash  bytea NOT NULL CONSTRAINT token_hash_is_sha256 CHECK (length(token_hash) = 32),
    created_by  uuid NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    expires_at  timestamptz NOT NULL,
    accepted_at timestamptz,
    accepted_by uuid,
    revoked_at  timestamptz,
    PRIMARY KEY (tenant_id, id),
    CONSTRAINT expires_after_creation CHECK (expires_at > created_at)
);
CREATE UNIQUE INDEX invitations_by_token_hash ON invitations (token_hash);
CREATE UNIQUE INDEX one_pending_invitation_per_email ON invitations (tenant_id, email)
    WHERE accepted_at IS NULL AND revoked_at IS NULL;

CREATE TABLE refresh_tokens (
    tenant_id   uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    id          uuid NOT NULL,
    family_id   uuid NOT NULL,
    user_id     uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    token_hash  bytea NOT NULL CONSTRAINT token_hash_is_sha256 CHECK (length(token_hash) = 32),
    issued_at   timestamptz NOT NULL DEFAULT now(),
    expires_at  timestamptz NOT NULL,
    rotated_at  timestamptz,
    revoked_at  timestamptz,
    PRIMARY KEY (tenant_id, id),
    CONSTRAINT expires_after_issue CHECK (expires_at > issued_at)
);
CREATE UNIQUE INDEX refresh_tokens_by_hash ON refresh_tokens (token_hash);
CREATE INDEX refresh_tokens_by_family ON refresh_tokens (tenant_id, family_id);
CREATE INDEX refresh_tokens_by_user ON refresh_tokens (tenant_id, user_id) WHERE revoked_at IS NULL;

CREATE TABLE api_keys (
    tenant_id       uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    id              uuid NOT NULL,
    name            text NOT NULL CONSTRAINT name_is_not_blank CHECK (length(btrim(name)) BETWEEN 1 AND 100),
    prefix          text NOT NULL,
    key_hash        bytea NOT NULL CONSTRAINT key_hash_is_sha256 CHECK (length(key_hash) = 32),
    scopes          text[] NOT NULL
                    CONSTRAINT scopes_are_known CHECK (scopes <@ ARRAY['events:write', 'events:read', 'streams:manage', 'admin']::text[])
                    CONSTRAINT scopes_are_not_empty CHECK (cardinality(scopes) > 0),
    streams         text[],
    created_by_type text NOT NULL CONSTRAINT creator_is_user_key_or_system CHECK (created_by_type IN ('user', 'apiKey', 'system')),
    created_by_id   text NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    last_used_at    timestamptz,
    expires_at      timestamptz,
    revoked_at      timestamptz,
    PRIMARY KEY (tenant_id, id)
);
CREATE UNIQUE INDEX api_keys_by_hash ON api_keys (key_hash);
