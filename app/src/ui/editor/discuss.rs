//! Commenting from the editor (issue 23): which passage of the saved revision the words
//! selected in the body's field are. The field may hold unsaved text, and the server only
//! knows saved revisions, so the words are named by their offsets when nothing changed,
//! by which appearance of them it is when that appearance is the same in both, and not at
//! all otherwise: a comment is never put on words the person did not select.

use crate::protocol::{highlighted, Comment, Highlighted, NewAnchor, Problem, Thread};

/// What a new comment is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Passage {
    /// Nothing (or only blanks) selected: the whole document.
    Whole,
    /// Words the saved revision holds there: the anchor to send.
    Words(NewAnchor),
    /// The words selected (as shown), which the saved revision does not hold as they stand.
    Unsaved(String),
}

impl Passage {
    /// The words shown on the new comment's form, if any were selected.
    pub fn quote(&self) -> Option<&str> {
        match self {
            Passage::Whole => None,
            Passage::Words(anchor) => Some(&anchor.quote),
            Passage::Unsaved(quote) => Some(quote),
        }
    }
}

/// The passage selected in `text` (the body field's value) from `start` to `end`, in UTF-16
/// code units as the browser counts them, against the saved revision's body `saved`.
pub fn passage(text: &str, start: usize, end: usize, saved: &str) -> Passage {
    let (Some(from), Some(to)) = (byte_at_utf16(text, start), byte_at_utf16(text, end)) else {
        return Passage::Whole;
    };
    if from >= to || text[from..to].trim().is_empty() {
        return Passage::Whole;
    }
    let quote = text[from..to].to_owned();
    if text == saved {
        let chars = |bytes: usize| text[..bytes].chars().count();
        return Passage::Words(NewAnchor {
            start: Some(chars(from)),
            end: Some(chars(to)),
            quote,
            occurrence: None,
        });
    }
    // Appearances are counted as the server finds them (left to right, not overlapping):
    // the selection must be one of them, and the saved text must have as many, so the
    // n-th here is the n-th there.
    let here: Vec<usize> = text.match_indices(&quote).map(|(at, _)| at).collect();
    let there = saved.match_indices(&quote).count();
    match here.iter().position(|&at| at == from) {
        Some(occurrence) if here.len() == there => Passage::Words(NewAnchor {
            start: None,
            end: None,
            quote,
            occurrence: Some(occurrence),
        }),
        _ => Passage::Unsaved(quote),
    }
}

/// The body's selection to take when the person turns to the comment field, if any: none
/// when nothing is selected, and none when it is the one already commented on (or set aside
/// for the whole document), since the body keeps its selection after losing the focus.
pub fn to_take(selection: Option<(u32, u32)>, used: Option<(u32, u32)>) -> Option<(usize, usize)> {
    selection
        .filter(|_| selection != used)
        .map(|(start, end)| (start as usize, end as usize))
}

/// Why a comment, reply or resolution was refused, in the server's words: each field's
/// reason where it named fields (a mention of nobody), else its detail.
pub fn refusal(problem: &Problem) -> String {
    let reasons: Vec<&str> = problem.errors.iter().map(|e| e.message.as_str()).collect();
    if !reasons.is_empty() {
        reasons.join(" ")
    } else if problem.detail.is_empty() {
        problem.title.clone()
    } else {
        problem.detail.clone()
    }
}

/// The byte offset of a UTF-16 offset in `text`; None inside a character or past the end.
fn byte_at_utf16(text: &str, units: usize) -> Option<usize> {
    let mut counted = 0;
    for (at, c) in text.char_indices() {
        if counted == units {
            return Some(at);
        }
        if counted > units {
            return None;
        }
        counted += c.len_utf16();
    }
    (counted == units).then_some(text.len())
}

/// Threads drawn at a time: drawing a thousand in one go held the page for a third of a
/// second or more (typing waited); between slices the browser handles input.
pub const SLICE: usize = 100;

/// How many of `total` threads to draw once `drawn` are: the next slice, or `None` when all are.
pub fn next_slice(drawn: usize, total: usize) -> Option<usize> {
    (drawn < total).then(|| (drawn + SLICE).min(total))
}

/// The open threads' passages to highlight in the text shown: only while it is the saved
/// text `threads` are placed in (in other words they would mark other words).
pub fn highlights(shown: &str, saved: &str, threads: &[Thread]) -> Vec<Highlighted> {
    if shown == saved {
        highlighted(threads)
    } else {
        Vec::new()
    }
}

/// A rewrite of one's own comment being typed: the comment's version when it began, and
/// the words so far.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rewrite {
    pub version: i64,
    pub text: String,
}

impl Rewrite {
    /// Begun on `comment` as shown.
    pub fn of(comment: &Comment) -> Rewrite {
        Rewrite {
            version: comment.version,
            text: comment.text.clone(),
        }
    }

