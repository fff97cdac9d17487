use proptest::prelude::*;

use super::*;
use crate::domain::line_edits::{apply, edits, text, Edit};

fn fields(title: &str, tags: &[&str], body: &str) -> Fields {
    Fields {
        title: title.into(),
        slug: "plan".into(),
        tags: tags.iter().map(|t| t.to_string()).collect(),
        body: body.into(),
    }
}

#[test]
fn a_suggestion_is_cut_into_runs_of_changed_words_and_whole_title_and_tags() {
    let base = fields("Plan", &["q4"], "The red car stops here.\nAll good.\n");
    let proposed = fields(
        "Plan B",
        &["q4", "cars"],
        "The blue truck stops there.\nAll good.\nNew line.\n",
    );
    let found: Vec<(Field, String, String)> = hunks(&base, &proposed)
        .into_iter()
        .map(|h| (h.field, h.removed, h.inserted))
        .collect();
    let expected = |f: Field, r: &str, i: &str| (f, r.to_owned(), i.to_owned());
    assert_eq!(
        found,
        [
            expected(Field::Title, "Plan", "Plan B"),
            expected(Field::Tags, "q4", "q4, cars"),
            // Words apart only by a space are one run; "stops" between keeps two apart.
            expected(Field::Body, "red car", "blue truck"),
            expected(Field::Body, "here", "there"),
            expected(Field::Body, "", "New line.\n"),
        ]
    );
    assert!(hunks(&base, &base).is_empty());
}

#[test]
fn a_hunk_whose_words_changed_since_is_outdated_and_the_others_still_apply() {
    let base = fields("Plan", &[], "One two.\nThree four.\n");
    let proposed = fields("Plan", &[], "One 2.\nThree 4.\n");
    // Since the suggestion, someone rewrote "two" themselves.
    let current = fields("Plan", &[], "One deux.\nThree four.\n");
    assert!(is_outdated(&base, &proposed, &current, &[], 0));
    assert!(!is_outdated(&base, &proposed, &current, &[], 1));
    assert_eq!(
        accept(&base, &proposed, &current, &[], &[0, 1]),
        Err(Outdated(vec![0]))
    );
    let accepted = accept(&base, &proposed, &current, &[], &[1]).unwrap();
    assert_eq!(accepted.body, "One deux.\nThree 4.\n");
    // A title changed since is outdated; tags merge tag by tag.
    let base = fields("Plan", &["a"], "x\n");
    let proposed = fields("Plan B", &["a", "b"], "x\n");
    let current = fields("Plan C", &[], "x\n");
    assert_eq!(
        accept(&base, &proposed, &current, &[], &[0]),
        Err(Outdated(vec![0]))
    );
    assert_eq!(
        accept(&base, &proposed, &current, &[], &[1]).unwrap().tags,
        ["b"]
    );
}

/// Base lines with names no other line contains ("base1q" is not inside "base10q").
fn base_lines() -> Vec<String> {
    (0..12).map(|i| format!("base{i}q word{i}q")).collect()
}

/// The suggestion's edits, kept to lines the current text leaves alone, so the two never
/// touch the same words.
fn apart(current: &[Edit], suggested: &[Edit]) -> Vec<Edit> {
    current
        .iter()
        .zip(suggested)
        .map(|(c, s)| {
            if matches!(c, Edit::Keep) {
                *s
            } else {
                Edit::Keep
            }
        })
        .collect()
}

/// A hunk's text can be told apart in a result when it holds a line's own name.
fn named(text: &str) -> bool {
    text.contains('q') || text.contains('x')
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Accepting any subset of hunks, in two goes, keeps every change made since outside
    /// them, applies exactly the accepted hunks, and never applies one twice.
    #[test]
    fn accepting_some_hunks_applies_exactly_those_and_keeps_every_change_since(
        current_edits in edits(),
        suggested_edits in edits(),
        mask in prop::collection::vec(0..3_u8, 40),
    ) {
        let base_lines = base_lines();
        let suggested_edits = apart(&current_edits, &suggested_edits);
        let base = fields("Plan", &[], &text(&base_lines));
        let current_lines = apply(&base_lines, &current_edits, 'c', "x");
        let current = fields("Plan", &[], &text(&current_lines));
        let proposed = fields("Plan", &[], &text(&apply(&base_lines, &suggested_edits, 's', "x")));
        let all = hunks(&base, &proposed);
        // Each hunk accepted first (1), second (2) or not at all (0).
        let first: Vec<usize> = (0..all.len()).filter(|&i| mask[i % 40] == 1).collect();
        let second: Vec<usize> = (0..all.len()).filter(|&i| mask[i % 40] == 2).collect();
        let chosen: Vec<usize> = first.iter().chain(&second).copied().collect();

        let halfway = accept(&base, &proposed, &current, &[], &first).expect("apart edits never clash");
        let result = accept(&base, &proposed, &halfway, &first, &second).expect("apart edits never clash");
        // Every change made since is kept: its new lines are there, its deleted ones gone.
        for line in current_lines.iter().filter(|l| l.starts_with('c')) {
            prop_assert!(result.body.contains(line.as_str()), "{line} lost");
        }
        for (i, edit) in current_edits.iter().enumerate() {
            if matches!(edit, Edit::Replace | Edit::Delete) {
                prop_assert!(!result.body.contains(&base_lines[i]), "{} came back", base_lines[i]);
            }
        }
        // Exactly the accepted hunks are applied, each once.
        for (i, hunk) in all.iter().enumerate() {
            let taken = chosen.contains(&i);
            if named(&hunk.inserted) {
                prop_assert_eq!(result.body.matches(&hunk.inserted).count(), usize::from(taken), "hunk {} {:?}", i, hunk);
            }
            if named(&hunk.removed) {
                prop_assert_eq!(!result.body.contains(&hunk.removed), taken, "hunk {} {:?}", i, hunk);
            }
        }
        // Accepted again, a hunk adds nothing: it is part of the merge's base by then.
        let again = accept(&base, &proposed, &result, &chosen, &chosen).expect("nothing to clash");
        prop_assert_eq!(&again, &result);
        // Every hunk at once is the whole suggestion merged; none is nothing.
        let every: Vec<usize> = (0..all.len()).collect();
        let whole = accept(&base, &proposed, &current, &[], &every).expect("apart edits never clash");
        prop_assert_eq!(&whole.body, &merged(&base_lines, &current_edits, &suggested_edits));
        prop_assert_eq!(accept(&base, &proposed, &current, &[], &[]).unwrap(), current);
    }
}

/// Both sides' edits applied to the base, line by line (they never edit the same line),
/// the new lines named as `apply` names them.
fn merged(base: &[String], current: &[Edit], suggested: &[Edit]) -> String {
    let mut lines = Vec::new();
    for (i, line) in base.iter().enumerate() {
        let (edit, side) = match current[i] {
            Edit::Keep => (suggested[i], 's'),
            other => (other, 'c'),
        };
        match edit {
            Edit::Keep => lines.push(line.clone()),
            Edit::Replace => lines.push(format!("{side}{i}x")),
            Edit::Delete => {}
            Edit::InsertAfter => {
                lines.push(line.clone());
                lines.push(format!("{side}{i}+x"));
            }
        }
    }
    text(&lines)
}
