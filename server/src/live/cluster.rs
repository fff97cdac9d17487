//! Live updates and presence across instances on PostgreSQL. Committed changes are
//! announced with NOTIFY from the committing transaction (by the store), so they go out
//! if and only if the change commits; every instance LISTENs and hands them to its hub.
//! Presence lives in the database (`store::presence`): each instance writes what changed in
//! its viewers of a document and notifies, the others re-read the first few and the count.
//! Writes are coalesced per document: one at a time, then at most one per
//! `PRESENCE_WRITE_GAP` with everything that changed meanwhile, so a busy document costs
//! the table a few small writes a second however many join, leave or start typing. Time
//! is the server's `Clock`, so tests move it instead of waiting for heartbeats to age.

use std::{
    collections::{BTreeMap, HashMap},
    sync::{Arc, Mutex, Weak},
    time::Duration,
};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sqlx::postgres::PgListener;

use super::{
    hub::{Hub, SharedPresence, PRESENCE_LIST},
    Fanout,
};
use crate::{
    clock::Clock,
    config::Liveness,
    store::{
        changes::Feed,
        presence::{Notice, Presence, Rows},
    },
};
use app::live::{ServerMessage, Viewer};

/// The least time between two presence writes of one document by one instance.
const PRESENCE_WRITE_GAP: Duration = Duration::from_millis(250);

/// This instance's part in the cluster.
pub struct Cluster {
    inner: Arc<Inner>,
}

struct Inner {
    presence: Presence,
    /// Where the changes every instance commits are told on this one.
    feed: Feed,
    clock: Clock,
    id: String,
    hub: Weak<Hub>,
    liveness: Liveness,
    /// Documents whose presence a writer is writing, and whether it changed again since
    /// that writer read it: one writer per document, so a later change is never
    /// overwritten by an earlier.
    writers: Mutex<HashMap<String, bool>>,
    /// What this instance last wrote per document, by connection: the next write sends
    /// only the difference. Missing after a failed write, which makes the next one whole.
    written: Mutex<HashMap<String, BTreeMap<u64, Viewer>>>,
    /// What was last announced per document, so heartbeats announce only changes.
    announced: Mutex<HashMap<String, (Vec<Viewer>, usize)>>,
}

impl Cluster {
    /// Registers this instance, starts listening (before the server serves, so nothing
    /// committed after start-up is missed) and keeps the instance's heartbeat.
    pub async fn start(
        presence: Presence,
        feed: Feed,
        hub: &Arc<Hub>,
        liveness: Liveness,
        clock: Clock,
    ) -> sqlx::Result<Cluster> {
        let id = uuid::Uuid::now_v7().to_string();
        presence.register(&id, clock.now()).await?;
        let listener = presence.listen().await?;
        let inner = Arc::new(Inner {
            presence,
            feed,
            clock,
            id,
            hub: Arc::downgrade(hub),
            liveness,
            writers: Mutex::new(HashMap::new()),
            written: Mutex::new(HashMap::new()),
            announced: Mutex::new(HashMap::new()),
        });
        hub.share_presence(Arc::new(Cluster {
            inner: inner.clone(),
        }));
        tokio::spawn(inner.clone().listen(listener));
        tokio::spawn(inner.clone().beat());
        Ok(Cluster { inner })
    }

    /// How committed changes reach every instance from this one.
    pub fn fanout(&self) -> Arc<dyn Fanout> {
        Arc::new(PgFanout {
            presence: self.inner.presence.clone(),
        })
    }
}

impl SharedPresence for Cluster {
    fn changed(&self, doc_id: &str) {
        {
            let mut writers = self.inner.writers.lock().expect("writers lock");
            if let Some(again) = writers.get_mut(doc_id) {
                *again = true;
                return;
            }
            writers.insert(doc_id.to_owned(), false);
        }
        let inner = self.inner.clone();
        let doc_id = doc_id.to_owned();
        tokio::spawn(async move { inner.keep_writing(doc_id).await });
    }
}

