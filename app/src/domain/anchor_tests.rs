use proptest::prelude::*;

use super::*;
use crate::domain::line_edits::{apply, edits, text, Edit};

fn anchor_on(text: &str, words: &str) -> Anchor {
    let start = text.find(words).expect("the words are in the text");
    Anchor::new(text, start..start + words.len()).unwrap()
}

fn follow(anchor: &Anchor, old: &str, new: &str) -> Anchor {
    anchor.follow(&Edits::between(old, new), new)
}

const PROSE: &str = "The plan for the quarter.\n\nWe hire two engineers in Q4 and one designer.\nThe budget stays as it is.\n";

#[test]
fn a_quote_is_located_by_which_appearance_it_is() {
    let text = "Café one, café two, café three";
    assert_eq!(locate(text, "café", 0), Some(11..16));
    assert_eq!(locate(text, "café", 1), Some(22..27));
    assert_eq!(locate(text, "café", 2), None);
    assert_eq!(locate(text, "", 0), None);
    assert_eq!(locate(text, "tea", 0), None);
}

#[test]
fn a_passage_nobody_touched_moves_with_the_text_around_it() {
    let anchor = anchor_on(PROSE, "two engineers");
    let new = format!("A preface.\n\n{PROSE}");
    let moved = follow(&anchor, PROSE, &new);
    assert_eq!(moved.state, AnchorState::Intact);
    assert_eq!(&new[moved.start..moved.end], "two engineers");
}

#[test]
fn an_edit_beside_the_passage_on_its_own_line_leaves_it_intact() {
    let anchor = anchor_on(PROSE, "two engineers");
    let new = PROSE.replace("one designer", "two designers");
    let moved = follow(&anchor, PROSE, &new);
    assert_eq!(moved.state, AnchorState::Intact);
    assert_eq!(&new[moved.start..moved.end], "two engineers");
    let new = PROSE.replace("We hire", "We will hire");
    let moved = follow(&anchor, PROSE, &new);
    assert_eq!(moved.state, AnchorState::Intact);
    assert_eq!(&new[moved.start..moved.end], "two engineers");
}

#[test]
fn an_edited_passage_is_found_between_its_unchanged_surroundings_and_marked_changed() {
    let anchor = anchor_on(PROSE, "two engineers");
    let new = PROSE.replace("two engineers", "three senior engineers");
    let moved = follow(&anchor, PROSE, &new);
    assert_eq!(moved.state, AnchorState::Changed);
    assert_eq!(&new[moved.start..moved.end], "three senior engineers");
    assert_eq!(moved.text, "three senior engineers");

    // Changed stays changed, and moves like any passage.
    let newer = format!("Intro.\n{new}");
    let again = follow(&moved, &new, &newer);
    assert_eq!(again.state, AnchorState::Changed);
    assert_eq!(&newer[again.start..again.end], "three senior engineers");
}

#[test]
fn a_deleted_passage_is_detached_and_keeps_its_words() {
    let anchor = anchor_on(PROSE, "two engineers");
    let new = PROSE.replace("We hire two engineers in Q4 and one designer.\n", "");
    let moved = follow(&anchor, PROSE, &new);
    assert_eq!(moved.state, AnchorState::Detached);
    assert_eq!(moved.text, "two engineers");
    // Detached stays detached, even if the words come back somewhere.
    let back = follow(&moved, &new, PROSE);
    assert_eq!(back.state, AnchorState::Detached);
}

#[test]
fn a_passage_whose_words_were_removed_between_its_surroundings_is_detached() {
    let anchor = anchor_on(PROSE, "two engineers ");
    let new = PROSE.replace("two engineers ", "");
    assert_eq!(follow(&anchor, PROSE, &new).state, AnchorState::Detached);
}

#[test]
fn a_moved_paragraph_takes_its_threads_along() {
    let old = "First paragraph stays first.\n\nSecond paragraph, commented.\n\nThird paragraph.\n";
    let new = "First paragraph stays first.\n\nThird paragraph.\n\nSecond paragraph, commented.\n";
    let anchor = anchor_on(old, "commented");
    let moved = follow(&anchor, old, new);
    assert_eq!(moved.state, AnchorState::Intact);
    assert_eq!(&new[moved.start..moved.end], "commented");
}

#[test]
fn the_same_words_elsewhere_are_never_taken_for_the_passage() {
    let old = "Alpha says yes to the plan.\nBeta says no to the plan.\n";
    let anchor = anchor_on(old, "yes to the plan");
    // The commented line is rewritten; the same words remain only in a different place.
    let new = "Alpha rewrote everything here.\nBeta says yes to the plan.\n";
    let moved = follow(&anchor, old, new);
    assert_eq!(moved.state, AnchorState::Detached);
}

