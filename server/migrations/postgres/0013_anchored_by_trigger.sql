-- A new comment passage marks its document for its saves to move (0012), whichever
-- version of the server wrote it: during a rolling upgrade an older instance starts
-- threads without knowing of the mark, so the database sets it.
CREATE FUNCTION threads_mark_anchored() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE documents SET anchored = TRUE WHERE id = NEW.doc_id;
    RETURN NEW;
END
$$;
CREATE TRIGGER threads_mark_anchored AFTER INSERT ON threads
FOR EACH ROW WHEN (NEW.anchor_state IN ('intact', 'changed'))
EXECUTE FUNCTION threads_mark_anchored();
