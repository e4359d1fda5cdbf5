//! Team mode on a real PostgreSQL server (issue #13, "Moving up"): `store
//! copy` from SQLite to PostgreSQL and back, checked and all or nothing;
//! the server's schema, its migration lock, a newer or foreign database
//! refused untouched; `doctor` and `backup` on a PostgreSQL store. Needs
//! PIMDESK_TEST_PG (see tests/common/pg.rs); `.ci/run` provides it.

mod common;

use std::path::Path;

use common::cli::{run, Env, Run};
use common::pg::PgDb;

fn copy(env: &Env, from: &str, to: &str) -> Run {
    let mut c = env.bare_command();
    c.arg("--config")
        .arg(&env.config)
        .args(["store", "copy", "--from", from, "--to", to]);
    run(c)
}

fn on_pg(env: &Env, pg: &PgDb, args: &[&str]) -> Run {
    env.run_with(Path::new(&pg.url), &env.config, args)
}

fn text(p: &Path) -> &str {
    p.to_str().expect("utf-8 path")
}

#[test]
fn a_store_copied_to_postgres_and_back_is_the_same_store() {
    let Some(pg) = PgDb::new() else { return };
    let env = Env::new();
    env.demo_into(&env.db, 300, 7);
    let r = copy(&env, text(&env.db), &pg.url);
    r.expect_code(0);
    assert!(
        r.stdout.contains("300 tickets") && r.stdout.contains("checked before commit"),
        "{r}"
    );
    assert_eq!(pg.scalar("SELECT count(*) FROM tickets"), 300);
    assert!(
        pg.scalar("SELECT count(*) FROM invoices") > 0,
        "the demo's invoices were not copied"
    );
    // The database keeps the search column itself.
    assert!(
        pg.scalar("SELECT count(*) FROM tickets WHERE search @@ to_tsquery('simple', 'print:*')") > 0,
        "no ticket found by a prefix search on the server"
    );
    // Ids made on the server follow the copied ones.
    let next: i64 = pg
        .client()
        .query_one(
            "INSERT INTO companies (key, name) VALUES ('new', 'New Co') RETURNING id",
            &[],
        )
        .expect("insert")
        .get(0);
    assert!(next > pg.scalar("SELECT max(id) FROM companies WHERE key <> 'new'"));
    pg.client()
        .batch_execute("DELETE FROM companies WHERE key = 'new'")
        .expect("delete");

    let doctor = on_pg(&env, &pg, &["doctor"]);
    doctor.expect_code(0);
    assert!(
        doctor.stdout.contains("schema: 15") && doctor.stdout.contains("tickets: 300"),
        "{doctor}"
    );

    let back = env.path("back.db");
    let r = copy(&env, &pg.url, text(&back));
    r.expect_code(0);
    assert_eq!(
        env.export_bytes(&env.db),
        env.export_bytes(&back),
        "the store copied there and back exports differently"
    );
    let doctor = env.run_with(&back, &env.config, &["doctor"]);
    doctor.expect_code(0);
    assert!(doctor.stdout.trim_end().ends_with("ok"), "{doctor}");
    let search = env.run_with(&back, &env.config, &["ticket", "list", "--search", "printer"]);
    let original = env.run(&["ticket", "list", "--search", "printer"]);
    assert_eq!(search.stdout, original.stdout, "search differs on the copy");
}

#[test]
fn mail_with_attachments_survives_the_copy_byte_for_byte() {
    let Some(pg) = PgDb::new() else { return };
    let env = common::mail::store();
    for m in ["with_attachment.eml", "new_plain.eml", "unknown_sender.eml"] {
        common::mail::deliver(&env, &common::mail::fixture(m, &[])).expect_code(0);
    }
    copy(&env, text(&env.db), &pg.url).expect_code(0);
    let back = env.path("back.db");
    copy(&env, &pg.url, text(&back)).expect_code(0);
    let blobs = |db: &Path| -> Vec<(Option<Vec<u8>>, Vec<u8>)> {
        let conn = rusqlite::Connection::open(db).expect("open");
        let mut stmt = conn
            .prepare(
                "SELECT i.raw, coalesce(a.bytes, x'') FROM mail_inbound i LEFT JOIN mail_attachments a ON a.inbound_id = i.id ORDER BY i.id, a.id",
            )
            .expect("prepare");
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?))).expect("query");
        rows.map(Result::unwrap).collect()
    };
    let (want, got) = (blobs(&env.db), blobs(&back));
    assert_eq!(want.len(), 3, "three messages were delivered");
    assert!(want.iter().any(|(_, a)| !a.is_empty()), "no attachment was stored");
    assert_eq!(want, got, "a message or an attachment changed on the way");
    let held = env.run_with(&back, &env.config, &["mail", "held"]);
    assert_eq!(held.stdout, env.run(&["mail", "held"]).stdout);
}

#[test]
fn a_copy_that_fails_commits_nothing() {
    let Some(pg) = PgDb::new() else { return };
    let env = Env::new();
    env.demo_into(&env.db, 50, 3);
    // A NUL inside a description: SQLite holds it, PostgreSQL text cannot.
    rusqlite::Connection::open(&env.db)
        .expect("open")
        .execute(
            "UPDATE tickets SET description = 'before' || char(0) || 'after' WHERE id = 40",
            [],
        )
        .expect("update");
    let r = copy(&env, text(&env.db), &pg.url);
    r.expect_code(3).expect_no_panic();
    assert!(
        r.stderr.contains("tickets") && r.stderr.contains("description") && r.stderr.contains("nothing was committed"),
        "{r}"
    );
    assert_eq!(
        pg.scalar("SELECT count(*) FROM companies"),
        0,
        "the companies before it were committed"
    );
    assert_eq!(pg.scalar("SELECT count(*) FROM tickets"), 0);
}

