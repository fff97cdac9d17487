-- Suggestions (issue 24): values proposed on a revision (`base_rev`), which change the
-- document only as their hunks are accepted. The hunks are not stored: they are what turns
-- the base revision into the proposed values (`app::domain::suggest::hunks`), the same
-- every time; a decision names one by its index. `state`: open while a hunk is undecided,
-- closed once all are, withdrawn by the author.
CREATE TABLE suggestions (
    id         TEXT PRIMARY KEY,
    doc_id     TEXT NOT NULL REFERENCES documents (id),
    author_id  TEXT NOT NULL REFERENCES users (id),
    base_rev   INTEGER NOT NULL,
    title      TEXT NOT NULL,
    tags       TEXT NOT NULL,
    body       TEXT NOT NULL,
    note       TEXT NOT NULL,
    created_at TEXT NOT NULL,
    state      TEXT NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'closed', 'withdrawn'))
);
CREATE INDEX suggestions_doc_idx ON suggestions (doc_id, created_at);

-- One decision per hunk: a second one (two reviewers at once) breaks the key and is refused.
CREATE TABLE suggestion_decisions (
    suggestion_id TEXT NOT NULL REFERENCES suggestions (id),
    hunk          INTEGER NOT NULL,
    accepted      INTEGER NOT NULL,
    decided_by    TEXT NOT NULL REFERENCES users (id),
    decided_at    TEXT NOT NULL,
    PRIMARY KEY (suggestion_id, hunk)
);

-- A revision made by accepting hunks names whose suggestion it was (its author accepted).
ALTER TABLE revisions ADD COLUMN suggested_by TEXT REFERENCES users (id);
