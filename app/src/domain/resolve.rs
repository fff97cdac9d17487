//! Resolving a conflict hunk by hunk. Whatever is chosen, everything that merged cleanly —
//! both sides' changes outside the hunks — is kept: a choice only ever replaces one hunk.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{
    merge::{Comparison, ConflictHunk, FieldComparison, FieldState, FieldValue, MergeSegment},
    Field, FieldError, Fields,
};

/// What to put where both sides changed the same part of a field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HunkChoice {
    Mine,
    Theirs,
    /// Mine, then theirs.
    Both,
    /// Text the person wrote for this hunk.
    Edit(String),
}

/// A person's decisions for one conflicting field. A hunk nobody decided stays undecided:
/// no side wins by default, so one click cannot drop the other person's words.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct FieldResolution {
    /// One choice per hunk, in order; `None` (or missing) is undecided.
    pub hunks: Vec<Option<HunkChoice>>,
    /// The whole field written by hand (started from `marked_text`); wins over `hunks`.
    pub edited: Option<String>,
}

impl FieldResolution {
    pub fn all(choice: HunkChoice, hunks: usize) -> FieldResolution {
        FieldResolution {
            hunks: vec![Some(choice); hunks],
            edited: None,
        }
    }

    pub fn choice(&self, hunk: usize) -> Option<&HunkChoice> {
        self.hunks.get(hunk).and_then(Option::as_ref)
    }

    pub fn set(&mut self, hunk: usize, choice: HunkChoice) {
        if self.hunks.len() <= hunk {
            self.hunks.resize(hunk + 1, None);
        }
        self.hunks[hunk] = Some(choice);
    }

    /// The hunks (of `count`) still waiting for a choice; none once edited by hand.
    pub fn undecided(&self, count: usize) -> Vec<usize> {
        if self.edited.is_some() {
            return Vec::new();
        }
        (0..count).filter(|&i| self.choice(i).is_none()).collect()
    }
}

/// Whether a hunk ends with a line break (it does unless it ends the text without one):
/// the break belongs to the text around it, not to what a person edits.
fn ends_lines(hunk: &ConflictHunk) -> bool {
    [&hunk.base, &hunk.theirs, &hunk.mine]
        .iter()
        .any(|side| side.ends_with('\n'))
}

/// What an "edit this part" box shows for a side of a hunk: its lines, without the final
/// line break, which is not the person's to delete or to type after.
pub fn box_text(hunk: &ConflictHunk, side: &str) -> String {
    match side.strip_suffix('\n') {
        Some(lines) if ends_lines(hunk) => lines.to_owned(),
        _ => side.to_owned(),
    }
}

/// The hunk text a box's content stands for: the inverse of `box_text`. An empty box
/// removes the part.
fn from_box(hunk: &ConflictHunk, typed: &str) -> String {
    if typed.is_empty() || !ends_lines(hunk) {
        typed.to_owned()
    } else {
        format!("{typed}\n")
    }
}

/// The text one choice puts in place of a hunk.
pub fn chosen_text(hunk: &ConflictHunk, choice: &HunkChoice) -> String {
    match choice {
        HunkChoice::Mine => hunk.mine.clone(),
        HunkChoice::Theirs => hunk.theirs.clone(),
        HunkChoice::Both => {
            let mut both = hunk.mine.clone();
            // Lines stay lines: "both" must not glue their first line onto my last.
            if !both.is_empty() && !both.ends_with('\n') && !hunk.theirs.is_empty() {
                both.push('\n');
            }
            both.push_str(&hunk.theirs);
            both
        }
        HunkChoice::Edit(typed) => from_box(hunk, typed),
    }
}

/// The clean merge with each hunk replaced by the chosen version; an undecided hunk keeps
/// theirs, as the server's proposal does (`resolve` refuses undecided hunks before this).
pub fn resolve_text(
    segments: &[MergeSegment],
    hunks: &[ConflictHunk],
    resolution: &FieldResolution,
) -> String {
    if let Some(edited) = &resolution.edited {
        return edited.clone();
    }
    let mut text = String::new();
    for segment in segments {
        match segment {
            MergeSegment::Text(clean) => text.push_str(clean),
            MergeSegment::Hunk(index) => {
                if let Some(hunk) = hunks.get(*index) {
                    match resolution.choice(*index) {
                        Some(choice) => text.push_str(&chosen_text(hunk, choice)),
                        None => text.push_str(&hunk.theirs),
                    }
                }
            }
        }
    }
    text
}

pub const MARK_MINE: &str = "<<<<<<< yours";
pub const MARK_SPLIT: &str = "=======";
pub const MARK_THEIRS: &str = ">>>>>>> theirs";

