//! Store refusals, migrations, doctor and backup (DESIGN.md 4 and 6): an
//! unusable store is exit code 3 and is left byte for byte as it was.

mod common;

use std::path::Path;
use std::sync::{Arc, Barrier};

use common::cli::{assert_unchanged, schema_facts, seed_doc, sidecar, snapshot, Env, Run};
use pimdesk::store::migrate::CURRENT;

/// Every subcommand that opens the store, as argument lists.
fn store_commands(env: &Env) -> Vec<Vec<String>> {
    let doc = env.write("import-me.json", &seed_doc().to_string());
    let s = |p: &Path| p.to_str().expect("utf-8").to_string();
    vec![
        vec!["doctor".into()],
        vec!["export".into(), s(&env.path("out.json"))],
        vec!["demo".into(), "--tickets".into(), "5".into()],
        vec!["import".into(), s(&doc)],
        vec!["backup".into(), s(&env.path("backup.db"))],
    ]
}

/// Runs every store command against `env.db`; each must exit 3 with a message
/// that names the store and contains one of `words`, leaving the file as it was
/// and writing no export or backup.
#[track_caller]
fn assert_store_refused(env: &Env, words: &[&str]) {
    let before = snapshot(&env.db);
    let store = env.db.display().to_string();
    for args in store_commands(env) {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let r = env.run(&args);
        let what = format!("pimdesk {}", args.join(" "));
        r.expect_code(3).expect_no_panic();
        assert!(
            r.stderr.contains(&store),
            "{what}: the message does not name the store {store}:\n{r}"
        );
        let lower = r.stderr.to_lowercase();
        assert!(
            words.iter().any(|w| lower.contains(&w.to_lowercase())),
            "{what}: the message says none of {words:?}:\n{r}"
        );
        assert_unchanged(&env.db, &before, &what);
        assert!(!env.path("out.json").exists(), "{what}: an export file was written");
        assert!(!env.path("backup.db").exists(), "{what}: a backup file was left behind");
    }
}

#[test]
fn text_file_is_not_a_store() {
    let env = Env::new();
    std::fs::write(
        &env.db,
        "Meeting notes\n- call Dana about the printer\n- renew the SMS agreement\n".repeat(20),
    )
    .expect("write");
    assert_store_refused(&env, &["not a pimdesk store", "not a sqlite"]);
}

#[test]
fn short_file_is_not_a_store() {
    let env = Env::new();
    std::fs::write(&env.db, b"SQLite format 3\0\x10\x00").expect("write");
    assert_store_refused(&env, &["not a pimdesk store", "not a sqlite"]);
}

#[test]
fn other_sqlite_database_is_not_a_pimdesk_store() {
    // A SQLite file from some other program, with schema version 0 and its
    // own tables: pimdesk must not migrate its schema into it.
    let env = Env::new();
    {
        let conn = rusqlite::Connection::open(&env.db).expect("open");
        conn.execute_batch(
            "CREATE TABLE recipes (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO recipes (name) VALUES ('soup');",
        )
        .expect("create");
    }
    let before = snapshot(&env.db);
    let r = env.run(&["import", env.write("x.json", "{}").to_str().expect("utf-8")]);
    let what = "pimdesk import into another program's SQLite file";
    assert_eq!(r.code, 3, "{what}: expected exit 3:\n{r}");
    assert!(
        r.stderr.contains(&env.db.display().to_string()),
        "{what}: names the file:\n{r}"
    );
    assert_unchanged(&env.db, &before, what);
}

/// A demo store whose `PRAGMA user_version` says a newer pimdesk wrote it.
fn newer_store() -> Env {
    let env = Env::new();
    env.demo_into(&env.db, 10, 1);
    {
        let conn = rusqlite::Connection::open(&env.db).expect("open");
        conn.pragma_update(None, "user_version", 99).expect("set user_version");
    }
    assert_eq!(schema_facts(&env.db).0, 99);
    env
}

#[test]
fn newer_schema_is_refused_untouched() {
    let env = newer_store();
    assert_store_refused(&env, &["newer"]);
    // Still version 99: nothing migrated or rewrote it.
    assert_eq!(schema_facts(&env.db).0, 99);
}

