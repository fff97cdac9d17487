use proptest::prelude::*;

use super::*;
use crate::domain::diff::{inline_diff, DiffKind};

fn fields(title: &str, slug: &str, tags: &[&str], body: &str) -> Fields {
    Fields {
        title: title.into(),
        slug: slug.into(),
        tags: tags.iter().map(|t| t.to_string()).collect(),
        body: body.into(),
    }
}

fn clean(merge: TextMerge) -> String {
    match merge {
        TextMerge::Clean(text) => text,
        TextMerge::Conflict(conflicted) => panic!("unexpected conflict: {conflicted:?}"),
    }
}

#[test]
fn changes_to_different_lines_merge() {
    let base = "a\nb\nc\nd\n";
    let theirs = "A\nb\nc\nd\n";
    let mine = "a\nb\nc\nD\n";
    assert_eq!(clean(merge_text(base, theirs, mine)), "A\nb\nc\nD\n");
}

#[test]
fn changes_to_adjacent_lines_merge() {
    assert_eq!(
        clean(merge_text("a\nb\nc\n", "a\nB\nc\n", "a\nb\nC\n")),
        "a\nB\nC\n"
    );
}

#[test]
fn an_insertion_next_to_a_change_merges() {
    assert_eq!(
        clean(merge_text("a\nb\n", "a\nnew\nb\n", "a\nB\n")),
        "a\nnew\nB\n"
    );
}

#[test]
fn changes_to_the_same_line_conflict_with_a_hunk() {
    let TextMerge::Conflict(conflicted) = merge_text("a\nb\nc\n", "a\ntheirs\nc\n", "a\nmine\nc\n")
    else {
        panic!("expected a conflict");
    };
    assert_eq!(
        conflicted.segments,
        vec![
            MergeSegment::Text("a\n".into()),
            MergeSegment::Hunk(0),
            MergeSegment::Text("c\n".into())
        ]
    );
    assert_eq!(
        conflicted.hunks,
        vec![ConflictHunk {
            base_line: 2,
            base: "b\n".into(),
            theirs: "theirs\n".into(),
            mine: "mine\n".into()
        }]
    );
}

#[test]
fn two_insertions_at_the_same_place_conflict_unless_equal() {
    assert!(matches!(
        merge_text("a\n", "a\nx\n", "a\ny\n"),
        TextMerge::Conflict(_)
    ));
    assert_eq!(clean(merge_text("a\n", "a\nx\n", "a\nx\n")), "a\nx\n");
}

#[test]
fn tags_merge_as_sets() {
    let merged = merge_tags(
        &["a".into(), "b".into(), "c".into()],
        &["a".into(), "c".into(), "t".into()],
        &["a".into(), "b".into(), "m".into()],
    );
    assert_eq!(merged, vec!["a", "m", "t"]);
}

#[test]
fn every_field_state_is_reported() {
    let base = fields("Title", "slug", &["x"], "one\ntwo\nthree\n");
    let theirs = fields("Title", "their-slug", &["x", "q4"], "ONE\ntwo\nthree\n");
    let mine = fields("Title", "my-slug", &["x"], "one\ntwo\nTHREE\n");
    let result = compare(&base, &theirs, &mine);
    let states: Vec<_> = result.fields.iter().map(|c| (c.field, c.state)).collect();
    assert_eq!(
        states,
        vec![
            (Field::Title, FieldState::Unchanged),
            (Field::Slug, FieldState::BothConflict),
            (Field::Tags, FieldState::TheirsOnly),
            (Field::Body, FieldState::BothMerged),
        ]
    );
    assert!(!result.merge.clean);
    assert_eq!(result.merge.proposal.slug, "their-slug");
    assert_eq!(result.merge.proposal.body, "ONE\ntwo\nTHREE\n");
    assert_eq!(result.merge.proposal.tags, vec!["q4", "x"]);
}

#[test]
fn mine_only_and_both_same_states() {
    let base = fields("T", "s", &[], "b");
    let theirs = fields("T2", "s", &[], "b");
    let mine = fields("T2", "s2", &[], "b");
    let result = compare(&base, &theirs, &mine);
    assert_eq!(result.field(Field::Title).state, FieldState::BothSame);
    assert_eq!(result.field(Field::Slug).state, FieldState::MineOnly);
    assert!(result.merge.clean);
    assert_eq!(result.merge.proposal, fields("T2", "s2", &[], "b"));
}

