//! What server-side rendering needs from the server: the same reads the REST API offers,
//! implemented by the server crate and provided through Leptos context.

use async_trait::async_trait;

use crate::protocol::{
    ApiFailure, DocDiff, DocPage, Document, Inbox, ListParams, Members, Reviews, Revision,
    RevisionList, SuggestionList, ThreadList, UserRef,
};

/// Reads made while rendering a page, on behalf of the request's session cookie.
#[async_trait]
pub trait PageData: Send + Sync + 'static {
    async fn me(&self, cookie: Option<String>) -> Result<Option<UserRef>, ApiFailure>;
    async fn list_docs(
        &self,
        cookie: Option<String>,
        params: ListParams,
    ) -> Result<DocPage, ApiFailure>;
    async fn get_doc(&self, cookie: Option<String>, id: String) -> Result<Document, ApiFailure>;
    async fn revisions(
        &self,
        cookie: Option<String>,
        id: String,
    ) -> Result<RevisionList, ApiFailure>;
    async fn members(&self, cookie: Option<String>, id: String) -> Result<Members, ApiFailure>;
    async fn revision(
        &self,
        cookie: Option<String>,
        id: String,
        rev: i64,
    ) -> Result<Revision, ApiFailure>;
    async fn diff(
        &self,
        cookie: Option<String>,
        id: String,
        from: i64,
        to: i64,
    ) -> Result<DocDiff, ApiFailure>;
    /// The person's documents in the trash.
    async fn trash(&self, cookie: Option<String>) -> Result<DocPage, ApiFailure>;
    /// The document's threads: as they are now, or as revision `rev` had them.
    async fn threads(
        &self,
        cookie: Option<String>,
        id: String,
        rev: Option<i64>,
    ) -> Result<ThreadList, ApiFailure>;
    /// How the document is reviewed, and its reviews.
    async fn reviews(&self, cookie: Option<String>, id: String) -> Result<Reviews, ApiFailure>;
    /// The document's suggestions, newest first.
    async fn suggestions(
        &self,
        cookie: Option<String>,
        id: String,
    ) -> Result<SuggestionList, ApiFailure>;
    /// The person's notifications.
    async fn inbox(&self, cookie: Option<String>) -> Result<Inbox, ApiFailure>;
    /// Markdown as the sanitised HTML `/api/preview` answers.
    fn render(&self, markdown: &str) -> String;
    /// As `render`, with each passage (bytes of `markdown`, a thread's id) highlighted.
    fn render_marked(
        &self,
        markdown: &str,
        passages: &[(std::ops::Range<usize>, String)],
    ) -> String;
}
