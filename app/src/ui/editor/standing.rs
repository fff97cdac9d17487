//! Where the editor stands, in one honest line: derived from its state every time, never
//! written by whichever handler ran last.

/// What the line is derived from.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Facts {
    /// The revision the form is based on.
    pub rev: i64,
    pub dirty: bool,
    pub saving: bool,
    /// A save failed for a passing reason and waits to be tried again.
    pub retrying: bool,
    /// Places both sides changed that still wait for the person's choice.
    pub choices: usize,
    /// A viewer, or an archived document.
    pub readonly: bool,
    pub revoked: bool,
    pub trashed: bool,
    pub session_ended: bool,
    /// The last thing that happened to the form was another person's revision merged into
    /// it: whose it was and its number.
    pub merged: Option<(String, i64)>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Standing {
    Trashed,
    Revoked,
    SessionEnded,
    Saving,
    Retrying,
    Choices(usize),
    ReadOnly(i64),
    Merged { whose: String, rev: i64 },
    Unsaved(i64),
    UpToDate(i64),
}

/// The most pressing truth first: what stops a save, then what is under way, then what
/// waits for the person, then where the text stands.
pub fn standing(facts: &Facts) -> Standing {
    if facts.trashed {
        Standing::Trashed
    } else if facts.revoked {
        Standing::Revoked
    } else if facts.session_ended {
        Standing::SessionEnded
    } else if facts.saving && !facts.retrying {
        Standing::Saving
    } else if facts.retrying {
        Standing::Retrying
    } else if facts.choices > 0 {
        Standing::Choices(facts.choices)
    } else if facts.readonly && !facts.dirty {
        Standing::ReadOnly(facts.rev)
    } else if !facts.dirty {
        Standing::UpToDate(facts.rev)
    } else {
        match &facts.merged {
            Some((whose, rev)) if *rev == facts.rev => Standing::Merged {
                whose: whose.clone(),
                rev: *rev,
            },
            _ => Standing::Unsaved(facts.rev),
        }
    }
}

impl Standing {
    pub fn line(&self) -> String {
        match self {
            Standing::Trashed => "In the trash — your text stays on this page".into(),
            Standing::Revoked => "No longer shared with you — your text stays on this page".into(),
            Standing::SessionEnded => "Signed out — sign in to save; your text is kept".into(),
            Standing::Saving => "Saving…".into(),
            Standing::Retrying => "Offline or the server is away — retrying".into(),
            Standing::Choices(1) => "1 place needs your choice".into(),
            Standing::Choices(n) => format!("{n} places need your choice"),
            Standing::ReadOnly(rev) => format!("Read only — revision {rev}"),
            Standing::Merged { whose, rev } => {
                format!("{whose} revision {rev} merged into your text — not saved yet")
            }
            Standing::Unsaved(rev) => format!("Unsaved changes based on revision {rev}"),
            Standing::UpToDate(rev) => format!("Up to date with revision {rev}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(rev: i64) -> Facts {
        Facts {
            rev,
            ..Facts::default()
        }
    }

    #[test]
    fn every_standing_has_its_line() {
        let clean = at(4);
        assert_eq!(standing(&clean).line(), "Up to date with revision 4");
        let typed = Facts {
            dirty: true,
            ..at(4)
        };
        assert_eq!(
            standing(&typed).line(),
            "Unsaved changes based on revision 4"
        );
        let merged = Facts {
            merged: Some(("Ann's".into(), 4)),
            ..typed.clone()
        };
        assert_eq!(
            standing(&merged).line(),
            "Ann's revision 4 merged into your text — not saved yet"
        );
        // A merge the form has since moved past is no longer the news.
        let moved_on = Facts {
            merged: Some(("Ann's".into(), 3)),
            ..typed.clone()
        };
        assert_eq!(standing(&moved_on), Standing::Unsaved(4));
        let choices = Facts {
            choices: 2,
            ..merged.clone()
        };
        assert_eq!(standing(&choices).line(), "2 places need your choice");
        assert_eq!(
            standing(&Facts {
                choices: 1,
                ..typed.clone()
            })
            .line(),
            "1 place needs your choice"
        );
        let saving = Facts {
            saving: true,
            ..choices.clone()
        };
        assert_eq!(standing(&saving), Standing::Saving);
        let retrying = Facts {
            retrying: true,
            ..saving.clone()
        };
        assert_eq!(standing(&retrying), Standing::Retrying);
        let ended = Facts {
            session_ended: true,
            ..retrying.clone()
        };
        assert_eq!(standing(&ended), Standing::SessionEnded);
        let revoked = Facts {
            revoked: true,
            ..ended.clone()
        };
        assert_eq!(standing(&revoked), Standing::Revoked);
        let trashed = Facts {
            trashed: true,
            ..revoked
        };
        assert_eq!(standing(&trashed), Standing::Trashed);
    }

    #[test]
    fn readers_see_the_revision_and_unsaved_text_is_never_hidden() {
        let reader = Facts {
            readonly: true,
            ..at(7)
        };
        assert_eq!(standing(&reader).line(), "Read only — revision 7");
        // Made a viewer with text typed: that text is still unsaved, and the line says so.
        let demoted = Facts {
            dirty: true,
            ..reader
        };
        assert_eq!(standing(&demoted), Standing::Unsaved(7));
    }
}
