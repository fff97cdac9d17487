//! Field-level three-way comparison and merge of base / theirs / mine.
//! Text is merged line by line and, where both sides changed the same lines, word by word
//! (non-overlapping changes combine, overlapping ones become hunks); tags merge as sets,
//! the slug as a scalar.

use std::{collections::BTreeSet, time::Duration};

use serde::{Deserialize, Serialize};
use similar::{Algorithm, DiffOp};

use super::{Field, Fields};

/// How one field differs between the base revision, theirs (current) and mine.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FieldState {
    Unchanged,
    MineOnly,
    TheirsOnly,
    BothSame,
    /// Changed on both sides in places that do not overlap: merged cleanly.
    BothMerged,
    /// Changed on both sides in overlapping places: a person decides.
    BothConflict,
}

impl FieldState {
    /// The name on the wire (and as a CSS class).
    pub fn as_str(self) -> &'static str {
        match self {
            FieldState::Unchanged => "unchanged",
            FieldState::MineOnly => "mine_only",
            FieldState::TheirsOnly => "theirs_only",
            FieldState::BothSame => "both_same",
            FieldState::BothMerged => "both_merged",
            FieldState::BothConflict => "both_conflict",
        }
    }
}

#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum FieldValue {
    Text(String),
    Tags(Vec<String>),
}

impl FieldValue {
    pub fn as_text(&self) -> String {
        match self {
            FieldValue::Text(text) => text.clone(),
            FieldValue::Tags(tags) => tags.join(", "),
        }
    }
}

/// Where two sides changed the same lines of a text, with each side's version of them.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConflictHunk {
    /// First line of the base the hunk covers, counted from 1.
    pub base_line: usize,
    pub base: String,
    pub theirs: String,
    pub mine: String,
}

#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldComparison {
    pub field: Field,
    pub state: FieldState,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base: Option<FieldValue>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub theirs: Option<FieldValue>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mine: Option<FieldValue>,
    /// The value both sides' changes combine to; absent on a conflict.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub merged: Option<FieldValue>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub hunks: Vec<ConflictHunk>,
    /// On a conflict: the clean merge in order, with a placeholder where each hunk goes.
    /// Joining the texts with one chosen version per hunk gives a resolution that keeps
    /// every change either side made outside the hunks.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub segments: Vec<MergeSegment>,
}

/// A run of cleanly merged text, or the place of a conflicting hunk (its index in `hunks`).
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MergeSegment {
    Text(String),
    Hunk(usize),
}

/// A text merge that left conflicts: the clean parts in order and the hunks between them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Conflicted {
    pub segments: Vec<MergeSegment>,
    pub hunks: Vec<ConflictHunk>,
}

#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MergeSummary {
    /// True when no field conflicts: the proposal holds everybody's changes.
    pub clean: bool,
    /// Mine applied on theirs; conflicting hunks keep theirs.
    pub proposal: Fields,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Comparison {
    pub fields: Vec<FieldComparison>,
    pub merge: MergeSummary,
}

impl Comparison {
    pub fn field(&self, field: Field) -> &FieldComparison {
        self.fields
            .iter()
            .find(|c| c.field == field)
            .expect("every field is compared")
    }
}

/// The clean merge with their side of every conflicting hunk. (Resolving by choice is
/// `resolve`'s, which builds on this module, not the other way.)
fn theirs_where_both(segments: &[MergeSegment], hunks: &[ConflictHunk]) -> String {
    segments
        .iter()
        .map(|segment| match segment {
            MergeSegment::Text(clean) => clean.as_str(),
            MergeSegment::Hunk(index) => hunks.get(*index).map_or("", |h| h.theirs.as_str()),
        })
        .collect()
}

/// How long one diff may search for a minimal result before settling for a coarser one,
/// so a pathological 1 MiB input cannot stall a request.
pub const DIFF_TIME_LIMIT: Duration = Duration::from_millis(500);

