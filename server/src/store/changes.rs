//! Every committed change to a document, told once on every instance: how the live channel
//! hears of saves, transitions, deletes and restores, the same way on both backends.
//!
//! A write ends with `commit_announcing`: the change is announced by the committing
//! transaction itself, so it is told if and only if it commits. On SQLite (one process)
//! the store hands it to this process's feed right after the commit; on PostgreSQL the
//! transaction NOTIFYs it, and every instance's listener (`live::cluster`) hands what it
//! hears to its own feed. Subscribers see no difference.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use tokio::sync::broadcast;

use app::{
    domain::Field,
    protocol::{Document, UserRef},
};

/// A committed change, as rows tell it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Change {
    /// A new revision: saved, merged, moved in the workflow, or restored from the trash.
    Revised {
        doc_id: String,
        rev: i64,
        by: UserRef,
        at: DateTime<Utc>,
        fields: Vec<Field>,
    },
    /// Moved to the trash.
    Deleted { doc_id: String, by: UserRef },
    /// A thread was started, answered, edited or resolved.
    Discussed {
        doc_id: String,
        thread_id: String,
        by: UserRef,
        /// The people the same transaction notified (their inbox counts change).
        #[serde(default)]
        told: Vec<String>,
    },
    /// Notifications were stored for these people (by id), outside any other change.
    Told { told: Vec<String> },
    /// Review settings changed, or a reviewer gave a verdict.
    Reviewed { doc_id: String, by: UserRef },
    /// A suggestion was made, decided on without a new revision, or withdrawn.
    Suggested {
        doc_id: String,
        suggestion_id: String,
        by: UserRef,
    },
}

impl Change {
    pub fn revised(doc: &Document, fields: &[Field]) -> Change {
        Change::Revised {
            doc_id: doc.id.clone(),
            rev: doc.rev,
            by: doc.updated_by.clone(),
            at: doc.updated_at,
            fields: fields.to_vec(),
        }
    }
}

/// Committed changes as they happen. A subscriber that falls behind by more than the
/// feed holds is told so (`RecvError::Lagged`) and must catch up by other means.
#[derive(Clone)]
pub struct Feed(broadcast::Sender<Change>);

impl Default for Feed {
    fn default() -> Feed {
        Feed(broadcast::channel(1024).0)
    }
}

impl Feed {
    pub fn subscribe(&self) -> broadcast::Receiver<Change> {
        self.0.subscribe()
    }

    /// Tells every subscriber; nobody listening is not an error.
    pub fn tell(&self, change: Change) {
        let _ = self.0.send(change);
    }
}