#[test]
fn the_comparison_serialises_as_the_contract_says() {
    let base = fields("T", "a", &[], "b");
    let result = compare(
        &base,
        &fields("T", "b", &["q4"], "b"),
        &fields("T", "c", &[], "b"),
    );
    let json = serde_json::to_value(&result.fields).unwrap();
    assert_eq!(
        json[0],
        serde_json::json!({"field": "title", "state": "unchanged"})
    );
    assert_eq!(json[1]["state"], "both_conflict");
    assert_eq!(json[1]["theirs"], "b");
    assert_eq!(json[2]["state"], "theirs_only");
    assert_eq!(json[2]["theirs"], serde_json::json!(["q4"]));
}

#[test]
fn inline_diffs_mark_changed_words() {
    let segments = inline_diff("the quick fox", "the slow fox");
    let kinds: Vec<_> = segments.iter().map(|s| (s.kind, s.text.as_str())).collect();
    assert_eq!(
        kinds,
        vec![
            (DiffKind::Equal, "the "),
            (DiffKind::Delete, "quick"),
            (DiffKind::Insert, "slow"),
            (DiffKind::Equal, " fox")
        ]
    );
}

fn lines() -> impl Strategy<Value = Vec<String>> {
    prop::collection::vec("[a-z]{0,3}", 0..12)
}

fn text(lines: &[String]) -> String {
    lines.iter().map(|l| format!("{l}\n")).collect()
}

#[test]
fn different_words_of_one_line_merge() {
    let merged = merge_text(
        "The quick brown fox jumps.\n",
        "The slow brown fox jumps.\n",
        "The quick brown fox leaps!\n",
    );
    assert_eq!(clean(merged), "The slow brown fox leaps!\n");
}

#[test]
fn the_same_word_changed_two_ways_still_conflicts_on_its_lines() {
    let TextMerge::Conflict(conflicted) = merge_text(
        "a\nThe budget is 10.\nb\n",
        "a\nThe budget is 12.\nb\n",
        "a\nThe budget is 15.\nb\n",
    ) else {
        panic!("expected a conflict");
    };
    assert_eq!(conflicted.hunks[0].base, "The budget is 10.\n");
    assert_eq!(conflicted.hunks[0].theirs, "The budget is 12.\n");
}

#[test]
fn different_text_inserted_at_one_point_of_a_line_conflicts() {
    assert!(matches!(
        merge_text("one\n", "one, by Ann\n", "one, by Bob\n"),
        TextMerge::Conflict(_)
    ));
}

#[test]
fn words_are_runs_of_letters_and_digits_with_spaces_and_punctuation_apart() {
    assert_eq!(
        tokens("Budget: 12,5 €  ok\n"),
        vec!["Budget", ":", " ", "12", ",", "5", " ", "€", "  ", "ok", "\n"]
    );
}

fn sentence() -> impl Strategy<Value = Vec<String>> {
    prop::collection::vec("[a-z]{1,6}", 3..12)
}

/// Three multi-line texts that all differ: base, and each side's own edits of it.
fn three_way() -> impl Strategy<Value = (Vec<String>, Vec<String>, Vec<String>)> {
    (
        prop::collection::vec("[a-c]{1,2}", 1..10),
        prop::collection::vec(edit(), 10),
        prop::collection::vec(edit(), 10),
    )
        .prop_map(|(base, theirs, mine)| {
            let base: Vec<String> = base
                .iter()
                .enumerate()
                .map(|(i, l)| format!("{i}{l}"))
                .collect();
            let apply = |edits: &[(u8, String)], side: &str| -> Vec<String> {
                let mut out = Vec::new();
                for (i, line) in base.iter().enumerate() {
                    match edits[i].0 % 4 {
                        0 | 1 => out.push(line.clone()),
                        2 => out.push(format!("{side}{i}{}", edits[i].1)),
                        _ => {}
                    }
                    if edits[i].0 >= 6 {
                        out.push(format!("{side}+{i}{}", edits[i].1));
                    }
                }
                out
            };
            let (t, m) = (apply(&theirs, "t"), apply(&mine, "m"));
            (base, t, m)
        })
}