/// Compares every editable field of three versions and proposes a merge.
pub fn compare(base: &Fields, theirs: &Fields, mine: &Fields) -> Comparison {
    let title = compare_text(Field::Title, &base.title, &theirs.title, &mine.title);
    let slug = compare_scalar(Field::Slug, &base.slug, &theirs.slug, &mine.slug);
    let tags = compare_tags(&base.tags, &theirs.tags, &mine.tags);
    let body = compare_text(Field::Body, &base.body, &theirs.body, &mine.body);
    let fields = vec![title, slug, tags, body];
    let clean = fields.iter().all(|c| c.state != FieldState::BothConflict);
    // Conflicting hunks keep theirs; everything that merged cleanly around them is kept.
    let pick = |index: usize, theirs: &FieldValue| {
        let compared: &FieldComparison = &fields[index];
        match &compared.merged {
            Some(merged) => merged.clone(),
            None if !compared.segments.is_empty() => {
                FieldValue::Text(theirs_where_both(&compared.segments, &compared.hunks))
            }
            None => theirs.clone(),
        }
    };
    let proposal = Fields {
        title: pick(0, &FieldValue::Text(theirs.title.clone())).as_text(),
        slug: pick(1, &FieldValue::Text(theirs.slug.clone())).as_text(),
        tags: match pick(2, &FieldValue::Tags(theirs.tags.clone())) {
            FieldValue::Tags(tags) => tags,
            FieldValue::Text(_) => theirs.tags.clone(),
        },
        body: pick(3, &FieldValue::Text(theirs.body.clone())).as_text(),
    };
    Comparison {
        fields,
        merge: MergeSummary { clean, proposal },
    }
}

fn state_of<T: PartialEq>(base: &T, theirs: &T, mine: &T) -> FieldState {
    match (theirs != base, mine != base) {
        (false, false) => FieldState::Unchanged,
        (false, true) => FieldState::MineOnly,
        (true, false) => FieldState::TheirsOnly,
        (true, true) if theirs == mine => FieldState::BothSame,
        (true, true) => FieldState::BothMerged,
    }
}

fn comparison(
    field: Field,
    state: FieldState,
    values: [FieldValue; 3],
    merged: Option<FieldValue>,
    conflicted: Option<Conflicted>,
) -> FieldComparison {
    let Conflicted { segments, hunks } = conflicted.unwrap_or(Conflicted {
        segments: Vec::new(),
        hunks: Vec::new(),
    });
    if state == FieldState::Unchanged {
        return FieldComparison {
            field,
            state,
            base: None,
            theirs: None,
            mine: None,
            merged: None,
            hunks,
            segments,
        };
    }
    let [base, theirs, mine] = values;
    FieldComparison {
        field,
        state,
        base: Some(base),
        theirs: Some(theirs),
        mine: Some(mine),
        merged,
        hunks,
        segments,
    }
}

fn compare_scalar(field: Field, base: &str, theirs: &str, mine: &str) -> FieldComparison {
    let mut state = state_of(&base, &theirs, &mine);
    let merged = match state {
        FieldState::MineOnly | FieldState::BothSame => Some(mine),
        FieldState::Unchanged | FieldState::TheirsOnly => Some(theirs),
        _ => {
            state = FieldState::BothConflict;
            None
        }
    };
    // A scalar conflict is one hunk covering the whole value, so it resolves like text.
    let conflicted = merged.is_none().then(|| Conflicted {
        segments: vec![MergeSegment::Hunk(0)],
        hunks: vec![ConflictHunk {
            base_line: 1,
            base: base.to_owned(),
            theirs: theirs.to_owned(),
            mine: mine.to_owned(),
        }],
    });
    let values = [base, theirs, mine].map(|v| FieldValue::Text(v.to_owned()));
    comparison(
        field,
        state,
        values,
        merged.map(|v| FieldValue::Text(v.to_owned())),
        conflicted,
    )
}

fn compare_text(field: Field, base: &str, theirs: &str, mine: &str) -> FieldComparison {
    let mut state = state_of(&base, &theirs, &mine);
    let (merged, conflicted) = match merge_text(base, theirs, mine) {
        TextMerge::Clean(text) => (Some(FieldValue::Text(text)), None),
        TextMerge::Conflict(conflicted) => {
            state = FieldState::BothConflict;
            (None, Some(conflicted))
        }
    };
    let values = [base, theirs, mine].map(|v| FieldValue::Text(v.to_owned()));
    comparison(field, state, values, merged, conflicted)
}

fn compare_tags(base: &[String], theirs: &[String], mine: &[String]) -> FieldComparison {
    let state = state_of(&base, &theirs, &mine);
    let merged = merge_tags(base, theirs, mine);
    let values = [base, theirs, mine].map(|v| FieldValue::Tags(v.to_vec()));
    comparison(
        Field::Tags,
        state,
        values,
        Some(FieldValue::Tags(merged)),
        None,
    )
}

