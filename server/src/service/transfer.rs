//! `concord export`, `concord import` and `concord backup`: the commands' work, apart
//! from argument parsing. See `store::transfer` for the format.

use std::io::Write;

use crate::store::{
    self,
    transfer::{parse, Record, FORMAT, VERSION},
};

/// What a command says when it refuses: the reason, for the person at the terminal.
#[derive(Debug)]
pub struct Refusal(pub String);

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Refusal {}

fn refuse(reason: impl Into<String>) -> Box<dyn std::error::Error + Send + Sync> {
    Box::new(Refusal(reason.into()))
}

type Outcome<T> = Result<T, Box<dyn std::error::Error + Send + Sync>>;

/// Writes every record as a line; returns how many of each were written.
pub async fn export(database_url: &str, out: &mut dyn Write) -> Outcome<Counts> {
    let store = store::connect(database_url).await?.transfer;
    let records = store.export_records().await?;
    let header = Record::Header {
        format: FORMAT.into(),
        version: VERSION,
        exported_at: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
    };
    for record in std::iter::once(&header).chain(&records) {
        serde_json::to_writer(&mut *out, record)?;
        out.write_all(b"\n")?;
    }
    out.flush()?;
    Ok(Counts::of(&records))
}

/// Checks the whole file, then writes it in one transaction. Refuses a database that
/// already holds accounts or documents unless `into_non_empty`.
pub async fn import(database_url: &str, text: &str, into_non_empty: bool) -> Outcome<Counts> {
    let records = parse(text).map_err(|bad| refuse(format!("nothing imported: {bad}")))?;
    let store = store::connect(database_url).await?.transfer;
    if !into_non_empty && store.has_data().await? {
        return Err(refuse(
            "nothing imported: this database already holds accounts or documents. \
             Import into an empty database, or pass --into-non-empty to add to it \
             (an id, name or slug that is taken then stops the whole import).",
        ));
    }
    store
        .import_records(&records)
        .await
        .map_err(|e| refuse(format!("nothing imported: {e}")))?;
    Ok(Counts::of(&records))
}

/// A consistent copy of a (running) SQLite database into a new file.
pub async fn backup(database_url: &str, file: &std::path::Path) -> Outcome<()> {
    if file.exists() {
        return Err(refuse(format!(
            "{} exists; back up into a new file",
            file.display()
        )));
    }
    let path = std::path::absolute(file)?;
    let store = store::connect(database_url).await?.transfer;
    store
        .backup_to(&path.to_string_lossy())
        .await
        .map_err(|e| refuse(format!("no backup made: {e}")))?;
    Ok(())
}

#[derive(Debug, Default, PartialEq)]
pub struct Counts {
    pub users: usize,
    pub documents: usize,
    pub revisions: usize,
    pub members: usize,
    pub threads: usize,
    pub comments: usize,
    pub suggestions: usize,
    pub reviews: usize,
    pub notifications: usize,
}

impl Counts {
    fn of(records: &[Record]) -> Counts {
        let mut counts = Counts::default();
        for record in records {
            match record {
                // A passage record belongs to its thread, a decision to its suggestion,
                // review settings to their document: counted there.
                Record::Header { .. }
                | Record::ThreadAnchor { .. }
                | Record::SuggestionDecision { .. }
                | Record::ReviewSettings { .. } => {}
                Record::Suggestion { .. } => counts.suggestions += 1,
                Record::Review { .. } => counts.reviews += 1,
                Record::User { .. } => counts.users += 1,
                Record::Document { .. } => counts.documents += 1,
                Record::Revision { .. } => counts.revisions += 1,
                Record::Member { .. } => counts.members += 1,
                Record::Thread { .. } => counts.threads += 1,
                Record::Comment { .. } => counts.comments += 1,
                Record::Notification { .. } => counts.notifications += 1,
            }
        }
        counts
    }
}

impl std::fmt::Display for Counts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} accounts, {} documents, {} revisions, {} memberships, {} threads, {} comments, {} suggestions, {} reviews, {} notifications",
            self.users,
            self.documents,
            self.revisions,
            self.members,
            self.threads,
            self.comments,
            self.suggestions,
            self.reviews,
            self.notifications
        )
    }
}
