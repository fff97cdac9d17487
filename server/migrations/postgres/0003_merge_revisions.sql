-- A revision the server merged on save (`Prefer: merge=auto`) names the revision the
-- saved change was made on; the revisions between it and this one were merged over.
ALTER TABLE revisions ADD COLUMN merge_base BIGINT;
