//! The document list: search, filters, sorting and paging, all GET forms and links, so the
//! server renders it whole and the page runs no client.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use super::{api, time::RelativeTime, SignedIn};
use crate::protocol::{DocPage, ListParams};

#[component]
pub fn DocListPage() -> impl IntoView {
    view! {
        <SignedIn>
            <DocList/>
        </SignedIn>
    }
}

#[component]
fn DocList() -> impl IntoView {
    let query = use_query_map();
    let params = move || {
        let query = query.read();
        ListParams {
            q: query.get("q"),
            status: query.get("status"),
            tag: query.get("tag"),
            owner: query.get("owner"),
            sort: query.get("sort"),
            limit: query.get("limit"),
            cursor: query.get("cursor"),
        }
    };
    let page = Resource::new(params, api::list_docs);
    let current = move |key: &str| query.read().get(key).unwrap_or_default();
    let selected = move |status: &'static str| move || current("status") == status;

    view! {
        <div class="heading-row list">
            <h1>"Documents"</h1>
            <a href="/new" class="button">"New document"</a>
            <a href="/trash">"Trash"</a>
        </div>
        <form class="filters" method="get" action="/" role="search">
            <label for="q">"Search"</label>
            <input id="q" name="q" type="search" value=move || current("q")/>
            <label for="status">"Status"</label>
            <select id="status" name="status">
                <option value="">"Any"</option>
                <option value="draft" selected=selected("draft")>"Draft"</option>
                <option value="published" selected=selected("published")>"Published"</option>
                <option value="archived" selected=selected("archived")>"Archived"</option>
            </select>
            <label for="owner">"Whose"</label>
            <select id="owner" name="owner">
                <option value="">"Any"</option>
                <option value="me" selected=move || current("owner") == "me">"Owned by me"</option>
                <option value="others" selected=move || current("owner") == "others">"Shared with me"</option>
            </select>
            <label for="tag">"Tag"</label>
            <input id="tag" name="tag" value=move || current("tag")/>
            <label for="sort">"Sort by"</label>
            <select id="sort" name="sort">
                <option value="">"Last changed"</option>
                <option value="title" selected=move || current("sort") == "title">"Title"</option>
            </select>
            // A page size given in the address stays through filtering.
            {move || {
                let limit = current("limit");
                (!limit.is_empty()).then(|| view! { <input type="hidden" name="limit" value=limit/> })
            }}
            <button type="submit">"Filter"</button>
        </form>
        <Transition fallback=|| view! { <p>"Loading…"</p> }>
            {move || {
                page.get().map(|result| match result {
                    Ok(page) => view! { <DocTable page params=params()/> }.into_any(),
                    Err(failure) => view! { <p role="alert">{failure.problem.detail}</p> }.into_any(),
                })
            }}
        </Transition>
    }
}

#[component]
fn DocTable(page: DocPage, params: ListParams) -> impl IntoView {
    if page.items.is_empty() {
        let filtered = [
            &params.q,
            &params.status,
            &params.tag,
            &params.owner,
            &params.cursor,
        ]
        .iter()
        .any(|p| p.as_deref().is_some_and(|p| !p.is_empty()));
        if filtered {
            return view! { <p>"No documents match these filters." " " <a href="/">"Show all documents"</a></p> }.into_any();
        }
        return view! {
            <section class="empty" aria-label="No documents yet">
                <p>"No documents yet. Write the first one — others you share it with can edit it at the same time, and nobody's work is overwritten."</p>
                <a href="/new" class="button">"Create your first document"</a>
            </section>
        }
        .into_any();
    }
    let page_link = |cursor: String| {
        let other = ListParams {
            cursor: Some(cursor),
            ..params.clone()
        };
        format!("/?{}", api::query_string(&other))
    };
    let next = page.next_cursor.map(page_link);
    let previous = page.prev_cursor.map(page_link);
    let count = match page.total {
        1 => "1 document".to_owned(),
        n => format!("{n} documents"),
    };
    let rows = page
        .items
        .into_iter()
        .map(|doc| {
            view! {
                <tr>
                    <td>
                        <a href=format!("/docs/{}", doc.id)>{doc.title}</a>
                        {doc.snippet.map(|found| view! {
                            <p class="snippet">{found.before}<mark>{found.hit}</mark>{found.after}</p>
                        })}
                    </td>
                    <td data-label="Slug">{doc.slug}</td>
                    <td data-label="Status">{doc.status.as_str()}</td>
                    // A list, so tags read as separate words ("planning, q4"), not "planningq4".
                    <td class="tags" data-label="Tags">
                        <ul class="tags" aria-label="Tags">
                            {doc.tags.iter().map(|tag| view! {
                                <li><a href=format!("/?tag={tag}") title=format!("Documents tagged {tag}")>{tag.clone()}</a></li>
                            }).collect_view()}
                        </ul>
                    </td>
                    <td data-label="Last changed"><RelativeTime at=doc.updated_at/>{format!(" by {}", doc.updated_by.name)}</td>
                    <td data-label="Owner">{doc.owner.name}</td>
                    <td data-label="Your role">{doc.your_role.as_str()}</td>
                    <td data-label="Revision">{doc.rev}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <p class="count">{count}</p>
        <table class="docs">
            <thead>
                <tr>
                    <th scope="col">"Title"</th>
                    <th scope="col">"Slug"</th>
                    <th scope="col">"Status"</th>
                    <th scope="col">"Tags"</th>
                    <th scope="col">"Last changed"</th>
                    <th scope="col">"Owner"</th>
                    <th scope="col">"Your role"</th>
                    <th scope="col">"Revision"</th>
                </tr>
            </thead>
            <tbody>{rows}</tbody>
        </table>
        <nav class="pages" aria-label="Pages">
            {previous.map(|href| view! { <a href=href>"Previous page"</a> })}
            {next.map(|href| view! { <a href=href>"Next page"</a> })}
        </nav>
    }
    .into_any()
}
