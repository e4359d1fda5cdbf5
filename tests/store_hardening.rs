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

/// Makes a file and its directory unwritable for this process until dropped:
/// permissions for an ordinary user, the immutable flag for root (whom
/// permissions do not stop). None where neither is possible.
struct ReadOnly(Vec<std::path::PathBuf>, bool);

impl ReadOnly {
    fn make(file: &std::path::Path) -> Option<ReadOnly> {
        use std::os::unix::fs::PermissionsExt;
        let dir = file.parent().expect("a directory").to_path_buf();
        let paths = vec![file.to_path_buf(), dir];
        // SAFETY: geteuid has no preconditions.
        let root = unsafe { libc::geteuid() } == 0;
        if root {
            let ok = std::process::Command::new("chattr")
                .arg("+i")
                .args(&paths)
                .status()
                .is_ok_and(|s| s.success());
            return ok.then_some(ReadOnly(paths, true));
        }
        std::fs::set_permissions(&paths[0], std::fs::Permissions::from_mode(0o444)).ok()?;
        std::fs::set_permissions(&paths[1], std::fs::Permissions::from_mode(0o555)).ok()?;
        Some(ReadOnly(paths, false))
    }
}

impl Drop for ReadOnly {
    fn drop(&mut self) {
        use std::os::unix::fs::PermissionsExt;
        if self.1 {
            let _ = std::process::Command::new("chattr").arg("-i").args(&self.0).status();
        } else {
            let _ = std::fs::set_permissions(&self.0[1], std::fs::Permissions::from_mode(0o755));
            let _ = std::fs::set_permissions(&self.0[0], std::fs::Permissions::from_mode(0o644));
        }
    }
}

#[test]
fn a_read_only_store_reads_and_refuses_writes() {
    let env = Env::new();
    std::fs::create_dir(env.path("ro")).expect("dir");
    let db = env.path("ro/store.db");
    let file = env.write("doc.json", &example_doc().to_string());
    env.run_with(&db, &env.config, &["import", file.to_str().expect("utf-8")])
        .expect_code(0);
    let Some(_guard) = ReadOnly::make(&db) else {
        use std::io::Write;
        let _ = writeln!(
            std::io::stderr(),
            "skipped: cannot make a file read-only here (root without chattr)"
        );
        return;
    };
    let before = snapshot(&db);
    let r = env.run_with(&db, &env.config, &["ticket", "list"]);
    r.expect_code(0);
    assert!(r.stdout.contains("Printer offline"), "{r}");
    env.run_with(&db, &env.config, &["doctor"]).expect_code(0);
    let out = env.path("export.json");
    env.run_with(&db, &env.config, &["export", out.to_str().expect("utf-8")])
        .expect_code(0);
    assert!(std::fs::read_to_string(&out)
        .expect("export")
        .contains("Printer offline"));
    let r = env.run_with(&db, &env.config, &["ticket", "note", "1", "--text", "hello"]);
    r.expect_code(3);
    assert!(r.stderr.contains("read-only"), "{r}");
    assert_unchanged(&db, &before, "a write on a read-only store");
}

/// Inverts the first 512-byte sector of the root page of `object` (a table
/// or index), as a failing disk would: its header is damaged however full
/// the page is (an index built in one sort packs its cells at the page's end).
fn damage(db: &std::path::Path, object: &str) {
    let page: i64 = {
        let conn = rusqlite::Connection::open(db).expect("open store");
        conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE)")
            .expect("checkpoint");
        conn.query_row("SELECT rootpage FROM sqlite_master WHERE name = ?1", [object], |r| {
            r.get(0)
        })
        .expect("root page")
    };
    let mut bytes = std::fs::read(db).expect("read store");
    let start = usize::try_from((page - 1) * 4096).expect("offset");
    for b in &mut bytes[start..start + 512] {
        *b = !*b;
    }
    std::fs::write(db, bytes).expect("write store");
}

#[test]
fn a_damaged_store_stops_writes_and_says_what_to_do() {
    let env = Env::new();
    env.demo_into(&env.db, 300, 1);
    damage(&env.db, "tickets_priority");
    env.run(&["doctor"]).expect_code(1);
    let before = snapshot(&env.db);
    let r = env.run(&[
        "ticket",
        "new",
        "--company",
        "River City Audit Partners",
        "--summary",
        "x",
        "--priority",
        "3",
    ]);
    r.expect_code(3).expect_no_panic();
    assert!(
        r.stderr.contains("damaged") && r.stderr.contains("pimdesk doctor") && r.stderr.contains("backup"),
        "{r}"
    );
    assert_unchanged(&env.db, &before, "a write into a damaged store");
    let r = env.run(&["ticket", "list", "--priority", "3"]);
    r.expect_code(3);
    assert!(r.stderr.contains("pimdesk doctor"), "{r}");
}

