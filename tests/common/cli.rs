//! Running the real `pimdesk` binary against files in a temporary directory.
//!
//! Every run freezes the clock (`PIMDESK_NOW`), points `--db` and `--config`
//! into the temp dir and moves HOME / XDG dirs there too, so no test touches
//! the real home directory.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use tempfile::TempDir;

/// The frozen clock every test runs under.
pub const NOW: &str = "2026-11-25T14:00:00-05:00";

/// The binary under test.
pub fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_pimdesk")
}

/// What one run of the binary produced.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    pub fn from_output(o: Output) -> Run {
        Run {
            code: o.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
        }
    }

    /// stdout and stderr together, for "the user sees X somewhere" checks.
    pub fn all(&self) -> String {
        format!("{}{}", self.stdout, self.stderr)
    }

    /// Panics with the whole run when the exit code is not `code`.
    #[track_caller]
    pub fn expect_code(&self, code: i32) -> &Run {
        assert_eq!(self.code, code, "expected exit code {code}, got {}:\n{self}", self.code);
        self
    }

    /// No Rust panic or backtrace reached the user.
    #[track_caller]
    pub fn expect_no_panic(&self) -> &Run {
        assert!(
            !self.stderr.contains("panicked") && !self.stderr.contains("RUST_BACKTRACE"),
            "the binary panicked:\n{self}"
        );
        self
    }
}

impl std::fmt::Display for Run {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "exit code: {}\n--- stdout ---\n{}\n--- stderr ---\n{}",
            self.code, self.stdout, self.stderr
        )
    }
}

/// A temp dir with a store path and a config path in it.
pub struct Env {
    pub dir: TempDir,
    pub db: PathBuf,
    pub config: PathBuf,
}

