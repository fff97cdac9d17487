//! Review before publishing (issue 24): whether a document needs an approval, its named
//! reviewers, and their verdicts.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::StoreResult;
use app::protocol::{UserRef, Verdict};

/// How a document is reviewed: not required and nobody named, until its owner says so.
#[derive(Debug, Clone, Default)]
pub struct ReviewSettings {
    pub required: bool,
    pub reviewers: Vec<UserRef>,
}

#[derive(Debug, Clone)]
pub struct ReviewRecord {
    pub by: UserRef,
    pub rev: i64,
    pub verdict: Verdict,
    pub comment: String,
    pub at: DateTime<Utc>,
}

#[async_trait]
pub trait Reviews: Send + Sync + 'static {
    async fn review_settings(&self, doc_id: &str) -> StoreResult<ReviewSettings>;
    /// Replaces whether approval is required and who the reviewers are (user ids).
    async fn set_review_settings(
        &self,
        doc_id: &str,
        required: bool,
        reviewers: &[String],
        by: (&UserRef, DateTime<Utc>),
    ) -> StoreResult<()>;
    /// The document's reviews, newest first.
    async fn reviews(&self, doc_id: &str) -> StoreResult<Vec<ReviewRecord>>;
    /// Stores a review of a live document.
    async fn add_review(&self, doc_id: &str, review: &ReviewRecord) -> StoreResult<()>;
}
