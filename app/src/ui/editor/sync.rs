//! The live channel's news, applied to the editor: presence, others' saves, catching up.

use leptos::{prelude::*, task::spawn_local};

use super::{
    answers::role_changed,
    arrival::{self, arrival_sentence, follow_caret, merge_arrival, whose, Arrived},
    conflict::{Conflict, Origin},
    phase::Event,
    together::{RemoteChange, Together},
    EditorState,
};
use crate::{
    domain::Fields,
    live::ServerMessage,
    protocol::{who_saved, ChangedBy, Document},
    ui::{api, browser, fields::tags_to_input, live::LiveEvent},
};

impl EditorState {
    /// What the live channel says, applied to the editor.
    pub(super) fn on_live(self, event: LiveEvent, together: Together, me: Option<String>) {
        match event {
            LiveEvent::Connected => {
                together.connected.set(true);
                // Updates may have been missed while the socket was down, and comments too
                // (on the first connection this asks for the threads once more).
                self.discussed.update(|n| *n += 1);
                self.proposed.update(|n| *n += 1);
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
                    // Somebody's save moved the threads' passages, whether or not the form
                    // takes it in.
                    self.discussed.update(|n| *n += 1);
                    // And may have outdated suggested changes, or accepted some.
                    self.proposed.update(|n| *n += 1);
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
                self.step(Event::Trashed { by: who });
                self.status.set(
                    "This document was moved to the trash; your text stays on this page.".into(),
                );
            }
            LiveEvent::Message(ServerMessage::Discussed { .. }) => {
                self.discussed.update(|n| *n += 1);
            }
            LiveEvent::Message(
                ServerMessage::Suggested { .. } | ServerMessage::Reviewed { .. },
            ) => {
                self.proposed.update(|n| *n += 1);
            }
            LiveEvent::Message(ServerMessage::Resync { .. }) => {
                // Comments and suggestions may have changed unheard as well.
                self.discussed.update(|n| *n += 1);
                self.proposed.update(|n| *n += 1);
                self.catch_up(together, me)
            }
            LiveEvent::Message(ServerMessage::NotFound { .. }) => {
                self.step(Event::Revoked);
                self.status.set(
                    "This document is no longer shared with you; your text stays on this page."
                        .into(),
                );
            }
            LiveEvent::Message(ServerMessage::Role { role, by, .. }) => {
                let before = self.members.with_untracked(|m| m.your_role);
                self.members.update(|m| m.your_role = role);
                let unsaved = untrack(|| self.mine()) != self.base.with_untracked(|d| d.fields());
                if let Some(news) =
                    role_changed(&by.name, before.can_edit(), role.can_edit(), unsaved)
                {
                    self.status.set(news);
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
                && !untrack(|| self.saving())
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
            match api::diff(id.clone(), from, to).await {
                Ok(diff) => together.shown.set(Some(diff)),
                Err(failure) => self.status.set(format!(
                    "Could not show the changes: {}",
                    failure.problem.detail
                )),
            }
        });
    }

    /// Merges the latest revision into what the person is typing: their text stays, every
    /// change of the arrival that does not touch it comes in, and a place both changed is
    /// listed at once for a choice. The form is then based on the latest revision.
    pub(super) fn merge_in(self, change: RemoteChange) {
        if self.merging.get_untracked() {
            return;
        }
        let (id, seen_rev) = self.base.with_untracked(|d| (d.id.clone(), d.rev));
        self.merging.set(true);
        spawn_local(async move {
            let fetched = api::get_doc(id.clone()).await;
            let Ok(latest) = fetched else {
                self.merging.set(false);
                return;
            };
            let mut merged = self.arrival(&latest);
            // Who to name in a clash is asked before anything is applied: the form never
            // stands on the new revision without its clash on screen, not even for a
            // request's time in which Save could drop the other side's words. The person
            // may type meanwhile, so the merge is made again after it.
            let mut named = None;
            if merged.as_ref().is_some_and(|m| m.clash.is_some()) {
                let since = self.live_clash_base().map_or(seen_rev, |(_, rev)| rev);
                named = Some(self.changes_since(id, since).await);
                merged = self.arrival(&latest);
            }
            self.merging.set(false);
            if let Some(merged) = merged.filter(|_| self.base.with_untracked(|d| d.rev) == seen_rev)
            {
                self.take_arrival(latest, &change, named, merged);
            }
        });
    }

    /// The open clash that arrived while typing: where it started, and at which revision.
    fn live_clash_base(self) -> Option<(Fields, i64)> {
        self.conflict.with_untracked(|c| {
            c.as_ref()
                .filter(|c| c.origin == Origin::Live)
                .map(|c| (c.base.clone(), c.base_rev))
        })
    }

    /// `latest` merged into the form as it is now, if the moment allows it (no save, no
    /// composition, no other panel, and `latest` is newer than the form's base).
    fn arrival(self, latest: &Document) -> Option<arrival::Merged> {
        let deciding = self
            .conflict
            .with_untracked(|c| c.as_ref().is_some_and(|c| c.origin != Origin::Live));
        let base = self.base.with_untracked(Document::fields);
        let base_rev = self.base.with_untracked(|d| d.rev);
        if latest.rev <= base_rev
            || untrack(|| self.saving())
            || self.composing.get_untracked()
            || deciding
        {
            return None;
        }
        let ancestor = self
            .live_clash_base()
            .map_or(base.clone(), |(fields, _)| fields);
        let form = untrack(|| self.mine());
        Some(merge_arrival(&ancestor, &base, &latest.fields(), &form))
    }

    /// Applies an arrival, all at once: the form, its base, the note and any clash.
    /// `merged` is `arrival(&latest)` made just now, with nothing awaited since.
    fn take_arrival(
        self,
        latest: Document,
        change: &RemoteChange,
        named: Option<(Vec<ChangedBy>, bool)>,
        merged: arrival::Merged,
    ) {
        let base = self.base.get_untracked();
        let form = untrack(|| self.mine());
        let (ancestor, ancestor_rev) = self.live_clash_base().unwrap_or((base.fields(), base.rev));
        self.show_following(&form, &merged.fields);
        let who = who_saved(change.mine, change.names.iter().map(String::as_str));
        self.arrived.set(Some(Arrived {
            from: base.rev,
            rev: latest.rev,
            before: base.fields(),
            after: latest.fields(),
            note: arrival_sentence(&who, &merged.changed, &merged.lines),
            whose: whose(&change.names, change.mine),
        }));
        self.base.set(latest.clone());
        match merged.clash {
            Some(clash) => {
                let from_rev = if clash.base == ancestor {
                    ancestor_rev
                } else {
                    base.rev
                };
                // Typing turned a clean arrival into a clash while the names were asked
                // for: the arrival itself names who saved it.
                let (changed_by, own) = named.unwrap_or_else(|| {
                    let by = ChangedBy {
                        rev: latest.rev,
                        by: latest.updated_by.clone(),
                        at: latest.updated_at,
                        fields: change.fields.clone(),
                    };
                    (vec![by], change.mine)
                });
                let mut conflict =
                    Conflict::new(&clash.base, from_rev, latest, &clash.mine, changed_by, own);
                conflict.origin = Origin::Live;
                self.keep_choices_into(conflict);
            }
            None if self.live_clash_base().is_some() => self.conflict.set(None),
            None => {}
        }
    }

    /// Opens a clash that arrived while typing, keeping the choices already made for the
    /// places that are still the same.
    pub(super) fn keep_choices_into(self, conflict: Conflict) {
        let resolution = self.conflict.with_untracked(|open| {
            self.resolution
                .with_untracked(|chosen| conflict.carried_choices(open.as_ref(), chosen))
        });
        self.resolution.set(resolution);
        self.refusal.set(None);
        self.conflict.set(Some(conflict));
    }

    /// Takes the last arrival back out of the form, where the person has not changed the
    /// same place since. Their next save undoes it for everybody, as they chose.
    pub(super) fn undo_arrival(self) {
        let Some(arrived) = self.arrived.get_untracked() else {
            return;
        };
        let form = untrack(|| self.mine());
        let undone = arrival::undo_arrival(&arrived.before, &arrived.after, &form);
        self.show_following(&form, &undone);
        self.arrived.set(None);
        self.status.set(format!(
            "Revision {}'s changes are taken out of your text; saving undoes them for everybody.",
            arrived.rev
        ));
    }

    /// Shows new values in the fields that changed; the one with the focus keeps its
    /// caret, selection and scroll on the same words.
    pub(super) fn show_following(self, now: &Fields, next: &Fields) {
        let focused = browser::focused_field();
        let put = |id: &str, input: RwSignal<String>, value: String| {
            let before = input.get_untracked();
            if before == value {
                return;
            }
            if let Some(field) = focused.as_ref().filter(|f| f.id == id) {
                browser::put_into_focused(&follow_caret(&before, &value, field), &value);
            }
            input.set(value);
        };
        if now.title != next.title {
            put("title", self.inputs.title, next.title.clone());
        }
        if now.slug != next.slug {
            put("slug", self.inputs.slug, next.slug.clone());
        }
        if now.tags != next.tags {
            put("tags", self.inputs.tags, tags_to_input(&next.tags));
        }
        if now.body != next.body {
            put("body", self.inputs.body, next.body.clone());
        }
    }
}
