use proptest::prelude::*;

use super::*;
use crate::domain::line_edits::{apply, edits, text};

fn body(text: &str) -> Fields {
    Fields {
        title: "Plan".into(),
        slug: "plan".into(),
        tags: vec!["q4".into()],
        body: text.into(),
    }
}

#[test]
fn each_moment_has_one_answer() {
    let typing = Moment {
        dirty: true,
        following: true,
        ..Moment::default()
    };
    assert_eq!(on_arrival(typing), OnArrival::Merge);
    assert_eq!(on_arrival(Moment::default()), OnArrival::TakeInPlace);
    // The form must not change under an input method or a save in flight.
    assert_eq!(
        on_arrival(Moment {
            composing: true,
            ..typing
        }),
        OnArrival::Later
    );
    assert_eq!(
        on_arrival(Moment {
            saving: true,
            ..Moment::default()
        }),
        OnArrival::Later
    );
    // Turned off, or deciding in a panel against a fixed version: the banner, as before.
    assert_eq!(
        on_arrival(Moment {
            following: false,
            ..typing
        }),
        OnArrival::Banner
    );
    assert_eq!(
        on_arrival(Moment {
            deciding: true,
            ..typing
        }),
        OnArrival::Banner
    );
    assert_eq!(
        on_arrival(Moment {
            deciding: true,
            ..Moment::default()
        }),
        OnArrival::Banner
    );
    // With drafts offered, the form is merged rather than replaced, so they still restore.
    assert_eq!(
        on_arrival(Moment {
            offers: true,
            following: true,
            ..Moment::default()
        }),
        OnArrival::Merge
    );
    assert_eq!(
        on_arrival(Moment {
            deleted: true,
            ..typing
        }),
        OnArrival::Banner
    );
}

#[test]
fn an_arrival_elsewhere_comes_in_and_says_where() {
    let base = body("one\ntwo\nthree\nfour\n");
    let latest = body("one\nTWO, by Ann\nthree\nfour\n");
    let form = body("one\ntwo\nthree\nfour, by Bob\n");
    let merged = merge_arrival(&base, &base, &latest, &form);
    assert_eq!(
        merged.fields.body,
        "one\nTWO, by Ann\nthree\nfour, by Bob\n"
    );
    assert_eq!(merged.clash, None);
    assert_eq!(merged.changed, vec![Field::Body]);
    assert_eq!(merged.lines, vec![2]);
    assert_eq!(
        arrival_sentence("Ann", &merged.changed, &merged.lines),
        "Ann changed line 2"
    );
}

#[test]
fn a_clash_keeps_my_words_and_is_reported_at_once() {
    let base = body("one\ntwo\nthree\n");
    let latest = body("one, by Ann\ntwo\nthree, by Ann\n");
    let form = body("one, by Bob\ntwo\nthree\n");
    let merged = merge_arrival(&base, &base, &latest, &form);
    assert_eq!(merged.fields.body, "one, by Bob\ntwo\nthree, by Ann\n");
    let clash = merged.clash.expect("the first line is a clash");
    assert_eq!(clash.base, base);
    let shown = compare(&clash.base, &latest, &clash.mine);
    assert!(!shown.merge.clean);
}

#[test]
fn an_undecided_clash_outlives_later_clean_arrivals() {
    let ancestor = body("one\ntwo\nthree\n");
    let first = body("one, by Ann\ntwo\nthree\n");
    // The form took the first arrival as far as it could: its first line is Bob's.
    let form = body("one, by Bob\ntwo\nthree\n");
    let second = body("one, by Ann\ntwo\nthree, by Cy\n");
    let merged = merge_arrival(&ancestor, &first, &second, &form);
    assert_eq!(merged.fields.body, "one, by Bob\ntwo\nthree, by Cy\n");
    let clash = merged
        .clash
        .expect("Ann's first line still clashes with Bob's");
    assert_eq!(clash.base, ancestor);
    // Once the clash is decided (here: Bob took Ann's line), nothing is left.
    let decided = body("one, by Ann\ntwo\nthree\n");
    let merged = merge_arrival(&first, &first, &second, &decided);
    assert_eq!(merged.clash, None);
}

#[test]
fn title_and_tags_arrive_like_the_body() {
    let base = body("text\n");
    let mut latest = base.clone();
    latest.title = "Plan for Q4".into();
    latest.tags = vec!["q4".into(), "urgent".into()];
    let mut form = base.clone();
    form.body = "text, more\n".into();
    let merged = merge_arrival(&base, &base, &latest, &form);
    assert_eq!(merged.fields.title, "Plan for Q4");
    assert_eq!(merged.fields.tags, vec!["q4", "urgent"]);
    assert_eq!(merged.fields.body, "text, more\n");
    assert_eq!(merged.changed, vec![Field::Title, Field::Tags]);
    assert_eq!(
        arrival_sentence("Ann", &merged.changed, &merged.lines),
        "Ann changed the title and the tags"
    );
    // A title both changed is a clash at once.
    form.title = "Plan, Bob's".into();
    let merged = merge_arrival(&base, &base, &latest, &form);
    assert_eq!(merged.fields.title, "Plan, Bob's");
    assert!(merged.clash.is_some());
}

