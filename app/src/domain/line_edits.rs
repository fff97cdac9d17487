//! Random line edits for the property tests of the merge laws (resolving and rebasing):
//! each side replaces, deletes or inserts after base lines, and names every new line after
//! the side and the base line it came from, so every line of all three versions is unique.

use proptest::prelude::*;

/// What one side does to one base line.
#[derive(Debug, Clone, Copy)]
pub enum Edit {
    Keep,
    Replace,
    Delete,
    InsertAfter,
}

/// One edit per base line, for up to 12 lines.
pub fn edits() -> impl Strategy<Value = Vec<Edit>> {
    prop::collection::vec(
        prop_oneof![
            3 => Just(Edit::Keep),
            1 => Just(Edit::Replace),
            1 => Just(Edit::Delete),
            1 => Just(Edit::InsertAfter),
        ],
        12,
    )
}

/// Applies per-line edits to `base`: a new line is `{side}{i}{words}` (replacing base line
/// `i`) or `{side}{i}+{words}` (inserted after it).
pub fn apply(base: &[String], edits: &[Edit], side: char, words: &str) -> Vec<String> {
    let mut out = Vec::new();
    for (i, line) in base.iter().enumerate() {
        match edits[i] {
            Edit::Keep => out.push(line.clone()),
            Edit::Replace => out.push(format!("{side}{i}{words}")),
            Edit::Delete => {}
            Edit::InsertAfter => {
                out.push(line.clone());
                out.push(format!("{side}{i}+{words}"));
            }
        }
    }
    out
}

/// The lines as a text, each ending in a line break.
pub fn text(lines: &[String]) -> String {
    lines.iter().map(|l| format!("{l}\n")).collect()
}
