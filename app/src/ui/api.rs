//! How pages talk to the server: the REST API from the browser, and during server
//! rendering the same reads through `PageData`, on behalf of the request's cookie.

use std::future::Future;

use crate::{
    domain::Status,
    protocol::{
        etag, ApiFailure, Comment, CreateDoc, Credentials, Decided, Decisions, DocDiff, DocPage,
        Document, ListParams, MemberRequest, Members, NewComment, NewReview, NewSuggestion,
        NewThread, People, Preview, PreviewRequest, PutDoc, Resolution, ReviewSetup, Reviews,
        RevisionList, SuggestedValues, Suggestion, SuggestionList, Thread, ThreadList,
        TransitionRequest, UserRef,
    },
};

#[cfg(feature = "ssr")]
fn page_data() -> (
    Option<std::sync::Arc<dyn crate::ssr::PageData>>,
    Option<String>,
) {
    use leptos::prelude::use_context;
    // Absent only while the route list is generated at start-up, when nothing is awaited.
    let data = use_context::<std::sync::Arc<dyn crate::ssr::PageData>>();
    let cookie = use_context::<http::request::Parts>().and_then(|parts| {
        parts
            .headers
            .get(http::header::COOKIE)
            .and_then(|value| value.to_str().ok())
            .map(str::to_owned)
    });
    (data, cookie)
}

#[cfg(feature = "ssr")]
fn without_server(
    data: Option<std::sync::Arc<dyn crate::ssr::PageData>>,
) -> Result<std::sync::Arc<dyn crate::ssr::PageData>, ApiFailure> {
    data.ok_or_else(|| ApiFailure::network("Page data is not available outside a request."))
}

/// The signed-in user, or `None` when signed out.
pub fn me() -> impl Future<Output = Result<Option<UserRef>, ApiFailure>> + Send + 'static {
    #[cfg(feature = "ssr")]
    {
        let (data, cookie) = page_data();
        async move { without_server(data)?.me(cookie).await }
    }
    #[cfg(not(feature = "ssr"))]
    {
        browser(async move {
            match client::get::<UserRef>("/api/auth/me").await {
                Ok(user) => Ok(Some(user)),
                Err(failure) if failure.status == 401 => Ok(None),
                Err(failure) => Err(failure),
            }
        })
    }
}

pub fn list_docs(
    params: ListParams,
) -> impl Future<Output = Result<DocPage, ApiFailure>> + Send + 'static {
    #[cfg(feature = "ssr")]
    {
        let (data, cookie) = page_data();
        async move { without_server(data)?.list_docs(cookie, params).await }
    }
    #[cfg(not(feature = "ssr"))]
    {
        browser(async move { client::get(&format!("/api/docs?{}", query_string(&params))).await })
    }
}

pub fn get_doc(id: String) -> impl Future<Output = Result<Document, ApiFailure>> + Send + 'static {
    #[cfg(feature = "ssr")]
    {
        let (data, cookie) = page_data();
        async move { without_server(data)?.get_doc(cookie, id).await }
    }
    #[cfg(not(feature = "ssr"))]
    {
        browser(async move { client::get(&format!("/api/docs/{}", encode(&id))).await })
    }
}

/// The text of a document that opens in its read view, rendered by the server so the page
/// shows it before the client runs, with the revision it is of (`None` for a draft, which
/// opens as a form). In the browser the read view renders it itself. A pair, not a struct:
/// smaller code to read it in the browser.
pub fn opening_text(
    id: String,
) -> impl Future<Output = Result<Option<(i64, String)>, ApiFailure>> + Send + 'static {
    #[cfg(feature = "ssr")]
    {
        let (data, cookie) = page_data();
        async move {
            let data = without_server(data)?;
            let doc = data.get_doc(cookie, id).await?;
            Ok((doc.status != Status::Draft).then(|| (doc.rev, data.render(&doc.body))))
        }
    }
    #[cfg(not(feature = "ssr"))]
    {
        let _ = id;
        async move { Ok(None) }
    }
}

pub fn revisions(
    id: String,
) -> impl Future<Output = Result<RevisionList, ApiFailure>> + Send + 'static {
    #[cfg(feature = "ssr")]
    {
        let (data, cookie) = page_data();
        async move { without_server(data)?.revisions(cookie, id).await }
    }
    #[cfg(not(feature = "ssr"))]
    {
        browser(async move { client::get(&format!("/api/docs/{}/revisions", encode(&id))).await })
    }
}

