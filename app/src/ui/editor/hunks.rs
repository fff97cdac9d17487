//! One field of the conflict panel: the changes each side made (in blocks with a little
//! context, never the whole text), and for a conflicting field one choice per hunk.

use std::collections::BTreeMap;

use leptos::prelude::*;

use crate::{
    domain::{
        diff::{change_blocks, changed_lines},
        merge::{
            word_pieces, ConflictHunk, FieldComparison, FieldState, FieldValue, MergeSegment,
            WordPiece,
        },
        resolve::{box_text, chosen_text, dropped_words, marked_text, FieldResolution, HunkChoice},
        Field,
    },
    ui::diff::Segments,
};

/// Unchanged lines shown around a change, and how many more "more context" reveals.
const CONTEXT: usize = 2;
const MORE_CONTEXT: usize = 10;

type Resolutions = RwSignal<BTreeMap<Field, FieldResolution>>;

fn state_label(state: FieldState) -> &'static str {
    match state {
        FieldState::Unchanged => "unchanged",
        FieldState::MineOnly => "changed by you",
        FieldState::TheirsOnly => "changed by them",
        FieldState::BothSame => "changed the same way by both",
        FieldState::BothMerged => "changed by both, merged",
        FieldState::BothConflict => "changed by both, conflict",
    }
}

fn text(value: &Option<FieldValue>) -> String {
    value.as_ref().map(FieldValue::as_text).unwrap_or_default()
}

/// How the panel names each side and its choices.
#[derive(Debug, Clone, PartialEq)]
pub struct Sides {
    pub theirs: &'static str,
    pub mine: &'static str,
    pub keep_mine: &'static str,
    pub take_theirs: &'static str,
    /// Whose words "take mine" would leave out: "Ann's", "your draft's".
    pub whose: String,
}

#[component]
pub fn FieldRow(compared: FieldComparison, resolution: Resolutions, sides: Sides) -> impl IntoView {
    let legend = format!(
        "{} — {}",
        compared.field.label(),
        state_label(compared.state)
    );
    let class = format!("row {}", compared.state.as_str());
    let base = text(&compared.base);
    let detail = match compared.state {
        FieldState::BothConflict => {
            view! { <ConflictingField compared resolution sides/> }.into_any()
        }
        FieldState::BothMerged => {
            let merged = text(&compared.merged);
            let kept = kept_changes(&base, &compared, &[]);
            view! {
                <p>{kept}</p>
                <h3>"Merged result"</h3>
                <Changes old=base new=merged/>
            }
            .into_any()
        }
        state => {
            let (heading, side) = match state {
                FieldState::TheirsOnly => ("Their change, applied", &compared.theirs),
                FieldState::BothSame => ("The same change on both sides", &compared.mine),
                _ => ("Your change", &compared.mine),
            };
            view! { <h3>{heading}</h3><Changes old=base new=text(side)/> }.into_any()
        }
    };
    view! {
        <fieldset class=class>
            <legend>{legend}</legend>
            {detail}
        </fieldset>
    }
}

/// The changed stretches between two texts, with a little context each.
#[component]
fn Changes(old: String, new: String) -> impl IntoView {
    change_blocks(&old, &new, CONTEXT)
        .into_iter()
        .map(|block| {
            view! {
                <div class="block">
                    <p class="where">{format!("From line {}", block.old_line)}</p>
                    <Segments segments=block.segments/>
                </div>
            }
        })
        .collect_view()
}

