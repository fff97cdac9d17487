//! How often concurrent edits conflict, with the line-level diff3 alone and with the merge
//! that goes word by word inside clashing lines; and what each merge costs.
//! Run: `cargo run --release -p app --example conflict_rates` (figures in docs/benchmarks.md).
//!
//! Each pair is two people's edits of one realistic document (prose, headings, lists),
//! generated from a seed. A pair is *disjoint* when the edits touch different words (and
//! insert nowhere near each other's change); then the ideal merge is known — both edits
//! applied — and any conflict is a false conflict, any other result a wrong merge.
//! *Overlapping* pairs change the same words (or insert at one place) and should conflict.

use std::time::{Duration, Instant};

use app::domain::merge::{merge_text, merge_text_by_lines, TextMerge};

const WORDS: &[&str] = &[
    "plan", "budget", "review", "quarter", "team", "draft", "launch", "notes", "risk", "owner",
    "the", "a", "for", "with", "and", "we", "will", "by", "next", "week", "customer", "report",
    "ship", "test", "design", "meeting", "agreed", "scope", "deadline", "update",
];

/// A small deterministic generator (no dependency needed for a benchmark's dice).
struct Dice(u64);

impl Dice {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn word(&mut self) -> String {
        WORDS[self.below(WORDS.len())].to_owned()
    }

    fn sentence(&mut self, words: usize) -> String {
        let mut text: Vec<String> = (0..words).map(|_| self.word()).collect();
        text[0] = capitalised(&text[0]);
        format!("{}.", text.join(" "))
    }
}

fn capitalised(word: &str) -> String {
    let mut chars = word.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().collect::<String>() + chars.as_str())
        .unwrap_or_default()
}

/// A document of about `bytes`: sections with a heading, paragraphs of one long sentence
/// per line, and a bulleted list.
fn document(bytes: usize, dice: &mut Dice) -> Vec<String> {
    let mut lines = Vec::new();
    let mut size = 0;
    let mut section = 0;
    while size < bytes {
        section += 1;
        let mut block = vec![format!("## Section {section}"), String::new()];
        for _ in 0..4 {
            let words = 8 + dice.below(10);
            block.push(dice.sentence(words));
        }
        block.push(String::new());
        for _ in 0..4 {
            block.push(format!("- {} {}", dice.word(), dice.word()));
        }
        block.push(String::new());
        size += block.iter().map(|l| l.len() + 1).sum::<usize>();
        lines.extend(block);
    }
    lines
}

#[derive(Clone, Debug)]
enum Edit {
    ReplaceWord {
        line: usize,
        word: usize,
        with: String,
    },
    InsertWord {
        line: usize,
        before: usize,
        with: String,
    },
    RewriteLine {
        line: usize,
        with: String,
    },
    InsertLine {
        at: usize,
        with: String,
    },
    DeleteLine {
        line: usize,
    },
}

impl Edit {
    fn line(&self) -> usize {
        match self {
            Edit::ReplaceWord { line, .. }
            | Edit::InsertWord { line, .. }
            | Edit::RewriteLine { line, .. }
            | Edit::DeleteLine { line } => *line,
            Edit::InsertLine { at, .. } => *at,
        }
    }

    /// Within a line, the word position it applies at (for ordering two edits).
    fn word(&self) -> usize {
        match self {
            Edit::ReplaceWord { word, .. } => *word,
            Edit::InsertWord { before, .. } => *before,
            _ => 0,
        }
    }

    /// Applies the edit in place; line and word indices are of the original text.
    fn apply(&self, lines: &mut Vec<String>) {
        match self {
            Edit::ReplaceWord { line, word, with } => {
                let mut words: Vec<String> = lines[*line].split(' ').map(str::to_owned).collect();
                words[*word] = with.clone();
                lines[*line] = words.join(" ");
            }
            Edit::InsertWord { line, before, with } => {
                let mut words: Vec<String> = lines[*line].split(' ').map(str::to_owned).collect();
                words.insert(*before, with.clone());
                lines[*line] = words.join(" ");
            }
            Edit::RewriteLine { line, with } => lines[*line] = with.clone(),
            Edit::InsertLine { at, with } => lines.insert(*at, with.clone()),
            Edit::DeleteLine { line } => {
                lines.remove(*line);
            }
        }
    }
}

