//! Comment threads (issue 23): the owner, editors and viewers may start one on a passage or
//! on the whole document; outsiders learn nothing (404). A passage is named in the revision
//! the person was reading and placed in the current one through the saves since.

use super::{notices::Readers, DocError, Documents, Precondition};
use crate::store::{
    threads::{
        CommentChange, CommentPlace, CommentRecord, NewThreadRecord, PastAnchor, ThreadRecord,
    },
    StoreError,
};
use app::{
    domain::{
        anchor::{byte_at, chars_before, locate, Anchor, AnchorError, AnchorState, Edits},
        comment::CommentText,
    },
    protocol::{
        Comment, Document, NewAnchor, NewComment, NewThread, Thread, ThreadAnchor, ThreadList,
        UserRef,
    },
};

/// How often starting a thread is tried again when a save lands between reading the
/// document and storing the thread (its anchor is then placed again).
const ATTEMPTS: usize = 3;

impl Documents<'_> {
    /// Every thread of the document, oldest first.
    pub async fn threads(&self, id: &str, user: &UserRef) -> Result<ThreadList, DocError> {
        let (doc, _) = self.read_as(id, user).await?;
        let records = self.stores.threads.threads(id).await?;
        let readers = self.reader_names(id).await?;
        Ok(ThreadList {
            items: on_the_wire(&doc.body, records, &readers),
        })
    }

    /// The threads as revision `rev` of the document had them: those started by then, each
    /// passage where it was in that revision (its words as they were there), comments as now.
    pub async fn threads_at(
        &self,
        id: &str,
        user: &UserRef,
        rev: i64,
    ) -> Result<ThreadList, DocError> {
        let revision = self.revision(id, user, rev).await?;
        let past = self.stores.threads.anchors_at(id, rev).await?;
        let records = self.stores.threads.threads(id).await?;
        let readers = self.reader_names(id).await?;
        Ok(ThreadList {
            items: as_they_were(&revision.body, rev, records, past, &readers),
        })
    }

    /// Starts a thread with its first comment.
    pub async fn start_thread(
        &self,
        id: &str,
        user: &UserRef,
        request: &NewThread,
    ) -> Result<Thread, DocError> {
        let text = comment_text(&request.text)?;
        let thread_id = uuid::Uuid::now_v7().to_string();
        let comment_id = uuid::Uuid::now_v7().to_string();
        self.role(id, user).await?;
        let mentioned = self.mentioned(&text).await?;
        let notices = self
            .notices(id, user, &mentioned, &[], (&thread_id, &comment_id))
            .await?;
        for attempt in 1..=ATTEMPTS {
            let (doc, _) = self.read_as(id, user).await?;
            if request.rev < 1 || request.rev > doc.rev {
                return Err(DocError::invalid(
                    "rev",
                    format!(
                        "Revision {} of this document does not exist (the latest is {}).",
                        request.rev, doc.rev
                    ),
                ));
            }
            let anchor = match &request.anchor {
                Some(asked) => Some(self.place(&doc, request.rev, asked).await?),
                None => None,
            };
            let stored = self
                .stores
                .threads
                .start_thread(NewThreadRecord {
                    id: &thread_id,
                    comment_id: &comment_id,
                    doc_id: id,
                    author: user,
                    at: self.clock.now(),
                    rev: doc.rev,
                    made_on_rev: request.rev,
                    anchor: anchor.as_ref().map(|p| (p.quote.as_str(), &p.anchor)),
                    named: anchor.as_ref().and_then(|p| p.named.as_ref()),
                    text: text.as_str(),
                    notices: &notices,
                })
                .await;
            match stored {
                Ok(()) => {
                    tracing::info!(doc = %id, thread = %thread_id, by = %user.name, "thread started");
                    let records = self.stores.threads.threads(id).await?;
                    let current = self.read_as(id, user).await?.0;
                    let readers = self.reader_names(id).await?;
                    return on_the_wire(&current.body, records, &readers)
                        .into_iter()
                        .find(|t| t.id == thread_id)
                        .ok_or(DocError::NotFound);
                }
                Err(StoreError::Stale) if attempt < ATTEMPTS => continue,
                Err(error) => return Err(error.into()),
            }
        }
        Err(StoreError::Stale.into())
    }

    /// Adds a reply to a thread: anyone who may read the document may reply.
    pub async fn reply(
        &self,
        id: &str,
        thread_id: &str,
        user: &UserRef,
        request: &NewComment,
    ) -> Result<Comment, DocError> {
        self.role(id, user).await?;
        let text = comment_text(&request.text)?;
        let thread = self.thread(id, thread_id).await?;
        let participants: Vec<UserRef> = thread.comments.iter().map(|c| c.author.clone()).collect();
        let mentioned = self.mentioned(&text).await?;
        let comment = CommentRecord {
            id: uuid::Uuid::now_v7().to_string(),
            author: user.clone(),
            text: text.into_inner(),
            created_at: self.clock.now(),
            edited_at: None,
            version: 1,
        };
        let notices = self
            .notices(
                id,
                user,
                &mentioned,
                &participants,
                (thread_id, &comment.id),
            )
            .await?;
        self.stores
            .threads
            .reply(id, thread_id, &comment, &notices)
            .await?;
        tracing::info!(doc = %id, thread = %thread_id, by = %user.name, "reply added");
        Ok(wire_comment(comment, &self.reader_names(id).await?))
    }

    /// Changes the text of one's own comment (`Some`) or deletes it (`None`), on the
    /// version one saw (`If-Match`). A thread whose every comment is deleted is gone.
    pub async fn change_comment(
        &self,
        place: CommentPlace<'_>,
        user: &UserRef,
        precondition: &Precondition,
        text: Option<&NewComment>,
    ) -> Result<Option<Comment>, DocError> {
        let role = self.role(place.doc_id, user).await?;
        let text = match text {
            Some(request) => {
                let text = comment_text(&request.text)?;
                self.mentioned(&text).await?;
                Some(text)
            }
            None => None,
        };
        let thread = self.thread(place.doc_id, place.thread_id).await?;
        let Some(comment) = thread.comments.iter().find(|c| c.id == place.comment_id) else {
            return Err(DocError::NotFound);
        };
        if comment.author.id != user.id {
            return Err(DocError::Forbidden {
                role,
                detail: "Only its author may change or delete a comment.".into(),
            });
        }
        let stale = || {
            DocError::VersionStale(
                "This comment was changed since you loaded it. Load it again and decide on what it says now.".into(),
            )
        };
        let expected = precondition.merge_base().ok_or_else(stale)?;
        let change = match &text {
            Some(text) => CommentChange::Edit(text.as_str()),
            None => CommentChange::Delete,
        };
        let now = self.clock.now();
        let version = match self
            .stores
            .threads
            .change_comment(place, change, (user, now), expected)
            .await
        {
            Ok(version) => version,
            Err(StoreError::Stale) => return Err(stale()),
            Err(error) => return Err(error.into()),
        };
        tracing::info!(doc = %place.doc_id, comment = %place.comment_id, deleted = text.is_none(), by = %user.name, "comment changed");
        let readers = self.reader_names(place.doc_id).await?;
        Ok(text.map(|text| {
            wire_comment(
                CommentRecord {
                    id: comment.id.clone(),
                    author: comment.author.clone(),
                    text: text.into_inner(),
                    created_at: comment.created_at,
                    edited_at: Some(now),
                    version,
                },
                &readers,
            )
        }))
    }

    /// A thread of the document, as stored; `NotFound` if it has none by that id.
    async fn thread(&self, id: &str, thread_id: &str) -> Result<ThreadRecord, DocError> {
        self.stores
            .threads
            .threads(id)
            .await?
            .into_iter()
            .find(|t| t.id == thread_id)
            .ok_or(DocError::NotFound)
    }

    /// Resolves (`resolved`) or reopens a thread: whoever may change the document may, and
    /// only on the version they saw (`If-Match`), so two people deciding at once are told.
    pub async fn set_resolved(
        &self,
        id: &str,
        thread_id: &str,
        user: &UserRef,
        precondition: &Precondition,
        resolved: bool,
    ) -> Result<Thread, DocError> {
        self.editor(id, user).await?;
        let stale = || {
            DocError::VersionStale(
                "Somebody resolved or reopened this thread since you loaded it. Load it again and decide on what it is now.".into(),
            )
        };
        let expected = precondition.merge_base().ok_or_else(stale)?;
        let at = self.clock.now();
        let outcome = self
            .stores
            .threads
            .set_resolved(id, thread_id, user, resolved.then_some(at), expected)
            .await;
        match outcome {
            Ok(_) => {}
            Err(StoreError::Stale) => return Err(stale()),
            Err(error) => return Err(error.into()),
        }
        tracing::info!(doc = %id, thread = %thread_id, resolved, by = %user.name, "thread resolution set");
        let (doc, _) = self.read_as(id, user).await?;
        let records = self.stores.threads.threads(id).await?;
        let readers = self.reader_names(id).await?;
        on_the_wire(&doc.body, records, &readers)
            .into_iter()
            .find(|t| t.id == thread_id)
            .ok_or(DocError::NotFound)
    }

    /// The passage `asked` of revision `rev`, checked against that revision's body and
    /// placed in the current one.
    async fn place(&self, doc: &Document, rev: i64, asked: &NewAnchor) -> Result<Placed, DocError> {
        let body = if rev == doc.rev {
            doc.body.clone()
        } else {
            self.stores
                .history
                .revision(&doc.id, rev)
                .await?
                .ok_or_else(|| DocError::invalid("rev", format!("Revision {rev} does not exist.")))?
                .body
        };
        let outside = || {
            DocError::invalid(
                "anchor",
                format!("The passage lies outside the text of revision {rev}."),
            )
        };
        let range = match (asked.start, asked.end, asked.occurrence) {
            (Some(start), Some(end), None) => {
                byte_at(&body, start).ok_or_else(outside)?..byte_at(&body, end).ok_or_else(outside)?
            }
            (None, None, Some(occurrence)) => locate(&body, &asked.quote, occurrence).ok_or_else(|| {
                DocError::invalid(
                    "anchor.quote",
                    format!("Revision {rev} does not hold these words there. Select words within one stretch of text, or comment on the whole document."),
                )
            })?,
            _ => {
                return Err(DocError::invalid(
                    "anchor",
                    "Name the passage either by its start and end or by its quote's occurrence: one of the two.",
                ))
            }
        };
        let anchor = Anchor::new(&body, range).map_err(|error| match error {
            AnchorError::Empty => DocError::invalid("anchor", "Select some text to comment on."),
            AnchorError::OutOfRange | AnchorError::NotABoundary => outside(),
        })?;
        if anchor.text != asked.quote {
            return Err(DocError::invalid(
                "anchor.quote",
                format!("The quoted text is not what revision {rev} holds at that place."),
            ));
        }
        let (placed, named) = if rev == doc.rev {
            (anchor, None)
        } else {
            let placed = anchor.follow(&Edits::between(&body, &doc.body), &doc.body);
            (placed, Some(anchor))
        };
        Ok(Placed {
            quote: asked.quote.clone(),
            anchor: placed,
            named,
        })
    }
}

