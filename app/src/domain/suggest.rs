//! Suggestions (issue 24): a change proposed on a revision, cut into hunks that are
//! accepted or rejected one by one. Accepting some of them is a three-way merge of just
//! those hunks onto the current document, the suggestion's revision being the base: every
//! change made since outside them is kept, each accepted hunk is applied once, and a hunk
//! whose words were changed since is outdated: it cannot be applied blindly.

use serde::{Deserialize, Serialize};

use super::merge::{changed_ranges, merge_tags, merge_text, tokens, TextMerge};
use super::{Field, Fields};

/// One change of a suggestion: in `field` of the base revision, `removed` (the body's bytes
/// `start..end`; the whole value for the title and the tags) gives way to `inserted`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Hunk {
    pub field: Field,
    pub start: usize,
    pub end: usize,
    pub removed: String,
    pub inserted: String,
}

/// The fields a suggestion may change: the slug is an address others link to, and the
/// status is the workflow's.
pub const SUGGESTED: [Field; 3] = [Field::Title, Field::Tags, Field::Body];

/// The hunks that turn `base` into `proposed`: the title and the tags each one hunk when
/// changed, the body one per run of changed words (words apart only by spaces are one run,
/// a line break parts them), in the order of the text.
pub fn hunks(base: &Fields, proposed: &Fields) -> Vec<Hunk> {
    let mut hunks = Vec::new();
    if base.title != proposed.title {
        hunks.push(whole(Field::Title, &base.title, &proposed.title));
    }
    if base.tags != proposed.tags {
        hunks.push(whole(
            Field::Tags,
            &base.tags.join(", "),
            &proposed.tags.join(", "),
        ));
    }
    hunks.extend(body_hunks(&base.body, &proposed.body));
    hunks
}

fn whole(field: Field, removed: &str, inserted: &str) -> Hunk {
    Hunk {
        field,
        start: 0,
        end: removed.len(),
        removed: removed.to_owned(),
        inserted: inserted.to_owned(),
    }
}

/// Lines first, for speed on long bodies; the changed lines again word by word.
fn body_hunks(base: &str, proposed: &str) -> Vec<Hunk> {
    let base_lines: Vec<&str> = base.split_inclusive('\n').collect();
    let new_lines: Vec<&str> = proposed.split_inclusive('\n').collect();
    let offsets = |lines: &[&str]| {
        let mut at = vec![0];
        for line in lines {
            at.push(at.last().copied().unwrap_or(0) + line.len());
        }
        at
    };
    let (base_at, new_at) = (offsets(&base_lines), offsets(&new_lines));
    let mut hunks: Vec<Hunk> = Vec::new();
    for (bs, be, ns, ne) in changed_ranges(&base_lines, &new_lines) {
        let (old, new) = (
            &base[base_at[bs]..base_at[be]],
            &proposed[new_at[ns]..new_at[ne]],
        );
        let (old_tokens, new_tokens) = (tokens(old), tokens(new));
        let (old_at, new_tokens_at) = (offsets(&old_tokens), offsets(&new_tokens));
        for (os, oe, ts, te) in changed_ranges(&old_tokens, &new_tokens) {
            let hunk = Hunk {
                field: Field::Body,
                start: base_at[bs] + old_at[os],
                end: base_at[bs] + old_at[oe],
                removed: old[old_at[os]..old_at[oe]].to_owned(),
                inserted: new[new_tokens_at[ts]..new_tokens_at[te]].to_owned(),
            };
            match hunks.last_mut() {
                Some(last) if joins(base, last, &hunk) => {
                    let between = &base[last.end..hunk.start];
                    last.removed = base[last.start..hunk.end].to_owned();
                    last.inserted = format!("{}{between}{}", last.inserted, hunk.inserted);
                    last.end = hunk.end;
                }
                _ => hunks.push(hunk),
            }
        }
    }
    hunks
}

/// Two changes apart only by spaces (not a line break) are one hunk to a reader.
fn joins(base: &str, last: &Hunk, next: &Hunk) -> bool {
    last.end <= next.start
        && base[last.end..next.start]
            .chars()
            .all(|c| c == ' ' || c == '\t')
}

