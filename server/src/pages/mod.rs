//! Server-side rendering's reads, served by the same document rules as the REST API, and
//! the forms that pages without the client post.

pub mod forms;
pub mod reader;

use async_trait::async_trait;

use crate::{
    http::{auth::user_from_cookies, error::ApiError, listing::list_docs},
    service::DocError,
    state::AppState,
};
use app::{
    protocol::{
        ApiFailure, DocDiff, DocPage, Document, Inbox, ListParams, Members, Reviews, Revision,
        RevisionList, SuggestionList, ThreadList, UserRef,
    },
    ssr::PageData,
};

pub struct ServerPages(pub AppState);

impl ServerPages {
    async fn user(&self, cookie: Option<String>) -> Result<UserRef, ApiFailure> {
        match user_from_cookies(&self.0, cookie.as_deref()).await {
            Ok(Some(user)) => Ok(user),
            Ok(None) => Err(crate::http::auth::signed_out().into_failure()),
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
        let read = self.0.documents().read_as(&id, &user).await;
        read.map(|(doc, _)| doc).map_err(failure)
    }

    async fn revisions(
        &self,
        cookie: Option<String>,
        id: String,
    ) -> Result<RevisionList, ApiFailure> {
        let user = self.user(cookie).await?;
        let items = self.0.documents().revisions(&id, &user).await;
        items.map(|items| RevisionList { items }).map_err(failure)
    }

    async fn revision(
        &self,
        cookie: Option<String>,
        id: String,
        rev: i64,
    ) -> Result<Revision, ApiFailure> {
        let user = self.user(cookie).await?;
        let revision = self.0.documents().revision(&id, &user, rev).await;
        revision.map_err(failure)
    }

    async fn diff(
        &self,
        cookie: Option<String>,
        id: String,
        from: i64,
        to: i64,
    ) -> Result<DocDiff, ApiFailure> {
        let user = self.user(cookie).await?;
        let diff = self.0.documents().diff(&id, &user, from, to).await;
        diff.map_err(failure)
    }

    async fn trash(&self, cookie: Option<String>) -> Result<DocPage, ApiFailure> {
        let user = self.user(cookie).await?;
        self.0.documents().trashed(&user).await.map_err(failure)
    }

    fn render(&self, markdown: &str) -> String {
        crate::http::preview::render_markdown(markdown)
    }

    fn render_marked(
        &self,
        markdown: &str,
        passages: &[(std::ops::Range<usize>, String)],
    ) -> String {
        crate::http::preview::render_marked(markdown, passages)
    }

    async fn members(&self, cookie: Option<String>, id: String) -> Result<Members, ApiFailure> {
        let user = self.user(cookie).await?;
        let members = self.0.documents().members(&id, &user).await;
        members.map_err(failure)
    }

    async fn inbox(&self, cookie: Option<String>) -> Result<Inbox, ApiFailure> {
        let user = self.user(cookie).await?;
        self.0.documents().inbox(&user).await.map_err(failure)
    }

    async fn reviews(&self, cookie: Option<String>, id: String) -> Result<Reviews, ApiFailure> {
        let user = self.user(cookie).await?;
        self.0
            .documents()
            .reviews(&id, &user)
            .await
            .map_err(failure)
    }

    async fn suggestions(
        &self,
        cookie: Option<String>,
        id: String,
    ) -> Result<SuggestionList, ApiFailure> {
        let user = self.user(cookie).await?;
        self.0
            .documents()
            .suggestions(&id, &user)
            .await
            .map_err(failure)
    }

    async fn threads(
        &self,
        cookie: Option<String>,
        id: String,
        rev: Option<i64>,
    ) -> Result<ThreadList, ApiFailure> {
        let user = self.user(cookie).await?;
        let documents = self.0.documents();
        let threads = match rev {
            Some(rev) => documents.threads_at(&id, &user, rev).await,
            None => documents.threads(&id, &user).await,
        };
        threads.map_err(failure)
    }
}

/// A refused document rule as the page's answer.
fn failure(error: DocError) -> ApiFailure {
    ApiError::from(error).into_failure()
}
