-- Whether a document may have comment passages a save must move (issue 26): a save of a
-- document without any skips looking for them (one round trip fewer). Set by a new thread
-- in the same step that holds the document's row; cleared by a save that finds none.
ALTER TABLE documents ADD COLUMN anchored BOOLEAN NOT NULL DEFAULT FALSE;
UPDATE documents SET anchored = TRUE WHERE EXISTS (
    SELECT 1 FROM threads t WHERE t.doc_id = documents.id AND t.anchor_state IN ('intact', 'changed')
);
