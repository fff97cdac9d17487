//! Who is told of a new comment, and why (issue 23): the people it mentions (every name
//! must be a user's), the thread's earlier authors, the document's owner.

use std::collections::HashSet;

use super::{DocError, Documents};
use crate::store::inbox::NewNotice;
use app::{
    domain::{comment::CommentText, fold_case},
    protocol::{NotificationKind, UserRef},
};

/// The case-folded names of everyone who may read a document: a mention of anyone else
/// reaches nobody.
pub(super) type Readers = HashSet<String>;

/// How many people are offered at once while a mention is typed.
const OFFERED: usize = 10;

impl Documents<'_> {
    /// The document's owner and its members: everyone who may read it.
    async fn readers(&self, id: &str) -> Result<(UserRef, Vec<UserRef>), DocError> {
        let (owner, members) = self
            .stores
            .members
            .members(id)
            .await?
            .ok_or(DocError::NotFound)?;
        let mut readers: Vec<UserRef> = members.into_iter().map(|m| m.user).collect();
        readers.push(owner.clone());
        Ok((owner, readers))
    }

    pub(super) async fn reader_names(&self, id: &str) -> Result<Readers, DocError> {
        let (_, readers) = self.readers(id).await?;
        Ok(readers.iter().map(|u| fold_case(&u.name)).collect())
    }

    /// Up to ten people who may read the document, other than `user`, whose names start
    /// with `prefix` ignoring case, A to Z: whom a comment may usefully mention. Outsiders
    /// learn nothing (404).
    pub async fn readers_starting(
        &self,
        id: &str,
        user: &UserRef,
        prefix: &str,
    ) -> Result<Vec<UserRef>, DocError> {
        self.role(id, user).await?;
        let (_, mut readers) = self.readers(id).await?;
        let prefix = fold_case(prefix);
        readers.retain(|u| u.id != user.id && fold_case(&u.name).starts_with(&prefix));
        readers.sort_by_cached_key(|u| fold_case(&u.name));
        readers.truncate(OFFERED);
        Ok(readers)
    }

    /// The people a comment mentions; refused if a name is nobody's.
    pub(super) async fn mentioned(&self, text: &CommentText) -> Result<Vec<UserRef>, DocError> {
        let mut people = Vec::new();
        for name in text.mentions() {
            match self.stores.accounts.find_user(&name).await? {
                Some(record) => people.push(record.user),
                None => {
                    return Err(DocError::invalid(
                        "text",
                        format!("Nobody is called @{name}. Check the spelling of the user name."),
                    ))
                }
            }
        }
        Ok(people)
    }

    /// The notifications of a new comment (`at`: its thread and its id).
    pub(super) async fn notices(
        &self,
        id: &str,
        author: &UserRef,
        mentioned: &[UserRef],
        participants: &[UserRef],
        (thread_id, comment_id): (&str, &str),
    ) -> Result<Vec<NewNotice>, DocError> {
        let (owner, readers) = self.readers(id).await?;
        let at = self.clock.now();
        Ok(recipients(&Around {
            author,
            readers: &readers,
            owner: &owner,
            mentioned,
            participants,
        })
        .into_iter()
        .map(|(user_id, kind)| NewNotice {
            id: uuid::Uuid::now_v7().to_string(),
            user_id,
            kind,
            doc_id: id.to_owned(),
            thread_id: Some(thread_id.to_owned()),
            comment_id: Some(comment_id.to_owned()),
            actor_id: author.id.clone(),
            at,
        })
        .collect())
    }
}

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
