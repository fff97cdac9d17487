//! The browser's end of the live channel: one socket per tab, re-opened with backoff and
//! jitter after it drops. Outside a browser it is inert.

use crate::live::{ClientMessage, ServerMessage};

/// What the editor hears from the channel.
#[cfg_attr(not(all(feature = "hydrate", not(feature = "ssr"))), allow(dead_code))]
#[derive(Debug, Clone)]
pub enum LiveEvent {
    /// (Re)connected and watching: time to check for anything missed while away.
    Connected,
    Disconnected,
    Message(ServerMessage),
}

/// Sends to the server while open; dropping it closes the socket for good.
pub struct LiveLink {
    #[cfg(all(feature = "hydrate", not(feature = "ssr")))]
    outgoing: futures::channel::mpsc::UnboundedSender<ClientMessage>,
}

impl LiveLink {
    pub fn send(&self, message: ClientMessage) {
        #[cfg(all(feature = "hydrate", not(feature = "ssr")))]
        let _ = self.outgoing.unbounded_send(message);
        #[cfg(not(all(feature = "hydrate", not(feature = "ssr"))))]
        let _ = message;
    }
}

/// Opens the tab's socket, watching `doc_id`, and keeps it open until the link is dropped.
pub fn open(doc_id: String, tab_id: String, on_event: impl Fn(LiveEvent) + 'static) -> LiveLink {
    #[cfg(all(feature = "hydrate", not(feature = "ssr")))]
    {
        let (outgoing, incoming) = futures::channel::mpsc::unbounded();
        leptos::task::spawn_local(browser::run(doc_id, tab_id, incoming, on_event));
        LiveLink { outgoing }
    }
    #[cfg(not(all(feature = "hydrate", not(feature = "ssr"))))]
    {
        let _ = (doc_id, tab_id, on_event);
        LiveLink {}
    }
}

#[cfg(all(feature = "hydrate", not(feature = "ssr")))]
mod browser {
    use futures::{channel::mpsc::UnboundedReceiver, FutureExt, SinkExt, StreamExt};
    use gloo_net::websocket::{futures::WebSocket, Message, WebSocketError};

    use super::LiveEvent;
    use crate::{
        live::{ClientMessage, ServerMessage},
        ui::{browser::random, browser::sleep, retry::delay},
    };

    pub async fn run(
        doc_id: String,
        tab_id: String,
        mut outgoing: UnboundedReceiver<ClientMessage>,
        on_event: impl Fn(LiveEvent),
    ) {
        let mut retries = 0;
        loop {
            // The server closed with "service restart": another instance (or this one,
            // restarted) takes over at once, so reconnect quietly and soon.
            let mut restarting = false;
            if let Ok(socket) = WebSocket::open(&url()) {
                let (mut write, mut read) = socket.split();
                let greeting = [
                    ClientMessage::Hello {
                        tab_id: tab_id.clone(),
                    },
                    ClientMessage::Watch {
                        doc_id: doc_id.clone(),
                    },
                ];
                // A socket can close before it ever opens; don't wait on it forever.
                let greeted = futures::select! {
                    sent = greet(&mut write, &greeting).fuse() => sent,
                    _ = read.next().fuse() => false,
                    _ = sleep(OPEN_TIMEOUT).fuse() => false,
                };
                let mut confirmed = false;
                while greeted {
                    futures::select! {
                        frame = read.next().fuse() => match frame {
                            Some(Ok(Message::Text(json))) => {
                                // The server's first answer confirms the watch.
                                if !confirmed {
                                    confirmed = true;
                                    retries = 0;
                                    on_event(LiveEvent::Connected);
                                }
                                if let Ok(message) = serde_json::from_str::<ServerMessage>(&json) {
                                    on_event(LiveEvent::Message(message));
                                }
                            }
                            Some(Ok(Message::Bytes(_))) => {}
                            Some(Err(WebSocketError::ConnectionClose(close))) if close.code == SERVICE_RESTART => {
                                restarting = true;
                                break;
                            }
                            Some(Err(_)) | None => break,
                        },
                        message = outgoing.next() => match message {
                            Some(message) => {
                                if write.send(text(&message)).await.is_err() {
                                    break;
                                }
                            }
                            // The editor is gone: close quietly.
                            None => return,
                        },
                    }
                }
                if !restarting {
                    on_event(LiveEvent::Disconnected);
                }
            }
            let wait = if restarting {
                // Spread over a second, so a restart is not met by every tab at once.
                retries = 0;
                std::time::Duration::from_secs(1).mul_f64(random())
            } else {
                retries += 1;
                delay(retries, random())
            };
            futures::select! {
                _ = sleep(wait).fuse() => {}
                message = outgoing.next() => if message.is_none() { return },
            }
        }
    }

    const OPEN_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);
    /// The close code of a server that is stopping or restarting (RFC 6455 registry).
    const SERVICE_RESTART: u16 = 1012;

    async fn greet<S: futures::Sink<Message> + Unpin>(
        write: &mut S,
        greeting: &[ClientMessage],
    ) -> bool {
        for message in greeting {
            if write.send(text(message)).await.is_err() {
                return false;
            }
        }
        true
    }

    fn text(message: &ClientMessage) -> Message {
        Message::Text(serde_json::to_string(message).unwrap_or_default())
    }

    /// `/api/live` on this page's host, over `wss:` when the page came over HTTPS.
    fn url() -> String {
        let location = web_sys::window().map(|w| w.location());
        let host = location
            .as_ref()
            .and_then(|l| l.host().ok())
            .unwrap_or_default();
        let secure = location
            .and_then(|l| l.protocol().ok())
            .is_some_and(|p| p == "https:");
        format!("{}://{host}/api/live", if secure { "wss" } else { "ws" })
    }
}
