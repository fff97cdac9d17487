//! Comment threads on a document (issue 23): `/api/docs/{id}/threads`.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::UserRef;
use crate::domain::anchor::AnchorState;

/// A passage to comment on, as the person selected it in the revision they were reading:
/// by its offsets (`start`, `end`: Unicode characters, code points, from the start of the
/// body), or, from a page showing the text rendered, by which appearance of `quote` it is
/// (`occurrence`, 0 the first).
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewAnchor {
    #[serde(default)]
    pub start: Option<usize>,
    #[serde(default)]
    pub end: Option<usize>,
    /// The selected text: it must be what the body holds there in that revision.
    pub quote: String,
    #[serde(default)]
    pub occurrence: Option<usize>,
}

/// `POST /api/docs/{id}/threads`: a thread on a passage (`anchor`) or on the whole document
/// (no anchor), with its first comment.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewThread {
    /// The revision the person was reading: the anchor's offsets are in its body.
    pub rev: i64,
    #[serde(default)]
    pub anchor: Option<NewAnchor>,
    pub text: String,
}

/// `POST /api/docs/{id}/threads/{thread}/comments`: a reply; also the new text of
/// `PUT /api/docs/{id}/threads/{thread}/comments/{comment}` (with `If-Match` on its version).
/// `@name` mentions someone: every name must be a user's.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewComment {
    pub text: String,
}

/// `POST /api/docs/{id}/threads/{thread}/resolution` with `If-Match: "<version>"`: resolve
/// the thread (`true`) or reopen it (`false`).
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Resolution {
    pub resolved: bool,
}

/// Where a thread's passage is in the current body (offsets in Unicode characters).
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ThreadAnchor {
    pub start: usize,
    pub end: usize,
    /// The text there now (a detached anchor's: its last words).
    pub text: String,
    /// `intact`: the very words commented on; `changed`: edited since; `detached`: gone.
    pub state: AnchorState,
    /// The text as it was when the thread was started.
    pub quote: String,
}

#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Comment {
    pub id: String,
    pub author: UserRef,
    pub text: String,
    pub created_at: DateTime<Utc>,
    /// When its author last changed the text, if ever.
    pub edited_at: Option<DateTime<Utc>>,
    /// Changes with every edit: what `If-Match` names to edit or delete it (`"2"`).
    pub version: i64,
    /// The names it mentions of people who cannot read the document (as of this answer):
    /// they were not told. Absent when every mention reaches its reader.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unreached: Vec<String>,
}

#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Thread {
    pub id: String,
    pub doc_id: String,
    /// None: a thread on the whole document.
    pub anchor: Option<ThreadAnchor>,
    /// The revision the thread was started on.
    pub made_on_rev: i64,
    pub author: UserRef,
    pub created_at: DateTime<Utc>,
    pub resolved: bool,
    /// Changes with every resolve and reopen: what `If-Match` names (`"3"`).
    pub version: i64,
    /// Oldest first; the first one started the thread.
    pub comments: Vec<Comment>,
}

impl Thread {
    /// How the thread is named on screen: who started it, and on what.
    pub fn title(&self) -> String {
        let opener = self.comments.first().map_or("", |c| c.author.name.as_str());
        match self.anchor {
            Some(_) => format!("{opener} on a passage"),
            None => format!("{opener} on the whole document"),
        }
    }

    /// Changes whenever anything shown of the thread does, and only then: a list keyed by
    /// it redraws a thread that changed and leaves the others (and what is typed in them).
    pub fn shown_key(&self) -> String {
        let mut key = format!("{}:{}", self.id, self.version);
        if let Some(anchor) = &self.anchor {
            let (start, end, state) = (anchor.start, anchor.end, anchor.state);
            key.push_str(&format!(":{start}-{end}:{state:?}:{}", anchor.text));
        }
        for comment in &self.comments {
            key.push_str(&format!(":{}.{}", comment.id, comment.version));
        }
        key
    }
}

/// The open threads' passages, in characters of the body they are placed in, each with its
/// thread's id: what the read view highlights. Resolved threads and detached passages have
/// no place in the text.
pub fn highlighted(threads: &[Thread]) -> Vec<super::Highlighted> {
    threads
        .iter()
        .filter(|t| !t.resolved)
        .filter_map(|t| {
            let a = t.anchor.as_ref()?;
            (a.state != AnchorState::Detached && a.start < a.end).then(|| super::Highlighted {
                start: a.start,
                end: a.end,
                thread: t.id.clone(),
            })
        })
        .collect()
}

