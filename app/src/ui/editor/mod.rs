//! The editor: edit a document, save it against the revision it is based on, and get back
//! to a saved document when somebody else saved first — without losing a keystroke.

mod actions;
mod answers;
mod arrival;
mod arrived;
mod comments;
mod conflict;
mod discuss;
mod hunks;
mod mention;
mod mention_field;
mod mode;
mod offer;
mod own;
mod phase;
mod propose;
mod reviews;
mod standing;
mod suggestions;
mod sync;
mod together;

use leptos::{ev, prelude::*};
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use super::{
    api, browser,
    draft::{self, Draft},
    fields::{tags_from_input, tags_to_input, FieldInputs, FieldsForm},
    later::later,
    retry::Retrying,
    SignedIn,
};
use super::{
    live::{self, LiveEvent, LiveLink},
    preview::{PreviewPane, ReadView},
    share::SharePanel,
    tabs::{watch_tabs, TabPeers},
    Session,
};
use crate::live::{ClientMessage, ServerMessage};
use std::collections::BTreeMap;

use crate::{
    domain::{resolve::FieldResolution, Field, FieldError, Fields, Status},
    protocol::{Document, Members, Reviews},
    ui::suggested::Rights,
};
use arrival::{on_arrival, Arrived, Moment, OnArrival};
use arrived::ArrivalNote;
use comments::EditorComments;
use conflict::{conflict_panel, Conflict, Origin};
use mode::{effective, modes, Mode, Modes};
use offer::DraftOffer;
use phase::{Access, Event, Phase, Saving, Then};
use reviews::EditorReviews;
use suggestions::EditorSuggestions;
use together::{RemoteBanner, TabsBanner, Together, WhoIsHere};

#[component]
pub fn EditorPage() -> impl IntoView {
    view! {
        <SignedIn>
            <EditorLoader/>
        </SignedIn>
    }
}

#[component]
fn EditorLoader() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.read().get("id").unwrap_or_default();
    let doc = Resource::new(id, api::get_doc);
    let members = Resource::new(id, api::members);
    let text = Resource::new(id, api::opening_text);
    view! {
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || {
                let both = match (doc.get()?, members.get()?) {
                    (Ok(doc), Ok(members)) => Ok((doc, members)),
                    (Err(failure), _) | (_, Err(failure)) => Err(failure),
                };
                // Only the text of the revision the editor opens on is the text it shows.
                let text = text.get()?.ok().flatten();
                Some(match both {
                    Ok((doc, members)) => {
                        let text = text.filter(|(rev, _)| *rev == doc.rev).map(|(_, html)| html);
                        view! { <Editor doc members text/> }.into_any()
                    }
                    Err(failure) => view! {
                        <h1>"Document unavailable"</h1>
                        <p role="alert">{failure.problem.detail}</p>
                        <a href="/">"Back to the documents"</a>
                    }
                    .into_any(),
                })
            }}
        </Suspense>
    }
}

/// The editor's state. All signals, so it is `Copy` and every handler can hold it.
#[derive(Clone, Copy)]
struct EditorState {
    inputs: FieldInputs,
    /// The revision the inputs are based on: what a save's If-Match names.
    base: RwSignal<Document>,
    errors: RwSignal<Vec<FieldError>>,
    /// Free slugs offered after a slug clash.
    suggestions: RwSignal<Vec<String>>,
    status: RwSignal<String>,
    /// Where saving and access stand (phase.rs): one value, changed only by its events.
    phase: RwSignal<Phase>,
    /// This browser kept the latest local draft (storage can be full or refused).
    draft_kept: RwSignal<bool>,
    /// The person chose to let the server merge a stale save that merges cleanly.
    merge_on_save: RwSignal<bool>,
    /// My version saved as a new document: its id and title.
    copy: RwSignal<Option<(String, String)>>,
    conflict: RwSignal<Option<Conflict>>,
    /// The person's choices in the open conflict panel, per conflicting field.
    resolution: RwSignal<BTreeMap<Field, FieldResolution>>,
    /// Why saving the panel's resolution was refused (e.g. markers left in).
    refusal: RwSignal<Option<String>>,
    /// Drafts found on opening, oldest first, each waiting for the person to restore, copy
    /// or discard it. They stay in storage beside the form's own draft until then.
    offer: RwSignal<Vec<Draft>>,
    /// The stored draft has been read: until then nothing may be written over it.
    drafting: RwSignal<bool>,
    /// Who has access, including this person's own role.
    members: RwSignal<Members>,
    /// The signed-in person's id: their saves elsewhere are "you, in another tab".
    me: Signal<Option<String>>,
    /// Saves waiting to be retried, and "Retry now".
    retrying: Retrying,
    /// "Take others' changes as they arrive": on unless the person turned it off.
    following: RwSignal<bool>,
    /// An input method is composing: the form must not change under it.
    composing: RwSignal<bool>,
    /// The latest revision fetched to merge into the form is on its way.
    merging: RwSignal<bool>,
    /// The last arrival merged into the form, for its note and its undo.
    arrived: RwSignal<Option<Arrived>>,
    /// Moves on with every change to the document's threads: the comments are fetched again.
    discussed: RwSignal<u64>,
    /// Moves on with every change to the document's suggestions and reviews (and every new
    /// revision, which can outdate their hunks and approvals): they are fetched again.
    proposed: RwSignal<u64>,
    /// The person's choice of editing (a save makes a revision) or suggesting (it makes a
    /// suggestion); `mode_now` is what the form does.
    mode: RwSignal<Mode>,
    /// The note a suggestion is submitted with.
    note: RwSignal<String>,
    /// The review rule and verdicts: what may be edited directly follows them.
    reviews: RwSignal<Option<Reviews>>,
}

