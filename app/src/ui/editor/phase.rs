//! Where the editor's saving and access stand, as one value with a pure transition per
//! event: the component sends it what happened (a save sent, its answer, a sign-in, a role
//! change, the document trashed or unshared, a task box ticked) and does what it answers.

/// Whether this person still has the document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Access {
    /// A member: what they may do is their role.
    Member,
    /// The owner took their access away while the page was open.
    Revoked,
    /// Moved to the trash while the page was open, by this person ("You, …") or another.
    Trashed { by: String },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Saving {
    Idle,
    /// A save is on its way or waits to be retried.
    InFlight,
    /// The last save failed other than by conflict and was not retried to success.
    Failed,
    /// Refused because the session ended: it is made again once the person signs in.
    SessionEnded,
}

/// How a save ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answer {
    Saved,
    /// It met a newer revision: the conflict panel takes over.
    Stale,
    SessionEnded,
    /// Refused for good (invalid input, a clash of slugs) or still failing after retries.
    Failed,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    SaveSent,
    Answered(Answer),
    SignedIn,
    Revoked,
    Trashed {
        by: String,
    },
    /// A task box was ticked in the read view.
    Ticked,
    /// A change of workflow status was answered, whichever way (it says so itself).
    StatusChanged,
    /// The person's text was saved as a new document: nothing of theirs is at risk now.
    Copied,
}

/// What the component does next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Then {
    Nothing,
    /// Save the form (as the person's merge-on-save choice says).
    Save,
    /// Save, with the server merging it over anything saved meanwhile (a ticked box).
    SaveMerging,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Phase {
    pub access: Access,
    pub saving: Saving,
    /// A box was ticked during a save: it is saved once that save is answered.
    pub retick: bool,
}

impl Default for Phase {
    fn default() -> Phase {
        Phase {
            access: Access::Member,
            saving: Saving::Idle,
            retick: false,
        }
    }
}

impl Phase {
    pub fn on(&mut self, event: Event) -> Then {
        match event {
            Event::SaveSent => {
                self.saving = Saving::InFlight;
                Then::Nothing
            }
            Event::Answered(answer) => {
                self.saving = match answer {
                    Answer::Saved | Answer::Stale => Saving::Idle,
                    Answer::SessionEnded => Saving::SessionEnded,
                    Answer::Failed => Saving::Failed,
                };
                if std::mem::take(&mut self.retick) && answer != Answer::SessionEnded {
                    Then::SaveMerging
                } else {
                    Then::Nothing
                }
            }
            Event::SignedIn if self.saving == Saving::SessionEnded => {
                self.saving = Saving::Idle;
                Then::Save
            }
            Event::SignedIn => Then::Nothing,
            Event::Revoked => {
                self.access = Access::Revoked;
                Then::Nothing
            }
            Event::Trashed { by } => {
                self.access = Access::Trashed { by };
                Then::Nothing
            }
            Event::Ticked if self.in_flight() => {
                self.retick = true;
                Then::Nothing
            }
            Event::Ticked => Then::SaveMerging,
            Event::StatusChanged => {
                self.saving = Saving::Idle;
                Then::Nothing
            }
            Event::Copied => {
                if self.saving == Saving::Failed {
                    self.saving = Saving::Idle;
                }
                Then::Nothing
            }
        }
    }

    pub fn in_flight(&self) -> bool {
        self.saving == Saving::InFlight
    }

    /// Whether this person may change the document, given their role.
    pub fn may_edit(&self, role_can_edit: bool) -> bool {
        self.access == Access::Member && role_can_edit
    }

    /// Whether leaving now could lose work or leave it unsaved without the person knowing:
    /// a save in flight, or unsaved text with a failed save, an open conflict or no copy
    /// kept in this browser.
    pub fn at_risk(&self, dirty: bool, conflict_open: bool, draft_kept: bool) -> bool {
        self.in_flight()
            || (dirty
                && (matches!(self.saving, Saving::Failed | Saving::SessionEnded)
                    || conflict_open
                    || !draft_kept))
    }

