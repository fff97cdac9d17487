//! Who has access to a document; its owner shares it by user name, changes roles and
//! removes people.

use leptos::{ev::SubmitEvent, prelude::*, task::spawn_local};

use super::{
    api, browser,
    later::{later, SplitLoaderError},
};
use crate::{
    domain::Role,
    protocol::{MemberRequest, Members},
};

/// "Sharing", folded: what is inside is fetched the first time it is opened (`ui::later`).
#[component]
pub fn SharePanel(doc_id: String, members: RwSignal<Members>) -> impl IntoView {
    let opened = RwSignal::new(false);
    let doc_id = StoredValue::new(doc_id);
    view! {
        <details class="share" on:toggle=move |_| opened.set(true)>
            <summary>"Sharing"</summary>
            {move || opened.get().then(|| later("sharing panel", move || sharing(doc_id.get_value(), members)))}
        </details>
    }
}

#[wasm_split_helpers::wasm_split(sharing, fallible)]
fn sharing(doc_id: String, members: RwSignal<Members>) -> Result<AnyView, SplitLoaderError> {
    Ok(view! { <Sharing doc_id members/> }.into_any())
}

#[component]
fn Sharing(doc_id: String, members: RwSignal<Members>) -> impl IntoView {
    let doc_id = StoredValue::new(doc_id);
    let name = RwSignal::new(String::new());
    let role = RwSignal::new(Role::Viewer);
    let message = RwSignal::new(String::new());
    // Why the name typed into the form was refused, shown at the field.
    let name_error = RwSignal::new(None::<String>);
    let owner = move || members.with(|m| m.your_role == Role::Owner);
    let matching = people_matching(name, members);

    // `typed`: the name came from the form, which keeps it (and says why at the field) when
    // it is refused, and empties only once it is shared.
    let set_role = move |who: String, to: Role, typed: bool| {
        spawn_local(async move {
            match api::share(
                &doc_id.get_value(),
                MemberRequest {
                    name: who.clone(),
                    role: to,
                },
            )
            .await
            {
                Ok(updated) => {
                    message.set(format!("{who} is now {} {}.", article(to), to.as_str()));
                    members.set(updated);
                    if typed && name.get_untracked().trim() == who {
                        name.set(String::new());
                    }
                }
                Err(failure) if typed => {
                    message.set(String::new());
                    name_error.set(Some(failure.problem.detail));
                }
                Err(failure) => message.set(format!("Not shared: {}", failure.problem.detail)),
            }
        });
    };
    let on_share = move |ev: SubmitEvent| {
        ev.prevent_default();
        let who = name.get_untracked().trim().to_owned();
        if !who.is_empty() {
            name_error.set(None);
            set_role(who, role.get_untracked(), true);
        }
    };
    let remove = move |who: String| {
        spawn_local(async move {
            let id = doc_id.get_value();
            match api::unshare(&id, &who).await {
                Ok(()) => {
                    message.set(format!("{who} no longer has access."));
                    members.update(|m| m.members.retain(|member| member.user.name != who));
                }
                Err(failure) => message.set(format!("Not removed: {}", failure.problem.detail)),
            }
        });
    };

    let rows = move || {
        members
            .get()
            .members
            .into_iter()
            .map(|member| {
                let who = member.user.name.clone();
                let select_id = format!("role-{}", member.user.id);
                let control = if owner() {
                    let (change, drop) = (who.clone(), who.clone());
                    view! {
                        <label class="sr-only" for=select_id.clone()>{format!("Role for {who}")}</label>
                        <select
                            id=select_id
                            on:change=move |ev| {
                                let to = if event_target_value(&ev) == "editor" { Role::Editor } else { Role::Viewer };
                                set_role(change.clone(), to, false);
                            }
                        >
                            <option value="editor" selected=member.role == Role::Editor>"editor"</option>
                            <option value="viewer" selected=member.role == Role::Viewer>"viewer"</option>
                        </select>
                        <button type="button" on:click=move |_| remove(drop.clone())>{format!("Remove {who}")}</button>
                    }
                    .into_any()
                } else {
                    view! { <span>{member.role.as_str()}</span> }.into_any()
                };
                view! { <li><span class="member">{member.user.name}</span> {control}</li> }
            })
            .collect_view()
    };

    view! {
            <p>{move || format!("Owner: {}", members.with(|m| m.owner.name.clone()))}</p>
            <ul class="members" aria-label="Members">{rows}</ul>
            <Show when=owner>
                <form class="share-form" on:submit=on_share>
                    <label for="share-name">"User name"</label>
                    <input
                        id="share-name"
                        autocomplete="off"
                        aria-describedby="share-name-error share-matching"
                        aria-invalid=move || name_error.with(Option::is_some).then_some("true")
                        bind:value=name
                        on:input=move |_| name_error.set(None)
                    />
                    <label for="share-role">"Role"</label>
                    <select
                        id="share-role"
                        on:change=move |ev| role.set(if event_target_value(&ev) == "editor" { Role::Editor } else { Role::Viewer })
                    >
                        <option value="viewer">"viewer"</option>
                        <option value="editor">"editor"</option>
                    </select>
                    <button type="submit">"Share"</button>
                    <p id="share-name-error" class="error">{move || name_error.get()}</p>
                </form>
                <ul id="share-matching" class="suggestions" aria-label="Matching people">
                    {move || {
                        matching
                            .get()
                            .into_iter()
                            .map(|who| {
                                let chosen = who.clone();
                                view! {
                                    <li>
                                        <button type="button" on:click=move |_| name.set(chosen.clone())>{who}</button>
                                    </li>
                                }
                            })
                            .collect_view()
                    }}
                </ul>
            </Show>
            <p role="status" class="status">{move || message.get()}</p>
    }
}

/// People whose names start with what is typed, not counting those who have access
/// already; asked a short pause after the last keystroke, and only the newest answer shown.
fn people_matching(name: RwSignal<String>, members: RwSignal<Members>) -> RwSignal<Vec<String>> {
    let found = RwSignal::new(Vec::<String>::new());
    let generation = StoredValue::new(0_u64);
    Effect::new(move |_| {
        let typed = name.get().trim().to_owned();
        generation.update_value(|g| *g += 1);
        let mine = generation.get_value();
        if typed.is_empty() {
            found.set(Vec::new());
            return;
        }
        spawn_local(async move {
            browser::sleep(std::time::Duration::from_millis(200)).await;
            if generation.get_value() != mine {
                return;
            }
            let Ok(people) = api::people(&typed).await else {
                return;
            };
            if generation.get_value() != mine {
                return;
            }
            let has_access = |who: &str| {
                members.with_untracked(|m| {
                    m.owner.name == who || m.members.iter().any(|member| member.user.name == who)
                })
            };
            found.set(
                people
                    .items
                    .into_iter()
                    .map(|person| person.name)
                    .filter(|who| !has_access(who))
                    .collect(),
            );
        });
    });
    found
}

fn article(role: Role) -> &'static str {
    match role {
        Role::Editor => "an",
        _ => "a",
    }
}
