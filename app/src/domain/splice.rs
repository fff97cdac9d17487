//! A text as the one it was made from with one stretch replaced: what a local draft stores
//! for a body on every keystroke, so that the cost follows the edit, not the document.

use serde::{Deserialize, Serialize};

/// `text` in place of everything between the first `keep_start` bytes and the last
/// `keep_end` bytes of the text it was made from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Splice {
    pub keep_start: usize,
    pub keep_end: usize,
    pub text: String,
}

impl Splice {
    /// The smallest splice that turns `from` into `to`: their common start and end are kept.
    pub fn between(from: &str, to: &str) -> Splice {
        let (a, b) = (from.as_bytes(), to.as_bytes());
        let mut start = common_len(a.iter(), b.iter());
        // A shared start can stop inside a character; the splice starts at its beginning.
        while !from.is_char_boundary(start) || !to.is_char_boundary(start) {
            start -= 1;
        }
        let room = a.len().min(b.len()) - start;
        let mut end = common_len(a.iter().rev(), b.iter().rev()).min(room);
        while !from.is_char_boundary(a.len() - end) || !to.is_char_boundary(b.len() - end) {
            end -= 1;
        }
        Splice {
            keep_start: start,
            keep_end: end,
            text: to[start..b.len() - end].to_owned(),
        }
    }

    /// The text this splice makes of `from`; None if it was not made from a text like it.
    pub fn apply(&self, from: &str) -> Option<String> {
        let end = from.len().checked_sub(self.keep_end)?;
        if self.keep_start > end
            || !from.is_char_boundary(self.keep_start)
            || !from.is_char_boundary(end)
        {
            return None;
        }
        Some([&from[..self.keep_start], self.text.as_str(), &from[end..]].concat())
    }
}

fn common_len<'a>(a: impl Iterator<Item = &'a u8>, b: impl Iterator<Item = &'a u8>) -> usize {
    a.zip(b).take_while(|(x, y)| x == y).count()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn a_typed_word_is_all_a_splice_holds() {
        let base = "one\ntwo\nthree\n";
        let splice = Splice::between(base, "one\ntwo, typed\nthree\n");
        assert_eq!(splice.text, ", typed");
        assert_eq!(splice.apply(base).unwrap(), "one\ntwo, typed\nthree\n");
        assert_eq!(Splice::between(base, base).text, "");
    }

    #[test]
    fn a_changed_character_is_replaced_whole() {
        // é and ê share their first byte: the splice must not start inside them.
        let splice = Splice::between("caf\u{e9}!", "caf\u{ea}!");
        assert_eq!(splice.text, "\u{ea}");
        assert_eq!(splice.apply("caf\u{e9}!").unwrap(), "caf\u{ea}!");
    }

    #[test]
    fn a_splice_does_not_apply_to_a_text_it_was_not_made_from() {
        let splice = Splice::between("a long text here", "a long text, here");
        assert_eq!(splice.apply("short"), None);
        // It would cut "é" in two.
        let inside = Splice {
            keep_start: 1,
            keep_end: 0,
            text: String::new(),
        };
        assert_eq!(inside.apply("\u{e9}"), None);
    }

    proptest! {
        #[test]
        fn any_text_comes_back_from_its_splice(from in "[aé\n€b]{0,40}", to in "[aé\n€b]{0,40}") {
            let splice = Splice::between(&from, &to);
            prop_assert_eq!(splice.apply(&from), Some(to.clone()));
            prop_assert!(splice.text.len() <= to.len());
        }

        #[test]
        fn an_edit_in_a_long_text_keeps_the_rest(
            text in "[a-z \n]{100,300}", at in 0usize..100, typed in "[A-Z]{1,5}",
        ) {
            let mut to = text.clone();
            to.insert_str(at, &typed);
            let splice = Splice::between(&text, &to);
            prop_assert!(splice.text.len() <= typed.len());
            prop_assert_eq!(splice.apply(&text), Some(to));
        }
    }
}
