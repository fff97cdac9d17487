use proptest::prelude::*;

use super::*;
use crate::domain::{
    line_edits::{apply, edits, text},
    merge::{compare, merge_text, Conflicted, TextMerge},
};

fn conflicted(base: &str, theirs: &str, mine: &str) -> Conflicted {
    match merge_text(base, theirs, mine) {
        TextMerge::Conflict(conflicted) => conflicted,
        TextMerge::Clean(text) => panic!("expected a conflict, merged to {text:?}"),
    }
}

fn fields(title: &str, slug: &str, body: &str) -> Fields {
    Fields {
        title: title.into(),
        slug: slug.into(),
        tags: Vec::new(),
        body: body.into(),
    }
}

#[test]
fn keeping_mine_in_a_conflict_keeps_their_change_elsewhere_in_the_field() {
    // Ann changed lines 1 and 7; Bob, from the same base, changed line 1 only.
    let base = "one\ntwo\nthree\nfour\nfive\nsix\nseven\n";
    let ann = "ONE by Ann\ntwo\nthree\nfour\nfive\nsix\nSEVEN by Ann\n";
    let bob = "one by Bob\ntwo\nthree\nfour\nfive\nsix\nseven\n";
    let Conflicted { segments, hunks } = conflicted(base, ann, bob);
    assert_eq!(hunks.len(), 1);

    let mine = resolve_text(
        &segments,
        &hunks,
        &FieldResolution::all(HunkChoice::Mine, 1),
    );
    let theirs = resolve_text(
        &segments,
        &hunks,
        &FieldResolution::all(HunkChoice::Theirs, 1),
    );
    let both = resolve_text(
        &segments,
        &hunks,
        &FieldResolution::all(HunkChoice::Both, 1),
    );

    assert_eq!(
        mine,
        "one by Bob\ntwo\nthree\nfour\nfive\nsix\nSEVEN by Ann\n"
    );
    assert_eq!(theirs, ann);
    assert_eq!(
        both,
        "one by Bob\nONE by Ann\ntwo\nthree\nfour\nfive\nsix\nSEVEN by Ann\n"
    );
}

#[test]
fn a_field_level_shortcut_sets_every_hunk_and_never_overwrites_the_field() {
    let base = "a\nb\nc\nd\ne\n";
    let theirs = "A1\nb\nC1\nd\nE1\n";
    let mine = "A2\nb\nC2\nd\ne\n";
    let Conflicted { segments, hunks } = conflicted(base, theirs, mine);
    assert_eq!(hunks.len(), 2);
    let all_mine = resolve_text(
        &segments,
        &hunks,
        &FieldResolution::all(HunkChoice::Mine, 2),
    );
    assert_eq!(all_mine, "A2\nb\nC2\nd\nE1\n");
}

#[test]
fn editing_starts_from_the_clean_merge_with_each_conflict_marked() {
    let base = "intro\nbudget 10\nmiddle\nend\n";
    let theirs = "intro\nbudget 12\nmiddle\nend, by Ann\n";
    let mine = "intro\nbudget 15\nmiddle\nend\n";
    let comparison = compare(
        &fields("t", "s", base),
        &fields("t", "s", theirs),
        &fields("t", "s", mine),
    );
    let body = comparison.field(Field::Body);
    let marked = marked_text(&body.segments, &body.hunks);
    assert_eq!(
        marked,
        "intro\n<<<<<<< yours\nbudget 15\n=======\nbudget 12\n>>>>>>> theirs\nmiddle\nend, by Ann\n"
    );

    let mut resolutions = BTreeMap::new();
    resolutions.insert(
        Field::Body,
        FieldResolution {
            hunks: Vec::new(),
            edited: Some(marked),
        },
    );
    let refused = resolve(&comparison, &resolutions).unwrap_err();
    assert_eq!(refused[0].field, "body");
    assert!(refused[0].message.contains("conflict markers"));

    resolutions.get_mut(&Field::Body).unwrap().edited =
        Some("intro\nbudget 13\nmiddle\nend, by Ann\n".into());
    let resolved = resolve(&comparison, &resolutions).unwrap();
    assert_eq!(resolved.body, "intro\nbudget 13\nmiddle\nend, by Ann\n");
}

#[test]
fn a_marker_line_the_document_already_had_is_not_a_leftover() {
    let text = "table\n=======\nrow\n";
    assert!(!has_markers(text, &["table\n=======\n"]));
    assert!(has_markers(text, &["table\n"]));
}

