//! `concord export` / `import`: everything that is the team's work — accounts, documents
//! with their whole history, members — as JSON lines, one record per line. Sessions,
//! sign-in attempts, idempotency records and presence are not: they expire anyway.
//! Timestamps are kept exactly as stored, so a round trip gives identical history.

use std::collections::{HashMap, HashSet};

use async_trait::async_trait;
use serde::{Deserialize, Serialize};

use super::StoreResult;

/// The first line of every export.
pub const FORMAT: &str = "concord-export";
pub const VERSION: u32 = 1;

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
    },
    Member {
        doc_id: String,
        user_id: String,
        role: String,
        added_at: String,
        added_by: String,
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
                if format != FORMAT || *version != VERSION {
                    return Err(format!("not a {FORMAT} version {VERSION} file"));
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
                ..
            } => {
                self.known(author_id, "author")?;
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
                if !self.docs.contains_key(doc_id) {
                    return Err(format!(
                        "member of {doc_id:?}, a document not listed before it"
                    ));
                }
            }
        }
        Ok(record)
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
    /// Every account, document, revision and membership (`concord export`).
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
    fn a_whole_file_parses() {
        let text = lines(&[header(), user("u"), doc(2), revision(1), revision(2)]);
        assert_eq!(parse(&text).unwrap().len(), 5);
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