/// "Kept: their changes at line 7; yours at lines 2–3." — the clean changes outside
/// the conflicting hunks, which every resolution keeps.
fn kept_changes(base: &str, compared: &FieldComparison, hunks: &[ConflictHunk]) -> String {
    let outside = |side: &Option<FieldValue>| -> Vec<(usize, usize)> {
        changed_lines(base, &text(side))
            .into_iter()
            .filter(|&(start, count)| !hunks.iter().any(|h| in_hunk(h, start, count)))
            .collect()
    };
    let (theirs, mine) = (outside(&compared.theirs), outside(&compared.mine));
    let mut parts = Vec::new();
    if !theirs.is_empty() {
        parts.push(format!("their changes {}", describe_lines(&theirs)));
    }
    if !mine.is_empty() {
        parts.push(format!("your changes {}", describe_lines(&mine)));
    }
    if parts.is_empty() {
        "No other changes in this field.".to_owned()
    } else {
        format!("Merged and kept: {}.", parts.join("; "))
    }
}

fn in_hunk(hunk: &ConflictHunk, start: usize, count: usize) -> bool {
    let (h_start, h_end) = (hunk.base_line, hunk.base_line + hunk.base.lines().count());
    let end = start + count;
    (start < h_end && h_start < end) || start == h_start
}

fn describe_lines(ranges: &[(usize, usize)]) -> String {
    let parts: Vec<String> = ranges
        .iter()
        .map(|&(start, count)| match count {
            0 if start <= 1 => "at the start".to_owned(),
            0 => format!("after line {}", start - 1),
            1 => format!("at line {start}"),
            _ => format!("at lines {start}–{}", start + count - 1),
        })
        .collect();
    parts.join(", ")
}

#[component]
fn ConflictingField(
    compared: FieldComparison,
    resolution: Resolutions,
    sides: Sides,
) -> impl IntoView {
    let field = compared.field;
    let hunks = compared.hunks.clone();
    let count = hunks.len();
    let base = text(&compared.base);
    let kept = (field == Field::Body).then(|| kept_changes(&base, &compared, &hunks));
    let editing = move || resolution.with(|r| r.get(&field).is_some_and(|f| f.edited.is_some()));
    let marked = marked_text(&compared.segments, &hunks);
    let set_all = move |choice: HunkChoice| {
        resolution.update(|r| {
            r.insert(field, FieldResolution::all(choice.clone(), count));
        })
    };
    let toggle_edit = move |on: bool| {
        let marked = marked.clone();
        resolution.update(|r| {
            let entry = r.entry(field).or_default();
            entry.edited = on.then_some(marked);
        })
    };
    let edit_id = format!("merged-{}", field.name());
    let edit_label = format!("Merged {}", field.name());
    let segments = compared.segments.clone();
    let hunk_views = move || {
        hunks
            .iter()
            .cloned()
            .enumerate()
            .map(|(index, hunk)| {
                let (before, after) = context_of(&segments, index);
                view! {
                    <HunkView field index count hunk before after resolution sides=sides.clone()/>
                }
            })
            .collect_view()
    };
    let shortcuts = (count > 1).then(|| {
        view! {
            <div class="shortcuts" role="group" aria-label=format!("Every conflict in {}", field.name())>
                <button type="button" on:click=move |_| set_all(HunkChoice::Mine)>"All mine"</button>
                <button type="button" on:click=move |_| set_all(HunkChoice::Theirs)>"All theirs"</button>
            </div>
        }
    });
    view! {
        {kept.map(|kept| view! { <p>{kept}</p> })}
        {shortcuts}
        <label class="choice">
            <input
                type="checkbox"
                prop:checked=editing
                on:change=move |ev| toggle_edit(event_target_checked(&ev))
            />
            "Edit the merged text"
        </label>
        <Show
            when=editing
            fallback=hunk_views
        >
            <p class="hint">"Everything that merged is here; each conflict sits between the marker lines. Keep what you want and delete the markers."</p>
            <label for=edit_id.clone()>{edit_label.clone()}</label>
            <textarea
                id=edit_id.clone()
                rows="10"
                prop:value=move || resolution.with(|r| r.get(&field).and_then(|f| f.edited.clone()).unwrap_or_default())
                on:input=move |ev| {
                    let value = event_target_value(&ev);
                    resolution.update(|r| r.entry(field).or_default().edited = Some(value));
                }
            ></textarea>
        </Show>
    }
}

