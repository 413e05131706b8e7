-- Access tokens issued before this instant are no longer accepted for the user (set when an
-- operator resets the password: a reset ends every session).
ALTER TABLE users ADD COLUMN sessions_valid_after timestamptz;
