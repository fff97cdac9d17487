//! What the editor offers on others' suggestions (issue 24): which hunks can be accepted
//! or rejected, what "all" means, and how each is named for a screen reader. The server
//! decides whether a decision holds; these decide what is offered.

use crate::domain::{Field, Role, Status};
use crate::protocol::{
    Decisions, HunkState, Reviews, SuggestedHunk, Suggestion, SuggestionState, UserRef,
};

/// Who decides on suggestions, as the server rules (`service/suggestions.rs`): editors and
/// the owner; on a published document that requires approval, a named reviewer accepts
/// (never their own suggestion) and they, editors or the owner reject.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Rights {
    can_edit: bool,
    gated: bool,
    reviewer: bool,
    me: Option<String>,
}

impl Rights {
    pub fn new(role: Role, status: Status, reviews: Option<&Reviews>, me: Option<&str>) -> Rights {
        let required = reviews.is_some_and(|r| r.required);
        Rights {
            can_edit: role.can_edit(),
            gated: required && status == Status::Published,
            reviewer: reviews
                .is_some_and(|r| r.reviewers.iter().any(|who| Some(who.id.as_str()) == me)),
            me: me.map(str::to_owned),
        }
    }

    pub fn accepts(&self, author: &UserRef) -> bool {
        if self.gated {
            self.reviewer && self.me.as_deref() != Some(author.id.as_str())
        } else {
            self.can_edit
        }
    }

    pub fn rejects(&self) -> bool {
        self.can_edit || (self.gated && self.reviewer)
    }

    /// The author updates their own open suggestion.
    pub fn updates(&self, author: &UserRef) -> bool {
        self.me.as_deref() == Some(author.id.as_str())
    }
}

/// A hunk that still applies can be accepted.
pub fn may_accept(hunk: &SuggestedHunk) -> bool {
    hunk.state == HunkState::Open
}

/// An undecided hunk can be rejected, outdated or not.
pub fn may_reject(hunk: &SuggestedHunk) -> bool {
    matches!(hunk.state, HunkState::Open | HunkState::Outdated)
}

/// "Accept all": every hunk that still applies (outdated ones wait for a look).
pub fn accept_all(suggestion: &Suggestion) -> Decisions {
    Decisions {
        accept: indices(suggestion, may_accept),
        reject: Vec::new(),
    }
}

/// "Reject all": every undecided hunk.
pub fn reject_all(suggestion: &Suggestion) -> Decisions {
    Decisions {
        accept: Vec::new(),
        reject: indices(suggestion, may_reject),
    }
}

fn indices(suggestion: &Suggestion, pick: fn(&SuggestedHunk) -> bool) -> Vec<usize> {
    suggestion
        .hunks
        .iter()
        .filter(|h| pick(h))
        .map(|h| h.index)
        .collect()
}

/// The suggestions to show: the open ones, newest first (as listed).
pub fn open(list: &[Suggestion]) -> Vec<Suggestion> {
    list.iter()
        .filter(|s| s.state == SuggestionState::Open)
        .cloned()
        .collect()
}

/// A suggestion's heading: who, and how many changes are undecided.
pub fn heading(suggestion: &Suggestion) -> String {
    let undecided = suggestion.hunks.iter().filter(|h| may_reject(h)).count();
    let changes = if undecided == 1 { "change" } else { "changes" };
    format!(
        "{} suggests {undecided} {changes} (on revision {})",
        suggestion.author.name, suggestion.base_rev
    )
}

/// A hunk's name for its buttons: "change 2 of 3, in the body".
pub fn hunk_name(suggestion: &Suggestion, hunk: &SuggestedHunk) -> String {
    let place = match hunk.field {
        Field::Title => "the title",
        Field::Tags => "the tags",
        _ => "the body",
    };
    format!(
        "change {} of {}, in {place}",
        hunk.index + 1,
        suggestion.hunks.len()
    )
}

