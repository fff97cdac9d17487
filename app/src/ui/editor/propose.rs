//! What the editor does in suggesting mode (issue 24): submit the form as a suggestion on
//! the revision it is based on, and put one's own suggestion back into the form to update
//! it. What is sent and offered is decided in `mode.rs`.

use leptos::{prelude::*, task::spawn_local};

use super::{
    answers::after_save,
    mode::{self, Mode},
    phase::{Answer, Event},
    EditorState,
};
use crate::ui::{api, browser, draft::Draft};

impl EditorState {
    /// Stores the form's changes as a suggestion; the form then shows the saved text again,
    /// keeping whatever was typed while the suggestion was on its way.
    pub(super) fn submit_suggestion(self) {
        if untrack(|| self.saving() || self.readonly()) {
            return;
        }
        let Mode::Suggest { replaces } = untrack(|| self.mode_now()) else {
            return;
        };
        let sent = untrack(|| self.mine());
        let (id, base_rev, base_fields) = self
            .base
            .with_untracked(|d| (d.id.clone(), d.rev, d.fields()));
        let note = self.note.get_untracked();
        let request = match mode::suggestion(base_rev, &base_fields, &sent, &note, replaces) {
            Ok(request) => request,
            Err(why) => {
                self.status.set(format!("Not submitted: {why}"));
                return;
            }
        };
        self.step(Event::SaveSent);
        self.conflict.set(None);
        self.status.set("Submitting your suggestion…".into());
        spawn_local(async move {
            let outcome = api::suggest(&id, &request).await;
            let answer = match &outcome {
                Ok(_) => Answer::Saved,
                Err(failure) if failure.status == 401 => Answer::SessionEnded,
                Err(_) => Answer::Failed,
            };
            match outcome {
                Ok(stored) => {
                    let now = untrack(|| self.mine());
                    let saved = self.base.with_untracked(|d| d.fields());
                    self.show(&after_save(&sent, &now, &saved));
                    self.note.set(String::new());
                    self.mode.set(Mode::Suggest { replaces: None });
                    self.errors.set(Vec::new());
                    self.status.set(mode::submitted(
                        stored.hunks.len(),
                        request.replaces.is_some(),
                    ));
                    self.proposed.update(|n| *n += 1);
                }
                Err(failure) if failure.status == 401 => self.status.set(
                    "Not submitted: your session has ended. Sign in again on this page and it is submitted — your changes are kept on this device."
                        .into(),
                ),
                Err(failure) => {
                    self.errors.set(failure.problem.errors.clone());
                    self.status.set(format!(
                        "Not submitted: {} Your changes are kept on this device.",
                        failure.problem.detail
                    ));
                }
            }
            self.step(Event::Answered(answer));
        });
    }

    /// Puts the person's own suggestion into the form, re-applied on the revision the form
    /// is based on (the panel opens where the text changed since), to suggest it again in
    /// its place.
    pub(super) fn update_suggestion(self, suggestion_id: String) {
        let doc_id = self.base.with_untracked(|d| d.id.clone());
        self.status.set("Loading your suggestion…".into());
        spawn_local(async move {
            match api::suggested_values(&doc_id, &suggestion_id).await {
                Ok(values) => {
                    self.mode.set(Mode::Suggest {
                        replaces: Some(suggestion_id),
                    });
                    self.restore(Draft {
                        doc_id,
                        base_rev: values.base_rev,
                        base: values.base,
                        mine: values.proposed,
                        saved_at: browser::now_rfc3339(),
                        pending: Vec::new(),
                    });
                    if self.conflict.with_untracked(Option::is_none) {
                        self.status.set(format!(
                            "Your suggestion is in the form, on revision {}. Change what is needed, then press Submit suggestion: it replaces the old one.",
                            self.base.with_untracked(|d| d.rev)
                        ));
                    }
                }
                Err(failure) => self.status.set(format!(
                    "Your suggestion could not be loaded: {}",
                    failure.problem.detail
                )),
            }
        });
    }
}