#[test]
fn newer_schema_in_the_wal_is_refused_untouched() {
    // The version bump is committed but still in the WAL (another process
    // keeps the store open), so the file header still says 1.
    let env = Env::new();
    env.demo_into(&env.db, 10, 1);
    let holder = rusqlite::Connection::open(&env.db).expect("open");
    holder
        .pragma_update(None, "wal_autocheckpoint", 0)
        .expect("no autocheckpoint");
    holder
        .pragma_update(None, "user_version", 99)
        .expect("set user_version");
    assert!(
        std::fs::metadata(sidecar(&env.db, "-wal"))
            .map(|m| m.len())
            .unwrap_or(0)
            > 0,
        "the version bump should be in the WAL"
    );
    for args in [&["doctor"][..], &["demo", "--tickets", "5"]] {
        let before = snapshot(&env.db);
        let r = env.run(args);
        r.expect_code(3).expect_no_panic();
        assert!(
            r.stderr.contains("newer"),
            "pimdesk {}: says newer:\n{r}",
            args.join(" ")
        );
        assert_unchanged(&env.db, &before, &format!("pimdesk {}", args.join(" ")));
    }
    let v: i64 = holder
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .expect("version");
    assert_eq!(v, 99);
}

/// Deterministic garbage.
fn garbage(len: usize, mut seed: u64) -> Vec<u8> {
    (0..len)
        .map(|_| {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            (seed >> 33) as u8
        })
        .collect()
}

/// A corrupt store must not be used: exit 3 (or, for doctor, exit 1 with the
/// problems listed), the file named, and the bytes left alone.
#[track_caller]
fn assert_corrupt_handled(env: &Env) {
    let before = snapshot(&env.db);
    let store = env.db.display().to_string();
    let mut unnamed = Vec::new();
    for args in store_commands(env) {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let what = format!("pimdesk {}", args.join(" "));
        let r = env.run(&args);
        r.expect_no_panic();
        if args[0] == "doctor" && r.code == 1 {
            assert!(
                r.stdout.contains("problem"),
                "{what}: doctor exits 1 without listing problems:\n{r}"
            );
        } else {
            assert_eq!(r.code, 3, "{what}: a corrupt store is exit code 3:\n{r}");
            // doctor prints the store's path first; other commands must name it in the error.
            let shown = if args[0] == "doctor" { r.all() } else { r.stderr.clone() };
            if !shown.contains(&store) {
                unnamed.push(format!(
                    "{what}: the message does not name the corrupt store {store}:\n{r}"
                ));
            }
        }
        assert_unchanged(&env.db, &before, &what);
        assert!(!env.path("out.json").exists(), "{what}: an export file was written");
        assert!(!env.path("backup.db").exists(), "{what}: a backup file was left behind");
    }
    assert!(unnamed.is_empty(), "{}", unnamed.join("\n"));
}

#[test]
fn corrupt_store_with_intact_header_is_refused() {
    let env = Env::new();
    env.demo_into(&env.db, 50, 1);
    let good = std::fs::read(&env.db).expect("read");
    let mut bad = good[..100].to_vec();
    bad.extend(garbage(good.len() - 100, 7));
    std::fs::write(&env.db, bad).expect("write");
    assert_corrupt_handled(&env);
}

#[test]
fn corrupt_store_with_intact_first_page_is_refused() {
    let env = Env::new();
    env.demo_into(&env.db, 50, 1);
    let good = std::fs::read(&env.db).expect("read");
    let mut bad = good[..4096].to_vec();
    bad.extend(garbage(good.len() - 4096, 11));
    std::fs::write(&env.db, bad).expect("write");
    assert_corrupt_handled(&env);
}

#[test]
fn truncated_store_is_refused() {
    let env = Env::new();
    env.demo_into(&env.db, 200, 1);
    let good = std::fs::read(&env.db).expect("read");
    std::fs::write(&env.db, &good[..good.len() / 2]).expect("write");
    assert_corrupt_handled(&env);
}

#[test]
fn missing_store_is_not_created_by_read_only_commands() {
    let env = Env::new();
    for args in [
        &["doctor"][..],
        &["export", env.path("out.json").to_str().expect("utf-8")],
        &["backup", env.path("backup.db").to_str().expect("utf-8")],
    ] {
        let r = env.run(args);
        r.expect_code(3).expect_no_panic();
        assert!(
            r.stderr.contains(&env.db.display().to_string()),
            "names the missing store:\n{r}"
        );
        assert!(!env.db.exists(), "pimdesk {} created the store", args.join(" "));
        assert!(!env.path("out.json").exists() && !env.path("backup.db").exists());
    }
}

