-- Counting a person's documents for the list must not read the documents themselves:
-- `deleted_at`, `owner_id` and `status` come after `body` in each row, so reading them
-- walks a mebibyte of overflow pages per document. This index answers the count alone
-- (a covering search on `deleted_at IS NULL`).
CREATE INDEX documents_live_access_idx ON documents (deleted_at, owner_id, status, id);