#[test]
fn a_copy_never_merges_into_a_store_in_use() {
    let Some(pg) = PgDb::new() else { return };
    let env = Env::new();
    env.demo_into(&env.db, 40, 1);
    // Two copies at once to one empty database: exactly one lands.
    let (a, b) = std::thread::scope(|s| {
        let a = s.spawn(|| copy(&env, text(&env.db), &pg.url));
        let b = s.spawn(|| copy(&env, text(&env.db), &pg.url));
        (a.join().expect("a"), b.join().expect("b"))
    });
    let mut codes = [a.code, b.code];
    codes.sort();
    assert_eq!(codes, [0, 2], "one copy lands, the other is refused:\n{a}\n{b}");
    let refused = if a.code == 2 { &a } else { &b };
    assert!(refused.stderr.contains("already holds data"), "{refused}");
    assert_eq!(pg.scalar("SELECT count(*) FROM tickets"), 40);
    // And a copy back never overwrites a file.
    let r = copy(&env, &pg.url, text(&env.db));
    r.expect_code(2);
    assert!(r.stderr.contains("already exists"), "{r}");
}

#[test]
fn a_newer_or_foreign_database_is_refused_untouched() {
    let Some(pg) = PgDb::new() else { return };
    let env = Env::new();
    env.demo_into(&env.db, 10, 1);
    copy(&env, text(&env.db), &pg.url).expect_code(0);
    pg.client()
        .batch_execute("UPDATE pimdesk_schema SET version = 99")
        .expect("bump");
    let r = on_pg(&env, &pg, &["doctor"]);
    r.expect_code(3);
    assert!(
        r.stderr.contains("newer pimdesk") && r.stderr.contains("schema 99"),
        "{r}"
    );
    let r = copy(&env, text(&env.db), &pg.url);
    r.expect_code(3);
    assert!(r.stderr.contains("newer pimdesk"), "{r}");
    let back = env.path("back.db");
    let r = copy(&env, &pg.url, text(&back));
    r.expect_code(3);
    assert!(!back.exists(), "a file was written from a newer store");
    assert_eq!(pg.scalar("SELECT version FROM pimdesk_schema"), 99);

    let Some(other) = PgDb::new() else { return };
    other
        .client()
        .batch_execute("CREATE TABLE invoices_of_another_app (id int)")
        .expect("create");
    let r = copy(&env, text(&env.db), &other.url);
    r.expect_code(3);
    assert!(r.stderr.contains("another program"), "{r}");
    assert_eq!(
        other.scalar("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"),
        1,
        "pimdesk's tables were created beside another program's"
    );
}

#[test]
fn consoles_hear_of_a_commit_on_the_changes_channel() {
    let Some(pg) = PgDb::new() else { return };
    let env = Env::new();
    env.demo_into(&env.db, 10, 1);
    copy(&env, text(&env.db), &pg.url).expect_code(0);
    let mut listener = pg.client();
    listener.batch_execute("LISTEN pimdesk_changes").expect("listen");
    pg.client()
        .batch_execute("UPDATE tickets SET summary = 'Changed elsewhere' WHERE id = 3")
        .expect("update");
    let mut heard = Vec::new();
    let mut notes = listener.notifications();
    let mut it = notes.timeout_iter(std::time::Duration::from_secs(2));
    while let Ok(Some(n)) = postgres::fallible_iterator::FallibleIterator::next(&mut it) {
        heard.push(n.payload().to_string());
    }
    assert_eq!(heard, vec!["tickets".to_string()], "one notification naming the table");
}

#[test]
fn the_password_comes_from_a_file_and_a_wrong_one_is_the_servers_words() {
    let Some(pg) = PgDb::new() else { return };
    let env = Env::new();
    let wrong = env.write("wrong-password", "not-the-password\n");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&wrong, std::fs::Permissions::from_mode(0o600)).expect("chmod");
    }
    let config = env.write(
        "pg.toml",
        &format!("[store]\nurl = \"{}\"\npassword_file = \"{}\"\n", pg.url, text(&wrong)),
    );
    let mut c = env.bare_command();
    c.arg("--config").arg(&config).arg("doctor");
    let r = run(c);
    // A server that trusts loopback takes any password: then doctor works.
    if r.code == 0 {
        assert!(r.stdout.contains(&pg.url), "[store] url was not used:\n{r}");
    } else {
        r.expect_code(3);
        assert!(r.stderr.contains("password authentication failed"), "{r}");
        assert!(!r.stderr.contains("not-the-password"), "the password was shown:\n{r}");
    }
}

#[test]
fn backup_of_a_postgres_store_says_how_to_use_pg_dump() {
    let Some(pg) = PgDb::new() else { return };
    let env = Env::new();
    let r = on_pg(&env, &pg, &["backup", "/tmp/never-written.dump"]);
    r.expect_code(2);
    assert!(r.stderr.contains("pg_dump") && r.stderr.contains(&pg.name), "{r}");
    assert!(!Path::new("/tmp/never-written.dump").exists());
}