#[test]
fn dropped_words_name_what_of_theirs_the_result_leaves_out() {
    let hunk = ConflictHunk {
        base_line: 2,
        base: "The budget is 10.\n".into(),
        theirs: "The budget is 12, approved.\n".into(),
        mine: "The budget is 15.\n".into(),
    };
    assert_eq!(
        dropped_words(&hunk, &hunk.mine),
        vec!["12,".to_owned(), "approved.".to_owned()]
    );
    assert!(dropped_words(&hunk, &hunk.theirs).is_empty());
    assert!(dropped_words(&hunk, &chosen_text(&hunk, &HunkChoice::Both)).is_empty());
}

#[test]
fn a_slug_conflict_is_one_hunk_resolved_like_text() {
    let comparison = compare(
        &fields("t", "plan", "x"),
        &fields("t", "plan-ann", "x"),
        &fields("t", "plan-bob", "x"),
    );
    assert_eq!(comparison.merge.proposal.slug, "plan-ann");
    let mut resolutions = BTreeMap::new();
    resolutions.insert(Field::Slug, FieldResolution::all(HunkChoice::Mine, 1));
    assert_eq!(resolve(&comparison, &resolutions).unwrap().slug, "plan-bob");
}

fn choices() -> impl Strategy<Value = Vec<HunkChoice>> {
    prop::collection::vec(
        prop_oneof![
            Just(HunkChoice::Mine),
            Just(HunkChoice::Theirs),
            Just(HunkChoice::Both),
            Just(HunkChoice::Edit("hand-written".into())),
        ],
        12,
    )
}

fn is_subsequence(needle: &[&str], haystack: &[String]) -> bool {
    let mut rest = haystack.iter();
    needle.iter().all(|n| rest.any(|h| h == n))
}

#[test]
fn an_undecided_conflict_is_refused_by_name_and_no_side_wins_by_default() {
    let base = fields("t", "s", "a\nb\nc\nd\ne\n");
    let theirs = fields("t", "s", "A\nb\nc\nd\nE\n");
    let mine = fields("t", "s", "a1\nb\nc\nd\ne1\n");
    let comparison = compare(&base, &theirs, &mine);
    let mut resolutions = BTreeMap::new();
    let refused = resolve(&comparison, &resolutions).unwrap_err();
    assert_eq!(refused[0].field, "body");
    assert!(refused[0]
        .message
        .contains("2 conflicting changes still need a choice"));

    let mut one = FieldResolution::default();
    one.set(1, HunkChoice::Theirs);
    assert_eq!(one.undecided(2), vec![0]);
    resolutions.insert(Field::Body, one.clone());
    let refused = resolve(&comparison, &resolutions).unwrap_err();
    assert!(refused[0]
        .message
        .contains("1 conflicting change still needs"));

    one.set(0, HunkChoice::Mine);
    resolutions.insert(Field::Body, one);
    assert_eq!(
        resolve(&comparison, &resolutions).unwrap().body,
        "a1\nb\nc\nd\nE\n"
    );
}

