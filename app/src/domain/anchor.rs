//! Where a comment's passage is, and where it goes when the text changes (issue 23).
//!
//! An anchor follows its passage through every save: while nothing inside the passage was
//! changed, it moves with the text around it and still covers exactly the same words. When
//! the passage itself was edited, it is found again only by what stayed certain: the same
//! words with the same text on both sides (moved, unchanged), or the text on both sides of
//! it (the words between were edited: "changed"). Anything less and it is detached, keeping
//! its words: a thread is never put on a passage that merely looks like its own.

use std::ops::Range;

use serde::{Deserialize, Serialize};
use similar::{Algorithm, DiffOp};

/// How much text on each side of a passage is kept to find it again, in characters.
pub const CONTEXT_CHARS: usize = 32;

/// How an anchor stands against the current text.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AnchorState {
    /// Covers the very words it was made on.
    Intact,
    /// The words between its unchanged surroundings were edited since.
    Changed,
    /// Its passage is gone, or cannot be told apart with certainty.
    Detached,
}

/// A passage of a text: where it is (byte offsets at character boundaries), the words it
/// covers now and the text around them.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Anchor {
    pub start: usize,
    pub end: usize,
    /// The text between `start` and `end` (for a detached anchor, the last words it had).
    pub text: String,
    pub before: String,
    pub after: String,
    pub state: AnchorState,
}

/// Why a passage cannot be anchored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AnchorError {
    /// Nothing is selected.
    Empty,
    /// It reaches past the end of the text, or starts after it ends.
    OutOfRange,
    /// An offset falls inside a character.
    NotABoundary,
}

impl Anchor {
    /// The passage `range` of `text`.
    pub fn new(text: &str, range: Range<usize>) -> Result<Anchor, AnchorError> {
        if range.start > range.end || range.end > text.len() {
            return Err(AnchorError::OutOfRange);
        }
        if range.is_empty() {
            return Err(AnchorError::Empty);
        }
        if !text.is_char_boundary(range.start) || !text.is_char_boundary(range.end) {
            return Err(AnchorError::NotABoundary);
        }
        Ok(Anchor::at(text, range, AnchorState::Intact))
    }

    fn at(text: &str, range: Range<usize>, state: AnchorState) -> Anchor {
        Anchor {
            before: context_before(text, range.start).to_owned(),
            after: context_after(text, range.end).to_owned(),
            text: text[range.clone()].to_owned(),
            start: range.start,
            end: range.end,
            state,
        }
    }

    /// Where this anchor's passage is in `new`, the text `edits` lead to.
    pub fn follow(&self, edits: &Edits, new: &str) -> Anchor {
        if self.state == AnchorState::Detached {
            return self.clone();
        }
        if let Some(moved) = edits.untouched(self.start..self.end) {
            return Anchor::at(new, moved, self.state);
        }
        let near = edits.map(self.start);
        if let Some(found) = self.unchanged_in(new, near) {
            return Anchor::at(new, found, self.state);
        }
        match self.between_surroundings(new, near) {
            Some(range) => Anchor::at(new, range, AnchorState::Changed),
            None => Anchor {
                state: AnchorState::Detached,
                ..self.clone()
            },
        }
    }

    /// The same words with the same text on both sides, nearest to `near`.
    fn unchanged_in(&self, new: &str, near: usize) -> Option<Range<usize>> {
        let whole = format!("{}{}{}", self.before, self.text, self.after);
        new.match_indices(whole.as_str())
            .map(|(at, _)| at + self.before.len())
            .filter(|&start| self.edges_hold(new, start, start + self.text.len()))
            .min_by_key(|&start| start.abs_diff(near))
            .map(|start| start..start + self.text.len())
    }

