//! Others' saves arriving while a person edits: what the editor does with each one (take
//! it, merge it into the open edit, wait, or leave a banner), the merge itself, where the
//! caret goes, what the arrival note says, and taking an arrival back out of the form.
//! Plain Rust: the component reads the browser and renders; these decide.

use similar::{Algorithm, DiffOp};

use crate::domain::{
    changed_fields,
    merge::compare,
    rebase::{map_offset, rebase},
    Field, Fields,
};
use crate::ui::browser::FocusedField;

/// What the editor knows at the moment a newer revision is announced.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Moment {
    /// The form differs from the revision it is based on.
    pub dirty: bool,
    /// "Take others' changes as they arrive" is on.
    pub following: bool,
    /// A save of this page is under way: its own revision is not news.
    pub saving: bool,
    /// An input method is composing a character: the field must not change under it.
    pub composing: bool,
    /// A stale save's or a restored draft's panel is open: the person is deciding against a
    /// fixed version, which must not move under their choices.
    pub deciding: bool,
    /// Drafts from earlier visits are offered above the form.
    pub offers: bool,
    pub deleted: bool,
}

/// What to do with a newer revision.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OnArrival {
    /// Not now; ask again when the moment changes.
    Later,
    /// Nothing of the person's to protect: show the new revision as it is.
    TakeInPlace,
    /// Merge it into the person's text, which stays as typed.
    Merge,
    /// Say what arrived and let the person reload and reapply when they choose.
    Banner,
}

pub fn on_arrival(moment: Moment) -> OnArrival {
    if moment.deleted {
        return OnArrival::Banner;
    }
    if moment.saving || moment.composing {
        return OnArrival::Later;
    }
    if moment.deciding {
        return OnArrival::Banner;
    }
    if !moment.dirty && !moment.offers {
        return OnArrival::TakeInPlace;
    }
    if moment.following {
        OnArrival::Merge
    } else {
        OnArrival::Banner
    }
}

/// Where two sides of a clash come from: the conflict panel compares them with the arrived
/// revision.
#[derive(Debug, Clone, PartialEq)]
pub struct Clash {
    /// The revision both started from.
    pub base: Fields,
    /// The person's side.
    pub mine: Fields,
}

/// An arrival merged into the form.
#[derive(Debug, Clone, PartialEq)]
pub struct Merged {
    /// What the form shows now: every change of the arrival that does not touch the
    /// person's, and all of the person's text.
    pub fields: Fields,
    /// Places both changed, still to be decided; `None` when nothing is.
    pub clash: Option<Clash>,
    /// The fields the arrival changed in the form.
    pub changed: Vec<Field>,
    /// The body's lines (numbered from 1, in the merged text) the arrival changed.
    pub lines: Vec<usize>,
}

/// Merges `latest` (a newer revision than the form's `base`) into `form`. `ancestor` is
/// where an earlier clash that is still undecided started (`base` when there is none): the
/// person's side of it is compared with the newest revision, not with one in between.
pub fn merge_arrival(ancestor: &Fields, base: &Fields, latest: &Fields, form: &Fields) -> Merged {
    let rebased = rebase(base, latest, form);
    let fields = rebased.fields.clone();
    let clash = if rebased.clean() && ancestor == base {
        None
    } else {
        let against = compare(ancestor, latest, &fields);
        if !against.merge.clean {
            Some(Clash {
                base: ancestor.clone(),
                mine: fields.clone(),
            })
        } else if !rebased.clean() {
            Some(Clash {
                base: base.clone(),
                mine: form.clone(),
            })
        } else {
            None
        }
    };
    let changed = changed_fields(form, &fields);
    let lines = changed_lines(&form.body, &fields.body);
    Merged {
        fields,
        clash,
        changed,
        lines,
    }
}

/// Takes an arrived change back out of the form: the arrival (`before` → `after`) is
/// reversed wherever the person has not changed the same place since. Saving then
/// undoes it for everybody, as the person chose.
pub fn undo_arrival(before: &Fields, after: &Fields, form: &Fields) -> Fields {
    rebase(after, before, form).fields
}

/// The lines of `after` (numbered from 1) that differ from `before`; where lines were only
/// removed, the line that now stands in their place.
pub fn changed_lines(before: &str, after: &str) -> Vec<usize> {
    let old: Vec<&str> = before.split_inclusive('\n').collect();
    let new: Vec<&str> = after.split_inclusive('\n').collect();
    let mut lines = Vec::new();
    for op in similar::capture_diff_slices(Algorithm::Myers, &old, &new) {
        let range = op.new_range();
        match op {
            DiffOp::Equal { .. } => {}
            DiffOp::Delete { .. } => lines.push((range.start + 1).min(new.len().max(1))),
            _ => lines.extend(range.map(|i| i + 1)),
        }
    }
    lines.dedup();
    lines
}

