-- Platform webhooks (Instagram): the callback URL carries a random id; the app secret that
-- signs the notifications is kept sealed (AES-GCM), the verify token only as a SHA-256 hash.
CREATE TABLE platform_webhooks (
    tenant_id          uuid NOT NULL,
    id                 uuid NOT NULL,
    stream_id          uuid NOT NULL,
    platform           text NOT NULL CONSTRAINT webhook_platform_is_known CHECK (platform IN ('instagram')),
    app_secret_sealed  bytea NOT NULL,
    verify_token_hash  bytea NOT NULL,
    created_at         timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    CONSTRAINT one_webhook_per_stream_and_platform UNIQUE (tenant_id, stream_id, platform),
    FOREIGN KEY (tenant_id, stream_id) REFERENCES streams (tenant_id, id) ON DELETE CASCADE
);
-- Callbacks name only the id.
CREATE UNIQUE INDEX platform_webhooks_by_id ON platform_webhooks (id);