#[test]
fn undo_takes_the_arrival_out_and_leaves_my_typing() {
    let base = body("one\ntwo\nthree\nfour\n");
    let latest = body("one\nTWO, by Ann\nthree\nfour\n");
    let form = body("one\ntwo\nthree\nfour, by Bob\n");
    let merged = merge_arrival(&base, &base, &latest, &form);
    // Bob types on after the arrival; undo keeps that too.
    let mut typed_on = merged.fields.clone();
    typed_on.body.push_str("five\n");
    assert_eq!(
        undo_arrival(&base, &latest, &typed_on).body,
        "one\ntwo\nthree\nfour, by Bob\nfive\n"
    );
}

#[test]
fn line_phrases_read_naturally() {
    assert_eq!(lines_phrase(&[7]), "line 7");
    assert_eq!(lines_phrase(&[7, 8, 9]), "lines 7–9");
    assert_eq!(lines_phrase(&[3, 7, 12]), "lines 3, 7 and 12");
    assert_eq!(lines_phrase(&[1, 3, 5, 7, 9]), "5 lines from line 1");
    assert_eq!(changed_lines("a\nb\nc\n", "a\nc\n"), vec![2]);
    assert_eq!(changed_lines("a\n", ""), vec![1]);
    assert_eq!(changed_lines("a\nb\n", "a\nB\nnew\n"), vec![2, 3]);
}

#[test]
fn a_selection_moves_with_its_words_in_utf16_units() {
    // The browser counts UTF-16 units: "🙂" is two of them and four bytes.
    let before = "🙂 alpha\nbeta gamma\n";
    let after = "🙂 alpha and more 🙂\nbeta gamma\n";
    let at = byte_to_utf16(before, before.find("gamma").unwrap());
    let mapped = map_selection(
        before,
        after,
        Selection {
            start: at,
            end: at + 5,
        },
    );
    let start = utf16_to_byte(after, mapped.start);
    let end = utf16_to_byte(after, mapped.end);
    assert_eq!(&after[start..end], "gamma");
    assert_eq!(utf16_to_byte("🙂x", 1), 4, "never inside a character");
    assert_eq!(utf16_to_byte("ab", 9), 2);
}

fn lines_of(text: &str) -> Vec<&str> {
    text.lines().collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    /// Every line I added stays; every line of the merged form comes from one of the three
    /// versions; where it merged cleanly, the arrival's own new lines are all in.
    #[test]
    fn an_arrival_keeps_mine_and_invents_nothing(
        theirs_edits in edits(), mine_edits in edits(), caret_line in 0usize..12,
    ) {
        let base: Vec<String> = (0..12).map(|i| format!("base line {i}")).collect();
        let theirs = apply(&base, &theirs_edits, 't', " by Ann");
        let mine = apply(&base, &mine_edits, 'm', " by Bob");
        let (base_f, theirs_f, mine_f) = (body(&text(&base)), body(&text(&theirs)), body(&text(&mine)));
        let merged = merge_arrival(&base_f, &base_f, &theirs_f, &mine_f);
        let out = lines_of(&merged.fields.body);
        for line in &mine {
            if line.starts_with('m') {
                prop_assert!(out.contains(&line.as_str()), "lost {line}");
            }
        }
        for line in &out {
            prop_assert!(base.iter().chain(&theirs).chain(&mine).any(|l| l == line));
        }
        // Nothing removed comes back: a base line I removed stays out, and so does one the
        // arrival removed, wherever it merged cleanly.
        for line in &base {
            if !mine.contains(line) || (merged.clash.is_none() && !theirs.contains(line)) {
                prop_assert!(!out.contains(&line.as_str()), "{line} came back");
            }
        }
        if merged.clash.is_none() {
            for line in &theirs {
                if line.starts_with('t') {
                    prop_assert!(out.contains(&line.as_str()), "missing {line}");
                }
            }
        }
        // A caret at the start of a line of mine that stayed lands on that line.
        if let Some(line) = mine.get(caret_line) {
            let before = text(&mine);
            let at = before.find(&format!("{line}\n")).unwrap();
            if out.contains(&line.as_str()) {
                let moved = map_selection(&before, &merged.fields.body, Selection {
                    start: byte_to_utf16(&before, at), end: byte_to_utf16(&before, at),
                });
                let to = utf16_to_byte(&merged.fields.body, moved.start);
                prop_assert!(merged.fields.body[to..].starts_with(line.as_str()));
            }
        }
        // Undoing the arrival never takes a line of mine away.
        let undone = undo_arrival(&base_f, &theirs_f, &merged.fields);
        for line in &mine {
            if line.starts_with('m') {
                prop_assert!(undone.body.lines().any(|l| l == line));
            }
        }
    }
}

#[test]
fn the_scroll_follows_lines_arriving_above_the_caret() {
    let before = "a\nb\nc\nd\n";
    let after = "a\nnew 1\nnew 2\nb\nc\nd\n";
    let field = FocusedField {
        id: "body".into(),
        start: 6,
        end: 6,
        scroll_top: 10,
        scroll_height: 100,
    };
    let moved = follow_caret(before, after, &field);
    assert_eq!(&after[moved.start as usize..], "d\n");
    // Five lines of 20 px each; two arrived above the caret.
    assert_eq!(moved.scroll_top, 50);
    assert_eq!(whose(&["Ann".into()], false), "Ann's");
    assert_eq!(whose(&["Ann".into()], true), "Your other tab's");
}