impl EditorState {
    fn new(doc: Document, members: Members, me: Signal<Option<String>>) -> EditorState {
        let status = RwSignal::new(String::new());
        EditorState {
            inputs: FieldInputs::new(&doc.title, &doc.slug, &doc.tags, &doc.body),
            base: RwSignal::new(doc),
            errors: RwSignal::new(Vec::new()),
            suggestions: RwSignal::new(Vec::new()),
            status,
            phase: RwSignal::new(Phase::default()),
            draft_kept: RwSignal::new(true),
            copy: RwSignal::new(None),
            merge_on_save: RwSignal::new(false),
            conflict: RwSignal::new(None),
            resolution: RwSignal::new(BTreeMap::new()),
            refusal: RwSignal::new(None),
            offer: RwSignal::new(Vec::new()),
            drafting: RwSignal::new(false),
            members: RwSignal::new(members),
            me,
            retrying: Retrying::new(status),
            following: RwSignal::new(true),
            composing: RwSignal::new(false),
            merging: RwSignal::new(false),
            arrived: RwSignal::new(None),
            discussed: RwSignal::new(0),
            proposed: RwSignal::new(0),
            mode: RwSignal::new(Mode::Edit),
            note: RwSignal::new(String::new()),
            reviews: RwSignal::new(None),
        }
    }

    /// Which of editing and suggesting this person is offered now.
    fn modes(self) -> Modes {
        let gated = self
            .reviews
            .with(|r| r.as_ref().is_some_and(|r| r.required));
        let role = self.members.with(|m| m.your_role);
        self.base.with(|d| modes(role, d.status, gated))
    }

    /// What the form's submit does now: the person's choice, as far as it is offered.
    fn mode_now(self) -> Mode {
        self.mode.with(|chosen| effective(chosen, self.modes()))
    }

    /// Who may decide on which suggestion.
    fn rights(self) -> Rights {
        let role = self.members.with(|m| m.your_role);
        let me = self.me.get();
        self.reviews.with(|r| {
            self.base
                .with(|d| Rights::new(role, d.status, r.as_ref(), me.as_deref()))
        })
    }

    /// Whether this person's role lets them change the document (owner or editor).
    fn may_edit(self) -> bool {
        let role_can_edit = self.members.with(|m| m.your_role.can_edit());
        self.phase.with(|p| p.may_edit(role_can_edit))
    }

    /// A save (or a status change) is on its way.
    fn saving(self) -> bool {
        self.phase.with(Phase::in_flight)
    }

    /// Tells the phase what happened and does what it answers.
    fn step(self, event: Event) {
        match self.phase.try_update(|p| p.on(event)) {
            Some(Then::Save) => self.save(),
            Some(Then::SaveMerging) => self.save_merging(true),
            Some(Then::Nothing) | None => {}
        }
    }

    /// Whether leaving now could lose work or leave it unsaved without the person knowing.
    fn at_risk(self, dirty: bool) -> bool {
        untrack(|| {
            let conflict = self.conflict.with(Option::is_some);
            self.phase
                .with(|p| p.at_risk(dirty, conflict, self.draft_kept.get()))
        })
    }

