//! Who watches which document, and a bounded broadcast channel per document. The lock is
//! a std `Mutex` held only for map updates, never across an `.await`.
//!
//! Messages are serialised once, here, not once per watcher. Presence is coalesced: a burst
//! of joins and leaves becomes one announcement after `presence_delay`, and it lists at
//! most `PRESENCE_LIST` viewers with the `total` — a thousand watchers joining must not
//! cost a million full lists.

use std::{
    collections::{BTreeMap, HashMap},
    sync::{
        atomic::{AtomicU64, Ordering},
        Arc, Mutex, OnceLock,
    },
    time::Duration,
};

use tokio::sync::{broadcast, mpsc, Notify};

use crate::metrics::LiveMetrics;
use app::live::{ServerMessage, Viewer};

/// Viewers named in one presence message; the rest are counted.
pub const PRESENCE_LIST: usize = 50;

/// A message as it goes over the wire: serialised once, and shared by reference count with
/// every socket that sends it (no copy per watcher).
pub type Wire = axum::extract::ws::Utf8Bytes;

/// Presence that spans instances: told when this instance's viewers of a document
/// change, it shares them and later hands the hub everybody's (`Hub::present`).
pub trait SharedPresence: Send + Sync + 'static {
    fn changed(&self, doc_id: &str);
}

/// How the hub reaches one connection, besides the documents' broadcasts it reads itself.
#[derive(Clone)]
pub struct Reach {
    /// Messages for this connection alone (its user's notices); dropped when it is full.
    pub outbox: mpsc::Sender<Wire>,
    /// Watches to stop at once (access revoked).
    pub stops: Arc<Stops>,
}

/// Watches the hub stopped (access revoked), each with what to tell the person. Never
/// dropped, however busy the connection, and a few dozen bytes per connection where a
/// channel would cost a block of slots (ten thousand sockets, docs/benchmarks.md).
#[derive(Default)]
pub struct Stops {
    stopped: Mutex<Vec<(String, Wire)>>,
    ready: Notify,
}

impl Stops {
    fn push(&self, doc_id: &str, notice: Wire) {
        self.list().push((doc_id.to_owned(), notice));
        self.ready.notify_one();
    }

    /// Waits for stopped watches and takes them all. Cancel-safe: they are taken in the
    /// same poll that returns them.
    pub async fn next(&self) -> Vec<(String, Wire)> {
        loop {
            let stopped = std::mem::take(&mut *self.list());
            if !stopped.is_empty() {
                return stopped;
            }
            self.ready.notified().await;
        }
    }

    fn list(&self) -> std::sync::MutexGuard<'_, Vec<(String, Wire)>> {
        self.stopped
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

pub struct Hub {
    rooms: Mutex<HashMap<String, Room>>,
    /// Set when several instances share presence; otherwise presence is this hub's own.
    shared: OnceLock<Arc<dyn SharedPresence>>,
    /// Messages a watcher may fall behind by before it is told to resync.
    capacity: usize,
    presence_delay: Duration,
    /// Turns true once when the server shuts down: every connection then closes with
    /// "service restart" (1012), which browsers take as "reconnect now".
    closing: tokio::sync::watch::Sender<bool>,
    /// Counted for `/metrics`, once the server sets them.
    metrics: OnceLock<Arc<LiveMetrics>>,
    /// Revocations so far: a watch whose access check raced one checks again.
    revocations: AtomicU64,
}

struct Room {
    sender: broadcast::Sender<Wire>,
    /// By connection id, so one tab's two sockets never collide.
    viewers: BTreeMap<u64, Viewer>,
    /// How to reach each watching connection, and stop its watch when access is revoked.
    watches: HashMap<u64, Reach>,
    /// A presence announcement is already on its way.
    announcing: bool,
}

impl Room {
    /// Sends to this user's watches of the room only.
    fn send_to(&self, user_id: &str, wired: &Wire) {
        let theirs = self.viewers.iter().filter(|(_, v)| v.user.id == user_id);
        for (connection, _) in theirs {
            if let Some(reach) = self.watches.get(connection) {
                let _ = reach.outbox.try_send(wired.clone());
            }
        }
    }
}

impl Hub {
    pub fn new(capacity: usize, presence_delay: Duration) -> Arc<Hub> {
        Arc::new(Hub {
            rooms: Mutex::new(HashMap::new()),
            shared: OnceLock::new(),
            capacity: capacity.max(1),
            presence_delay,
            closing: tokio::sync::watch::Sender::new(false),
            metrics: OnceLock::new(),
            revocations: AtomicU64::new(0),
        })
    }

