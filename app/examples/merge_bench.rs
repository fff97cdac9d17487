//! Times the three-way merge and the inline diff on large bodies.
//! Run: `cargo run --release -p app --example merge_bench` (figures in docs/benchmarks.md).

use std::time::{Duration, Instant};

use app::domain::{
    diff::inline_diff,
    merge::{compare, merge_text, TextMerge},
    Fields,
};

/// A body of about `bytes` bytes: numbered lines of words, like a long document.
fn body(bytes: usize, seed: u64) -> String {
    let words = [
        "plan", "budget", "review", "quarter", "team", "draft", "launch", "notes", "risk", "owner",
    ];
    let mut state = seed;
    let mut text = String::new();
    let mut line = 0;
    while text.len() < bytes {
        line += 1;
        text.push_str(&format!("{line}."));
        for _ in 0..8 {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            text.push(' ');
            text.push_str(words[(state >> 33) as usize % words.len()]);
        }
        text.push('\n');
    }
    text
}

/// Rewrites every `step`-th line starting at `from`, as an editor would.
fn edit(text: &str, from: usize, step: usize, tag: &str) -> String {
    text.lines()
        .enumerate()
        .map(|(i, line)| {
            if i >= from && (i - from).is_multiple_of(step) {
                format!("{line} [{tag}]\n")
            } else {
                format!("{line}\n")
            }
        })
        .collect()
}

fn median(mut runs: Vec<Duration>) -> Duration {
    runs.sort();
    runs[runs.len() / 2]
}

fn time<T>(runs: usize, mut f: impl FnMut() -> T) -> Duration {
    median(
        (0..runs)
            .map(|_| {
                let start = Instant::now();
                std::hint::black_box(f());
                start.elapsed()
            })
            .collect(),
    )
}

fn main() {
    println!("{:<44} {:>10} {:>12}", "case", "size", "median");
    for (label, size) in [("100 KiB", 100 * 1024), ("1 MiB", 1024 * 1024)] {
        let base = body(size, 7);
        let theirs = edit(&base, 0, 40, "theirs");
        let mine = edit(&base, 20, 40, "mine");
        let clashing = edit(&base, 0, 40, "mine");
        let unrelated = body(size, 99);
        let fields = |body: &str| Fields {
            title: "T".into(),
            slug: "t".into(),
            tags: vec![],
            body: body.into(),
        };

        let merged = time(5, || merge_text(&base, &theirs, &mine));
        assert!(matches!(
            merge_text(&base, &theirs, &mine),
            TextMerge::Clean(_)
        ));
        println!(
            "{:<44} {:>10} {:>12.2?}",
            "merge, disjoint edits every 20 lines", label, merged
        );
        let conflict = time(5, || merge_text(&base, &theirs, &clashing));
        println!(
            "{:<44} {:>10} {:>12.2?}",
            "merge, same lines edited on both sides", label, conflict
        );
        let rewrite = time(3, || merge_text(&base, &unrelated, &mine));
        println!(
            "{:<44} {:>10} {:>12.2?}",
            "merge, theirs rewrote everything", label, rewrite
        );
        let whole = time(5, || {
            compare(&fields(&base), &fields(&theirs), &fields(&mine))
        });
        println!(
            "{:<44} {:>10} {:>12.2?}",
            "compare all fields (stale-revision body)", label, whole
        );
        let words = time(3, || inline_diff(&base, &mine));
        println!(
            "{:<44} {:>10} {:>12.2?}",
            "inline diff for display", label, words
        );
    }
}