    pub fn trashed_by(&self) -> Option<&str> {
        match &self.access {
            Access::Trashed { by } => Some(by),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_save_goes_out_and_comes_back_each_way() {
        for (answer, after) in [
            (Answer::Saved, Saving::Idle),
            (Answer::Stale, Saving::Idle),
            (Answer::SessionEnded, Saving::SessionEnded),
            (Answer::Failed, Saving::Failed),
        ] {
            let mut phase = Phase::default();
            assert_eq!(phase.on(Event::SaveSent), Then::Nothing);
            assert!(phase.in_flight());
            assert_eq!(phase.on(Event::Answered(answer)), Then::Nothing);
            assert_eq!(phase.saving, after);
        }
    }

    #[test]
    fn signing_in_again_makes_the_refused_save_and_only_that() {
        let mut phase = Phase::default();
        assert_eq!(phase.on(Event::SignedIn), Then::Nothing);
        phase.on(Event::SaveSent);
        phase.on(Event::Answered(Answer::SessionEnded));
        assert_eq!(phase.on(Event::SignedIn), Then::Save);
        assert_eq!(phase.saving, Saving::Idle);
        assert_eq!(phase.on(Event::SignedIn), Then::Nothing);
    }

    #[test]
    fn a_box_ticked_during_a_save_is_saved_after_it() {
        let mut phase = Phase::default();
        assert_eq!(phase.on(Event::Ticked), Then::SaveMerging);
        phase.on(Event::SaveSent);
        assert_eq!(phase.on(Event::Ticked), Then::Nothing);
        assert!(phase.retick);
        assert_eq!(phase.on(Event::Answered(Answer::Saved)), Then::SaveMerging);
        assert!(!phase.retick);
        // Not while signed out: the tick waits in the form for the save after signing in.
        phase.on(Event::SaveSent);
        phase.on(Event::Ticked);
        assert_eq!(
            phase.on(Event::Answered(Answer::SessionEnded)),
            Then::Nothing
        );
        assert_eq!(phase.on(Event::SignedIn), Then::Save);
    }

    #[test]
    fn a_status_change_and_a_copy_settle_what_they_end() {
        let mut phase = Phase::default();
        phase.on(Event::SaveSent);
        phase.on(Event::StatusChanged);
        assert_eq!(phase.saving, Saving::Idle);
        phase.on(Event::SaveSent);
        phase.on(Event::Answered(Answer::Failed));
        phase.on(Event::Copied);
        assert_eq!(phase.saving, Saving::Idle);
        // A session that ended is not fixed by a copy (which needs one anyway).
        phase.on(Event::SaveSent);
        phase.on(Event::Answered(Answer::SessionEnded));
        phase.on(Event::Copied);
        assert_eq!(phase.saving, Saving::SessionEnded);
    }

    #[test]
    fn losing_the_document_stops_editing_whatever_the_role() {
        let mut phase = Phase::default();
        assert!(phase.may_edit(true));
        assert!(!phase.may_edit(false));
        phase.on(Event::Trashed { by: "Ann".into() });
        assert!(!phase.may_edit(true));
        assert_eq!(phase.trashed_by(), Some("Ann"));
        let mut phase = Phase::default();
        phase.on(Event::Revoked);
        assert!(!phase.may_edit(true));
        assert_eq!(phase.trashed_by(), None);
    }

    #[test]
    fn leaving_is_risky_only_when_work_could_be_lost() {
        let mut phase = Phase::default();
        assert!(!phase.at_risk(true, false, true), "a kept draft is enough");
        assert!(phase.at_risk(true, true, true), "an open conflict");
        assert!(phase.at_risk(true, false, false), "no copy in this browser");
        assert!(!phase.at_risk(false, true, false), "nothing unsaved");
        phase.on(Event::SaveSent);
        assert!(phase.at_risk(false, false, true), "a save in flight");
        phase.on(Event::Answered(Answer::Failed));
        assert!(phase.at_risk(true, false, true));
        assert!(!phase.at_risk(false, false, true));
    }
}
