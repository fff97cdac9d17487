//! `concord export` / `import`: everything that is the team's work — accounts, documents
//! with their whole history, members, comment threads with their comments, suggestions and
//! the decisions on them, review settings and reviews, notifications —
//! as JSON lines, one record per line. Sessions,
//! sign-in attempts, idempotency records and presence are not: they expire anyway.
//! Timestamps are kept exactly as stored, so a round trip gives identical history.

use std::collections::{HashMap, HashSet};

use async_trait::async_trait;
use serde::{Deserialize, Serialize};

use super::StoreResult;

/// The first line of every export.
pub const FORMAT: &str = "concord-export";
/// Version 2 added threads, comments and notifications, version 3 where each thread's
/// passage was in every revision, version 4 suggestions and reviews; older files still
/// import.
pub const VERSION: u32 = 4;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum Record {
    Header {
        format: String,
        version: u32,
        exported_at: String,
    },
    /// An account, with its password hash (Argon2id) so people sign in as before.
    User {
        id: String,
        name: String,
        password_hash: String,
        created_at: String,
    },
    /// A document as it is now (`deleted_at` set: in the trash, history kept).
    Document {
        id: String,
        title: String,
        slug: String,
        tags: Vec<String>,
        body: String,
        status: String,
        rev: i64,
        owner_id: String,
        created_at: String,
        created_by: String,
        updated_at: String,
        updated_by: String,
        deleted_at: Option<String>,
    },
    Revision {
        doc_id: String,
        rev: i64,
        title: String,
        slug: String,
        tags: Vec<String>,
        body: String,
        status: String,
        changed_fields: Vec<String>,
        deleted: bool,
        merge_base: Option<i64>,
        author_id: String,
        created_at: String,
        /// Whose suggestion this revision accepted (version 4).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        suggested_by: Option<String>,
    },
    Member {
        doc_id: String,
        user_id: String,
        role: String,
        added_at: String,
        added_by: String,
    },
    /// A comment thread; its anchor where the passage is in the document's current body
    /// (all `anchor_*` None for a thread on the whole document).
    Thread {
        id: String,
        doc_id: String,
        author_id: String,
        created_at: String,
        made_on_rev: i64,
        quote: Option<String>,
        anchor_start: Option<i64>,
        anchor_end: Option<i64>,
        anchor_text: Option<String>,
        anchor_before: Option<String>,
        anchor_after: Option<String>,
        anchor_state: Option<String>,
        resolved_at: Option<String>,
        resolved_by: Option<String>,
        version: i64,
    },
    /// Where a thread's passage was from revision `rev` on (until its next such record).
    ThreadAnchor {
        thread_id: String,
        rev: i64,
        anchor_start: i64,
        anchor_end: i64,
        anchor_state: String,
    },
    /// A comment of a thread, deleted ones included (notifications point at them).
    Comment {
        id: String,
        thread_id: String,
        author_id: String,
        body: String,
        created_at: String,
        edited_at: Option<String>,
        deleted_at: Option<String>,
        version: i64,
    },
    /// Values proposed on a revision (`state`: open, closed or withdrawn).
    Suggestion {
        id: String,
        doc_id: String,
        author_id: String,
        base_rev: i64,
        title: String,
        tags: Vec<String>,
        body: String,
        note: String,
        created_at: String,
        state: String,
    },
    /// A hunk of a suggestion accepted or rejected.
    SuggestionDecision {
        suggestion_id: String,
        hunk: i64,
        accepted: bool,
        decided_by: String,
        decided_at: String,
    },
    /// Whether a document needs an approval to be published, and its reviewers.
    ReviewSettings {
        doc_id: String,
        required: bool,
        reviewers: Vec<String>,
        changed_by: String,
        changed_at: String,
    },
    /// A reviewer's verdict on a revision.
    Review {
        id: String,
        doc_id: String,
        reviewer_id: String,
        rev: i64,
        verdict: String,
        comment: String,
        created_at: String,
    },
    Notification {
        id: String,
        user_id: String,
        kind: String,
        doc_id: String,
        thread_id: Option<String>,
        comment_id: Option<String>,
        actor_id: String,
        created_at: String,
        read_at: Option<String>,
    },
}

/// Why an import file cannot be taken, naming its line (from 1).
#[derive(Debug, Clone, PartialEq)]
pub struct BadLine {
    pub line: usize,
    pub reason: String,
}

impl std::fmt::Display for BadLine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "line {}: {}", self.line, self.reason)
    }
}

