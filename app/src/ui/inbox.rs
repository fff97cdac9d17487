//! The inbox (issue 23): the person's notifications, newest first, each saying who did what
//! where and linking to it; unread ones marked. Rendered whole by the server; "Mark read"
//! and "Mark all read" are forms the server answers with a redirect back here
//! (`server/src/pages/forms.rs`).

use leptos::prelude::*;

use super::{api, flash::FlashNote, time::RelativeTime, SignedIn};
use crate::protocol::{Notification, NotificationKind};

#[component]
pub fn InboxPage() -> impl IntoView {
    view! {
        <SignedIn>
            <InboxList/>
        </SignedIn>
    }
}

#[component]
fn InboxList() -> impl IntoView {
    let inbox = Resource::new(|| (), |_| api::inbox());
    view! {
        <div class="heading-row">
            <h1>"Inbox"</h1>
            <a href="/">"Back to the documents"</a>
        </div>
        <FlashNote/>
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || {
                inbox.get().map(|result| match result {
                    Ok(inbox) if inbox.items.is_empty() => view! {
                        <p>"Nothing here yet. Mentions, replies, comments on your documents and documents shared with you show up here."</p>
                    }
                    .into_any(),
                    Ok(inbox) => {
                        let unread = inbox.unread;
                        let items = inbox
                            .items
                            .into_iter()
                            .map(|notification| view! { <Item notification/> })
                            .collect_view();
                        view! {
                            <div class="inbox-head">
                                <p>{match unread {
                                    0 => "Everything is read.".to_owned(),
                                    1 => "1 unread.".to_owned(),
                                    n => format!("{n} unread."),
                                }}</p>
                                {(unread > 0).then(|| view! {
                                    <form method="post" action="/inbox">
                                        <input type="hidden" name="id" value=""/>
                                        <button type="submit">"Mark all read"</button>
                                    </form>
                                })}
                            </div>
                            <ol class="inbox" aria-label="Notifications">{items}</ol>
                        }
                        .into_any()
                    }
                    Err(failure) => view! { <p role="alert">{failure.problem.detail}</p> }.into_any(),
                })
            }}
        </Suspense>
    }
}

/// What happened, in a sentence.
pub fn sentence(notification: &Notification) -> String {
    let (who, title) = (&notification.by.name, &notification.doc_title);
    match notification.kind {
        NotificationKind::Mention => format!("{who} mentioned you on “{title}”"),
        NotificationKind::Reply => format!("{who} replied in a thread on “{title}”"),
        NotificationKind::Comment => format!("{who} commented on “{title}”"),
        NotificationKind::Shared => format!("{who} shared “{title}” with you"),
        NotificationKind::Suggestion => format!("{who} suggested changes to “{title}”"),
        NotificationKind::Decided => format!("{who} decided on your suggestion for “{title}”"),
        NotificationKind::ReviewRequested => {
            format!("{who} asked you to review “{title}”")
        }
        NotificationKind::Reviewed => format!("{who} reviewed “{title}”"),
    }
}

#[component]
fn Item(notification: Notification) -> impl IntoView {
    let said = sentence(&notification);
    let mark = format!("Mark “{said}” read");
    view! {
        <li class=if notification.read { "read" } else { "unread" }>
            <p>
                {(!notification.read).then(|| view! { <span class="badge new">"New"</span> " " })}
                <a href=notification.link.clone()>{said}</a>
                " · " <RelativeTime at=notification.at/>
            </p>
            {notification.excerpt.map(|text| view! { <p class="excerpt">{text}</p> })}
            {(!notification.read).then(|| view! {
                <form method="post" action="/inbox" class="row-actions">
                    <input type="hidden" name="id" value=notification.id.clone()/>
                    <button type="submit" aria-label=mark>"Mark read"</button>
                </form>
            })}
        </li>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::UserRef;

    #[test]
    fn each_kind_says_who_did_what_where() {
        let mut notification = Notification {
            id: "n".into(),
            kind: NotificationKind::Mention,
            doc_id: "d".into(),
            doc_title: "Plan".into(),
            thread_id: Some("t".into()),
            excerpt: None,
            by: UserRef {
                id: "u".into(),
                name: "bob".into(),
            },
            at: chrono::Utc::now(),
            read: false,
            link: "/docs/d#thread-t".into(),
        };
        assert_eq!(sentence(&notification), "bob mentioned you on “Plan”");
        notification.kind = NotificationKind::Shared;
        assert_eq!(sentence(&notification), "bob shared “Plan” with you");
        notification.kind = NotificationKind::ReviewRequested;
        assert_eq!(sentence(&notification), "bob asked you to review “Plan”");
    }
}