#[cfg(unix)]
fn mode(p: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(p).expect("metadata").permissions().mode() & 0o777
}

#[cfg(unix)]
#[test]
fn new_store_files_are_owner_only() {
    let env = Env::new();
    // A store in a directory that does not exist yet.
    let db = env.path("data/nested/store.db");
    let r = env.run_with(&db, &env.config, &["demo", "--tickets", "5"]);
    r.expect_code(0);
    assert_eq!(mode(&db), 0o600, "new store file mode");
    for suffix in ["-wal", "-shm"] {
        let p = sidecar(&db, suffix);
        if p.exists() {
            assert_eq!(mode(&p) & 0o077, 0, "{} is readable by others", p.display());
        }
    }
    let doc = env.write("empty.json", "{}");
    let db2 = env.path("imported.db");
    env.run_with(&db2, &env.config, &["import", doc.to_str().expect("utf-8")])
        .expect_code(0);
    assert_eq!(mode(&db2), 0o600, "store created by import");

    let bk = env.path("backup.db");
    env.run_with(&db, &env.config, &["backup", bk.to_str().expect("utf-8")])
        .expect_code(0);
    assert_eq!(mode(&bk), 0o600, "backup file mode");
}

// ---- migrations ----

#[test]
fn fresh_store_gets_the_current_schema() {
    let env = Env::new();
    let doc = env.write("empty.json", "{}");
    env.run(&["import", doc.to_str().expect("utf-8")]).expect_code(0);
    assert_eq!(schema_facts(&env.db), (CURRENT, 1));
    let r = env.run(&["doctor"]);
    r.expect_code(0);
    assert!(
        r.stdout.contains(&format!("schema: {CURRENT}")),
        "doctor shows the schema:\n{r}"
    );
}

#[test]
fn empty_file_becomes_a_store() {
    // An existing zero-byte file (e.g. made by `touch`) is a new store.
    let env = Env::new();
    std::fs::write(&env.db, b"").expect("touch");
    env.run(&["demo", "--tickets", "5"]).expect_code(0);
    assert_eq!(schema_facts(&env.db), (CURRENT, 1));
}

#[test]
fn opening_a_current_store_changes_nothing() {
    let env = Env::new();
    env.demo_into(&env.db, 20, 3);
    let before = snapshot(&env.db);
    let export_before = env.export_bytes(&env.db);
    // The read-write path (migrate check) through the binary...
    let doc = env.write("empty.json", "{}");
    env.run(&["import", doc.to_str().expect("utf-8")]).expect_code(0);
    assert_unchanged(&env.db, &before, "pimdesk import {} on a current store");
    // ... and through the library.
    for _ in 0..3 {
        let conn = pimdesk::store::open(&env.db, &pimdesk::store::OpenOptions::default()).expect("open");
        drop(conn);
    }
    assert_unchanged(&env.db, &before, "store::open on a current store");
    env.run(&["doctor"]).expect_code(0);
    assert_unchanged(&env.db, &before, "doctor");
    assert_eq!(env.export_bytes(&env.db), export_before);
}

fn migrated_log_lines(env: &Env) -> usize {
    std::fs::read_to_string(env.path("pimdesk.log"))
        .unwrap_or_default()
        .lines()
        .filter(|l| l.contains("migrated store"))
        .count()
}

#[test]
fn two_processes_opening_a_fresh_store_migrate_once() {
    for round in 0..8 {
        let env = Env::new();
        let doc = env.write("empty.json", "{}");
        let doc = doc.to_str().expect("utf-8");
        let children: Vec<_> = (0..2)
            .map(|_| {
                env.command(&["import", doc])
                    .stdout(std::process::Stdio::piped())
                    .stderr(std::process::Stdio::piped())
                    .spawn()
                    .expect("spawn")
            })
            .collect();
        let runs: Vec<Run> = children
            .into_iter()
            .map(|c| {
                let o = c.wait_with_output().expect("wait");
                Run {
                    code: o.status.code().unwrap_or(-1),
                    stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
                    stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
                }
            })
            .collect();
        for r in &runs {
            r.expect_no_panic();
            assert!(
                r.code == 0 || (r.code == 3 && !r.stderr.trim().is_empty()),
                "round {round}: each process succeeds or fails cleanly with exit 3:\n{r}"
            );
        }
        assert!(
            runs.iter().any(|r| r.code == 0),
            "round {round}: neither process succeeded:\n{}\n{}",
            runs[0],
            runs[1]
        );
        assert_eq!(schema_facts(&env.db), (CURRENT, 1), "round {round}");
        assert_eq!(
            migrated_log_lines(&env),
            CURRENT as usize,
            "round {round}: the schema steps were applied more than once (see pimdesk.log)"
        );
        env.run(&["doctor"]).expect_code(0);
    }
}