/// What a hunk's state says beside it, when it is not simply open.
pub fn state_note(hunk: &SuggestedHunk) -> Option<String> {
    match (&hunk.state, &hunk.decided_by) {
        (HunkState::Outdated, _) => Some(
            "Outdated: the text changed here since it was suggested. Compare; its author can update it.".into(),
        ),
        (HunkState::Accepted, Some(by)) => Some(format!("Accepted by {}", by.name)),
        (HunkState::Rejected, Some(by)) => Some(format!("Rejected by {}", by.name)),
        (HunkState::Accepted, None) => Some("Accepted".into()),
        (HunkState::Rejected, None) => Some("Rejected".into()),
        (HunkState::Open, _) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::UserRef;

    fn hunk(index: usize, state: HunkState) -> SuggestedHunk {
        SuggestedHunk {
            index,
            field: Field::Body,
            removed: "a".into(),
            inserted: "b".into(),
            before: String::new(),
            after: String::new(),
            state,
            decided_by: None,
        }
    }

    fn suggestion(hunks: Vec<SuggestedHunk>) -> Suggestion {
        Suggestion {
            id: "s1".into(),
            doc_id: "d1".into(),
            author: UserRef {
                id: "u2".into(),
                name: "bob".into(),
            },
            base_rev: 3,
            note: String::new(),
            created_at: chrono::DateTime::UNIX_EPOCH,
            state: SuggestionState::Open,
            hunks,
        }
    }

    #[test]
    fn on_a_published_document_under_review_only_another_named_reviewer_accepts() {
        let bob = UserRef {
            id: "u2".into(),
            name: "bob".into(),
        };
        let reviews = Reviews {
            required: true,
            reviewers: vec![UserRef {
                id: "u3".into(),
                name: "cat".into(),
            }],
            items: Vec::new(),
            approved: false,
        };
        // A draft: editors and the owner decide, viewers do not.
        let editor = Rights::new(Role::Editor, Status::Draft, Some(&reviews), Some("u4"));
        assert!(editor.accepts(&bob) && editor.rejects());
        let viewer = Rights::new(Role::Viewer, Status::Draft, Some(&reviews), Some("u3"));
        assert!(!viewer.accepts(&bob) && !viewer.rejects());
        // Published under review: the owner rejects but does not accept; Cat, a viewer
        // named reviewer, accepts Bob's but not her own.
        let owner = Rights::new(Role::Owner, Status::Published, Some(&reviews), Some("u1"));
        assert!(!owner.accepts(&bob) && owner.rejects());
        let cat = Rights::new(Role::Viewer, Status::Published, Some(&reviews), Some("u3"));
        assert!(cat.accepts(&bob) && cat.rejects());
        let own = UserRef {
            id: "u3".into(),
            name: "cat".into(),
        };
        assert!(!cat.accepts(&own) && cat.updates(&own) && !cat.updates(&bob));
        // Reviews not loaded yet: nothing is gated, as on the server without the rule.
        let unknown = Rights::new(Role::Editor, Status::Published, None, Some("u4"));
        assert!(unknown.accepts(&bob));
    }

    #[test]
    fn open_hunks_are_accepted_undecided_ones_rejected_decided_ones_left_alone() {
        let s = suggestion(vec![
            hunk(0, HunkState::Open),
            hunk(1, HunkState::Outdated),
            hunk(2, HunkState::Accepted),
            hunk(3, HunkState::Rejected),
        ]);
        assert_eq!(
            (may_accept(&s.hunks[0]), may_reject(&s.hunks[0])),
            (true, true)
        );
        assert_eq!(
            (may_accept(&s.hunks[1]), may_reject(&s.hunks[1])),
            (false, true)
        );
        assert!(!may_accept(&s.hunks[2]) && !may_reject(&s.hunks[3]));
        assert_eq!(accept_all(&s).accept, [0]);
        assert_eq!(reject_all(&s).reject, [0, 1]);
        assert_eq!(heading(&s), "bob suggests 2 changes (on revision 3)");
        assert_eq!(hunk_name(&s, &s.hunks[1]), "change 2 of 4, in the body");
        assert!(state_note(&s.hunks[1]).unwrap().starts_with("Outdated"));
        assert_eq!(state_note(&s.hunks[0]), None);
    }

    #[test]
    fn only_open_suggestions_are_shown() {
        let mut closed = suggestion(vec![hunk(0, HunkState::Accepted)]);
        closed.state = SuggestionState::Closed;
        let shown = open(&[closed, suggestion(vec![hunk(0, HunkState::Open)])]);
        assert_eq!(shown.len(), 1);
        assert_eq!(shown[0].state, SuggestionState::Open);
    }
}
