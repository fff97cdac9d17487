//! The list's keyset cursor, the same on every backend: opaque to clients (hex of
//! "sort|direction|key|id"), checked on the way in. A cursor points after the last document
//! of a page (the next page) or before the first (the previous one).

use chrono::DateTime;

/// The list's orders: by last change, newest first, or by title, A to Z ignoring case.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Sort {
    #[default]
    Updated,
    Title,
}

impl Sort {
    fn code(self) -> &'static str {
        match self {
            Sort::Updated => "u",
            Sort::Title => "t",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    After,
    Before,
}

/// A page boundary: the sort it belongs to, which way it points, and the boundary
/// document's sort key (its change time as stored, or its folded title) and id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cursor {
    pub sort: Sort,
    pub direction: Direction,
    pub key: String,
    pub id: String,
}

pub fn encode(sort: Sort, direction: Direction, key: &str, id: &str) -> String {
    let direction = match direction {
        Direction::After => "a",
        Direction::Before => "b",
    };
    format!("{}|{direction}|{key}|{id}", sort.code())
        .bytes()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// `None` for anything this server did not give out. A title may hold `|`; an id never does.
pub fn decode(cursor: &str) -> Option<Cursor> {
    if !cursor.len().is_multiple_of(2) || cursor.len() > 2048 {
        return None;
    }
    let bytes = (0..cursor.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(cursor.get(i..i + 2)?, 16).ok())
        .collect::<Option<Vec<u8>>>()?;
    let text = String::from_utf8(bytes).ok()?;
    let (sort, rest) = text.split_once('|')?;
    let (direction, rest) = rest.split_once('|')?;
    let (key, id) = rest.rsplit_once('|')?;
    let sort = match sort {
        "u" => Sort::Updated,
        "t" => Sort::Title,
        _ => return None,
    };
    let direction = match direction {
        "a" => Direction::After,
        "b" => Direction::Before,
        _ => return None,
    };
    if sort == Sort::Updated {
        DateTime::parse_from_rfc3339(key).ok()?;
    }
    Some(Cursor {
        sort,
        direction,
        key: key.to_owned(),
        id: id.to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_reject_garbage() {
        let cursor = encode(
            Sort::Updated,
            Direction::After,
            "2026-01-01T00:00:00.000Z",
            "abc",
        );
        assert_eq!(
            decode(&cursor),
            Some(Cursor {
                sort: Sort::Updated,
                direction: Direction::After,
                key: "2026-01-01T00:00:00.000Z".into(),
                id: "abc".into()
            })
        );
        let title = encode(Sort::Title, Direction::Before, "a|b plan", "id-1");
        assert_eq!(decode(&title).unwrap().key, "a|b plan");
        assert_eq!(decode("zz"), None);
        assert_eq!(
            decode(&encode(Sort::Updated, Direction::After, "yesterday", "abc")),
            None
        );
    }
}