/// An old revision, its text rendered with its threads' passages as they were then, and
/// those threads: a page only the server renders (ui/client.rs).
#[cfg(feature = "ssr")]
pub fn revision_shown(
    (id, rev): (String, i64),
) -> impl Future<Output = Result<(crate::protocol::Revision, String, Vec<Thread>), ApiFailure>>
       + Send
       + 'static {
    let (data, cookie) = page_data();
    async move {
        let data = without_server(data)?;
        let revision = data.revision(cookie.clone(), id.clone(), rev).await?;
        let threads = data.threads(cookie, id, Some(rev)).await?.items;
        let passages = crate::protocol::passages(&revision.body, &threads);
        let html = data.render_marked(&revision.body, &passages);
        Ok((revision, html, threads))
    }
}

/// A document, who may see it and its text rendered: the read view, which only the server
/// renders.
#[cfg(feature = "ssr")]
pub fn read_view(
    id: String,
) -> impl Future<Output = Result<ReadView, ApiFailure>> + Send + 'static {
    let (data, cookie) = page_data();
    async move {
        let data = without_server(data)?;
        let doc = data.get_doc(cookie.clone(), id.clone()).await?;
        let members = data.members(cookie.clone(), id.clone()).await?;
        let threads = data.threads(cookie.clone(), id.clone(), None).await?.items;
        let suggestions = data.suggestions(cookie.clone(), id.clone()).await?.items;
        let reviews = data.reviews(cookie, id).await?;
        let passages = crate::protocol::passages(&doc.body, &threads);
        let html = data.render_marked(&doc.body, &passages);
        Ok(ReadView {
            doc,
            members,
            html,
            threads,
            suggestions,
            reviews,
        })
    }
}

/// What the read view shows: the document, who has it, its text rendered, its threads.
#[derive(Clone, serde::Serialize, serde::Deserialize)]
pub struct ReadView {
    pub doc: Document,
    pub members: Members,
    pub html: String,
    pub threads: Vec<crate::protocol::Thread>,
    pub suggestions: Vec<Suggestion>,
    pub reviews: crate::protocol::Reviews,
}

pub fn members(id: String) -> impl Future<Output = Result<Members, ApiFailure>> + Send + 'static {
    #[cfg(feature = "ssr")]
    {
        let (data, cookie) = page_data();
        async move { without_server(data)?.members(cookie, id).await }
    }
    #[cfg(not(feature = "ssr"))]
    {
        browser(async move { client::get(&format!("/api/docs/{}/members", encode(&id))).await })
    }
}

pub async fn share(id: &str, request: MemberRequest) -> Result<Members, ApiFailure> {
    client::send_json(
        "POST",
        &format!("/api/docs/{}/members", encode(id)),
        &[],
        &request,
    )
    .await
}

pub async fn unshare(id: &str, name: &str) -> Result<(), ApiFailure> {
    client::send_empty(
        "DELETE",
        &format!("/api/docs/{}/members/{}", encode(id), encode(name)),
        &[],
    )
    .await
}

/// Moves a document to the trash, from the revision on screen (owners only).
pub async fn delete_doc(id: &str, rev: i64) -> Result<(), ApiFailure> {
    let url = format!("/api/docs/{}", encode(id));
    client::send_empty("DELETE", &url, &[("If-Match", etag(rev))]).await
}

/// The signed-in person's documents in the trash.
pub fn trash() -> impl Future<Output = Result<DocPage, ApiFailure>> + Send + 'static {
    #[cfg(feature = "ssr")]
    {
        let (data, cookie) = page_data();
        async move { without_server(data)?.trash(cookie).await }
    }
    #[cfg(not(feature = "ssr"))]
    {
        browser(async move { client::get("/api/trash").await })
    }
}

/// The person's notifications (the inbox page).
#[cfg(feature = "ssr")]
pub fn inbox() -> impl Future<Output = Result<crate::protocol::Inbox, ApiFailure>> + Send + 'static
{
    let (data, cookie) = page_data();
    async move { without_server(data)?.inbox(cookie).await }
}

/// How many of the person's notifications are unread (the header's badge).
pub fn unread() -> impl Future<Output = Result<u64, ApiFailure>> + Send + 'static {
    #[cfg(feature = "ssr")]
    {
        let (data, cookie) = page_data();
        async move { Ok(without_server(data)?.inbox(cookie).await?.unread) }
    }
    #[cfg(not(feature = "ssr"))]
    {
        browser(async move {
            let inbox: crate::protocol::Inbox = client::get("/api/notifications").await?;
            Ok(inbox.unread)
        })
    }
}

/// A document's comment threads, oldest first (the editor's comments).
pub async fn reviews(id: &str) -> Result<Reviews, ApiFailure> {
    client::get(&format!("/api/docs/{}/reviews", encode(id))).await
}

