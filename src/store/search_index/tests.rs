//! The index follows every write of a ticket and its notes by the
//! database's triggers alone, and `problems` / `rebuild` see and mend what
//! another program broke.

use rusqlite::Connection;

use super::{problems, rebuild, TRIGGER_NAMES};
use crate::domain::sla::{Calendar, SlaPolicy};
use crate::store::ticket_write::{NewTicket, Rules, TicketChanges};
use crate::store::tickets::{list_ids, ListFilter};

fn store() -> Connection {
    let mut conn = Connection::open_in_memory().unwrap();
    conn.pragma_update(None, "foreign_keys", "ON").unwrap();
    crate::store::migrate::migrate(&mut conn, std::path::Path::new(":memory:")).unwrap();
    conn.execute_batch(
        "INSERT INTO companies (id, key, name) VALUES (1, 'acme', 'Acme');
         INSERT INTO technicians (id, key, login, name, role) VALUES (1, 'tech', 'tech', 'Tech', 'technician');",
    )
    .unwrap();
    conn
}

/// The tickets a search for `words` finds, as the queue and `ticket list` ask.
fn found(conn: &Connection, words: &str) -> Vec<i64> {
    let f = ListFilter {
        search: Some(words.into()),
        limit: 100,
        ..Default::default()
    };
    list_ids(conn, &f).unwrap()
}

fn new_ticket(conn: &mut Connection, summary: &str, description: &str, rules: &Rules<'_>) -> i64 {
    let t = NewTicket {
        company_id: 1,
        summary: summary.into(),
        description: description.into(),
        priority: Default::default(),
        board: crate::domain::ticket::Board::ServiceDesk,
        source: crate::domain::ticket::Source::Phone,
        ..Default::default()
    };
    crate::store::ticket_write::create(conn, &t, 1, 1_764_000_000, rules).unwrap()
}

fn note(conn: &mut Connection, id: i64, body: &str, rules: &Rules<'_>) -> i64 {
    crate::store::ticket_work::add_note(conn, id, body, true, 1, 1_764_000_100, rules, None).unwrap();
    conn.query_row("SELECT max(id) FROM notes", [], |r| r.get(0)).unwrap()
}

