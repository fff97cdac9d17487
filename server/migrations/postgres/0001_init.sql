-- Concord's schema for PostgreSQL: the same tables and meanings as the SQLite backend's
-- migrations up to 0005, so both share row decoding. Timestamps are RFC 3339 text in UTC
-- with milliseconds (they sort as text, exactly as on SQLite); tags and changed fields
-- are JSON arrays in text. Case-insensitive names and search compare text the server
-- folded (name_key, search_text): the database never folds.

CREATE TABLE users (
    id            TEXT PRIMARY KEY,
    name          TEXT NOT NULL,
    name_key      TEXT NOT NULL,
    password_hash TEXT NOT NULL,  -- Argon2id PHC string
    created_at    TEXT NOT NULL,
    CONSTRAINT users_name_key UNIQUE (name_key)
);

CREATE TABLE sessions (
    -- Only a SHA-256 of the cookie's token is kept: a copy of the database opens no sessions.
    token_hash TEXT PRIMARY KEY,
    user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
);
CREATE INDEX sessions_user_idx ON sessions (user_id);
CREATE INDEX sessions_expires_idx ON sessions (expires_at);

CREATE TABLE documents (
    id          TEXT PRIMARY KEY,
    title       TEXT NOT NULL,
    slug        TEXT NOT NULL,
    tags        TEXT NOT NULL,     -- JSON array of strings, sorted, no duplicates
    body        TEXT NOT NULL,
    search_text TEXT NOT NULL,     -- title, slug and body, case-folded by the server
    status      TEXT NOT NULL CHECK (status IN ('draft', 'published', 'archived')),
    rev         BIGINT NOT NULL CHECK (rev > 0),
    owner_id    TEXT NOT NULL REFERENCES users (id),
    created_at  TEXT NOT NULL,
    created_by  TEXT NOT NULL REFERENCES users (id),
    updated_at  TEXT NOT NULL,
    updated_by  TEXT NOT NULL REFERENCES users (id),
    deleted_at  TEXT               -- soft delete: history stays, the slug is freed
);
-- Slugs are unique among live documents only; the constraint, not a prior check, decides races.
CREATE UNIQUE INDEX documents_live_slug_key ON documents (slug) WHERE deleted_at IS NULL;
-- The list is ordered by last change, newest first, and paged by (updated_at, id).
CREATE INDEX documents_updated_idx ON documents (updated_at DESC, id DESC) WHERE deleted_at IS NULL;
CREATE INDEX documents_owner_idx ON documents (owner_id);

-- Append-only history: one row per change with the full values after it. Never updated.
CREATE TABLE revisions (
    doc_id         TEXT NOT NULL REFERENCES documents (id),
    rev            BIGINT NOT NULL,
    title          TEXT NOT NULL,
    slug           TEXT NOT NULL,
    tags           TEXT NOT NULL,
    body           TEXT NOT NULL,
    status         TEXT NOT NULL,
    changed_fields TEXT NOT NULL, -- JSON array of field names changed by this revision
    deleted        BOOLEAN NOT NULL DEFAULT FALSE,
    author_id      TEXT NOT NULL REFERENCES users (id),
    created_at     TEXT NOT NULL,
    -- A second writer of the same revision number fails here even if a bug skipped the CAS.
    PRIMARY KEY (doc_id, rev)
);

-- Responses recorded under an Idempotency-Key (saves in their own transaction; creates
-- claim the key first, in flight, and complete it in the create's transaction).
CREATE TABLE idempotency_keys (
    user_id     TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    key         TEXT NOT NULL,
    fingerprint TEXT NOT NULL,  -- SHA-256 of method, path, If-Match and the parsed body
    in_flight   BOOLEAN NOT NULL DEFAULT FALSE,
    status      BIGINT NOT NULL,
    etag        TEXT,
    location    TEXT,
    body        TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    -- Keys are scoped per user: two people may pick the same key.
    CONSTRAINT idempotency_keys_pkey PRIMARY KEY (user_id, key)
);
CREATE INDEX idempotency_keys_created_idx ON idempotency_keys (created_at);

-- Sharing: a document's owner (documents.owner_id) grants other users a role on it.
CREATE TABLE memberships (
    doc_id   TEXT NOT NULL REFERENCES documents (id),
    user_id  TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role     TEXT NOT NULL CHECK (role IN ('editor', 'viewer')),
    added_at TEXT NOT NULL,
    added_by TEXT NOT NULL REFERENCES users (id),
    PRIMARY KEY (doc_id, user_id)
);
CREATE INDEX memberships_user_idx ON memberships (user_id);

-- Sign-in and sign-up attempts, for rate limiting that holds across server instances.
CREATE TABLE auth_attempts (
    id      BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    account TEXT,            -- folded user name of a failed sign-in; NULL for sign-ups
    address TEXT NOT NULL,   -- the client's IP address
    at      TEXT NOT NULL
);
CREATE INDEX auth_attempts_account_idx ON auth_attempts (account, at);
CREATE INDEX auth_attempts_address_idx ON auth_attempts (address, at);