impl Inner {
    async fn listen(self: Arc<Self>, mut listener: PgListener) {
        loop {
            let Some(hub) = self.hub.upgrade() else {
                return;
            };
            match listener.try_recv().await {
                Ok(Some(notification)) => self.dispatch(&hub, notification.payload()).await,
                // The connection dropped; the next call reconnects. Whatever was sent
                // meanwhile is lost, so every watcher is told to catch up.
                Ok(None) => {
                    tracing::warn!("lost the live notification connection; reconnecting");
                    hub.resync_all();
                }
                // Perhaps the connection is going down: whatever was in flight may be
                // lost, so watchers catch up as well.
                Err(error) => {
                    tracing::warn!(%error, "live notifications unavailable; retrying");
                    hub.resync_all();
                    tokio::time::sleep(Duration::from_millis(250)).await;
                }
            }
        }
    }

    async fn dispatch(&self, hub: &Arc<Hub>, payload: &str) {
        match serde_json::from_str::<Notice>(payload) {
            Ok(Notice::Changed { change }) => self.feed.tell(change),
            Ok(Notice::Relay { payload }) => match serde_json::from_value::<Told>(payload) {
                Ok(Told::Revoke { doc_id, user_id }) => hub.revoke(&doc_id, &user_id),
                Ok(Told::ToUser { user_id, message }) => hub.tell_user(&user_id, &message),
                Err(error) => tracing::warn!(%error, "ignored an unreadable relayed notice"),
            },
            Ok(Notice::Presence { doc_id }) => {
                if let Err(error) = self.refresh(hub, &doc_id, true).await {
                    tracing::warn!(%error, doc = %doc_id, "could not read presence");
                }
            }
            Err(error) => tracing::warn!(%error, "ignored an unreadable live notification"),
        }
    }

    /// The document's one writer: writes, then waits the gap and writes again while
    /// anything changed meanwhile.
    async fn keep_writing(self: Arc<Self>, doc_id: String) {
        loop {
            if let Err(error) = self.write_presence(&doc_id).await {
                tracing::warn!(%error, doc = %doc_id, "could not share presence");
            }
            tokio::time::sleep(PRESENCE_WRITE_GAP).await;
            let mut writers = self.writers.lock().expect("writers lock");
            match writers.get_mut(&doc_id) {
                Some(again) if *again => *again = false,
                _ => {
                    writers.remove(&doc_id);
                    return;
                }
            }
        }
    }

    /// Writes what changed in this instance's viewers of the document since its last
    /// write, and tells every instance.
    async fn write_presence(&self, doc_id: &str) -> sqlx::Result<()> {
        let Some(hub) = self.hub.upgrade() else {
            return Ok(());
        };
        let now: BTreeMap<u64, Viewer> = hub.local_viewers(doc_id).into_iter().collect();
        let before = self.written.lock().expect("written lock").remove(doc_id);
        let rows = match &before {
            None => Rows::All(now.iter().map(|(c, v)| (*c, v)).collect()),
            Some(before) => {
                let gone: Vec<u64> = before
                    .keys()
                    .filter(|c| !now.contains_key(c))
                    .copied()
                    .collect();
                let set: Vec<(u64, &Viewer)> = now
                    .iter()
                    .filter(|(c, v)| before.get(c) != Some(v))
                    .map(|(c, v)| (*c, v))
                    .collect();
                if gone.is_empty() && set.is_empty() {
                    self.written
                        .lock()
                        .expect("written lock")
                        .insert(doc_id.to_owned(), now);
                    return Ok(());
                }
                Rows::Changed { gone, set }
            }
        };
        self.presence.write(&self.id, doc_id, rows).await?;
        if let Some(metrics) = hub.metrics() {
            metrics.presence_writes.inc();
        }
        if !now.is_empty() {
            self.written
                .lock()
                .expect("written lock")
                .insert(doc_id.to_owned(), now);
        }
        Ok(())
    }

