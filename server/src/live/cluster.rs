//! Live updates and presence across instances on PostgreSQL. Committed changes are
//! announced with NOTIFY from the committing transaction (by the store), so they go out
//! if and only if the change commits; every instance LISTENs and hands them to its hub.
//! Presence lives in the database: each instance writes its viewers of a document and
//! notifies, the others re-read everybody's.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex, Weak},
    time::Duration,
};

use chrono::Utc;
use serde::{Deserialize, Serialize};
use sqlx::{postgres::PgListener, PgConnection, PgPool, Row};

use super::{
    hub::{Hub, SharedPresence},
    Fanout,
};
use crate::store::rows::timestamp;
use app::{
    live::{ServerMessage, Viewer},
    protocol::UserRef,
};

/// The one NOTIFY channel every instance listens on.
pub const CHANNEL: &str = "concord_live";

/// What instances tell one another. Small: ids, revisions, names — never a body.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum Event {
    /// A message for the document's watchers.
    Live { message: ServerMessage },
    /// The user lost access: stop their watches.
    Revoke { doc_id: String, user_id: String },
    /// A message for one user's watches of a document.
    ToUser {
        user_id: String,
        message: ServerMessage,
    },
    /// Some instance's viewers of the document changed: re-read presence.
    Presence { doc_id: String },
}

/// Sends `event` from inside a transaction: delivered only if it commits.
pub async fn notify(connection: &mut PgConnection, event: &Event) -> sqlx::Result<()> {
    let payload = serde_json::to_string(event).map_err(|e| sqlx::Error::Encode(e.into()))?;
    sqlx::query("SELECT pg_notify($1, $2)")
        .bind(CHANNEL)
        .bind(payload)
        .execute(connection)
        .await?;
    Ok(())
}

/// How often an instance says it is alive, and after how long without that its viewers
/// no longer count.
#[derive(Debug, Clone, Copy)]
pub struct Liveness {
    pub heartbeat: Duration,
    pub timeout: Duration,
}

/// This instance's part in the cluster.
pub struct Cluster {
    inner: Arc<Inner>,
}

struct Inner {
    pool: PgPool,
    id: String,
    hub: Weak<Hub>,
    liveness: Liveness,
    /// One presence write at a time, so a later change is never overwritten by an earlier.
    writing: tokio::sync::Mutex<()>,
    /// What was last announced per document, so heartbeats announce only changes.
    announced: Mutex<HashMap<String, Vec<Viewer>>>,
}

impl Cluster {
    /// Registers this instance, starts listening (before the server serves, so nothing
    /// committed after start-up is missed) and keeps the instance's heartbeat.
    pub async fn start(pool: PgPool, hub: &Arc<Hub>, liveness: Liveness) -> sqlx::Result<Cluster> {
        let id = uuid::Uuid::now_v7().to_string();
        let now = timestamp(Utc::now());
        sqlx::query("INSERT INTO instances (id, started_at, seen_at) VALUES ($1, $2, $2)")
            .bind(&id)
            .bind(&now)
            .execute(&pool)
            .await?;
        let mut listener = PgListener::connect_with(&pool).await?;
        listener.listen(CHANNEL).await?;
        let inner = Arc::new(Inner {
            pool,
            id,
            hub: Arc::downgrade(hub),
            liveness,
            writing: tokio::sync::Mutex::new(()),
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
            pool: self.inner.pool.clone(),
        })
    }
}

impl SharedPresence for Cluster {
    fn changed(&self, doc_id: &str) {
        let inner = self.inner.clone();
        let doc_id = doc_id.to_owned();
        tokio::spawn(async move {
            if let Err(error) = inner.write_presence(&doc_id).await {
                tracing::warn!(%error, doc = %doc_id, "could not share presence");
            }
        });
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
        match serde_json::from_str::<Event>(payload) {
            Ok(Event::Live { message }) => hub.publish(&message),
            Ok(Event::Revoke { doc_id, user_id }) => hub.revoke(&doc_id, &user_id),
            Ok(Event::ToUser { user_id, message }) => hub.tell_user(&user_id, &message),
            Ok(Event::Presence { doc_id }) => {
                if let Err(error) = self.refresh(hub, &doc_id, true).await {
                    tracing::warn!(%error, doc = %doc_id, "could not read presence");
                }
            }
            Err(error) => tracing::warn!(%error, "ignored an unreadable live notification"),
        }
    }

