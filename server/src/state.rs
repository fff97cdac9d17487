//! The state every request shares; nothing in it is needed by another instance.

use std::sync::{atomic::AtomicU64, Arc};

use axum::extract::FromRef;
use leptos::config::LeptosOptions;

use crate::{
    config::Settings,
    live::{Fanout, Hub},
    store::Stores,
};

/// Shared by every request: cloning it (axum does, for each extractor of each request)
/// is one reference count, not one per part (a profile of reads put 6 % of the
/// server's time in cloning and dropping the parts).
#[derive(Clone)]
pub struct AppState(Arc<Shared>);

impl AppState {
    pub fn new(shared: Shared) -> AppState {
        AppState(Arc::new(shared))
    }
}

impl std::ops::Deref for AppState {
    type Target = Shared;

    fn deref(&self) -> &Shared {
        &self.0
    }
}

pub struct Shared {
    pub stores: Stores,
    pub settings: Arc<Settings>,
    pub leptos: LeptosOptions,
    /// A real Argon2id hash to verify against when a name is unknown, so failures take as
    /// long; made on the first such sign-in.
    pub dummy_hash: Arc<tokio::sync::OnceCell<String>>,
    /// This instance's live watchers.
    pub hub: Arc<Hub>,
    /// Where committed changes are announced to every instance's watchers.
    pub fanout: Arc<dyn Fanout>,
    /// What `/metrics` reports for this server.
    pub metrics: Arc<crate::metrics::Metrics>,
    /// Numbers this instance's live connections; meaningful only inside it.
    pub connections: Arc<AtomicU64>,
}

impl AppState {
    /// The document rules, over this state's store.
    pub fn documents(&self) -> crate::service::Documents<'_> {
        crate::service::Documents {
            stores: &self.stores,
            fanout: self.fanout.as_ref(),
            clock: &self.settings.clock,
        }
    }
}

impl AppState {
    /// The account rules, over this state's store and settings.
    pub fn accounts(&self) -> crate::service::Accounts<'_> {
        crate::service::Accounts {
            stores: &self.stores,
            settings: &self.settings,
            dummy_hash: &self.dummy_hash,
        }
    }
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> LeptosOptions {
        state.leptos.clone()
    }
}