    /// Nothing can be saved or suggested: archived, no longer shared, or the person may
    /// only view and is not suggesting.
    fn readonly(self) -> bool {
        if self.mode_now().suggesting() {
            let member = self.phase.with(|p| p.may_edit(true));
            return !member || !self.modes().suggest;
        }
        !self.may_edit() || !self.modes().edit
    }

    /// What the person has typed, as field values (tags as a sorted set).
    fn mine(self) -> Fields {
        let mut tags = tags_from_input(&self.inputs.tags.get());
        tags.sort();
        tags.dedup();
        Fields {
            title: self.inputs.title.get(),
            slug: self.inputs.slug.get(),
            tags,
            body: self.inputs.body.get(),
        }
    }

    fn show(self, fields: &Fields) {
        self.inputs.title.set(fields.title.clone());
        self.inputs.slug.set(fields.slug.clone());
        self.inputs.tags.set(tags_to_input(&fields.tags));
        self.inputs.body.set(fields.body.clone());
    }
}

#[component]
fn Editor(
    doc: Document,
    members: Members,
    /// The read view's text as the server rendered it, when the editor opens reading.
    text: Option<String>,
) -> impl IntoView {
    let doc_id = doc.id.clone();
    // The server reads a page's title after rendering it, outside the request's reactive
    // arena (under load, inside another request's): a title read from a signal there
    // panicked, a 500 for one load in a few hundred. The server's title is the document's as
    // read; only the browser's follows the signal.
    #[cfg(feature = "ssr")]
    let title = leptos::text_prop::TextProp::from(format!("{} — Concord", doc.title));
    let session = expect_context::<Session>();
    let me = Signal::derive(move || session.0.get().and_then(|r| r.ok().flatten()).map(|u| u.id));
    let state = EditorState::new(doc, members, me);
    let may_edit = Memo::new(move |_| state.may_edit());
    let offered = Memo::new(move |_| state.modes());
    let doc_id_for_comments = doc_id.clone();
    let doc_id_for_suggestions = doc_id.clone();
    let doc_id_for_reviews = doc_id.clone();
    // The read view's text arrives after the page runs; the comments below it wait for it.
    let text_shown = RwSignal::new(false);
    // Shown once: reading again later, the text may have changed since the page loaded.
    let opening_text = StoredValue::new(text);
    let threads = RwSignal::new(None::<Result<Vec<crate::protocol::Thread>, String>>);
    // The open threads' passages, highlighted in the read view while it shows the saved text
    // (their places are in the saved text: in other words they would mark other words).
    // A memo: a reply, which moves no passage, asks for no new rendering.
    let passages = Memo::new(move |_| {
        threads.with(|t| match t {
            Some(Ok(list)) => state.base.with(|saved| {
                state
                    .inputs
                    .body
                    .with(|shown| discuss::highlights(shown, &saved.body, list))
            }),
            _ => Vec::new(),
        })
    });
    // Whoever may change the document may resolve its threads, also while it is archived.
    let may_resolve = Signal::derive(move || state.members.with(|m| m.your_role.can_edit()));
    let is_owner = Signal::derive(move || state.members.with(|m| m.your_role.can_share()));
    let EditorState {
        inputs,
        base,
        errors,
        suggestions,
        status,
        phase,
        draft_kept,
        copy,
        merge_on_save,
        conflict,
        resolution,
        refusal,
        offer,
        drafting,
        members,
        me: _,
        retrying,
        following,
        composing,
        merging: _,
        arrived,
        discussed,
        proposed,
        mode,
        note,
        reviews,
    } = state;
    let mode_now = Memo::new(move |_| state.mode_now());
    // The person's choice is kept in this browser for the document.
    Effect::new(move |first: Option<()>| {
        let kept = mode.with(mode::to_remember);
        if first.is_some() {
            let key = base.with_untracked(|d| suggesting_key(&d.id));
            if let Some(value) = kept {
                browser::storage_set(&key, value);
            } else {
                browser::storage_remove(&key);
            }
        }
    });
    let suggesting = Signal::derive(move || mode_now.with(Mode::suggesting));
    #[cfg(not(feature = "ssr"))]
    let title = move || format!("{} — Concord", base.with(|doc| doc.title.clone()));
    let saving = Signal::derive(move || state.saving());
    let revoked = Signal::derive(move || phase.with(|p| p.access == Access::Revoked));
    let trashed = Signal::derive(move || phase.with(|p| p.trashed_by().map(str::to_owned)));
    // Signed in again on this page after the session ended: the refused save is made now.
    Effect::new(move |_| {
        if !session.1.get() && phase.with_untracked(|p| p.saving == Saving::SessionEnded) {
            state.step(Event::SignedIn);
        }
    });

    // On opening (in the browser only): offer back a draft that differs from what is stored,
    // and take the person's merge-on-save choice from earlier visits.
    Effect::new(move |_| {
        // Typed into the server's form before the client ran: the person's text, kept.
        inputs.take_typed(browser::typed_early());
        merge_on_save.set(browser::storage_get(MERGE_ON_SAVE).as_deref() == Some("on"));
        following.set(browser::storage_get(FOLLOW).as_deref() != Some("off"));
        let current = base.get_untracked();
        if let Some(chosen) =
            mode::remembered(browser::storage_get(&suggesting_key(&current.id)).as_deref())
        {
            mode.set(chosen);
        }
        if let Some(found) = draft::load(&current.id) {
            offer.set(found.offers(&current.fields()));
        }
        drafting.set(true);
    });
    // Every keystroke is kept locally until the server confirms a save holding it, whatever
    // is on screen; drafts still offered are kept beside it.
    Effect::new(move |_| {
        let mine = state.mine();
        let doc = base.get();
        let mut pending = offer.get();
        // A draft being reconciled in the panel is kept until the person is done with it.
        pending.extend(conflict.with(|c| c.as_ref().and_then(Conflict::pending_draft)));
        if !drafting.get() {
            return;
        }
        if mine == doc.fields() && pending.is_empty() {
            draft::clear(&doc.id);
            draft_kept.set(true);
        } else {
            let kept = draft::save(&Draft {
                doc_id: doc.id.clone(),
                base_rev: doc.rev,
                base: doc.fields(),
                mine,
                saved_at: browser::now_rfc3339(),
                pending,
            });
            draft_kept.set(kept);
            if !kept {
                status.set("This browser is not keeping a local copy of your changes (storage unavailable). Save soon.".into());
            }
        }
    });

    let dirty = Memo::new(move |_| state.mine() != base.with(|d| d.fields()));
    // Leaving asks first while work could be lost or is not where the person thinks it is:
    // a save in flight, a save that failed, a conflict left open, or no local draft.
    let guard = StoredValue::new(None::<browser::LeaveGuard>);
    Effect::new(move |_| {
        guard.set_value(Some(browser::guard_leaving(
            move || state.at_risk(dirty.get_untracked()),
            "Leave this page? Your latest changes are not saved on the server yet.",
        )));
    });
    on_cleanup(move || guard.set_value(None));

    // Live: one socket for this tab, opened once the page runs in the browser.
    let tab_id = StoredValue::new(browser::tab_id());
    let together = Together::new();
    let inbox_news = use_context::<super::InboxNews>();
    // Plain (thread-safe) storage: server rendering may drop these on any thread.
    let link = StoredValue::new(None::<LiveLink>);
    let peers = StoredValue::new(None::<TabPeers>);
    Effect::new(move |_| {
        let doc_id = base.with_untracked(|d| d.id.clone());
        let opened = live::open(doc_id.clone(), tab_id.get_value(), move |event| {
            let connected = matches!(event, LiveEvent::Connected);
            if let (LiveEvent::Message(ServerMessage::Notified), Some(news)) = (&event, inbox_news)
            {
                news.0.update(|n| *n += 1);
            }
            state.on_live(event, together, me.get_untracked());
            if connected {
                let dirty = dirty.get_untracked();
                link.with_value(|l| {
                    l.as_ref().map(|l| {
                        l.send(ClientMessage::Editing {
                            doc_id: doc_id.clone(),
                            dirty,
                        })
                    })
                });
            }
        });
        link.set_value(Some(opened));
        let id = base.with_untracked(|d| d.id.clone());
        peers.set_value(Some(watch_tabs(
            &id,
            &tab_id.get_value(),
            together.other_tabs,
        )));
    });
    Effect::new(move |previous: Option<bool>| {
        let dirty = dirty.get();
        if previous.is_some_and(|p| p != dirty) || (previous.is_none() && dirty) {
            let doc_id = base.with_untracked(|d| d.id.clone());
            link.with_value(|l| {
                l.as_ref()
                    .map(|l| l.send(ClientMessage::Editing { doc_id, dirty }))
            });
        }
        dirty
    });
    let pagehide = window_event_listener(ev::pagehide, move |_| {
        peers.with_value(|p| p.as_ref().map(TabPeers::leave));
    });
    on_cleanup(move || {
        pagehide.remove();
        link.set_value(None);
        peers.set_value(None);
    });
    let remote = Memo::new(move |_| {
        let base_rev = base.with(|d| d.rev);
        together
            .remote
            .get()
            .filter(|change| change.rev > base_rev && !saving.get())
            .map(|change| (change, base_rev))
    });
    // What a newer revision does to this editor (arrival.rs decides): taken in place when
    // there is nothing of the person's to protect (SPEC 6), merged into their text as it
    // arrives, or left to a banner and "Reload and reapply".
    let on_news = Memo::new(move |_| {
        remote.get().map(|(change, _)| {
            on_arrival(Moment {
                dirty: dirty.get(),
                following: following.get(),
                saving: saving.get(),
                composing: composing.get(),
                deciding: conflict.with(|c| c.as_ref().is_some_and(|c| c.origin != Origin::Live)),
                offers: offer.with(|o| !o.is_empty()),
                deleted: change.deleted,
            })
        })
    });
    // Runs for every new revision, not only when the decision changes: a revision saved
    // while the last one was being merged is merged in turn.
    Effect::new(move |_| {
        let (Some((change, _)), Some(action)) = (remote.get(), on_news.get()) else {
            return;
        };
        match action {
            OnArrival::TakeInPlace => state.refresh_in_place(),
            OnArrival::Merge => state.merge_in(change),
            OnArrival::Later | OnArrival::Banner => {}
        }
    });
    // A clash that arrived while typing always shows the person's text as it is now, so a
    // choice is made on what they see; typing their way out of it closes it.
    Effect::new(move |_| {
        let mine = state.mine();
        let Some(open) = conflict.get_untracked() else {
            return;
        };
        if open.origin != Origin::Live || open.mine == mine {
            return;
        }
        match open.following(&mine) {
            Some(fresh) => state.keep_choices_into(fresh),
            None => conflict.set(None),
        }
    });
    // An input method's composition is never changed under it; the merge waits for its end.
    let composition = (
        window_event_listener(ev::compositionstart, move |_| composing.set(true)),
        window_event_listener(ev::compositionend, move |_| composing.set(false)),
    );
    on_cleanup(move || {
        composition.0.remove();
        composition.1.remove();
    });
    // A banner about revisions this editor has caught up with is history.
    Effect::new(move |_| {
        if remote.with(Option::is_none) {
            together.shown.set(None);
        }
    });
    let on_show =
        Callback::new(move |(from, to): (i64, i64)| state.show_changes(together, from, to));
    // Banners appear without focus moving: a polite notice tells screen-reader users.
    let notice = RwSignal::new(String::new());
    // Only where the banner waits for the person: with nothing unsaved the new revision is
    // taken in place, and the status line says so.
    Effect::new(move |_| {
        if let Some((change, base_rev)) = remote.get() {
            if on_news.get_untracked() == Some(OnArrival::Banner) && !change.deleted {
                notice.set(change.sentence(base_rev));
            }
        }
    });
    Effect::new(move |_| {
        if let Some(arrived) = arrived.get() {
            notice.set(format!("{}, merged into your text.", arrived.note));
        }
    });
    Effect::new(move |_| {
        if !together.other_tabs.with(|tabs| tabs.is_empty()) && !together.tabs_dismissed.get() {
            notice.set("This document is also open in another tab of this browser.".into());
        }
    });
    Effect::new(move |_| {
        if let Some(draft) = offer.with(|o| o.last().cloned()) {
            notice.set(format!(
                "You have unsaved changes to this document, based on revision {}. Restore or discard them above the form.",
                draft.base_rev
            ));
        }
    });
    let keydown = window_event_listener(ev::keydown, move |ev| {
        if (ev.ctrl_key() || ev.meta_key()) && ev.key().eq_ignore_ascii_case("s") {
            ev.prevent_default();
            state.save_or_resolve();
        }
    });
    on_cleanup(move || keydown.remove());

    let navigate = leptos_router::hooks::use_navigate();
    let on_trashed = Callback::new(move |_: ()| navigate("/trash", Default::default()));
    let archived = Signal::derive(move || base.with(|doc| !doc.status.is_editable()));
    // Readers get the page, not a form: viewers always, and everybody opening a published
    // document until an editor chooses "Edit".
    let read_chosen = RwSignal::new(
        !may_edit.get_untracked() || base.with_untracked(|d| d.status == Status::Published),
    );
    let on_update = Callback::new(move |id: String| {
        read_chosen.set(false);
        state.update_suggestion(id);
    });
    let choose = move |chosen: Mode| {
        mode.set(chosen);
        read_chosen.set(false);
    };
    // Archived documents are read, not shown as a greyed-out form — unless this person has
    // unsaved text on screen (somebody else archived it meanwhile): that text stays.
    let reading = Signal::derive(move || read_chosen.get() || (archived.get() && !dirty.get()));
    let readonly = Signal::derive(move || state.readonly());
    // Ticking a task box in the read view is a save of that one change.
    // Not tied to the save in flight: the page must not flip the boxes back meanwhile.
    let can_tick = Signal::derive(move || !readonly.get() && !suggesting.get());
    let on_tick = Callback::new(move |place: usize| state.tick(place));
    let on_save_merged = Callback::new(move |_| state.save_resolution(false));
    let on_undo_arrival = Callback::new(move |_| state.undo_arrival());
    let on_reload = Callback::new(move |_| state.reload_and_reapply());
    let on_panel_back = Callback::new(move |_| state.panel_back());
    let on_copy = Callback::new(move |_| state.save_copy(state.mine()));
    let on_copy_draft = Callback::new(move |draft: Draft| state.save_draft_copy(draft));
    let on_restore = Callback::new(move |draft: Draft| state.restore(draft));
    let on_discard = Callback::new(move |draft: Draft| state.discard(draft));
    let on_suggestion = Callback::new(move |slug: String| {
        inputs.slug.set(slug);
        state.save();
    });
    let transitions = move || {
        if !may_edit.get() {
            return None;
        }
        let current = base.with(|doc| doc.status);
        current
            .allowed_next()
            .iter()
            .map(|&to| {
                view! {
                    <button
                        type="button"
                        disabled=move || dirty.get() || saving.get()
                        title=move || dirty.get().then_some("Save your changes first")
                        on:click=move |_| state.transition(to)
                    >
                        {transition_label(to)}
                    </button>
                }
            })
            .collect_view()
            .into()
    };

    // Where the editor stands, derived from its state (standing.rs), never set by a handler.
    let standing_line = move || {
        standing::standing(&standing::Facts {
            rev: base.with(|d| d.rev),
            dirty: dirty.get(),
            saving: saving.get(),
            retrying: retrying.waiting.get(),
            choices: conflict.with(|c| {
                c.as_ref().map_or(0, |c| {
                    resolution.with(|r| c.undecided(r).map_or(0, |(_, count)| count))
                })
            }),
            readonly: readonly.get(),
            revoked: revoked.get(),
            trashed: trashed.with(Option::is_some),
            session_ended: phase.with(|p| p.saving == Saving::SessionEnded),
            merged: arrived.with(|a| a.as_ref().map(|a| (a.whose.clone(), a.rev))),
        })
        .line()
    };
    let status_line = move || {
        view! {
            <div class="status-row">
                <p role="status" class="status" aria-live="polite">{move || status.get()}</p>
                {move || retrying.waiting.get().then(|| view! {
                    <button type="button" on:click=move |_| retrying.retry_now()>"Retry now"</button>
                })}
            </div>
        }
    };
    // While a stale save's panel is open the form is still based on its old revision; the
    // header says which one it is being reconciled with.
    let resolving = move || {
        conflict.with(|c| {
            c.as_ref()
                .filter(|c| c.origin == conflict::Origin::Stale)
                .map(|c| format!(" · resolving against revision {}", c.current.rev))
        })
    };

    view! {
        <Title text=title/>
        <div class="heading-row">
            <h1>{move || base.with(|doc| doc.title.clone())}</h1>
            <p class="meta">
                {move || {
                    base.with(|doc| {
                        format!("Revision {} · {} · last saved by {}", doc.rev, doc.status.as_str(), doc.updated_by.name)
                    })
                }}
                {resolving}
            </p>
        </div>
        <div class="workflow" role="group" aria-label="Status">
            <span class=move || format!("badge {}", base.with(|d| d.status.as_str()))>
                {move || base.with(|d| d.status.as_str().to_owned())}
            </span>
            {transitions}
            <a href=move || format!("/docs/{}/history", base.with(|d| d.id.clone()))>"History"</a>
            <Show when=move || members.with(|m| m.your_role.can_share())>
                <button
                    type="button"
                    class="danger"
                    disabled=move || dirty.get() || saving.get()
                    title=move || dirty.get().then_some("Save your changes first")
                    on:click=move |_| state.move_to_trash(on_trashed)
                >
                    "Move to trash"
                </button>
            </Show>
        </div>
        {move || {
            if let Some(by) = trashed.get() {
                let who = if by.is_empty() { "Somebody".to_owned() } else { by };
                return Some(view! {
                    <div class="banner" role="region" aria-label="Moved to the trash">
                        <p>{format!("{who} moved this document to the trash. What you typed stays on this page until you leave it.")}</p>
                        <button type="button" on:click=move |_| on_copy.run(())>"Save my text as a new document"</button>
                    </div>
                }.into_any());
            }
            if revoked.get() {
                return Some(view! {
                    <div class="banner" role="region" aria-label="No longer shared">
                        <p>"This document is no longer shared with you. What you typed stays on this page until you leave it."</p>
                        <button type="button" on:click=move |_| on_copy.run(())>"Save my text as a new document"</button>
                    </div>
                }.into_any());
            }
            if !may_edit.get() {
                let owner = members.with(|m| m.owner.name.clone());
                Some(view! { <p class="banner">{format!("You can view this document and suggest changes to it. Ask {owner} for editor access to change it directly.")}</p> }.into_any())
            } else if may_edit.get() && offered.with(|o| o.suggest && !o.edit) {
                Some(view! { <p class="banner">"This published document requires approval: changes to it go through suggestions, which a named reviewer accepts."</p> }.into_any())
            } else {
                archived
                    .get()
                    .then(|| view! { <p class="banner">{"This document is archived and read-only. Restore it to draft to edit it.".to_owned()}</p> }.into_any())
            }
        }}
        <div class="sr-only" role="log" aria-label="Notices">{move || notice.get()}</div>
        <SharePanel doc_id=doc_id members/>
        <WhoIsHere presence=together.presence total=together.total me tab_id=tab_id.get_value() connected=together.connected/>
        <TabsBanner other_tabs=together.other_tabs dismissed=together.tabs_dismissed/>
        // One "Reload and reapply" on screen at a time: the panel's, else the banner's,
        // else the form's.
        {move || {
            remote
                .get()
                .filter(|(change, _)| {
                    conflict.with(Option::is_none)
                        && !change.deleted
                        && on_news.get() == Some(OnArrival::Banner)
                })
                .map(|(change, base_rev)| view! { <RemoteBanner change base_rev shown=together.shown on_show on_reload/> })
        }}
        {move || arrived.get().filter(|a| a.rev == base.with(|d| d.rev)).map(|arrived| view! { <ArrivalNote arrived shown=together.shown on_show on_undo=on_undo_arrival/> })}
        {move || offer.get().into_iter().map(|draft| view! { <DraftOffer draft on_restore on_discard on_copy=on_copy_draft/> }).collect_view()}
        {move || conflict.get().map(|conflict| {
            let suggesting = suggesting.get();
            later("conflict panel", move || {
                conflict_panel(conflict.clone(), resolution, refusal, on_save_merged, on_panel_back, on_copy, suggesting)
            })
        })}
        <Show
            when=move || reading.get()
            fallback=move || view! {
        <form
            class="doc"
            aria-label="Edit document"
            on:submit=move |ev: ev::SubmitEvent| {
                ev.prevent_default();
                state.save_or_resolve();
            }
        >
            <FieldsForm inputs errors readonly suggestions on_suggestion/>
            <ModeChoice mode mode_now offered note/>
            // The one status line sits in the sticky bar, in sight however long the document.
            <div class="actions" role="group" aria-label="Save">
                <button type="submit" disabled=move || saving.get() || readonly.get()>
                    {move || if suggesting.get() { "Submit suggestion" } else { "Save" }}
                </button>
                <Show when=move || conflict.with(Option::is_none) && remote.with(Option::is_none)>
                    <button type="button" disabled=move || readonly.get() on:click=move |_| state.reload_and_reapply()>
                        "Reload and reapply"
                    </button>
                </Show>
                <RememberedChoice on=merge_on_save key=MERGE_ON_SAVE label="Merge others' changes when I save"/>
                <RememberedChoice on=following key=FOLLOW label="Take others' changes as they arrive"/>
                <span class="hint">"Ctrl+S / ⌘S"</span>
                <span class="standing">{standing_line}</span>
                {status_line}
            </div>
        </form>
        <PreviewPane body=inputs.body/>
            }
        >
            <ReadView body=inputs.body on_tick can_tick shown_flag=text_shown first=opening_text.try_update_value(Option::take).flatten() passages/>
            {move || (!archived.get() && !revoked.get() && trashed.with(Option::is_none)).then(|| view! {
                <div class="actions">
                    <Show when=move || offered.with(|o| o.edit) && may_edit.get()>
                        <button type="button" class="primary" on:click=move |_| choose(Mode::Edit)>"Edit"</button>
                    </Show>
                    <Show when=move || offered.with(|o| o.suggest)>
                        <button type="button" on:click=move |_| choose(Mode::Suggest { replaces: None })>"Suggest changes"</button>
                    </Show>
                </div>
            })}
            {status_line}
        </Show>
        <EditorSuggestions doc_id=doc_id_for_suggestions base rights=Signal::derive(move || state.rights()) proposed on_update/>
        <EditorReviews doc_id=doc_id_for_reviews base owner=is_owner me proposed reviews/>
        <EditorComments doc_id=doc_id_for_comments body=inputs.body base may_resolve discussed
            after=Signal::derive(move || !reading.get() || text_shown.get()) threads me/>
        {move || copy.get().map(|(id, title)| view! {
            <p><a href=format!("/docs/{id}")>{format!("Open your version, “{title}”")}</a></p>
        })}
    }
}