/// `highlighted` in bytes of `body`, for the renderer.
pub fn passages(body: &str, threads: &[Thread]) -> Vec<(std::ops::Range<usize>, String)> {
    in_bytes(body, highlighted(threads))
}

/// Passages in characters of `body` as byte ranges (a passage past its end ends there).
pub fn in_bytes(
    body: &str,
    passages: Vec<super::Highlighted>,
) -> Vec<(std::ops::Range<usize>, String)> {
    let chars: Vec<usize> = passages.iter().flat_map(|p| [p.start, p.end]).collect();
    let mut bytes = crate::domain::anchor::bytes_at(body, &chars).into_iter();
    passages
        .into_iter()
        .filter_map(|p| Some((bytes.next()?..bytes.next()?, p.thread)))
        .collect()
}

/// Most passages one rendering highlights.
pub const MOST_PASSAGES: usize = 10_000;

/// Why passages to highlight in `body` are refused, if they are: each must run forward
/// within the body and name a thread by an id of letters, digits and `-`.
pub fn check_passages(
    body: &str,
    passages: &[super::Highlighted],
) -> Result<(), crate::domain::FieldError> {
    use crate::domain::FieldError;
    if passages.len() > MOST_PASSAGES {
        return Err(FieldError::new(
            "passages",
            format!("At most {MOST_PASSAGES} passages can be highlighted at once."),
        ));
    }
    let chars = body.chars().count();
    for (i, p) in passages.iter().enumerate() {
        if p.start >= p.end || p.end > chars {
            return Err(FieldError::new(
                &format!("passages[{i}]"),
                format!("A passage runs from its start to a later end, within the body's {chars} characters."),
            ));
        }
        let named = !p.thread.is_empty()
            && p.thread.len() <= 64
            && p.thread
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-');
        if !named {
            return Err(FieldError::new(
                &format!("passages[{i}].thread"),
                "A thread's id is letters, digits and '-', at most 64 of them.",
            ));
        }
    }
    Ok(())
}

/// The heading of a document's comments: how many threads are open.
pub fn comments_heading(open: usize) -> String {
    match open {
        0 => "Comments".to_owned(),
        1 => "Comments (1 open)".to_owned(),
        n => format!("Comments ({n} open)"),
    }
}

/// Threads in the order they are shown beside the text: those on the whole document first,
/// then by where their passage starts, then the detached ones (their passage is gone);
/// among equals, as they came (the API's order: oldest first).
pub fn in_text_order(threads: &mut [Thread]) {
    threads.sort_by_key(|t| match &t.anchor {
        None => (0, 0),
        Some(a) if a.state == AnchorState::Detached => (2, 0),
        Some(a) => (1, a.start),
    });
}

/// What a comment says of the people it mentioned who cannot read the document, if any.
pub fn unreached_note(names: &[String]) -> Option<String> {
    let named: Vec<String> = names.iter().map(|n| format!("@{n}")).collect();
    let who = match named.as_slice() {
        [] => return None,
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    };
    Some(format!(
        "{who} cannot read this document and {} not told.",
        if named.len() == 1 { "was" } else { "were" }
    ))
}