/// The clean merge with every hunk written out between conflict markers, for editing by
/// hand: what "Edit the merged text" starts from.
pub fn marked_text(segments: &[MergeSegment], hunks: &[ConflictHunk]) -> String {
    let line = |text: &str| {
        if text.is_empty() || text.ends_with('\n') {
            text.to_owned()
        } else {
            format!("{text}\n")
        }
    };
    let mut text = String::new();
    for segment in segments {
        match segment {
            MergeSegment::Text(clean) => text.push_str(clean),
            MergeSegment::Hunk(index) => {
                let Some(hunk) = hunks.get(*index) else {
                    continue;
                };
                if !text.is_empty() && !text.ends_with('\n') {
                    text.push('\n');
                }
                text.push_str(&format!(
                    "{MARK_MINE}\n{}{MARK_SPLIT}\n{}{MARK_THEIRS}\n",
                    line(&hunk.mine),
                    line(&hunk.theirs)
                ));
            }
        }
    }
    text
}

/// Whether a hand-edited text still holds a conflict marker that none of the three
/// versions had (a document may legitimately contain such a line).
pub fn has_markers(text: &str, versions: &[&str]) -> bool {
    let is_marker = |line: &str| {
        line == MARK_SPLIT || line.starts_with(MARK_MINE) || line.starts_with(MARK_THEIRS)
    };
    text.lines()
        .filter(|line| is_marker(line))
        .any(|marker| !versions.iter().any(|v| v.lines().any(|l| l == marker)))
}

/// The other person's words (those they added in a hunk) that a resolution leaves out.
pub fn dropped_words(hunk: &ConflictHunk, result: &str) -> Vec<String> {
    let added = added_words(&hunk.base, &hunk.theirs);
    let kept: Vec<&str> = result.split_whitespace().collect();
    let mut dropped: Vec<String> = Vec::new();
    for word in added {
        if !kept.contains(&word.as_str()) && !dropped.contains(&word) {
            dropped.push(word);
        }
    }
    dropped
}

fn added_words(old: &str, new: &str) -> Vec<String> {
    let old: Vec<&str> = old.split_whitespace().collect();
    new.split_whitespace()
        .filter(|w| !old.contains(w))
        .map(str::to_owned)
        .collect()
}

/// Applies each conflicting field's resolution to the merge: fields that merged cleanly
/// take the clean merge, conflicting ones the clean merge with every hunk resolved.
/// Refuses a field with a conflicting change nobody decided, and a hand-edited field that
/// still holds conflict markers.
pub fn resolve(
    comparison: &Comparison,
    resolutions: &BTreeMap<Field, FieldResolution>,
) -> Result<Fields, Vec<FieldError>> {
    let mut fields = comparison.merge.proposal.clone();
    let mut errors = Vec::new();
    for compared in &comparison.fields {
        if compared.state != FieldState::BothConflict {
            continue;
        }
        let resolution = resolutions
            .get(&compared.field)
            .cloned()
            .unwrap_or_default();
        let undecided = resolution.undecided(compared.hunks.len()).len();
        if undecided > 0 {
            errors.push(FieldError {
                field: compared.field.name().to_owned(),
                message: undecided_message(compared.field, undecided),
            });
            continue;
        }
        let text = resolve_text(&compared.segments, &compared.hunks, &resolution);
        if resolution.edited.is_some() && has_markers(&text, &versions(compared)) {
            errors.push(FieldError {
                field: compared.field.name().to_owned(),
                message: format!(
                    "{} still has conflict markers ({MARK_MINE} … {MARK_THEIRS}). Keep what you want between them and delete the marker lines.",
                    compared.field.label()
                ),
            });
            continue;
        }
        match compared.field {
            Field::Title => fields.title = text,
            Field::Slug => fields.slug = text,
            Field::Body => fields.body = text,
            Field::Tags | Field::Status => {}
        }
    }
    if errors.is_empty() {
        Ok(fields)
    } else {
        Err(errors)
    }
}

/// "Body: 2 conflicting changes still need a choice." — named so a person can find them.
pub fn undecided_message(field: Field, count: usize) -> String {
    let changes = if count == 1 {
        "1 conflicting change still needs a choice".to_owned()
    } else {
        format!("{count} conflicting changes still need a choice")
    };
    format!(
        "{}: {changes} (keep mine, take theirs, both, or edit).",
        field.label()
    )
}

fn versions(compared: &FieldComparison) -> Vec<&str> {
    [&compared.base, &compared.theirs, &compared.mine]
        .into_iter()
        .filter_map(|v| match v {
            Some(FieldValue::Text(text)) => Some(text.as_str()),
            _ => None,
        })
        .collect()
}

#[cfg(test)]
#[path = "resolve_tests.rs"]
mod tests;
