//! What the editor does: save (with retries), change status, re-apply changes onto a
//! newer revision, and restore or discard a draft.

use leptos::{prelude::*, task::spawn_local};

use super::{
    answers::{after_save, reapply, Reapply},
    conflict::{Conflict, Origin},
    phase::{Answer, Event},
    EditorState,
};
use crate::{
    domain::{copy::my_version, merge::compare, resolve::resolve, tasks, Fields, Status},
    protocol::{problem, ApiFailure, ChangedBy, CreateDoc, Document, PutDoc},
    ui::{
        api, browser,
        draft::{self, restore_into, Draft, Restored},
        fields::tags_to_input,
        retry,
    },
};

impl EditorState {
    pub(super) fn save(self) {
        self.save_merging(self.merge_on_save.get_untracked());
    }

    /// Saves the form; `merge` asks the server to merge a stale save that merges cleanly.
    pub(super) fn save_merging(self, merge: bool) {
        // Every way of saving (the form, Ctrl+S, a resolved panel, after signing in again)
        // makes a suggestion instead while suggesting.
        if untrack(|| self.mode_now().suggesting()) {
            self.submit_suggestion();
            return;
        }
        if untrack(|| self.saving() || self.readonly()) {
            return;
        }
        let sent = untrack(|| self.mine());
        let (id, base_rev, base_fields) = self
            .base
            .with_untracked(|d| (d.id.clone(), d.rev, d.fields()));
        self.step(Event::SaveSent);
        self.conflict.set(None);
        spawn_local(async move {
            // One key for this save and all its retries: a retry of a save that did reach
            // the server gets the original answer, not a false conflict.
            let key = browser::new_idempotency_key();
            let outcome = retry::retrying(self.retrying, || {
                self.status.set("Saving…".into());
                api::put_doc(
                    &id,
                    base_rev,
                    PutDoc::from_fields(sent.clone()),
                    &key,
                    merge,
                )
            })
            .await;
            let answer = match &outcome {
                Ok(_) => Answer::Saved,
                Err(failure) if failure.problem.stale().is_some() => Answer::Stale,
                Err(failure) if failure.status == 401 => Answer::SessionEnded,
                Err(_) => Answer::Failed,
            };
            match outcome {
                Ok(saved) => {
                    let (first, last) = (base_rev + 1, saved.rev - 1);
                    self.adopt(&sent, saved);
                    // The server merged this save over revisions others saved meanwhile.
                    let merged = match last - first {
                        0 => Some(format!(", merged with revision {first}")),
                        more if more > 0 => Some(format!(", merged with revisions {first}–{last}")),
                        _ => None,
                    };
                    if let Some(merged) = merged {
                        self.status.update(|s| s.push_str(&merged));
                    }
                }
                Err(failure) => self.refused(&base_fields, base_rev, failure),
            }
            self.step(Event::Answered(answer));
        });
    }

    /// Ticks or clears the task box whose mark starts at `place`, and saves just that, with
    /// the server merging it over anything saved meanwhile (`Prefer: merge=auto`).
    pub(super) fn tick(self, place: usize) {
        let body = self.inputs.body.get_untracked();
        match tasks::toggle(&body, place) {
            Some(ticked) => {
                self.inputs.body.set(ticked);
                self.step(Event::Ticked);
            }
            None => self
                .status
                .set("That box moved since the page was shown; try again.".into()),
        }
    }

    /// Says why a save did not happen; a stale save opens the conflict panel.
    pub(super) fn refused(self, base_fields: &Fields, base_rev: i64, failure: ApiFailure) {
        if let Some(stale) = failure.problem.stale() {
            let mine = untrack(|| self.mine());
            let conflict = Conflict::new(
                base_fields,
                base_rev,
                stale.current,
                &mine,
                stale.changed_by,
                stale.self_conflict,
            );
            self.status.set(format!(
                "Not saved: {} saved revision {} first.",
                conflict.who(),
                conflict.current.rev
            ));
            self.open_conflict(conflict);
        } else if failure.status == 401 {
            self.status.set(
                "Not saved: your session has ended. Sign in again on this page and it is saved — your changes are kept on this device."
                    .into(),
            );
        } else if retry::is_transient(failure.status) {
            self.status.set(format!(
                "Not saved after several attempts: {} Your changes are kept on this device; press Save to try again.",
                failure.problem.detail
            ));
        } else {
            self.errors.set(failure.problem.errors.clone());
            self.suggestions.set(failure.problem.suggestions());
            self.status
                .set(format!("Not saved: {}", failure.problem.detail));
        }
    }

