//! Differences for display: inline word diffs, and field-level differences between two
//! revisions with line and word hunks for text.

use serde::{Deserialize, Serialize};
use similar::Algorithm;

use super::{merge::deadline, Field, Fields, Status};

#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DiffKind {
    Equal,
    Insert,
    Delete,
}

/// A run of text that is the same, added or removed between two versions.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Segment {
    pub kind: DiffKind,
    pub text: String,
}

/// Above this size an inline diff compares lines rather than words.
const WORD_DIFF_MAX_BYTES: usize = 64 * 1024;

/// An inline diff for display: words for ordinary texts, lines for very large ones.
pub fn inline_diff(old: &str, new: &str) -> Vec<Segment> {
    let mut config = similar::TextDiff::configure();
    config.algorithm(Algorithm::Myers);
    if let Some(deadline) = deadline() {
        config.deadline(deadline);
    }
    let diff = if old.len().max(new.len()) > WORD_DIFF_MAX_BYTES {
        config.diff_lines(old, new)
    } else {
        config.diff_words(old, new)
    };
    segments(&diff)
}

/// A diff's changes as runs: consecutive changes of one kind become one segment.
pub(crate) fn segments<'a>(diff: &'a similar::TextDiff<'a, 'a, 'a, str>) -> Vec<Segment> {
    let mut segments: Vec<Segment> = Vec::new();
    for change in diff.iter_all_changes() {
        let kind = match change.tag() {
            similar::ChangeTag::Equal => DiffKind::Equal,
            similar::ChangeTag::Insert => DiffKind::Insert,
            similar::ChangeTag::Delete => DiffKind::Delete,
        };
        match segments.last_mut() {
            Some(last) if last.kind == kind => last.text.push_str(change.value()),
            _ => segments.push(Segment {
                kind,
                text: change.value().to_owned(),
            }),
        }
    }
    segments
}

/// A changed stretch of a text with a few unchanged lines around it, for showing a
/// change without the whole document.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChangeBlock {
    /// First line of the old text the block shows, counted from 1.
    pub old_line: usize,
    pub segments: Vec<Segment>,
}

/// The changes between two texts as blocks of word diffs, each with `context` unchanged
/// lines before and after.
pub fn change_blocks(old: &str, new: &str, context: usize) -> Vec<ChangeBlock> {
    let diff = line_text_diff(old, new);
    let (old_lines, new_lines) = (diff.old_slices(), diff.new_slices());
    diff.grouped_ops(context)
        .iter()
        .filter_map(|group| {
            let (first, last) = (group.first()?, group.last()?);
            let old_range = first.old_range().start..last.old_range().end.min(old_lines.len());
            let new_range = first.new_range().start..last.new_range().end.min(new_lines.len());
            let old_text = old_lines.get(old_range.clone())?.concat();
            let new_text = new_lines.get(new_range)?.concat();
            Some(ChangeBlock {
                old_line: old_range.start + 1,
                segments: inline_diff(&old_text, &new_text),
            })
        })
        .collect()
}

/// Which lines of `old` a change touched: (first line counted from 1, number of lines);
/// zero lines is an insertion before `first`.
pub fn changed_lines(old: &str, new: &str) -> Vec<(usize, usize)> {
    let diff = line_text_diff(old, new);
    diff.grouped_ops(0)
        .iter()
        .filter_map(|group| {
            let (first, last) = (group.first()?, group.last()?);
            let start = first.old_range().start;
            Some((start + 1, last.old_range().end.saturating_sub(start)))
        })
        .collect()
}

fn line_text_diff<'a>(old: &'a str, new: &'a str) -> similar::TextDiff<'a, 'a, 'a, str> {
    let mut config = similar::TextDiff::configure();
    config.algorithm(Algorithm::Myers);
    if let Some(deadline) = deadline() {
        config.deadline(deadline);
    }
    config.diff_lines(old, new)
}

/// One field compared between two revisions.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldDiff {
    pub field: Field,
    pub changed: bool,
    pub from: serde_json::Value,
    pub to: serde_json::Value,
    /// Text fields: runs of equal, removed and added lines.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub lines: Vec<Segment>,
    /// Text fields: the same change word by word, for inline display.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub words: Vec<Segment>,
    /// Tags: added and removed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub added: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub removed: Vec<String>,
}

