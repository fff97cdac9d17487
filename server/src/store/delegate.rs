//! The `Store` implementation both backends share, written once: every method hands the
//! backend's pool to the function of the same name in the backend's own modules
//! (`accounts`, `docs`, `history`, `idempotency`, `list`, `access`), which hold the SQL.
//! Expanded inside each backend, so those names resolve there. Writes go to the backend's
//! `writer` pool, reads to `pool`: on SQLite, which has one writer at a time anyway, the
//! writer pool is one connection, so writers queue in order instead of sleeping in
//! SQLite's busy handler (its back-off put a quarter of a second on the tail); on
//! PostgreSQL both are the same pool.

macro_rules! delegate_store {
    ($backend:ty) => {
        #[async_trait::async_trait]
        impl $crate::store::Store for $backend {
            async fn migrate(&self) -> StoreResult<()> {
                run_migrations(&self.pool).await
            }

            async fn ping(&self) -> StoreResult<()> {
                answer_ping(&self.pool).await
            }

            async fn create_user(
                &self,
                id: &str,
                name: &str,
                password_hash: &str,
                at: DateTime<Utc>,
            ) -> StoreResult<UserRef> {
                accounts::create_user(&self.writer, id, name, password_hash, at).await
            }

            async fn find_user(&self, name: &str) -> StoreResult<Option<UserRecord>> {
                accounts::find_user(&self.pool, name).await
            }

            async fn users_starting(&self, prefix: &str, limit: u32) -> StoreResult<Vec<UserRef>> {
                accounts::users_starting(&self.pool, prefix, limit).await
            }

            async fn create_session(
                &self,
                token_hash: &str,
                user_id: &str,
                at: DateTime<Utc>,
                expires_at: DateTime<Utc>,
            ) -> StoreResult<()> {
                accounts::create_session(&self.writer, token_hash, user_id, at, expires_at).await
            }

            async fn session_user(
                &self,
                token_hash: &str,
                now: DateTime<Utc>,
            ) -> StoreResult<Option<UserRef>> {
                accounts::session_user(&self.pool, token_hash, now).await
            }

            async fn delete_session(&self, token_hash: &str) -> StoreResult<()> {
                accounts::delete_session(&self.writer, token_hash).await
            }

            async fn create_doc(
                &self,
                id: &str,
                fields: &Fields,
                by: &UserRef,
                at: DateTime<Utc>,
                key: Option<ClaimedKey<'_>>,
            ) -> StoreResult<Document> {
                docs::create(&self.writer, id, fields, by, at, key).await
            }

            async fn get_doc(&self, id: &str) -> StoreResult<Option<Document>> {
                docs::doc_in(&self.pool, id).await
            }

            async fn trashed(&self, owner_id: &str) -> StoreResult<Vec<app::protocol::DocSummary>> {
                docs::trashed(&self.pool, owner_id).await
            }

            async fn trashed_doc(&self, id: &str) -> StoreResult<Option<(Document, String)>> {
                docs::trashed_doc(&self.pool, id).await
            }

            async fn restore_doc(
                &self,
                id: &str,
                expected_rev: i64,
                slug: &str,
                by: &UserRef,
                at: DateTime<Utc>,
            ) -> StoreResult<Document> {
                docs::restore(&self.writer, &self.feed, id, expected_rev, slug, by, at).await
            }

            async fn export_records(&self) -> StoreResult<Vec<$crate::store::transfer::Record>> {
                transfer::export(&self.pool).await
            }

            async fn has_data(&self) -> StoreResult<bool> {
                transfer::has_data(&self.pool).await
            }

            async fn import_records(
                &self,
                records: &[$crate::store::transfer::Record],
            ) -> StoreResult<()> {
                transfer::import(&self.writer, records).await
            }

            async fn backup_to(&self, path: &str) -> StoreResult<()> {
                dialect::backup(&self.writer, path).await
            }

            fn changes(&self) -> &$crate::store::changes::Feed {
                &self.feed
            }

            fn pool_stats(&self) -> Vec<(&'static str, u32, u32)> {
                pool_stats(self)
            }

            async fn doc_for(
                &self,
                id: &str,
                user_id: &str,
            ) -> StoreResult<Option<(Document, Option<Role>)>> {
                docs::doc_for(&self.pool, id, user_id).await
            }

            async fn list_docs(&self, query: &ListQuery) -> StoreResult<DocPage> {
                list::list_docs(&self.pool, query).await
            }

            async fn save_doc(&self, change: SaveChange<'_>) -> StoreResult<Document> {
                docs::save(&self.writer, &self.feed, change).await
            }

            async fn merge_save_doc(&self, change: MergeChange<'_>) -> StoreResult<Merged> {
                docs::merge_save(&self.writer, &self.feed, change).await
            }

            async fn transition_doc(
                &self,
                id: &str,
                expected_rev: i64,
                to: Status,
                by: &UserRef,
                at: DateTime<Utc>,
            ) -> StoreResult<Document> {
                docs::transition(&self.writer, &self.feed, id, expected_rev, to, by, at).await
            }

            async fn delete_doc(
                &self,
                id: &str,
                expected_rev: i64,
                by: &UserRef,
                at: DateTime<Utc>,
            ) -> StoreResult<()> {
                docs::delete(&self.writer, &self.feed, id, expected_rev, by, at).await
            }

            async fn revision_fields(&self, id: &str, rev: i64) -> StoreResult<Option<Fields>> {
                Ok(history::revision(&self.pool, id, rev)
                    .await?
                    .map(|r| r.values()))
            }

            async fn revisions(&self, id: &str) -> StoreResult<Vec<RevisionSummary>> {
                history::revisions(&self.pool, id).await
            }

            async fn revision(&self, id: &str, rev: i64) -> StoreResult<Option<Revision>> {
                history::revision(&self.pool, id, rev).await
            }

            async fn free_slugs(&self, candidates: &[String]) -> StoreResult<Vec<String>> {
                docs::free_slugs(&self.pool, candidates).await
            }

            async fn claim_idempotency_key(
                &self,
                user_id: &str,
                key: &str,
                fingerprint: &str,
                now: DateTime<Utc>,
                expired_before: DateTime<Utc>,
                abandoned_before: DateTime<Utc>,
            ) -> StoreResult<Claim> {
                idempotency::claim(
                    &self.writer,
                    user_id,
                    key,
                    fingerprint,
                    now,
                    expired_before,
                    abandoned_before,
                )
                .await
            }

            async fn finish_idempotency_key(
                &self,
                key: ClaimedKey<'_>,
                status: u16,
                body: &str,
            ) -> StoreResult<()> {
                idempotency::finish(&self.writer, key, status, body).await
            }

            async fn release_idempotency_key(&self, key: ClaimedKey<'_>) -> StoreResult<()> {
                idempotency::release(&self.writer, key).await
            }

            async fn idempotent_response(
                &self,
                user_id: &str,
                key: &str,
                not_before: DateTime<Utc>,
            ) -> StoreResult<Option<StoredResponse>> {
                idempotency::recorded(&self.pool, user_id, key, not_before).await
            }

            async fn expire_idempotency_keys(&self, before: DateTime<Utc>) -> StoreResult<u64> {
                idempotency::expire(&self.writer, before).await
            }

            async fn role_of(&self, doc_id: &str, user_id: &str) -> StoreResult<Option<Role>> {
                access::role_of(&self.pool, doc_id, user_id).await
            }

            async fn members(&self, doc_id: &str) -> StoreResult<Option<(UserRef, Vec<Member>)>> {
                access::members(&self.pool, doc_id).await
            }

            async fn set_member(
                &self,
                doc_id: &str,
                user_id: &str,
                role: Role,
                by: &UserRef,
                at: DateTime<Utc>,
            ) -> StoreResult<()> {
                access::set_member(&self.writer, doc_id, user_id, role, by, at).await
            }

            async fn remove_member(&self, doc_id: &str, user_id: &str) -> StoreResult<bool> {
                access::remove_member(&self.writer, doc_id, user_id).await
            }

            async fn auth_attempts(
                &self,
                account: &str,
                address: &str,
                since: DateTime<Utc>,
            ) -> StoreResult<(u32, u32)> {
                access::auth_attempts(&self.pool, account, address, since).await
            }

            async fn record_auth_attempt(
                &self,
                account: Option<&str>,
                address: &str,
                at: DateTime<Utc>,
            ) -> StoreResult<i64> {
                access::record_auth_attempt(&self.writer, account, address, at).await
            }

            async fn forget_auth_attempt(&self, id: i64) -> StoreResult<()> {
                access::forget_auth_attempt(&self.writer, id).await
            }

            async fn expire_sessions(&self, before: DateTime<Utc>) -> StoreResult<u64> {
                accounts::expire_sessions(&self.writer, before).await
            }

            async fn clear_auth_failures(&self, account: &str) -> StoreResult<()> {
                access::clear_auth_failures(&self.writer, account).await
            }

            async fn expire_auth_attempts(&self, before: DateTime<Utc>) -> StoreResult<u64> {
                access::expire_auth_attempts(&self.writer, before).await
            }

            async fn changes_since(&self, id: &str, after_rev: i64) -> StoreResult<Vec<ChangedBy>> {
                history::changes_since(&self.pool, id, after_rev).await
            }
        }
    };
}

pub(crate) use delegate_store;
