//! Who watches which document, and a bounded broadcast channel per document. The lock is
//! a std `Mutex` held only for map updates, never across an `.await`.

use std::{
    collections::{BTreeMap, HashMap},
    sync::{Arc, Mutex},
};

use tokio::sync::broadcast;

use app::live::{ServerMessage, Viewer};

pub struct Hub {
    rooms: Mutex<HashMap<String, Room>>,
    /// Messages a watcher may fall behind by before it is told to resync.
    capacity: usize,
}

struct Room {
    sender: broadcast::Sender<Arc<ServerMessage>>,
    /// By connection id, so one tab's two sockets never collide.
    viewers: BTreeMap<u64, Viewer>,
}

impl Hub {
    pub fn new(capacity: usize) -> Hub {
        Hub { rooms: Mutex::new(HashMap::new()), capacity: capacity.max(1) }
    }

    /// Subscribes a connection to a document, then announces it: the new watcher sees
    /// its own arrival in the presence it receives.
    pub fn join(&self, doc_id: &str, connection: u64, viewer: Viewer) -> broadcast::Receiver<Arc<ServerMessage>> {
        let mut rooms = self.rooms.lock().expect("hub lock");
        let room = rooms.entry(doc_id.to_owned()).or_insert_with(|| Room {
            sender: broadcast::channel(self.capacity).0,
            viewers: BTreeMap::new(),
        });
        let receiver = room.sender.subscribe();
        room.viewers.insert(connection, viewer);
        announce(doc_id, room);
        receiver
    }

    pub fn set_dirty(&self, doc_id: &str, connection: u64, dirty: bool) {
        let mut rooms = self.rooms.lock().expect("hub lock");
        if let Some(room) = rooms.get_mut(doc_id) {
            if let Some(viewer) = room.viewers.get_mut(&connection) {
                if viewer.dirty != dirty {
                    viewer.dirty = dirty;
                    announce(doc_id, room);
                }
            }
        }
    }

    pub fn leave(&self, doc_id: &str, connection: u64) {
        let mut rooms = self.rooms.lock().expect("hub lock");
        if let Some(room) = rooms.get_mut(doc_id) {
            if room.viewers.remove(&connection).is_some() {
                announce(doc_id, room);
            }
            if room.viewers.is_empty() {
                rooms.remove(doc_id);
            }
        }
    }

    /// Delivers to the document's watchers without waiting for any of them.
    pub fn publish(&self, message: ServerMessage) {
        let Some(doc_id) = message.doc_id().map(str::to_owned) else {
            return;
        };
        let rooms = self.rooms.lock().expect("hub lock");
        if let Some(room) = rooms.get(&doc_id) {
            let _ = room.sender.send(Arc::new(message));
        }
    }

    pub fn watchers(&self, doc_id: &str) -> usize {
        self.rooms.lock().expect("hub lock").get(doc_id).map_or(0, |room| room.viewers.len())
    }
}

fn announce(doc_id: &str, room: &Room) {
    let viewers = room.viewers.values().cloned().collect();
    let _ = room.sender.send(Arc::new(ServerMessage::Presence { doc_id: doc_id.to_owned(), viewers }));
}

#[cfg(test)]
mod tests {
    use super::*;
    use app::protocol::UserRef;

    fn viewer(name: &str) -> Viewer {
        Viewer { user: UserRef { id: name.into(), name: name.into() }, tab_id: format!("{name}-tab"), dirty: false }
    }

    fn names(message: &ServerMessage) -> Vec<String> {
        match message {
            ServerMessage::Presence { viewers, .. } => viewers.iter().map(|v| v.user.name.clone()).collect(),
            other => panic!("not presence: {other:?}"),
        }
    }

    #[test]
    fn joining_announces_everybody_including_the_newcomer() {
        let hub = Hub::new(8);
        let mut ann = hub.join("d", 1, viewer("ann"));
        assert_eq!(names(&ann.try_recv().unwrap()), vec!["ann"]);
        let mut bob = hub.join("d", 2, viewer("bob"));
        assert_eq!(names(&bob.try_recv().unwrap()), vec!["ann", "bob"]);
        assert_eq!(names(&ann.try_recv().unwrap()), vec!["ann", "bob"]);
        hub.leave("d", 2);
        assert_eq!(names(&ann.try_recv().unwrap()), vec!["ann"]);
    }

    #[test]
    fn an_empty_room_is_forgotten_and_publishing_to_it_is_harmless() {
        let hub = Hub::new(8);
        drop(hub.join("d", 1, viewer("ann")));
        hub.leave("d", 1);
        assert_eq!(hub.watchers("d"), 0);
        hub.publish(ServerMessage::Resync { doc_id: "d".into() });
    }

    #[test]
    fn a_receiver_that_falls_behind_learns_it_lagged() {
        let hub = Hub::new(2);
        let mut slow = hub.join("d", 1, viewer("ann"));
        for _ in 0..5 {
            hub.publish(ServerMessage::Resync { doc_id: "d".into() });
        }
        assert!(matches!(slow.try_recv(), Err(broadcast::error::TryRecvError::Lagged(_))));
    }
}