/// `base`'s body with the hunks named by `chosen` applied (indices into `hunks`).
fn body_with(base: &str, hunks: &[Hunk], chosen: &[usize]) -> String {
    let mut picked: Vec<&Hunk> = chosen
        .iter()
        .filter_map(|&i| hunks.get(i))
        .filter(|h| h.field == Field::Body)
        .collect();
    picked.sort_by_key(|h| h.start);
    // A hunk named twice is applied once.
    picked.dedup_by(|a, b| std::ptr::eq(*a, *b));
    let mut text = String::with_capacity(base.len());
    let mut at = 0;
    for hunk in picked {
        text.push_str(&base[at..hunk.start]);
        text.push_str(&hunk.inserted);
        at = hunk.end;
    }
    text.push_str(&base[at..]);
    text
}

/// Why hunks cannot be accepted: the current document changed where they apply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outdated(pub Vec<usize>);

/// The current document with the `chosen` hunks of the suggestion `base` → `proposed`
/// applied onto it, or which of them are outdated. `done` are the hunks accepted earlier:
/// the current document holds them already, so the merge's base is the suggestion's
/// revision with them applied, and a hunk is never applied a second time. Indices out of
/// range are the caller's to refuse; here they are ignored.
pub fn accept(
    base: &Fields,
    proposed: &Fields,
    current: &Fields,
    done: &[usize],
    chosen: &[usize],
) -> Result<Fields, Outdated> {
    accept_among(
        base,
        proposed,
        &hunks(base, proposed),
        current,
        done,
        chosen,
    )
}

/// `accept` with the suggestion's hunks (`all`) already cut, for a caller asking of many.
pub fn accept_among(
    base: &Fields,
    proposed: &Fields,
    all: &[Hunk],
    current: &Fields,
    done: &[usize],
    chosen: &[usize],
) -> Result<Fields, Outdated> {
    let of = |field: Field, among: &[usize]| -> Vec<usize> {
        among
            .iter()
            .copied()
            .filter(|&i| all.get(i).is_some_and(|h| h.field == field))
            .collect()
    };
    let mut outdated = Vec::new();
    let mut result = current.clone();
    if !of(Field::Title, chosen).is_empty() {
        let was = if of(Field::Title, done).is_empty() {
            &base.title
        } else {
            &proposed.title
        };
        if current.title == *was || current.title == proposed.title {
            result.title = proposed.title.clone();
        } else {
            outdated.extend(of(Field::Title, chosen));
        }
    }
    if !of(Field::Tags, chosen).is_empty() && of(Field::Tags, done).is_empty() {
        result.tags = merge_tags(&base.tags, &current.tags, &proposed.tags);
    }
    let body_chosen = of(Field::Body, chosen);
    if !body_chosen.is_empty() {
        match merge_body(base, all, current, done, chosen) {
            Some(text) => result.body = text,
            None => {
                let alone: Vec<usize> = body_chosen
                    .iter()
                    .copied()
                    .filter(|&i| merge_body(base, all, current, done, &[i]).is_none())
                    .collect();
                // Each fits alone but not together: all of them are in question.
                outdated.extend(if alone.is_empty() { body_chosen } else { alone });
            }
        }
    }
    if outdated.is_empty() {
        Ok(result)
    } else {
        outdated.sort_unstable();
        outdated.dedup();
        Err(Outdated(outdated))
    }
}

/// The current body with the `chosen` hunks merged in over the base with `done` applied;
/// `None` where the current body changed the same words.
fn merge_body(
    base: &Fields,
    all: &[Hunk],
    current: &Fields,
    done: &[usize],
    chosen: &[usize],
) -> Option<String> {
    let before = body_with(&base.body, all, done);
    let both: Vec<usize> = done.iter().chain(chosen).copied().collect();
    let after = body_with(&base.body, all, &both);
    match merge_text(&before, &current.body, &after) {
        TextMerge::Clean(text) => Some(text),
        TextMerge::Conflict(_) => None,
    }
}

/// Whether hunk `index` of the suggestion can no longer be applied to `current` as it was
/// meant (the current document changed the same words), `done` having been accepted.
pub fn is_outdated(
    base: &Fields,
    proposed: &Fields,
    current: &Fields,
    done: &[usize],
    index: usize,
) -> bool {
    accept(base, proposed, current, done, &[index]).is_err()
}

#[cfg(test)]
#[path = "suggest_tests.rs"]
mod tests;