fn text(lines: &[String]) -> String {
    lines.iter().map(|l| format!("{l}\n")).collect()
}

fn applied(base: &[String], edits: &[&Edit]) -> String {
    let mut lines = base.to_vec();
    // Last position first, so earlier indices stay true; on one line an edit before an
    // insertion of a new line there (the insertion goes above it).
    let mut order = edits.to_vec();
    order.sort_by_key(|e| {
        let inserts_line = matches!(e, Edit::InsertLine { .. });
        std::cmp::Reverse((e.line(), !inserts_line, e.word()))
    });
    for edit in order {
        edit.apply(&mut lines);
    }
    text(&lines)
}

/// The kinds of concurrent edit pairs people make.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Kind {
    DifferentWordsOneLine,
    WordAndInsertedWordOneLine,
    NeighbouringLines,
    LinesFarApart,
    ListItemsDifferentPlaces,
    SentenceRewriteAndWordOneLine,
    SameWordDifferently,
    ListItemsSamePlace,
    DeletedLineAndChangeInIt,
}

const KINDS: [Kind; 9] = [
    Kind::DifferentWordsOneLine,
    Kind::WordAndInsertedWordOneLine,
    Kind::NeighbouringLines,
    Kind::LinesFarApart,
    Kind::ListItemsDifferentPlaces,
    Kind::SentenceRewriteAndWordOneLine,
    Kind::SameWordDifferently,
    Kind::ListItemsSamePlace,
    Kind::DeletedLineAndChangeInIt,
];

impl Kind {
    fn label(self) -> &'static str {
        match self {
            Kind::DifferentWordsOneLine => "different words, one line",
            Kind::WordAndInsertedWordOneLine => "word changed + word inserted, one line",
            Kind::NeighbouringLines => "neighbouring lines",
            Kind::LinesFarApart => "lines far apart (incl. inserted/deleted)",
            Kind::ListItemsDifferentPlaces => "list items added in different places",
            Kind::SentenceRewriteAndWordOneLine => "sentence rewritten + word in it changed",
            Kind::SameWordDifferently => "same word changed differently",
            Kind::ListItemsSamePlace => "list items added at the same place",
            Kind::DeletedLineAndChangeInIt => "line deleted + changed",
        }
    }

    fn disjoint(self) -> bool {
        matches!(
            self,
            Kind::DifferentWordsOneLine
                | Kind::WordAndInsertedWordOneLine
                | Kind::NeighbouringLines
                | Kind::LinesFarApart
                | Kind::ListItemsDifferentPlaces
        )
    }
}

fn sentence_lines(lines: &[String]) -> Vec<usize> {
    (0..lines.len())
        .filter(|&i| lines[i].split(' ').count() >= 8 && !lines[i].starts_with(['#', '-']))
        .collect()
}

fn list_ends(lines: &[String]) -> Vec<usize> {
    (1..lines.len())
        .filter(|&i| lines[i - 1].starts_with("- ") && !lines[i].starts_with("- "))
        .collect()
}

/// A different word than the one there (so a replacement always changes something).
fn other_word(dice: &mut Dice, than: &str) -> String {
    loop {
        let word = dice.word();
        if word != than.trim_end_matches('.') && word != than {
            return word;
        }
    }
}

fn any_line_edit(dice: &mut Dice, lines: &[String], line: usize) -> Edit {
    let words = lines[line].split(' ').count();
    match dice.below(4) {
        0 if words > 1 => {
            let word = dice.below(words - 1);
            let current = lines[line].split(' ').nth(word).unwrap_or("");
            Edit::ReplaceWord {
                line,
                word,
                with: other_word(dice, current),
            }
        }
        1 => Edit::RewriteLine {
            line,
            with: dice.sentence(9),
        },
        2 => Edit::DeleteLine { line },
        _ => Edit::InsertWord {
            line,
            before: dice.below(words),
            with: dice.word(),
        },
    }
}

