-- The list's count (and its access filter) from the index alone, as on SQLite.
CREATE INDEX documents_live_access_idx ON documents (deleted_at, owner_id, status, id);
