//! `POST /api/preview`: Markdown rendered to HTML and sanitised, so no script, handler
//! attribute or `javascript:` URL from a document ever reaches a page.

use axum::Json;

use super::highlight::{marked, own_marks, Highlight};
use super::{
    auth::CurrentUser,
    error::ApiError,
    extract::JsonBody,
    openapi::{BadBody, Unauthorized},
};
use crate::state::AppState;
use app::{
    domain::Body,
    protocol::{check_passages, in_bytes, Preview, PreviewRequest},
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
    check_passages(&request.body, &request.passages).map_err(|e| ApiError::Validation(vec![e]))?;
    let highlights = in_bytes(&request.body, request.passages);
    Ok(Json(Preview {
        html: render_marked(&request.body, &highlights),
    }))
}

/// CommonMark with tables, strikethrough and task lists, then ammonia's allow-list: safe
/// tags and attributes only, `http`/`https`/`mailto` links, `rel="noopener noreferrer"`.
/// A task list's box is the one input allowed: a checkbox, always disabled (read-only),
/// marked with where its `[ ]` starts in the Markdown (`data-task`) so the page can let an
/// editor tick it.
pub fn render_markdown(markdown: &str) -> String {
    render_marked(markdown, &[])
}

/// As `render_markdown`, with the passages of `highlights` marked (`highlight.rs`).
pub fn render_marked(markdown: &str, highlights: &[Highlight]) -> String {
    use pulldown_cmark::{html, Event, Options, Parser};
    let mut options = Options::empty();
    options.insert(Options::ENABLE_TABLES);
    options.insert(Options::ENABLE_STRIKETHROUGH);
    options.insert(Options::ENABLE_TASKLISTS);
    // Only boxes of our making carry this: a box written as raw HTML in the document
    // cannot claim a place, since it cannot know a tag made up for this one rendering.
    let tag = uuid::Uuid::now_v7().simple().to_string();
    let events = Parser::new_ext(markdown, options)
        .into_offset_iter()
        .map(|(event, range)| match event {
            Event::TaskListMarker(checked) => (
                Event::Html(
                    format!(
                        r#"<input type="checkbox" data-task="{}-{tag}"{} disabled="">"#,
                        range.start,
                        if checked { r#" checked="""# } else { "" }
                    )
                    .into(),
                ),
                range,
            ),
            other => (other, range),
        });
    let mut unsafe_html = String::with_capacity(markdown.len() * 3 / 2);
    if highlights.is_empty() {
        html::push_html(&mut unsafe_html, events.map(|(event, _)| event));
    } else {
        html::push_html(
            &mut unsafe_html,
            marked(markdown, events, highlights, &tag).into_iter(),
        );
    }
    let clean = ammonia::Builder::default()
        .url_schemes(["http", "https", "mailto"].into())
        .link_rel(Some("noopener noreferrer"))
        .add_tags(["input"])
        .add_tag_attributes("input", ["checked", "data-task"])
        .add_tag_attribute_values("input", "type", ["checkbox"])
        .set_tag_attribute_value("input", "disabled", "")
        .add_tag_attributes("mark", ["data-thread"])
        .clean(&unsafe_html)
        .to_string();
    let html = without_remnants(&clean, &tag);
    if highlights.is_empty() && !html.contains("<mark data-thread") {
        html
    } else {
        own_marks(&html, &tag)
    }
}

/// What the sanitiser disarmed must read as plain text, not as a control that does
/// nothing: a link whose address was refused loses its `<a>` (its words stay), and an
/// input that was not a task box (its type refused, so a text field) goes.
///
/// Works on ammonia's own output, which is regular: attributes are quoted, the only ones an
/// `<a>` or `<input>` can keep are known, and an HTML parser never nests `<a>` in `<a>`.
/// A task box keeps its place only with this rendering's `tag`, which is then dropped.
fn without_remnants(html: &str, tag: &str) -> String {
    const DISARMED_LINK: &str = "<a rel=\"noopener noreferrer\">";
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    let mut open_links = 0usize;
    loop {
        let next_link = rest.find(DISARMED_LINK);
        let next_input = rest.find("<input");
        let next_close = (open_links > 0).then(|| rest.find("</a>")).flatten();
        let Some(at) = [next_link, next_input, next_close]
            .into_iter()
            .flatten()
            .min()
        else {
            out.push_str(rest);
            return out;
        };
        out.push_str(&rest[..at]);
        let tail = &rest[at..];
        if Some(at) == next_close {
            open_links -= 1;
            rest = &tail["</a>".len()..];
        } else if Some(at) == next_link {
            open_links += 1;
            rest = &tail[DISARMED_LINK.len()..];
        } else {
            let end = tail.find('>').map_or(tail.len(), |e| e + 1);
            let input = &tail[..end];
            if input.contains(r#"type="checkbox""#) {
                out.push_str(&task_place(input, tag));
            }
            rest = &tail[end..];
        }
    }
}

/// `data-task="12-<tag>"` becomes `data-task="12"`; any other `data-task` goes.
fn task_place(input: &str, tag: &str) -> String {
    const ATTRIBUTE: &str = r#" data-task=""#;
    let Some(start) = input.find(ATTRIBUTE) else {
        return input.to_owned();
    };
    let value_start = start + ATTRIBUTE.len();
    let value_end = input[value_start..]
        .find('"')
        .map_or(input.len(), |e| value_start + e);
    let value = &input[value_start..value_end];
    let rest = &input[(value_end + 1).min(input.len())..];
    match value.strip_suffix(tag).and_then(|v| v.strip_suffix('-')) {
        Some(place) if place.bytes().all(|b| b.is_ascii_digit()) && !place.is_empty() => {
            format!("{}{ATTRIBUTE}{place}\"{rest}", &input[..start])
        }
        _ => format!("{}{rest}", &input[..start]),
    }
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
    fn each_task_box_names_where_its_mark_starts() {
        let markdown = "Intro\n\n- [ ] write it\n  - [x] nested\n\n> - [ ] quoted\n";
        let html = render_markdown(markdown);
        let places: Vec<usize> = html
            .match_indices(r#"data-task=""#)
            .map(|(at, found)| {
                let value = &html[at + found.len()..];
                value[..value.find('"').unwrap()].parse().unwrap()
            })
            .collect();
        assert_eq!(places.len(), 3, "{html}");
        for place in places {
            assert!(
                matches!(&markdown[place..place + 3], "[ ]" | "[x]"),
                "{place}: {html}"
            );
        }
    }

    #[test]
    fn a_box_written_as_html_cannot_claim_a_place() {
        let html = render_markdown(
            "- [ ] real\n\n<input type=\"checkbox\" data-task=\"2\"> <input type=\"checkbox\" data-task=\"2-x\">",
        );
        assert_eq!(html.matches("data-task").count(), 1, "{html}");
        assert_eq!(html.matches(r#"type="checkbox""#).count(), 3, "{html}");
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
        // The text field is gone altogether; the box that is left is disabled.
        assert_eq!(html.matches("<input").count(), 1, "{html}");
        assert_eq!(
            html.matches("disabled").count(),
            1,
            "every input is disabled: {html}"
        );
    }

    #[test]
    fn what_the_sanitiser_disarmed_reads_as_plain_text() {
        let html = render_markdown(
            "[click me](javascript:alert(1)) and <a href=\"javascript:x\">raw</a> [ok](https://example.com)\n\n<form action=\"/x\"><input type=\"text\" name=\"q\"><button>go</button></form>\n\n- [x] done\n",
        );
        assert!(html.contains("click me and raw"), "{html}");
        assert_eq!(html.matches("<a ").count(), 1, "only the real link: {html}");
        assert_eq!(html.matches("</a>").count(), 1, "{html}");
        assert!(html.contains(r#"href="https://example.com""#), "{html}");
        assert_eq!(
            html.matches("<input").count(),
            1,
            "only the task box: {html}"
        );
        assert!(html.contains(r#"type="checkbox""#), "{html}");
        assert!(
            !html.contains("<button") && !html.contains("<form"),
            "{html}"
        );
    }

    #[test]
    fn passages_are_marked_across_formatting_and_only_ours_name_a_thread() {
        use super::render_marked;
        let markdown = "Some **bold** words, `code` and \\*stars\\*.\n\n<mark data-thread=\"forged\">raw</mark>";
        let at = |words: &str| {
            let start = markdown.find(words).unwrap();
            start..start + words.len()
        };
        let highlights: [super::Highlight; 3] = [
            (at("me **bold** wo"), "t-1".into()),
            (at("bold** words, `code"), "t-2".into()),
            (at("stars"), "t-3".into()),
        ];
        let html = render_marked(markdown, &highlights);
        assert!(
            html.starts_with(r#"<p>So<mark data-thread="t-1">me </mark><strong><mark data-thread="t-1 t-2">bold</mark></strong><mark data-thread="t-1 t-2"> wo</mark><mark data-thread="t-2">rds, </mark><mark data-thread="t-2"><code>code</code></mark> and "#),
            "{html}"
        );
        assert!(
            html.contains(r#"<mark data-thread="t-3">stars</mark>"#),
            "{html}"
        );
        assert!(
            html.contains("<mark>raw</mark>"),
            "a mark in the text claims nothing: {html}"
        );
        assert_eq!(
            render_marked(markdown, &[]),
            super::render_markdown(markdown),
            "without passages, the usual rendering"
        );
        assert!(!super::render_markdown(markdown).contains("forged"));
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