/// `import` of `text` into a fresh store: refused with exit 2 naming each of `words`, and no store left.
#[track_caller]
fn assert_import_refused(text: &str, words: &[&str]) {
    let env = Env::new();
    let file = env.write("doc.json", text);
    let r = env.run(&["import", file.to_str().expect("utf-8")]);
    r.expect_code(2).expect_no_panic();
    for w in words {
        assert!(r.stderr.contains(w), "the refusal does not name {w:?}:\n{r}");
    }
    assert!(!env.db.exists(), "a refused import left a store:\n{r}");
}

#[test]
fn import_refuses_what_the_command_line_refuses_naming_record_and_field() {
    let mut doc = example_doc();
    doc["companies"]
        .as_array_mut()
        .expect("companies")
        .push(serde_json::json!({"key":"other","name":"Other Co"}));
    doc["tickets"][0]["company"] = "other".into();
    assert_import_refused(&doc.to_string(), &["tickets[0]", "`contact`", "company"]);

    let dup = example_doc()
        .to_string()
        .replacen("\"priority\":3", "\"priority\":3,\"priority\":1", 1);
    assert!(dup.contains("\"priority\":1"), "the test document has the field");
    assert_import_refused(&dup, &["tickets[0]", "`priority`", "twice"]);

    let mut doc = example_doc();
    doc["tickets"][0]["priority"] = "high".into();
    assert_import_refused(&doc.to_string(), &["tickets[0]", "`priority`"]);
}

/// A backup is checked before it is reported, and the copy is a sound store
/// that answers the same questions as the original.
#[test]
fn a_backup_is_checked_and_answers_as_the_store_did() {
    let env = Env::new();
    env.demo_into(&env.db, 300, 1);
    let wanted = env.run(&["ticket", "list", "--priority", "3", "--json"]);
    wanted.expect_code(0);
    let copy = env.path("backup.db");
    let r = env.run(&["backup", copy.to_str().expect("utf-8")]);
    r.expect_code(0);
    assert!(r.stdout.contains("(checked)"), "{r}");
    env.run_with(&copy, &env.config, &["doctor"]).expect_code(0);
    let from_copy = env.run_with(&copy, &env.config, &["ticket", "list", "--priority", "3", "--json"]);
    from_copy.expect_code(0);
    assert_eq!(from_copy.stdout, wanted.stdout, "the backup answers as the store did");
}

/// A damaged store is not copied into a "backup" that would carry the damage:
/// refused with exit 3, the advice given, and no file left under the name.
#[test]
fn a_backup_of_a_damaged_store_is_refused_and_leaves_no_file() {
    let env = Env::new();
    env.demo_into(&env.db, 300, 1);
    damage(&env.db, "tickets_priority");
    let copy = env.path("backup.db");
    let r = env.run(&["backup", copy.to_str().expect("utf-8")]);
    r.expect_code(3).expect_no_panic();
    assert!(
        r.stderr.contains("no backup was written") && r.stderr.contains("pimdesk doctor"),
        "{r}"
    );
    assert!(!copy.exists(), "a refused backup leaves no file");
    let leftovers: Vec<_> = std::fs::read_dir(copy.parent().expect("dir"))
        .expect("list")
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().contains("backup"))
        .collect();
    assert!(leftovers.is_empty(), "temporary copies left: {leftovers:?}");
}

/// `backup` never overwrites a file: an earlier backup is not replaced.
#[test]
fn a_backup_to_an_existing_file_is_refused() {
    let env = Env::new();
    env.demo_into(&env.db, 20, 1);
    let copy = env.write("backup.db", "not mine to overwrite");
    let r = env.run(&["backup", copy.to_str().expect("utf-8")]);
    r.expect_code(2);
    assert_eq!(std::fs::read_to_string(&copy).expect("file"), "not mine to overwrite");
}

#[test]
fn an_unreadable_stored_status_is_refused_naming_the_ticket_never_read_as_new() {
    let env = Env::new();
    env.demo_into(&env.db, 20, 5);
    {
        // Another program wrote past the schema's check.
        let conn = rusqlite::Connection::open(&env.db).expect("open");
        conn.execute_batch("PRAGMA ignore_check_constraints = ON; UPDATE tickets SET status = 'Pending' WHERE id = 5;")
            .expect("write a bad status");
    }
    let before = snapshot(&env.db);
    let r = env.run(&["ticket", "update", "5", "--status", "resolved"]);
    r.expect_code(3).expect_no_panic();
    assert!(
        r.stderr.contains("ticket #5") && r.stderr.contains("Pending"),
        "the refusal names the ticket and the value:\n{r}"
    );
    assert_unchanged(&env.db, &before, "ticket update on an unreadable status");
}
