//! One WebSocket: reads client messages, forwards the watched documents' messages, sends
//! heartbeats and drops a silent peer. Generic over the socket, so it can be tested
//! without a network.

use std::{collections::HashMap, sync::Arc, time::Duration};

use axum::extract::ws::{CloseFrame, Message, Utf8Bytes};
use futures_util::{Sink, SinkExt, Stream, StreamExt};
use tokio::{
    sync::{broadcast, mpsc},
    task::JoinHandle,
    time::Instant,
};

use super::{
    hub::{wire, Wire},
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

/// Outgoing messages waiting for the socket; when full, the forwarders wait and their
/// broadcast receivers lag instead of the hub.
const OUTBOX: usize = 256;

pub async fn serve_connection<S, E>(socket: S, connection: Connection)
where
    S: Stream<Item = Result<Message, E>> + Sink<Message> + Unpin,
{
    let (mut sink, mut stream) = socket.split();
    let (outbox, mut outgoing) = mpsc::channel::<Wire>(OUTBOX);
    let mut watching: HashMap<String, JoinHandle<()>> = HashMap::new();
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
        tokio::select! {
            // The guard the wait returns must not be held across the send.
            stopping = async { closing.wait_for(|stopping| *stopping).await.is_ok() } => {
                if stopping {
                    let frame = CloseFrame { code: SERVICE_RESTART, reason: Utf8Bytes::from_static("server restarting") };
                    let _ = sink.send(Message::Close(Some(frame))).await;
                }
                break;
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
                let reply = answer(&connection, &mut tab_id, message, &mut watching, &outbox).await;
                if let Some(reply) = reply {
                    if send(&mut sink, &reply).await.is_err() {
                        break;
                    }
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
    for (doc_id, forwarder) in watching {
        forwarder.abort();
        connection.hub.leave(&doc_id, connection.id);
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
    watching: &mut HashMap<String, JoinHandle<()>>,
    outbox: &mpsc::Sender<Wire>,
) -> Option<ServerMessage> {
    match message {
        Ok(ClientMessage::Hello { tab_id: tab }) => {
            *tab_id = tab.chars().take(64).collect();
            None
        }
        Ok(ClientMessage::Watch { doc_id }) => {
            watch(connection, tab_id, doc_id, watching, outbox).await
        }
        Ok(ClientMessage::Unwatch { doc_id }) => {
            if let Some(forwarder) = watching.remove(&doc_id) {
                forwarder.abort();
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
    watching: &mut HashMap<String, JoinHandle<()>>,
    outbox: &mpsc::Sender<Wire>,
) -> Option<ServerMessage> {
    if watching.contains_key(&doc_id) {
        return None;
    }
    match connection
        .members
        .role_of(&doc_id, &connection.user.id)
        .await
    {
        Ok(Some(_)) => {}
        Ok(None) => return Some(ServerMessage::NotFound { doc_id }),
        Err(error) => {
            tracing::error!(%error, "could not check access for a watch");
            return Some(ServerMessage::NotFound { doc_id });
        }
    }
    let viewer = Viewer {
        user: connection.user.clone(),
        tab_id: tab_id.to_owned(),
        dirty: false,
    };
    let receiver = connection.hub.join(&doc_id, connection.id, viewer);
    let forwarder = tokio::spawn(forward(doc_id.clone(), receiver, outbox.clone()));
    connection.hub.attach(
        &doc_id,
        connection.id,
        outbox.clone(),
        forwarder.abort_handle(),
    );
    watching.insert(doc_id, forwarder);
    None
}

/// Moves one document's messages into the connection's outbox. A watcher that fell
/// behind gets `resync` rather than silently missing updates.
async fn forward(
    doc_id: String,
    mut receiver: broadcast::Receiver<Wire>,
    outbox: mpsc::Sender<Wire>,
) {
    loop {
        let message = match receiver.recv().await {
            Ok(message) => message,
            Err(broadcast::error::RecvError::Lagged(missed)) => {
                tracing::warn!(doc = %doc_id, missed, "a live watcher lagged");
                wire(&ServerMessage::Resync {
                    doc_id: doc_id.clone(),
                })
            }
            Err(broadcast::error::RecvError::Closed) => break,
        };
        if outbox.send(message).await.is_err() {
            break;
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

    #[tokio::test(start_paused = true)]
    async fn a_watcher_whose_outbox_is_full_gets_resync_instead_of_silently_missing_updates() {
        let (sender, receiver) = broadcast::channel(2);
        let (outbox, mut outgoing) = mpsc::channel(1);
        let forwarder = tokio::spawn(forward("d".into(), receiver, outbox));
        for _ in 0..6 {
            sender.send(wire(&ServerMessage::Pong)).unwrap();
        }
        tokio::time::sleep(Duration::from_millis(50)).await;

        let mut seen = Vec::new();
        while let Ok(Some(message)) =
            tokio::time::timeout(Duration::from_millis(50), outgoing.recv()).await
        {
            seen.push(serde_json::from_str::<ServerMessage>(&message).unwrap());
        }

        assert!(
            seen.contains(&ServerMessage::Resync { doc_id: "d".into() }),
            "{seen:?}"
        );
        forwarder.abort();
    }
}