#[test]
fn a_passage_at_the_very_start_or_end_is_found_only_there() {
    let old = "Opening words of a short note";
    let anchor = anchor_on(old, "Opening");
    let new = "Closing words of a short note";
    let moved = follow(&anchor, old, new);
    assert_eq!(moved.state, AnchorState::Changed);
    assert_eq!(&new[moved.start..moved.end], "Closing");
    let anchor = anchor_on(old, "note");
    let new = "Opening words of a short memo";
    let moved = follow(&anchor, old, new);
    assert_eq!(moved.state, AnchorState::Changed);
    assert_eq!(&new[moved.start..moved.end], "memo");
}

#[test]
fn passages_and_contexts_are_whole_characters() {
    let text = "Grüße aus Köln — schön, dass ihr da seid. 日本語のテキストもあります。";
    let anchor = anchor_on(text, "Köln");
    assert!(anchor.before.ends_with("aus "));
    let new = format!("Vorwort. {text}");
    let moved = follow(&anchor, text, &new);
    assert_eq!(&new[moved.start..moved.end], "Köln");
    let start = text.find('ö').unwrap() + 1;
    assert_eq!(
        Anchor::new(text, start..start + 2),
        Err(AnchorError::NotABoundary)
    );
}

#[test]
fn nothing_selected_or_beyond_the_text_cannot_be_anchored() {
    assert_eq!(Anchor::new("abc", 1..1), Err(AnchorError::Empty));
    assert_eq!(Anchor::new("abc", 2..4), Err(AnchorError::OutOfRange));
    #[allow(clippy::reversed_empty_ranges)]
    let backwards = 2..1;
    assert_eq!(Anchor::new("abc", backwards), Err(AnchorError::OutOfRange));
}

#[test]
fn a_position_maps_with_the_text_it_is_in_or_to_where_its_text_went() {
    let old = "one two three\n";
    let new = "one 2 three\n";
    let edits = Edits::between(old, new);
    assert_eq!(
        edits.map(old.find("three").unwrap()),
        new.find("three").unwrap()
    );
    assert_eq!(edits.map(0), 0);
    assert_eq!(edits.old_len(), old.len());
}

#[test]
fn offsets_count_characters_on_the_wire_and_bytes_in_the_text() {
    let text = "añb日c";
    assert_eq!(byte_at(text, 0), Some(0));
    assert_eq!(byte_at(text, 2), Some(3));
    assert_eq!(byte_at(text, 4), Some(7));
    assert_eq!(byte_at(text, 5), Some(8));
    assert_eq!(byte_at(text, 6), None);
    assert_eq!(chars_before(text, &[7, 0, 3, 8]), vec![4, 0, 2, 5]);
    assert_eq!(chars_before("", &[0]), vec![0]);
}

fn base_lines(words: &[String]) -> Vec<String> {
    words
        .iter()
        .enumerate()
        .map(|(i, w)| format!("line {i} says {w} here"))
        .collect()
}

proptest! {
    /// An anchor whose passage was not touched still points at exactly that text.
    #[test]
    fn an_untouched_passage_is_found_exactly(
        words in prop::collection::vec("[a-z]{1,6}", 12),
        changes in edits(),
        line in 0usize..12,
    ) {
        let base = base_lines(&words);
        let mut changes = changes;
        changes[line] = Edit::Keep;
        let old = text(&base);
        let new = text(&apply(&base, &changes, 'x', " new words"));
        let anchor = anchor_on(&old, &base[line]);
        let moved = follow(&anchor, &old, &new);
        prop_assert_eq!(moved.state, AnchorState::Intact);
        prop_assert_eq!(&new[moved.start..moved.end], base[line].as_str());
    }

    /// Whatever the edits, an anchor never silently lands on different text: intact means
    /// the very same words, changed means its own surroundings still frame it.
    #[test]
    fn an_anchor_is_never_silently_moved_onto_different_text(
        words in prop::collection::vec("[a-z]{1,3}", 12),
        changes in edits(),
        line in 0usize..12,
        from in 0usize..6,
        len in 1usize..8,
    ) {
        let base = base_lines(&words);
        let old = text(&base);
        let new = text(&apply(&base, &changes, 'y', " says it"));
        let line_start = old.find(&base[line]).unwrap();
        let start = line_start + from.min(base[line].len() - 1);
        let end = (start + len).min(line_start + base[line].len());
        let anchor = Anchor::new(&old, start..end).unwrap();
        let moved = follow(&anchor, &old, &new);
        match moved.state {
            AnchorState::Intact => prop_assert_eq!(&new[moved.start..moved.end], anchor.text.as_str()),
            AnchorState::Changed => {
                prop_assert!(new[..moved.start].ends_with(anchor.before.as_str()));
                prop_assert!(new[moved.end..].starts_with(anchor.after.as_str()));
                prop_assert_eq!(&new[moved.start..moved.end], moved.text.as_str());
            }
            AnchorState::Detached => prop_assert_eq!(moved.text, anchor.text),
        }
    }
}