pub async fn set_reviews(id: &str, setup: &ReviewSetup) -> Result<Reviews, ApiFailure> {
    let url = format!("/api/docs/{}/reviews", encode(id));
    client::send_json("PUT", &url, &[], setup).await
}

pub async fn review(id: &str, review: &NewReview) -> Result<Reviews, ApiFailure> {
    let url = format!("/api/docs/{}/reviews", encode(id));
    client::send_json("POST", &url, &[], review).await
}

pub async fn suggestions(id: &str) -> Result<Vec<Suggestion>, ApiFailure> {
    let list: SuggestionList =
        client::get(&format!("/api/docs/{}/suggestions", encode(id))).await?;
    Ok(list.items)
}

pub async fn suggested_values(id: &str, suggestion: &str) -> Result<SuggestedValues, ApiFailure> {
    client::get(&format!(
        "/api/docs/{}/suggestions/{}/values",
        encode(id),
        encode(suggestion)
    ))
    .await
}

pub async fn suggest(id: &str, suggestion: &NewSuggestion) -> Result<Suggestion, ApiFailure> {
    let url = format!("/api/docs/{}/suggestions", encode(id));
    client::send_json("POST", &url, &[], suggestion).await
}

/// Accepting names the revision the decision was made on (`If-Match`); rejecting alone
/// needs none.
pub async fn decide(
    id: &str,
    suggestion: &str,
    rev: i64,
    decisions: &Decisions,
) -> Result<Decided, ApiFailure> {
    let url = format!(
        "/api/docs/{}/suggestions/{}/decisions",
        encode(id),
        encode(suggestion)
    );
    let headers: &[(&str, String)] = if decisions.accept.is_empty() {
        &[]
    } else {
        &[("If-Match", etag(rev))]
    };
    client::send_json("POST", &url, headers, decisions).await
}

/// Withdraws one's own open suggestion.
pub async fn withdraw(id: &str, suggestion: &str) -> Result<(), ApiFailure> {
    let url = format!(
        "/api/docs/{}/suggestions/{}",
        encode(id),
        encode(suggestion)
    );
    client::send_empty("DELETE", &url, &[]).await
}

pub async fn threads(id: &str) -> Result<Vec<Thread>, ApiFailure> {
    let list: ThreadList = client::get(&format!("/api/docs/{}/threads", encode(id))).await?;
    Ok(list.items)
}

pub async fn start_thread(id: &str, thread: &NewThread) -> Result<Thread, ApiFailure> {
    client::send_json(
        "POST",
        &format!("/api/docs/{}/threads", encode(id)),
        &[],
        thread,
    )
    .await
}

pub async fn reply(id: &str, thread: &str, comment: &NewComment) -> Result<Comment, ApiFailure> {
    let url = format!(
        "/api/docs/{}/threads/{}/comments",
        encode(id),
        encode(thread)
    );
    client::send_json("POST", &url, &[], comment).await
}

/// Rewrites one's own comment from the version shown (412 if it changed meanwhile).
pub async fn edit_comment(
    id: &str,
    thread: &str,
    comment: &Comment,
    text: String,
) -> Result<Comment, ApiFailure> {
    let url = comment_url(id, thread, &comment.id);
    let headers = [("If-Match", etag(comment.version))];
    client::send_json("PUT", &url, &headers, &NewComment { text }).await
}

/// Deletes one's own comment as shown (412 if it changed meanwhile).
pub async fn delete_comment(id: &str, thread: &str, comment: &Comment) -> Result<(), ApiFailure> {
    let url = comment_url(id, thread, &comment.id);
    client::send_empty("DELETE", &url, &[("If-Match", etag(comment.version))]).await
}

fn comment_url(id: &str, thread: &str, comment: &str) -> String {
    format!(
        "/api/docs/{}/threads/{}/comments/{}",
        encode(id),
        encode(thread),
        encode(comment)
    )
}

/// Resolves or reopens a thread from the version shown (412 if somebody did it first).
pub async fn resolve(
    id: &str,
    thread: &str,
    version: i64,
    resolved: bool,
) -> Result<Thread, ApiFailure> {
    let url = format!(
        "/api/docs/{}/threads/{}/resolution",
        encode(id),
        encode(thread)
    );
    client::send_json(
        "POST",
        &url,
        &[("If-Match", etag(version))],
        &Resolution { resolved },
    )
    .await
}

pub async fn people(prefix: &str) -> Result<People, ApiFailure> {
    client::get(&format!("/api/users?prefix={}", encode(prefix))).await
}

