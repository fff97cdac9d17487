-- Presence across instances. Each running instance keeps a row it refreshes (heartbeat);
-- its viewers' rows count only while that row is fresh, so an instance that dies takes
-- its viewers out of presence by itself. Rows are rewritten per document on every change
-- and a NOTIFY tells the other instances to re-read them.
CREATE TABLE instances (
    id         TEXT PRIMARY KEY,
    started_at TEXT NOT NULL,
    seen_at    TEXT NOT NULL
);

CREATE TABLE presence (
    instance_id TEXT NOT NULL REFERENCES instances (id) ON DELETE CASCADE,
    doc_id      TEXT NOT NULL,
    position    BIGINT NOT NULL,   -- the order the instance's viewers joined in
    user_id     TEXT NOT NULL,
    user_name   TEXT NOT NULL,
    tab_id      TEXT NOT NULL,
    dirty       BOOLEAN NOT NULL,
    PRIMARY KEY (instance_id, doc_id, position)
);
CREATE INDEX presence_doc_idx ON presence (doc_id);