/// `GET /api/docs/{id}/threads`: every thread of the document, oldest first.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ThreadList {
    pub items: Vec<Thread>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn threads_beside_the_text_follow_it_whole_document_first_detached_last() {
        let at = |id: &str, place: Option<(usize, AnchorState)>| {
            let mut t = thread();
            t.id = id.into();
            t.anchor = place.map(|(start, state)| ThreadAnchor {
                start,
                end: start + 1,
                text: "x".into(),
                state,
                quote: "x".into(),
            });
            t
        };
        let mut threads = vec![
            at("late", Some((40, AnchorState::Intact))),
            at("gone", Some((0, AnchorState::Detached))),
            at("early", Some((3, AnchorState::Changed))),
            at("whole", None),
            at("late-too", Some((40, AnchorState::Intact))),
        ];
        in_text_order(&mut threads);
        let ids: Vec<&str> = threads.iter().map(|t| t.id.as_str()).collect();
        assert_eq!(ids, ["whole", "early", "late", "late-too", "gone"]);
    }

    #[test]
    fn a_note_names_whom_a_mention_did_not_reach() {
        let names = |n: &[&str]| n.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(unreached_note(&[]), None);
        assert_eq!(
            unreached_note(&names(&["cat"])).unwrap(),
            "@cat cannot read this document and was not told."
        );
        assert_eq!(
            unreached_note(&names(&["a", "b", "c"])).unwrap(),
            "@a, @b and @c cannot read this document and were not told."
        );
    }

    fn thread() -> Thread {
        let ann = UserRef {
            id: "u1".into(),
            name: "ann".into(),
        };
        let at = DateTime::<Utc>::UNIX_EPOCH;
        Thread {
            id: "t1".into(),
            doc_id: "d1".into(),
            anchor: Some(ThreadAnchor {
                start: 3,
                end: 6,
                text: "two".into(),
                state: AnchorState::Intact,
                quote: "two".into(),
            }),
            made_on_rev: 1,
            author: ann.clone(),
            created_at: at,
            resolved: false,
            version: 1,
            comments: vec![Comment {
                id: "c1".into(),
                author: ann,
                text: "Why?".into(),
                created_at: at,
                edited_at: None,
                version: 1,
                unreached: Vec::new(),
            }],
        }
    }

    #[test]
    fn a_thread_is_named_by_who_started_it_and_on_what() {
        let mut t = thread();
        assert_eq!(t.title(), "ann on a passage");
        t.anchor = None;
        assert_eq!(t.title(), "ann on the whole document");
        assert_eq!(comments_heading(0), "Comments");
        assert_eq!(comments_heading(1), "Comments (1 open)");
        assert_eq!(comments_heading(4), "Comments (4 open)");
    }

    #[test]
    fn the_shown_key_changes_with_everything_shown_and_nothing_else() {
        let t = thread();
        let key = t.shown_key();
        let mut same = t.clone();
        same.made_on_rev = 9;
        assert_eq!(
            same.shown_key(),
            key,
            "not shown: the same key keeps what is typed"
        );
        let mut resolved = t.clone();
        resolved.version = 2;
        let mut moved = t.clone();
        moved.anchor.as_mut().unwrap().state = AnchorState::Changed;
        let mut rewritten = t.clone();
        rewritten.anchor.as_mut().unwrap().text = "six".into();
        let mut edited = t.clone();
        edited.comments[0].version = 2;
        let mut replied = t.clone();
        replied.comments.push(replied.comments[0].clone());
        replied.comments[1].id = "c2".into();
        for changed in [resolved, moved, rewritten, edited, replied] {
            assert_ne!(changed.shown_key(), key);
        }
    }

    #[test]
    fn passages_to_highlight_run_forward_within_the_body_and_name_a_thread() {
        use crate::protocol::Highlighted;
        let p = |start, end, thread: &str| Highlighted {
            start,
            end,
            thread: thread.into(),
        };
        let body = "é one → two";
        assert!(check_passages(body, &[p(0, 11, "t-1"), p(2, 5, "AB9")]).is_ok());
        for (bad, field) in [
            (p(3, 3, "t"), "passages[0]"),
            (p(4, 3, "t"), "passages[0]"),
            (p(0, 12, "t"), "passages[0]"),
            (p(0, 1, ""), "passages[0].thread"),
            (p(0, 1, "a b"), "passages[0].thread"),
            (p(0, 1, "\"x"), "passages[0].thread"),
            (p(0, 1, &"a".repeat(65)), "passages[0].thread"),
        ] {
            assert_eq!(
                check_passages(body, std::slice::from_ref(&bad))
                    .unwrap_err()
                    .field,
                field,
                "{bad:?}"
            );
        }
        let many = vec![p(0, 1, "t"); MOST_PASSAGES + 1];
        assert_eq!(check_passages(body, &many).unwrap_err().field, "passages");
    }

    #[test]
    fn passages_are_found_in_bytes_and_only_for_open_placed_threads() {
        // "é" and "→" take two and three bytes: character offsets are not byte offsets.
        let body = "é one → two three";
        let at = |start: usize, end: usize, id: &str| {
            let mut t = thread();
            t.id = id.into();
            let a = t.anchor.as_mut().unwrap();
            (a.start, a.end) = (start, end);
            t
        };
        let mut resolved = at(2, 5, "resolved");
        resolved.resolved = true;
        let mut detached = at(2, 5, "detached");
        detached.anchor.as_mut().unwrap().state = AnchorState::Detached;
        let mut whole = at(0, 0, "whole");
        whole.anchor = None;
        let threads = [
            at(8, 11, "two"),
            at(2, 5, "one"),
            resolved,
            detached,
            whole,
            at(12, 99, "end"),
        ];
        let found = passages(body, &threads);
        let shown: Vec<(&str, &str)> = found
            .iter()
            .map(|(r, id)| (id.as_str(), &body[r.clone()]))
            .collect();
        assert_eq!(shown, [("two", "two"), ("one", "one"), ("end", "three")]);
    }
}