#[test]
fn two_demo_processes_on_a_fresh_store() {
    // Two `demo` runs race for one fresh file: at most one fills it; the
    // other either fills nothing (exit 2: the store already holds data) or
    // fails cleanly; the store ends up consistent with one demo's data.
    let env = Env::new();
    let children: Vec<_> = (0..2)
        .map(|_| {
            env.command(&["demo", "--tickets", "50"])
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .expect("spawn")
        })
        .collect();
    let codes: Vec<(i32, String)> = children
        .into_iter()
        .map(|c| {
            let o = c.wait_with_output().expect("wait");
            (
                o.status.code().unwrap_or(-1),
                String::from_utf8_lossy(&o.stderr).into_owned(),
            )
        })
        .collect();
    assert_eq!(
        codes.iter().filter(|(c, _)| *c == 0).count(),
        1,
        "exactly one demo fills the store: {codes:?}"
    );
    for (c, e) in &codes {
        assert!(!e.contains("panicked"), "{e}");
        assert!(*c == 0 || *c == 2 || *c == 3, "{codes:?}");
    }
    assert_eq!(schema_facts(&env.db), (CURRENT, 1));
    let r = env.run(&["doctor"]);
    r.expect_code(0);
    assert!(r.stdout.contains("tickets: 50"), "one demo's tickets, not two:\n{r}");
}

#[test]
fn threads_opening_a_fresh_store_migrate_once() {
    for round in 0..10 {
        let env = Env::new();
        let path = Arc::new(env.db.clone());
        let n = 4;
        let barrier = Arc::new(Barrier::new(n));
        let handles: Vec<_> = (0..n)
            .map(|_| {
                let path = Arc::clone(&path);
                let barrier = Arc::clone(&barrier);
                std::thread::spawn(move || {
                    barrier.wait();
                    pimdesk::store::open(&path, &pimdesk::store::OpenOptions::default()).map(drop)
                })
            })
            .collect();
        let results: Vec<Result<(), pimdesk::store::StoreError>> = handles
            .into_iter()
            .map(|h| h.join().expect("thread panicked"))
            .collect();
        // Every opener succeeds, or gets the clean "busy" refusal; none sees
        // a half-migrated store or a raw SQLite error.
        for r in &results {
            assert!(
                matches!(r, Ok(()) | Err(pimdesk::store::StoreError::Busy)),
                "round {round}: an opener failed uncleanly: {results:?}"
            );
        }
        assert!(
            results.iter().any(Result::is_ok),
            "round {round}: no opener succeeded: {results:?}"
        );
        assert_eq!(schema_facts(&env.db), (CURRENT, 1), "round {round}");
        // A fresh open after the race sees a current store and changes nothing.
        // (Racing closers may each leave the WAL to the other, so fold it in first.)
        rusqlite::Connection::open(&env.db)
            .and_then(|c| c.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(())))
            .expect("checkpoint");
        let before = snapshot(&env.db);
        pimdesk::store::open(&env.db, &pimdesk::store::OpenOptions::default()).expect("open after the race");
        assert_unchanged(&env.db, &before, "open after the race");
    }
}

// ---- doctor and backup ----

#[test]
fn doctor_on_a_good_store_says_ok() {
    let env = Env::new();
    env.demo_into(&env.db, 100, 1);
    let before = snapshot(&env.db);
    let r = env.run(&["doctor"]);
    r.expect_code(0).expect_no_panic();
    assert!(r.stdout.lines().any(|l| l.trim() == "ok"), "doctor prints ok:\n{r}");
    assert!(!r.stdout.contains("problem"), "{r}");
    assert!(r.stdout.contains("tickets: 100"), "{r}");
    assert!(
        r.stdout.contains(&env.db.display().to_string()),
        "doctor shows where the store is:\n{r}"
    );
    assert_unchanged(&env.db, &before, "doctor");
}