    pub fn set_metrics(&self, metrics: Arc<LiveMetrics>) {
        let _ = self.metrics.set(metrics);
    }

    pub fn metrics(&self) -> Option<&Arc<LiveMetrics>> {
        self.metrics.get()
    }

    /// How many revocations this hub has carried out (see `revoke`).
    pub fn revocations(&self) -> u64 {
        self.revocations.load(Ordering::SeqCst)
    }

    /// Tells every live connection on this instance to close: the server is stopping.
    pub fn close_all(&self) {
        self.closing.send_replace(true);
    }

    /// Resolves once the server is stopping.
    pub fn closing(&self) -> tokio::sync::watch::Receiver<bool> {
        self.closing.subscribe()
    }

    /// Subscribes a connection to a document, then announces it: the new watcher sees
    /// itself in the presence it receives. From then on a revocation reaches it (`reach`).
    pub fn join(
        self: &Arc<Self>,
        doc_id: &str,
        connection: u64,
        viewer: Viewer,
        reach: Reach,
    ) -> broadcast::Receiver<Wire> {
        let receiver = {
            let mut rooms = self.rooms();
            let room = rooms.entry(doc_id.to_owned()).or_insert_with(|| Room {
                sender: broadcast::channel(self.capacity).0,
                viewers: BTreeMap::new(),
                watches: HashMap::new(),
                announcing: false,
            });
            let receiver = room.sender.subscribe();
            room.viewers.insert(connection, viewer);
            room.watches.insert(connection, reach);
            receiver
        };
        self.announce_presence(doc_id);
        receiver
    }

    /// Sends a message about a document to this user's watches of it only.
    pub fn tell_user(&self, user_id: &str, message: &ServerMessage) {
        let Some(doc_id) = message.doc_id() else {
            return;
        };
        let rooms = self.rooms();
        let Some(room) = rooms.get(doc_id) else {
            return;
        };
        room.send_to(user_id, &wire(message));
    }

    /// Sends a message to every watch of this user, whatever the document.
    pub fn tell_everywhere(&self, user_id: &str, message: &ServerMessage) {
        let wired = wire(message);
        for room in self.rooms().values() {
            room.send_to(user_id, &wired);
        }
    }

    /// Stops every watch of the document by this user: they get `not_found`, the others
    /// see them leave.
    pub fn revoke(self: &Arc<Self>, doc_id: &str, user_id: &str) {
        // Counted first: a watch that joins after this revocation looked sees the count move.
        self.revocations.fetch_add(1, Ordering::SeqCst);
        let removed = {
            let mut rooms = self.rooms();
            let Some(room) = rooms.get_mut(doc_id) else {
                return;
            };
            let theirs: Vec<u64> = room
                .viewers
                .iter()
                .filter(|(_, v)| v.user.id == user_id)
                .map(|(c, _)| *c)
                .collect();
            let notice = wire(&ServerMessage::NotFound {
                doc_id: doc_id.to_owned(),
            });
            for connection in &theirs {
                room.viewers.remove(connection);
                if let Some(reach) = room.watches.remove(connection) {
                    reach.stops.push(doc_id, notice.clone());
                }
            }
            if room.viewers.is_empty() {
                rooms.remove(doc_id);
                drop(rooms);
                self.tell_others(doc_id);
                return;
            }
            !theirs.is_empty()
        };
        if removed {
            self.announce_presence(doc_id);
        }
    }

    pub fn set_dirty(self: &Arc<Self>, doc_id: &str, connection: u64, dirty: bool) {
        let changed = {
            let mut rooms = self.rooms();
            let viewer = rooms
                .get_mut(doc_id)
                .and_then(|room| room.viewers.get_mut(&connection));
            match viewer {
                Some(viewer) if viewer.dirty != dirty => {
                    viewer.dirty = dirty;
                    true
                }
                _ => false,
            }
        };
        if changed {
            self.announce_presence(doc_id);
        }
    }

    pub fn leave(self: &Arc<Self>, doc_id: &str, connection: u64) {
        let left = {
            let mut rooms = self.rooms();
            let Some(room) = rooms.get_mut(doc_id) else {
                return;
            };
            let left = room.viewers.remove(&connection).is_some();
            room.watches.remove(&connection);
            if room.viewers.is_empty() {
                rooms.remove(doc_id);
                drop(rooms);
                self.tell_others(doc_id);
                return;
            }
            left
        };
        if left {
            self.announce_presence(doc_id);
        }
    }

