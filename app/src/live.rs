//! The live channel's messages (`/api/live`): JSON objects tagged by `"type"`, shared by
//! the server and the browser.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::{
    domain::{Field, Role},
    protocol::UserRef,
};

/// What a tab tells the server.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ClientMessage {
    /// First message on a socket: which tab of the browser this is.
    Hello {
        tab_id: String,
    },
    Watch {
        doc_id: String,
    },
    Unwatch {
        doc_id: String,
    },
    /// Whether this tab has unsaved changes, shown to the others.
    Editing {
        doc_id: String,
        dirty: bool,
    },
    /// A heartbeat from a client that cannot send WebSocket pings.
    Ping,
}

/// One tab looking at a document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Viewer {
    pub user: UserRef,
    pub tab_id: String,
    pub dirty: bool,
}

/// What the server tells a tab.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ServerMessage {
    /// Who is watching the document now: the first viewers (up to 50) and how many in all.
    Presence {
        doc_id: String,
        viewers: Vec<Viewer>,
        total: usize,
    },
    /// A committed change.
    Updated {
        doc_id: String,
        rev: i64,
        by: UserRef,
        at: DateTime<Utc>,
        fields: Vec<Field>,
    },
    Deleted {
        doc_id: String,
        by: UserRef,
    },
    /// A thread of the document was started, answered, edited or resolved: fetch its
    /// threads again.
    Discussed {
        doc_id: String,
        thread_id: String,
        by: UserRef,
    },
    /// A suggestion on the document was made, rejected in part or withdrawn (accepting one
    /// makes a revision, `Updated`): fetch its suggestions again.
    Suggested {
        doc_id: String,
        suggestion_id: String,
        by: UserRef,
    },
    /// The document's review settings changed or a reviewer gave a verdict: fetch its
    /// reviews again.
    Reviewed {
        doc_id: String,
        by: UserRef,
    },
    /// Something in this person's inbox is new: fetch its unread count again (sent to every
    /// tab of theirs, whatever document it shows).
    Notified,
    /// This tab fell behind and may have missed updates: fetch the document again.
    Resync {
        doc_id: String,
    },
    /// A `watch` for a document that does not exist or is not shared with this user.
    NotFound {
        doc_id: String,
    },
    /// The owner changed this user's role on the document (sent to that user only).
    Role {
        doc_id: String,
        role: Role,
        by: UserRef,
    },
    /// A message the server could not understand.
    Invalid {
        message: String,
    },
    Ping,
    Pong,
}

impl ServerMessage {
    /// The document a message is about, if any.
    pub fn doc_id(&self) -> Option<&str> {
        match self {
            ServerMessage::Presence { doc_id, .. }
            | ServerMessage::Updated { doc_id, .. }
            | ServerMessage::Deleted { doc_id, .. }
            | ServerMessage::Discussed { doc_id, .. }
            | ServerMessage::Suggested { doc_id, .. }
            | ServerMessage::Reviewed { doc_id, .. }
            | ServerMessage::Resync { doc_id }
            | ServerMessage::NotFound { doc_id }
            | ServerMessage::Role { doc_id, .. } => Some(doc_id),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_are_tagged_by_type() {
        let watch: ClientMessage =
            serde_json::from_str(r#"{"type": "watch", "doc_id": "d1"}"#).unwrap();
        assert_eq!(
            watch,
            ClientMessage::Watch {
                doc_id: "d1".into()
            }
        );
        let editing = serde_json::to_value(ClientMessage::Editing {
            doc_id: "d".into(),
            dirty: true,
        })
        .unwrap();
        assert_eq!(
            editing,
            serde_json::json!({"type": "editing", "doc_id": "d", "dirty": true})
        );
        let resync = serde_json::to_value(ServerMessage::Resync { doc_id: "d".into() }).unwrap();
        assert_eq!(resync, serde_json::json!({"type": "resync", "doc_id": "d"}));
    }
}
