//! `store copy`: a whole store from a SQLite file to a PostgreSQL server or
//! back, in one transaction on the target, checked before it commits: the
//! rows of every table, the cents and minutes, and what each engine's own
//! triggers derive (labor billed, the SLA report's days) must equal the
//! source's, or nothing is committed.

mod tally;
mod to_pg;
mod to_sqlite;

use std::path::{Path, PathBuf};

use super::pg::Server;
use super::{OpenOptions, StoreError};

pub use tally::Tally;

/// The tables copied, in an order that loads each after what it names
/// (the foreign keys are checked at commit all the same).
pub const TABLES: &[&str] = &[
    "store_meta",
    "companies",
    "technicians",
    "contacts",
    "agreements",
    "tickets",
    "ticket_pauses",
    "notes",
    "time_entries",
    "audit",
    "invoices",
    "invoice_lines",
    "billed_items",
    "payments",
    "drafts",
    "onboarding_items",
    "timers",
    "saved_views",
    "mail_inbound",
    "mail_attachments",
    "mail_outbox",
    "pages",
];

/// Tables each engine keeps from the others by its triggers: recomputed on
/// the target as the rows arrive, then checked against the source.
pub const DERIVED_TABLES: &[&str] = &["sla_days"];

/// Columns kept by triggers (a time entry's count of billed items).
pub const DERIVED_COLUMNS: &[(&str, &str)] = &[("time_entries", "billed")];

/// SQLite's own search tables, built by its triggers; PostgreSQL keeps a
/// tsvector column instead.
pub fn sqlite_only(table: &str) -> bool {
    table.starts_with("sqlite_") || table.contains("_fts") || table == "search_chunks"
}

/// One end of a copy.
#[derive(Debug)]
pub enum End {
    Sqlite(PathBuf),
    Pg(Box<Server>),
}

impl End {
    pub fn shown(&self) -> String {
        match self {
            End::Sqlite(p) => p.display().to_string(),
            End::Pg(s) => s.shown.clone(),
        }
    }
}

/// Why a copy did not happen; nothing was committed on the target.
#[derive(Debug, thiserror::Error)]
pub enum CopyError {
    #[error(transparent)]
    Store(#[from] StoreError),
    /// Bad usage: the same engine at both ends, a target that is not empty.
    #[error("{0}")]
    Refused(String),
    #[error("copying {table} to {target}: {detail}; nothing was committed there")]
    Failed {
        table: String,
        target: String,
        detail: String,
    },
    #[error("the copy at {target} does not match its source, so it was not committed: {detail}")]
    Mismatch { target: String, detail: String },
}

/// What was copied: rows per table, and the checked tally.
#[derive(Debug)]
pub struct Report {
    pub tally: Tally,
}

/// Copies the whole store at `from` to `to`. `progress` hears of each table
/// as it is done, with its row count.
pub fn copy(
    from: &End,
    to: &End,
    opts: &OpenOptions,
    progress: &mut dyn FnMut(&str, i64),
) -> Result<Report, CopyError> {
    match (from, to) {
        (End::Sqlite(path), End::Pg(server)) => to_pg::copy(path, server, opts, progress),
        (End::Pg(server), End::Sqlite(path)) => to_sqlite::copy(server, path, opts, progress),
        (End::Sqlite(_), End::Sqlite(_)) => Err(CopyError::Refused(
            "both ends are SQLite files: `pimdesk --db FROM backup TO` copies a SQLite store".into(),
        )),
        (End::Pg(_), End::Pg(_)) => Err(CopyError::Refused(
            "both ends are PostgreSQL databases: copy one to another with pg_dump and pg_restore".into(),
        )),
    }
}

/// The columns of `table` in the SQLite store that are copied.
fn sqlite_columns(conn: &rusqlite::Connection, table: &str) -> rusqlite::Result<Vec<String>> {
    let mut stmt = conn.prepare("SELECT name FROM pragma_table_info(?1) ORDER BY cid")?;
    let names = stmt.query_map([table], |r| r.get::<_, String>(0))?;
    let mut out = Vec::new();
    for name in names {
        let name = name?;
        if !DERIVED_COLUMNS.contains(&(table, name.as_str())) {
            out.push(name);
        }
    }
    Ok(out)
}

/// `"a", "b"`: quoted, for either engine (`end` is a keyword in PostgreSQL).
fn column_list(columns: &[String]) -> String {
    columns
        .iter()
        .map(|c| format!("\"{c}\""))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Opens the SQLite source as it is, migrating it first when its schema is
/// older (as any command that opens it would).
fn open_sqlite_source(path: &Path, opts: &OpenOptions) -> Result<rusqlite::Connection, StoreError> {
    let conn = super::open_read_only(path, opts)?;
    let version = super::migrate::user_version(&conn).map_err(|e| StoreError::unusable(path, e))?;
    if version < super::migrate::CURRENT {
        drop(conn);
        drop(super::open(path, opts)?);
        return super::open_read_only(path, opts);
    }
    Ok(conn)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every table of the SQLite store is copied, derived, or SQLite's own:
    /// a new table cannot be left behind by `store copy`.
    #[test]
    fn every_sqlite_table_is_accounted_for() {
        let conn = crate::store::test_store::with_acme();
        let mut stmt = conn
            .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
            .unwrap();
        let tables: Vec<String> = stmt.query_map([], |r| r.get(0)).unwrap().map(Result::unwrap).collect();
        for t in &tables {
            assert!(
                TABLES.contains(&t.as_str()) || DERIVED_TABLES.contains(&t.as_str()) || sqlite_only(t),
                "table {t} is neither copied nor derived"
            );
        }
        for t in TABLES.iter().chain(DERIVED_TABLES) {
            assert!(tables.iter().any(|have| have == t), "{t} is not a table of the store");
        }
    }

    #[test]
    fn both_engines_are_at_the_same_schema_version() {
        assert_eq!(crate::store::pg::migrate::CURRENT, crate::store::migrate::CURRENT);
    }
}