/// A new thread's passage: its words as quoted, where it is in the current revision, and,
/// when the person named it in an older one, where it was there.
struct Placed {
    quote: String,
    anchor: Anchor,
    named: Option<Anchor>,
}

/// Threads as the API shows them: anchors in characters of the current body, mentions of
/// people not among `readers` (lowercased names) said to be out of reach.
fn on_the_wire(body: &str, records: Vec<ThreadRecord>, readers: &Readers) -> Vec<Thread> {
    let offsets: Vec<usize> = records
        .iter()
        .filter_map(|r| r.anchor.as_ref())
        .flat_map(|(_, a)| [a.start.min(body.len()), a.end.min(body.len())])
        .collect();
    let mut chars = chars_before(body, &offsets).into_iter();
    records
        .into_iter()
        .map(|record| Thread {
            anchor: record.anchor.map(|(quote, anchor)| ThreadAnchor {
                start: chars.next().unwrap_or_default(),
                end: chars.next().unwrap_or_default(),
                text: anchor.text,
                state: anchor.state,
                quote,
            }),
            id: record.id,
            doc_id: record.doc_id,
            made_on_rev: record.made_on_rev,
            author: record.author,
            created_at: record.created_at,
            resolved: record.resolved,
            version: record.version,
            comments: record
                .comments
                .into_iter()
                .map(|c| wire_comment(c, readers))
                .collect(),
        })
        .collect()
}