/// The people who can read the document whose names start with `prefix`: whom to mention.
pub async fn readers(doc_id: &str, prefix: &str) -> Result<People, ApiFailure> {
    client::get(&format!(
        "/api/docs/{}/people?prefix={}",
        encode(doc_id),
        encode(prefix)
    ))
    .await
}

/// `body` rendered, with `passages` (characters of it) highlighted.
pub async fn preview(
    body: String,
    passages: Vec<crate::protocol::Highlighted>,
) -> Result<Preview, ApiFailure> {
    let request = PreviewRequest { body, passages };
    client::send_json("POST", "/api/preview", &[], &request).await
}

pub fn diff(
    id: String,
    from: i64,
    to: i64,
) -> impl Future<Output = Result<DocDiff, ApiFailure>> + Send + 'static {
    #[cfg(feature = "ssr")]
    {
        let (data, cookie) = page_data();
        async move { without_server(data)?.diff(cookie, id, from, to).await }
    }
    #[cfg(not(feature = "ssr"))]
    {
        browser(async move {
            let url = format!("/api/docs/{}/diff?from={from}&to={to}", encode(&id));
            client::get(&url).await
        })
    }
}

pub async fn sign_in(credentials: Credentials) -> Result<UserRef, ApiFailure> {
    client::send_json("POST", "/api/auth/login", &[], &credentials).await
}

/// Creates with an idempotency key, so a retried or repeated create makes one document.
pub async fn create_doc(doc: CreateDoc, idempotency_key: &str) -> Result<Document, ApiFailure> {
    client::send_json(
        "POST",
        "/api/docs",
        &[("Idempotency-Key", idempotency_key.to_owned())],
        &doc,
    )
    .await
}

pub async fn transition(id: &str, base_rev: i64, to: Status) -> Result<Document, ApiFailure> {
    let url = format!("/api/docs/{}/transitions", encode(id));
    client::send_json(
        "POST",
        &url,
        &[("If-Match", etag(base_rev))],
        &TransitionRequest { to, base_rev: None },
    )
    .await
}

/// Restores an old revision as a new one, on top of `current_rev`.
/// Revision `rev`'s values as a new revision.
pub async fn restore(id: &str, rev: i64, current_rev: i64) -> Result<Document, ApiFailure> {
    on_revision(id, rev, "restore", current_rev).await
}

/// Takes back what revision `rev` changed, keeping later changes (a new revision).
pub async fn undo(id: &str, rev: i64, current_rev: i64) -> Result<Document, ApiFailure> {
    on_revision(id, rev, "undo", current_rev).await
}

/// `POST /api/docs/{id}/revisions/{rev}/{action}`, based on the revision on screen.
async fn on_revision(
    id: &str,
    rev: i64,
    action: &str,
    current_rev: i64,
) -> Result<Document, ApiFailure> {
    let url = format!("/api/docs/{}/revisions/{rev}/{action}", encode(id));
    client::send_json(
        "POST",
        &url,
        &[("If-Match", etag(current_rev))],
        &serde_json::json!({}),
    )
    .await
}

/// Saves every field with `If-Match` of the revision the editor is based on; retries of
/// one save send the same idempotency key.
/// With `merge`, a stale save that merges cleanly is merged and saved by the server in
/// the same request (`Prefer: merge=auto`).
pub async fn put_doc(
    id: &str,
    base_rev: i64,
    doc: PutDoc,
    idempotency_key: &str,
    merge: bool,
) -> Result<Document, ApiFailure> {
    let url = format!("/api/docs/{}", encode(id));
    let mut headers = vec![
        ("If-Match", etag(base_rev)),
        ("Idempotency-Key", idempotency_key.to_owned()),
    ];
    if merge {
        headers.push(("Prefer", "merge=auto".to_owned()));
    }
    client::send_json("PUT", &url, &headers, &doc).await
}

/// Query string of a list request; empty members are left out.
pub fn query_string(params: &ListParams) -> String {
    [
        ("q", &params.q),
        ("status", &params.status),
        ("tag", &params.tag),
        ("owner", &params.owner),
        ("sort", &params.sort),
        ("limit", &params.limit),
        ("cursor", &params.cursor),
    ]
    .into_iter()
    .filter_map(|(key, value)| {
        value
            .as_deref()
            .filter(|v| !v.is_empty())
            .map(|v| format!("{key}={}", encode(v)))
    })
    .collect::<Vec<_>>()
    .join("&")
}