/// Runs `f` on a new store with the default SLA rules.
fn with_store(f: impl FnOnce(&mut Connection, &Rules<'_>)) {
    let mut conn = store();
    let (cal, policy) = (Calendar::pim_default(), SlaPolicy::pim_default());
    let rules = Rules {
        calendar: &cal,
        policy: &policy,
    };
    f(&mut conn, &rules);
    assert_eq!(problems(&conn).unwrap(), Vec::<String>::new());
}

#[test]
fn search_follows_a_ticket_written_changed_and_deleted() {
    with_store(|conn, rules| {
        let id = new_ticket(conn, "Zebra plotter jams", "The plotter in the drafting room", rules);
        let other = new_ticket(conn, "Mail is slow", "Outlook hangs", rules);
        assert_eq!(found(conn, "zebra"), [id], "a new ticket is found by its summary");
        assert_eq!(found(conn, "drafting"), [id], "and by its description");
        let ch = TicketChanges {
            summary: Some("Yak plotter jams".into()),
            ..Default::default()
        };
        crate::store::ticket_write::update(conn, id, &ch, None, 1, 1_764_000_050, rules).unwrap();
        assert!(found(conn, "zebra").is_empty(), "the old summary is gone");
        assert_eq!(found(conn, "yak drafting"), [id]);
        note(conn, id, "Replaced the roller", rules);
        conn.execute_batch(&format!(
            "DELETE FROM notes WHERE ticket_id = {id}; DELETE FROM tickets WHERE id = {id};"
        ))
        .unwrap();
        assert!(
            found(conn, "yak").is_empty() && found(conn, "roller").is_empty(),
            "a deleted ticket is gone"
        );
        assert_eq!(found(conn, "outlook"), [other], "the other ticket is untouched");
    });
}

#[test]
fn search_follows_notes_added_corrected_and_deleted() {
    with_store(|conn, rules| {
        let id = new_ticket(conn, "Yak plotter jams", "The plotter in the drafting room", rules);
        new_ticket(conn, "Mail is slow", "Outlook hangs", rules);
        let first = note(conn, id, "Flashed the firmware", rules);
        note(conn, id, "Replaced the roller", rules);
        assert_eq!(found(conn, "firmware"), [id], "a note is found");
        assert_eq!(found(conn, "firm"), [id], "by a prefix too");
        assert_eq!(
            found(conn, "yak roller drafting"),
            [id],
            "words match across summary, description and notes"
        );
        assert!(found(conn, "yak outlook").is_empty(), "all the words, in one ticket");

        crate::store::note_edit::edit_note(conn, first, "Updated the bios", 1, 1_764_000_200).unwrap();
        assert!(
            found(conn, "firmware").is_empty(),
            "a corrected note's old words are gone"
        );
        assert_eq!(
            found(conn, "bios roller"),
            [id],
            "its new words found, the other note's kept"
        );

        conn.execute("DELETE FROM notes WHERE id = ?1", [first]).unwrap();
        assert!(found(conn, "bios").is_empty(), "a deleted note is not found");
        assert_eq!(found(conn, "roller"), [id]);
    });
}

#[test]
fn a_new_store_has_the_triggers_and_a_rebuild_restores_what_was_dropped() {
    let mut conn = store();
    let mut names: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_schema WHERE type = 'trigger' AND name GLOB 'search_*' ORDER BY name")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let mut expected: Vec<String> = TRIGGER_NAMES.iter().map(|s| s.to_string()).collect();
    expected.sort();
    names.sort();
    assert_eq!(names, expected, "TRIGGER_NAMES names what migrate_12.sql writes");
    assert!(problems(&conn).unwrap().is_empty());

    // Another program drops a trigger, then writes a ticket the index misses.
    conn.execute_batch(
        "DROP TRIGGER search_ticket_insert;
         INSERT INTO tickets (id, company_id, summary, priority, status, board, source, opened, updated)
           VALUES (9, 1, 'Wombat on the roof', 3, 'New', 'Service Desk', 'phone', 0, 0);",
    )
    .unwrap();
    let p = problems(&conn).unwrap();
    assert_eq!(p.len(), 2, "{p:?}");
    assert!(
        p[0].contains("search_ticket_insert") && p[0].contains("--rebuild-search"),
        "{p:?}"
    );
    assert!(p[1].contains("lacks 1 ticket"), "{p:?}");
    assert!(found(&conn, "wombat").is_empty());

    rebuild(&mut conn).unwrap();
    assert!(problems(&conn).unwrap().is_empty());
    assert_eq!(found(&conn, "wombat"), [9]);
    conn.execute(
        "INSERT INTO tickets (id, company_id, summary, priority, status, board, source, opened, updated)
           VALUES (10, 1, 'Wombat in the basement', 3, 'New', 'Service Desk', 'phone', 0, 0)",
        [],
    )
    .unwrap();
    assert_eq!(
        found(&conn, "wombat basement"),
        [10],
        "the restored trigger writes again"
    );
}

#[test]
fn a_paused_index_catches_up_to_what_the_triggers_would_have_kept() {
    with_store(|conn, rules| {
        let old = new_ticket(conn, "Printer offline", "Front desk", rules);
        note(conn, old, "Before the pause", rules);
        let statements = super::pause(conn).unwrap();
        conn.execute_batch(&format!(
            "INSERT INTO tickets (id, company_id, summary, priority, status, board, source, opened, updated)
               VALUES (50, 1, 'Router reboots', 3, 'New', 'Service Desk', 'phone', 0, 0);
             INSERT INTO notes (ticket_id, created, internal, body)
               VALUES ({old}, 0, 1, 'Kiwi toner'), (50, 0, 1, 'Emu cable'), ({old}, 0, 1, 'Moa drum');"
        ))
        .unwrap();
        assert!(
            found(conn, "kiwi").is_empty() && found(conn, "router").is_empty(),
            "paused"
        );
        for sql in &statements {
            conn.execute_batch(sql).unwrap();
        }
        assert_eq!(
            found(conn, "pause kiwi moa"),
            [old],
            "older notes kept, new ones appended"
        );
        assert_eq!(found(conn, "router emu"), [50]);
        assert_eq!(problems(conn).unwrap(), Vec::<String>::new(), "the triggers are back");
        let rows = |c: &Connection| -> Vec<(i64, String, String)> {
            c.prepare("SELECT rowid, summary, notes FROM ticket_fts ORDER BY rowid")
                .unwrap()
                .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
                .unwrap()
                .collect::<Result<_, _>>()
                .unwrap()
        };
        let caught_up = rows(conn);
        rebuild(conn).unwrap();
        assert_eq!(rows(conn), caught_up, "the same rows as a rebuild writes");
    });
}
