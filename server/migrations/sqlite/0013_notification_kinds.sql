-- Notifications of suggestions and reviews (issue 24): the kinds a notification may have
-- grow. SQLite cannot change a CHECK constraint in place, so the table is rebuilt with the
-- same rows (nothing refers to it).
CREATE TABLE notifications_new (
    id         TEXT PRIMARY KEY,
    user_id    TEXT NOT NULL REFERENCES users (id),
    kind       TEXT NOT NULL CHECK (kind IN ('mention', 'reply', 'comment', 'shared', 'suggestion',
                                             'decided', 'review_requested', 'reviewed')),
    doc_id     TEXT NOT NULL REFERENCES documents (id),
    thread_id  TEXT REFERENCES threads (id),
    comment_id TEXT REFERENCES comments (id),
    actor_id   TEXT NOT NULL REFERENCES users (id),
    created_at TEXT NOT NULL,
    read_at    TEXT
);
INSERT INTO notifications_new (id, user_id, kind, doc_id, thread_id, comment_id, actor_id, created_at, read_at)
SELECT id, user_id, kind, doc_id, thread_id, comment_id, actor_id, created_at, read_at FROM notifications;
DROP TABLE notifications;
ALTER TABLE notifications_new RENAME TO notifications;
CREATE INDEX notifications_user_idx ON notifications (user_id, created_at);