fn pair(kind: Kind, lines: &[String], dice: &mut Dice) -> (Edit, Edit) {
    let sentences = sentence_lines(lines);
    let line = sentences[dice.below(sentences.len())];
    let words = lines[line].split(' ').count();
    let word_at = |w: usize| lines[line].split(' ').nth(w).unwrap_or("").to_owned();
    match kind {
        Kind::DifferentWordsOneLine => {
            let a = dice.below(words - 3);
            let b = a + 2 + dice.below(words - a - 2);
            (
                Edit::ReplaceWord {
                    line,
                    word: a,
                    with: other_word(dice, &word_at(a)),
                },
                Edit::ReplaceWord {
                    line,
                    word: b,
                    with: other_word(dice, &word_at(b)),
                },
            )
        }
        Kind::WordAndInsertedWordOneLine => {
            let a = dice.below(words - 3);
            let before = a + 2 + dice.below(words - a - 2);
            (
                Edit::ReplaceWord {
                    line,
                    word: a,
                    with: other_word(dice, &word_at(a)),
                },
                Edit::InsertWord {
                    line,
                    before,
                    with: dice.word(),
                },
            )
        }
        Kind::NeighbouringLines => {
            // A sentence line is never the last: a list follows every paragraph.
            let next = line + 1;
            (
                any_line_edit(dice, lines, line),
                any_line_edit(dice, lines, next),
            )
        }
        Kind::LinesFarApart => {
            let far = (line + lines.len() / 2) % lines.len();
            let first = match dice.below(2) {
                0 => Edit::InsertLine {
                    at: far.max(1),
                    with: dice.sentence(7),
                },
                _ => any_line_edit(dice, lines, far),
            };
            (first, any_line_edit(dice, lines, line))
        }
        Kind::ListItemsDifferentPlaces => {
            let ends = list_ends(lines);
            let a = ends[dice.below(ends.len())];
            let b = a - 2; // inside the same list, two items above its end
            (
                Edit::InsertLine {
                    at: a,
                    with: format!("- {} (added)", dice.word()),
                },
                Edit::InsertLine {
                    at: b,
                    with: format!("- {} (also added)", dice.word()),
                },
            )
        }
        Kind::SentenceRewriteAndWordOneLine => {
            let w = dice.below(words - 1);
            (
                Edit::RewriteLine {
                    line,
                    with: dice.sentence(10),
                },
                Edit::ReplaceWord {
                    line,
                    word: w,
                    with: format!("{}!", dice.word()),
                },
            )
        }
        Kind::SameWordDifferently => {
            let w = dice.below(words - 1);
            (
                Edit::ReplaceWord {
                    line,
                    word: w,
                    with: "ours".into(),
                },
                Edit::ReplaceWord {
                    line,
                    word: w,
                    with: "yours".into(),
                },
            )
        }
        Kind::ListItemsSamePlace => {
            let ends = list_ends(lines);
            let at = ends[dice.below(ends.len())];
            (
                Edit::InsertLine {
                    at,
                    with: "- first idea".into(),
                },
                Edit::InsertLine {
                    at,
                    with: "- second idea".into(),
                },
            )
        }
        Kind::DeletedLineAndChangeInIt => {
            let w = dice.below(words - 1);
            (
                Edit::DeleteLine { line },
                Edit::ReplaceWord {
                    line,
                    word: w,
                    with: "changed".into(),
                },
            )
        }
    }
}