#[test]
fn an_edit_box_shows_a_hunk_without_the_line_break_that_ends_it() {
    let body = |milk: &str| format!("- {milk}\n- eggs\n- bread\n");
    let Conflicted { segments, hunks } =
        conflicted(&body("milk"), &body("oat milk"), &body("soy milk"));
    assert_eq!(box_text(&hunks[0], &hunks[0].mine), "- soy milk");
    // Select all in the box, type over it: the next line stays a line of its own.
    let resolution = FieldResolution {
        hunks: vec![Some(HunkChoice::Edit("- almond milk".into()))],
        edited: None,
    };
    assert_eq!(
        resolve_text(&segments, &hunks, &resolution),
        body("almond milk")
    );
    // At the very end of a text without a final line break there is none to hide.
    let Conflicted { hunks, .. } = conflicted("a\nb", "a\nB", "a\nbb");
    assert_eq!(box_text(&hunks[0], &hunks[0].mine), "bb");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(500))]

    /// Whatever is typed into a hunk's box, with or without a final line break, the saved
    /// text is the clean text around the hunk, untouched, with exactly the box's lines in
    /// place of the hunk: what the panel's Result shows.
    #[test]
    fn what_is_typed_into_a_hunks_box_is_exactly_what_is_saved(
        before in 0usize..4,
        after in 0usize..4,
        final_break in any::<bool>(),
        typed in "[a-z \n-]{0,24}",
    ) {
        let lines = |prefix: &str, n: usize| -> String {
            (0..n).map(|i| format!("{prefix}{i}\n")).collect()
        };
        let end = if final_break || after > 0 { "\n" } else { "" };
        let version = |middle: &str| {
            let mut text = format!("{}{middle}{end}{}", lines("before ", before), lines("after ", after));
            if after > 0 && !final_break {
                text.pop();
            }
            text
        };
        let Conflicted { segments, hunks } =
            conflicted(&version("base"), &version("theirs"), &version("mine"));
        prop_assert_eq!(hunks.len(), 1);
        let hunk = &hunks[0];
        prop_assert!(!box_text(hunk, &hunk.mine).contains('\n'));

        let choice = HunkChoice::Edit(typed.clone());
        let shown = chosen_text(hunk, &choice);
        let resolution = FieldResolution { hunks: vec![Some(choice)], edited: None };
        let saved = resolve_text(&segments, &hunks, &resolution);
        // The saved body is the Result shown, in place of the hunk.
        let prefix = lines("before ", before);
        let rest = saved.strip_prefix(prefix.as_str()).expect("the lines before are untouched");
        let middle = rest.strip_suffix(&version("")[prefix.len() + end.len()..]).expect("the lines after are untouched");
        prop_assert_eq!(middle, shown.as_str());
        // The box's lines are the lines saved, each on its own line.
        let expected = if typed.is_empty() { String::new() } else { format!("{typed}{end}") };
        prop_assert_eq!(middle, expected.as_str());
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn every_choice_keeps_every_change_outside_the_conflicts(
        len in 1usize..12,
        theirs_edits in edits(),
        mine_edits in edits(),
        picks in choices(),
    ) {
        let base: Vec<String> = (0..len).map(|i| format!("b{i}")).collect();
        let theirs = apply(&base, &theirs_edits, 't', "");
        let mine = apply(&base, &mine_edits, 'm', "");
        prop_assume!(theirs != base && mine != base && theirs != mine);
        let (b, t, m) = (text(&base), text(&theirs), text(&mine));

        let result = match merge_text(&b, &t, &m) {
            TextMerge::Clean(merged) => merged,
            TextMerge::Conflict(Conflicted { segments, hunks }) => {
                let resolution = FieldResolution { hunks: picks.iter().cloned().map(Some).collect(), edited: None };
                let result = resolve_text(&segments, &hunks, &resolution);
                let lines: Vec<&str> = result.lines().collect();
                let in_hunks = |pick: fn(&ConflictHunk) -> &str, line: &str| {
                    hunks.iter().any(|h| pick(h).lines().any(|l| l == line))
                };
                // Outside the hunks, each side's additions are kept, and what a side
                // removed stays removed.
                for line in t.lines().filter(|l| !l.starts_with('b')) {
                    prop_assert!(in_hunks(|h| &h.theirs, line) || lines.contains(&line),
                        "their {line} lost: {result:?}");
                }
                for line in m.lines().filter(|l| !l.starts_with('b')) {
                    prop_assert!(in_hunks(|h| &h.mine, line) || lines.contains(&line),
                        "my {line} lost: {result:?}");
                }
                for line in b.lines() {
                    let removed = !t.lines().any(|l| l == line) || !m.lines().any(|l| l == line);
                    if removed && !in_hunks(|h| &h.base, line) {
                        prop_assert!(!lines.contains(&line), "removed {line} is back: {result:?}");
                    }
                }
                // Inside each hunk, exactly the chosen version.
                for (i, hunk) in hunks.iter().enumerate() {
                    let chosen = chosen_text(hunk, resolution.choice(i).unwrap());
                    prop_assert!(result.contains(&chosen));
                }
                result
            }
        };
        // Nothing invented, nothing reordered: each side's lines keep their order.
        let lines: Vec<&str> = result.lines().collect();
        for line in &lines {
            prop_assert!(*line == "hand-written" || b.lines().chain(t.lines()).chain(m.lines()).any(|l| l == *line));
        }
        let from = |prefix: char| -> Vec<&str> { lines.iter().copied().filter(|l| l.starts_with(prefix)).collect() };
        // "Keep both" puts my version of a hunk before theirs, so base lines inside a hunk
        // may then repeat; without it they keep their order too.
        if !picks.contains(&HunkChoice::Both) {
            prop_assert!(is_subsequence(&from('b'), &base));
        }
        prop_assert!(is_subsequence(&from('t'), &theirs));
        prop_assert!(is_subsequence(&from('m'), &mine));
    }

    #[test]
    fn taking_theirs_everywhere_is_the_servers_proposal(
        len in 1usize..12,
        theirs_edits in edits(),
        mine_edits in edits(),
    ) {
        let base: Vec<String> = (0..len).map(|i| format!("b{i}")).collect();
        let (t, m) = (text(&apply(&base, &theirs_edits, 't', "")), text(&apply(&base, &mine_edits, 'm', "")));
        let comparison = compare(&fields("x", "s", &text(&base)), &fields("x", "s", &t), &fields("x", "s", &m));
        let body = comparison.field(Field::Body);
        if body.state == FieldState::BothConflict {
            let theirs = FieldResolution::all(HunkChoice::Theirs, body.hunks.len());
            prop_assert_eq!(resolve_text(&body.segments, &body.hunks, &theirs), comparison.merge.proposal.body.clone());
            prop_assert!(!marked_text(&body.segments, &body.hunks).is_empty());
        }
    }
}
