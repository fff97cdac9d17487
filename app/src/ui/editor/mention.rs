//! Mentions while typing a comment (issue 23): the name being typed after `@` at the caret,
//! the people offered for it and the keys that move through them, and the text once one is
//! picked. Offsets are the browser's: UTF-16 code units, as `selectionStart` counts.

use crate::domain::{comment::is_name_char, NAME_MAX};

/// A mention being typed: `@` at `start`, the name running to `end` (the caret or past it,
/// when the caret is inside a name), `prefix` the part before the caret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Typed {
    pub start: usize,
    pub end: usize,
    pub prefix: String,
}

/// The mention the caret is in, if any: an `@` that starts a word (not an address's), then
/// at most a name's length of the characters a name may have, up to the caret.
pub fn typed(text: &str, caret: usize) -> Option<Typed> {
    let at = byte_of(text, caret)?;
    let before = &text[..at];
    let name_start = before
        .char_indices()
        .rev()
        .take_while(|&(_, c)| is_name_char(c))
        .last()
        .map_or(at, |(i, _)| i);
    let sign = before[..name_start].chars().next_back()?;
    if sign != '@' {
        return None;
    }
    let sign_at = name_start - 1;
    if before[..sign_at]
        .chars()
        .next_back()
        .is_some_and(|p| is_name_char(p) || p == '@')
    {
        return None;
    }
    let prefix = &before[name_start..];
    if prefix.chars().count() > NAME_MAX {
        return None;
    }
    let rest: usize = text[at..]
        .chars()
        .take_while(|&c| is_name_char(c))
        .map(char::len_utf16)
        .sum();
    Some(Typed {
        start: units(&text[..sign_at]),
        end: caret + rest,
        prefix: prefix.to_owned(),
    })
}

/// The text with the mention being typed replaced by `@name` and a space, and where the
/// caret goes: just after that space.
pub fn picked(text: &str, typed: &Typed, name: &str) -> (String, usize) {
    let (Some(start), Some(end)) = (byte_of(text, typed.start), byte_of(text, typed.end)) else {
        return (text.to_owned(), typed.end);
    };
    let rest = &text[end..];
    let spaced = if rest.starts_with(' ') { "" } else { " " };
    let inserted = format!("@{name}{spaced}");
    let caret = typed.start + units(&inserted) + usize::from(spaced.is_empty());
    (format!("{}{inserted}{rest}", &text[..start]), caret)
}

/// The people offered for a mention being typed, one of them active.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Offer {
    pub typed: Typed,
    pub people: Vec<String>,
    pub active: usize,
}

/// What a key does while people are offered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// Another person is active now; the key does nothing else.
    Moved,
    /// The active person is picked.
    Pick(String),
    /// The offer is put away; the key does nothing else.
    Close,
    /// Not the offer's key: the field takes it as usual.
    Pass,
}

impl Offer {
    pub fn new(typed: Typed, people: Vec<String>) -> Offer {
        Offer {
            typed,
            people,
            active: 0,
        }
    }

    /// The key pressed (`KeyboardEvent.key`): arrows move round the list, Enter or Tab pick,
    /// Escape puts it away. With nobody offered, only Escape is the offer's.
    pub fn key(&mut self, key: &str) -> Step {
        let count = self.people.len();
        match key {
            "Escape" => Step::Close,
            _ if count == 0 => Step::Pass,
            "ArrowDown" => {
                self.active = (self.active + 1) % count;
                Step::Moved
            }
            "ArrowUp" => {
                self.active = (self.active + count - 1) % count;
                Step::Moved
            }
            "Enter" | "Tab" => Step::Pick(self.people[self.active.min(count - 1)].clone()),
            _ => Step::Pass,
        }
    }

    /// What a screen reader hears when the offer changes.
    pub fn said(&self) -> String {
        match self.people.len() {
            0 if self.typed.prefix.is_empty() => {
                "Nobody else can read this document to be mentioned.".into()
            }
            0 => format!(
                "Nobody who can read this document has a name starting with “{}”: a mention of anyone else tells nobody.",
                self.typed.prefix
            ),
            1 => "1 person can be mentioned: Enter picks, Escape closes.".into(),
            n => format!("{n} people can be mentioned: arrows choose, Enter picks, Escape closes."),
        }
    }
}

