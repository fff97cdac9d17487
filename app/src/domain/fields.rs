//! The editable fields of a document, its workflow status, and which fields differ.

use serde::{Deserialize, Serialize};

/// What a revision can change. The editable fields (`ALL`) are the unit of every
/// field-level diff, merge and conflict; `Status` changes only through transitions and
/// appears in history.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    Title,
    Slug,
    Tags,
    Body,
    Status,
}

impl Field {
    pub const ALL: [Field; 4] = [Field::Title, Field::Slug, Field::Tags, Field::Body];

    pub fn name(self) -> &'static str {
        match self {
            Field::Title => "title",
            Field::Slug => "slug",
            Field::Tags => "tags",
            Field::Body => "body",
            Field::Status => "status",
        }
    }

    /// The name as a label starts: "Title".
    pub fn label(self) -> &'static str {
        match self {
            Field::Title => "Title",
            Field::Slug => "Slug",
            Field::Tags => "Tags",
            Field::Body => "Body",
            Field::Status => "Status",
        }
    }
}

#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Draft,
    Published,
    Archived,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Draft => "draft",
            Status::Published => "published",
            Status::Archived => "archived",
        }
    }

    pub fn parse(raw: &str) -> Option<Status> {
        match raw {
            "draft" => Some(Status::Draft),
            "published" => Some(Status::Published),
            "archived" => Some(Status::Archived),
            _ => None,
        }
    }

    /// Archived documents are read-only until restored to draft.
    pub fn is_editable(self) -> bool {
        !matches!(self, Status::Archived)
    }

    /// The workflow: draft → published → archived, and archived → draft (restore).
    pub fn allowed_next(self) -> &'static [Status] {
        match self {
            Status::Draft => &[Status::Published],
            Status::Published => &[Status::Archived],
            Status::Archived => &[Status::Draft],
        }
    }

    pub fn can_become(self, to: Status) -> bool {
        self.allowed_next().contains(&to)
    }
}

/// What a person may do with a document. Outsiders have no role and see nothing.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Created it: edits, shares, deletes.
    Owner,
    /// Reads, watches and edits.
    Editor,
    /// Reads and watches.
    Viewer,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Owner => "owner",
            Role::Editor => "editor",
            Role::Viewer => "viewer",
        }
    }

    pub fn parse(raw: &str) -> Option<Role> {
        match raw {
            "owner" => Some(Role::Owner),
            "editor" => Some(Role::Editor),
            "viewer" => Some(Role::Viewer),
            _ => None,
        }
    }

    pub fn can_edit(self) -> bool {
        matches!(self, Role::Owner | Role::Editor)
    }

    pub fn can_share(self) -> bool {
        matches!(self, Role::Owner)
    }
}

/// The four editable fields' values, valid or not: a form's, a merge's, a revision's.
/// Only `ValidFields` (from `parse_fields`) are ever saved.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[cfg_attr(
    feature = "ssr",
    schema(description = "The values of a document's editable fields.")
)]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fields {
    pub title: String,
    pub slug: String,
    /// Sorted and without duplicates.
    pub tags: Vec<String>,
    pub body: String,
}

/// The fields whose values differ between two versions, in `Field::ALL` order.
pub fn changed_fields(before: &Fields, after: &Fields) -> Vec<Field> {
    Field::ALL
        .into_iter()
        .filter(|field| match field {
            Field::Title => before.title != after.title,
            Field::Slug => before.slug != after.slug,
            Field::Tags => before.tags != after.tags,
            Field::Body => before.body != after.body,
            Field::Status => false,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields() -> Fields {
        Fields {
            title: "A".into(),
            slug: "a".into(),
            tags: vec!["x".into()],
            body: "text".into(),
        }
    }

    #[test]
    fn the_workflow_moves_forward_and_restores_archived_documents_to_draft() {
        assert!(Status::Draft.can_become(Status::Published));
        assert!(Status::Published.can_become(Status::Archived));
        assert!(Status::Archived.can_become(Status::Draft));
        assert!(!Status::Draft.can_become(Status::Archived));
        assert!(!Status::Published.can_become(Status::Published));
        assert!(!Status::Archived.can_become(Status::Published));
    }

    #[test]
    fn identical_versions_change_nothing() {
        assert!(changed_fields(&fields(), &fields()).is_empty());
    }

    #[test]
    fn each_differing_field_is_reported_in_order() {
        let mut after = fields();
        after.body.push('!');
        after.title = "B".into();
        assert_eq!(
            changed_fields(&fields(), &after),
            vec![Field::Title, Field::Body]
        );
    }
}
