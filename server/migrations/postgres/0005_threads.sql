-- Comment threads (issue 23): a thread belongs to a document, and to a passage of its body
-- when anchored (the anchor_* columns, all NULL for a thread on the whole document). The
-- anchor is where the passage is in the current body; `quote` is the text as commented.
CREATE TABLE threads (
    id            TEXT PRIMARY KEY,
    doc_id        TEXT NOT NULL REFERENCES documents (id),
    author_id     TEXT NOT NULL REFERENCES users (id),
    created_at    TEXT NOT NULL,
    made_on_rev   BIGINT NOT NULL,
    quote         TEXT,
    anchor_start  BIGINT,
    anchor_end    BIGINT,
    anchor_text   TEXT,
    anchor_before TEXT,
    anchor_after  TEXT,
    anchor_state  TEXT CHECK (anchor_state IN ('intact', 'changed', 'detached')),
    resolved_at   TEXT,
    resolved_by   TEXT REFERENCES users (id),
    version       BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX threads_doc_idx ON threads (doc_id, created_at);

CREATE TABLE comments (
    id         TEXT PRIMARY KEY,
    thread_id  TEXT NOT NULL REFERENCES threads (id),
    author_id  TEXT NOT NULL REFERENCES users (id),
    body       TEXT NOT NULL,
    created_at TEXT NOT NULL,
    edited_at  TEXT,
    deleted_at TEXT,
    version    BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX comments_thread_idx ON comments (thread_id, created_at);
