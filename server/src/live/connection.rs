//! One WebSocket: reads client messages, forwards the watched documents' messages, sends
//! heartbeats and drops a silent peer. Generic over the socket, so it can be tested
//! without a network.

use std::{sync::Arc, time::Duration};

use axum::extract::ws::{CloseFrame, Message, Utf8Bytes};
use futures_util::{Sink, SinkExt, Stream, StreamExt};
use tokio::{sync::mpsc, time::Instant};
use tokio_stream::{
    wrappers::{errors::BroadcastStreamRecvError, BroadcastStream},
    StreamMap,
};

use super::{
    hub::{wire, Reach, Wire},
    Hub,
};
use crate::store::Members;
use app::{
    live::{ClientMessage, ServerMessage, Viewer},
    protocol::UserRef,
};

/// Everything one connection needs besides its socket.
pub struct Connection {
    pub id: u64,
    pub user: UserRef,
    pub hub: Arc<Hub>,
    pub members: Arc<dyn Members>,
    pub heartbeat: Duration,
    pub timeout: Duration,
}

/// The close code that says "the server is restarting; reconnect now" (RFC 6455 registry).
pub const SERVICE_RESTART: u16 = 1012;

/// Messages for this connection alone waiting for the socket; past that they are dropped
/// (they are notices, each also in the inbox).
const OUTBOX: usize = 256;

/// The documents a connection watches: their broadcasts, read by the connection's own task
/// (one task per socket; as fast as a forwarding task per watch, docs/benchmarks.md, and
/// nothing to abort when a watch ends).
type Watching = StreamMap<String, BroadcastStream<Wire>>;

pub async fn serve_connection<S, E>(socket: S, connection: Connection)
where
    S: Stream<Item = Result<Message, E>> + Sink<Message> + Unpin,
{
    let (mut sink, mut stream) = socket.split();
    let (outbox, mut outgoing) = mpsc::channel::<Wire>(OUTBOX);
    let reach = Reach {
        outbox,
        stops: Default::default(),
    };
    let stops = reach.stops.clone();
    let mut watching = Watching::new();
    let mut tab_id = format!("connection-{}", connection.id);
    let mut heartbeat = tokio::time::interval(connection.heartbeat);
    heartbeat.reset();
    let mut last_heard = Instant::now();
    let mut closing = connection.hub.closing();
    let metrics = connection.hub.metrics().cloned();
    if let Some(metrics) = &metrics {
        metrics.sockets_open.inc();
    }

    loop {
        // Biased: a revoked watch is dropped before anything more of its document is read.
        tokio::select! {
            biased;
            // The guard the wait returns must not be held across the send.
            stopping = async { closing.wait_for(|stopping| *stopping).await.is_ok() } => {
                if stopping {
                    let frame = CloseFrame { code: SERVICE_RESTART, reason: Utf8Bytes::from_static("server restarting") };
                    let _ = sink.send(Message::Close(Some(frame))).await;
                }
                break;
            }
            stopped = stops.next() => {
                for (doc_id, _) in &stopped {
                    watching.remove(doc_id);
                }
                let notices = stopped.into_iter().map(|(_, notice)| Ok(Message::Text(notice)));
                if sink.send_all(&mut futures_util::stream::iter(notices)).await.is_err() {
                    break;
                }
            }
            Some(message) = outgoing.recv() => {
                if sink.send(Message::Text(message)).await.is_err() {
                    break;
                }
                if let Some(metrics) = &metrics {
                    metrics.messages_sent.inc();
                }
            }
            frame = stream.next() => {
                let Some(Ok(frame)) = frame else { break };
                last_heard = Instant::now();
                let text = match frame {
                    Message::Text(text) => text,
                    Message::Close(_) => break,
                    _ => continue,
                };
                let message = serde_json::from_str::<ClientMessage>(&text);
                let reply = answer(&connection, &mut tab_id, message, &mut watching, &reach).await;
                if let Some(reply) = reply {
                    if send(&mut sink, &reply).await.is_err() {
                        break;
                    }
                }
            }
            Some((doc_id, item)) = watching.next(), if !watching.is_empty() => {
                if sink.send(Message::Text(delivered(&doc_id, item))).await.is_err() {
                    break;
                }
                if let Some(metrics) = &metrics {
                    metrics.messages_sent.inc();
                }
            }
            _ = heartbeat.tick() => {
                if last_heard.elapsed() > connection.timeout {
                    tracing::info!(connection = connection.id, user = %connection.user.name, "dropping a silent peer");
                    break;
                }
                if sink.send(Message::Ping(Default::default())).await.is_err() {
                    break;
                }
            }
        }
    }
    for doc_id in watching.keys() {
        connection.hub.leave(doc_id, connection.id);
    }
    let _ = sink.close().await;
    if let Some(metrics) = &metrics {
        metrics.sockets_open.dec();
    }
}

