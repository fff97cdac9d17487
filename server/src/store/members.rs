//! Who may do what with a document: its owner and members.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::StoreResult;
use app::{
    domain::Role,
    protocol::{Member, UserRef},
};

#[async_trait]
pub trait Members: Send + Sync + 'static {
    /// The user's role on a live document; `None` for outsiders and unknown documents.
    async fn role_of(&self, doc_id: &str, user_id: &str) -> StoreResult<Option<Role>>;
    /// The owner and the members of a live document.
    async fn members(&self, doc_id: &str) -> StoreResult<Option<(UserRef, Vec<Member>)>>;
    /// Adds a member or changes their role.
    async fn set_member(
        &self,
        doc_id: &str,
        user_id: &str,
        role: Role,
        by: &UserRef,
        at: DateTime<Utc>,
    ) -> StoreResult<()>;
    /// False when the user was not a member.
    async fn remove_member(&self, doc_id: &str, user_id: &str) -> StoreResult<bool>;
}
