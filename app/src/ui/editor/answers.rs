//! What the form does with the server's answers: a save's stored values, a revision
//! fetched to reapply onto, a role changed while the page is open. Plain Rust; the
//! component shows what these return.

use crate::domain::{rebase::rebase, Fields};

/// After a save: the stored (normalised) value of each field the person has not typed in
/// since the save was sent; their newer typing where they have.
pub fn after_save(sent: &Fields, now: &Fields, saved: &Fields) -> Fields {
    let pick =
        |now: &str, sent: &str, saved: &str| if now == sent { saved } else { now }.to_owned();
    Fields {
        title: pick(&now.title, &sent.title, &saved.title),
        slug: pick(&now.slug, &sent.slug, &saved.slug),
        tags: if now.tags == sent.tags {
            saved.tags.clone()
        } else {
            now.tags.clone()
        },
        body: pick(&now.body, &sent.body, &saved.body),
    }
}

/// What "Reload and reapply" does with the latest revision.
#[derive(Debug, Clone, PartialEq)]
pub enum Reapply {
    /// Nothing unsaved: show the latest revision as it is.
    TakeLatest,
    /// The form is based on the latest revision already; it stays as typed.
    AlreadyLatest,
    /// The person's changes merged cleanly onto it: show these.
    Clean(Fields),
    /// The panel open now shows exactly this clash: keep it and the choices made in it.
    SamePanel,
    /// The person's changes overlap the latest revision: open the panel.
    Clash,
}

/// Decides "Reload and reapply": `panel_shows_it` says whether a stale save's panel is open
/// on this very revision and text.
pub fn reapply(
    base: &Fields,
    base_rev: i64,
    latest: &Fields,
    latest_rev: i64,
    mine: &Fields,
    panel_shows_it: bool,
) -> Reapply {
    if mine == base {
        return Reapply::TakeLatest;
    }
    if latest_rev == base_rev {
        return Reapply::AlreadyLatest;
    }
    let rebased = rebase(base, latest, mine);
    if rebased.clean() {
        Reapply::Clean(rebased.fields)
    } else if panel_shows_it {
        Reapply::SamePanel
    } else {
        Reapply::Clash
    }
}

/// What the status line says when the owner changes this person's role on an open page;
/// nothing when what they may do stays the same.
pub fn role_changed(by: &str, could_edit: bool, can_edit: bool, unsaved: bool) -> Option<String> {
    match (could_edit, can_edit) {
        (false, true) => Some(format!(
            "{by} made you an editor: you can change this document now."
        )),
        (true, false) => {
            let kept = if unsaved {
                " Your unsaved text stays on this page: submit it as a suggestion or save it as a copy."
            } else {
                ""
            };
            Some(format!(
                "{by} made you a viewer: you can read this document and suggest changes, but no longer change it directly.{kept}"
            ))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(title: &str, tags: &[&str], body: &str) -> Fields {
        Fields {
            title: title.into(),
            slug: "plan".into(),
            tags: tags.iter().map(|t| (*t).to_owned()).collect(),
            body: body.into(),
        }
    }

    #[test]
    fn a_saved_answer_never_overwrites_what_was_typed_after_sending() {
        let sent = fields("  Plan ", &["q4"], "text");
        let saved = fields("Plan", &["q4"], "text\n");
        // Nothing typed since: the stored, normalised values.
        assert_eq!(after_save(&sent, &sent, &saved), saved);
        // Typed into the body since: the body stays as typed, the title is normalised.
        let now = fields("  Plan ", &["q4"], "text, more");
        let shown = after_save(&sent, &now, &saved);
        assert_eq!(shown.title, "Plan");
        assert_eq!(shown.body, "text, more");
        let now = fields("  Plan ", &["q4", "x"], "text");
        assert_eq!(after_save(&sent, &now, &saved).tags, vec!["q4", "x"]);
    }

    #[test]
    fn reload_and_reapply_has_one_answer_per_case() {
        let base = fields("Plan", &[], "one\ntwo\n");
        let latest = fields("Plan", &[], "one by Ann\ntwo\n");
        assert_eq!(
            reapply(&base, 1, &latest, 2, &base, false),
            Reapply::TakeLatest
        );
        let mine = fields("Plan", &[], "one\ntwo by Bob\n");
        assert_eq!(
            reapply(&base, 2, &base, 2, &mine, false),
            Reapply::AlreadyLatest
        );
        assert_eq!(
            reapply(&base, 1, &latest, 2, &mine, false),
            Reapply::Clean(fields("Plan", &[], "one by Ann\ntwo by Bob\n"))
        );
        let clashing = fields("Plan", &[], "one by Bob\ntwo\n");
        assert_eq!(
            reapply(&base, 1, &latest, 2, &clashing, false),
            Reapply::Clash
        );
        assert_eq!(
            reapply(&base, 1, &latest, 2, &clashing, true),
            Reapply::SamePanel
        );
    }

    #[test]
    fn a_role_change_is_news_only_when_it_changes_what_one_may_do() {
        assert_eq!(
            role_changed("Ann", false, true, false).as_deref(),
            Some("Ann made you an editor: you can change this document now.")
        );
        assert_eq!(
            role_changed("Ann", true, false, true).as_deref(),
            Some("Ann made you a viewer: you can read this document and suggest changes, but no longer change it directly. Your unsaved text stays on this page: submit it as a suggestion or save it as a copy.")
        );
        assert_eq!(role_changed("Ann", true, true, true), None);
        assert_eq!(role_changed("Ann", false, false, false), None);
    }
}
