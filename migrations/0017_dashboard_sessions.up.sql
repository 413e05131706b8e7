-- A signed-in browser of the dashboard: the cookie carries 256 random bits, stored here only as
-- their SHA-256. The member's role is read with the session on every request (as for access
-- tokens), so role changes and removals hold at once; a password reset (users.
-- sessions_valid_after) ends every session begun before it. A session is its user's, not a
-- tenant's (it moves between the user's tenants), so it is keyed by its token, like users by id;
-- a user's ended sessions are deleted when they next sign in.
CREATE TABLE dashboard_sessions (
    token_hash   bytea PRIMARY KEY CONSTRAINT token_hash_is_sha256 CHECK (length(token_hash) = 32),
    user_id      uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    tenant_id    uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    created_at   timestamptz NOT NULL DEFAULT now(),
    last_seen_at timestamptz NOT NULL DEFAULT now(),
    -- The absolute end; the idle end is last_seen_at plus the idle lifetime, checked on read.
    expires_at   timestamptz NOT NULL,
    CONSTRAINT expires_after_creation CHECK (expires_at > created_at)
);
CREATE INDEX dashboard_sessions_by_user ON dashboard_sessions (user_id);