    /// The stretch between this passage's unchanged surroundings, nearest to `near`: what
    /// the passage became. None when either side is gone, or the passage was removed.
    fn between_surroundings(&self, new: &str, near: usize) -> Option<Range<usize>> {
        // A side that is the start or end of the text is found only there.
        let starts: Vec<usize> = if self.before.is_empty() {
            vec![0]
        } else {
            new.match_indices(self.before.as_str())
                .map(|(at, _)| at + self.before.len())
                .collect()
        };
        let ends: Vec<usize> = if self.after.is_empty() {
            vec![new.len()]
        } else {
            new.match_indices(self.after.as_str())
                .map(|(at, _)| at)
                .collect()
        };
        // The edited passage may have grown, but not without bound: beyond that the two
        // sides are far apart and not one place.
        let reach = self
            .text
            .len()
            .saturating_mul(4)
            .max(self.text.len() + 2048);
        let mut best: Option<Range<usize>> = None;
        for &start in &starts {
            // The first end after this start: any later one would span another copy.
            let Some(&end) = ends.iter().find(|&&end| end >= start) else {
                continue;
            };
            if end == start || end - start > reach || !self.edges_hold(new, start, end) {
                continue;
            }
            let closer = best
                .as_ref()
                .is_none_or(|b| start.abs_diff(near) < b.start.abs_diff(near));
            if closer {
                best = Some(start..end);
            }
        }
        best
    }

    /// A context shorter than `CONTEXT_CHARS` ran to the start or end of the text, so it
    /// must still do so.
    fn edges_hold(&self, new: &str, start: usize, end: usize) -> bool {
        let at_start = self.before.chars().count() < CONTEXT_CHARS;
        let at_end = self.after.chars().count() < CONTEXT_CHARS;
        (!at_start || start == self.before.len())
            && (!at_end || end + self.after.len() == new.len())
    }
}

/// Where the `occurrence`-th appearance (0 the first) of `quote` is in `text`, in bytes: how
/// a page showing the text rendered, not its markdown, names the passage selected there.
pub fn locate(text: &str, quote: &str, occurrence: usize) -> Option<Range<usize>> {
    if quote.is_empty() {
        return None;
    }
    let (at, found) = text.match_indices(quote).nth(occurrence)?;
    Some(at..at + found.len())
}

/// The byte offset of the character numbered `chars` (from 0) in `text`, or its length
/// right after the last one; None beyond that. The API counts characters, the store bytes.
pub fn byte_at(text: &str, chars: usize) -> Option<usize> {
    if chars == 0 {
        return Some(0);
    }
    match text.char_indices().nth(chars) {
        Some((at, _)) => Some(at),
        None => (text.chars().count() == chars).then_some(text.len()),
    }
}

/// How many characters come before each byte offset (each at a character boundary), in
/// one pass over the text however many offsets are asked about.
pub fn chars_before(text: &str, offsets: &[usize]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..offsets.len()).collect();
    order.sort_by_key(|&i| offsets[i]);
    let mut counts = vec![0; offsets.len()];
    let total = text.chars().count();
    let mut chars = text.char_indices().enumerate().peekable();
    for i in order {
        while chars.next_if(|(_, (at, _))| *at < offsets[i]).is_some() {}
        counts[i] = chars.peek().map_or(total, |(n, _)| *n);
    }
    counts
}

/// The byte offset of each character offset of `text` (its length past the end): the
/// inverse of `chars_before`.
pub fn bytes_at(text: &str, chars: &[usize]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..chars.len()).collect();
    order.sort_by_key(|&i| chars[i]);
    let mut bytes = vec![text.len(); chars.len()];
    let mut walk = text.char_indices().map(|(at, _)| at).enumerate().peekable();
    for i in order {
        while walk.next_if(|(n, _)| *n < chars[i]).is_some() {}
        if let Some((_, at)) = walk.peek() {
            bytes[i] = *at;
        }
    }
    bytes
}

fn context_before(text: &str, at: usize) -> &str {
    let from = text[..at]
        .char_indices()
        .rev()
        .nth(CONTEXT_CHARS - 1)
        .map_or(0, |(i, _)| i);
    &text[from..at]
}

fn context_after(text: &str, at: usize) -> &str {
    let to = text[at..]
        .char_indices()
        .nth(CONTEXT_CHARS)
        .map_or(text.len(), |(i, _)| at + i);
    &text[at..to]
}

/// What stayed between two texts: each unchanged stretch of the old text (byte range) with
/// where it starts in the new one, in order. Computed once per save, used for every anchor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edits {
    kept: Vec<(Range<usize>, usize)>,
    old_len: usize,
    new_len: usize,
}