/// Percent-encodes everything but unreserved characters (RFC 3986).
pub fn encode(raw: &str) -> String {
    raw.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Browser futures are not `Send`, but resources need `Send`; the wasm client is single-threaded.
#[cfg(all(feature = "hydrate", not(feature = "ssr")))]
fn browser<F: Future + 'static>(future: F) -> impl Future<Output = F::Output> + Send + 'static {
    send_wrapper::SendWrapper::new(future)
}

#[cfg(not(any(feature = "hydrate", feature = "ssr")))]
fn browser<F: Future + Send + 'static>(future: F) -> F {
    future
}

#[cfg(all(feature = "hydrate", not(feature = "ssr")))]
mod client {
    use gloo_net::http::{RequestBuilder, Response};
    use serde::{de::DeserializeOwned, Serialize};

    use crate::protocol::{ApiFailure, Problem};

    pub async fn get<T: DeserializeOwned>(url: &str) -> Result<T, ApiFailure> {
        read(
            RequestBuilder::new(url)
                .method(gloo_net::http::Method::GET)
                .send()
                .await,
        )
        .await
    }

    pub async fn send_json<B: Serialize, T: DeserializeOwned>(
        method: &str,
        url: &str,
        headers: &[(&str, String)],
        body: &B,
    ) -> Result<T, ApiFailure> {
        let mut builder = RequestBuilder::new(url).method(method_of(method));
        for (name, value) in headers {
            builder = builder.header(name, value);
        }
        let request = builder
            .json(body)
            .map_err(|e| ApiFailure::network(e.to_string()))?;
        read(request.send().await).await
    }

    pub async fn send_empty(
        method: &str,
        url: &str,
        headers: &[(&str, String)],
    ) -> Result<(), ApiFailure> {
        let mut builder = RequestBuilder::new(url).method(method_of(method));
        for (name, value) in headers {
            builder = builder.header(name, value);
        }
        let response = builder
            .send()
            .await
            .map_err(|e| ApiFailure::network(e.to_string()))?;
        if response.ok() {
            Ok(())
        } else {
            Err(failure(response).await)
        }
    }

    fn method_of(method: &str) -> gloo_net::http::Method {
        use gloo_net::http::Method;
        match method {
            "POST" => Method::POST,
            "PUT" => Method::PUT,
            "PATCH" => Method::PATCH,
            "DELETE" => Method::DELETE,
            _ => Method::GET,
        }
    }

    async fn read<T: DeserializeOwned>(
        sent: Result<Response, gloo_net::Error>,
    ) -> Result<T, ApiFailure> {
        let response = sent.map_err(|_| {
            ApiFailure::network(
                "The server could not be reached. Check your connection and try again.",
            )
        })?;
        if response.ok() {
            response
                .json::<T>()
                .await
                .map_err(|e| ApiFailure::network(e.to_string()))
        } else {
            Err(failure(response).await)
        }
    }

    async fn failure(response: Response) -> ApiFailure {
        let status = response.status();
        if status == 401 {
            crate::ui::browser::session_ended();
        }
        let problem = response.json::<Problem>().await.unwrap_or_else(|_| {
            Problem::new(
                status,
                "about:blank",
                "Request failed",
                format!("The server answered {status}."),
            )
        });
        ApiFailure {
            status,
            problem: Box::new(problem),
        }
    }
}

/// Outside a browser there is nobody to click: mutations are never sent from the server.
#[cfg(not(all(feature = "hydrate", not(feature = "ssr"))))]
mod client {
    use serde::{de::DeserializeOwned, Serialize};

    use crate::protocol::ApiFailure;

    #[allow(dead_code)]
    pub async fn get<T: DeserializeOwned>(_url: &str) -> Result<T, ApiFailure> {
        Err(ApiFailure::network(
            "Requests are only sent from the browser.",
        ))
    }

    pub async fn send_json<B: Serialize, T: DeserializeOwned>(
        _method: &str,
        _url: &str,
        _headers: &[(&str, String)],
        _body: &B,
    ) -> Result<T, ApiFailure> {
        Err(ApiFailure::network(
            "Requests are only sent from the browser.",
        ))
    }

    pub async fn send_empty(
        _method: &str,
        _url: &str,
        _headers: &[(&str, String)],
    ) -> Result<(), ApiFailure> {
        Err(ApiFailure::network(
            "Requests are only sent from the browser.",
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_strings_skip_empty_members_and_encode_values() {
        let params = ListParams {
            q: Some("a b&c".into()),
            status: Some(String::new()),
            tag: Some("q4".into()),
            ..Default::default()
        };
        assert_eq!(query_string(&params), "q=a%20b%26c&tag=q4");
    }
}
