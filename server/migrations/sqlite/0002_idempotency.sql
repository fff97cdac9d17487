-- Responses of saves sent with an Idempotency-Key, so a retry whose first response was
-- lost gets that response again instead of a false conflict. Written in the same
-- transaction as the save it records; kept for a configurable time (24 h by default).
CREATE TABLE idempotency_keys (
    user_id     TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    key         TEXT NOT NULL,
    fingerprint TEXT NOT NULL,  -- SHA-256 of method, path, If-Match and the parsed body
    status      INTEGER NOT NULL,
    etag        TEXT,
    body        TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    -- Keys are scoped per user: two people may pick the same key.
    PRIMARY KEY (user_id, key)
);
CREATE INDEX idempotency_keys_created_idx ON idempotency_keys (created_at);
