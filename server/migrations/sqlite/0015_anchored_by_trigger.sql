-- A new comment passage marks its document for its saves to move (0014), whichever
-- version of the server wrote it: during a rolling upgrade an older instance starts
-- threads without knowing of the mark, so the database sets it.
CREATE TRIGGER threads_mark_anchored AFTER INSERT ON threads
WHEN NEW.anchor_state IN ('intact', 'changed')
BEGIN
    UPDATE documents SET anchored = 1 WHERE id = NEW.doc_id;
END;
