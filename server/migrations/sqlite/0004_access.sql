-- Sharing: a document's owner (documents.owner_id) grants other users a role on it.
CREATE TABLE memberships (
    doc_id   TEXT NOT NULL REFERENCES documents (id),
    user_id  TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role     TEXT NOT NULL CHECK (role IN ('editor', 'viewer')),
    added_at TEXT NOT NULL,
    added_by TEXT NOT NULL REFERENCES users (id),
    PRIMARY KEY (doc_id, user_id)
);
-- The document list asks "which documents may this user see".
CREATE INDEX memberships_user_idx ON memberships (user_id);
CREATE INDEX documents_owner_idx ON documents (owner_id);

-- Sign-in and sign-up attempts, for rate limiting that holds across server instances.
CREATE TABLE auth_attempts (
    id      INTEGER PRIMARY KEY AUTOINCREMENT,
    account TEXT,            -- lower-cased user name of a failed sign-in; NULL for sign-ups
    address TEXT NOT NULL,   -- the client's IP address
    at      TEXT NOT NULL
);
CREATE INDEX auth_attempts_account_idx ON auth_attempts (account, at);
CREATE INDEX auth_attempts_address_idx ON auth_attempts (address, at);
