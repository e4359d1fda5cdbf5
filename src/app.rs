//! What the command line and the console share above the store: the
//! context a run works in (settings, the store, the time, the user) and the
//! kinds of failure that decide an exit code — named once, so that neither
//! `demo/` nor `tui/` reaches into `cli/` for them.

use std::path::PathBuf;

use chrono::{DateTime, Utc};

use crate::config::Config;
use crate::store::sql::Sql;
use crate::store::{self, StoreError};

/// Bad usage or bad input: exit code 2, nothing written.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct UsageError(pub String);

/// Everything a command needs: settings, where the store is, and the time.
pub struct Context {
    pub config: Config,
    pub config_path: PathBuf,
    pub db_path: PathBuf,
    /// Team mode: the store is on this PostgreSQL server (db_path then
    /// holds its address, for messages).
    pub server: Option<store::pg::Server>,
    pub now: DateTime<Utc>,
    /// The time is frozen by PIMDESK_NOW.
    pub frozen: bool,
    pub login: String,
}

impl Context {
    /// Opens the store for writing on either engine, its SLA deadlines
    /// following this config.
    pub fn open_store(&self) -> Result<Box<dyn Sql>, StoreError> {
        let conn = self.open_store_unfollowed()?;
        self.follow_sla(&conn)?;
        Ok(conn)
    }

    /// Opens the store for writing on either engine, its deadlines as they
    /// are (`sla recompute`, which recomputes them itself).
    pub fn open_store_unfollowed(&self) -> Result<Box<dyn Sql>, StoreError> {
        Ok(match &self.server {
            Some(server) => Box::new(store::sql::PgConn::open(server)?),
            None => Box::new(store::open(&self.db_path, &self.store_options())?),
        })
    }

    /// Opens the SQLite file for writing (what only a file does: demo,
    /// import, the search index's rebuild), its deadlines following this config.
    pub fn open_file(&self) -> Result<rusqlite::Connection, StoreError> {
        let conn = store::open(&self.db_path, &self.store_options())?;
        self.follow_sla(&conn)?;
        Ok(conn)
    }

    /// Opens the store for reading. Deadlines computed with another calendar
    /// or SLA table are recomputed first (through a writable connection), so
    /// no answer mixes the two; a store this user cannot write is refused then.
    pub fn open_store_read_only(&self) -> Result<Box<dyn Sql>, StoreError> {
        if self.server.is_some() {
            // A server's reads see one snapshot each; its deadlines are
            // brought up to date as for a write.
            return self.open_store();
        }
        Ok(Box::new(self.open_file_read_only()?))
    }

    /// [`open_store_read_only`](Self::open_store_read_only) on the SQLite file.
    pub fn open_file_read_only(&self) -> Result<rusqlite::Connection, StoreError> {
        let conn = self.open_store_as_is()?;
        let (cal, policy) = (self.config.sla_calendar(), self.config.sla_policy());
        let older = store::migrate::user_version(&conn).map_err(|e| StoreError::unusable(&self.db_path, e))?
            < store::migrate::CURRENT;
        if !older && store::deadlines::is_current(&conn, &cal, &policy).unwrap_or(false) {
            return Ok(conn);
        }
        drop(conn);
        // A store of an older schema is brought up to date first (one write
        // transaction, as any command that writes would), then read.
        let rw = store::open(&self.db_path, &self.store_options())?;
        if self.follow_sla(&rw).is_err() {
            return Err(StoreError::StaleDeadlines {
                path: self.db_path.clone(),
            });
        }
        drop(rw);
        self.open_store_as_is()
    }

    /// Opens the store for reading exactly as it is (doctor, export, backup).
    pub fn open_store_as_is(&self) -> Result<rusqlite::Connection, StoreError> {
        store::open_read_only(&self.db_path, &self.store_options())
    }

    /// Recomputes the stored deadlines when they were computed with another
    /// calendar or SLA table than this config's (one transaction).
    pub fn follow_sla(&self, conn: &dyn Sql) -> Result<(), StoreError> {
        let (cal, policy) = (self.config.sla_calendar(), self.config.sla_policy());
        if let Some(changed) = store::deadlines::ensure_current(conn, &cal, &policy)? {
            tracing::warn!(
                changed,
                "the calendar or SLA table changed: stored deadlines recomputed"
            );
        }
        Ok(())
    }

    /// Who may read the files this run creates: as the store.
    pub fn access(&self) -> crate::files::Access<'_> {
        crate::files::Access {
            group: Some(self.config.store.group.as_str()).filter(|g| !g.is_empty()),
        }
    }

    /// Writes a whole file (export, CSV) privately and atomically; a full
    /// disk is exit code 3 and leaves no file.
    pub fn write_file(
        &self,
        path: &std::path::Path,
        write: impl FnOnce(&mut dyn std::io::Write) -> std::io::Result<()>,
    ) -> anyhow::Result<()> {
        self.access().write_new(path, write).map_err(|e| {
            if crate::files::is_disk_full(&e) {
                StoreError::DiskFull {
                    path: path.to_path_buf(),
                }
                .into()
            } else {
                UsageError(format!("cannot write {}: {e}", path.display())).into()
            }
        })
    }

    pub fn store_options(&self) -> store::OpenOptions {
        let group = Some(self.config.store.group.clone()).filter(|g| !g.is_empty());
        store::OpenOptions {
            busy_timeout: std::time::Duration::from_millis(self.config.store.busy_timeout_ms),
            group,
        }
    }
}