    /// Moves the document to its owner's trash (asking first), from the revision on screen;
    /// `then` runs once it is there.
    pub(super) fn move_to_trash(self, then: Callback<()>) {
        let (id, rev, title) = self
            .base
            .with_untracked(|d| (d.id.clone(), d.rev, d.title.clone()));
        let question = format!(
            "Move “{title}” to the trash? People it is shared with lose it too; you can restore it, with its history, from the trash."
        );
        if !browser::confirm(&question) {
            return;
        }
        self.status.set("Moving to the trash…".into());
        spawn_local(async move {
            match api::delete_doc(&id, rev).await {
                Ok(()) => {
                    draft::clear(&id);
                    then.run(());
                }
                Err(failure) => self.status.set(format!(
                    "Not moved to the trash: {}",
                    failure.problem.detail
                )),
            }
        });
    }

    /// Moves the document along the workflow, from the revision on screen.
    pub(super) fn transition(self, to: Status) {
        let (id, rev) = self.base.with_untracked(|d| (d.id.clone(), d.rev));
        self.status.set("Changing the status…".into());
        // Like a save: while it is under way, the live news of this very change is not
        // somebody else's revision.
        self.step(Event::SaveSent);
        spawn_local(async move {
            match api::transition(&id, rev, to).await {
                Ok(doc) => {
                    self.status.set(format!(
                        "{} — revision {}",
                        status_sentence(doc.status),
                        doc.rev
                    ));
                    self.base.set(doc);
                }
                Err(failure) => self
                    .status
                    .set(format!("Status not changed: {}", failure.problem.detail)),
            }
            self.step(Event::StatusChanged);
        });
    }

    /// After a save, inputs take the stored (normalised) values — but only where the person
    /// has not typed since the save was sent.
    pub(super) fn adopt(self, sent: &Fields, saved: Document) {
        let now = untrack(|| self.mine());
        self.show_following(&now, &after_save(sent, &now, &saved.fields()));
        // The tags field takes the stored spelling (sorted, one space) unless typed in since.
        if now.tags == sent.tags {
            self.inputs.tags.set(tags_to_input(&saved.tags));
        }
        self.status.set(format!("Saved as revision {}", saved.rev));
        self.arrived.set(None);
        self.errors.set(Vec::new());
        self.suggestions.set(Vec::new());
        self.base.set(saved);
    }

