-- Review before publishing (issue 24). The owner may require approval and names the
-- reviewers (people with access); each review approves a revision or asks for changes to
-- it. Publishing needs an approval of the current revision from a named reviewer.
CREATE TABLE review_settings (
    doc_id     TEXT PRIMARY KEY REFERENCES documents (id),
    required   INTEGER NOT NULL,
    changed_by TEXT NOT NULL REFERENCES users (id),
    changed_at TEXT NOT NULL
);

CREATE TABLE review_reviewers (
    doc_id  TEXT NOT NULL REFERENCES documents (id),
    user_id TEXT NOT NULL REFERENCES users (id),
    PRIMARY KEY (doc_id, user_id)
);

CREATE TABLE reviews (
    id          TEXT PRIMARY KEY,
    doc_id      TEXT NOT NULL REFERENCES documents (id),
    reviewer_id TEXT NOT NULL REFERENCES users (id),
    rev         INTEGER NOT NULL,
    verdict     TEXT NOT NULL CHECK (verdict IN ('approved', 'changes_requested')),
    comment     TEXT NOT NULL,
    created_at  TEXT NOT NULL
);
CREATE INDEX reviews_doc_idx ON reviews (doc_id, created_at);