    /// Delivers to the document's watchers without waiting for any of them.
    pub fn publish(&self, message: &ServerMessage) {
        let Some(doc_id) = message.doc_id() else {
            return;
        };
        if let (ServerMessage::Updated { at, .. }, Some(metrics)) = (message, self.metrics()) {
            let delay = (chrono::Utc::now() - *at).to_std().unwrap_or_default();
            metrics.fanout_delay.observe(delay.as_secs_f64());
        }
        let rooms = self.rooms();
        if let Some(room) = rooms.get(doc_id) {
            let _ = room.sender.send(wire(message));
        }
    }

    /// The rooms, also after a panic elsewhere while they were locked: every change to them
    /// is a whole map operation, so what a panicking holder left is still usable, and one
    /// panic must not break every later live operation.
    fn rooms(&self) -> std::sync::MutexGuard<'_, HashMap<String, Room>> {
        self.rooms
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// From now on presence changes go through `shared`, which spans instances.
    pub fn share_presence(&self, shared: Arc<dyn SharedPresence>) {
        let _ = self.shared.set(shared);
    }

    /// This instance's viewers of a document, by connection, in the order they joined.
    pub fn local_viewers(&self, doc_id: &str) -> Vec<(u64, Viewer)> {
        self.rooms()
            .get(doc_id)
            .map(|room| room.viewers.iter().map(|(c, v)| (*c, v.clone())).collect())
            .unwrap_or_default()
    }

    /// The documents this instance has watchers of.
    pub fn watched(&self) -> Vec<String> {
        self.rooms().keys().cloned().collect()
    }

    /// Announces presence gathered across instances to this instance's watchers: the first
    /// viewers and how many there are in all.
    pub fn present(&self, doc_id: &str, viewers: Vec<Viewer>, total: usize) {
        let message = ServerMessage::Presence {
            doc_id: doc_id.to_owned(),
            viewers: viewers.into_iter().take(PRESENCE_LIST).collect(),
            total,
        };
        self.publish(&message);
    }

    /// Tells every watcher they may have missed updates (e.g. the cluster's notification
    /// connection dropped and came back).
    pub fn resync_all(&self) {
        for doc_id in self.watched() {
            self.publish(&ServerMessage::Resync { doc_id });
        }
    }

    pub fn watchers(&self, doc_id: &str) -> usize {
        self.rooms()
            .get(doc_id)
            .map_or(0, |room| room.viewers.len())
    }

    /// The last local viewer left: nobody here to tell, but other instances' viewers
    /// must see them go.
    fn tell_others(&self, doc_id: &str) {
        if let Some(shared) = self.shared.get() {
            shared.changed(doc_id);
        }
    }

    /// Announces presence now, or once after `presence_delay` for a whole burst of changes.
    fn announce_presence(self: &Arc<Self>, doc_id: &str) {
        if self.presence_delay.is_zero() {
            self.send_presence(doc_id);
            return;
        }
        let watchers = {
            let mut rooms = self.rooms();
            match rooms.get_mut(doc_id) {
                Some(room) if !room.announcing => {
                    room.announcing = true;
                    room.viewers.len()
                }
                _ => return,
            }
        };
        // Bigger rooms wait longer: every announcement goes to every watcher.
        let delay = self.presence_delay * (1 + (watchers / 100).min(20) as u32);
        let hub = Arc::clone(self);
        let doc_id = doc_id.to_owned();
        tokio::spawn(async move {
            tokio::time::sleep(delay).await;
            hub.send_presence(&doc_id);
        });
    }

    fn send_presence(&self, doc_id: &str) {
        if let Some(shared) = self.shared.get() {
            if let Some(room) = self.rooms().get_mut(doc_id) {
                room.announcing = false;
            }
            shared.changed(doc_id);
            return;
        }
        let mut rooms = self.rooms();
        let Some(room) = rooms.get_mut(doc_id) else {
            return;
        };
        room.announcing = false;
        let viewers = room.viewers.values().take(PRESENCE_LIST).cloned().collect();
        let message = ServerMessage::Presence {
            doc_id: doc_id.to_owned(),
            viewers,
            total: room.viewers.len(),
        };
        let _ = room.sender.send(wire(&message));
    }
}

pub fn wire(message: &ServerMessage) -> Wire {
    serde_json::to_string(message).unwrap_or_default().into()
}

#[cfg(test)]
mod tests {
    use super::*;
    use app::protocol::UserRef;

    fn viewer(name: &str) -> Viewer {
        Viewer {
            user: UserRef {
                id: name.into(),
                name: name.into(),
            },
            tab_id: format!("{name}-tab"),
            dirty: false,
        }
    }

