//! Bringing an edit up to a newer revision ("reload and reapply", a restored draft, and
//! others' saves arriving while a person types): what they changed since the edit's base is
//! applied to the person's text wherever it does not touch what the person changed; where
//! both changed the same place, the person's text stays exactly as typed and the place is
//! listed, so it can be decided before a save could drop the other side's words.

use similar::{Algorithm, DiffOp};

use super::anchor::line_starts;

use super::{
    merge::{compare, Comparison, FieldState},
    resolve::{resolve, FieldResolution, HunkChoice},
    Fields,
};

/// An edit brought up to a newer revision.
#[derive(Debug, Clone, PartialEq)]
pub struct Rebased {
    /// The person's values on the new revision: every change of theirs that does not
    /// overlap the person's, and every change of the person's; in a clash, the person's.
    pub fields: Fields,
    /// The three-way comparison it came from: the clashes and their per-hunk choices.
    pub comparison: Comparison,
}

impl Rebased {
    /// Nothing left to decide.
    pub fn clean(&self) -> bool {
        self.comparison.merge.clean
    }

    /// How many places both changed (each a hunk to decide).
    pub fn clashes(&self) -> usize {
        self.comparison
            .fields
            .iter()
            .filter(|f| f.state == FieldState::BothConflict)
            .map(|f| f.hunks.len().max(1))
            .sum()
    }
}

/// Rebases `mine` (an edit of `base`) onto `theirs` (a newer revision of `base`).
pub fn rebase(base: &Fields, theirs: &Fields, mine: &Fields) -> Rebased {
    let comparison = compare(base, theirs, mine);
    let keep_mine = comparison
        .fields
        .iter()
        .filter(|f| f.state == FieldState::BothConflict)
        .map(|f| {
            (
                f.field,
                FieldResolution::all(HunkChoice::Mine, f.hunks.len()),
            )
        })
        .collect();
    // Mine in every clash decides every hunk and writes no markers: it cannot be refused.
    let fields = resolve(&comparison, &keep_mine).unwrap_or_else(|_| mine.clone());
    Rebased { fields, comparison }
}

/// Where a position (a byte offset at a character boundary) in `old` is in `new`: it moves
/// with the text around it. Inside a line that changed, it follows the characters of that
/// line that stayed; inside text that was removed, it goes to where the removal was.
pub fn map_offset(old: &str, new: &str, offset: usize) -> usize {
    let offset = offset.min(old.len());
    let old_lines: Vec<&str> = old.split_inclusive('\n').collect();
    let new_lines: Vec<&str> = new.split_inclusive('\n').collect();
    let ops = similar::capture_diff_slices(Algorithm::Myers, &old_lines, &new_lines);
    let (old_starts, new_starts) = (line_starts(&old_lines), line_starts(&new_lines));
    for op in ops {
        let (old_range, new_range) = (op.old_range(), op.new_range());
        let (from, to) = (old_starts[old_range.start], old_starts[old_range.end]);
        let inside = from <= offset && (offset < to || (offset == to && to == old.len()));
        if !inside {
            continue;
        }
        let into = offset - from;
        let new_from = new_starts[new_range.start];
        return match op {
            DiffOp::Equal { .. } => new_from + into,
            DiffOp::Delete { .. } => new_from,
            // Only at the very end: the person's caret stays before what was appended.
            DiffOp::Insert { .. } => new_from,
            DiffOp::Replace { .. } => {
                let old_text = &old[from..to];
                let new_text = &new[new_from..new_starts[new_range.end]];
                new_from + map_in_changed(old_text, new_text, into)
            }
        };
    }
    new.len()
}

/// Within a changed stretch of lines: follow the characters that stayed.
fn map_in_changed(old: &str, new: &str, offset: usize) -> usize {
    let diff = similar::TextDiff::configure()
        .algorithm(Algorithm::Myers)
        .diff_chars(old, new);
    let mut old_at = 0;
    let mut new_at = 0;
    for change in diff.iter_all_changes() {
        let len = change.value().len();
        match change.tag() {
            similar::ChangeTag::Equal => {
                if offset < old_at + len {
                    return new_at + (offset - old_at);
                }
                old_at += len;
                new_at += len;
            }
            similar::ChangeTag::Delete => {
                if offset < old_at + len {
                    return new_at;
                }
                old_at += len;
            }
            similar::ChangeTag::Insert => new_at += len,
        }
    }
    new_at.min(new.len())
}

#[cfg(test)]
#[path = "rebase_tests.rs"]
mod tests;
