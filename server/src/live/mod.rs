//! The live channel: a hub of per-document broadcast channels, the WebSocket connection
//! loop, and how committed changes reach the hub (from the store's feed of them, on both
//! backends: `relay`).

pub mod cluster;
mod connection;
pub mod hub;

use std::sync::Arc;

pub use connection::{serve_connection, Connection};
pub use hub::Hub;

use tokio::sync::broadcast::error::RecvError;

use crate::store::changes::{Change, Feed};
use app::live::ServerMessage;

/// Hands every committed change the store tells of to this instance's watchers, for as
/// long as the hub lives. Watchers of a relay that fell behind are told to catch up.
pub fn relay(feed: &Feed, hub: &Arc<Hub>) {
    let mut changes = feed.subscribe();
    let hub = Arc::downgrade(hub);
    tokio::spawn(async move {
        loop {
            let heard = changes.recv().await;
            let Some(hub) = hub.upgrade() else {
                return;
            };
            match heard {
                Ok(Change::Told { told }) => {
                    for user_id in told {
                        hub.tell_everywhere(&user_id, &ServerMessage::Notified);
                    }
                }
                Ok(change) => {
                    let told = match &change {
                        Change::Discussed { told, .. } => told.clone(),
                        _ => Vec::new(),
                    };
                    let Some(message) = message_of(change) else {
                        continue;
                    };
                    hub.publish(&message);
                    // Their inbox counts changed: every tab of theirs on this instance hears it.
                    for user_id in told {
                        hub.tell_everywhere(&user_id, &ServerMessage::Notified);
                    }
                }
                Err(RecvError::Lagged(missed)) => {
                    tracing::warn!(missed, "the live relay fell behind; watchers resync");
                    hub.resync_all();
                }
                Err(RecvError::Closed) => return,
            }
        }
    });
}

/// What watchers of its document are told of a committed change (none for one that is only
/// some people's news).
fn message_of(change: Change) -> Option<ServerMessage> {
    Some(match change {
        Change::Revised {
            doc_id,
            rev,
            by,
            at,
            fields,
        } => ServerMessage::Updated {
            doc_id,
            rev,
            by,
            at,
            fields,
        },
        Change::Deleted { doc_id, by } => ServerMessage::Deleted { doc_id, by },
        Change::Discussed {
            doc_id,
            thread_id,
            by,
            told: _,
        } => ServerMessage::Discussed {
            doc_id,
            thread_id,
            by,
        },
        Change::Told { .. } => return None,
        Change::Reviewed { doc_id, by } => ServerMessage::Reviewed { doc_id, by },
        Change::Suggested {
            doc_id,
            suggestion_id,
            by,
        } => ServerMessage::Suggested {
            doc_id,
            suggestion_id,
            by,
        },
    })
}

/// Where membership changes are announced: to this instance's hub, or with PostgreSQL
/// NOTIFY to every instance's. (Committed document changes need no announcing: the
/// store's feed tells them, see `relay`.)
pub trait Fanout: Send + Sync + 'static {
    /// The user lost access to the document: stop their watches everywhere.
    fn revoke(&self, doc_id: &str, user_id: &str);
    /// A message about the document for one user's watches only (their new role).
    fn tell_user(&self, user_id: &str, message: ServerMessage);
}

/// The single-instance fanout: straight into this process's hub.
pub struct LocalFanout(pub Arc<Hub>);

impl Fanout for LocalFanout {
    fn revoke(&self, doc_id: &str, user_id: &str) {
        self.0.revoke(doc_id, user_id);
    }

    fn tell_user(&self, user_id: &str, message: ServerMessage) {
        self.0.tell_user(user_id, &message);
    }
}
