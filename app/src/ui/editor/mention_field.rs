//! A comment's text field that offers the document's readers once `@` is typed (issue 23).
//! What is being typed, what a key does and the text once someone is picked are decided in
//! `mention.rs`; this draws the offer and wires the keys.

use leptos::{ev::KeyboardEvent, prelude::*, task::spawn_local};

use super::mention::{picked, typed, Offer, Step};
use crate::ui::{api, browser};

#[component]
pub(super) fn MentionField(
    doc_id: StoredValue<String>,
    id: String,
    rows: u32,
    value: Signal<String>,
    on_input: Callback<String>,
    /// When the field takes the focus.
    #[prop(optional)]
    on_focus: Option<Callback<()>>,
) -> impl IntoView {
    let offer = RwSignal::new(None::<Offer>);
    let asked = StoredValue::new(0_u64);
    let field = StoredValue::new(id.clone());
    let list_id = format!("{id}-people");
    let option_id = StoredValue::new(format!("{list_id}-"));
    // Asks who can be mentioned for the name at the caret; only the newest answer counts,
    // and an unanswered question offers nobody rather than claiming nobody can read it.
    let look = move |text: &str| {
        asked.update_value(|n| *n += 1);
        let caret = browser::selection_in(&field.get_value()).filter(|(s, e)| s == e);
        let Some(typed) = caret.and_then(|(c, _)| typed(text, c as usize)) else {
            offer.set(None);
            return;
        };
        let this = asked.get_value();
        spawn_local(async move {
            let people = api::readers(&doc_id.get_value(), &typed.prefix).await;
            if asked.get_value() != this {
                return;
            }
            offer.set(
                people
                    .ok()
                    .map(|p| Offer::new(typed, p.items.into_iter().map(|u| u.name).collect())),
            );
        });
    };
    let pick = move |name: String| {
        let Some(shown) = offer.get_untracked() else {
            return;
        };
        let (text, caret) = picked(&value.get_untracked(), &shown.typed, &name);
        offer.set(None);
        if let Some(mut focused) = browser::focused_field().filter(|f| f.id == field.get_value()) {
            let caret = u32::try_from(caret).unwrap_or(u32::MAX);
            (focused.start, focused.end) = (caret, caret);
            browser::put_into_focused(&focused, &text);
        }
        on_input.run(text);
    };
    let keyed = move |ev: KeyboardEvent| {
        let step = offer
            .try_update(|o| o.as_mut().map(|o| o.key(&ev.key())))
            .flatten();
        match step {
            Some(Step::Moved) => ev.prevent_default(),
            Some(Step::Close) => {
                ev.prevent_default();
                offer.set(None);
            }
            Some(Step::Pick(name)) => {
                ev.prevent_default();
                pick(name);
            }
            Some(Step::Pass) | None => {}
        }
    };
    let active = move || {
        offer.with(|o| {
            o.as_ref()
                .filter(|o| !o.people.is_empty())
                .map(|o| format!("{}{}", option_id.get_value(), o.active))
        })
    };
    // At most ten, drawn again whole on each change: a keyed list would weigh more.
    let options = move || {
        offer.with(|o| {
            let Some(o) = o else {
                return Vec::new();
            };
            o.people
                .iter()
                .enumerate()
                .map(|(i, name)| {
                    let picked = name.clone();
                    view! {
                        <li role="option" id=format!("{}{i}", option_id.get_value())
                            aria-selected=(i == o.active).to_string()
                            // Pressed, not clicked: the field keeps the focus and its caret.
                            on:mousedown=move |ev| {
                                ev.prevent_default();
                                pick(picked.clone());
                            }
                        >{format!("@{name}")}</li>
                    }
                })
                .collect_view()
        })
    };
    view! {
        <textarea id=id required maxlength="10000" rows=rows
            aria-autocomplete="list" aria-controls=list_id.clone()
            aria-activedescendant=active
            prop:value=move || value.get()
            on:input=move |ev| {
                let text = event_target_value(&ev);
                on_input.run(text.clone());
                look(&text);
            }
            on:click=move |_| look(&value.get_untracked())
            on:keydown=keyed
            on:focus=move |_| {
                if let Some(focus) = on_focus {
                    focus.run(());
                }
            }
            on:blur=move |_| offer.set(None)
        ></textarea>
        <ul id=list_id class="mention-offer" role="listbox" aria-label="People to mention"
            hidden=move || offer.with(|o| o.as_ref().is_none_or(|o| o.people.is_empty()))>
            {options}
        </ul>
        <p class="mention-said" role="status">{move || offer.with(|o| o.as_ref().map(Offer::said))}</p>
    }
}