/// What one message from the client does, and the reply it gets, if any.
async fn answer(
    connection: &Connection,
    tab_id: &mut String,
    message: serde_json::Result<ClientMessage>,
    watching: &mut Watching,
    reach: &Reach,
) -> Option<ServerMessage> {
    match message {
        Ok(ClientMessage::Hello { tab_id: tab }) => {
            *tab_id = tab.chars().take(64).collect();
            None
        }
        Ok(ClientMessage::Watch { doc_id }) => {
            watch(connection, tab_id, doc_id, watching, reach).await
        }
        Ok(ClientMessage::Unwatch { doc_id }) => {
            if watching.remove(&doc_id).is_some() {
                connection.hub.leave(&doc_id, connection.id);
            }
            None
        }
        Ok(ClientMessage::Editing { doc_id, dirty }) => {
            connection.hub.set_dirty(&doc_id, connection.id, dirty);
            None
        }
        Ok(ClientMessage::Ping) => Some(ServerMessage::Pong),
        Err(error) => Some(ServerMessage::Invalid {
            message: format!("Not a live-channel message: {error}"),
        }),
    }
}

/// Joins a document the user may read; for anything else the answer is the same
/// `not_found` whether the document exists or not.
async fn watch(
    connection: &Connection,
    tab_id: &str,
    doc_id: String,
    watching: &mut Watching,
    reach: &Reach,
) -> Option<ServerMessage> {
    if watching.contains_key(&doc_id) {
        return None;
    }
    // Access taken away after the check but before the join would find no watch to stop:
    // a watch that sees a revocation happen meanwhile checks again once it has joined.
    let revocations = connection.hub.revocations();
    if !may_read(connection, &doc_id).await {
        return Some(ServerMessage::NotFound { doc_id });
    }
    let viewer = Viewer {
        user: connection.user.clone(),
        tab_id: tab_id.to_owned(),
        dirty: false,
    };
    let receiver = connection
        .hub
        .join(&doc_id, connection.id, viewer, reach.clone());
    if connection.hub.revocations() != revocations && !may_read(connection, &doc_id).await {
        connection.hub.leave(&doc_id, connection.id);
        return Some(ServerMessage::NotFound { doc_id });
    }
    watching.insert(doc_id, BroadcastStream::new(receiver));
    None
}

/// Whether the connection's user may read the document (no when it cannot be told).
async fn may_read(connection: &Connection, doc_id: &str) -> bool {
    match connection
        .members
        .role_of(doc_id, &connection.user.id)
        .await
    {
        Ok(role) => role.is_some(),
        Err(error) => {
            tracing::error!(%error, "could not check access for a watch");
            false
        }
    }
}

