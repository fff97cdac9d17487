//! `GET /api/openapi.json`: the OpenAPI 3.1 description of the API. Each handler carries its
//! own `#[utoipa::path]`, and the router is built from the same list (`utoipa_axum::routes!`),
//! so a route cannot exist without its description. This module holds what they share: the
//! problem bodies, the responses every change can get, and the session cookie.

use std::sync::LazyLock;

use axum::{http::header, response::IntoResponse};
use serde::Serialize;
use utoipa::{
    openapi::security::{ApiKey, ApiKeyValue, Http, HttpAuthScheme, SecurityScheme},
    IntoResponses, Modify, OpenApi, ToSchema,
};

use app::{
    domain::FieldError,
    protocol::{Document, StaleRevision},
};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Concord",
        description = "A collaborative document editor. Every change names the revision it was based on (`If-Match`, or `base_rev` in the body); a stale change is refused with everything needed to merge it. Errors are `application/problem+json` (RFC 9457).",
    ),
    modifiers(&SessionCookie),
    security(("session" = [])),
    components(schemas(ProblemDoc, StaleProblem))
)]
pub struct ApiDoc;

/// The whole description, built once from the router's own list of routes.
static DOCUMENT: LazyLock<String> = LazyLock::new(|| {
    let mut doc = serde_json::to_value(super::routes().into_openapi())
        .expect("the OpenAPI document serialises");
    camel_case_links(&mut doc);
    doc.to_string()
});

/// utoipa 5.5 writes a Link Object's `operationId` and `requestBody` in snake case, which
/// OpenAPI does not know: renamed here, in every response's `links`.
fn camel_case_links(doc: &mut serde_json::Value) {
    let paths = doc["paths"]
        .as_object_mut()
        .into_iter()
        .flat_map(|p| p.values_mut());
    let operations = paths
        .filter_map(serde_json::Value::as_object_mut)
        .flat_map(|item| item.values_mut());
    for operation in operations {
        let responses = operation
            .get_mut("responses")
            .and_then(|r| r.as_object_mut())
            .into_iter()
            .flatten();
        for (_, response) in responses {
            let links = response.get_mut("links").and_then(|l| l.as_object_mut());
            for link in links.into_iter().flat_map(|l| l.values_mut()) {
                let Some(link) = link.as_object_mut() else {
                    continue;
                };
                for (from, to) in [
                    ("operation_id", "operationId"),
                    ("operation_ref", "operationRef"),
                    ("request_body", "requestBody"),
                ] {
                    if let Some(value) = link.remove(from) {
                        link.insert(to.to_owned(), value);
                    }
                }
            }
        }
    }
}

/// The OpenAPI document, as every route of the router is described in it.
pub fn document() -> &'static str {
    &DOCUMENT
}

/// This API's description (OpenAPI 3.1).
#[utoipa::path(
    get, operation_id = "openapi",
    path = "/openapi.json",
    tag = "meta",
    security(()),
    responses((status = 200, description = "The OpenAPI 3.1 document", content_type = "application/json"))
)]
pub async fn serve() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "application/json"),
            (header::CACHE_CONTROL, "max-age=300"),
        ],
        document(),
    )
}

/// Sessions are an HTTP-only cookie set by sign-up and sign-in; `/metrics` may take a token.
struct SessionCookie;

impl Modify for SessionCookie {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "session",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::new(
                app::protocol::SESSION_COOKIE,
            ))),
        );
        components.add_security_scheme(
            "metrics_token",
            SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)),
        );
    }
}

/// An RFC 9457 problem. `type` is one of the relative URIs of the spec's status table;
/// `instance` names this occurrence (the request id), so its log lines can be found.
#[derive(Serialize, ToSchema)]
#[schema(as = Problem)]
pub struct ProblemDoc {
    #[serde(rename = "type")]
    #[schema(example = "/problems/not-found")]
    kind: String,
    title: String,
    status: u16,
    /// A sentence a person can act on.
    detail: String,
    instance: Option<String>,
    /// With `/problems/validation`: which field, and what is wrong with it.
    errors: Option<Vec<FieldError>>,
}

