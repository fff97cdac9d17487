//! A comment's text and whom it mentions (issue 23): parsed once, so a stored comment is
//! always a valid one, and the names mentioned are read the same way everywhere.

use super::{FieldError, NAME_MAX};

/// The longest comment, in characters.
pub const COMMENT_MAX: usize = 10_000;

/// A comment's text: trimmed of surrounding blank space, 1–10,000 characters, line breaks
/// and tabs the only control characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommentText(String);

impl CommentText {
    pub fn parse(raw: &str) -> Result<CommentText, FieldError> {
        if raw.trim().is_empty() {
            return Err(FieldError::new("text", "A comment must not be empty."));
        }
        optional_text(raw, "text", "A comment").map(CommentText)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The names this comment mentions, each once, in the order first written.
    pub fn mentions(&self) -> Vec<String> {
        mentions(&self.0)
    }

    pub fn into_inner(self) -> String {
        self.0
    }
}

/// Words that may be left empty but otherwise follow a comment's rules (a suggestion's note,
/// a review's comment): trimmed, at most 10,000 characters, line breaks and tabs the only
/// control characters. `field` and `what` ("A note") name it in a refusal.
pub fn optional_text(raw: &str, field: &str, what: &str) -> Result<String, FieldError> {
    let text = raw.trim();
    let chars = text.chars().count();
    if chars > COMMENT_MAX {
        return Err(FieldError::new(
            field,
            format!("{what} must be at most {COMMENT_MAX} characters (it has {chars})."),
        ));
    }
    if text
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
    {
        return Err(FieldError::new(
            field,
            format!("{what} must not contain control characters other than line breaks and tabs."),
        ));
    }
    Ok(text.to_owned())
}

/// The user names written as `@name` in `text`, each once, in the order first written. A
/// mention starts a word (an e-mail address is not one) and takes the longest run of the
/// characters a user name may have; a name's trailing dots are punctuation ("ask @ann.").
pub fn mentions(text: &str) -> Vec<String> {
    let mut found: Vec<String> = Vec::new();
    let mut previous: Option<char> = None;
    for (at, c) in text.char_indices() {
        let starts_word = previous.is_none_or(|p| !is_name_char(p) && p != '@');
        previous = Some(c);
        if c != '@' || !starts_word {
            continue;
        }
        let rest = &text[at + 1..];
        let len: usize = rest
            .chars()
            .take_while(|&c| is_name_char(c))
            .map(char::len_utf8)
            .sum();
        let name = rest[..len].trim_end_matches('.');
        if !name.is_empty() && name.chars().count() <= NAME_MAX && !found.iter().any(|f| f == name)
        {
            found.push(name.to_owned());
        }
    }
    found
}

/// Whether `c` may be part of a user name, and so of a mention.
pub fn is_name_char(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '.' | '_' | '-')
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::parse_user_name;
    use proptest::prelude::*;

    #[test]
    fn a_comment_is_trimmed_and_must_say_something() {
        assert_eq!(
            CommentText::parse("  Looks good.\n").unwrap().as_str(),
            "Looks good."
        );
        assert_eq!(CommentText::parse(" \n\t ").unwrap_err().field, "text");
        assert!(CommentText::parse("").is_err());
    }

    #[test]
    fn a_comment_has_at_most_ten_thousand_characters_and_no_control_characters() {
        assert!(CommentText::parse(&"é".repeat(COMMENT_MAX)).is_ok());
        let long = CommentText::parse(&"é".repeat(COMMENT_MAX + 1)).unwrap_err();
        assert!(long.message.contains("10001"), "{}", long.message);
        assert!(CommentText::parse("line one\nline\ttwo").is_ok());
        assert!(CommentText::parse("bell \u{7}").is_err());
    }

    #[test]
    fn mentions_are_names_after_an_at_sign_each_once_in_order() {
        assert_eq!(
            mentions("@ann, can you and @bob.k look? Thanks @ann."),
            vec!["ann", "bob.k"]
        );
        assert_eq!(mentions("@zoë and @李"), vec!["zoë", "李"]);
    }

    #[test]
    fn addresses_lone_signs_and_overlong_names_are_not_mentions() {
        assert!(mentions("write to ann@example.com").is_empty());
        assert!(mentions("@ alone, @@twice, and @.").is_empty());
        assert!(mentions(&format!("@{}", "a".repeat(NAME_MAX + 1))).is_empty());
        assert_eq!(mentions("(@ann)"), vec!["ann"]);
    }

    proptest! {
        /// Every mention found is a name someone could have.
        #[test]
        fn every_mention_is_a_valid_user_name(text in "\\PC{0,80}") {
            for name in mentions(&text) {
                prop_assert!(parse_user_name(&name).is_ok(), "{name:?}");
            }
        }

        /// A name written as a mention is found.
        #[test]
        fn a_written_mention_is_found(name in "[a-z][a-z0-9_-]{0,20}", before in "[ ,;(]{1,3}") {
            let text = format!("Hello{before}@{name} and more");
            prop_assert_eq!(mentions(&text), vec![name]);
        }
    }
}
