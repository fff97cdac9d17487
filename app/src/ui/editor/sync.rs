//! The live channel's news, applied to the editor: presence, others' saves, catching up.

use leptos::{prelude::*, task::spawn_local};

use super::{
    together::{RemoteChange, Together},
    EditorState,
};
use crate::{
    live::ServerMessage,
    ui::{api, live::LiveEvent},
};

impl EditorState {
    /// What the live channel says, applied to the editor.
    pub(super) fn on_live(self, event: LiveEvent, together: Together, me: Option<String>) {
        match event {
            LiveEvent::Connected => {
                together.connected.set(true);
                // Updates may have been missed while the socket was down.
                self.catch_up(together, me);
            }
            LiveEvent::Disconnected => together.connected.set(false),
            LiveEvent::Message(ServerMessage::Presence { viewers, total, .. }) => {
                together.presence.set(viewers);
                together.total.set(total);
            }
            LiveEvent::Message(ServerMessage::Updated {
                rev, by, fields, ..
            }) => {
                let base_rev = self.base.with_untracked(|d| d.rev);
                if rev > base_rev {
                    let mine = me.as_deref() == Some(by.id.as_str());
                    together.heard(
                        RemoteChange {
                            rev,
                            names: vec![by.name],
                            fields,
                            mine,
                            deleted: false,
                        },
                        base_rev,
                    );
                }
            }
            LiveEvent::Message(ServerMessage::Deleted { by, .. }) => {
                // Nothing can be saved here any more; what was typed can become a new
                // document (the banner offers it).
                let who = if me.as_deref() == Some(by.id.as_str()) {
                    "You, in another tab or window,".to_owned()
                } else {
                    by.name
                };
                self.trashed.set(Some(who));
                self.status.set(
                    "This document was moved to the trash; your text stays on this page.".into(),
                );
            }
            LiveEvent::Message(ServerMessage::Resync { .. }) => self.catch_up(together, me),
            LiveEvent::Message(ServerMessage::NotFound { .. }) => {
                self.revoked.set(true);
                self.status.set(
                    "This document is no longer shared with you; your text stays on this page."
                        .into(),
                );
            }
            LiveEvent::Message(ServerMessage::Role { role, by, .. }) => {
                let before = self.members.with_untracked(|m| m.your_role);
                self.members.update(|m| m.your_role = role);
                if role.can_edit() && !before.can_edit() {
                    self.status.set(format!(
                        "{} made you an editor: you can change this document now.",
                        by.name
                    ));
                } else if !role.can_edit() && before.can_edit() {
                    let kept =
                        if untrack(|| self.mine()) != self.base.with_untracked(|d| d.fields()) {
                            " Your unsaved text stays on this page."
                        } else {
                            ""
                        };
                    self.status.set(format!(
                        "{} made you a viewer: you can read this document but no longer change it.{kept}",
                        by.name
                    ));
                }
            }
            LiveEvent::Message(_) => {}
        }
    }

    /// Asks the server which revisions came after the one being edited.
    pub(super) fn catch_up(self, together: Together, me: Option<String>) {
        let (id, base_rev) = self.base.with_untracked(|d| (d.id.clone(), d.rev));
        spawn_local(async move {
            let Ok(history) = api::revisions(id).await else {
                return;
            };
            let newer: Vec<_> = history
                .items
                .into_iter()
                .filter(|r| r.rev > base_rev)
                .collect();
            let Some(latest) = newer.iter().map(|r| r.rev).max() else {
                return;
            };
            let mut change = RemoteChange {
                rev: latest,
                names: Vec::new(),
                fields: Vec::new(),
                mine: true,
                deleted: false,
            };
            for revision in newer {
                let mine = me.as_deref() == Some(revision.by.id.as_str());
                change = change.and(RemoteChange {
                    rev: revision.rev,
                    names: vec![revision.by.name],
                    fields: revision.fields,
                    mine,
                    deleted: false,
                });
            }
            together.heard(change, base_rev);
        });
    }

    /// With nothing of this person's to protect, takes the latest revision into the form
    /// and says so quietly. If they started typing meanwhile, it leaves the banner instead.
    pub(super) fn refresh_in_place(self) {
        let (id, seen, seen_rev) = self
            .base
            .with_untracked(|d| (d.id.clone(), d.fields(), d.rev));
        spawn_local(async move {
            let Ok(latest) = api::get_doc(id).await else {
                return;
            };
            let untouched = untrack(|| self.mine()) == seen
                && self.conflict.with_untracked(Option::is_none)
                && !self.saving.get_untracked()
                && self.base.with_untracked(|d| d.rev) == seen_rev;
            if !untouched || latest.rev <= seen_rev {
                return;
            }
            self.show(&latest.fields());
            self.status.set(format!(
                "Updated to revision {}, saved by {}.",
                latest.rev, latest.updated_by.name
            ));
            self.base.set(latest);
        });
    }

    pub(super) fn show_changes(self, together: Together, from: i64, to: i64) {
        let id = self.base.with_untracked(|d| d.id.clone());
        spawn_local(async move {
            match api::diff(&id, from, to).await {
                Ok(diff) => together.shown.set(Some(diff)),
                Err(failure) => self.status.set(format!(
                    "Could not show the changes: {}",
                    failure.problem.detail
                )),
            }
        });
    }
}