#[derive(Default)]
struct Tally {
    pairs: usize,
    clean: [usize; 2],
    wrong: [usize; 2],
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

fn ms(d: Duration) -> String {
    format!("{:.3}", d.as_secs_f64() * 1000.0)
}

type Merge = fn(&str, &str, &str) -> TextMerge;
const MERGES: [(&str, Merge); 2] = [("lines", merge_text_by_lines), ("words", merge_text)];

fn main() {
    let mut dice = Dice(20261126);
    let pairs_per_kind = 300;
    let base_lines = document(8 * 1024, &mut dice);
    let base = text(&base_lines);

    println!("Conflict rates: {pairs_per_kind} pairs of each kind on an 8 KiB document");
    println!(
        "{:<56} {:>6} {:>12} {:>12} {:>8} {:>8}",
        "kind", "pairs", "clean lines", "clean words", "wrong l", "wrong w"
    );
    let mut totals = [Tally::default(), Tally::default()]; // disjoint, overlapping
    for kind in KINDS {
        let mut tally = Tally::default();
        for _ in 0..pairs_per_kind {
            let (theirs_edit, mine_edit) = pair(kind, &base_lines, &mut dice);
            let theirs = applied(&base_lines, &[&theirs_edit]);
            let mine = applied(&base_lines, &[&mine_edit]);
            let ideal = applied(&base_lines, &[&theirs_edit, &mine_edit]);
            tally.pairs += 1;
            for (m, (_, merge)) in MERGES.iter().enumerate() {
                if let TextMerge::Clean(merged) = merge(&base, &theirs, &mine) {
                    tally.clean[m] += 1;
                    // A clean merge of a disjoint pair must be exactly both edits. An
                    // overlapping pair can merge only where a rewrite kept, in place, the
                    // very word the other side changed: by the rule those are different
                    // words, and the merge is the rewrite with that word changed.
                    let right = !kind.disjoint() || merged == ideal;
                    if !right {
                        tally.wrong[m] += 1;
                    }
                }
            }
        }
        let share = |n: usize| format!("{:.1} %", 100.0 * n as f64 / tally.pairs as f64);
        println!(
            "{:<56} {:>6} {:>12} {:>12} {:>8} {:>8}",
            format!(
                "{} ({})",
                kind.label(),
                if kind.disjoint() {
                    "disjoint"
                } else {
                    "overlap"
                }
            ),
            tally.pairs,
            share(tally.clean[0]),
            share(tally.clean[1]),
            tally.wrong[0],
            tally.wrong[1]
        );
        let total = &mut totals[usize::from(!kind.disjoint())];
        total.pairs += tally.pairs;
        for m in 0..2 {
            total.clean[m] += tally.clean[m];
            total.wrong[m] += tally.wrong[m];
        }
    }
    let [disjoint, overlapping] = &totals;
    let rate = |n: usize, of: usize| format!("{:.1} %", 100.0 * n as f64 / of as f64);
    println!();
    for (m, (name, _)) in MERGES.iter().enumerate() {
        println!(
            "{name:>5}: disjoint pairs clean {} — false conflicts {} ({}); overlapping pairs clean {}; wrong merges {}",
            rate(disjoint.clean[m], disjoint.pairs),
            disjoint.pairs - disjoint.clean[m],
            rate(disjoint.pairs - disjoint.clean[m], disjoint.pairs),
            rate(overlapping.clean[m], overlapping.pairs),
            disjoint.wrong[m] + overlapping.wrong[m],
        );
    }

    println!();
    println!("Merge time over a mix of every kind (ms)");
    println!(
        "{:<8} {:>6} {:>26} {:>26} {:>8}",
        "size", "pairs", "lines p50/p90/p99", "words p50/p90/p99", "p50 ×"
    );
    for (label, bytes, pairs) in [
        ("1 KiB", 1024, 2000),
        ("100 KiB", 100 * 1024, 300),
        ("1 MiB", 1024 * 1024, 40),
    ] {
        let lines = document(bytes, &mut dice);
        let base = text(&lines);
        let cases: Vec<(String, String)> = (0..pairs)
            .map(|i| {
                let (a, b) = pair(KINDS[i % KINDS.len()], &lines, &mut dice);
                (applied(&lines, &[&a]), applied(&lines, &[&b]))
            })
            .collect();
        let mut times: Vec<Vec<Duration>> = vec![Vec::new(), Vec::new()];
        for (theirs, mine) in &cases {
            for (m, (_, merge)) in MERGES.iter().enumerate() {
                let start = Instant::now();
                std::hint::black_box(merge(&base, theirs, mine));
                times[m].push(start.elapsed());
            }
        }
        for t in &mut times {
            t.sort();
        }
        let row = |t: &[Duration]| {
            format!(
                "{} / {} / {}",
                ms(percentile(t, 0.5)),
                ms(percentile(t, 0.9)),
                ms(percentile(t, 0.99))
            )
        };
        println!(
            "{:<8} {:>6} {:>26} {:>26} {:>8.2}",
            label,
            pairs,
            row(&times[0]),
            row(&times[1]),
            percentile(&times[1], 0.5).as_secs_f64() / percentile(&times[0], 0.5).as_secs_f64()
        );
    }
}
