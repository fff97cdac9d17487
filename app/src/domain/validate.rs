//! Parse, don't validate: raw input becomes field newtypes or named field errors.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use super::Fields;

pub const TITLE_MAX: usize = 200;
pub const SLUG_MAX: usize = 80;
pub const TAGS_MAX: usize = 32;
pub const TAG_MAX: usize = 32;
pub const BODY_MAX_BYTES: usize = 1024 * 1024;
pub const NAME_MAX: usize = 40;
const PASSWORD_MIN: usize = 8;
/// Argon2 hashes whatever it is given; a cap keeps a sign-up from becoming a CPU sink.
const PASSWORD_MAX: usize = 1024;

/// One invalid input, named so the UI can show it on the field.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

impl FieldError {
    pub fn new(field: &str, message: impl Into<String>) -> Self {
        FieldError {
            field: field.to_owned(),
            message: message.into(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Title(String);

impl Title {
    /// Trimmed; 1–200 characters; no control characters.
    pub fn parse(raw: &str) -> Result<Title, FieldError> {
        let title = raw.trim();
        let chars = title.chars().count();
        if chars == 0 {
            return Err(FieldError::new("title", "Title must not be empty."));
        }
        if chars > TITLE_MAX {
            return Err(FieldError::new(
                "title",
                format!("Title must be at most {TITLE_MAX} characters (it has {chars})."),
            ));
        }
        if title.chars().any(char::is_control) {
            return Err(FieldError::new(
                "title",
                "Title must not contain control characters.",
            ));
        }
        Ok(Title(title.to_owned()))
    }

    pub fn into_inner(self) -> String {
        self.0
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Slug(String);

impl Slug {
    /// `^[a-z0-9]+(-[a-z0-9]+)*$`, 1–80 characters.
    pub fn parse(raw: &str) -> Result<Slug, FieldError> {
        let well_formed = !raw.is_empty()
            && raw
                .split('-')
                .all(|part| !part.is_empty() && part.bytes().all(is_lower_alnum));
        if !well_formed {
            return Err(FieldError::new(
                "slug",
                "Slug must be lowercase letters and digits in words joined by single hyphens, like \"q4-plan\".",
            ));
        }
        if raw.len() > SLUG_MAX {
            return Err(FieldError::new(
                "slug",
                format!("Slug must be at most {SLUG_MAX} characters."),
            ));
        }
        Ok(Slug(raw.to_owned()))
    }

    pub fn into_inner(self) -> String {
        self.0
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tags(Vec<String>);

/// A tag as stored: trimmed, lowercase. Also what a tag filter compares.
pub fn normal_tag(raw: &str) -> String {
    raw.trim().to_lowercase()
}

impl Tags {
    /// A set: duplicates collapse, order is sorted; 0–32 tags of `^[a-z0-9][a-z0-9-]{0,31}$`.
    /// Tags are trimmed and lowercased first: "Q4 " is the tag "q4", not an error.
    pub fn parse<S: AsRef<str>>(raw: &[S]) -> Result<Tags, FieldError> {
        let mut set = BTreeSet::new();
        for tag in raw {
            let tag = normal_tag(tag.as_ref());
            let tag = tag.as_str();
            let valid = tag.len() <= TAG_MAX
                && tag.bytes().next().is_some_and(is_lower_alnum)
                && tag.bytes().all(|b| is_lower_alnum(b) || b == b'-');
            if !valid {
                return Err(FieldError::new(
                    "tags",
                    format!(
                        "Tag \"{}\" is invalid: use 1–{TAG_MAX} lowercase letters, digits or hyphens, starting with a letter or digit.",
                        tag.chars().take(40).collect::<String>()
                    ),
                ));
            }
            set.insert(tag.to_owned());
        }
        if set.len() > TAGS_MAX {
            return Err(FieldError::new(
                "tags",
                format!("At most {TAGS_MAX} tags are allowed (got {}).", set.len()),
            ));
        }
        Ok(Tags(set.into_iter().collect()))
    }

    pub fn into_inner(self) -> Vec<String> {
        self.0
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Body(String);

impl Body {
    /// At most 1 MiB of UTF-8; line breaks and tabs are the only control characters allowed.
    pub fn parse(raw: &str) -> Result<Body, FieldError> {
        if raw.len() > BODY_MAX_BYTES {
            return Err(FieldError::new(
                "body",
                format!("Body must be at most 1 MiB (it is {} bytes).", raw.len()),
            ));
        }
        if raw
            .chars()
            .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
        {
            return Err(FieldError::new(
                "body",
                "Body must not contain control characters other than line breaks and tabs.",
            ));
        }
        Ok(Body(raw.to_owned()))
    }

    pub fn into_inner(self) -> String {
        self.0
    }
}

/// Field values that passed `parse_fields`, and so may be saved: the only kind a document
/// is written with. Plain `Fields` are any four values (a form's, a merge's, an old
/// revision's); they become these only through validation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidFields(Fields);

impl ValidFields {
    /// The same values under another slug, itself validated.
    pub fn with_slug(mut self, slug: Slug) -> ValidFields {
        self.0.slug = slug.into_inner();
        self
    }

    pub fn into_fields(self) -> Fields {
        self.0
    }
}

impl std::ops::Deref for ValidFields {
    type Target = Fields;

    fn deref(&self) -> &Fields {
        &self.0
    }
}

/// Validates all editable fields at once, so a form can show every problem together.
pub fn parse_fields<S: AsRef<str>>(
    title: &str,
    slug: &str,
    tags: &[S],
    body: &str,
) -> Result<ValidFields, Vec<FieldError>> {
    let title = Title::parse(title);
    let slug = Slug::parse(slug);
    let tags = Tags::parse(tags);
    let body = Body::parse(body);
    match (title, slug, tags, body) {
        (Ok(title), Ok(slug), Ok(tags), Ok(body)) => Ok(ValidFields(Fields {
            title: title.into_inner(),
            slug: slug.into_inner(),
            tags: tags.into_inner(),
            body: body.into_inner(),
        })),
        (title, slug, tags, body) => Err([title.err(), slug.err(), tags.err(), body.err()]
            .into_iter()
            .flatten()
            .collect()),
    }
}

/// Case-folded text for comparing without regard to case: user names ("Ann" is "ann") and
/// search. Unicode-aware and defined here once, so every backend compares alike: the
/// database stores and compares folded text, it never folds.
pub fn fold_case(text: &str) -> String {
    text.to_lowercase()
}

/// User names: 1–40 letters, digits, `.`, `_`, `-`.
pub fn parse_user_name(raw: &str) -> Result<String, FieldError> {
    let chars = raw.chars().count();
    let valid = (1..=NAME_MAX).contains(&chars)
        && raw
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '.' | '_' | '-'));
    if valid {
        Ok(raw.to_owned())
    } else {
        Err(FieldError::new(
            "name",
            format!("Name must be 1–{NAME_MAX} letters, digits, dots, underscores or hyphens."),
        ))
    }
}

pub fn parse_password(raw: &str) -> Result<&str, FieldError> {
    let chars = raw.chars().count();
    if chars < PASSWORD_MIN {
        return Err(FieldError::new(
            "password",
            format!("Password must be at least {PASSWORD_MIN} characters."),
        ));
    }
    if raw.len() > PASSWORD_MAX {
        return Err(FieldError::new(
            "password",
            format!("Password must be at most {PASSWORD_MAX} bytes."),
        ));
    }
    Ok(raw)
}

/// A valid slug made from a title in any script: "Q4 Plan: draft!" becomes
/// "q4-plan-draft", "Été 2026" "ete-2026", "Планы" "plany". A title with nothing to
/// transliterate gives "doc".
pub fn slugify(title: &str) -> String {
    let mut slug = String::new();
    for c in deunicode::deunicode_with_tofu(title, " ").chars() {
        let c = c.to_ascii_lowercase();
        if c.is_ascii_lowercase() || c.is_ascii_digit() {
            slug.push(c);
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    slug.truncate(SLUG_MAX);
    let slug = slug.trim_end_matches('-');
    if slug.is_empty() {
        "doc".to_owned()
    } else {
        slug.to_owned()
    }
}

fn is_lower_alnum(b: u8) -> bool {
    b.is_ascii_lowercase() || b.is_ascii_digit()
}

/// A path on this site (not `//elsewhere`), so a `next` or a note's link cannot send anyone
/// to another site.
pub fn is_local_path(path: &str) -> bool {
    path.starts_with('/') && !path.starts_with("//") && !path.contains('\\')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn title_is_trimmed_and_limited_to_200_characters() {
        assert_eq!(Title::parse("  Plan  ").unwrap().into_inner(), "Plan");
        assert!(Title::parse(&"é".repeat(200)).is_ok());
        assert_eq!(Title::parse(&"é".repeat(201)).unwrap_err().field, "title");
        assert!(Title::parse("   ").is_err());
    }

    #[test]
    fn title_rejects_control_characters() {
        assert!(Title::parse("a\u{7}b").is_err());
        assert!(Title::parse("a\nb").is_err());
    }

    #[test]
    fn slug_accepts_hyphenated_words_only() {
        for ok in ["a", "q4-plan", "a-b-c", "123"] {
            assert!(Slug::parse(ok).is_ok(), "{ok}");
        }
        for bad in ["", "-a", "a-", "a--b", "A", "a_b", "é", "a b"] {
            assert!(Slug::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn slug_is_limited_to_80_characters() {
        assert!(Slug::parse(&"a".repeat(80)).is_ok());
        assert!(Slug::parse(&"a".repeat(81)).is_err());
    }

    #[test]
    fn tags_are_a_sorted_set() {
        let tags = Tags::parse(&["b", "a", "b"]).unwrap().into_inner();
        assert_eq!(tags, vec!["a", "b"]);
    }

    #[test]
    fn tags_follow_the_pattern_and_the_count_limit() {
        assert!(Tags::parse(&["-a"]).is_err());
        assert_eq!(
            Tags::parse(&[" Q4 ", "q4", "Plan-B"]).unwrap().into_inner(),
            vec!["plan-b", "q4"]
        );
        assert!(Tags::parse(&["Ä"]).is_err());
        assert!(Tags::parse(&[""]).is_err());
        assert!(Tags::parse(&["a".repeat(32)]).is_ok());
        assert!(Tags::parse(&["a".repeat(33)]).is_err());
        let many: Vec<String> = (0..33).map(|i| format!("t{i}")).collect();
        assert!(Tags::parse(&many[..32]).is_ok());
        assert_eq!(Tags::parse(&many).unwrap_err().field, "tags");
    }

    #[test]
    fn body_is_limited_to_one_mebibyte() {
        assert!(Body::parse(&"x".repeat(BODY_MAX_BYTES)).is_ok());
        assert!(Body::parse(&"x".repeat(BODY_MAX_BYTES + 1)).is_err());
    }

    #[test]
    fn body_allows_line_breaks_and_tabs_but_no_other_control_characters() {
        assert!(Body::parse("a\r\n\tb").is_ok());
        assert!(Body::parse("a\u{0}b").is_err());
    }

    #[test]
    fn parse_fields_reports_every_invalid_field() {
        let errors = parse_fields("", "Bad Slug", &["ok"], "fine").unwrap_err();
        let names: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(names, vec!["title", "slug"]);
    }

    #[test]
    fn slugify_suggests_a_valid_slug() {
        assert_eq!(slugify("Q4 Plan: draft!"), "q4-plan-draft");
        assert_eq!(slugify("  --Été 2026--  "), "ete-2026");
        assert_eq!(slugify("!!!"), "doc");
        // No Latin letters at all still gives a valid slug.
        assert_eq!(slugify("Планы на квартал"), "plany-na-kvartal");
        assert_eq!(slugify("北京计划"), "bei-jing-ji-hua");
        assert_eq!(slugify("🎉🎉"), "tada-tada");
        for title in ["Ω", "ﷺ", "\u{10FFFF}", "a\u{0301}"] {
            assert!(Slug::parse(&slugify(title)).is_ok(), "{title}");
        }
        assert!(Slug::parse(&slugify(&"ab ".repeat(100))).is_ok());
    }

    #[test]
    fn user_names_and_passwords_follow_the_account_rules() {
        assert!(parse_user_name("ann.b_c-1").is_ok());
        assert!(parse_user_name("").is_err());
        assert!(parse_user_name("a b").is_err());
        assert!(parse_user_name(&"a".repeat(41)).is_err());
        assert!(parse_password("1234567").is_err());
        assert!(parse_password("12345678").is_ok());
    }
}