/// The byte at UTF-16 offset `units`, if it falls on a character's start.
fn byte_of(text: &str, units: usize) -> Option<usize> {
    let mut counted = 0;
    for (at, c) in text.char_indices() {
        if counted == units {
            return Some(at);
        }
        counted += c.len_utf16();
        if counted > units {
            return None;
        }
    }
    (counted == units).then_some(text.len())
}

fn units(text: &str) -> usize {
    text.encode_utf16().count()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at_end(text: &str) -> Option<Typed> {
        typed(text, units(text))
    }

    #[test]
    fn a_mention_is_typed_after_an_at_sign_that_starts_a_word() {
        assert_eq!(
            at_end("ask @an"),
            Some(Typed {
                start: 4,
                end: 7,
                prefix: "an".into()
            })
        );
        assert_eq!(at_end("@").map(|t| t.prefix), Some(String::new()));
        assert_eq!(at_end("(@b.k").map(|t| t.prefix), Some("b.k".into()));
        // An address, a second sign, a space after the name: no mention is being typed.
        assert_eq!(at_end("ann@exa"), None);
        assert_eq!(at_end("@@an"), None);
        assert_eq!(at_end("@ann "), None);
        assert_eq!(at_end("no sign"), None);
        assert_eq!(at_end(&format!("@{}", "a".repeat(NAME_MAX + 1))), None);
    }

    #[test]
    fn the_caret_inside_a_name_takes_the_whole_name_and_counts_in_utf16() {
        // "zoë 😀 @li|sa ok": the emoji is two UTF-16 units.
        let text = "zoë 😀 @lisa ok";
        let caret = units("zoë 😀 @li");
        let typed = typed(text, caret).unwrap();
        assert_eq!(
            (typed.start, typed.end),
            (units("zoë 😀 "), units("zoë 😀 @lisa"))
        );
        assert_eq!(typed.prefix, "li");
        // Inside the emoji's pair is no place at all.
        assert_eq!(super::typed(text, units("zoë ") + 1), None);
    }

    #[test]
    fn picking_replaces_the_typed_name_and_puts_the_caret_after_a_space() {
        let text = "ask @an";
        let (new, caret) = picked(text, &at_end(text).unwrap(), "ann");
        assert_eq!((new.as_str(), caret), ("ask @ann ", 9));
        // A name in the middle is replaced whole; an existing space is not doubled.
        let text = "hi @bo there";
        let typed = typed(text, 5).unwrap();
        let (new, caret) = picked(text, &typed, "bob");
        assert_eq!((new.as_str(), caret), ("hi @bob there", 8));
        let text = "😀@z";
        let (new, caret) = picked(text, &at_end(text).unwrap(), "zoë");
        assert_eq!((new.as_str(), caret), ("😀@zoë ", 7));
    }

    #[test]
    fn keys_move_round_the_people_offered_pick_one_or_put_them_away() {
        let typed = at_end("@b").unwrap();
        let mut offer = Offer::new(typed.clone(), vec!["bob".into(), "bea".into()]);
        assert_eq!(offer.key("ArrowUp"), Step::Moved);
        assert_eq!(offer.active, 1);
        assert_eq!(offer.key("ArrowDown"), Step::Moved);
        assert_eq!(offer.active, 0);
        assert_eq!(offer.key("a"), Step::Pass);
        assert_eq!(offer.key("ArrowDown"), Step::Moved);
        assert_eq!(offer.key("Enter"), Step::Pick("bea".into()));
        assert_eq!(offer.key("Tab"), Step::Pick("bea".into()));
        assert_eq!(offer.key("Escape"), Step::Close);
        // With nobody offered, Enter is a new line as ever.
        let mut empty = Offer::new(typed, Vec::new());
        assert_eq!(empty.key("Enter"), Step::Pass);
        assert_eq!(empty.key("ArrowDown"), Step::Pass);
        assert_eq!(empty.key("Escape"), Step::Close);
    }

    #[test]
    fn what_is_said_names_the_count_or_why_nobody_is_offered() {
        let offer = Offer::new(at_end("@zz").unwrap(), Vec::new());
        assert!(
            offer.said().contains("starting with “zz”"),
            "{}",
            offer.said()
        );
        let offer = Offer::new(at_end("@").unwrap(), Vec::new());
        assert!(offer.said().starts_with("Nobody else"));
        let offer = Offer::new(at_end("@").unwrap(), vec!["a".into(), "b".into()]);
        assert!(offer.said().starts_with("2 people"));
    }
}
