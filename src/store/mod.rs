//! The store: one schema for the whole product, opened with the
//! pragmas of DESIGN.md 6. One connection owner per process (the worker).

pub mod actor;
pub mod audit;
pub mod billing;
pub(crate) mod bulk;
pub mod busy;
pub mod copy;
pub mod deadlines;
pub mod demo_rows;
pub mod directory;
pub mod drafts;
pub mod exchange;
pub mod health;
pub mod lookup;
pub mod lossy;
pub mod mail;
pub mod migrate;
pub mod note_edit;
pub mod open;
pub mod pg;
pub mod queue;
pub mod queue_assignee;
pub mod queue_filter;
pub mod saved_views;
pub mod search;
pub mod search_index;
pub mod search_rank;
pub mod sla;
pub mod sql;
#[cfg(test)]
pub(crate) mod test_store;
pub mod ticket_bulk;
pub mod ticket_detail;
pub mod ticket_preview;
pub mod ticket_work;
pub mod ticket_write;
pub mod tickets;
pub mod timers;
mod vocabulary;

use std::path::PathBuf;

pub use open::{open, open_read_only, OpenOptions};

/// Why the store could not be used. Every variant maps to exit code 3.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("{} is not a pimdesk store (not a SQLite database); it was left untouched", path.display())]
    NotSqlite { path: PathBuf },
    /// A command or the console asked of a PostgreSQL store that this build
    /// runs on SQLite only so far.
    #[error("{url} is a PostgreSQL store; this build runs `ticket`, `time`, `timer`, `invoice`, `payment`, `agreement`, `sla`, `tech`, `oncall`, `page`, `contact`, `company`, `onboarding`, `doctor` and `store copy` on one (and `backup` says how to use pg_dump), while the console and the other commands still need a SQLite store file: give --db the path of one (team mode is not complete yet); nothing was written")]
    ServerUrl { url: String },
    #[error("the PostgreSQL store at {url} cannot be used: {detail}")]
    Server { url: String, detail: String },
    #[error("the PostgreSQL store at {url} was written by a newer pimdesk (schema {found}, this build reads up to {supported}); it was left untouched — upgrade pimdesk")]
    ServerNewer { url: String, found: i64, supported: i64 },
    #[error("the database at {url} holds tables of another program and no pimdesk schema; it was left untouched: give pimdesk a database of its own")]
    ServerNotOurs { url: String },
    #[error("{} was written by a newer pimdesk (schema {found}, this build reads up to {supported}); it was left untouched — upgrade pimdesk", path.display())]
    Newer { path: PathBuf, found: i64, supported: i64 },
    #[error("{} is a SQLite database of another program, not a pimdesk store; it was left untouched", path.display())]
    NotOurs { path: PathBuf },
    #[error("{} is unusable: {detail}", path.display())]
    Unusable { path: PathBuf, detail: String },
    #[error("no store at {} (nothing was created); make one with `pimdesk --db {0} demo` (demo data) or `pimdesk --db {0} import FILE.json`, or open the console there to start empty", path.display())]
    Missing { path: PathBuf },
    #[error("{}: {source}", path.display())]
    Io { path: PathBuf, source: std::io::Error },
    #[error("the SLA deadlines in {} were computed with another calendar or SLA table than this config's, and this user cannot write the store to recompute them; run `pimdesk sla recompute` as a user who can", path.display())]
    StaleDeadlines { path: PathBuf },
    #[error("the store is busy (another console held a write lock too long); try again")]
    Busy,
    #[error("{} is read-only (its file or directory cannot be written): reading, doctor and export work, writes are refused; nothing was written", path.display())]
    ReadOnly { path: PathBuf },
    #[error("{} is damaged (SQLite reports corruption); nothing more was written: run `pimdesk doctor` and restore from a backup (`pimdesk backup` makes one)", path.display())]
    Corrupt { path: PathBuf },
    #[error("disk full writing {}; nothing was written: free some space and try again", path.display())]
    DiskFull { path: PathBuf },
    #[error("{} holds a value pimdesk cannot read ({detail}); nothing was changed: `pimdesk doctor` lists such values", path.display())]
    Unreadable { path: PathBuf, detail: String },
    #[error("store error: {0}")]
    Sqlite(rusqlite::Error),
}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        match e.sqlite_error_code() {
            Some(rusqlite::ErrorCode::DatabaseBusy) | Some(rusqlite::ErrorCode::DatabaseLocked) => StoreError::Busy,
            _ => StoreError::Sqlite(e),
        }
    }
}

impl StoreError {
    /// The error a user should see for `e` on the store at `path`, when it
    /// means the store cannot take writes (read-only, damaged, disk full).
    pub fn trouble(path: &std::path::Path, e: &rusqlite::Error) -> Option<StoreError> {
        let path = path.to_path_buf();
        if let rusqlite::Error::FromSqlConversionFailure(_, _, why) = e {
            return Some(StoreError::Unreadable {
                path,
                detail: why.to_string(),
            });
        }
        match e.sqlite_error_code()? {
            rusqlite::ErrorCode::ReadOnly => Some(StoreError::ReadOnly { path }),
            rusqlite::ErrorCode::DatabaseCorrupt => Some(StoreError::Corrupt { path }),
            rusqlite::ErrorCode::DiskFull => Some(StoreError::DiskFull { path }),
            _ => None,
        }
    }

    pub fn unusable(path: &std::path::Path, e: rusqlite::Error) -> StoreError {
        if let Some(t) = StoreError::trouble(path, &e) {
            return t;
        }
        match e.sqlite_error_code() {
            Some(rusqlite::ErrorCode::NotADatabase) => StoreError::NotSqlite {
                path: path.to_path_buf(),
            },
            Some(rusqlite::ErrorCode::DatabaseBusy) | Some(rusqlite::ErrorCode::DatabaseLocked) => StoreError::Busy,
            _ => StoreError::Unusable {
                path: path.to_path_buf(),
                detail: e.to_string(),
            },
        }
    }
}

/// SQLite's counter of commits by other connections (`PRAGMA
/// data_version`): when it moves, another console or command wrote.
pub fn data_version(conn: &rusqlite::Connection) -> rusqlite::Result<i64> {
    conn.query_row("PRAGMA data_version", (), |r| r.get(0))
}