    /// Re-applies my changes (base → mine) onto `latest`: silently when they merge cleanly,
    /// through the conflict panel when they overlap.
    pub(super) fn reapply_onto(
        self,
        latest: Document,
        changed_by: Vec<ChangedBy>,
        self_conflict: bool,
    ) {
        let (base_fields, base_rev) = self.base.with_untracked(|d| (d.fields(), d.rev));
        let mine = untrack(|| self.mine());
        let panel_shows_it = self.conflict.with_untracked(|open| {
            open.as_ref().is_some_and(|open| {
                open.origin == Origin::Stale && open.current.rev == latest.rev && open.mine == mine
            })
        });
        let decided = reapply(
            &base_fields,
            base_rev,
            &latest.fields(),
            latest.rev,
            &mine,
            panel_shows_it,
        );
        match decided {
            Reapply::TakeLatest => {
            self.show(&latest.fields());
            self.conflict.set(None);
            self.status.set(if latest.rev == base_rev {
                format!(
                    "This is the latest revision ({}); you have no unsaved changes.",
                    latest.rev
                )
            } else {
                format!(
                    "Revision {} is loaded. You had no unsaved changes to reapply.",
                    latest.rev
                )
            });
            self.base.set(latest);
            }
            Reapply::AlreadyLatest => self.status.set(format!(
                "This is still the latest revision ({}); your unsaved changes are as you left them.",
                latest.rev
            )),
            Reapply::Clean(rebased) => {
            self.show_following(&mine, &rebased);
            self.conflict.set(None);
            self.status.set(format!(
                "Your changes are re-applied on revision {}. Review them and save.",
                latest.rev
            ));
            self.base.set(latest);
            }
            // The panel already shows exactly this: keep it, and the choices made in it.
            Reapply::SamePanel => self.status.set(format!(
                "Revision {} is still the latest. Your changes are re-applied on it; the places you both changed still need your choice below.",
                latest.rev
            )),
            Reapply::Clash => {
            self.status.set(format!(
                "Some of your changes overlap with revision {}. Choose below.",
                latest.rev
            ));
            let conflict = Conflict::new(
                &base_fields,
                base_rev,
                latest,
                &mine,
                changed_by,
                self_conflict,
            );
            self.open_conflict(conflict);
            }
        }
    }

    pub(super) fn reload_and_reapply(self) {
        let (id, base_rev) = self.base.with_untracked(|d| (d.id.clone(), d.rev));
        self.status.set("Loading the latest revision…".into());
        spawn_local(async move {
            match api::get_doc(id.clone()).await {
                Ok(latest) => {
                    let (changed_by, self_conflict) = self.changes_since(id, base_rev).await;
                    self.reapply_onto(latest, changed_by, self_conflict)
                }
                Err(failure) => self.status.set(format!(
                    "Could not load the latest revision: {}",
                    failure.problem.detail
                )),
            }
        });
    }

    /// Who saved which revisions after `base_rev`, so a panel can name them; and whether
    /// they were all this person's own (another tab).
    pub(super) async fn changes_since(self, id: String, base_rev: i64) -> (Vec<ChangedBy>, bool) {
        let Ok(history) = api::revisions(id).await else {
            return (Vec::new(), false);
        };
        let me = self.me.get_untracked();
        let mut since: Vec<ChangedBy> = history
            .items
            .into_iter()
            .filter(|r| r.rev > base_rev)
            .map(|r| ChangedBy {
                rev: r.rev,
                by: r.by,
                at: r.at,
                fields: r.fields,
            })
            .collect();
        since.sort_by_key(|c| c.rev);
        let own = !since.is_empty() && since.iter().all(|c| Some(&c.by.id) == me.as_ref());
        (since, own)
    }

    pub(super) fn open_conflict(self, conflict: Conflict) {
        self.resolution.set(conflict.default_resolution());
        self.refusal.set(None);
        self.conflict.set(Some(conflict));
    }

    /// Ctrl+S and the form's Save: while the conflict panel is open they save its
    /// resolution, never the form over it.
    pub(super) fn save_or_resolve(self) {
        if self.conflict.with_untracked(Option::is_some) {
            self.save_resolution(true);
        } else {
            self.save();
        }
    }