    /// A connection's way in, for tests that read the broadcasts only.
    fn reach() -> Reach {
        Reach {
            outbox: mpsc::channel(1).0,
            stops: Default::default(),
        }
    }

    fn names(wire: &Wire) -> (Vec<String>, usize) {
        match serde_json::from_str::<ServerMessage>(wire).unwrap() {
            ServerMessage::Presence { viewers, total, .. } => {
                (viewers.iter().map(|v| v.user.name.clone()).collect(), total)
            }
            other => panic!("not presence: {other:?}"),
        }
    }

    #[tokio::test]
    async fn a_stopped_watch_waits_for_its_connection_and_is_taken_once() {
        let stops = Arc::new(Stops::default());
        stops.push("a", wire(&ServerMessage::Pong));
        stops.push("b", wire(&ServerMessage::Pong));
        let taken: Vec<String> = stops.next().await.into_iter().map(|(d, _)| d).collect();
        assert_eq!(taken, ["a", "b"]);

        let waiting = tokio::spawn({
            let stops = stops.clone();
            async move { stops.next().await }
        });
        tokio::task::yield_now().await;
        assert!(!waiting.is_finished());
        stops.push("c", wire(&ServerMessage::Pong));
        assert_eq!(waiting.await.unwrap()[0].0, "c");
    }

    #[test]
    fn joining_announces_everybody_including_the_newcomer() {
        let hub = Hub::new(8, Duration::ZERO);
        let mut ann = hub.join("d", 1, viewer("ann"), reach());
        assert_eq!(names(&ann.try_recv().unwrap()).0, vec!["ann"]);
        let mut bob = hub.join("d", 2, viewer("bob"), reach());
        assert_eq!(names(&bob.try_recv().unwrap()).0, vec!["ann", "bob"]);
        assert_eq!(names(&ann.try_recv().unwrap()).0, vec!["ann", "bob"]);
        hub.leave("d", 2);
        assert_eq!(names(&ann.try_recv().unwrap()).0, vec!["ann"]);
    }

    #[test]
    fn an_empty_room_is_forgotten_and_publishing_to_it_is_harmless() {
        let hub = Hub::new(8, Duration::ZERO);
        drop(hub.join("d", 1, viewer("ann"), reach()));
        hub.leave("d", 1);
        assert_eq!(hub.watchers("d"), 0);
        hub.publish(&ServerMessage::Resync { doc_id: "d".into() });
    }

    #[test]
    fn a_receiver_that_falls_behind_learns_it_lagged() {
        let hub = Hub::new(2, Duration::ZERO);
        let mut slow = hub.join("d", 1, viewer("ann"), reach());
        for _ in 0..5 {
            hub.publish(&ServerMessage::Resync { doc_id: "d".into() });
        }
        assert!(matches!(
            slow.try_recv(),
            Err(broadcast::error::TryRecvError::Lagged(_))
        ));
    }

    #[test]
    fn a_panic_while_the_rooms_are_locked_does_not_break_later_live_operations() {
        let hub = Hub::new(8, Duration::ZERO);
        let mut ann = hub.join("d", 1, viewer("ann"), reach());
        let _ = ann.try_recv();
        let holder = Arc::clone(&hub);
        let panicked = std::thread::spawn(move || {
            let _rooms = holder.rooms.lock().unwrap();
            panic!("a bug while holding the hub lock");
        })
        .join();
        assert!(panicked.is_err());
        assert!(hub.rooms.is_poisoned());

        let mut bob = hub.join("d", 2, viewer("bob"), reach());
        hub.publish(&ServerMessage::Resync { doc_id: "d".into() });

        assert_eq!(names(&bob.try_recv().unwrap()).0, vec!["ann", "bob"]);
        assert_eq!(names(&ann.try_recv().unwrap()).0, vec!["ann", "bob"]);
        assert!(ann.try_recv().unwrap().contains("resync"));
        assert_eq!(hub.watchers("d"), 2);
    }

    #[tokio::test(start_paused = true)]
    async fn a_burst_of_joins_is_announced_once_with_a_capped_list_and_the_total() {
        let hub = Hub::new(8, Duration::from_millis(20));
        let mut first = hub.join("d", 0, viewer("v0"), reach());
        for i in 1..120 {
            drop(hub.join("d", i, viewer(&format!("v{i}")), reach()));
        }
        tokio::time::sleep(Duration::from_millis(60)).await;

        let (listed, total) = names(&first.try_recv().unwrap());
        assert_eq!((listed.len(), total), (PRESENCE_LIST, 120));
        assert!(
            first.try_recv().is_err(),
            "one announcement for the whole burst"
        );
    }
}
