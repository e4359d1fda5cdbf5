//! The search index kept by the database (schema 12): a store of schema 11
//! gets the triggers on its first open and searches as before; a fresh demo
//! and an import into a store that already holds tickets leave `doctor`
//! nothing to report, and every ticket and note is found.

mod common;

use std::path::Path;

use common::cli::{example_doc, schema_facts, Env};
use pimdesk::store::migrate::CURRENT;

fn sql<T: rusqlite::types::FromSql>(db: &Path, query: &str) -> T {
    let conn = rusqlite::Connection::open(db).expect("open");
    conn.query_row(query, [], |r| r.get(0)).expect(query)
}

/// The ticket ids `ticket list --search words` prints.
fn found(env: &Env, words: &str) -> Vec<i64> {
    let r = env.run(&["ticket", "list", "--search", words, "--limit", "1000"]);
    r.expect_code(0);
    r.stdout
        .lines()
        .filter_map(|l| l.split_whitespace().next()?.strip_prefix('#')?.parse().ok())
        .collect()
}

#[track_caller]
fn doctor_is_happy(env: &Env) {
    let d = env.run(&["doctor"]);
    d.expect_code(0);
    assert!(!d.stdout.contains("problem"), "{d}");
}

#[test]
fn a_schema_11_store_gets_the_triggers_and_its_search_still_works() {
    let env = Env::new();
    env.demo_into(&env.db, 200, 5);
    let word: String = sql(&env.db, "SELECT summary FROM tickets WHERE id = 7");
    let word = word.split_whitespace().next().expect("a word").to_string();
    let before = found(&env, &word);
    assert!(before.contains(&7), "{word:?} finds #7: {before:?}");
    // Back to schema 11: its index, kept by the program, without triggers.
    rusqlite::Connection::open(&env.db)
        .expect("open")
        .execute_batch(&format!(
            "{}\n{}\n{}",
            common::cli::UNDO_V15,
            common::cli::UNDO_V14,
            "DROP TRIGGER search_ticket_insert; DROP TRIGGER search_ticket_update; DROP TRIGGER search_ticket_delete;
             DROP TRIGGER search_note_insert; DROP TRIGGER search_note_update; DROP TRIGGER search_note_delete;
             DROP TABLE note_fts; DROP TABLE search_chunks;
             PRAGMA user_version = 11;"
        ))
        .expect("downgrade");
    assert_eq!(found(&env, &word), before, "the same search after migrating");
    assert_eq!(schema_facts(&env.db).0, CURRENT);
    let triggers: i64 = sql(
        &env.db,
        "SELECT count(*) FROM sqlite_schema WHERE type = 'trigger' AND name GLOB 'search_*'",
    );
    assert_eq!(triggers, 6);
    env.run(&["ticket", "note", "7", "--text", "Quokka firmware flashed", "--internal"])
        .expect_code(0);
    assert_eq!(
        found(&env, "quokka"),
        [7],
        "a note written after the migration is found"
    );
    assert_eq!(
        found(&env, &format!("{word} quokka")),
        [7],
        "with the words written before"
    );
    doctor_is_happy(&env);
}

/// Every ticket has its row, holding its notes in the order written, and
/// the fill left the triggers and FTS5's own buffer size.
#[track_caller]
fn indexed_whole(db: &Path) {
    let (tickets, rows): (i64, i64) = (
        sql(db, "SELECT count(*) FROM tickets"),
        sql(db, "SELECT count(*) FROM ticket_fts"),
    );
    assert_eq!(rows, tickets);
    let wrong: i64 = sql(
        db,
        "SELECT count(*) FROM tickets t JOIN ticket_fts f ON f.rowid = t.id
          WHERE f.summary IS NOT t.summary OR f.description IS NOT t.description
             OR f.notes IS NOT coalesce((SELECT group_concat(' ' || n.body, '' ORDER BY n.id) FROM notes n WHERE n.ticket_id = t.id), '')",
    );
    assert_eq!(wrong, 0);
    let triggers: i64 = sql(
        db,
        "SELECT count(*) FROM sqlite_schema WHERE type = 'trigger' AND name GLOB 'search_*'",
    );
    assert_eq!(triggers, 6, "the fill put the triggers back");
    let config: i64 = sql(db, "SELECT count(*) FROM ticket_fts_config WHERE k = 'hashsize'");
    assert_eq!(config, 0, "the fill's buffer is not kept");
}

#[test]
fn a_fresh_demo_is_indexed_whole_and_doctor_finds_nothing() {
    // A new file gets the bulk fill (the index built at the end); a store
    // that already exists, empty, is filled row by row (the triggers).
    for bulk in [true, false] {
        let env = Env::new();
        if !bulk {
            pimdesk::store::open(&env.db, &Default::default()).expect("an empty store");
        }
        env.demo_into(&env.db, 500, 6);
        doctor_is_happy(&env);
        indexed_whole(&env.db);
    }
}

#[test]
fn an_import_into_a_store_with_tickets_is_found_notes_and_all() {
    let env = Env::new();
    let first = env.write("first.json", &example_doc().to_string());
    env.run(&["import", first.to_str().expect("utf-8")]).expect_code(0);
    let second = serde_json::json!({
      "tickets": [{"key":"t2","company":"acme","summary":"Numbat router reboots","description":"","priority":3,
                   "status":"New","board":"Service Desk","source":"phone","opened":"2026-03-13T09:05:00-05:00"}],
      "notes": [{"ticket":"t2","created":"2026-03-13T09:10:00-05:00","internal":true,"body":"Swapped the platypus cable"},
                {"ticket":"t1","created":"2026-03-13T09:12:00-05:00","internal":true,"body":"Echidna toner ordered"}]
    });
    let second = env.write("second.json", &second.to_string());
    env.run(&["import", second.to_str().expect("utf-8")]).expect_code(0);
    assert_eq!(found(&env, "numbat platypus"), [2], "a new ticket with its note");
    assert_eq!(found(&env, "printer echidna"), [1], "a note on a ticket the store held");
    doctor_is_happy(&env);
}
