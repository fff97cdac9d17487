//! `POST /api/preview`: Markdown rendered to HTML and sanitised, so no script, handler
//! attribute or `javascript:` URL from a document ever reaches a page.

use axum::Json;

use super::{
    auth::CurrentUser,
    error::ApiError,
    extract::JsonBody,
    openapi::{BadBody, Unauthorized},
};
use crate::state::AppState;
use app::{
    domain::Body,
    protocol::{Preview, PreviewRequest},
};
use utoipa_axum::{router::OpenApiRouter, routes};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(preview))
}

#[utoipa::path(post, operation_id = "preview", path = "/preview", tag = "documents",
    request_body = PreviewRequest,
    responses((status = 200, body = Preview, description = "Markdown as sanitised HTML"), Unauthorized, BadBody))]
async fn preview(
    CurrentUser(_user): CurrentUser,
    JsonBody(request): JsonBody<PreviewRequest>,
) -> Result<Json<Preview>, ApiError> {
    Body::parse(&request.body).map_err(|e| ApiError::Validation(vec![e]))?;
    Ok(Json(Preview {
        html: render_markdown(&request.body),
    }))
}

/// CommonMark with tables, strikethrough and task lists, then ammonia's allow-list: safe
/// tags and attributes only, `http`/`https`/`mailto` links, `rel="noopener noreferrer"`.
/// A task list's box is the one input allowed: a checkbox, always disabled (read-only).
pub fn render_markdown(markdown: &str) -> String {
    use pulldown_cmark::{html, Options, Parser};
    let mut options = Options::empty();
    options.insert(Options::ENABLE_TABLES);
    options.insert(Options::ENABLE_STRIKETHROUGH);
    options.insert(Options::ENABLE_TASKLISTS);
    let mut unsafe_html = String::with_capacity(markdown.len() * 3 / 2);
    html::push_html(&mut unsafe_html, Parser::new_ext(markdown, options));
    ammonia::Builder::default()
        .url_schemes(["http", "https", "mailto"].into())
        .link_rel(Some("noopener noreferrer"))
        .add_tags(["input"])
        .add_tag_attributes("input", ["checked"])
        .add_tag_attribute_values("input", "type", ["checkbox"])
        .set_tag_attribute_value("input", "disabled", "")
        .clean(&unsafe_html)
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::render_markdown;

    #[test]
    fn markdown_renders_and_scripts_do_not() {
        let html = render_markdown(
            "# Title\n\n**bold** <script>alert(1)</script> <img src=x onerror=alert(2)> [x](javascript:alert(3))",
        );
        assert!(html.contains("<h1>Title</h1>"));
        assert!(html.contains("<strong>bold</strong>"));
        assert!(!html.contains("<script"));
        assert!(!html.contains("onerror"));
        assert!(!html.contains("javascript:"));
    }

    #[test]
    fn task_lists_render_as_read_only_checkboxes() {
        let html = render_markdown("- [ ] write it\n- [x] ship it\n");
        assert_eq!(html.matches(r#"type="checkbox""#).count(), 2, "{html}");
        assert_eq!(html.matches("disabled").count(), 2, "{html}");
        assert_eq!(html.matches("checked").count(), 1, "{html}");
        assert!(html.contains("ship it"));
    }

    #[test]
    fn no_other_input_survives() {
        let html = render_markdown(
            r#"<input type="text" value="x" onfocus="alert(1)" autofocus> <input type="checkbox" name="n">"#,
        );
        assert!(!html.contains("text"), "{html}");
        assert!(
            !html.contains("onfocus") && !html.contains("autofocus") && !html.contains("name="),
            "{html}"
        );
        assert_eq!(
            html.matches("disabled").count(),
            2,
            "every input is disabled: {html}"
        );
    }

    #[test]
    fn tables_render() {
        let html = render_markdown("| a | b |\n|---|---|\n| 1 | 2 |\n");
        assert!(
            html.contains("<table>") && html.contains("<td>2</td>"),
            "{html}"
        );
    }
}