#[test]
fn doctor_reports_broken_references() {
    let env = Env::new();
    env.demo_into(&env.db, 20, 1);
    {
        let conn = rusqlite::Connection::open(&env.db).expect("open");
        conn.pragma_update(None, "foreign_keys", "OFF")
            .expect("foreign keys off");
        conn.execute(
            "UPDATE tickets SET company_id = 999999 WHERE id = (SELECT min(id) FROM tickets)",
            [],
        )
        .expect("break a reference");
    }
    let r = env.run(&["doctor"]);
    r.expect_code(1).expect_no_panic();
    assert!(r.stdout.contains("problem"), "doctor lists the problem:\n{r}");
}

#[test]
fn backup_is_a_usable_copy() {
    let env = Env::new();
    env.demo_into(&env.db, 150, 4);
    let original = env.export_bytes(&env.db);
    let before = snapshot(&env.db);
    let dest = env.path("copies/backup.db");
    std::fs::create_dir_all(dest.parent().expect("parent")).expect("mkdir");
    let r = env.run(&["backup", dest.to_str().expect("utf-8")]);
    r.expect_code(0).expect_no_panic();
    assert!(dest.exists());
    assert_unchanged(&env.db, &before, "backup");
    let d = env.run_with(&dest, &env.config, &["doctor"]);
    d.expect_code(0);
    assert!(
        d.stdout.lines().any(|l| l.trim() == "ok"),
        "doctor accepts the backup:\n{d}"
    );
    assert_eq!(schema_facts(&dest), (CURRENT, 1));
    assert!(
        env.export_bytes(&dest) == original,
        "the backup exports differently from the original"
    );
}

#[test]
fn backup_refuses_an_existing_destination() {
    let env = Env::new();
    env.demo_into(&env.db, 10, 1);
    let dest = env.write("precious.txt", "do not overwrite me\n");
    let before = snapshot(&env.db);
    let r = env.run(&["backup", dest.to_str().expect("utf-8")]);
    r.expect_code(2).expect_no_panic();
    assert!(
        r.stderr.contains(&dest.display().to_string()),
        "names the destination:\n{r}"
    );
    assert_eq!(std::fs::read_to_string(&dest).expect("read"), "do not overwrite me\n");
    assert_unchanged(&env.db, &before, "backup onto an existing file");

    // Onto the store itself.
    let r = env.run(&["backup", env.db.to_str().expect("utf-8")]);
    r.expect_code(2);
    assert_unchanged(&env.db, &before, "backup onto the store itself");
}

#[test]
fn backup_while_another_process_writes() {
    let env = Env::new();
    env.demo_into(&env.db, 50, 1);
    // Hold an open write transaction with uncommitted rows: the backup must
    // still succeed and must not contain them.
    let mut writer = rusqlite::Connection::open(&env.db).expect("open");
    writer.busy_timeout(std::time::Duration::from_secs(5)).expect("timeout");
    let tx = writer
        .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
        .expect("begin");
    tx.execute(
        "INSERT INTO companies (key, name, industry) VALUES ('zz', 'Uncommitted Co', 'accounting')",
        [],
    )
    .expect("insert");
    let dest = env.path("hot.db");
    let r = env.run(&["backup", dest.to_str().expect("utf-8")]);
    r.expect_code(0).expect_no_panic();
    tx.rollback().expect("rollback");
    drop(writer);
    env.run_with(&dest, &env.config, &["doctor"]).expect_code(0);
    let text = String::from_utf8(env.export_bytes(&dest)).expect("utf-8");
    assert!(!text.contains("Uncommitted Co"));
    assert!(env.export_bytes(&dest) == env.export_bytes(&env.db));
}

