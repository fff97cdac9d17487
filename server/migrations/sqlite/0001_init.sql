-- Concord's schema for the embedded SQLite backend.
-- Timestamps are RFC 3339 text in UTC with milliseconds, so they sort as text.

CREATE TABLE users (
    id            TEXT PRIMARY KEY,
    name          TEXT NOT NULL,
    password_hash TEXT NOT NULL,  -- Argon2id PHC string
    created_at    TEXT NOT NULL
);
-- "Ann" and "ann" are the same person to everyone reading a presence list.
CREATE UNIQUE INDEX users_name_key ON users (lower(name));

CREATE TABLE sessions (
    -- Only a SHA-256 of the cookie's token is kept: a copy of the database opens no sessions.
    token_hash TEXT PRIMARY KEY,
    user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
);
CREATE INDEX sessions_user_idx ON sessions (user_id);

CREATE TABLE documents (
    id         TEXT PRIMARY KEY,
    title      TEXT NOT NULL,
    slug       TEXT NOT NULL,
    tags       TEXT NOT NULL,     -- JSON array of strings, sorted, no duplicates
    body       TEXT NOT NULL,
    status     TEXT NOT NULL CHECK (status IN ('draft', 'published', 'archived')),
    rev        INTEGER NOT NULL CHECK (rev > 0),
    owner_id   TEXT NOT NULL REFERENCES users (id),
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL REFERENCES users (id),
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL REFERENCES users (id),
    deleted_at TEXT               -- soft delete: history stays, the slug is freed
);
-- Slugs are unique among live documents only; the constraint, not a prior check, decides races.
CREATE UNIQUE INDEX documents_live_slug_key ON documents (slug) WHERE deleted_at IS NULL;
-- The list is ordered by last change, newest first, and paged by (updated_at, id).
CREATE INDEX documents_updated_idx ON documents (updated_at DESC, id DESC) WHERE deleted_at IS NULL;

-- Append-only history: one row per change with the full values after it. Never updated.
CREATE TABLE revisions (
    doc_id         TEXT NOT NULL REFERENCES documents (id),
    rev            INTEGER NOT NULL,
    title          TEXT NOT NULL,
    slug           TEXT NOT NULL,
    tags           TEXT NOT NULL,
    body           TEXT NOT NULL,
    status         TEXT NOT NULL,
    changed_fields TEXT NOT NULL, -- JSON array of field names changed by this revision
    deleted        INTEGER NOT NULL DEFAULT 0,
    author_id      TEXT NOT NULL REFERENCES users (id),
    created_at     TEXT NOT NULL,
    -- A second writer of the same revision number fails here even if a bug skipped the CAS.
    PRIMARY KEY (doc_id, rev)
);