/// Reads and checks a whole export before anything is written: the header first, every
/// reference to an account or document already seen, each document's revisions numbered
/// 1, 2, … up to its `rev`.
pub fn parse(text: &str) -> Result<Vec<Record>, BadLine> {
    let mut records = Vec::new();
    let mut seen = Seen::default();
    for (index, raw) in text.lines().enumerate() {
        let line = index + 1;
        if raw.trim().is_empty() {
            continue;
        }
        let checked = serde_json::from_str(raw)
            .map_err(|e| format!("not a record: {e}"))
            .and_then(|record| seen.check(line, record, records.is_empty()));
        records.push(checked.map_err(|reason| BadLine { line, reason })?);
    }
    if records.is_empty() {
        return Err(BadLine {
            line: 1,
            reason: "the file is empty".into(),
        });
    }
    if let Some((id, (rev, last, line))) = seen.docs.iter().find(|(_, (rev, last, _))| rev != last)
    {
        return Err(BadLine {
            line: *line,
            reason: format!("document {id:?} is at revision {rev} but has {last} revisions"),
        });
    }
    Ok(records)
}

/// What the lines read so far establish, for checking the next one against.
#[derive(Default)]
struct Seen {
    users: HashSet<String>,
    threads: HashSet<String>,
    comments: HashSet<String>,
    suggestions: HashSet<String>,
    /// Per document: its `rev`, the last revision seen, and the line it was listed on.
    docs: HashMap<String, (i64, i64, usize)>,
}

impl Seen {
    /// The record, if it fits after what was read before it.
    fn check(&mut self, line: usize, record: Record, first: bool) -> Result<Record, String> {
        match &record {
            Record::Header {
                format, version, ..
            } => {
                if line != 1 || !first {
                    return Err("the header must be the first line".into());
                }
                if format != FORMAT || !(1..=VERSION).contains(version) {
                    return Err(format!("not a {FORMAT} file of version 1 to {VERSION}"));
                }
            }
            _ if first => return Err(format!("the first line must be the {FORMAT} header")),
            Record::User { id, .. } => {
                if !self.users.insert(id.clone()) {
                    return Err(format!("account {id:?} appears twice"));
                }
            }
            Record::Document {
                id,
                rev,
                owner_id,
                created_by,
                updated_by,
                ..
            } => {
                self.known(owner_id, "owner")?;
                self.known(created_by, "creator")?;
                self.known(updated_by, "last editor")?;
                if *rev < 1 {
                    return Err(format!("document {id:?} has revision {rev}"));
                }
                if self.docs.insert(id.clone(), (*rev, 0, line)).is_some() {
                    return Err(format!("document {id:?} appears twice"));
                }
            }
            Record::Revision {
                doc_id,
                rev,
                author_id,
                suggested_by,
                ..
            } => {
                self.known(author_id, "author")?;
                if let Some(suggester) = suggested_by {
                    self.known(suggester, "suggester")?;
                }
                let Some((_, last, _)) = self.docs.get_mut(doc_id) else {
                    return Err(format!(
                        "revision of {doc_id:?}, a document not listed before it"
                    ));
                };
                if *rev != *last + 1 {
                    return Err(format!(
                        "revision {rev} of {doc_id:?} follows revision {last}"
                    ));
                }
                *last = *rev;
            }
            Record::Member {
                doc_id,
                user_id,
                added_by,
                ..
            } => {
                self.known(user_id, "member")?;
                self.known(added_by, "sharer")?;
                self.listed_doc(doc_id, "member")?;
            }
            Record::Thread {
                id,
                doc_id,
                author_id,
                resolved_by,
                ..
            } => {
                self.known(author_id, "thread author")?;
                if let Some(resolver) = resolved_by {
                    self.known(resolver, "resolver")?;
                }
                self.listed_doc(doc_id, "thread")?;
                if !self.threads.insert(id.clone()) {
                    return Err(format!("thread {id:?} appears twice"));
                }
            }
            Record::ThreadAnchor {
                thread_id,
                rev,
                anchor_start,
                anchor_end,
                ..
            } => {
                if !self.threads.contains(thread_id) {
                    return Err(format!(
                        "passage of {thread_id:?}, a thread not listed before it"
                    ));
                }
                if *rev < 1 || *anchor_start < 0 || anchor_end < anchor_start {
                    return Err(format!("passage of {thread_id:?} out of place"));
                }
            }
            Record::Comment {
                id,
                thread_id,
                author_id,
                ..
            } => {
                self.known(author_id, "comment author")?;
                if !self.threads.contains(thread_id) {
                    return Err(format!(
                        "comment of {thread_id:?}, a thread not listed before it"
                    ));
                }
                if !self.comments.insert(id.clone()) {
                    return Err(format!("comment {id:?} appears twice"));
                }
            }
            Record::Suggestion {
                id,
                doc_id,
                author_id,
                ..
            } => {
                self.known(author_id, "suggester")?;
                self.listed_doc(doc_id, "suggestion")?;
                if !self.suggestions.insert(id.clone()) {
                    return Err(format!("suggestion {id:?} appears twice"));
                }
            }
            Record::SuggestionDecision {
                suggestion_id,
                decided_by,
                ..
            } => {
                self.known(decided_by, "decider")?;
                if !self.suggestions.contains(suggestion_id) {
                    return Err(format!(
                        "decision on {suggestion_id:?}, a suggestion not listed before it"
                    ));
                }
            }
            Record::ReviewSettings {
                doc_id,
                reviewers,
                changed_by,
                ..
            } => {
                self.known(changed_by, "owner")?;
                for reviewer in reviewers {
                    self.known(reviewer, "reviewer")?;
                }
                self.listed_doc(doc_id, "review settings")?;
            }
            Record::Review {
                doc_id,
                reviewer_id,
                ..
            } => {
                self.known(reviewer_id, "reviewer")?;
                self.listed_doc(doc_id, "review")?;
            }
            Record::Notification {
                user_id,
                doc_id,
                thread_id,
                comment_id,
                actor_id,
                ..
            } => {
                self.known(user_id, "notified person")?;
                self.known(actor_id, "notifying person")?;
                self.listed_doc(doc_id, "notification")?;
                let unlisted = thread_id
                    .as_ref()
                    .is_some_and(|t| !self.threads.contains(t))
                    || comment_id
                        .as_ref()
                        .is_some_and(|c| !self.comments.contains(c));
                if unlisted {
                    return Err("notification of a thread or comment not listed before it".into());
                }
            }
        }
        Ok(record)
    }