fn edit() -> impl Strategy<Value = (u8, String)> {
    (0u8..8, "[a-c]{0,2}")
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    #[test]
    fn edits_to_different_words_of_a_line_merge_with_both_edits_and_nothing_else(
        words in sentence(),
        first in any::<prop::sample::Index>(),
        second in any::<prop::sample::Index>(),
        theirs_word in "[A-Z]{1,5}",
        mine_word in "[0-9]{1,5}",
    ) {
        let (a, b) = (first.index(words.len()), second.index(words.len()));
        prop_assume!(a != b);
        let line = |replace: &[(usize, &str)]| -> String {
            let mut out: Vec<&str> = words.iter().map(String::as_str).collect();
            for (at, word) in replace {
                out[*at] = word;
            }
            format!("before\n{}\nafter\n", out.join(" "))
        };
        let (base, theirs, mine) = (line(&[]), line(&[(a, &theirs_word)]), line(&[(b, &mine_word)]));
        let expected = line(&[(a, &theirs_word), (b, &mine_word)]);
        prop_assert_eq!(diff3(&base, &theirs, &mine), TextMerge::Clean(expected));
    }

    #[test]
    fn every_merged_word_comes_from_an_input_in_order((base, theirs, mine) in three_way()) {
        let (b, t, m) = (text(&base), text(&theirs), text(&mine));
        if let TextMerge::Clean(merged) = diff3(&b, &t, &m) {
            let all: Vec<&str> = tokens(&b).into_iter().chain(tokens(&t)).chain(tokens(&m)).collect();
            for token in tokens(&merged) {
                prop_assert!(all.contains(&token), "{token:?} was invented");
            }
        }
    }

    #[test]
    fn merging_with_an_unchanged_theirs_gives_mine(base in ".{0,80}", mine in ".{0,80}") {
        prop_assert_eq!(merge_text(&base, &base, &mine), TextMerge::Clean(mine.clone()));
    }

    #[test]
    fn merging_with_an_unchanged_mine_gives_theirs(base in ".{0,80}", theirs in ".{0,80}") {
        prop_assert_eq!(merge_text(&base, &theirs, &base), TextMerge::Clean(theirs.clone()));
    }

    #[test]
    fn the_same_change_on_both_sides_is_kept_once(base in ".{0,80}", both in ".{0,80}") {
        prop_assert_eq!(merge_text(&base, &both, &both), TextMerge::Clean(both.clone()));
    }

    #[test]
    fn the_three_way_merge_itself_gives_the_one_side_that_changed((base, theirs, _mine) in three_way()) {
        let (b, t) = (text(&base), text(&theirs));
        prop_assert_eq!(diff3(&b, &t, &b), TextMerge::Clean(t.clone()));
        prop_assert_eq!(diff3(&b, &b, &t), TextMerge::Clean(t.clone()));
        prop_assert_eq!(diff3(&b, &t, &t), TextMerge::Clean(t.clone()));
    }

    #[test]
    fn a_conflict_is_a_conflict_whichever_side_is_mine((base, theirs, mine) in three_way()) {
        let (b, t, m) = (text(&base), text(&theirs), text(&mine));
        match (diff3(&b, &t, &m), diff3(&b, &m, &t)) {
            (TextMerge::Clean(one), TextMerge::Clean(other)) => {
                // Same lines either way; only the order of two insertions at one place may differ.
                let mut one: Vec<&str> = one.lines().collect();
                let mut other: Vec<&str> = other.lines().collect();
                one.sort();
                other.sort();
                prop_assert_eq!(one, other);
            }
            (TextMerge::Conflict(one), TextMerge::Conflict(other)) => {
                prop_assert_eq!(one.hunks.len(), other.hunks.len());
                for (a, b) in one.hunks.iter().zip(&other.hunks) {
                    prop_assert_eq!((&a.theirs, &a.mine), (&b.mine, &b.theirs));
                }
            }
            (one, other) => prop_assert!(false, "asymmetric: {one:?} / {other:?}"),
        }
    }

    #[test]
    fn each_sides_words_keep_their_order_in_a_merge((base, theirs, mine) in three_way()) {
        let (b, t, m) = (text(&base), text(&theirs), text(&mine));
        if let TextMerge::Clean(merged) = diff3(&b, &t, &m) {
            let merged = tokens(&merged);
            for (prefix, side) in [('t', tokens(&t)), ('m', tokens(&m))] {
                let own: Vec<&str> = merged.iter().copied().filter(|w| w.starts_with(prefix)).collect();
                let mut rest = side.iter();
                prop_assert!(own.iter().all(|w| rest.any(|s| s == w)), "{prefix} words reordered");
            }
        }
    }

    #[test]
    fn edits_to_disjoint_line_ranges_are_both_kept(
        base in prop::collection::vec("[a-z]{1,3}", 2..16),
        split in any::<prop::sample::Index>(),
        theirs_new in lines(),
        mine_new in lines(),
        theirs_cut in any::<prop::sample::Index>(),
        mine_cut in any::<prop::sample::Index>(),
    ) {
        // Theirs rewrites part of the first half, mine part of the second. Lines are unique,
        // so the diff can align them only one way.
        let base: Vec<String> = base.iter().enumerate().map(|(i, l)| format!("{i}{l}")).collect();
        let theirs_new: Vec<String> = theirs_new.iter().enumerate().map(|(i, l)| format!("T{i}{l}")).collect();
        let mine_new: Vec<String> = mine_new.iter().enumerate().map(|(i, l)| format!("M{i}{l}")).collect();
        let split = 1 + split.index(base.len() - 1);
        let (head, tail) = base.split_at(split);
        let t_start = theirs_cut.index(head.len());
        let m_end = split + 1 + mine_cut.index(tail.len());
        let mut theirs: Vec<String> = base[..t_start].to_vec();
        theirs.extend(theirs_new.iter().cloned());
        theirs.extend(base[split..].iter().cloned());
        let mut mine: Vec<String> = base[..split].to_vec();
        mine.extend(mine_new.iter().cloned());
        mine.extend(base[m_end..].iter().cloned());
        let mut expected: Vec<String> = base[..t_start].to_vec();
        expected.extend(theirs_new.iter().cloned());
        expected.extend(mine_new.iter().cloned());
        expected.extend(base[m_end..].iter().cloned());

        let merged = merge_text(&text(&base), &text(&theirs), &text(&mine));

        prop_assert_eq!(merged, TextMerge::Clean(text(&expected)));
    }

    #[test]
    fn merging_never_panics_on_arbitrary_unicode(base in "(?s).{0,60}", theirs in "(?s).{0,60}", mine in "(?s).{0,60}") {
        let _ = merge_text(&base, &theirs, &mine);
        let _ = inline_diff(&base, &mine);
    }
}

