//! Noticing the same document open in another tab of this browser (BroadcastChannel).

use std::collections::BTreeSet;

use leptos::prelude::*;

/// Keeps `others` up to date with the other tabs of this browser showing `doc_id`.
/// Dropping it tells them this tab has gone. (The browser has one thread; the wrapper
/// only lets the handle live in Leptos' thread-safe storage.)
pub struct TabPeers {
    #[cfg(all(feature = "hydrate", not(feature = "ssr")))]
    inner: Option<send_wrapper::SendWrapper<browser::Channel>>,
}

pub fn watch_tabs(doc_id: &str, tab_id: &str, others: RwSignal<BTreeSet<String>>) -> TabPeers {
    #[cfg(all(feature = "hydrate", not(feature = "ssr")))]
    {
        TabPeers {
            inner: browser::Channel::open(doc_id, tab_id, others)
                .map(send_wrapper::SendWrapper::new),
        }
    }
    #[cfg(not(all(feature = "hydrate", not(feature = "ssr"))))]
    {
        let _ = (doc_id, tab_id, others);
        TabPeers {}
    }
}

impl TabPeers {
    /// Says goodbye now (the page is going away), not only when dropped.
    pub fn leave(&self) {
        #[cfg(all(feature = "hydrate", not(feature = "ssr")))]
        if let Some(channel) = &self.inner {
            channel.post("bye");
        }
    }
}

#[cfg(all(feature = "hydrate", not(feature = "ssr")))]
mod browser {
    use std::collections::BTreeSet;

    use leptos::prelude::*;
    use wasm_bindgen::{closure::Closure, JsCast, JsValue};
    use web_sys::{BroadcastChannel, MessageEvent};

    pub struct Channel {
        channel: BroadcastChannel,
        tab_id: String,
        _listener: Closure<dyn FnMut(MessageEvent)>,
    }

    impl Channel {
        pub fn open(
            doc_id: &str,
            tab_id: &str,
            others: RwSignal<BTreeSet<String>>,
        ) -> Option<Channel> {
            let channel = BroadcastChannel::new(&format!("concord:doc:{doc_id}")).ok()?;
            let replier = channel.clone();
            let me = tab_id.to_owned();
            // Messages are "hello:<tab>", "here:<tab>" and "bye:<tab>".
            let listener = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
                let Some(data) = event.data().as_string() else {
                    return;
                };
                let Some((kind, tab)) = data.split_once(':') else {
                    return;
                };
                match kind {
                    "hello" => {
                        others.update(|o| {
                            o.insert(tab.to_owned());
                        });
                        let _ = replier.post_message(&JsValue::from_str(&format!("here:{me}")));
                    }
                    "here" => others.update(|o| {
                        o.insert(tab.to_owned());
                    }),
                    "bye" => others.update(|o| {
                        o.remove(tab);
                    }),
                    _ => {}
                }
            });
            channel.set_onmessage(Some(listener.as_ref().unchecked_ref()));
            let opened = Channel {
                channel,
                tab_id: tab_id.to_owned(),
                _listener: listener,
            };
            opened.post("hello");
            Some(opened)
        }

        pub fn post(&self, kind: &str) {
            let _ = self
                .channel
                .post_message(&JsValue::from_str(&format!("{kind}:{}", self.tab_id)));
        }
    }

    impl Drop for Channel {
        fn drop(&mut self) {
            self.post("bye");
            self.channel.set_onmessage(None);
            self.channel.close();
        }
    }
}
