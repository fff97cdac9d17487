//! The live channel: a hub of per-document broadcast channels, the WebSocket connection
//! loop, and how committed changes reach the hub.

pub mod cluster;
mod connection;
pub mod hub;

use std::sync::Arc;

pub use connection::{serve_connection, Connection};
pub use hub::Hub;

use app::live::ServerMessage;

/// Where committed changes are announced. One instance delivers them to its own hub; a
/// scaled-out deployment announces them to every instance's hub (PostgreSQL NOTIFY), so
/// handlers only ever call `publish`.
pub trait Fanout: Send + Sync + 'static {
    fn publish(&self, message: ServerMessage);
    /// The user lost access to the document: stop their watches everywhere.
    fn revoke(&self, doc_id: &str, user_id: &str);
    /// A message about the document for one user's watches only (their new role).
    fn tell_user(&self, user_id: &str, message: ServerMessage);
}

/// The single-instance fanout: straight into this process's hub.
pub struct LocalFanout(pub Arc<Hub>);

impl Fanout for LocalFanout {
    fn publish(&self, message: ServerMessage) {
        self.0.publish(&message);
    }

    fn revoke(&self, doc_id: &str, user_id: &str) {
        self.0.revoke(doc_id, user_id);
    }

    fn tell_user(&self, user_id: &str, message: ServerMessage) {
        self.0.tell_user(user_id, &message);
    }
}
