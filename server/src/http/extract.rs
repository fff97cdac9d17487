//! Request parsing that turns every kind of bad input into the right problem:
//! content type (415), size (413), syntax (400), types and unknown fields (422),
//! and the revision a change is based on (428 when missing).

use axum::{
    body::Bytes,
    extract::{FromRequest, FromRequestParts, Request},
    http::{header, request::Parts, HeaderMap},
};
use serde::de::DeserializeOwned;

use super::error::ApiError;
use crate::service::strong_rev;
pub use crate::service::Precondition;

/// A document body may be 1 MiB; JSON escaping can double that, plus the other fields.
pub const REQUEST_LIMIT: usize = 2 * app::domain::BODY_MAX_BYTES + 64 * 1024;

/// A JSON request body (`application/json`).
pub struct JsonBody<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for JsonBody<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        require_media_type(req.headers(), &["application/json"])?;
        let bytes = read_body(req, state).await?;
        parse_json(&bytes).map(JsonBody)
    }
}

/// A JSON body that may be left out entirely (no body, no content type): then `T::default()`.
pub struct OptionalJsonBody<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned + Default> FromRequest<S> for OptionalJsonBody<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        let typed = req.headers().contains_key(header::CONTENT_TYPE);
        let headers = req.headers().clone();
        let bytes = read_body(req, state).await?;
        if bytes.is_empty() && !typed {
            return Ok(OptionalJsonBody(T::default()));
        }
        require_media_type(&headers, &["application/json"])?;
        // `null` says "nothing" as well as no body does.
        parse_json::<Option<T>>(&bytes).map(|given| OptionalJsonBody(given.unwrap_or_default()))
    }
}

/// The query string as `T`'s parameters; one that does not parse is a 422 naming why.
pub struct QueryParams<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for QueryParams<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, ApiError> {
        axum::extract::Query::<T>::try_from_uri(&parts.uri)
            .map(|query| QueryParams(query.0))
            .map_err(|rejection| {
                ApiError::validation(
                    "query",
                    format!("Invalid query: {}.", rejection.body_text()),
                )
            })
    }
}

/// An RFC 7396 merge patch (`application/merge-patch+json`), as a JSON object.
pub struct MergePatch(pub serde_json::Map<String, serde_json::Value>);

impl<S: Send + Sync> FromRequest<S> for MergePatch {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        require_media_type(req.headers(), &["application/merge-patch+json"])?;
        let bytes = read_body(req, state).await?;
        match parse_json::<serde_json::Value>(&bytes)? {
            serde_json::Value::Object(map) => Ok(MergePatch(map)),
            _ => Err(ApiError::validation(
                "",
                "A merge patch must be a JSON object of the fields to change.",
            )),
        }
    }
}

fn require_media_type(headers: &HeaderMap, accepted: &[&str]) -> Result<(), ApiError> {
    let given = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(|v| {
            v.split(';')
                .next()
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase()
        });
    match given {
        Some(media) if accepted.contains(&media.as_str()) => Ok(()),
        _ => Err(ApiError::UnsupportedMediaType(format!(
            "Send the body as {} (Content-Type was {}).",
            accepted.join(" or "),
            given.map_or_else(|| "missing".to_owned(), |m| format!("\"{m}\""))
        ))),
    }
}

async fn read_body<S: Send + Sync>(req: Request, state: &S) -> Result<Bytes, ApiError> {
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|len| len > REQUEST_LIMIT) {
        return Err(ApiError::TooLarge);
    }
    let limited =
        req.map(|body| axum::body::Body::new(http_body_util::Limited::new(body, REQUEST_LIMIT)));
    Bytes::from_request(limited, state)
        .await
        .map_err(|rejection| {
            if rejection.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
                ApiError::TooLarge
            } else {
                ApiError::BadRequest("The request body could not be read.".into())
            }
        })
}