/// Turns a current store back into schema 5: without the sealed notes of
/// schema 13, the search triggers of
/// schema 12, the mail tables of schema 11, the SLA summary of schema 10,
/// the saved views of schema 9, the open-ticket sort indexes of schema 8,
/// the stored response minutes of schema 7 and the billed counts of
/// schema 6 (their triggers, index and column).
fn downgrade_to_v5(db: &Path) {
    let conn = rusqlite::Connection::open(db).expect("open");
    conn.execute_batch(
        &format!("{}\n{}\n{}", common::cli::UNDO_V15, common::cli::UNDO_V14, "DROP TRIGGER search_ticket_insert; DROP TRIGGER search_ticket_update; DROP TRIGGER search_ticket_delete;
         DROP TRIGGER search_note_insert; DROP TRIGGER search_note_update; DROP TRIGGER search_note_delete;
         DROP TABLE note_fts; DROP TABLE search_chunks;
         DROP TABLE mail_attachments; DROP TABLE mail_outbox; DROP TABLE mail_inbound;
         DROP TRIGGER sla_days_insert; DROP TRIGGER sla_days_delete; DROP TRIGGER sla_days_update; DROP TABLE sla_days;
         DROP INDEX tickets_running_clocks; DROP TABLE saved_views; DROP INDEX tickets_open_due; DROP INDEX tickets_open_opened; DROP INDEX tickets_open_status;
         DROP INDEX tickets_open_summary; DROP INDEX tickets_open_company; DROP INDEX tickets_open_assignee;
         DROP INDEX tickets_sla_compliance;
         ALTER TABLE tickets DROP COLUMN response_minutes;
         CREATE INDEX tickets_sla_compliance ON tickets(clock_priority, opened, response_met, breach_at, response_due);
         DROP TRIGGER billed_items_count_in;
         DROP TRIGGER billed_items_count_out;
         DROP TRIGGER billed_items_count_moved;
         DROP INDEX time_entries_unbilled;
         ALTER TABLE time_entries DROP COLUMN billed;
         PRAGMA user_version = 5;"),
    )
    .expect("downgrade");
}

#[test]
fn read_only_commands_bring_an_older_store_up_to_date_first() {
    let env = Env::new();
    env.demo_into(&env.db, 200, 4);
    let current = env.run(&["invoice", "run", "--as-of", "2026-11-30", "--dry-run"]);
    current.expect_code(0);
    downgrade_to_v5(&env.db);
    assert_eq!(schema_facts(&env.db).0, 5);
    // A dry run reads only; on an older store it must still answer, and the
    // same as on the current one.
    let older = env.run(&["invoice", "run", "--as-of", "2026-11-30", "--dry-run"]);
    older.expect_code(0).expect_no_panic();
    assert_eq!(older.stdout, current.stdout, "the dry run differs after migrating");
    assert_eq!(schema_facts(&env.db).0, CURRENT, "the store was not migrated");
}

#[test]
fn doctor_finds_a_damaged_search_index_and_rebuild_search_mends_it() {
    let env = Env::new();
    env.demo_into(&env.db, 300, 8);
    let summary = |id: i64| -> String {
        let c = rusqlite::Connection::open(&env.db).unwrap();
        c.query_row("SELECT summary FROM tickets WHERE id = ?1", [id], |r| r.get(0))
            .unwrap()
    };
    let word = summary(7).split_whitespace().next().unwrap().to_string();
    let found = |env: &Env| {
        env.run(&["ticket", "list", "--search", &word, "--limit", "1000"])
            .stdout
            .contains("#7 ")
    };
    assert!(found(&env), "#7 is found by {word:?} at first");
    env.run(&["doctor"]).expect_code(0);
    // Another program drops ticket 7 from the index.
    let conn = rusqlite::Connection::open(&env.db).unwrap();
    conn.execute("DELETE FROM ticket_fts WHERE rowid = 7", []).unwrap();
    drop(conn);
    assert!(!found(&env), "search no longer finds #7");
    let doctor = env.run(&["doctor"]);
    doctor.expect_code(1);
    assert!(
        doctor.stdout.contains("search index lacks 1 ticket") && doctor.stdout.contains("doctor --rebuild-search"),
        "{doctor}"
    );
    env.run(&["doctor", "--rebuild-search"]).expect_code(0);
    env.run(&["doctor"]).expect_code(0);
    assert!(found(&env), "#7 is found again after the rebuild");
    // No store: nothing is made.
    let none = env.path("none.db");
    env.run_with(&none, &env.config, &["doctor", "--rebuild-search"])
        .expect_code(2);
    assert!(!none.exists(), "a rebuild on no store made one");
}
