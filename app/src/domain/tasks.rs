//! Task-list boxes (`- [ ] write it`) ticked from the rendered page: the server marks each
//! box with where its `[ ]` starts in the Markdown, and ticking flips exactly that mark.

/// The body with the task box whose mark starts at byte `at` ticked or cleared; `None`
/// when no task mark starts there (the text changed since it was rendered).
pub fn toggle(body: &str, at: usize) -> Option<String> {
    let mark = body.get(at..at + 3)?;
    let flipped = match mark {
        "[ ]" => "[x]",
        "[x]" | "[X]" => "[ ]",
        _ => return None,
    };
    let mut out = String::with_capacity(body.len());
    out.push_str(&body[..at]);
    out.push_str(flipped);
    out.push_str(&body[at + 3..]);
    Some(out)
}

/// Rendered HTML with its task boxes made tickable (no longer `disabled`): for people who
/// may change the document. Only boxes the server marked with a place (`data-task`) are.
pub fn tickable(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(at) = rest.find("<input") {
        out.push_str(&rest[..at]);
        let tail = &rest[at..];
        let end = tail.find('>').map_or(tail.len(), |e| e + 1);
        let tag = &tail[..end];
        if tag.contains("data-task=") {
            out.push_str(&tag.replace(r#" disabled="""#, ""));
        } else {
            out.push_str(tag);
        }
        rest = &tail[end..];
    }
    out.push_str(rest);
    out
}

/// The place a rendered box stands for, from its `data-task` value.
pub fn place(value: &str) -> Option<usize> {
    value.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticking_flips_exactly_the_mark_at_its_place() {
        let body = "- [ ] write it\n- [x] ship it\n";
        assert_eq!(
            toggle(body, 2).as_deref(),
            Some("- [x] write it\n- [x] ship it\n")
        );
        assert_eq!(
            toggle(body, 17).as_deref(),
            Some("- [ ] write it\n- [ ] ship it\n")
        );
        // The text moved on since the page was rendered: nothing is flipped blindly.
        assert_eq!(toggle(body, 3), None);
        assert_eq!(toggle(body, 400), None);
        assert_eq!(toggle("- [ ] é", 6), None);
    }

    #[test]
    fn only_marked_boxes_become_tickable() {
        let html = r#"<li><input type="checkbox" data-task="2" disabled=""> a</li><input type="checkbox" disabled="">"#;
        assert_eq!(
            tickable(html),
            r#"<li><input type="checkbox" data-task="2"> a</li><input type="checkbox" disabled="">"#
        );
    }
}