impl Edits {
    /// Lines first (fast on large texts), then the words within each stretch of changed
    /// lines, so a passage beside an edit on the same line stays untouched.
    pub fn between(old: &str, new: &str) -> Edits {
        let mut kept = Vec::new();
        let old_lines: Vec<&str> = old.split_inclusive('\n').collect();
        let new_lines: Vec<&str> = new.split_inclusive('\n').collect();
        let (old_starts, new_starts) = (line_starts(&old_lines), line_starts(&new_lines));
        let ops = similar::capture_diff_slices(Algorithm::Myers, &old_lines, &new_lines);
        for op in ops {
            let (o, n) = (op.old_range(), op.new_range());
            let (old_from, old_to) = (old_starts[o.start], old_starts[o.end]);
            let (new_from, new_to) = (new_starts[n.start], new_starts[n.end]);
            match op {
                DiffOp::Equal { .. } => push(&mut kept, old_from..old_to, new_from),
                DiffOp::Replace { .. } => words_kept(
                    &old[old_from..old_to],
                    &new[new_from..new_to],
                    |range, at| {
                        push(
                            &mut kept,
                            old_from + range.start..old_from + range.end,
                            new_from + at,
                        )
                    },
                ),
                DiffOp::Delete { .. } | DiffOp::Insert { .. } => {}
            }
        }
        Edits {
            kept,
            old_len: old.len(),
            new_len: new.len(),
        }
    }

    /// Where `range` of the old text is in the new one, if nothing in it changed and
    /// nothing was put inside it.
    pub fn untouched(&self, range: Range<usize>) -> Option<Range<usize>> {
        let i = self.kept.partition_point(|(kept, _)| kept.end < range.end);
        let (kept, at) = self.kept.get(i)?;
        (kept.start <= range.start && range.end <= kept.end).then(|| {
            let start = at + (range.start - kept.start);
            start..start + range.len()
        })
    }

    /// Where an old position is in the new text: with the text it is in if that stayed,
    /// else where the nearest unchanged text before it went.
    pub fn map(&self, offset: usize) -> usize {
        let i = self.kept.partition_point(|(kept, _)| kept.start <= offset);
        if i == 0 {
            return 0;
        }
        let (kept, at) = &self.kept[i - 1];
        let into = (offset - kept.start).min(kept.len());
        (at + into).min(self.new_len)
    }

    /// The length of the old text these edits start from.
    pub fn old_len(&self) -> usize {
        self.old_len
    }
}

/// Joins a stretch to the previous one when they touch in both texts.
fn push(kept: &mut Vec<(Range<usize>, usize)>, range: Range<usize>, at: usize) {
    if range.is_empty() {
        return;
    }
    if let Some((last, last_at)) = kept.last_mut() {
        if last.end == range.start && *last_at + last.len() == at {
            last.end = range.end;
            return;
        }
    }
    kept.push((range, at));
}

/// Where each line starts, and the end of the last one.
pub(crate) fn line_starts(lines: &[&str]) -> Vec<usize> {
    let mut at = 0;
    let mut starts = Vec::with_capacity(lines.len() + 1);
    for line in lines {
        starts.push(at);
        at += line.len();
    }
    starts.push(at);
    starts
}

/// The unchanged words of a changed stretch: each as a range of `old` and where it starts
/// in `new`.
fn words_kept(old: &str, new: &str, mut each: impl FnMut(Range<usize>, usize)) {
    let mut config = similar::TextDiff::configure();
    config.algorithm(Algorithm::Myers);
    if let Some(deadline) = super::merge::deadline() {
        config.deadline(deadline);
    }
    let diff = config.diff_words(old, new);
    let (mut old_at, mut new_at) = (0, 0);
    for change in diff.iter_all_changes() {
        let len = change.value().len();
        match change.tag() {
            similar::ChangeTag::Equal => {
                each(old_at..old_at + len, new_at);
                old_at += len;
                new_at += len;
            }
            similar::ChangeTag::Delete => old_at += len,
            similar::ChangeTag::Insert => new_at += len,
        }
    }
}

#[cfg(test)]
#[path = "anchor_tests.rs"]
mod tests;
