//! Who may do what with a document: outsiders learn nothing (not found, as for a document
//! that does not exist), viewers read and watch, editors also change, the owner also
//! shares and deletes. The same rules for the API, server-rendered pages and live watches.

use super::{DocError, Documents};
use crate::store::{InSession, ListQuery};
use app::{
    domain::Role,
    protocol::{DocPage, Document, UserRef},
};

impl Documents<'_> {
    /// A page of the documents the query's user owns or is a member of (the query names
    /// the user: nobody lists others' documents).
    pub async fn list(&self, query: &ListQuery) -> Result<DocPage, DocError> {
        Ok(self.stores.docs.list_docs(query).await?)
    }

    /// The user's role on the document.
    pub async fn role(&self, id: &str, user: &UserRef) -> Result<Role, DocError> {
        self.stores
            .members
            .role_of(id, &user.id)
            .await?
            .ok_or(DocError::NotFound)
    }

    /// The document with the user's role, read in one query.
    pub async fn read_as(&self, id: &str, user: &UserRef) -> Result<(Document, Role), DocError> {
        match self.stores.docs.doc_for(id, &user.id).await? {
            Some((doc, Some(role))) => Ok((doc, role)),
            _ => Err(DocError::NotFound),
        }
    }

    /// The asker of a session token, the document and their role on it, in one query (an
    /// open editor's reads are the most frequent request: one database round trip, not
    /// two). `Ok(None)` when the session is not live, whatever the document.
    pub async fn read_in_session(
        &self,
        id: &str,
        token: &str,
    ) -> Result<Option<(UserRef, Document, Role)>, DocError> {
        let read = self
            .stores
            .docs
            .doc_in_session(id, &super::accounts::token_hash(token), self.clock.now())
            .await?;
        match read {
            None => Ok(None),
            Some(InSession {
                asker,
                doc: Some((doc, Some(role))),
            }) => Ok(Some((asker, doc, role))),
            Some(_) => Err(DocError::NotFound),
        }
    }

    /// The asker of a session token and the current document, if they may change it: one
    /// query for the session, the document and the role. `Ok(None)` when the session is not
    /// live, whatever the document.
    pub async fn editable_in_session(
        &self,
        id: &str,
        token: &str,
    ) -> Result<Option<(UserRef, Document)>, DocError> {
        let Some((asker, doc, role)) = self.read_in_session(id, token).await? else {
            return Ok(None);
        };
        may_edit(role)?;
        Ok(Some((asker, doc)))
    }

    /// The user's role, if it allows changing the document.
    pub async fn editor(&self, id: &str, user: &UserRef) -> Result<Role, DocError> {
        may_edit(self.role(id, user).await?)
    }

    /// The current document, if the user may change it: one query for both.
    pub async fn editable_by(&self, id: &str, user: &UserRef) -> Result<Document, DocError> {
        let (doc, role) = self.read_as(id, user).await?;
        may_edit(role)?;
        Ok(doc)
    }

    /// The user's role, if it is the owner's; `action` names what only the owner may do.
    pub async fn owner(&self, id: &str, user: &UserRef, action: &str) -> Result<Role, DocError> {
        let role = self.role(id, user).await?;
        if role.can_share() {
            return Ok(role);
        }
        let article = if role == Role::Viewer { "a" } else { "an" };
        Err(DocError::Forbidden {
            role,
            detail: format!(
                "You are {article} {} of this document; only its owner can {action}.",
                role.as_str()
            ),
        })
    }
}

fn may_edit(role: Role) -> Result<Role, DocError> {
    if role.can_edit() {
        Ok(role)
    } else {
        Err(DocError::Forbidden {
            role,
            detail: "You are a viewer of this document and cannot change it. Ask its owner for editor access.".into(),
        })
    }
}