/// Syntax errors are 400; well-formed JSON of the wrong shape is 422 naming the field.
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    let parsed: Result<T, _> = serde_path_to_error::deserialize(&mut deserializer);
    if parsed.is_ok() {
        deserializer
            .end()
            .map_err(|e| ApiError::BadRequest(format!("The body is not valid JSON: {e}.")))?;
    }
    parsed.map_err(|error| {
        let inner = error.inner();
        match inner.classify() {
            serde_json::error::Category::Data => {
                let path = error.path().to_string();
                let field = named_field(&inner.to_string()).unwrap_or(if path == "." {
                    String::new()
                } else {
                    path
                });
                ApiError::validation(&field, sentence(&inner.to_string()))
            }
            // serde_json reports a value of the wrong kind where an enum is expected as a
            // syntax error; if the body is well-formed JSON it is a field error instead.
            _ if serde_json::from_slice::<serde_json::Value>(bytes).is_ok() => {
                let field = error.path().to_string();
                ApiError::validation(
                    &field,
                    format!("Field \"{field}\" has a value of the wrong type."),
                )
            }
            _ => ApiError::BadRequest(format!("The body is not valid JSON: {}.", inner)),
        }
    })
}

/// serde names unknown and missing fields in backticks rather than in the path.
fn named_field(message: &str) -> Option<String> {
    let rest = message
        .strip_prefix("unknown field `")
        .or_else(|| message.strip_prefix("missing field `"))?;
    rest.split('`').next().map(str::to_owned)
}

fn sentence(message: &str) -> String {
    let message = message.split(" at line ").next().unwrap_or(message);
    let mut chars = message.chars();
    match chars.next() {
        Some(first) => format!("{}{}.", first.to_uppercase(), chars.as_str()),
        None => String::new(),
    }
}

impl Precondition {
    pub fn from_request(
        headers: &HeaderMap,
        base_rev: Option<i64>,
    ) -> Result<Precondition, ApiError> {
        let tags: Vec<String> = headers
            .get_all(header::IF_MATCH)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .map(|t| t.trim().to_owned())
            .filter(|t| !t.is_empty())
            .collect();
        if tags.iter().any(|t| t == "*") {
            // "*" matches any revision: it would let a save overwrite work it never saw.
            return Err(ApiError::PreconditionRequired);
        }
        match (tags.is_empty(), base_rev) {
            (false, _) => Ok(Precondition::IfMatch(tags)),
            (true, Some(rev)) => Ok(Precondition::BaseRev(rev)),
            (true, None) => Err(ApiError::PreconditionRequired),
        }
    }
}

/// `If-None-Match` uses weak comparison (RFC 9110 13.1.2).
pub fn none_match(headers: &HeaderMap, current_rev: i64) -> bool {
    headers
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .any(|t| t == "*" || strong_rev(t.trim_start_matches("W/")) == Some(current_rev))
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(if_match: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(header::IF_MATCH, HeaderValue::from_str(if_match).unwrap());
        headers
    }

    #[test]
    fn if_match_compares_strongly() {
        let pre = Precondition::from_request(&headers("\"8\""), None).unwrap();
        assert!(pre.matches(8));
        assert!(!pre.matches(9));
        let weak = Precondition::from_request(&headers("W/\"8\""), None).unwrap();
        assert!(!weak.matches(8));
        assert_eq!(weak.base_rev(), 8);
    }

    #[test]
    fn if_match_lists_match_any_member() {
        let pre = Precondition::from_request(&headers("\"3\", \"8\""), None).unwrap();
        assert!(pre.matches(8));
    }

    #[test]
    fn missing_preconditions_and_wildcards_are_required_errors() {
        assert!(matches!(
            Precondition::from_request(&HeaderMap::new(), None),
            Err(ApiError::PreconditionRequired)
        ));
        assert!(matches!(
            Precondition::from_request(&headers("*"), None),
            Err(ApiError::PreconditionRequired)
        ));
        assert_eq!(
            Precondition::from_request(&HeaderMap::new(), Some(4)).unwrap(),
            Precondition::BaseRev(4)
        );
    }

    #[test]
    fn json_errors_name_the_field() {
        #[derive(serde::Deserialize, Debug)]
        #[serde(deny_unknown_fields)]
        #[allow(dead_code)]
        struct Input {
            title: String,
        }
        let unknown = parse_json::<Input>(br#"{"title": "a", "colour": 1}"#).unwrap_err();
        assert!(matches!(&unknown, ApiError::Validation(e) if e[0].field == "colour"));
        let wrong_type = parse_json::<Input>(br#"{"title": 5}"#).unwrap_err();
        assert!(matches!(&wrong_type, ApiError::Validation(e) if e[0].field == "title"));
        assert!(matches!(
            parse_json::<Input>(b"{\"title\": "),
            Err(ApiError::BadRequest(_))
        ));
    }
}
