//! Commented passages highlighted in a document's rendered text (issue 23): the words of each
//! passage wrapped in `<mark data-thread="…">`, whatever Markdown they span (a passage over
//! `some **bold** words` becomes three marks, one per run of text, so tags stay nested).

use std::ops::Range;

use pulldown_cmark::{Event, Tag, TagEnd};

/// A passage to highlight: where it is in the Markdown (bytes, at character boundaries) and
/// the thread on it, as `protocol::passages` and `protocol::in_bytes` give them.
pub type Highlight = (Range<usize>, String);

/// `events` (with their places in `markdown`) with every highlighted run of text marked.
/// Each mark names its threads followed by `tag`, this rendering's secret: after sanitising,
/// only marks carrying it keep their names (`own_marks`), so a `<mark data-thread>` written
/// into the document itself claims no thread.
pub fn marked<'a>(
    markdown: &str,
    events: impl Iterator<Item = (Event<'a>, Range<usize>)>,
    highlights: &[Highlight],
    tag: &str,
) -> Vec<Event<'a>> {
    let mut out = Vec::new();
    // An image's description is an attribute, where a mark would show as text.
    let mut in_image = 0usize;
    for (event, range) in events {
        match event {
            Event::Start(Tag::Image { .. }) => {
                in_image += 1;
                out.push(event);
            }
            Event::End(TagEnd::Image) => {
                in_image = in_image.saturating_sub(1);
                out.push(event);
            }
            Event::Text(text) if in_image == 0 && !covering(highlights, &range).is_empty() => {
                if markdown.get(range.clone()) == Some(&*text) {
                    split(&text, range, highlights, tag, &mut out);
                } else {
                    // Written differently from how it reads (an escape, an entity): the
                    // run is marked whole, as its parts have no place of their own.
                    let threads = covering(highlights, &range);
                    push_marked(&mut out, &threads, tag, Event::Text(text));
                }
            }
            Event::Code(_) if in_image == 0 && !covering(highlights, &range).is_empty() => {
                push_marked(&mut out, &covering(highlights, &range), tag, event);
            }
            other => out.push(other),
        }
    }
    out
}

/// `text`, which stands literally at `range` of the Markdown, cut wherever a passage starts
/// or ends, its highlighted pieces marked.
fn split<'a>(
    text: &str,
    range: Range<usize>,
    highlights: &[Highlight],
    tag: &str,
    out: &mut Vec<Event<'a>>,
) {
    let mut cuts = vec![range.start, range.end];
    for (passage, _) in highlights {
        for at in [passage.start, passage.end] {
            if range.start < at && at < range.end && text.is_char_boundary(at - range.start) {
                cuts.push(at);
            }
        }
    }
    cuts.sort_unstable();
    cuts.dedup();
    for piece in cuts.windows(2) {
        let (from, to) = (piece[0], piece[1]);
        let words = Event::Text(text[from - range.start..to - range.start].to_owned().into());
        let threads = covering(highlights, &(from..to));
        if threads.is_empty() {
            out.push(words);
        } else {
            push_marked(out, &threads, tag, words);
        }
    }
}

/// `event` inside a mark naming `threads`.
fn push_marked<'a>(out: &mut Vec<Event<'a>>, threads: &[&str], tag: &str, event: Event<'a>) {
    out.push(open(threads, tag));
    out.push(event);
    out.push(Event::Html("</mark>".into()));
}

/// The threads whose passage overlaps `range`.
fn covering<'h>(highlights: &'h [Highlight], range: &Range<usize>) -> Vec<&'h str> {
    highlights
        .iter()
        .filter(|(passage, _)| passage.start < range.end && range.start < passage.end)
        .map(|(_, thread)| thread.as_str())
        .collect()
}

fn open<'a>(threads: &[&str], tag: &str) -> Event<'a> {
    // Thread ids are UUIDs; anything else in one is dropped rather than escaped.
    let names: Vec<String> = threads
        .iter()
        .map(|t| {
            t.chars()
                .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
                .collect()
        })
        .collect();
    Event::Html(format!(r#"<mark data-thread="{} {tag}">"#, names.join(" ")).into())
}

/// Sanitised HTML with the marks of this rendering named by their threads alone, and any
/// other mark's `data-thread` gone.
pub fn own_marks(html: &str, tag: &str) -> String {
    const OPENING: &str = r#"<mark data-thread=""#;
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(at) = rest.find(OPENING) {
        out.push_str(&rest[..at]);
        let value = &rest[at + OPENING.len()..];
        let end = value.find('"').unwrap_or(value.len());
        let after = value[end..].strip_prefix('"').unwrap_or(&value[end..]);
        match value[..end]
            .strip_suffix(tag)
            .and_then(|v| v.strip_suffix(' '))
        {
            Some(threads) if !threads.is_empty() => {
                out.push_str(OPENING);
                out.push_str(threads);
                out.push('"');
            }
            _ => out.push_str("<mark"),
        }
        rest = after;
    }
    out.push_str(rest);
    out
}
