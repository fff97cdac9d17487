//! Who is told of a new comment, and why (issue 23).

use std::collections::HashSet;

use app::protocol::{NotificationKind, UserRef};

/// The people around a new comment.
pub struct Around<'a> {
    pub author: &'a UserRef,
    /// The document's owner and members: only they may be told.
    pub readers: &'a [UserRef],
    pub owner: &'a UserRef,
    /// The people the comment mentions.
    pub mentioned: &'a [UserRef],
    /// The authors of the thread's earlier comments (empty for a new thread).
    pub participants: &'a [UserRef],
}

/// Each person once, for the strongest reason: mentioned, then a reply in a thread they
/// wrote in, then a comment on their document. Never the author, never someone who may not
/// read the document.
pub fn recipients(around: &Around<'_>) -> Vec<(String, NotificationKind)> {
    let may_read: HashSet<&str> = around.readers.iter().map(|u| u.id.as_str()).collect();
    let mut told: Vec<(String, NotificationKind)> = Vec::new();
    let reasons = [
        (around.mentioned, NotificationKind::Mention),
        (around.participants, NotificationKind::Reply),
        (
            std::slice::from_ref(around.owner),
            NotificationKind::Comment,
        ),
    ];
    for (people, kind) in reasons {
        for person in people {
            let id = person.id.as_str();
            if id != around.author.id && may_read.contains(id) && !told.iter().any(|(t, _)| t == id)
            {
                told.push((id.to_owned(), kind));
            }
        }
    }
    told
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(name: &str) -> UserRef {
        UserRef {
            id: format!("id-{name}"),
            name: name.into(),
        }
    }

    #[test]
    fn each_person_is_told_once_for_the_strongest_reason_and_never_the_author() {
        let (ann, bob, cat, dan) = (user("ann"), user("bob"), user("cat"), user("dan"));
        let readers = [ann.clone(), bob.clone(), cat.clone(), dan.clone()];
        let told = recipients(&Around {
            author: &bob,
            readers: &readers,
            owner: &ann,
            mentioned: &[cat.clone(), bob.clone()],
            participants: &[cat.clone(), dan.clone(), ann.clone(), bob.clone()],
        });
        assert_eq!(
            told,
            vec![
                ("id-cat".into(), NotificationKind::Mention),
                ("id-dan".into(), NotificationKind::Reply),
                ("id-ann".into(), NotificationKind::Reply),
            ]
        );
    }

    #[test]
    fn nobody_without_access_is_told_and_the_owner_hears_of_new_threads() {
        let (ann, bob, eve) = (user("ann"), user("bob"), user("eve"));
        let readers = [ann.clone(), bob.clone()];
        let told = recipients(&Around {
            author: &bob,
            readers: &readers,
            owner: &ann,
            mentioned: &[eve],
            participants: &[],
        });
        assert_eq!(told, vec![("id-ann".into(), NotificationKind::Comment)]);
    }

    #[test]
    fn the_owner_commenting_on_their_own_document_tells_nobody_unasked() {
        let ann = user("ann");
        let readers = [ann.clone()];
        let around = Around {
            author: &ann,
            readers: &readers,
            owner: &ann,
            mentioned: &[],
            participants: &[],
        };
        assert!(recipients(&around).is_empty());
    }
}