/// The hunk merged word by word, with the words both sides changed marked — where the
/// two sides share some text, so the clash is narrower than the lines.
#[component]
fn ClashingWords(
    hunk: ConflictHunk,
    /// Whose words each colour marks: "Their change", "Your change".
    theirs_label: &'static str,
    mine_label: &'static str,
) -> impl IntoView {
    let pieces = word_pieces(&hunk)?;
    let shared = pieces
        .iter()
        .any(|p| matches!(p, WordPiece::Same(text) if !text.trim().is_empty()));
    if !shared {
        return None;
    }
    let shown = |text: String| {
        if text.is_empty() {
            "(nothing)".to_owned()
        } else {
            text
        }
    };
    let line = pieces
        .into_iter()
        .map(|piece| match piece {
            WordPiece::Same(text) => view! { <span>{text}</span> }.into_any(),
            WordPiece::Clash { theirs, mine } => view! {
                <span class="clash">
                    <span class="sr-only">"their words: "</span>
                    <mark class="theirs" title=theirs_label>{shown(theirs)}</mark>
                    <span class="sr-only">", your words: "</span>
                    <mark class="mine" title=mine_label>{shown(mine)}</mark>
                </span>
            }
            .into_any(),
        })
        .collect_view();
    Some(view! {
        <div class="word-clash">
            <h3>"Where you both changed the same words"</h3>
            <p class="legend" aria-hidden="true">
                <span class="key theirs">{theirs_label}</span>
                <span class="key mine">{mine_label}</span>
            </p>
            <p class="words">{line}</p>
        </div>
    })
}

/// The clean text just before and after hunk `index`: (shown, more) on each side.
fn context_of(segments: &[MergeSegment], index: usize) -> (Context, Context) {
    let at = segments
        .iter()
        .position(|s| *s == MergeSegment::Hunk(index))
        .unwrap_or(0);
    let text_at = |i: Option<usize>| match i.and_then(|i| segments.get(i)) {
        Some(MergeSegment::Text(text)) => text.as_str(),
        _ => "",
    };
    let before: Vec<&str> = text_at(at.checked_sub(1)).split_inclusive('\n').collect();
    let after: Vec<&str> = text_at(Some(at + 1)).split_inclusive('\n').collect();
    let near_before = before.len().saturating_sub(CONTEXT);
    let far_before = near_before.saturating_sub(MORE_CONTEXT);
    let near_after = CONTEXT.min(after.len());
    let far_after = (near_after + MORE_CONTEXT).min(after.len());
    (
        Context {
            near: before[near_before..].concat(),
            more: before[far_before..near_before].concat(),
        },
        Context {
            near: after[..near_after].concat(),
            more: after[near_after..far_after].concat(),
        },
    )
}

#[derive(Clone)]
struct Context {
    near: String,
    more: String,
}

