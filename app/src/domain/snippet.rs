//! The words around a search hit in a document's text, for the list of results.

use serde::{Deserialize, Serialize};

use super::fold_case;

/// Where the search words were found: the text before them, the words as written, and
/// the text after, each cut to a readable length ("…" where cut).
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Snippet {
    pub before: String,
    pub hit: String,
    pub after: String,
}

const BEFORE_CHARS: usize = 60;
const AFTER_CHARS: usize = 90;

/// The first place `query` occurs in `body`, ignoring case as the search does; `None`
/// when the body does not hold it (the hit was in the title, slug or tags).
pub fn snippet(body: &str, query: &str) -> Option<Snippet> {
    let wanted = fold_case(query.trim());
    if wanted.is_empty() {
        return None;
    }
    // Folding can change lengths, so each folded byte remembers where its character began.
    let mut folded = String::with_capacity(body.len());
    let mut origin = Vec::with_capacity(body.len());
    for (at, c) in body.char_indices() {
        let start = folded.len();
        folded.push_str(&fold_case(c.encode_utf8(&mut [0; 4])));
        origin.extend(std::iter::repeat_n(at, folded.len() - start));
    }
    let found = folded.find(&wanted)?;
    let start = origin[found];
    let end = origin
        .get(found + wanted.len())
        .copied()
        .unwrap_or(body.len());
    let before: Vec<char> = body[..start].chars().collect();
    let cut_before = before.len() > BEFORE_CHARS;
    let before: String = before[before.len().saturating_sub(BEFORE_CHARS)..]
        .iter()
        .collect();
    let after: Vec<char> = body[end..].chars().collect();
    let cut_after = after.len() > AFTER_CHARS;
    let after: String = after[..after.len().min(AFTER_CHARS)].iter().collect();
    Some(Snippet {
        before: format!(
            "{}{}",
            if cut_before { "…" } else { "" },
            one_line(&before).trim_start()
        ),
        hit: one_line(&body[start..end]),
        after: format!(
            "{}{}",
            one_line(&after).trim_end(),
            if cut_after { "…" } else { "" }
        ),
    })
}

/// Line breaks and runs of spaces as single spaces: a snippet is one line of the list.
fn one_line(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut space = false;
    for c in text.chars() {
        if c.is_whitespace() {
            space = true;
            continue;
        }
        if space {
            out.push(' ');
            space = false;
        }
        out.push(c);
    }
    if space {
        out.push(' ');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts(s: Snippet) -> (String, String, String) {
        (s.before, s.hit, s.after)
    }

    #[test]
    fn the_hit_is_shown_as_written_with_its_neighbours() {
        let found = snippet("Plans for the\nQuarter: hire two people.", "quarter").unwrap();
        assert_eq!(
            parts(found),
            (
                "Plans for the ".into(),
                "Quarter".into(),
                ": hire two people.".into()
            )
        );
        assert_eq!(snippet("Nothing here", "quarter"), None);
        assert_eq!(snippet("Anything", "  "), None);
    }

    #[test]
    fn long_text_is_cut_on_both_sides() {
        let body = format!("{} needle {}", "a ".repeat(100), "b ".repeat(100));
        let found = snippet(&body, "NEEDLE").unwrap();
        assert!(found.before.starts_with('…'));
        assert!(found.after.ends_with('…'));
        assert_eq!(found.hit, "needle");
        assert!(found.before.chars().count() <= BEFORE_CHARS + 1);
        assert!(found.after.chars().count() <= AFTER_CHARS + 1);
    }

    #[test]
    fn folding_that_changes_lengths_keeps_the_hit_in_place() {
        // "İ" lowercases to two characters; the hit after it must still be found exactly.
        let found = snippet("İstanbul Ölçü", "ölçü").unwrap();
        assert_eq!(parts(found), ("İstanbul ".into(), "Ölçü".into(), "".into()));
    }
}
