//! Editing or suggesting (issue 24): which the person may choose, and what "Submit
//! suggestion" sends. Viewers only suggest; editors and the owner choose, except on a
//! published document that requires approval, whose changes go through suggestions.

use crate::domain::{Fields, Role, Status};
use crate::protocol::NewSuggestion;

/// What the form's submit does.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Mode {
    /// Saves a new revision.
    #[default]
    Edit,
    /// Stores a suggestion; the document does not change. `replaces` names the person's
    /// own suggestion being updated.
    Suggest { replaces: Option<String> },
}

impl Mode {
    pub fn suggesting(&self) -> bool {
        matches!(self, Mode::Suggest { .. })
    }
}

/// Which modes the person is offered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Modes {
    pub edit: bool,
    pub suggest: bool,
}

/// `gated`: the owner requires approval before publishing.
pub fn modes(role: Role, status: Status, gated: bool) -> Modes {
    if !status.is_editable() {
        return Modes {
            edit: false,
            suggest: false,
        };
    }
    Modes {
        edit: role.can_edit() && !(gated && status == Status::Published),
        suggest: true,
    }
}

/// The mode the form is in: the person's choice, unless editing is not offered now (a
/// role, the status or the review rule changed): then suggesting, never the other way
/// round, so nobody saves directly who may not. Their choice comes back with the right.
pub fn effective(chosen: &Mode, offered: Modes) -> Mode {
    match chosen {
        Mode::Edit if !offered.edit => Mode::Suggest { replaces: None },
        other => other.clone(),
    }
}

/// The suggestion of the form's values on the revision they are based on; a field left as
/// it was is left out. Refused, with the reason to show, when it would not be what the
/// person sees: a changed address (suggestions keep it) or nothing changed.
pub fn suggestion(
    base_rev: i64,
    base: &Fields,
    mine: &Fields,
    note: &str,
    replaces: Option<String>,
) -> Result<NewSuggestion, String> {
    if mine.slug != base.slug {
        return Err(format!(
            "A suggestion keeps the document's address: put it back to “{}” to suggest the rest.",
            base.slug
        ));
    }
    let changed = |a: &str, b: &str| (a != b).then(|| b.to_owned());
    let request = NewSuggestion {
        base_rev,
        title: changed(&base.title, &mine.title),
        tags: (base.tags != mine.tags).then(|| mine.tags.clone()),
        body: changed(&base.body, &mine.body),
        note: note.trim().to_owned(),
        replaces,
    };
    if request.title.is_none() && request.tags.is_none() && request.body.is_none() {
        return Err(
            "Nothing to suggest yet: change the title, the tags or the text first.".to_owned(),
        );
    }
    Ok(request)
}

/// What this browser keeps of the person's choice on a document (`None`: nothing, editing
/// is the default). The suggestion being updated is not kept: a reload starts afresh.
pub fn to_remember(mode: &Mode) -> Option<&'static str> {
    mode.suggesting().then_some("on")
}

/// The mode a document's editor starts in from what this browser kept (`None`: as it
/// would anyway). A reload keeps suggesting, so a restored draft is suggested as meant,
/// not saved directly.
pub fn remembered(kept: Option<&str>) -> Option<Mode> {
    (kept == Some("on")).then_some(Mode::Suggest { replaces: None })
}

/// What the status line says once a suggestion is stored.
pub fn submitted(changes: usize, replaced: bool) -> String {
    let what = if changes == 1 {
        "1 change".to_owned()
    } else {
        format!("{changes} changes")
    };
    let verb = if replaced { "updated" } else { "submitted" };
    format!("Suggestion {verb}: {what}, listed below. The document changes when they are accepted.")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(title: &str, body: &str) -> Fields {
        Fields {
            title: title.into(),
            slug: "plan".into(),
            tags: vec!["q4".into()],
            body: body.into(),
        }
    }

    #[test]
    fn viewers_only_suggest_and_editors_choose_unless_published_under_review() {
        let both = Modes {
            edit: true,
            suggest: true,
        };
        let suggest_only = Modes {
            edit: false,
            suggest: true,
        };
        assert_eq!(modes(Role::Viewer, Status::Draft, false), suggest_only);
        assert_eq!(modes(Role::Editor, Status::Draft, true), both);
        assert_eq!(modes(Role::Owner, Status::Published, false), both);
        assert_eq!(modes(Role::Owner, Status::Published, true), suggest_only);
        assert_eq!(modes(Role::Editor, Status::Published, true), suggest_only);
        let none = modes(Role::Owner, Status::Archived, false);
        assert!(!none.edit && !none.suggest);
    }

    #[test]
    fn a_mode_taken_away_gives_way_to_suggesting_and_the_choice_comes_back_with_the_right() {
        let suggest_only = modes(Role::Editor, Status::Published, true);
        assert_eq!(
            effective(&Mode::Edit, suggest_only),
            Mode::Suggest { replaces: None }
        );
        let both = modes(Role::Editor, Status::Draft, false);
        assert_eq!(effective(&Mode::Edit, both), Mode::Edit);
        let updating = Mode::Suggest {
            replaces: Some("s1".into()),
        };
        assert_eq!(effective(&updating, both), updating);
        assert_eq!(effective(&updating, suggest_only), updating);
    }

    #[test]
    fn a_suggestion_names_only_the_fields_changed_and_keeps_the_address() {
        let base = fields("Plan", "Two engineers.\n");
        let mine = fields("Plan", "Three engineers.\n");
        let request = suggestion(4, &base, &mine, "  from the plan ", None).unwrap();
        assert_eq!(request.base_rev, 4);
        assert_eq!(request.title, None);
        assert_eq!(request.tags, None);
        assert_eq!(request.body.as_deref(), Some("Three engineers.\n"));
        assert_eq!(request.note, "from the plan");

        let mut moved = mine.clone();
        moved.slug = "new-plan".into();
        let refused = suggestion(4, &base, &moved, "", None).unwrap_err();
        assert!(refused.contains("“plan”"), "{refused}");
        let nothing = suggestion(4, &base, &base, "a note alone", None).unwrap_err();
        assert!(nothing.starts_with("Nothing to suggest"));

        let mut retagged = base.clone();
        retagged.tags = vec!["q1".into()];
        let updating = suggestion(5, &base, &retagged, "", Some("s1".into())).unwrap();
        assert_eq!(updating.tags, Some(vec!["q1".to_owned()]));
        assert_eq!(updating.replaces.as_deref(), Some("s1"));
    }

    #[test]
    fn the_choice_to_suggest_is_kept_across_a_reload_and_editing_is_forgotten() {
        let updating = Mode::Suggest {
            replaces: Some("s1".into()),
        };
        assert_eq!(
            remembered(to_remember(&updating)),
            Some(Mode::Suggest { replaces: None })
        );
        assert_eq!(to_remember(&Mode::Edit), None);
        assert_eq!(remembered(None), None);
        assert_eq!(remembered(Some("something else")), None);
    }

    #[test]
    fn the_status_line_counts_the_changes_stored() {
        assert!(submitted(1, false).starts_with("Suggestion submitted: 1 change,"));
        assert!(submitted(3, true).starts_with("Suggestion updated: 3 changes,"));
    }
}