    /// Replaces this instance's viewers of the document and tells every instance.
    async fn write_presence(&self, doc_id: &str) -> sqlx::Result<()> {
        let Some(hub) = self.hub.upgrade() else {
            return Ok(());
        };
        let _one_at_a_time = self.writing.lock().await;
        let viewers = hub.local_viewers(doc_id);
        let mut tx = self.pool.begin().await?;
        sqlx::query("DELETE FROM presence WHERE instance_id = $1 AND doc_id = $2")
            .bind(&self.id)
            .bind(doc_id)
            .execute(&mut *tx)
            .await?;
        for (position, viewer) in viewers.iter().enumerate() {
            sqlx::query(
                "INSERT INTO presence (instance_id, doc_id, position, user_id, user_name, tab_id, dirty) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(&self.id)
            .bind(doc_id)
            .bind(position as i64)
            .bind(&viewer.user.id)
            .bind(&viewer.user.name)
            .bind(&viewer.tab_id)
            .bind(viewer.dirty)
            .execute(&mut *tx)
            .await?;
        }
        notify(
            &mut tx,
            &Event::Presence {
                doc_id: doc_id.to_owned(),
            },
        )
        .await?;
        tx.commit().await
    }

    /// Everybody watching the document on a live instance, in the order they came.
    async fn viewers(&self, doc_id: &str) -> sqlx::Result<Vec<Viewer>> {
        let fresh = Utc::now()
            - chrono::Duration::from_std(self.liveness.timeout).unwrap_or(chrono::Duration::zero());
        let rows = sqlx::query(
            "SELECT p.user_id, p.user_name, p.tab_id, p.dirty FROM presence p \
             JOIN instances i ON i.id = p.instance_id \
             WHERE p.doc_id = $1 AND i.seen_at > $2 ORDER BY i.started_at, i.id, p.position",
        )
        .bind(doc_id)
        .bind(timestamp(fresh))
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                Ok(Viewer {
                    user: UserRef {
                        id: row.try_get("user_id")?,
                        name: row.try_get("user_name")?,
                    },
                    tab_id: row.try_get("tab_id")?,
                    dirty: row.try_get("dirty")?,
                })
            })
            .collect()
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
            hub.present(doc_id, viewers);
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
                let _ = sqlx::query("DELETE FROM instances WHERE id = $1")
                    .bind(&self.id)
                    .execute(&self.pool)
                    .await;
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
        let now = Utc::now();
        sqlx::query("UPDATE instances SET seen_at = $2 WHERE id = $1")
            .bind(&self.id)
            .bind(timestamp(now))
            .execute(&self.pool)
            .await?;
        // Long gone instances and their viewers are deleted, not just ignored.
        let gone = now
            - chrono::Duration::from_std(self.liveness.timeout * 2)
                .unwrap_or(chrono::Duration::zero());
        sqlx::query("DELETE FROM instances WHERE seen_at < $1")
            .bind(timestamp(gone))
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}

/// The fanout on PostgreSQL. Saves, transitions and deletes were already announced by the
/// store, with NOTIFY inside their transactions; publishing again would deliver twice.
struct PgFanout {
    pool: PgPool,
}

impl PgFanout {
    /// NOTIFY outside any transaction: the change it follows has committed already.
    fn announce(&self, event: Event) {
        let pool = self.pool.clone();
        tokio::spawn(async move {
            let sent = async {
                let mut connection = pool.acquire().await?;
                notify(&mut connection, &event).await
            };
            if let Err(error) = sent.await {
                tracing::warn!(%error, "could not announce a membership change");
            }
        });
    }
}

impl Fanout for PgFanout {
    fn publish(&self, _message: ServerMessage) {}

    fn revoke(&self, doc_id: &str, user_id: &str) {
        self.announce(Event::Revoke {
            doc_id: doc_id.to_owned(),
            user_id: user_id.to_owned(),
        });
    }

    fn tell_user(&self, user_id: &str, message: ServerMessage) {
        self.announce(Event::ToUser {
            user_id: user_id.to_owned(),
            message,
        });
    }
}
