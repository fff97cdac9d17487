//! Server-side rendering's reads, served by the same code as the REST API.

use async_trait::async_trait;

use crate::{
    http::{
        access, auth::user_from_cookies, error::ApiError, listing::list_docs, members::members,
    },
    state::AppState,
};
use app::{
    protocol::{
        ApiFailure, DocPage, Document, ListParams, Members, Revision, RevisionList, UserRef,
    },
    ssr::PageData,
};

pub struct ServerPages(pub AppState);

impl ServerPages {
    async fn user(&self, cookie: Option<String>) -> Result<UserRef, ApiFailure> {
        match user_from_cookies(&self.0, cookie.as_deref()).await {
            Ok(Some(user)) => Ok(user),
            Ok(None) => Err(ApiError::Unauthorized("Sign in to continue.".into()).into_failure()),
            Err(error) => Err(error.into_failure()),
        }
    }
}

#[async_trait]
impl PageData for ServerPages {
    async fn me(&self, cookie: Option<String>) -> Result<Option<UserRef>, ApiFailure> {
        user_from_cookies(&self.0, cookie.as_deref())
            .await
            .map_err(ApiError::into_failure)
    }

    async fn list_docs(
        &self,
        cookie: Option<String>,
        params: ListParams,
    ) -> Result<DocPage, ApiFailure> {
        let user = self.user(cookie).await?;
        list_docs(&self.0, &user, params)
            .await
            .map_err(ApiError::into_failure)
    }

    async fn get_doc(&self, cookie: Option<String>, id: String) -> Result<Document, ApiFailure> {
        let user = self.user(cookie).await?;
        access::role(&self.0, &id, &user)
            .await
            .map_err(ApiError::into_failure)?;
        self.0
            .documents()
            .read(&id)
            .await
            .map_err(|error| ApiError::from(error).into_failure())
    }

    async fn revisions(
        &self,
        cookie: Option<String>,
        id: String,
    ) -> Result<RevisionList, ApiFailure> {
        let user = self.user(cookie).await?;
        access::role(&self.0, &id, &user)
            .await
            .map_err(ApiError::into_failure)?;
        match self.0.stores.history.revisions(&id).await {
            Ok(items) if !items.is_empty() => Ok(RevisionList { items }),
            Ok(_) => Err(ApiError::NotFound.into_failure()),
            Err(error) => Err(ApiError::from(error).into_failure()),
        }
    }

    async fn revision(
        &self,
        cookie: Option<String>,
        id: String,
        rev: i64,
    ) -> Result<Revision, ApiFailure> {
        let user = self.user(cookie).await?;
        access::role(&self.0, &id, &user)
            .await
            .map_err(ApiError::into_failure)?;
        match self.0.stores.history.revision(&id, rev).await {
            Ok(Some(revision)) => Ok(revision),
            Ok(None) => Err(ApiError::NotFound.into_failure()),
            Err(error) => Err(ApiError::from(error).into_failure()),
        }
    }

    async fn members(&self, cookie: Option<String>, id: String) -> Result<Members, ApiFailure> {
        let user = self.user(cookie).await?;
        let role = access::role(&self.0, &id, &user)
            .await
            .map_err(ApiError::into_failure)?;
        members(&self.0, &id, role)
            .await
            .map_err(ApiError::into_failure)
    }
}