/// Sets merge without conflicts: a tag is kept unless either side removed it, and every
/// tag either side added is added.
pub fn merge_tags(base: &[String], theirs: &[String], mine: &[String]) -> Vec<String> {
    let base: BTreeSet<&String> = base.iter().collect();
    let theirs: BTreeSet<&String> = theirs.iter().collect();
    let mine: BTreeSet<&String> = mine.iter().collect();
    let kept = base
        .iter()
        .filter(|t| theirs.contains(*t) && mine.contains(*t))
        .copied();
    let added = theirs
        .iter()
        .chain(mine.iter())
        .filter(|t| !base.contains(*t))
        .copied();
    kept.chain(added)
        .cloned()
        .collect::<BTreeSet<String>>()
        .into_iter()
        .collect()
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TextMerge {
    Clean(String),
    Conflict(Conflicted),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Side {
    Theirs,
    Mine,
}

/// One side's replacement of base lines `start..end` (empty range: an insertion).
#[derive(Debug)]
struct Change<'a> {
    start: usize,
    end: usize,
    lines: &'a [&'a str],
    side: Side,
}

/// A line-level three-way merge (diff3): changes from both sides apply together unless
/// they touch the same base lines (or insert at the same place) with different results.
pub fn merge_text(base: &str, theirs: &str, mine: &str) -> TextMerge {
    if theirs == mine || mine == base {
        return TextMerge::Clean(theirs.to_owned());
    }
    if theirs == base {
        return TextMerge::Clean(mine.to_owned());
    }
    diff3(base, theirs, mine)
}

/// The three-way merge itself, without `merge_text`'s shortcuts for unchanged sides (its
/// laws are tested on this, so the tests reach it). Lines first, for speed; where both
/// sides changed the same lines, those lines again word by word, so a conflict remains only
/// where both changed the same words or inserted different text at the same point.
pub(crate) fn diff3(base: &str, theirs: &str, mine: &str) -> TextMerge {
    diff3_by(base, theirs, mine, Granularity::Words)
}