    /// Saves the panel's resolution on top of the revision it was resolved against. Text
    /// typed into the form since the panel opened is merged in, not overwritten. A restored
    /// draft's resolution only fills the form, and so does a clash that arrived while the
    /// person typed unless they asked to save (`save`: the form's Save, Ctrl+S).
    pub(super) fn save_resolution(self, save: bool) {
        let Some(conflict) = self.conflict.get_untracked() else {
            return;
        };
        if let Some(((field, index), count)) =
            self.resolution.with_untracked(|r| conflict.undecided(r))
        {
            let why = if count == 1 {
                "1 conflicting change still needs a choice; the focus is on it.".to_owned()
            } else {
                format!(
                    "{count} conflicting changes still need a choice; the focus is on the first."
                )
            };
            self.status.set(format!("Not saved yet: {why}"));
            self.refusal.set(Some(why));
            browser::focus_id(&super::hunks::first_choice_id(field, index));
            return;
        }
        let resolved = match resolve(&conflict.comparison, &self.resolution.get_untracked()) {
            Ok(resolved) => resolved,
            Err(errors) => {
                let why = errors
                    .iter()
                    .map(|e| e.message.as_str())
                    .collect::<Vec<_>>()
                    .join(" ");
                self.status.set(format!("Not saved: {why}"));
                self.refusal.set(Some(why));
                return;
            }
        };
        let now = untrack(|| self.mine());
        let result = if now == conflict.mine {
            resolved
        } else {
            let late = compare(&conflict.mine, &resolved, &now);
            if !late.merge.clean {
                let mut refreshed = Conflict::new(
                    &conflict.base,
                    conflict.base_rev,
                    conflict.current,
                    &now,
                    conflict.changed_by,
                    conflict.self_conflict,
                );
                refreshed.origin = conflict.origin;
                self.status.set(
                    "Not saved yet: you typed into a part that is in conflict. The panel now includes what you typed; choose again and save."
                        .into(),
                );
                self.open_conflict(refreshed);
                return;
            }
            late.merge.proposal
        };
        self.show(&result);
        self.conflict.set(None);
        match conflict.origin {
            Origin::Draft { .. } => {
                // A restored draft fills the form for review; the form's base stays.
                self.status
                    .set("Your draft is merged into the form. Review it and save.".into());
            }
            Origin::Live if !save => {
                self.status
                    .set("Your choices are in your text. Save when you are ready.".into());
            }
            Origin::Stale | Origin::Live => {
                self.base.set(conflict.current);
                self.save();
            }
        }
    }

    /// The panel's way back: a stale save's "Reload and reapply", a restored draft's "Not
    /// now", which offers the draft again and leaves the form as typed.
    pub(super) fn panel_back(self) {
        let Some(conflict) = self.conflict.get_untracked() else {
            return;
        };
        match conflict.origin {
            Origin::Stale | Origin::Live => self.reload_and_reapply(),
            Origin::Draft { .. } => {
                if let Some(offered) = conflict.pending_draft() {
                    self.offer.update(|o| o.push(offered));
                }
                self.conflict.set(None);
                self.status.set(
                    "Your draft is offered again above the form; the form is as you typed it."
                        .into(),
                );
            }
        }
    }

    /// Saves `mine` as a new document linked to this one ("… (my version)"). This one is
    /// left as others saved it, and the form takes its latest revision.
    pub(super) fn save_copy(self, mine: Fields) {
        let (id, title) = self
            .base
            .with_untracked(|d| (d.id.clone(), d.title.clone()));
        let fields = my_version(&mine, &id, &title);
        self.status.set("Saving your version as a copy…".into());
        spawn_local(async move {
            match self.create_copy(fields).await {
                Ok(copy) => self.copied(copy).await,
                Err(why) => self.status.set(why),
            }
        });
    }

    /// Creates the copy; a taken slug is replaced by a free one the server suggests, a
    /// few times over. Refused: why, as the status line says it.
    async fn create_copy(self, mut fields: Fields) -> Result<Document, String> {
        let refused = |failure: ApiFailure| {
            format!(
                "Not saved as a copy: {} Your changes are kept.",
                failure.problem.detail
            )
        };
        for _ in 0..4 {
            let key = browser::new_idempotency_key();
            let request = CreateDoc {
                title: fields.title.clone(),
                slug: fields.slug.clone(),
                tags: fields.tags.clone(),
                body: fields.body.clone(),
            };
            let outcome =
                retry::retrying(self.retrying, || api::create_doc(request.clone(), &key)).await;
            match outcome {
                Ok(copy) => return Ok(copy),
                Err(failure) if failure.problem.kind == problem::SLUG_TAKEN => {
                    match failure.problem.suggestions().into_iter().next() {
                        Some(free) => fields.slug = free,
                        None => return Err(refused(failure)),
                    }
                }
                Err(failure) => return Err(refused(failure)),
            }
        }
        Err(
            "Not saved as a copy: no free address was found. Your changes are kept; try again."
                .into(),
        )
    }

