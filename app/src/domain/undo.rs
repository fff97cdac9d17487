//! "Undo this change": takes back what one revision changed and keeps everything saved
//! after it, by merging the revision's inverse onto the current values.

use super::{
    merge::{compare, FieldState},
    Field, Fields,
};

/// The current values with revision N's change taken back. `before` and `undone` are the
/// values of revisions N−1 and N. Going from `undone` back to `before` is "my" change, the
/// revisions since are "theirs": a three-way merge with `undone` as the base. `Err` names
/// the fields where a later revision changed the same places, which only a person can
/// settle.
pub fn undo_change(
    before: &Fields,
    undone: &Fields,
    current: &Fields,
) -> Result<Fields, Vec<Field>> {
    let compared = compare(undone, current, before);
    if compared.merge.clean {
        return Ok(compared.merge.proposal);
    }
    Err(compared
        .fields
        .iter()
        .filter(|c| c.state == FieldState::BothConflict)
        .map(|c| c.field)
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(title: &str, tags: &[&str], body: &str) -> Fields {
        Fields {
            title: title.to_owned(),
            slug: "plan".to_owned(),
            tags: tags.iter().map(|t| t.to_string()).collect(),
            body: body.to_owned(),
        }
    }

    #[test]
    fn the_change_is_taken_back_and_later_ones_stay() {
        let before = fields("Plan", &["a"], "one\ntwo\nthree\n");
        let undone = fields("Plan", &["a", "b"], "one\nTWO\nthree\n");
        // Later: another line and the title changed, another tag added.
        let current = fields("Q4 plan", &["a", "b", "c"], "one\nTWO\nthree\nfour\n");
        let result = undo_change(&before, &undone, &current).unwrap();
        assert_eq!(
            result,
            fields("Q4 plan", &["a", "c"], "one\ntwo\nthree\nfour\n")
        );
    }

    #[test]
    fn a_later_change_to_the_same_place_is_a_conflict() {
        let before = fields("Plan", &[], "one\ntwo\n");
        let undone = fields("Plan", &[], "one\nTWO\n");
        let current = fields("Plan", &[], "one\nTwo, again\n");
        assert_eq!(
            undo_change(&before, &undone, &current),
            Err(vec![Field::Body])
        );
    }

    #[test]
    fn undoing_twice_changes_nothing_more() {
        let before = fields("Plan", &[], "one\ntwo\n");
        let undone = fields("Plan", &[], "one\nTWO\n");
        let once = undo_change(&before, &undone, &undone).unwrap();
        assert_eq!(once, before);
        assert_eq!(undo_change(&before, &undone, &once).unwrap(), before);
    }
}
