//! What the editor does: save (with retries), change status, re-apply changes onto a
//! newer revision, and restore or discard a draft.

use leptos::{prelude::*, task::spawn_local};

use super::{conflict::Conflict, EditorState};
use crate::{
    domain::{copy::my_version, merge::compare, resolve::resolve, Fields, Status},
    protocol::{problem, ApiFailure, ChangedBy, CreateDoc, Document, PutDoc},
    ui::{
        api, browser,
        draft::{self, Draft},
        fields::tags_to_input,
        retry,
    },
};

impl EditorState {
    pub(super) fn save(self) {
        if self.saving.get_untracked() || untrack(|| self.readonly()) {
            return;
        }
        let sent = untrack(|| self.mine());
        let (id, base_rev, base_fields) = self
            .base
            .with_untracked(|d| (d.id.clone(), d.rev, d.fields()));
        self.saving.set(true);
        self.conflict.set(None);
        let merge = self.merge_on_save.get_untracked();
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
            self.failing.set(outcome.is_err());
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
            self.saving.set(false);
        });
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
            self.needs_session.set(true);
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
        });
    }

    /// After a save, inputs take the stored (normalised) values — but only where the person
    /// has not typed since the save was sent.
    pub(super) fn adopt(self, sent: &Fields, saved: Document) {
        let now = untrack(|| self.mine());
        if now.title == sent.title {
            self.inputs.title.set(saved.title.clone());
        }
        if now.slug == sent.slug {
            self.inputs.slug.set(saved.slug.clone());
        }
        if now.tags == sent.tags {
            self.inputs.tags.set(tags_to_input(&saved.tags));
        }
        if now.body == sent.body {
            self.inputs.body.set(saved.body.clone());
        }
        self.status.set(format!("Saved as revision {}", saved.rev));
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
        if mine == base_fields {
            // Nothing of mine to protect: just take the latest revision.
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
            return;
        }
        if latest.rev == base_rev {
            self.status.set(format!(
                "This is still the latest revision ({}); your unsaved changes are as you left them.",
                latest.rev
            ));
            return;
        }
        let conflict = Conflict::new(
            &base_fields,
            base_rev,
            latest.clone(),
            &mine,
            changed_by,
            self_conflict,
        );
        if conflict.comparison.merge.clean {
            self.show(&conflict.comparison.merge.proposal);
            self.conflict.set(None);
            self.status.set(format!(
                "Your changes are re-applied on revision {}. Review them and save.",
                latest.rev
            ));
            self.base.set(latest);
        } else {
            self.status.set(format!(
                "Some of your changes overlap with revision {}. Choose below.",
                latest.rev
            ));
            self.open_conflict(conflict);
        }
    }

    pub(super) fn reload_and_reapply(self) {
        let id = self.base.with_untracked(|d| d.id.clone());
        self.status.set("Loading the latest revision…".into());
        spawn_local(async move {
            match api::get_doc(id).await {
                Ok(latest) => self.reapply_onto(latest, Vec::new(), false),
                Err(failure) => self.status.set(format!(
                    "Could not load the latest revision: {}",
                    failure.problem.detail
                )),
            }
        });
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
            self.save_resolution();
        } else {
            self.save();
        }
    }

    /// Saves the panel's resolution on top of the revision it was resolved against. Text
    /// typed into the form since the panel opened is merged in, not overwritten.
    pub(super) fn save_resolution(self) {
        let Some(conflict) = self.conflict.get_untracked() else {
            return;
        };
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
                let refreshed = Conflict::new(
                    &conflict.base,
                    conflict.base_rev,
                    conflict.current,
                    &now,
                    conflict.changed_by,
                    conflict.self_conflict,
                );
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
        self.base.set(conflict.current);
        self.conflict.set(None);
        self.save();
    }

    /// Saves `mine` as a new document linked to this one ("… (my version)"). This one is
    /// left as others saved it, and the form takes its latest revision.
    pub(super) fn save_copy(self, mine: Fields) {
        let (id, title) = self
            .base
            .with_untracked(|d| (d.id.clone(), d.title.clone()));
        let mut fields = my_version(&mine, &id, &title);
        self.status.set("Saving your version as a copy…".into());
        spawn_local(async move {
            // A taken slug is replaced by a free one the server suggests, a few times over.
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
                    Ok(copy) => return self.copied(copy).await,
                    Err(failure) if failure.problem.kind == problem::SLUG_TAKEN => {
                        match failure.problem.suggestions().into_iter().next() {
                            Some(free) => fields.slug = free,
                            None => return self.copy_refused(failure),
                        }
                    }
                    Err(failure) => return self.copy_refused(failure),
                }
            }
            self.status.set(
                "Not saved as a copy: no free address was found. Your changes are kept; try again."
                    .into(),
            );
        });
    }

    async fn copied(self, copy: Document) {
        let id = self.base.with_untracked(|d| d.id.clone());
        draft::clear(&id);
        self.conflict.set(None);
        self.offer.set(None);
        self.failing.set(false);
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
        self.drafting.set(true);
    }

    fn copy_refused(self, failure: ApiFailure) {
        self.status.set(format!(
            "Not saved as a copy: {} Your changes are kept.",
            failure.problem.detail
        ));
    }

    /// Puts the editor back where the draft left it, then brings it up to date.
    pub(super) fn restore(self, draft: Draft) {
        let latest = self.base.get_untracked();
        let mut at_base = latest.clone();
        at_base.rev = draft.base_rev;
        (at_base.title, at_base.slug, at_base.tags, at_base.body) = (
            draft.base.title.clone(),
            draft.base.slug.clone(),
            draft.base.tags.clone(),
            draft.base.body.clone(),
        );
        self.base.set(at_base);
        self.show(&draft.mine);
        self.offer.set(None);
        self.drafting.set(true);
        if draft.base_rev == latest.rev {
            self.status.set("Your unsaved changes are restored.".into());
        } else {
            self.reapply_onto(latest, Vec::new(), false);
        }
    }

    pub(super) fn discard(self, draft: Draft) {
        draft::clear(&draft.doc_id);
        self.offer.set(None);
        self.drafting.set(true);
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
