//! Unique-constraint violations that are expected outcomes, recognised by constraint name
//! and mapped to store errors in this one place for every backend.

use super::StoreError;

/// A unique constraint whose violation means something to the caller.
struct Unique {
    /// The constraint's name, as PostgreSQL reports it.
    name: &'static str,
    /// SQLite reports no names, only "UNIQUE constraint failed: <table.columns>"; this is
    /// that description, standing in for the name there.
    sqlite_columns: &'static str,
    meaning: fn() -> StoreError,
}

const UNIQUE: &[Unique] = &[
    Unique {
        name: "documents_live_slug_key",
        sqlite_columns: "documents.slug",
        meaning: || StoreError::SlugTaken,
    },
    Unique {
        name: "users_name_key",
        sqlite_columns: "users.name_key",
        meaning: || StoreError::NameTaken,
    },
    Unique {
        name: "idempotency_keys_pkey",
        sqlite_columns: "idempotency_keys.user_id, idempotency_keys.key",
        meaning: || StoreError::IdempotencyKeyUsed,
    },
    Unique {
        name: "suggestion_decisions_pkey",
        sqlite_columns: "suggestion_decisions.suggestion_id, suggestion_decisions.hunk",
        meaning: || StoreError::AlreadyDecided,
    },
];

/// The store error a failed statement means: a known constraint's, or the database error.
pub fn on_constraint(error: sqlx::Error) -> StoreError {
    if let sqlx::Error::Database(db) = &error {
        if db.is_unique_violation() {
            let failed_columns = db.message().strip_prefix("UNIQUE constraint failed: ");
            let known = UNIQUE.iter().find(|c| {
                db.constraint() == Some(c.name) || failed_columns == Some(c.sqlite_columns)
            });
            if let Some(known) = known {
                return (known.meaning)();
            }
        }
    }
    StoreError::Database(error)
}