impl Env {
    /// A fresh dir; the config file exists and is empty (built-in defaults),
    /// the store does not exist yet.
    pub fn new() -> Env {
        let dir = tempfile::Builder::new()
            .prefix("pimdesk-test")
            .tempdir()
            .expect("temp dir");
        let db = dir.path().join("store.db");
        let config = dir.path().join("config.toml");
        std::fs::write(&config, "").expect("write empty config");
        Env { dir, db, config }
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// Writes `text` to `name` in the temp dir and returns its path.
    pub fn write(&self, name: &str, text: &str) -> PathBuf {
        let p = self.path(name);
        std::fs::write(&p, text).expect("write test file");
        p
    }

    /// A command with the safe environment but without --db / --config.
    pub fn bare_command(&self) -> Command {
        let mut c = Command::new(bin());
        c.env("PIMDESK_NOW", NOW)
            .env_remove("PIMDESK_DB")
            .env_remove("PIMDESK_CONFIG")
            .env_remove("PIMDESK_LOG")
            .env_remove("RUST_BACKTRACE")
            .env("HOME", self.dir.path())
            .env("XDG_CONFIG_HOME", self.dir.path().join("xdg-config"))
            .env("XDG_DATA_HOME", self.dir.path().join("xdg-data"))
            .env("NO_COLOR", "1")
            .current_dir(self.dir.path())
            .stdin(std::process::Stdio::null());
        c
    }

    /// `pimdesk --db DB --config CONFIG ARGS...`
    pub fn command(&self, args: &[&str]) -> Command {
        self.command_with(&self.db, &self.config, args)
    }

    pub fn command_with(&self, db: &Path, config: &Path, args: &[&str]) -> Command {
        let mut c = self.bare_command();
        c.arg("--db").arg(db).arg("--config").arg(config).args(args);
        c
    }

    pub fn run(&self, args: &[&str]) -> Run {
        run(self.command(args))
    }

    pub fn run_with(&self, db: &Path, config: &Path, args: &[&str]) -> Run {
        run(self.command_with(db, config, args))
    }

    /// `pimdesk demo --tickets N --seed S` into `db`; panics unless it succeeds.
    pub fn demo_into(&self, db: &Path, tickets: u64, seed: u64) {
        self.run_with(
            db,
            &self.config,
            &["demo", "--tickets", &tickets.to_string(), "--seed", &seed.to_string()],
        )
        .expect_code(0);
    }

    /// Exports `db` and returns the file's bytes; panics unless it succeeds.
    pub fn export_bytes(&self, db: &Path) -> Vec<u8> {
        let out = tempfile::Builder::new()
            .prefix("export")
            .suffix(".json")
            .tempfile_in(self.dir.path())
            .expect("temp export file")
            .into_temp_path();
        let r = self.run_with(db, &self.config, &["export", out.to_str().expect("utf-8 path")]);
        r.expect_code(0);
        std::fs::read(&out).expect("read export")
    }
}

impl Default for Env {
    fn default() -> Self {
        Env::new()
    }
}

pub fn run(mut c: Command) -> Run {
    Run::from_output(c.output().expect("run pimdesk"))
}

/// The store's bytes on disk: the database file and its WAL (an absent or
/// empty WAL count the same: neither holds a commit).
#[derive(Debug, PartialEq, Eq)]
pub struct Snapshot {
    pub exists: bool,
    pub db: Vec<u8>,
    pub wal: Vec<u8>,
}

pub fn snapshot(db: &Path) -> Snapshot {
    let wal_path = sidecar(db, "-wal");
    Snapshot {
        exists: db.exists(),
        db: std::fs::read(db).unwrap_or_default(),
        wal: std::fs::read(wal_path).unwrap_or_default(),
    }
}

/// Asserts the store's bytes are those of `before`, without dumping megabytes.
#[track_caller]
pub fn assert_unchanged(db: &Path, before: &Snapshot, what: &str) {
    let after = snapshot(db);
    assert_eq!(
        after.exists, before.exists,
        "{what}: the store file appeared or vanished"
    );
    assert!(
        after.db == before.db,
        "{what}: the store file {} changed ({} bytes before, {} after)",
        db.display(),
        before.db.len(),
        after.db.len()
    );
    assert!(
        after.wal == before.wal,
        "{what}: the WAL of {} changed ({} bytes before, {} after)",
        db.display(),
        before.wal.len(),
        after.wal.len()
    );
}

/// `store.db` → `store.db-wal`.
pub fn sidecar(db: &Path, suffix: &str) -> PathBuf {
    let mut s = db.as_os_str().to_owned();
    s.push(suffix);
    PathBuf::from(s)
}

/// `PRAGMA user_version` and how many `tickets` tables the schema holds.
pub fn schema_facts(db: &Path) -> (i64, i64) {
    let conn = rusqlite::Connection::open_with_flags(db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
        .expect("open store read-only");
    let version: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .expect("user_version");
    let tickets: i64 = conn
        .query_row(
            "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'tickets'",
            [],
            |r| r.get(0),
        )
        .expect("sqlite_master");
    (version, tickets)
}

/// The example document of DESIGN.md section 5: valid, and it imports.
pub fn example_doc() -> serde_json::Value {
    serde_json::json!({
      "companies":   [{"key":"acme","name":"Acme Family Dental","industry":"healthcare"}],
      "contacts":    [{"key":"c1","company":"acme","name":"Dana Ruiz","email":"dana@acme.test","phone":"804-555-0101","security_level":"manager"}],
      "technicians": [{"key":"jt","name":"Jordan Tate","login":"jtate","role":"technician"}],
      "agreements":  [{"key":"a1","company":"acme","product":"SMS","executed":"2026-03-10","project_completed":null,"ended":null,
                       "onboarding_fee_cents":50000,"monthly_cents":120000,"project_fee_cents":0,"labor_rate_cents":15000,"prepaid_hours_per_month":0}],
      "tickets":     [{"key":"t1","company":"acme","contact":"c1","summary":"Printer offline","description":"…","priority":3,
                       "status":"Resolved","board":"Service Desk","source":"phone","assignee":"jt",
                       "opened":"2026-03-12T09:05:00-05:00","first_response":"2026-03-12T09:20:00-05:00","resolved":"2026-03-12T11:00:00-05:00","scheduled":null}],
      "time_entries":[{"ticket":"t1","technician":"jt","start":"2026-03-12T09:20:00-05:00","minutes":70,"billable":true,"note":"Replaced driver"}]
    })
}

/// A small valid document whose keys do not collide with [`example_doc`]:
/// used to give a store some data before a refused import.
pub fn seed_doc() -> serde_json::Value {
    serde_json::json!({
      "companies":   [{"key":"pre","name":"Preexisting Accounting LLC","industry":"accounting"}],
      "technicians": [{"key":"pt","name":"Pat Tran","login":"ptran","role":"dispatcher"}],
      "tickets":     [{"key":"pre-t1","company":"pre","summary":"Scanner jams","priority":4,
                       "status":"New","board":"Service Desk","source":"email",
                       "opened":"2026-11-20T10:00:00-05:00"}]
    })
}

/// Takes a store back from schema 15 to 14 (before the After hours index).
pub const UNDO_V15: &str = "DROP INDEX tickets_after_hours;";

/// Takes a store back from schema 14 to 13 (before invoices and pages by
/// mail), for the tests that make an older store from a current one.
pub const UNDO_V14: &str = "DROP TABLE pages; DROP INDEX tickets_warning; DROP INDEX mail_outbox_invoice;
    ALTER TABLE mail_outbox DROP COLUMN attachment; ALTER TABLE mail_outbox DROP COLUMN attachment_name;
    ALTER TABLE mail_outbox DROP COLUMN html; ALTER TABLE companies DROP COLUMN billing_email;
    ALTER TABLE technicians DROP COLUMN pager_email;";