    fn listed_doc(&self, doc_id: &str, what: &str) -> Result<(), String> {
        if self.docs.contains_key(doc_id) {
            Ok(())
        } else {
            Err(format!(
                "{what} of {doc_id:?}, a document not listed before it"
            ))
        }
    }

    fn known(&self, id: &str, what: &str) -> Result<(), String> {
        if self.users.contains(id) {
            Ok(())
        } else {
            Err(format!("{what} {id:?} is not an account listed before it"))
        }
    }
}

/// Everything at once: export, import and backup.
#[async_trait]
pub trait Transfer: Send + Sync + 'static {
    /// Every account, document, revision, membership, thread, comment and notification
    /// (`concord export`).
    async fn export_records(&self) -> StoreResult<Vec<Record>>;
    /// Whether any account or document is stored.
    async fn has_data(&self) -> StoreResult<bool>;
    /// Writes checked records (`transfer::parse`) in one transaction: all or nothing.
    async fn import_records(&self, records: &[Record]) -> StoreResult<()>;
    /// A consistent copy of the whole database in a new file, while it is in use.
    async fn backup_to(&self, path: &str) -> StoreResult<()>;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(records: &[serde_json::Value]) -> String {
        records.iter().map(|r| format!("{r}\n")).collect()
    }

    fn header() -> serde_json::Value {
        serde_json::json!({"type": "header", "format": FORMAT, "version": VERSION, "exported_at": "t"})
    }

    fn user(id: &str) -> serde_json::Value {
        serde_json::json!({"type": "user", "id": id, "name": id, "password_hash": "h", "created_at": "t"})
    }

    fn doc(rev: i64) -> serde_json::Value {
        serde_json::json!({"type": "document", "id": "d", "title": "T", "slug": "t", "tags": [], "body": "",
            "status": "draft", "rev": rev, "owner_id": "u", "created_at": "t", "created_by": "u",
            "updated_at": "t", "updated_by": "u", "deleted_at": null})
    }

    fn revision(rev: i64) -> serde_json::Value {
        serde_json::json!({"type": "revision", "doc_id": "d", "rev": rev, "title": "T", "slug": "t", "tags": [],
            "body": "", "status": "draft", "changed_fields": ["body"], "deleted": false, "merge_base": null,
            "author_id": "u", "created_at": "t"})
    }

    #[test]
    fn suggestions_decisions_and_reviews_must_follow_what_they_belong_to() {
        let suggestion = serde_json::json!({"type": "suggestion", "id": "s", "doc_id": "d", "author_id": "u",
            "base_rev": 1, "title": "T", "tags": [], "body": "b", "note": "", "created_at": "t", "state": "open"});
        let decision = serde_json::json!({"type": "suggestion_decision", "suggestion_id": "s", "hunk": 0,
            "accepted": true, "decided_by": "u", "decided_at": "t"});
        let settings = serde_json::json!({"type": "review_settings", "doc_id": "d", "required": true,
            "reviewers": ["u"], "changed_by": "u", "changed_at": "t"});
        let review = serde_json::json!({"type": "review", "id": "r", "doc_id": "d", "reviewer_id": "u", "rev": 1,
            "verdict": "approved", "comment": "", "created_at": "t"});
        let whole = [
            header(),
            user("u"),
            doc(1),
            revision(1),
            suggestion.clone(),
            decision.clone(),
            settings.clone(),
            review,
        ];
        assert_eq!(parse(&lines(&whole)).unwrap().len(), 8);
        let early = parse(&lines(&[
            header(),
            user("u"),
            doc(1),
            revision(1),
            decision,
        ]))
        .unwrap_err();
        assert!(early.reason.contains("a suggestion not listed"), "{early}");
        let mut stranger = settings;
        stranger["reviewers"] = serde_json::json!(["nobody"]);
        let unknown = parse(&lines(&[
            header(),
            user("u"),
            doc(1),
            revision(1),
            stranger,
        ]))
        .unwrap_err();
        assert!(unknown.reason.contains("reviewer"), "{unknown}");
    }

    #[test]
    fn a_whole_file_parses() {
        let text = lines(&[header(), user("u"), doc(2), revision(1), revision(2)]);
        assert_eq!(parse(&text).unwrap().len(), 5);
    }

    fn thread(id: &str, doc_id: &str) -> serde_json::Value {
        serde_json::json!({"type": "thread", "id": id, "doc_id": doc_id, "author_id": "u", "created_at": "t",
            "made_on_rev": 1, "quote": null, "anchor_start": null, "anchor_end": null, "anchor_text": null,
            "anchor_before": null, "anchor_after": null, "anchor_state": null, "resolved_at": null,
            "resolved_by": null, "version": 1})
    }

    fn comment(id: &str, thread_id: &str) -> serde_json::Value {
        serde_json::json!({"type": "comment", "id": id, "thread_id": thread_id, "author_id": "u", "body": "b",
            "created_at": "t", "edited_at": null, "deleted_at": null, "version": 1})
    }

    #[test]
    fn threads_comments_and_notifications_must_follow_what_they_belong_to() {
        let notice = serde_json::json!({"type": "notification", "id": "n", "user_id": "u", "kind": "reply",
            "doc_id": "d", "thread_id": "th", "comment_id": "c", "actor_id": "u", "created_at": "t", "read_at": null});
        let whole = [
            header(),
            user("u"),
            doc(1),
            revision(1),
            thread("th", "d"),
            comment("c", "th"),
            notice.clone(),
        ];
        assert_eq!(parse(&lines(&whole)).unwrap().len(), 7);
        let mut version_1 = header();
        version_1["version"] = 1.into();
        assert!(parse(&lines(&[version_1, user("u")])).is_ok());
        let cases = [
            (
                lines(&[header(), user("u"), thread("th", "d")]),
                "a document not listed",
            ),
            (
                lines(&[header(), user("u"), doc(1), revision(1), comment("c", "th")]),
                "a thread not listed",
            ),
            (
                lines(&[
                    header(),
                    user("u"),
                    doc(1),
                    revision(1),
                    thread("th", "d"),
                    notice,
                ]),
                "not listed before it",
            ),
        ];
        for (text, reason) in cases {
            let error = parse(&text).unwrap_err();
            assert!(error.reason.contains(reason), "{error}");
        }
    }

    #[test]
    fn bad_lines_are_named() {
        let cases = [
            (lines(&[user("u")]), 1, "header"),
            (lines(&[header(), doc(1)]), 2, "not an account"),
            (
                lines(&[header(), user("u"), doc(2), revision(2)]),
                4,
                "follows revision 0",
            ),
            (
                lines(&[header(), user("u"), doc(2), revision(1)]),
                3,
                "has 1 revisions",
            ),
            (
                format!("{}{{\"type\": \"user\"\n", lines(&[header()])),
                2,
                "not a record",
            ),
            (lines(&[header(), user("u"), user("u")]), 3, "twice"),
        ];
        for (text, line, reason) in cases {
            let error = parse(&text).unwrap_err();
            assert_eq!(error.line, line, "{error}");
            assert!(error.reason.contains(reason), "{error}");
        }
    }
}
