//! The document rules every caller shares — REST handlers, server-rendered pages and the
//! CLI (`transfer`): accounts and sessions (`accounts`); who may read, change, share or delete (`access`); a change applies
//! only on the revision it was based on and while the workflow allows it, and a stale one
//! is explained, who changed what, field by field (`docs`, `stale`); history, restore and
//! undo (`history`); sharing (`members`); the trash (`trash`). Results are domain values:
//! only the HTTP layer turns them into statuses and problem bodies.

mod access;
mod accounts;
mod docs;
mod history;
mod inbox;
mod members;
mod notices;
pub mod patch;
mod reviews;
mod stale;
mod suggestions;
mod threads;
pub mod transfer;
mod trash;

use serde_json::{Map, Value};

use crate::store::StoreError;
pub use accounts::{AccountError, Accounts, Session};
use app::{
    domain::{Field, FieldError, Fields, Role, Status},
    protocol::StaleRevision,
};
pub use docs::{Documents, MergedSave};

/// The revision a change is based on: from `If-Match`, or else from `base_rev` in the body.
#[derive(Debug, Clone, PartialEq)]
pub enum Precondition {
    /// Entity tags from `If-Match`; only strong `"<rev>"` tags can ever match.
    IfMatch(Vec<String>),
    BaseRev(i64),
}

impl Precondition {
    /// Strong comparison: `W/"8"` never matches revision 8.
    pub fn matches(&self, current_rev: i64) -> bool {
        match self {
            Precondition::IfMatch(tags) => tags.iter().any(|t| strong_rev(t) == Some(current_rev)),
            Precondition::BaseRev(rev) => *rev == current_rev,
        }
    }

    /// The revision the client says it edited, for the stale-revision problem.
    pub fn base_rev(&self) -> i64 {
        match self {
            Precondition::IfMatch(tags) => tags
                .iter()
                .filter_map(|t| strong_rev(t.trim_start_matches("W/")))
                .max()
                .unwrap_or(0),
            Precondition::BaseRev(rev) => *rev,
        }
    }

    /// The base a merge on save starts from: only a strong tag this server sent (or the
    /// body's `base_rev`) names a revision the client really edited.
    pub fn merge_base(&self) -> Option<i64> {
        match self {
            Precondition::IfMatch(tags) => tags.iter().filter_map(|t| strong_rev(t)).max(),
            Precondition::BaseRev(rev) => Some(*rev),
        }
    }

    pub fn is_header(&self) -> bool {
        matches!(self, Precondition::IfMatch(_))
    }
}

/// The revision number an entity tag names, if it is exactly a tag this server sends
/// (`"8"`). Comparison is of the opaque tag, character for character (RFC 9110 8.8.3.2):
/// `"08"` or `"+8"` parse as 8 but are other tags, and never match.
pub fn strong_rev(tag: &str) -> Option<i64> {
    let inner = tag.strip_prefix('"')?.strip_suffix('"')?;
    // A compressed representation's tag names its coding too ("3-br"): the same revision.
    let (digits, coding) = match inner.split_once('-') {
        Some((digits, coding)) => (digits, Some(coding)),
        None => (inner, None),
    };
    if coding.is_some_and(|c| !CODINGS.contains(&c)) {
        return None;
    }
    let rev: i64 = digits.parse().ok()?;
    (rev > 0 && digits == rev.to_string()).then_some(rev)
}

/// The content codings the server compresses with, as they appear in a representation's tag.
pub const CODINGS: [&str; 4] = ["br", "gzip", "deflate", "zstd"];

/// What the refused request wanted the document to become.
#[derive(Clone, Copy)]
pub enum Mine<'a> {
    /// Every field (PUT).
    Fields(&'a Fields),
    /// A merge patch, applied to the base revision the client edited.
    Patch(&'a Map<String, Value>),
    /// Not a field change (a transition or a delete).
    Unknown,
}

/// Why a document operation did not happen.
#[derive(Debug)]
pub enum DocError {
    /// No such live document (or, to outsiders, one they may not know of).
    NotFound,
    /// The change was based on an older revision than the current one.
    Stale(Box<Stale>),
    /// The workflow state does not allow it (`allowed` are the states it can move to).
    InvalidState {
        state: Status,
        allowed: Vec<Status>,
        detail: String,
    },
    /// Another live document has the slug; `suggestions` are free variants.
    SlugTaken {
        slug: String,
        suggestions: Vec<String>,
    },
    Invalid(Vec<FieldError>),
    /// The user's role does not allow it (`detail` says what would).
    Forbidden {
        role: Role,
        detail: String,
    },
    /// Undoing revision `rev` clashes with later changes to the same places of `fields`.
    UndoConflict {
        rev: i64,
        fields: Vec<Field>,
    },
    /// A thread (or comment) changed since the version the request named.
    VersionStale(String),
    /// Hunks of a suggestion cannot be decided so: outdated, decided already, or the
    /// suggestion is no longer open (`hunks` names the ones in question).
    Undecidable {
        detail: String,
        hunks: Vec<usize>,
    },
    Store(StoreError),
}

/// Everything needed to explain a stale change and resolve it.
#[derive(Debug)]
pub struct Stale {
    /// A sentence a person can act on: who saved which revision meanwhile.
    pub detail: String,
    /// The stale-revision problem's own members: who changed what, the current document,
    /// the field-by-field comparison.
    pub explanation: StaleRevision,
    /// The client named its base in `If-Match` (else in the body), which decides between
    /// 412 and 409.
    pub via_header: bool,
}

impl DocError {
    /// One field refused, with the sentence saying why.
    pub fn invalid(field: &str, message: impl Into<String>) -> DocError {
        DocError::Invalid(vec![FieldError::new(field, message)])
    }
}

impl From<StoreError> for DocError {
    fn from(error: StoreError) -> DocError {
        match error {
            StoreError::NotFound => DocError::NotFound,
            other => DocError::Store(other),
        }
    }
}
