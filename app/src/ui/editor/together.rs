//! Working together: who else is here, what others saved while you edit, and the same
//! document open in another tab of this browser.

use std::collections::BTreeSet;

use leptos::prelude::*;

use crate::{
    domain::Field,
    live::Viewer,
    protocol::{who_saved, DocDiff, YOU_ELSEWHERE},
    ui::diff::DiffView,
};

/// A newer revision than the one being edited, saved by somebody else (or elsewhere by me).
#[derive(Debug, Clone, PartialEq)]
pub struct RemoteChange {
    pub rev: i64,
    pub names: Vec<String>,
    pub fields: Vec<Field>,
    /// Every change came from this same person, in another tab or on another device.
    pub mine: bool,
    pub deleted: bool,
}

impl RemoteChange {
    /// What the banner says: who changed which fields, on top of `base_rev`.
    pub fn sentence(&self, base_rev: i64) -> String {
        if self.deleted {
            return format!(
                "{} deleted this document. Your text is still here; copy anything you want to keep.",
                self.who()
            );
        }
        let fields: Vec<&str> = self.fields.iter().map(|f| f.name()).collect();
        let what = if fields.is_empty() {
            "it".to_owned()
        } else {
            fields.join(", ")
        };
        format!(
            "{} saved revision {}, changing {what}, while you were editing revision {base_rev}.",
            self.who(),
            self.rev
        )
    }

    /// Folds a further change into this one.
    pub fn and(mut self, later: RemoteChange) -> RemoteChange {
        self.rev = self.rev.max(later.rev);
        for name in later.names {
            if !self.names.contains(&name) {
                self.names.push(name);
            }
        }
        for field in later.fields {
            if !self.fields.contains(&field) {
                self.fields.push(field);
            }
        }
        self.mine &= later.mine;
        self.deleted |= later.deleted;
        self
    }

    fn who(&self) -> String {
        who_saved(self.mine, self.names.iter().map(String::as_str))
    }
}

#[derive(Clone, Copy)]
pub struct Together {
    pub presence: RwSignal<Vec<Viewer>>,
    /// Everybody watching, including those not listed in `presence`.
    pub total: RwSignal<usize>,
    pub remote: RwSignal<Option<RemoteChange>>,
    pub shown: RwSignal<Option<DocDiff>>,
    pub other_tabs: RwSignal<BTreeSet<String>>,
    pub tabs_dismissed: RwSignal<bool>,
    pub connected: RwSignal<bool>,
}

impl Together {
    pub fn new() -> Together {
        Together {
            presence: RwSignal::new(Vec::new()),
            total: RwSignal::new(0),
            remote: RwSignal::new(None),
            shown: RwSignal::new(None),
            other_tabs: RwSignal::new(BTreeSet::new()),
            tabs_dismissed: RwSignal::new(false),
            connected: RwSignal::new(false),
        }
    }

    /// Adds a change to what is announced; changes at or below `base_rev` (ones the editor
    /// has caught up with, such as its own saves) are forgotten first.
    pub fn heard(self, change: RemoteChange, base_rev: i64) {
        self.remote.update(|remote| {
            *remote = Some(
                match remote.take().filter(|earlier| earlier.rev > base_rev) {
                    Some(earlier) => earlier.and(change),
                    None => change,
                },
            );
        });
    }
}

/// Everybody watching, with "you, in another tab" for this person's other sessions.
#[component]
pub fn WhoIsHere(
    presence: RwSignal<Vec<Viewer>>,
    total: RwSignal<usize>,
    me: Signal<Option<String>>,
    tab_id: String,
    connected: RwSignal<bool>,
) -> impl IntoView {
    let others = move || {
        let me = me.get();
        presence
            .get()
            .into_iter()
            .filter(|viewer| viewer.tab_id != tab_id)
            .map(|viewer| {
                let name = if Some(&viewer.user.id) == me.as_ref() {
                    YOU_ELSEWHERE.to_owned()
                } else {
                    viewer.user.name.clone()
                };
                let editing = if viewer.dirty { " — editing" } else { "" };
                view! { <li>{format!("{name}{editing}")}</li> }
            })
            .collect::<Vec<_>>()
    };
    view! {
        <section class="presence" aria-label="Who is here">
            {move || {
                let list = others();
                if list.is_empty() {
                    view! { <p>"Only you are here."</p> }.into_any()
                } else {
                    let unlisted = total.get().saturating_sub(presence.with(Vec::len));
                    let more = (unlisted > 0).then(|| format!("and {unlisted} more"));
                    view! { <p>"Also here:"</p> <ul>{list}</ul> {more} }.into_any()
                }
            }}
            {move || (!connected.get()).then(|| view! { <p class="muted">"Live updates are reconnecting…"</p> })}
        </section>
    }
}

/// Says who changed which fields as soon as they save, before this person saves.
#[component]
pub fn RemoteBanner(
    change: RemoteChange,
    base_rev: i64,
    shown: RwSignal<Option<DocDiff>>,
    on_show: Callback<(i64, i64)>,
    on_reload: Callback<()>,
) -> impl IntoView {
    let rev = change.rev;
    let text = change.sentence(base_rev);
    let deleted = change.deleted;
    view! {
        <section class="banner remote" aria-label="Changes by others">
            <p>{text}</p>
            {(!deleted).then(|| view! {
                <button type="button" on:click=move |_| on_show.run((base_rev, rev))>"Show changes"</button>
                <button type="button" class="primary" on:click=move |_| on_reload.run(())>"Reload and reapply"</button>
            })}
            {move || shown.get().map(|diff| view! { <DiffView diff/> })}
        </section>
    }
}

/// The same document in another tab of this browser: fine, and worth knowing.
#[component]
pub fn TabsBanner(
    other_tabs: RwSignal<BTreeSet<String>>,
    dismissed: RwSignal<bool>,
) -> impl IntoView {
    move || {
        (!other_tabs.with(BTreeSet::is_empty) && !dismissed.get()).then(|| {
            view! {
                <section class="banner tabs" aria-label="Other tabs">
                    <p>
                        "This document is also open in another tab of this browser. That's fine: "
                        "each tab shows the other's saves before you save, so nothing gets overwritten."
                    </p>
                    <button type="button" on:click=move |_| dismissed.set(true)>"Dismiss"</button>
                </section>
            }
        })
    }
}