/// Editing or suggesting, where both are offered; the note a suggestion goes with.
#[component]
fn ModeChoice(
    /// The person's choice.
    mode: RwSignal<Mode>,
    /// What the form does, their choice as far as it is offered.
    mode_now: Memo<Mode>,
    offered: Memo<Modes>,
    note: RwSignal<String>,
) -> impl IntoView {
    let suggesting = move || mode_now.with(Mode::suggesting);
    let updating = move || mode_now.with(|m| matches!(m, Mode::Suggest { replaces: Some(_) }));
    view! {
        <Show when=move || offered.with(|o| o.edit && o.suggest)>
            <fieldset class="mode">
                <legend>"Your changes"</legend>
                <label class="choice">
                    <input type="radio" name="mode" prop:checked=move || !suggesting()
                        on:change=move |_| mode.set(Mode::Edit)/>
                    "Edit: saving changes the document"
                </label>
                <label class="choice">
                    <input type="radio" name="mode" prop:checked=suggesting
                        on:change=move |_| if !suggesting() { mode.set(Mode::Suggest { replaces: None }) }/>
                    "Suggest: the document changes once an editor accepts"
                </label>
            </fieldset>
        </Show>
        <Show when=suggesting>
            <p class="hint">{move || if updating() {
                "You are updating your suggestion: submitting it replaces the old one."
            } else {
                "You are suggesting: your changes are sent for review, the document does not change yet."
            }}</p>
            <label for="suggestion-note">"Note for the reviewers (optional)"</label>
            <input id="suggestion-note" maxlength="10000" prop:value=move || note.get()
                on:input=move |ev| note.set(event_target_value(&ev))/>
        </Show>
    }
}

/// A checkbox whose choice this browser keeps for every document.
#[component]
fn RememberedChoice(on: RwSignal<bool>, key: &'static str, label: &'static str) -> impl IntoView {
    view! {
        <label class="choice">
            <input
                type="checkbox"
                prop:checked=move || on.get()
                on:change=move |ev| {
                    let checked = event_target_checked(&ev);
                    on.set(checked);
                    browser::storage_set(key, if checked { "on" } else { "off" });
                }
            />
            {label}
        </label>
    }
}

/// Where this browser keeps that the person chose to suggest on a document.
fn suggesting_key(doc_id: &str) -> String {
    format!("concord:suggesting:{doc_id}")
}

/// Where the "Merge others' changes when I save" choice is kept, for every document.
const MERGE_ON_SAVE: &str = "concord:merge-on-save";
/// Where the "Take others' changes as they arrive" choice is kept, for every document.
const FOLLOW: &str = "concord:follow";

fn transition_label(to: Status) -> &'static str {
    match to {
        Status::Published => "Publish",
        Status::Archived => "Archive",
        Status::Draft => "Restore to draft",
    }
}
