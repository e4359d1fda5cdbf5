//! The index follows every write of a ticket and its notes by the
//! database's triggers alone, and `problems` / `rebuild` see and mend what
//! another program broke.

use rusqlite::Connection;

use super::{problems, rebuild, TRIGGER_NAMES};
use crate::domain::sla::{Calendar, SlaPolicy};
use crate::store::ticket_write::{NewTicket, Rules, TicketChanges};
use crate::store::tickets::{list_ids, ListFilter};

fn store() -> Connection {
    crate::store::test_store::with_acme()
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
    conn.query_row("SELECT max(id) FROM notes", (), |r| r.get(0)).unwrap()
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
        .query_map((), |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let mut expected: Vec<String> = TRIGGER_NAMES.iter().map(|s| s.to_string()).collect();
    expected.sort();
    names.sort();
    assert_eq!(
        names, expected,
        "TRIGGER_NAMES names what migrate_13_triggers.sql writes"
    );
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
                .query_map((), |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
                .unwrap()
                .collect::<Result<_, _>>()
                .unwrap()
        };
        let caught_up = rows(conn);
        rebuild(conn).unwrap();
        assert_eq!(rows(conn), caught_up, "the same rows as a rebuild writes");
    });
}

/// The rows of note_fts the store holds for ticket `id`: chunks of sealed
/// notes and a head row.
fn chunks(conn: &Connection, id: i64) -> i64 {
    conn.query_row("SELECT count(*) FROM search_chunks WHERE ticket_id = ?1", [id], |r| {
        r.get(0)
    })
    .unwrap()
}

/// A note of about 100 characters; `word` among filler words.
fn long_note(i: usize, word: &str) -> String {
    format!("Note {i} {word}: checked the closet switch and the uplink, power cycled it, waited for the link lights")
}

/// A ticket of 200 notes of about 100 characters (with "aardvark" in note
/// 5, "bandicoot" in 150, "cassowary" in the last) and another ticket;
/// returns both and the id of the aardvark note.
fn long_ticket(conn: &mut Connection, rules: &Rules<'_>) -> (i64, i64, i64) {
    let id = new_ticket(conn, "Yak plotter jams", "The plotter in the drafting room", rules);
    let other = new_ticket(conn, "Mail is slow", "Outlook hangs aardvark", rules);
    let mut aardvark = 0;
    for i in 0..200 {
        let word = match i {
            5 => "aardvark",
            150 => "bandicoot",
            199 => "cassowary",
            _ => "",
        };
        let n = note(conn, id, &long_note(i, word), rules);
        if i == 5 {
            aardvark = n;
        }
    }
    (id, other, aardvark)
}

#[test]
fn a_long_tickets_older_notes_are_sealed_and_still_found_with_its_newest() {
    with_store(|conn, rules| {
        let (id, other, _) = long_ticket(conn, rules);
        assert!(
            chunks(conn, id) >= 3,
            "200 notes of 100 characters fill chunks of 8 KiB, and a head row"
        );
        let row: i64 = conn
            .query_row("SELECT length(notes) FROM ticket_fts WHERE rowid = ?1", [id], |r| {
                r.get(0)
            })
            .unwrap();
        assert!(row < 8192 + 200, "the ticket's row keeps only its latest notes: {row}");

        assert_eq!(found(conn, "bandicoot"), [id], "a word of a sealed note");
        assert_eq!(
            found(conn, "yak aardvark bandicoot cassowary"),
            [id],
            "words in the summary, two chunks and the latest notes"
        );
        assert_eq!(found(conn, "aardv").len(), 2, "both tickets by a prefix");
        assert!(
            found(conn, "bandicoot outlook").is_empty(),
            "all the words, in one ticket"
        );
        assert_eq!(found(conn, "outlook aardvark"), [other]);
        let open = ListFilter {
            search: Some("drafting bandicoot".into()),
            status: Some(crate::domain::ticket::Status::New),
            limit: 100,
            ..Default::default()
        };
        assert_eq!(
            list_ids(conn, &open).unwrap(),
            [id],
            "the filter line narrows a spread match"
        );
        let closed = ListFilter {
            status: Some(crate::domain::ticket::Status::Closed),
            ..open
        };
        assert!(list_ids(conn, &closed).unwrap().is_empty());
    });
}

#[test]
fn a_correction_or_a_rebuild_writes_a_long_tickets_row_whole() {
    with_store(|conn, rules| {
        let (id, other, aardvark) = long_ticket(conn, rules);
        crate::store::note_edit::edit_note(conn, aardvark, "Swapped the wombat", 1, 1_764_000_200).unwrap();
        assert_eq!(
            found(conn, "aardvark"),
            [other],
            "a corrected sealed note's old word is gone"
        );
        assert_eq!(found(conn, "wombat bandicoot"), [id]);
        assert_eq!(chunks(conn, id), 0, "a correction writes the ticket's row whole");
        note(conn, id, "Dingo cable", rules);
        assert_eq!(
            chunks(conn, id),
            2,
            "the next note seals the row again: a chunk and the head row"
        );
        assert_eq!(found(conn, "wombat dingo yak"), [id]);

        rebuild(conn).unwrap();
        assert_eq!(chunks(conn, id), 0);
        assert_eq!(
            found(conn, "wombat dingo yak cassowary"),
            [id],
            "a rebuild keeps every word"
        );
        conn.execute_batch(&format!(
            "DELETE FROM notes WHERE ticket_id = {id}; DELETE FROM tickets WHERE id = {id};"
        ))
        .unwrap();
    });
}

#[test]
fn a_long_tickets_head_follows_its_summary_and_a_paused_write() {
    with_store(|conn, rules| {
        let id = new_ticket(conn, "Yak plotter jams", "The plotter in the drafting room", rules);
        for i in 0..120 {
            note(conn, id, &long_note(i, if i == 3 { "aardvark" } else { "" }), rules);
        }
        assert!(chunks(conn, id) >= 2, "a chunk and the head row");
        let ch = TicketChanges {
            summary: Some("Emu plotter jams".into()),
            ..Default::default()
        };
        crate::store::ticket_write::update(conn, id, &ch, None, 1, 1_764_000_050, rules).unwrap();
        assert_eq!(
            found(conn, "emu aardvark"),
            [id],
            "a new summary with a sealed note's word"
        );
        assert!(
            found(conn, "yak aardvark").is_empty(),
            "the old summary is gone from the head row too"
        );

        let statements = super::pause(conn).unwrap();
        conn.execute_batch(&format!(
            "INSERT INTO notes (ticket_id, created, internal, body) VALUES ({id}, 0, 1, 'Kiwi toner')"
        ))
        .unwrap();
        for sql in &statements {
            conn.execute_batch(sql).unwrap();
        }
        assert_eq!(
            found(conn, "kiwi aardvark emu"),
            [id],
            "a bulk write's note on a long ticket"
        );
        note(conn, id, "Moa drum", rules);
        assert!(chunks(conn, id) >= 2, "the next note seals again");
        assert_eq!(found(conn, "kiwi aardvark emu moa drafting"), [id]);
    });
}