/// What a watcher is sent for one item of a document's broadcast: the message, or, for a
/// watcher that fell behind, `resync` rather than silently missing updates.
fn delivered(doc_id: &str, item: Result<Wire, BroadcastStreamRecvError>) -> Wire {
    match item {
        Ok(message) => message,
        Err(BroadcastStreamRecvError::Lagged(missed)) => {
            tracing::warn!(doc = %doc_id, missed, "a live watcher lagged");
            wire(&ServerMessage::Resync {
                doc_id: doc_id.to_owned(),
            })
        }
    }
}

async fn send<S>(sink: &mut S, message: &ServerMessage) -> Result<(), ()>
where
    S: Sink<Message> + Unpin,
{
    let json = serde_json::to_string(message).map_err(|_| ())?;
    sink.send(Message::Text(Utf8Bytes::from(json)))
        .await
        .map_err(|_| ())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::StoreResult;
    use app::domain::Role;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use tokio::sync::broadcast;

    /// Access that is taken away while the first question about it is being answered (a
    /// removal committing, and its revocation told, while a watch is being set up): that
    /// answer still says yes, every later one no. A real store cannot place the removal
    /// at that exact moment.
    struct RevokedWhileAsked {
        hub: Arc<Hub>,
        asked: AtomicUsize,
    }

    #[async_trait::async_trait]
    impl Members for RevokedWhileAsked {
        async fn role_of(&self, doc_id: &str, user_id: &str) -> StoreResult<Option<Role>> {
            if self.asked.fetch_add(1, Ordering::SeqCst) == 0 {
                self.hub.revoke(doc_id, user_id);
                return Ok(Some(Role::Viewer));
            }
            Ok(None)
        }
        async fn members(
            &self,
            _: &str,
        ) -> StoreResult<Option<(UserRef, Vec<app::protocol::Member>)>> {
            unreachable!("a watch asks only for the role")
        }
        async fn set_member(
            &self,
            _: &str,
            _: &str,
            _: Role,
            _: &UserRef,
            _: chrono::DateTime<chrono::Utc>,
        ) -> StoreResult<()> {
            unreachable!("a watch asks only for the role")
        }
        async fn remove_member(&self, _: &str, _: &str) -> StoreResult<bool> {
            unreachable!("a watch asks only for the role")
        }
    }

    #[tokio::test]
    async fn access_revoked_while_a_watch_is_set_up_ends_the_watch() {
        let hub = Hub::new(8, Duration::ZERO);
        let members = Arc::new(RevokedWhileAsked {
            hub: hub.clone(),
            asked: AtomicUsize::new(0),
        });
        let connection = Connection {
            id: 1,
            user: UserRef {
                id: "bob-id".into(),
                name: "Bob".into(),
            },
            hub: hub.clone(),
            members,
            heartbeat: Duration::from_secs(15),
            timeout: Duration::from_secs(30),
        };
        let reach = Reach {
            outbox: mpsc::channel(1).0,
            stops: Default::default(),
        };
        let mut watching = Watching::new();

        let answer = watch(&connection, "tab", "d".into(), &mut watching, &reach).await;

        assert_eq!(answer, Some(ServerMessage::NotFound { doc_id: "d".into() }));
        assert!(watching.is_empty());
        assert_eq!(hub.watchers("d"), 0);
    }

    #[tokio::test]
    async fn a_watcher_that_fell_behind_gets_resync_instead_of_silently_missing_updates() {
        let (sender, receiver) = broadcast::channel(2);
        let mut watching = Watching::new();
        watching.insert("d".to_owned(), BroadcastStream::new(receiver));
        for _ in 0..6 {
            sender.send(wire(&ServerMessage::Pong)).unwrap();
        }
        drop(sender);

        let mut seen = Vec::new();
        while let Some((doc_id, item)) = watching.next().await {
            seen.push(serde_json::from_str::<ServerMessage>(&delivered(&doc_id, item)).unwrap());
        }

        assert_eq!(
            seen,
            vec![
                ServerMessage::Resync { doc_id: "d".into() },
                ServerMessage::Pong,
                ServerMessage::Pong
            ]
        );
    }
}