/// Every field, title to status, compared between two versions.
pub fn diff_fields(from: (&Fields, Status), to: (&Fields, Status)) -> Vec<FieldDiff> {
    let ((a, a_status), (b, b_status)) = (from, to);
    vec![
        text_diff(Field::Title, &a.title, &b.title),
        scalar_diff(Field::Slug, &a.slug, &b.slug),
        tags_diff(&a.tags, &b.tags),
        text_diff(Field::Body, &a.body, &b.body),
        scalar_diff(Field::Status, a_status.as_str(), b_status.as_str()),
    ]
}

fn text_diff(field: Field, from: &str, to: &str) -> FieldDiff {
    let changed = from != to;
    let (lines, words) = if changed {
        (line_diff(from, to), inline_diff(from, to))
    } else {
        (Vec::new(), Vec::new())
    };
    FieldDiff {
        field,
        changed,
        from: from.into(),
        to: to.into(),
        lines,
        words,
        added: Vec::new(),
        removed: Vec::new(),
    }
}

fn scalar_diff(field: Field, from: &str, to: &str) -> FieldDiff {
    FieldDiff {
        field,
        changed: from != to,
        from: from.into(),
        to: to.into(),
        lines: Vec::new(),
        words: Vec::new(),
        added: Vec::new(),
        removed: Vec::new(),
    }
}

fn tags_diff(from: &[String], to: &[String]) -> FieldDiff {
    let added: Vec<String> = to.iter().filter(|t| !from.contains(t)).cloned().collect();
    let removed: Vec<String> = from.iter().filter(|t| !to.contains(t)).cloned().collect();
    FieldDiff {
        field: Field::Tags,
        changed: !added.is_empty() || !removed.is_empty(),
        from: from.into(),
        to: to.into(),
        lines: Vec::new(),
        words: Vec::new(),
        added,
        removed,
    }
}

fn line_diff(from: &str, to: &str) -> Vec<Segment> {
    let mut config = similar::TextDiff::configure();
    if let Some(deadline) = deadline() {
        config.deadline(deadline);
    }
    segments(&config.diff_lines(from, to))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(title: &str, tags: &[&str], body: &str) -> Fields {
        Fields {
            title: title.into(),
            slug: "s".into(),
            tags: tags.iter().map(|t| t.to_string()).collect(),
            body: body.into(),
        }
    }

    #[test]
    fn a_one_line_change_in_a_long_text_is_shown_with_its_context_only() {
        let old: String = (1..=1000).map(|i| format!("line {i}\n")).collect();
        let new = old.replace("line 500\n", "line five hundred\n");
        let blocks = change_blocks(&old, &new, 2);
        assert_eq!(blocks.len(), 1);
        assert_eq!(blocks[0].old_line, 498);
        let shown: String = blocks[0].segments.iter().map(|s| s.text.as_str()).collect();
        assert!(shown.starts_with("line 498\n") && shown.ends_with("line 502\n"));
        assert!(blocks[0]
            .segments
            .iter()
            .any(|s| s.kind == DiffKind::Insert && s.text.contains("five")));
        assert_eq!(changed_lines(&old, &new), vec![(500, 1)]);
    }

    #[test]
    fn every_field_is_compared_with_hunks_for_text_and_sets_for_tags() {
        let from = fields("Plan", &["a", "b"], "one\ntwo\n");
        let to = fields("Plan", &["b", "c"], "one\n2\n");
        let diff = diff_fields((&from, Status::Draft), (&to, Status::Published));
        let changed: Vec<_> = diff.iter().filter(|d| d.changed).map(|d| d.field).collect();
        assert_eq!(changed, vec![Field::Tags, Field::Body, Field::Status]);
        assert_eq!(diff[2].added, vec!["c"]);
        assert_eq!(diff[2].removed, vec!["a"]);
        let body = &diff[3];
        assert_eq!(
            body.lines[0],
            Segment {
                kind: DiffKind::Equal,
                text: "one\n".into()
            }
        );
        assert_eq!(
            body.lines[1],
            Segment {
                kind: DiffKind::Delete,
                text: "two\n".into()
            }
        );
        assert_eq!(
            body.lines[2],
            Segment {
                kind: DiffKind::Insert,
                text: "2\n".into()
            }
        );
        assert!(body
            .words
            .iter()
            .any(|w| w.kind == DiffKind::Insert && w.text == "2"));
        assert_eq!(diff[4].from, "draft");
    }
}