/// `/problems/stale-revision`: the problem plus everything needed to merge the change.
#[derive(Serialize, ToSchema)]
pub struct StaleProblem {
    #[serde(flatten)]
    problem: ProblemDoc,
    #[serde(flatten)]
    stale: StaleRevision,
}

const PROBLEM: &str = "application/problem+json";

/// The document at its new or current revision.
#[derive(IntoResponses)]
#[response(
    status = 200,
    headers(
        ("ETag" = String, description = "The revision as a strong validator, e.g. \"7\""),
        ("Cache-Control" = String, description = "private, no-cache")
    )
)]
pub struct DocOk(#[to_schema] pub Document);

/// Not signed in, or the session ended.
#[derive(IntoResponses)]
#[response(status = 401, content_type = PROBLEM)]
pub struct Unauthorized(pub ProblemDoc);

/// No such document, or no access to it (the API never tells which).
#[derive(IntoResponses)]
#[response(status = 404, content_type = PROBLEM)]
pub struct NotFound(pub ProblemDoc);

/// The person's role does not allow this, or an unsafe request came from another site.
#[derive(IntoResponses)]
#[response(status = 403, content_type = PROBLEM)]
pub struct Forbidden(pub ProblemDoc);

/// A query or path value that is not valid.
#[derive(IntoResponses)]
#[response(status = 422, content_type = PROBLEM)]
pub struct Invalid(pub ProblemDoc);

/// A request body the server refuses before anything changes.
#[derive(IntoResponses)]
#[allow(dead_code)] // Describes responses; never built.
pub enum BadBody {
    /// Malformed JSON.
    #[response(status = 400, content_type = PROBLEM)]
    Malformed(ProblemDoc),
    /// Larger than the limit (a 1 MiB body, escaped).
    #[response(status = 413, content_type = PROBLEM)]
    TooLarge(ProblemDoc),
    /// Not the media type the operation takes.
    #[response(status = 415, content_type = PROBLEM)]
    WrongType(ProblemDoc),
    /// A field value that breaks the rules (`errors` names each), an unknown field, or an
    /// idempotency key reused for another request.
    #[response(status = 422, content_type = PROBLEM)]
    Unprocessable(ProblemDoc),
}

/// A change refused because of the revision it was based on, or the document's state.
#[derive(IntoResponses)]
#[allow(dead_code, clippy::large_enum_variant)] // Describes responses; never built.
pub enum ChangeRefused {
    /// Neither `If-Match` nor `base_rev` was sent.
    #[response(status = 428, content_type = PROBLEM)]
    PreconditionRequired(ProblemDoc),
    /// `If-Match` names an older revision (weak tags never match).
    #[response(status = 412, content_type = PROBLEM)]
    Stale(StaleProblem),
    /// A stale `base_rev` (`/problems/stale-revision`), a slug another document has
    /// (`/problems/slug-taken`), a change the workflow state does not allow
    /// (`/problems/invalid-state`), an idempotency key still in flight, or an undo that
    /// clashes with later changes (`/problems/undo-conflict`, naming the `fields`).
    #[response(status = 409, content_type = PROBLEM)]
    Conflict(ProblemDoc),
}

/// A change to a thread or comment refused because of the version it was based on.
#[derive(IntoResponses)]
#[allow(dead_code)] // Describes responses; never built.
pub enum VersionRefused {
    /// No `If-Match` was sent.
    #[response(status = 428, content_type = PROBLEM)]
    PreconditionRequired(ProblemDoc),
    /// `If-Match` names an older version (`/problems/stale-version`).
    #[response(status = 412, content_type = PROBLEM)]
    Stale(ProblemDoc),
}

/// Too many attempts; `Retry-After` says when to try again.
#[derive(IntoResponses)]
#[response(status = 429, content_type = PROBLEM, headers(("Retry-After" = u64)))]
pub struct TooMany(pub ProblemDoc);

/// `PATCH /api/docs/{id}` (RFC 7396): only the fields being changed. A field cannot be
/// removed (`null`); `base_rev` stands in for `If-Match` where headers cannot be set.
#[derive(Serialize, ToSchema)]
#[serde(default, deny_unknown_fields)]
#[schema(as = DocPatch)]
#[derive(Default)]
pub struct DocPatch {
    title: String,
    slug: String,
    tags: Vec<String>,
    body: String,
    base_rev: i64,
}

/// The revision a change is based on: `"7"` from the `ETag`. `W/` tags never match.
pub const IF_MATCH: &str =
    "The ETag of the revision this change is based on (`\"7\"`, or the tag of a compressed read, `\"7-br\"`, `\"7-gzip\"`: the same revision). Without it (and without `base_rev`), 428.";
/// A retry of a save whose answer was lost gets the first answer instead of a false conflict.
pub const IDEMPOTENCY_KEY: &str = "1–255 visible ASCII characters; the same key with the same request replays the first answer (`Idempotent-Replayed: true`).";
/// RFC 7240.
pub const PREFER_MERGE: &str = "`merge=auto`: a stale save that merges cleanly with what was saved since its base is saved merged (`Preference-Applied: merge=auto`, `Merged-Over: 6` or `6-8`).";

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;
    use std::collections::BTreeSet;

    fn doc() -> Value {
        serde_json::from_str(document()).unwrap()
    }

    /// Every route of the spec (section 2) and the ones this API adds, by method and path.
    const ROUTES: &[(&str, &str)] = &[
        ("post", "/api/auth/signup"),
        ("post", "/api/auth/login"),
        ("post", "/api/auth/logout"),
        ("get", "/api/auth/me"),
        ("get", "/api/docs"),
        ("post", "/api/docs"),
        ("get", "/api/docs/{id}"),
        ("put", "/api/docs/{id}"),
        ("patch", "/api/docs/{id}"),
        ("delete", "/api/docs/{id}"),
        ("post", "/api/docs/{id}/transitions"),
        ("get", "/api/docs/{id}/revisions"),
        ("get", "/api/docs/{id}/revisions/{rev}"),
        ("post", "/api/docs/{id}/revisions/{rev}/restore"),
        ("post", "/api/docs/{id}/revisions/{rev}/undo"),
        ("get", "/api/docs/{id}/diff"),
        ("get", "/api/docs/{id}/members"),
        ("post", "/api/docs/{id}/members"),
        ("get", "/api/docs/{id}/people"),
        ("delete", "/api/docs/{id}/members/{name}"),
        ("get", "/api/docs/{id}/reviews"),
        ("put", "/api/docs/{id}/reviews"),
        ("post", "/api/docs/{id}/reviews"),
        ("get", "/api/docs/{id}/suggestions"),
        ("post", "/api/docs/{id}/suggestions"),
        ("post", "/api/docs/{id}/suggestions/{suggestion}/decisions"),
        ("delete", "/api/docs/{id}/suggestions/{suggestion}"),
        ("get", "/api/docs/{id}/suggestions/{suggestion}/values"),
        ("get", "/api/docs/{id}/threads"),
        ("post", "/api/docs/{id}/threads"),
        ("post", "/api/docs/{id}/threads/{thread}/comments"),
        ("put", "/api/docs/{id}/threads/{thread}/comments/{comment}"),
        (
            "delete",
            "/api/docs/{id}/threads/{thread}/comments/{comment}",
        ),
        ("post", "/api/docs/{id}/threads/{thread}/resolution"),
        ("get", "/api/notifications"),
        ("post", "/api/notifications/{id}/read"),
        ("post", "/api/notifications/read"),
        ("get", "/api/users"),
        ("post", "/api/preview"),
        ("get", "/api/trash"),
        ("post", "/api/trash/{id}/restore"),
        ("get", "/api/live"),
        ("get", "/api/openapi.json"),
        ("get", "/healthz"),
        ("get", "/readyz"),
        ("get", "/metrics"),
    ];

    fn operations(doc: &Value) -> BTreeSet<(String, String)> {
        let paths = doc["paths"].as_object().unwrap();
        paths
            .iter()
            .flat_map(|(path, item)| {
                let methods = item.as_object().unwrap().keys();
                methods.map(move |method| (method.clone(), path.clone()))
            })
            .collect()
    }

    #[test]
    fn the_document_is_openapi_3_1_and_describes_exactly_the_routes() {
        let doc = doc();
        assert_eq!(doc["openapi"], "3.1.0");
        let expected: BTreeSet<_> = ROUTES
            .iter()
            .map(|(m, p)| (m.to_string(), p.to_string()))
            .collect();
        assert_eq!(operations(&doc), expected);
    }

    /// The router is built from the described routes only: a plain axum route in the API
    /// modules would add one the document does not know.
    #[test]
    fn no_api_route_bypasses_the_description() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/src/http");
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            let source = std::fs::read_to_string(&path).unwrap();
            // Spelt in pieces, so this very file does not match.
            for plain in ["route", "route_service", "nest_service"].map(|m| format!(".{m}(")) {
                assert!(
                    !source.contains(plain.as_str()),
                    "{} adds a route with {plain} that /api/openapi.json cannot describe",
                    path.display()
                );
            }
        }
    }

    #[test]
    fn every_operation_is_named_answers_and_refuses_with_problems() {
        let doc = doc();
        let mut ids = BTreeSet::new();
        for (method, path) in operations(&doc) {
            let operation = &doc["paths"][&path][&method];
            let id = operation["operationId"].as_str().unwrap();
            assert!(ids.insert(id.to_owned()), "{id} is used twice");
            let responses = operation["responses"].as_object().unwrap();
            assert!(
                responses.keys().any(|s| s.starts_with('2') || s == "101"),
                "{method} {path} has no success"
            );
            for (status, response) in responses {
                let refusal = status.starts_with('4') || status.starts_with('5');
                if refusal {
                    assert!(
                        response["content"]["application/problem+json"].is_object(),
                        "{method} {path} {status} is not a problem"
                    );
                }
            }
        }
    }

    #[test]
    fn changes_name_their_revision_and_stale_ones_carry_the_merge() {
        let doc = doc();
        for (method, path) in [
            ("put", "/api/docs/{id}"),
            ("patch", "/api/docs/{id}"),
            ("delete", "/api/docs/{id}"),
            ("post", "/api/docs/{id}/transitions"),
            ("post", "/api/docs/{id}/revisions/{rev}/restore"),
            ("post", "/api/docs/{id}/revisions/{rev}/undo"),
        ] {
            let operation = &doc["paths"][path][method];
            let headers: Vec<_> = operation["parameters"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|p| p["in"] == "header")
                .map(|p| p["name"].as_str().unwrap())
                .collect();
            assert!(headers.contains(&"If-Match"), "{method} {path}");
            for status in ["412", "428", "409"] {
                assert!(
                    operation["responses"][status].is_object(),
                    "{method} {path} {status}"
                );
            }
            let stale = &operation["responses"]["412"]["content"]["application/problem+json"];
            assert_eq!(stale["schema"]["$ref"], "#/components/schemas/StaleProblem");
        }
        let read = &doc["paths"]["/api/docs/{id}"]["get"]["responses"];
        assert!(read["200"]["headers"]["ETag"].is_object());
        assert!(read["304"].is_object());
        let links = &doc["paths"]["/api/docs"]["post"]["responses"]["201"]["links"]["PutDoc"];
        assert_eq!(links["operationId"], "putDoc");
        assert_eq!(links["parameters"]["If-Match"], "$response.header.ETag");
    }
}