    /// The comment as this rewrite names it to the server: on the version it began from,
    /// however the comment has changed since, so a change made meanwhile is refused.
    pub fn names(&self, shown: &Comment) -> Comment {
        Comment {
            version: self.version,
            ..shown.clone()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(
        quote: &str,
        start: Option<usize>,
        end: Option<usize>,
        occurrence: Option<usize>,
    ) -> Passage {
        Passage::Words(NewAnchor {
            start,
            end,
            quote: quote.into(),
            occurrence,
        })
    }

    #[test]
    fn words_of_the_saved_text_are_named_by_their_offsets_in_characters() {
        let text = "Café au lait, then tea.";
        // "then" starts at UTF-16 offset 14, as at character 14 ("é" is one unit).
        assert_eq!(
            passage(text, 14, 18, text),
            words("then", Some(14), Some(18), None)
        );
        // An astral character counts two units in the browser, one character in the API.
        let text = "🎉 party time";
        assert_eq!(
            passage(text, 3, 8, text),
            words("party", Some(2), Some(7), None)
        );
    }

    #[test]
    fn no_selection_blanks_or_a_split_character_mean_the_whole_document() {
        let text = "🎉 party\n\ntime";
        assert_eq!(passage(text, 4, 4, text), Passage::Whole);
        assert_eq!(
            passage(text, 8, 10, text),
            Passage::Whole,
            "only line breaks"
        );
        assert_eq!(
            passage(text, 1, 5, text),
            Passage::Whole,
            "inside the emoji"
        );
        assert_eq!(passage(text, 3, 99, text), Passage::Whole, "past the end");
    }

    #[test]
    fn with_unsaved_text_the_words_are_named_by_their_appearance_when_it_is_the_same() {
        let saved = "We hire two engineers. Two engineers cost money.";
        let text = "NEW: We hire two engineers. Two engineers cost money.";
        // The second "engineers" (at UTF-16 offset 36 in the edited text).
        let second = text.rfind("engineers").unwrap();
        assert_eq!(
            passage(text, second, second + 9, saved),
            words("engineers", None, None, Some(1))
        );
    }

    #[test]
    fn words_typed_since_the_save_or_appearing_a_different_number_of_times_are_not_guessed() {
        let saved = "One idea.";
        let text = "One idea. One more idea.";
        let more = text.find("more").unwrap();
        assert_eq!(
            passage(text, more, more + 4, saved),
            Passage::Unsaved("more".into())
        );
        // "idea" is there twice now and once saved: which one was meant cannot be told.
        let first = text.find("idea").unwrap();
        assert_eq!(
            passage(text, first, first + 4, saved),
            Passage::Unsaved("idea".into())
        );
    }

    #[test]
    fn a_selection_is_taken_once() {
        assert_eq!(to_take(Some((3, 8)), None), Some((3, 8)));
        assert_eq!(
            to_take(Some((3, 8)), Some((3, 8))),
            None,
            "already commented on"
        );
        assert_eq!(
            to_take(Some((3, 9)), Some((3, 8))),
            Some((3, 9)),
            "a new one"
        );
        assert_eq!(to_take(None, None), None);
    }

    #[test]
    fn a_refusal_gives_each_fields_reason_else_the_detail() {
        let mut problem = Problem::new(
            422,
            "/problems/validation",
            "Invalid",
            "One field is wrong.",
        );
        assert_eq!(refusal(&problem), "One field is wrong.");
        problem.errors.push(crate::domain::FieldError::new(
            "text",
            "Nobody is called @zed.",
        ));
        assert_eq!(refusal(&problem), "Nobody is called @zed.");
        let bare = Problem::new(
            412,
            "/problems/stale-version",
            "Somebody changed it first",
            "",
        );
        assert_eq!(refusal(&bare), "Somebody changed it first");
    }

    #[test]
    fn a_selection_inside_overlapping_appearances_is_not_guessed() {
        // "aa" in "aaa" appears (not overlapping) at 0 only; a selection at 1 is not one.
        let saved = "aaa!";
        let text = "aaa";
        assert_eq!(passage(text, 1, 3, saved), Passage::Unsaved("aa".into()));
    }

    #[test]
    fn threads_are_drawn_a_slice_at_a_time_until_all_are() {
        let mut drawn = 0;
        let mut steps = 0;
        while let Some(next) = next_slice(drawn, 1_001) {
            assert!(next > drawn && next - drawn <= SLICE);
            drawn = next;
            steps += 1;
        }
        assert_eq!((drawn, steps), (1_001, 1_001usize.div_ceil(SLICE)));
        assert_eq!(next_slice(0, 0), None);
        assert_eq!(next_slice(SLICE, 3), None, "fewer than drawn: nothing more");
    }

    #[test]
    fn passages_are_highlighted_only_while_the_saved_text_is_shown() {
        let thread: Thread = serde_json::from_value(serde_json::json!({
            "id": "t1", "doc_id": "d1", "made_on_rev": 1, "created_at": "2026-12-07T00:00:00Z",
            "author": {"id": "u1", "name": "ann"}, "resolved": false, "version": 1, "comments": [],
            "anchor": {"start": 0, "end": 3, "text": "One", "state": "intact", "quote": "One"}
        }))
        .unwrap();
        let threads = [thread];
        assert_eq!(highlights("One two", "One two", &threads).len(), 1);
        assert!(
            highlights("One two!", "One two", &threads).is_empty(),
            "unsaved text shown"
        );
    }

    #[test]
    fn a_rewrite_names_the_version_it_began_on_whatever_the_comment_became() {
        let comment: Comment = serde_json::from_value(serde_json::json!({
            "id": "c1", "author": {"id": "u1", "name": "ann"}, "text": "Check it",
            "created_at": "2026-12-07T00:00:00Z", "edited_at": null, "version": 1
        }))
        .unwrap();
        let mut rewrite = Rewrite::of(&comment);
        assert_eq!((rewrite.version, rewrite.text.as_str()), (1, "Check it"));
        rewrite.text = "Check it twice".into();
        let changed = Comment {
            version: 2,
            text: "Check it (other tab)".into(),
            ..comment
        };
        let named = rewrite.names(&changed);
        assert_eq!((named.id.as_str(), named.version), ("c1", 1));
    }
}
