//! The list's keyset cursor, the same on every backend: opaque to clients (hex of
//! "updated_at|id"), checked on the way in.

use chrono::DateTime;

/// Where a page ended: the last document's change time (as stored) and id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cursor {
    pub updated_at: String,
    pub id: String,
}

pub fn encode(updated_at: &str, id: &str) -> String {
    format!("{updated_at}|{id}")
        .bytes()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// `None` for anything this server did not give out.
pub fn decode(cursor: &str) -> Option<Cursor> {
    if !cursor.len().is_multiple_of(2) || cursor.len() > 512 {
        return None;
    }
    let bytes = (0..cursor.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(cursor.get(i..i + 2)?, 16).ok())
        .collect::<Option<Vec<u8>>>()?;
    let text = String::from_utf8(bytes).ok()?;
    let (updated_at, id) = text.split_once('|')?;
    DateTime::parse_from_rfc3339(updated_at).ok()?;
    Some(Cursor {
        updated_at: updated_at.to_owned(),
        id: id.to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_reject_garbage() {
        let cursor = encode("2026-01-01T00:00:00.000Z", "abc");
        assert_eq!(
            decode(&cursor),
            Some(Cursor {
                updated_at: "2026-01-01T00:00:00.000Z".into(),
                id: "abc".into()
            })
        );
        assert_eq!(decode("zz"), None);
        assert_eq!(decode(&encode("yesterday", "abc")), None);
    }
}