#[test]
fn state_names_are_the_wire_names() {
    use FieldState::*;
    for state in [
        Unchanged,
        MineOnly,
        TheirsOnly,
        BothSame,
        BothMerged,
        BothConflict,
    ] {
        assert_eq!(serde_json::to_value(state).unwrap(), state.as_str());
    }
}

/// Runs `property` on generated inputs until `CONCORD_FUZZ_SECS` (default 10) have passed;
/// returns how many cases ran. A failure panics with proptest's minimal input.
fn fuzz_for<S: Strategy>(
    strategy: S,
    property: impl Fn(S::Value) -> Result<(), TestCaseError>,
) -> u64 {
    let seconds: u64 = std::env::var("CONCORD_FUZZ_SECS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(10);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(seconds);
    let mut cases = 0;
    let mut batch: u64 = 0;
    while std::time::Instant::now() < deadline {
        // A fresh runner per batch (a runner stops once it has its cases), each with its
        // own seed, so batches explore different inputs and a failure names its seed.
        let mut seed = [0u8; 32];
        seed[..8].copy_from_slice(&batch.to_le_bytes());
        let rng = proptest::test_runner::TestRng::from_seed(
            proptest::test_runner::RngAlgorithm::ChaCha,
            &seed,
        );
        let config = ProptestConfig {
            cases: 500,
            failure_persistence: None,
            ..ProptestConfig::default()
        };
        let mut runner = proptest::test_runner::TestRunner::new_with_rng(config, rng);
        if let Err(failure) = runner.run(&strategy, &property) {
            panic!("batch {batch} (seed {batch}) after {cases} cases: {failure}");
        }
        cases += 500;
        batch += 1;
    }
    cases
}

/// `scripts/fuzz`: the merge laws and freedom from panics on arbitrary input, for as long
/// as asked. Ignored in the normal run.
#[test]
#[ignore]
fn fuzz_the_merge_diff_and_validators() {
    let panics = fuzz_for(
        ("(?s).{0,200}", "(?s).{0,200}", "(?s).{0,200}"),
        |(base, theirs, mine)| {
            let _ = merge_text(&base, &theirs, &mine);
            let _ = diff3(&base, &theirs, &mine);
            let _ = inline_diff(&base, &mine);
            let _ = crate::domain::diff::change_blocks(&base, &mine, 2);
            let _ = crate::domain::parse_fields(&base, &theirs, std::slice::from_ref(&mine), &base);
            let _ = crate::domain::parse_user_name(&theirs);
            let _ = crate::domain::slugify(&mine);
            Ok(())
        },
    );
    let laws = fuzz_for(three_way(), |(base, theirs, mine)| {
        let (b, t, m) = (text(&base), text(&theirs), text(&mine));
        prop_assert_eq!(diff3(&b, &t, &b), TextMerge::Clean(t.clone()));
        prop_assert_eq!(diff3(&b, &t, &t), TextMerge::Clean(t.clone()));
        let one = matches!(diff3(&b, &t, &m), TextMerge::Conflict(_));
        let other = matches!(diff3(&b, &m, &t), TextMerge::Conflict(_));
        prop_assert_eq!(one, other, "conflicts are symmetric");
        if let TextMerge::Clean(merged) = diff3(&b, &t, &m) {
            let all: Vec<&str> = tokens(&b)
                .into_iter()
                .chain(tokens(&t))
                .chain(tokens(&m))
                .collect();
            for token in tokens(&merged) {
                prop_assert!(all.contains(&token), "{token:?} was invented");
            }
        }
        Ok(())
    });
    println!("fuzz: {panics} arbitrary-input cases and {laws} merge-law cases, 0 failures");
}

fn hunk_of(base: &str, theirs: &str, mine: &str) -> ConflictHunk {
    match merge_text(base, theirs, mine) {
        TextMerge::Conflict(conflicted) => conflicted.hunks[0].clone(),
        TextMerge::Clean(text) => panic!("expected a conflict, merged to {text:?}"),
    }
}

#[test]
fn a_hunk_marks_only_the_words_both_changed() {
    let hunk = hunk_of(
        "The plan is ready for review.\n",
        "The plan is done for review by Friday.\n",
        "The budget is finished for review.\n",
    );
    let pieces = word_pieces(&hunk).unwrap();
    assert_eq!(
        pieces,
        vec![
            WordPiece::Same("The budget is ".into()),
            WordPiece::Clash {
                theirs: "done".into(),
                mine: "finished".into()
            },
            WordPiece::Same(" for review by Friday.\n".into()),
        ]
    );
}

#[test]
fn word_pieces_put_back_together_give_either_side_where_they_clash() {
    let hunk = hunk_of("a b c\n", "a X c\n", "a Y c\n");
    let pieces = word_pieces(&hunk).unwrap();
    let side = |mine: bool| -> String {
        pieces
            .iter()
            .map(|p| match p {
                WordPiece::Same(text) => text.as_str(),
                WordPiece::Clash { theirs, mine: m } => {
                    if mine {
                        m.as_str()
                    } else {
                        theirs.as_str()
                    }
                }
            })
            .collect()
    };
    assert_eq!(side(false), hunk.theirs);
    assert_eq!(side(true), hunk.mine);
}

#[test]
fn very_large_hunks_are_not_split_into_words() {
    let long = "word ".repeat(20_000);
    let hunk = ConflictHunk {
        base_line: 1,
        base: long.clone(),
        theirs: format!("{long}x"),
        mine: format!("{long}y"),
    };
    assert_eq!(word_pieces(&hunk), None);
}
