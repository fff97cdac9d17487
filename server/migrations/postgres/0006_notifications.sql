-- Notifications (issue 23): kept until read; shown only while their document may still be
-- read by the person and their comment is not deleted.
CREATE TABLE notifications (
    id         TEXT PRIMARY KEY,
    user_id    TEXT NOT NULL REFERENCES users (id),
    kind       TEXT NOT NULL CHECK (kind IN ('mention', 'reply', 'comment', 'shared')),
    doc_id     TEXT NOT NULL REFERENCES documents (id),
    thread_id  TEXT REFERENCES threads (id),
    comment_id TEXT REFERENCES comments (id),
    actor_id   TEXT NOT NULL REFERENCES users (id),
    created_at TEXT NOT NULL,
    read_at    TEXT
);
CREATE INDEX notifications_user_idx ON notifications (user_id, created_at);
