//! Unique-constraint violations that are expected outcomes, recognised by constraint name
//! and mapped to store errors in this one place for every backend.

use super::StoreError;

/// (constraint name, SQLite's description of it, what it means). PostgreSQL reports the
/// name; SQLite reports only "UNIQUE constraint failed: <table.columns>", so its
/// description stands in for the name there.
const UNIQUE: &[(&str, &str, fn() -> StoreError)] = &[
    ("documents_live_slug_key", "documents.slug", || {
        StoreError::SlugTaken
    }),
    ("users_name_key", "users.name_key", || StoreError::NameTaken),
    (
        "idempotency_keys_pkey",
        "idempotency_keys.user_id, idempotency_keys.key",
        || StoreError::IdempotencyKeyUsed,
    ),
];

/// The store error a failed statement means: a known constraint's, or the database error.
pub fn on_constraint(error: sqlx::Error) -> StoreError {
    if let sqlx::Error::Database(db) = &error {
        if db.is_unique_violation() {
            let named =
                |(name, _, _): &&(&str, &str, fn() -> StoreError)| db.constraint() == Some(*name);
            let described = |(_, columns, _): &&(&str, &str, fn() -> StoreError)| {
                db.message()
                    .strip_prefix("UNIQUE constraint failed: ")
                    .is_some_and(|failed| failed == *columns)
            };
            if let Some((_, _, meaning)) = UNIQUE
                .iter()
                .find(|c| named(c))
                .or_else(|| UNIQUE.iter().find(|c| described(c)))
            {
                return meaning();
            }
        }
    }
    StoreError::Database(error)
}