/// Threads as revision `rev` (whose body is `body`) had them: an anchored thread where
/// `past` puts it, a thread on the whole document if it was started on `rev` or before.
fn as_they_were(
    body: &str,
    rev: i64,
    records: Vec<ThreadRecord>,
    past: Vec<PastAnchor>,
    readers: &Readers,
) -> Vec<Thread> {
    let mut past: std::collections::HashMap<String, PastAnchor> =
        past.into_iter().map(|p| (p.thread_id.clone(), p)).collect();
    let then: Vec<ThreadRecord> = records
        .into_iter()
        .filter_map(|mut record| {
            match record.anchor.as_mut() {
                Some((_, anchor)) => {
                    let was = past.remove(&record.id)?;
                    let (start, end) = (was.start.min(body.len()), was.end.min(body.len()));
                    anchor.start = start;
                    anchor.end = end;
                    anchor.state = was.state;
                    // A detached passage keeps its last words; a placed one shows its own.
                    if was.state != AnchorState::Detached {
                        anchor.text = body.get(start..end).unwrap_or_default().to_owned();
                    }
                }
                None if record.made_on_rev > rev => return None,
                None => {}
            }
            Some(record)
        })
        .collect();
    on_the_wire(body, then, readers)
}

/// A comment's text, or why it is refused.
fn comment_text(raw: &str) -> Result<CommentText, DocError> {
    CommentText::parse(raw).map_err(|e| DocError::Invalid(vec![e]))
}

fn wire_comment(c: CommentRecord, readers: &Readers) -> Comment {
    let unreached = app::domain::comment::mentions(&c.text)
        .into_iter()
        .filter(|name| !readers.contains(&name.to_lowercase()))
        .collect();
    Comment {
        unreached,
        id: c.id,
        author: c.author,
        text: c.text,
        created_at: c.created_at,
        edited_at: c.edited_at,
        version: c.version,
    }
}