#[component]
fn HunkView(
    field: Field,
    index: usize,
    count: usize,
    hunk: ConflictHunk,
    before: Context,
    after: Context,
    resolution: Resolutions,
    sides: Sides,
) -> impl IntoView {
    let Sides {
        theirs: theirs_heading,
        mine: mine_heading,
        keep_mine,
        take_theirs,
        whose,
    } = sides;
    let legend = if field == Field::Body {
        format!(
            "Conflict {} of {count}, at line {}",
            index + 1,
            hunk.base_line
        )
    } else {
        format!("Conflict {} of {count}", index + 1)
    };
    // Undecided until the person chooses: no side is picked for them.
    let choice = move || resolution.with(|r| r.get(&field).and_then(|f| f.choice(index).cloned()));
    let set = move |picked: HunkChoice| {
        resolution.update(|r| r.entry(field).or_default().set(index, picked))
    };
    let name = choice_name(field, index);
    // The box starts from my lines, without the line break that ends the hunk.
    let mine_text = box_text(&hunk, &hunk.mine);
    let radio = {
        let name = name.clone();
        move |label: &'static str, pick: HunkChoice, first: bool| {
            let is = pick.clone();
            let same_kind =
                move |c: &HunkChoice| std::mem::discriminant(c) == std::mem::discriminant(&is);
            let mine_text = mine_text.clone();
            let id = first.then(|| first_choice_id(field, index));
            view! {
                <label class="choice">
                    <input
                        type="radio"
                        id=id
                        name=name.clone()
                        prop:checked=move || choice().is_some_and(|c| same_kind(&c))
                        on:change=move |_| set(match &pick {
                            HunkChoice::Edit(_) => HunkChoice::Edit(mine_text.clone()),
                            other => other.clone(),
                        })
                    />
                    {label}
                </label>
            }
        }
    };
    let edit_id = format!("hunk-{}-{index}", field.name());
    let edit_label = format!("Text for conflict {}", index + 1);
    let result_hunk = hunk.clone();
    let result = move || match choice() {
        Some(choice) => {
            let text = chosen_text(&result_hunk, &choice);
            if text.is_empty() {
                "(nothing)".to_owned()
            } else {
                text
            }
        }
        None => "Not chosen yet: pick one of the choices above.".to_owned(),
    };
    let dropped = {
        let hunk = hunk.clone();
        move || {
            let words = dropped_words(&hunk, &chosen_text(&hunk, &choice()?));
            (!words.is_empty())
                .then(|| format!("This leaves out {whose} words: {}", words.join(" ")))
        }
    };
    let context = |context: Context, more_first: bool| {
        let more = (!context.more.is_empty()).then(|| {
            view! { <details class="context"><summary>"More context"</summary><pre>{context.more.clone()}</pre></details> }
        });
        let near = (!context.near.is_empty())
            .then(|| view! { <pre class="context">{context.near.clone()}</pre> });
        if more_first {
            view! { {more} {near} }.into_any()
        } else {
            view! { {near} {more} }.into_any()
        }
    };
    view! {
        <fieldset class="hunk">
            <legend>{legend}</legend>
            {context(before, true)}
            <div class="sides">
                <div><h3>{theirs_heading}</h3><Segments segments=crate::domain::diff::inline_diff(&hunk.base, &hunk.theirs)/></div>
                <div><h3>{mine_heading}</h3><Segments segments=crate::domain::diff::inline_diff(&hunk.base, &hunk.mine)/></div>
            </div>
            <ClashingWords hunk=hunk.clone() theirs_label=theirs_heading mine_label=mine_heading/>
            {context(after, false)}
            <div class="choices">
                {radio(keep_mine, HunkChoice::Mine, true)}
                {radio(take_theirs, HunkChoice::Theirs, false)}
                {(field == Field::Body).then(|| radio("Keep both", HunkChoice::Both, false))}
                {radio("Edit this part", HunkChoice::Edit(String::new()), false)}
            </div>
            <Show when=move || matches!(choice(), Some(HunkChoice::Edit(_)))>
                <label for=edit_id.clone()>{edit_label.clone()}</label>
                <textarea
                    id=edit_id.clone()
                    rows="4"
                    prop:value=move || match choice() { Some(HunkChoice::Edit(text)) => text, _ => String::new() }
                    on:input=move |ev| set(HunkChoice::Edit(event_target_value(&ev)))
                ></textarea>
            </Show>
            <div class="result">
                <h3>"Result"</h3>
                <pre class=move || choice().is_none().then_some("undecided")>{result}</pre>
                {move || dropped().map(|text| view! { <p class="dropped">{text}</p> })}
            </div>
        </fieldset>
    }
}

fn choice_name(field: Field, index: usize) -> String {
    format!("choice-{}-{index}", field.name())
}

/// The id of a hunk's first choice: where "Save merged" takes the person when it is
/// still undecided.
pub fn first_choice_id(field: Field, index: usize) -> String {
    format!("{}-first", choice_name(field, index))
}