    /// The first viewers of the document on a live instance, in the order they came, and
    /// how many there are.
    async fn viewers(&self, doc_id: &str) -> sqlx::Result<(Vec<Viewer>, usize)> {
        let fresh_after = self.ago(self.liveness.timeout);
        self.presence
            .viewers(doc_id, fresh_after, PRESENCE_LIST)
            .await
    }

    /// The server's time `by` ago.
    fn ago(&self, by: Duration) -> DateTime<Utc> {
        self.clock.now() - chrono::Duration::from_std(by).unwrap_or(chrono::Duration::zero())
    }

    /// Announces the document's presence to this instance's watchers: always when asked
    /// (`force`), otherwise only when it changed since the last announcement.
    async fn refresh(&self, hub: &Arc<Hub>, doc_id: &str, force: bool) -> sqlx::Result<()> {
        if hub.watchers(doc_id) == 0 {
            self.announced.lock().expect("presence lock").remove(doc_id);
            return Ok(());
        }
        let viewers = self.viewers(doc_id).await?;
        let changed = {
            let mut announced = self.announced.lock().expect("presence lock");
            let changed = announced.get(doc_id) != Some(&viewers);
            announced.insert(doc_id.to_owned(), viewers.clone());
            changed
        };
        if force || changed {
            hub.present(doc_id, viewers.0, viewers.1);
        }
        Ok(())
    }

    /// Keeps this instance alive in the others' eyes, forgets instances that stopped
    /// beating, and re-announces presence that changed because one did.
    async fn beat(self: Arc<Self>) {
        let mut every = tokio::time::interval(self.liveness.heartbeat);
        loop {
            every.tick().await;
            let Some(hub) = self.hub.upgrade() else {
                let _ = self.presence.forget(&self.id).await;
                return;
            };
            if let Err(error) = self.keep_alive().await {
                tracing::warn!(%error, "could not refresh this instance's heartbeat");
            }
            for doc_id in hub.watched() {
                if let Err(error) = self.refresh(&hub, &doc_id, false).await {
                    tracing::warn!(%error, doc = %doc_id, "could not read presence");
                }
            }
        }
    }

    async fn keep_alive(&self) -> sqlx::Result<()> {
        // Long gone instances and their viewers are deleted, not just ignored.
        let gone_before = self.ago(self.liveness.timeout * 2);
        self.presence
            .beat(&self.id, self.clock.now(), gone_before)
            .await
    }
}

/// Membership changes on PostgreSQL, told to every instance.
struct PgFanout {
    presence: Presence,
}

/// What one instance's live channel tells the others' (carried as a `Notice::Relay`).
#[derive(Serialize, Deserialize)]
#[serde(tag = "told", rename_all = "snake_case")]
enum Told {
    /// The user lost access: stop their watches.
    Revoke { doc_id: String, user_id: String },
    /// A message for one user's watches of a document.
    ToUser {
        user_id: String,
        message: ServerMessage,
    },
}

impl PgFanout {
    /// NOTIFY outside any transaction: the change it follows has committed already.
    fn announce(&self, told: Told) {
        let presence = self.presence.clone();
        let Ok(payload) = serde_json::to_value(&told) else {
            return;
        };
        let notice = Notice::Relay { payload };
        tokio::spawn(async move {
            if let Err(error) = presence.notify(&notice).await {
                tracing::warn!(%error, "could not announce a membership change");
            }
        });
    }
}

impl Fanout for PgFanout {
    fn revoke(&self, doc_id: &str, user_id: &str) {
        self.announce(Told::Revoke {
            doc_id: doc_id.to_owned(),
            user_id: user_id.to_owned(),
        });
    }

    fn tell_user(&self, user_id: &str, message: ServerMessage) {
        self.announce(Told::ToUser {
            user_id: user_id.to_owned(),
            message,
        });
    }
}
