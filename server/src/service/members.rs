//! Sharing: the owner gives people a role by name, changes it and takes it away; members
//! see who has access. A changed role reaches the person's open pages at once.

use super::{DocError, Documents};
use app::{
    domain::Role,
    live::ServerMessage,
    protocol::{Members, UserRef},
};

impl Documents<'_> {
    /// The owner, the members and the user's own role.
    pub async fn members(&self, id: &str, user: &UserRef) -> Result<Members, DocError> {
        let your_role = self.role(id, user).await?;
        self.members_for(id, your_role).await
    }

    /// Gives the person called `name` the role (adds them, or changes their role).
    pub async fn share(
        &self,
        id: &str,
        user: &UserRef,
        name: &str,
        role: Role,
    ) -> Result<Members, DocError> {
        let your_role = self.owner(id, user, "share it").await?;
        if role == Role::Owner {
            return Err(DocError::invalid(
                "role",
                "A member is an editor or a viewer; a document has one owner.",
            ));
        }
        let Some(record) = self.stores.accounts.find_user(name).await? else {
            return Err(DocError::invalid(
                "name",
                format!("Nobody is called \"{name}\". Check the spelling of the user name."),
            ));
        };
        if record.user.id == user.id {
            return Err(DocError::invalid("name", "You own this document already."));
        }
        let at = self.clock.now();
        self.stores
            .members
            .set_member(id, &record.user.id, role, user, at)
            .await?;
        tracing::info!(doc = %id, member = %record.user.name, role = role.as_str(), by = %user.name, "member set");
        // Their open pages change at once: read-only, or editable.
        let told = ServerMessage::Role {
            doc_id: id.to_owned(),
            role,
            by: user.clone(),
        };
        self.fanout.tell_user(&record.user.id, told);
        self.tell_shared(id, &record.user, user).await;
        self.members_for(id, your_role).await
    }

    /// Takes the person called `name` off the document; their open pages lose it at once.
    pub async fn unshare(&self, id: &str, user: &UserRef, name: &str) -> Result<(), DocError> {
        self.owner(id, user, "remove people").await?;
        let not_a_member = || {
            DocError::invalid(
                "name",
                format!("\"{name}\" is not a member of this document."),
            )
        };
        let Some(record) = self.stores.accounts.find_user(name).await? else {
            return Err(not_a_member());
        };
        if !self
            .stores
            .members
            .remove_member(id, &record.user.id)
            .await?
        {
            return Err(not_a_member());
        }
        tracing::info!(doc = %id, member = %record.user.name, by = %user.name, "member removed");
        self.fanout.revoke(id, &record.user.id);
        Ok(())
    }

    async fn members_for(&self, id: &str, your_role: Role) -> Result<Members, DocError> {
        let (owner, members) = self
            .stores
            .members
            .members(id)
            .await?
            .ok_or(DocError::NotFound)?;
        Ok(Members {
            owner,
            members,
            your_role,
        })
    }
}