/// The line-level diff3 alone, as the text merge was before it went word by word: the
/// baseline of the conflict-rate benchmark (`examples/conflict_rates.rs`).
pub fn merge_text_by_lines(base: &str, theirs: &str, mine: &str) -> TextMerge {
    diff3_by(base, theirs, mine, Granularity::Lines)
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Granularity {
    Lines,
    Words,
}

fn diff3_by(base: &str, theirs: &str, mine: &str, granularity: Granularity) -> TextMerge {
    let base_lines: Vec<&str> = base.split_inclusive('\n').collect();
    let theirs_lines: Vec<&str> = theirs.split_inclusive('\n').collect();
    let mine_lines: Vec<&str> = mine.split_inclusive('\n').collect();

    let mut merged = String::with_capacity(theirs.len().max(mine.len()));
    let mut hunks = Vec::new();
    let mut segments = Vec::new();
    for region in regions(&base_lines, &theirs_lines, &mine_lines, Edges::Apart) {
        match region {
            Region::Clean(text) => merged.push_str(&text),
            Region::Clash {
                start,
                base,
                theirs,
                mine,
            } => match (granularity == Granularity::Words)
                .then(|| merge_words(&base, &theirs, &mine))
                .flatten()
            {
                Some(text) => merged.push_str(&text),
                None => {
                    if !merged.is_empty() {
                        segments.push(MergeSegment::Text(std::mem::take(&mut merged)));
                    }
                    segments.push(MergeSegment::Hunk(hunks.len()));
                    hunks.push(ConflictHunk {
                        base_line: start + 1,
                        base,
                        theirs,
                        mine,
                    });
                }
            },
        }
    }
    if hunks.is_empty() {
        return TextMerge::Clean(merged);
    }
    if !merged.is_empty() {
        segments.push(MergeSegment::Text(merged));
    }
    TextMerge::Conflict(Conflicted { segments, hunks })
}

/// A stretch of a three-way merge over tokens (lines or words): merged text, or where
/// both sides changed the same base tokens differently (`start` counts base tokens).
enum Region {
    Clean(String),
    Clash {
        start: usize,
        base: String,
        theirs: String,
        mine: String,
    },
}

/// diff3 over token sequences: changes from both sides apply together unless they touch
/// the same base tokens (or insert at the same place) with different results.
fn regions(base: &[&str], theirs: &[&str], mine: &[&str], edges: Edges) -> Vec<Region> {
    let mut changes = changes_of(base, theirs, Side::Theirs);
    changes.extend(changes_of(base, mine, Side::Mine));
    changes.sort_by_key(|c| (c.start, c.end, c.side));

    let mut regions = Vec::new();
    let mut pos = 0;
    let mut i = 0;
    while i < changes.len() {
        let (start, mut end) = (changes[i].start, changes[i].end);
        let mut j = i + 1;
        while j < changes.len() && overlaps(start, end, changes[j].start, changes[j].end, edges) {
            end = end.max(changes[j].end);
            j += 1;
        }
        let cluster = &changes[i..j];
        regions.push(Region::Clean(base[pos..start].concat()));
        let theirs_part = side_version(Side::Theirs, cluster, base, start, end);
        let mine_part = side_version(Side::Mine, cluster, base, start, end);
        let touched_by = |side| cluster.iter().any(|c| c.side == side);
        if !touched_by(Side::Theirs) {
            regions.push(Region::Clean(mine_part));
        } else if !touched_by(Side::Mine) || theirs_part == mine_part {
            regions.push(Region::Clean(theirs_part));
        } else {
            regions.push(Region::Clash {
                start,
                base: base[start..end].concat(),
                theirs: theirs_part,
                mine: mine_part,
            });
        }
        pos = end;
        i = j;
    }
    regions.push(Region::Clean(base[pos..].concat()));
    regions
}

/// Lines both sides changed, merged again word by word; `None` where both changed the
/// same words.
fn merge_words(base: &str, theirs: &str, mine: &str) -> Option<String> {
    if base.len().max(theirs.len()).max(mine.len()) > WORD_MERGE_MAX_BYTES {
        return None;
    }
    let (base, theirs, mine) = (tokens(base), tokens(theirs), tokens(mine));
    let mut text = String::new();
    for region in regions(&base, &theirs, &mine, Edges::Touch) {
        match region {
            Region::Clean(clean) => text.push_str(&clean),
            Region::Clash { .. } => return None,
        }
    }
    Some(text)
}

/// Larger stretches are not merged by word: slow, and a result hard to trust.
const WORD_MERGE_MAX_BYTES: usize = 64 * 1024;

/// One stretch of a conflicting hunk merged word by word: text both sides agree on (with
/// each side's changes that do not clash applied), or the words both changed differently.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WordPiece {
    Same(String),
    Clash { theirs: String, mine: String },
}

/// The hunk merged word by word, so the panel can mark exactly which words clash; `None`
/// for stretches too large to merge by word (the panel then shows whole lines).
pub fn word_pieces(hunk: &ConflictHunk) -> Option<Vec<WordPiece>> {
    let longest = hunk.base.len().max(hunk.theirs.len()).max(hunk.mine.len());
    if longest > WORD_MERGE_MAX_BYTES {
        return None;
    }
    let (base, theirs, mine) = (tokens(&hunk.base), tokens(&hunk.theirs), tokens(&hunk.mine));
    let mut pieces: Vec<WordPiece> = Vec::new();
    for region in regions(&base, &theirs, &mine, Edges::Touch) {
        match region {
            Region::Clean(text) if text.is_empty() => {}
            Region::Clean(text) => match pieces.last_mut() {
                Some(WordPiece::Same(last)) => last.push_str(&text),
                _ => pieces.push(WordPiece::Same(text)),
            },
            Region::Clash { theirs, mine, .. } => pieces.push(WordPiece::Clash { theirs, mine }),
        }
    }
    Some(pieces)
}

/// Words (runs of letters and digits), runs of spaces, line breaks, and every other
/// character on its own: punctuation and whitespace are tokens, so changes to neighbouring
/// words stay apart.
pub(crate) fn tokens(text: &str) -> Vec<&str> {
    #[derive(PartialEq, Clone, Copy)]
    enum Kind {
        Word,
        Space,
        Other,
    }
    let kind = |c: char| {
        if c.is_alphanumeric() {
            Kind::Word
        } else if c.is_whitespace() && c != '\n' {
            Kind::Space
        } else {
            Kind::Other
        }
    };
    let mut tokens = Vec::new();
    let mut start = 0;
    let mut previous: Option<Kind> = None;
    for (at, c) in text.char_indices() {
        let current = kind(c);
        let joins = previous == Some(current) && current != Kind::Other;
        if !joins && at > start {
            tokens.push(&text[start..at]);
            start = at;
        }
        previous = Some(current);
    }
    if start < text.len() {
        tokens.push(&text[start..]);
    }
    tokens
}

