//! The store under a bad day (DESIGN.md 6): a long write does not lock
//! readers out, a refused command writes nothing, a bad store setting is
//! refused before any file is made.

mod common;

use std::time::{Duration, Instant};

use common::cli::{assert_unchanged, example_doc, snapshot, Env};

/// An env whose store holds the example document.
fn imported() -> Env {
    let env = Env::new();
    let file = env.write("doc.json", &example_doc().to_string());
    env.run(&["import", file.to_str().expect("utf-8 path")]).expect_code(0);
    env
}

/// Another program holding the write lock, as a long import or invoice run does.
fn hold_write_lock(env: &Env) -> rusqlite::Connection {
    let conn = rusqlite::Connection::open(&env.db).expect("open store");
    conn.execute_batch("BEGIN IMMEDIATE; UPDATE tickets SET summary = summary || '!' WHERE id = 1;")
        .expect("take the write lock");
    conn
}

#[test]
fn readers_do_not_wait_for_a_writer() {
    let env = imported();
    std::fs::write(&env.config, "[store]\nbusy_timeout_ms = 3000\n").expect("config");
    let writer = hold_write_lock(&env);
    let started = Instant::now();
    let r = env.run(&["ticket", "list"]);
    r.expect_code(0);
    assert!(r.stdout.contains("Printer offline"), "{r}");
    assert!(
        started.elapsed() < Duration::from_millis(2500),
        "ticket list waited {:?} for the writer",
        started.elapsed()
    );
    env.run(&["ticket", "show", "1"]).expect_code(0);
    env.run(&["tech", "list"]).expect_code(0);
    drop(writer);
}

#[test]
fn a_refused_command_registers_no_one() {
    let env = imported();
    let techs = |env: &Env| -> i64 {
        let conn = rusqlite::Connection::open(&env.db).expect("open store");
        conn.query_row("SELECT count(*) FROM technicians", [], |r| r.get(0))
            .expect("count")
    };
    let before = techs(&env);
    let snap = snapshot(&env.db);
    env.run(&["tech", "set-role", "jtate", "admin"]).expect_code(2);
    env.run(&["ticket", "note", "999", "--text", "hello"]).expect_code(2);
    assert_eq!(techs(&env), before, "a refused command added a technician");
    assert_unchanged(&env.db, &snap, "refused commands");
    // The same user's first real write registers them, in that write.
    env.run(&["ticket", "note", "1", "--text", "hello"]).expect_code(0);
    assert_eq!(techs(&env), before + 1);
}

#[test]
fn an_unknown_store_group_is_a_config_error_before_any_file() {
    let env = Env::new();
    std::fs::write(&env.config, "[store]\ngroup = \"no-such-group-pimdesk\"\n").expect("config");
    let r = env.run(&["ticket", "list"]);
    r.expect_code(2);
    assert!(r.stderr.contains("store.group") || r.stderr.contains("group"), "{r}");
    assert!(
        r.stderr.contains("config.toml") && r.stderr.contains("line 2"),
        "names file and line:\n{r}"
    );
    assert!(!env.db.exists(), "a store file was left behind");
}
