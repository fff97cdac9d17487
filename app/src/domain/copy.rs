//! "Save mine as a copy": my version of a document as a new one, linked back to the
//! original, so nobody has to choose between overwriting and losing their work.

use super::{Fields, BODY_MAX_BYTES, SLUG_MAX, TITLE_MAX};

const TITLE_SUFFIX: &str = " (my version)";
const SLUG_SUFFIX: &str = "-my-version";

/// The fields of the copy: "… (my version)", a slug of its own, and a first line linking
/// to the original (left out only if it would push the body over its limit — the text
/// itself is never cut).
pub fn my_version(mine: &Fields, original_id: &str, original_title: &str) -> Fields {
    let title = format!(
        "{}{TITLE_SUFFIX}",
        cut(&mine.title, TITLE_MAX - TITLE_SUFFIX.chars().count()).trim_end()
    );
    let slug = format!(
        "{}{SLUG_SUFFIX}",
        cut(&mine.slug, SLUG_MAX - SLUG_SUFFIX.len()).trim_end_matches('-')
    );
    let link = format!(
        "> My version of [{}](/docs/{original_id}), saved as a copy instead of over the newer revision.\n\n",
        original_title.replace(['[', ']'], "")
    );
    let body = if link.len() + mine.body.len() <= BODY_MAX_BYTES {
        format!("{link}{}", mine.body)
    } else {
        mine.body.clone()
    };
    Fields {
        title,
        slug,
        tags: mine.tags.clone(),
        body,
    }
}

/// The first `chars` characters.
fn cut(text: &str, chars: usize) -> &str {
    match text.char_indices().nth(chars) {
        Some((at, _)) => &text[..at],
        None => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::parse_fields;

    fn mine(title: &str, slug: &str, body: &str) -> Fields {
        Fields {
            title: title.into(),
            slug: slug.into(),
            tags: vec!["plan".into()],
            body: body.into(),
        }
    }

    #[test]
    fn the_copy_is_named_as_mine_and_links_to_the_original() {
        let copy = my_version(&mine("Plan", "plan", "My text\n"), "d1", "Plan [v2]");
        assert_eq!(copy.title, "Plan (my version)");
        assert_eq!(copy.slug, "plan-my-version");
        assert_eq!(copy.tags, vec!["plan".to_owned()]);
        assert_eq!(
            copy.body,
            "> My version of [Plan v2](/docs/d1), saved as a copy instead of over the newer revision.\n\nMy text\n"
        );
    }

    #[test]
    fn a_copy_of_the_longest_valid_fields_is_still_valid() {
        let title = "é".repeat(TITLE_MAX);
        let slug = "a".repeat(SLUG_MAX);
        let copy = my_version(&mine(&title, &slug, "x"), "d1", &title);
        assert!(parse_fields(&copy.title, &copy.slug, &copy.tags, &copy.body).is_ok());
        assert!(copy.title.ends_with(TITLE_SUFFIX));
        assert!(copy.slug.ends_with(SLUG_SUFFIX));
    }

    #[test]
    fn a_full_body_is_kept_whole_without_the_link() {
        let body = "b".repeat(BODY_MAX_BYTES);
        let copy = my_version(&mine("T", "t", &body), "d1", "T");
        assert_eq!(copy.body, body);
    }
}