    async fn copied(self, copy: Document) {
        let id = self.base.with_untracked(|d| d.id.clone());
        self.conflict.set(None);
        self.step(Event::Copied);
        self.copy.set(Some((copy.id.clone(), copy.title.clone())));
        let latest = match api::get_doc(id).await {
            Ok(latest) => latest,
            Err(_) => self.base.get_untracked(),
        };
        self.show(&latest.fields());
        self.status.set(format!(
            "Your version is saved as a new document, “{}”. This document stays as others saved it (revision {}).",
            copy.title, latest.rev
        ));
        self.base.set(latest);
    }

    /// Saves an offered draft as a new document; the form and the other offers stay.
    pub(super) fn save_draft_copy(self, offered: Draft) {
        self.offer.update(|o| o.retain(|d| d != &offered));
        let (id, title) = self
            .base
            .with_untracked(|d| (d.id.clone(), d.title.clone()));
        let fields = my_version(&offered.mine, &id, &title);
        self.status.set("Saving your draft as a copy…".into());
        spawn_local(async move {
            match self.create_copy(fields).await {
                Ok(copy) => {
                    self.copy.set(Some((copy.id.clone(), copy.title.clone())));
                    self.status.set(format!(
                        "Your draft is saved as a new document, “{}”.",
                        copy.title
                    ));
                }
                Err(why) => {
                    // Offered again: nothing is lost by a copy that failed.
                    self.offer.update(|o| o.insert(0, offered));
                    self.status.set(why);
                }
            }
        });
    }

    /// Restores an offered draft by merging it into what the form holds now: never by
    /// replacing it. Where the two clash, the person chooses per place.
    pub(super) fn restore(self, offered: Draft) {
        let latest = self.base.get_untracked();
        let form = untrack(|| self.mine());
        let rest = |o: &mut Vec<Draft>| o.retain(|d| d != &offered);
        match restore_into(&offered, latest.rev, &latest.fields(), &form) {
            Restored::Merged(merged) => {
                self.offer.update(rest);
                self.show(&merged);
                let onto = if offered.base_rev == latest.rev {
                    String::new()
                } else {
                    format!(", re-applied on revision {}", latest.rev)
                };
                self.status.set(if form == latest.fields() {
                    format!("Your unsaved changes are restored{onto}. Review them and save.")
                } else {
                    format!("Your unsaved changes are restored{onto} and merged with what you typed since. Review them and save.")
                });
            }
            Restored::Clash { draft } => {
                self.offer.update(rest);
                self.status.set(
                    "Your draft and what you typed since change the same place. Choose below."
                        .into(),
                );
                let conflict =
                    Conflict::restoring(&latest, draft, &form, offered.saved_at.clone());
                self.open_conflict(conflict);
            }
            Restored::Behind if form == latest.fields() => {
                // Nothing typed since: the draft goes back on its own base and meets the
                // revisions saved since as a save would.
                self.offer.update(rest);
                let mut at_base = latest.clone();
                at_base.rev = offered.base_rev;
                (at_base.title, at_base.slug, at_base.tags, at_base.body) = (
                    offered.base.title.clone(),
                    offered.base.slug.clone(),
                    offered.base.tags.clone(),
                    offered.base.body.clone(),
                );
                self.base.set(at_base);
                self.show(&offered.mine);
                self.reapply_onto(latest, Vec::new(), false);
            }
            Restored::Behind => self.status.set(format!(
                "Your draft from revision {} overlaps both with changes saved since and with what you typed now. Save what you typed first and then restore the draft, or save the draft as a copy.",
                offered.base_rev
            )),
        }
    }

    pub(super) fn discard(self, offered: Draft) {
        self.offer.update(|o| o.retain(|d| d != &offered));
        self.status
            .set("The unsaved changes were discarded.".into());
    }
}

fn status_sentence(status: Status) -> &'static str {
    match status {
        Status::Published => "Published",
        Status::Archived => "Archived",
        Status::Draft => "Restored to draft",
    }
}
