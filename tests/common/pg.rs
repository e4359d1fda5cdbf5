//! A real PostgreSQL server for the team-mode tests. `PIMDESK_TEST_PG`
//! names one (`postgres://USER@HOST:PORT/DB`, a login that may create
//! databases; its password in the file `PGPASSFILE` names). Each test gets
//! a database of its own, dropped when it ends. Without the variable a test
//! says "skipped", unless PIMDESK_REQUIRE_TOOLS is set (CI), where it fails:
//! `.ci/run` starts a throwaway cluster with `pg_virtualenv` for the suite.
#![allow(dead_code)]

use std::path::Path;
use std::process::Command;

use pimdesk::store::pg::Server;

use super::cli::{run, Env, Run};

pub struct PgDb {
    admin: String,
    pub name: String,
    /// The test database's address, for `--db` and `store copy`.
    pub url: String,
}

/// The server's address, or None (the test is skipped) without one.
pub fn server_url() -> Option<String> {
    match std::env::var("PIMDESK_TEST_PG") {
        Ok(url) if !url.trim().is_empty() => Some(url.trim().to_string()),
        _ => {
            assert!(
                std::env::var_os("PIMDESK_REQUIRE_TOOLS").is_none(),
                "PIMDESK_TEST_PG must name a PostgreSQL server here (PIMDESK_REQUIRE_TOOLS is set); .ci/run starts one"
            );
            let _ = std::io::Write::write_all(&mut std::io::stderr(), b"skipped: PIMDESK_TEST_PG is not set\n");
            None
        }
    }
}

/// A client on `url` with the password from PGPASSFILE, as pimdesk connects.
pub fn connect(url: &str) -> postgres::Client {
    Server::parse(url, None)
        .expect("address")
        .expect("a postgres:// address")
        .connect()
        .unwrap_or_else(|e| panic!("connecting to {url}: {e}"))
}

impl PgDb {
    /// A new empty database on the test server.
    pub fn new() -> Option<PgDb> {
        let admin = server_url()?;
        let name = format!("pimdesk_test_{}_{}", std::process::id(), rand_suffix());
        connect(&admin)
            .batch_execute(&format!("CREATE DATABASE {name}"))
            .expect("create the test database");
        let base = admin.rsplit_once('/').map_or(admin.as_str(), |(b, _)| b).to_string();
        Some(PgDb {
            url: format!("{base}/{name}"),
            admin,
            name,
        })
    }

    pub fn client(&self) -> postgres::Client {
        connect(&self.url)
    }

    /// One integer from a query on the test database.
    pub fn scalar(&self, sql: &str) -> i64 {
        self.client().query_one(sql, &[]).expect(sql).get(0)
    }
}

impl Drop for PgDb {
    fn drop(&mut self) {
        let Ok(Some(server)) = Server::parse(&self.admin, None) else {
            return;
        };
        if let Ok(mut c) = server.connect() {
            let _ = c.batch_execute(&format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name));
        }
    }
}

fn rand_suffix() -> u64 {
    use std::time::{SystemTime, UNIX_EPOCH};
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    u64::from(nanos) * 1000 + NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
}

/// `pimdesk --db DB ARGS` with the clock at `now`.
pub fn at(env: &Env, db: &Path, now: &str, args: &[&str]) -> Run {
    let mut c: Command = env.command_with(db, &env.config, args);
    c.env("PIMDESK_NOW", now);
    run(c)
}

/// A demo store of 300 tickets in `env.db`, copied to `pg`.
pub fn both(env: &Env, pg: &PgDb) {
    env.demo_into(&env.db, 300, 7);
    copy_to(env, pg);
}

/// `store copy` of `env.db` to `pg`; panics unless it succeeds.
pub fn copy_to(env: &Env, pg: &PgDb) {
    let mut c = env.bare_command();
    c.arg("--config")
        .arg(&env.config)
        .args(["store", "copy", "--from"])
        .arg(&env.db)
        .args(["--to", &pg.url]);
    run(c).expect_code(0);
}

/// Runs `args` at `now` on the SQLite store `env.db` and on `server`, its
/// copy; panics unless both give the same exit code, output and errors.
pub fn same_on_both(env: &Env, server: &Path, now: &str, args: &[&str]) {
    let lite = at(env, &env.db, now, args);
    let team = at(env, server, now, args);
    assert_eq!(
        (lite.code, &lite.stdout, &lite.stderr),
        (team.code, &team.stdout, &team.stderr),
        "{args:?} answered differently:\nSQLite:\n{lite}\nPostgreSQL:\n{team}"
    );
}
