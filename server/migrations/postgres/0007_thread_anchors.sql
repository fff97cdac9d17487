-- Where each thread's passage was in every revision (issue 23): a row for the revision the
-- thread was started in, and one for each save that moved its passage. The passage in
-- revision R is the thread's row with the greatest rev <= R; an old revision's view shows
-- its threads there.
CREATE TABLE thread_anchors (
    thread_id    TEXT NOT NULL REFERENCES threads (id),
    rev          BIGINT NOT NULL,
    anchor_start BIGINT NOT NULL,
    anchor_end   BIGINT NOT NULL,
    anchor_state TEXT NOT NULL CHECK (anchor_state IN ('intact', 'changed', 'detached')),
    PRIMARY KEY (thread_id, rev)
);

-- Threads from before this table: their passage as it is now, from the current revision.
INSERT INTO thread_anchors (thread_id, rev, anchor_start, anchor_end, anchor_state)
SELECT t.id, d.rev, t.anchor_start, t.anchor_end, t.anchor_state
FROM threads t JOIN documents d ON d.id = t.doc_id
WHERE t.anchor_state IS NOT NULL;
