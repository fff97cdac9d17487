//! JSON merge patches (RFC 7396) on a document's editable fields.

use serde_json::{Map, Value};

use app::domain::{parse_fields, FieldError, Fields, ValidFields};

/// RFC 7396 applied to the editable fields. `null` would remove a field, and no field may be removed.
pub fn apply_merge_patch(
    current: &Fields,
    patch: &Map<String, Value>,
) -> Result<ValidFields, Vec<FieldError>> {
    let mut title = current.title.clone();
    let mut slug = current.slug.clone();
    let mut tags = current.tags.clone();
    let mut body = current.body.clone();
    let mut errors = Vec::new();
    for (key, value) in patch {
        let text = || value.as_str().map(str::to_owned);
        let outcome = match key.as_str() {
            "base_rev" => continue,
            "title" => text().map(|v| title = v),
            "slug" => text().map(|v| slug = v),
            "body" => text().map(|v| body = v),
            "tags" => value
                .as_array()
                .and_then(|items| {
                    items
                        .iter()
                        .map(|t| t.as_str().map(str::to_owned))
                        .collect::<Option<Vec<_>>>()
                })
                .map(|v| tags = v),
            _ => {
                errors.push(FieldError::new(key, format!("Unknown field \"{key}\".")));
                continue;
            }
        };
        if outcome.is_none() {
            let expected = if key == "tags" {
                "an array of strings"
            } else {
                "a string"
            };
            let message = if value.is_null() {
                format!("Field \"{key}\" cannot be removed; send {expected}.")
            } else {
                format!("Field \"{key}\" must be {expected}.")
            };
            errors.push(FieldError::new(key, message));
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    parse_fields(&title, &slug, &tags, &body)
}
