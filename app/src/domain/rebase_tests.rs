use proptest::prelude::*;

use super::*;
use crate::domain::line_edits::{apply, edits, text};

fn fields(body: &str) -> Fields {
    Fields {
        title: "Plan".into(),
        slug: "plan".into(),
        tags: Vec::new(),
        body: body.into(),
    }
}

#[test]
fn their_change_elsewhere_comes_in_and_mine_stays() {
    let base = fields("one\ntwo\nthree\nfour\n");
    let theirs = fields("one, by Ann\ntwo\nthree\nfour\n");
    let mine = fields("one\ntwo\nthree\nfour, by Bob\n");
    let rebased = rebase(&base, &theirs, &mine);
    assert!(rebased.clean());
    assert_eq!(
        rebased.fields.body,
        "one, by Ann\ntwo\nthree\nfour, by Bob\n"
    );
}

#[test]
fn in_a_clash_my_text_stays_as_typed_and_the_place_is_counted() {
    let base = fields("one\ntwo\nthree\n");
    let theirs = fields("one, by Ann\ntwo\nthree, by Ann\n");
    let mine = fields("one, by Bob\ntwo\nthree\n");
    let rebased = rebase(&base, &theirs, &mine);
    assert!(!rebased.clean());
    assert_eq!(rebased.clashes(), 1);
    assert_eq!(rebased.fields.body, "one, by Bob\ntwo\nthree, by Ann\n");
}

#[test]
fn a_caret_moves_with_its_words() {
    let old = "alpha\nbeta gamma\ndelta\n";
    // Their line before mine grew; my caret sits before "gamma".
    let new = "alpha and more\nbeta gamma\ndelta\n";
    let caret = old.find("gamma").unwrap();
    assert_eq!(map_offset(old, new, caret), new.find("gamma").unwrap());
    // Within a line that changed around it, it follows the characters that stayed.
    let new = "alpha\nbeta, then gamma\ndelta\n";
    assert_eq!(map_offset(old, new, caret), new.find("gamma").unwrap());
    // Inside text that went away, it goes to where it was.
    let new = "alpha\ndelta\n";
    assert_eq!(map_offset(old, new, caret), new.find("delta").unwrap());
    // At the very end it stays at the end of what was there.
    assert_eq!(
        map_offset(old, "alpha\nbeta gamma\ndelta\nepsilon\n", old.len()),
        old.len()
    );
    assert_eq!(map_offset("", "new text", 0), 0);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    /// For any base, theirs and mine: every change of mine is kept, every change of theirs
    /// that does not overlap mine is in, nothing removed comes back, nothing is invented,
    /// and a caret in a line I wrote stays in that line.
    #[test]
    fn a_rebase_keeps_every_change_of_mine_and_every_clean_change_of_theirs(
        len in 1usize..12,
        theirs_edits in edits(),
        mine_edits in edits(),
        caret_pick in any::<prop::sample::Index>(),
    ) {
        let base: Vec<String> = (0..len).map(|i| format!("b{i} base words")).collect();
        let (t, m) = (apply(&base, &theirs_edits, 't', " words"), apply(&base, &mine_edits, 'm', " words"));
        let (b, t, m) = (text(&base), text(&t), text(&m));
        let rebased = rebase(&fields(&b), &fields(&t), &fields(&m));
        let result = rebased.fields.body.clone();
        let lines: Vec<&str> = result.lines().collect();
        let body = rebased.comparison.field(crate::domain::Field::Body);
        let in_clash = |line: &str| body.hunks.iter().any(|h| h.theirs.lines().any(|l| l == line) || h.base.lines().any(|l| l == line));

        for line in m.lines().filter(|l| l.starts_with('m')) {
            prop_assert!(lines.contains(&line), "my {line} lost: {result:?}");
        }
        for line in t.lines().filter(|l| l.starts_with('t')) {
            prop_assert!(in_clash(line) || lines.contains(&line), "their {line} lost: {result:?}");
        }
        for line in b.lines() {
            let removed = !t.lines().any(|l| l == line) || !m.lines().any(|l| l == line);
            if removed && !in_clash(line) {
                prop_assert!(!lines.contains(&line), "removed {line} is back: {result:?}");
            }
        }
        for line in &lines {
            prop_assert!(b.lines().chain(t.lines()).chain(m.lines()).any(|l| l == *line), "{line} invented");
        }
        prop_assert_eq!(rebased.clean(), body.state != FieldState::BothConflict);

        // A caret at a word of a line I wrote is at the same word afterwards.
        let mine_lines: Vec<&str> = m.lines().filter(|l| l.starts_with('m')).collect();
        if !mine_lines.is_empty() {
            let line = mine_lines[caret_pick.index(mine_lines.len())];
            let word = line.find("words").unwrap();
            let caret = m.find(line).unwrap() + word;
            let mapped = map_offset(&m, &result, caret);
            let (before, after) = line.split_at(word);
            prop_assert!(
                result[..mapped].ends_with(before) && result[mapped..].starts_with(after),
                "caret in {line:?} went to {:?}", &result[mapped..]
            );
        }
    }
}