/// The latest arrival merged into the form: what the note says, and what undoing it takes
/// out.
#[derive(Debug, Clone, PartialEq)]
pub struct Arrived {
    /// The revision the form was based on before, and the one that arrived.
    pub from: i64,
    pub rev: i64,
    pub before: Fields,
    pub after: Fields,
    /// "Ann changed line 7".
    pub note: String,
    /// "Ann's", for the line that says where the editor stands.
    pub whose: String,
}

/// Whose revision it was, as an owner of words: "Ann's", "Your other tab's", "Others'".
pub fn whose(names: &[String], own: bool) -> String {
    match names {
        _ if own => "Your other tab's".to_owned(),
        [one] => format!("{one}'s"),
        _ => "Others'".to_owned(),
    }
}

/// What the arrival note says: "Ann changed the title and lines 7–9".
pub fn arrival_sentence(who: &str, changed: &[Field], lines: &[usize]) -> String {
    let mut parts: Vec<String> = changed
        .iter()
        .filter(|&&f| f != Field::Body)
        .map(|f| format!("the {}", f.name()))
        .collect();
    if changed.contains(&Field::Body) {
        parts.push(lines_phrase(lines));
    }
    let what = match parts.as_slice() {
        [] => "nothing you can see".to_owned(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    };
    format!("{who} changed {what}")
}

/// "line 7", "lines 7–9", "lines 3, 7 and 12", "12 lines from line 3".
fn lines_phrase(lines: &[usize]) -> String {
    let mut runs: Vec<(usize, usize)> = Vec::new();
    for &line in lines {
        match runs.last_mut() {
            Some((_, end)) if *end + 1 == line => *end = line,
            _ => runs.push((line, line)),
        }
    }
    let run = |&(from, to): &(usize, usize)| {
        if from == to {
            from.to_string()
        } else {
            format!("{from}–{to}")
        }
    };
    match runs.as_slice() {
        [] => "the text".to_owned(),
        [(one, to)] if one == to => format!("line {one}"),
        [only] => format!("lines {}", run(only)),
        many if many.len() > 3 => format!("{} lines from line {}", lines.len(), many[0].0),
        [rest @ .., last] => format!(
            "lines {} and {}",
            rest.iter().map(run).collect::<Vec<_>>().join(", "),
            run(last)
        ),
    }
}

/// A selection in a text field, as the browser counts it (UTF-16 code units).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Selection {
    pub start: u32,
    pub end: u32,
}

/// Where a selection in `before` is in `after`: each end moves with the words around it.
pub fn map_selection(before: &str, after: &str, selection: Selection) -> Selection {
    let map = |at: u32| byte_to_utf16(after, map_offset(before, after, utf16_to_byte(before, at)));
    Selection {
        start: map(selection.start),
        end: map(selection.end),
    }
}

/// Where a focused field's selection and scroll go when its text changes from `before` to
/// `after` under it: the selection moves with its words, and the scroll by as many lines as
/// arrived above the caret, so the words stay where the person's eyes are.
pub fn follow_caret(before: &str, after: &str, field: &FocusedField) -> FocusedField {
    let selection = map_selection(
        before,
        after,
        Selection {
            start: field.start,
            end: field.end,
        },
    );
    let lines_above = |text: &str, units: u32| {
        let at = utf16_to_byte(text, units);
        i32::try_from(text[..at].matches('\n').count()).unwrap_or(i32::MAX)
    };
    let shift = lines_above(after, selection.start) - lines_above(before, field.start);
    let lines = i32::try_from(before.matches('\n').count() + 1).unwrap_or(i32::MAX);
    let line_height = field.scroll_height / lines.max(1);
    FocusedField {
        id: field.id.clone(),
        start: selection.start,
        end: selection.end,
        scroll_top: (field.scroll_top + shift.saturating_mul(line_height)).max(0),
        scroll_height: field.scroll_height,
    }
}

/// The byte offset of the `units`-th UTF-16 code unit of `text` (clamped, and never inside
/// a character).
pub fn utf16_to_byte(text: &str, units: u32) -> usize {
    let mut counted = 0;
    for (at, c) in text.char_indices() {
        if counted >= units {
            return at;
        }
        counted += c.len_utf16() as u32;
    }
    text.len()
}

/// How many UTF-16 code units come before byte `offset` of `text`.
pub fn byte_to_utf16(text: &str, offset: usize) -> u32 {
    text.char_indices()
        .take_while(|&(at, _)| at < offset)
        .map(|(_, c)| c.len_utf16() as u32)
        .sum()
}

#[cfg(test)]
#[path = "arrival_tests.rs"]
mod tests;