/// Whether an insertion right at the edge of the other side's change collides with it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Edges {
    /// Lines: a line added next to a changed line is a change of its own.
    Apart,
    /// Words: text added right where the other side rewrote a word is the same place
    /// ("one" → "ONE by Ann" beside "one" → "one by Bob" must not become "ONE by Ann by Bob").
    Touch,
}

/// Whether a change at `s2..e2` collides with the cluster at `s1..e1`. Two insertions at
/// one place always do; an insertion at the edge of another change as `edges` says.
fn overlaps(s1: usize, e1: usize, s2: usize, e2: usize, edges: Edges) -> bool {
    let touch = edges == Edges::Touch;
    match (s1 == e1, s2 == e2) {
        (true, true) => s1 == s2,
        (true, false) => (s2 < s1 && s1 < e2) || (touch && (s1 == s2 || s1 == e2)),
        (false, true) => (s1 < s2 && s2 < e1) || (touch && (s2 == s1 || s2 == e1)),
        (false, false) => s2 < e1 && s1 < e2,
    }
}

fn changes_of<'a>(base: &[&str], other: &'a [&'a str], side: Side) -> Vec<Change<'a>> {
    changed_ranges(base, other)
        .into_iter()
        .map(|(start, end, new_start, new_end)| Change {
            start,
            end,
            lines: &other[new_start..new_end],
            side,
        })
        .collect()
}

/// Where `other` differs from `base`, token by token: (base start, base end, other start,
/// other end) of each change, in order, a delete directly followed by an insert being one
/// replacement.
pub(crate) fn changed_ranges(base: &[&str], other: &[&str]) -> Vec<(usize, usize, usize, usize)> {
    let ops = similar::capture_diff_slices_deadline(Algorithm::Myers, base, other, deadline());
    // Positions come from walking the ops' lengths: the indices similar reports inside
    // ops are not always in step with one another.
    let (mut old, mut new) = (0, 0);
    let mut ranges: Vec<(usize, usize, usize, usize)> = Vec::new();
    for op in ops {
        let (old_len, new_len) = match op {
            DiffOp::Equal { len, .. } => {
                old += len;
                new += len;
                continue;
            }
            DiffOp::Delete { old_len, .. } => (old_len, 0),
            DiffOp::Insert { new_len, .. } => (0, new_len),
            DiffOp::Replace {
                old_len, new_len, ..
            } => (old_len, new_len),
        };
        let range = (old, old + old_len, new, new + new_len);
        (old, new) = (range.1, range.3);
        match ranges.last_mut() {
            Some(last) if last.1 == range.0 && last.3 == range.2 => {
                last.1 = range.1;
                last.3 = range.3;
            }
            _ => ranges.push(range),
        }
    }
    if old != base.len() || new != other.len() {
        // Never trust an inconsistent script: one change replacing everything is coarse but true.
        ranges = vec![(0, base.len(), 0, other.len())];
    }
    ranges
}

/// The text of base lines `start..end` with one side's changes in that range applied.
fn side_version(
    side: Side,
    cluster: &[Change<'_>],
    base: &[&str],
    start: usize,
    end: usize,
) -> String {
    let mut text = String::new();
    let mut pos = start;
    for change in cluster.iter().filter(|c| c.side == side) {
        text.extend(base[pos..change.start].iter().copied());
        text.extend(change.lines.iter().copied());
        pos = change.end;
    }
    text.extend(base[pos..end].iter().copied());
    text
}

/// Browsers have no clock for `Instant`; there the diff runs without a deadline.
pub(crate) fn deadline() -> Option<std::time::Instant> {
    #[cfg(not(target_arch = "wasm32"))]
    {
        std::time::Instant::now().checked_add(DIFF_TIME_LIMIT)
    }
    #[cfg(target_arch = "wasm32")]
    {
        None
    }
}

#[cfg(test)]
#[path = "merge_tests.rs"]
mod tests;
