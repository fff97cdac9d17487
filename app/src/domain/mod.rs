//! Document fields and their rules. Pure: no IO, compiled for browser and server.

pub mod anchor;
pub mod comment;
pub mod copy;
pub mod diff;
mod fields;
#[cfg(test)]
pub mod line_edits;
pub mod merge;
pub mod rebase;
pub mod resolve;
pub mod snippet;
pub mod splice;
pub mod suggest;
pub mod tasks;
pub mod undo;
mod validate;

pub use fields::{changed_fields, Field, Fields, Role, Status};
pub use validate::{
    fold_case, is_local_path, normal_tag, parse_fields, parse_password, parse_user_name, slugify,
    Body, FieldError, Slug, Tags, Title, ValidFields, BODY_MAX_BYTES, NAME_MAX, SLUG_MAX, TAGS_MAX,
    TAG_MAX, TITLE_MAX,
};
