//! What one note costs on a long ticket (2,000 notes of about 100
//! characters), and what the full-text index's share of it is. Ignored: a
//! measurement, not a check. Run it on the release build:
//!
//! `cargo test --release --lib search_index::cost -- --ignored --nocapture`

// Measurements, printed for a person to read.
#![allow(clippy::disallowed_macros)]

use std::time::{Duration, Instant};

use rusqlite::{params, Connection};

use crate::domain::sla::{Calendar, SlaPolicy};
use crate::store::ticket_write::{NewTicket, Rules};

const LONG: usize = 2000;
const ROUNDS: usize = 30;

const WORDS: &[&str] = &[
    "called", "site", "switch", "closet", "power", "cycled", "uplink", "printer", "queue", "driver", "outlook",
    "profile", "mailbox", "license", "renewed", "firewall", "rule", "vpn", "tunnel", "dropped", "user", "laptop",
    "imaged", "backup", "restored", "share", "mapped", "password", "reset", "monitor", "replaced", "ticket",
];

/// Note `i`: about 100 characters of the words above, each note different.
fn body(i: usize) -> String {
    let mut s = format!("Note {i}:");
    let mut k = i as u64;
    while s.len() < 100 {
        k = k.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        s.push(' ');
        s.push_str(WORDS[(k >> 33) as usize % WORDS.len()]);
    }
    s
}

/// A store file with one ticket of `notes` notes, indexed; returns the ticket.
fn ticket_with(conn: &mut Connection, notes: usize, rules: &Rules<'_>) -> i64 {
    let t = NewTicket {
        company_id: 1,
        summary: "Site switch keeps dropping".into(),
        description: "The switch in the closet drops the uplink every few hours.".into(),
        priority: Default::default(),
        board: crate::domain::ticket::Board::ServiceDesk,
        source: crate::domain::ticket::Source::Phone,
        ..Default::default()
    };
    let id = crate::store::ticket_write::create(conn, &t, 1, 1_764_000_000, rules).unwrap();
    // The notes are written with the notes' triggers (if any) off, then the
    // index is built once: only the cost of the next note is measured.
    let tx = conn.transaction().unwrap();
    let triggers: Vec<(String, String)> = tx
        .prepare("SELECT name, sql FROM sqlite_schema WHERE type = 'trigger' AND tbl_name = 'notes'")
        .unwrap()
        .query_map((), |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    for (name, _) in &triggers {
        tx.execute_batch(&format!("DROP TRIGGER {name}")).unwrap();
    }
    for i in 0..notes {
        tx.execute(
            "INSERT INTO notes (ticket_id, author_id, created, internal, body) VALUES (?1, 1, ?2, 1, ?3)",
            params![id, 1_764_000_000 + i as i64, body(i)],
        )
        .unwrap();
    }
    for (_, sql) in &triggers {
        tx.execute_batch(sql).unwrap();
    }
    tx.commit().unwrap();
    super::rebuild(conn).unwrap();
    id
}

fn median(mut d: Vec<Duration>) -> f64 {
    d.sort();
    d[d.len() / 2].as_secs_f64() * 1000.0
}

fn timed(mut f: impl FnMut(usize)) -> f64 {
    let d: Vec<Duration> = (0..ROUNDS)
        .map(|i| {
            let t = Instant::now();
            f(i);
            t.elapsed()
        })
        .collect();
    median(d)
}

#[test]
#[ignore = "a measurement: run by hand with --release --ignored --nocapture"]
fn a_note_on_a_long_ticket() {
    let dir = tempfile::tempdir().unwrap();
    let mut conn = crate::store::open(&dir.path().join("s.db"), &Default::default()).unwrap();
    conn.execute_batch(
        "INSERT INTO companies (id, key, name) VALUES (1, 'acme', 'Acme');
         INSERT INTO technicians (id, key, login, name, role) VALUES (1, 'tech', 'tech', 'Tech', 'technician');",
    )
    .unwrap();
    let (cal, policy) = (Calendar::pim_default(), SlaPolicy::pim_default());
    let rules = Rules {
        calendar: &cal,
        policy: &policy,
    };
    let long = ticket_with(&mut conn, LONG, &rules);
    let short = ticket_with(&mut conn, 0, &rules);
    let note = |id: i64, i: usize| {
        crate::store::ticket_work::add_note(&conn, id, &body(LONG + i), true, 1, 1_764_100_000, &rules, None).unwrap()
    };
    // After a rebuild the ticket's row holds all its notes: the first note
    // seals them into one chunk, once.
    let t = Instant::now();
    note(long, 0);
    let seal = t.elapsed().as_secs_f64() * 1000.0;
    let on_long = timed(|i| note(long, i + 1));
    let on_short = timed(|i| note(short, i));
    println!(
        "add_note, median of {ROUNDS}: {on_long:.2} ms on a ticket of {LONG} notes, {on_short:.2} ms on one of none; \
         the first note after a rebuild seals the {LONG} notes: {seal:.1} ms once"
    );
    alternatives(&mut conn, long);
}

/// The same append on other shapes of index, for comparison: one row per
/// ticket holding all its notes (schema 12: the row is tokenized again
/// whole), a contentless index that forgets rows by tombstone (the same),
/// and one row per note (a note tokenizes only itself).
fn alternatives(conn: &mut Connection, long: i64) {
    conn.execute_batch(
        "CREATE VIRTUAL TABLE alt_contentless USING fts5(summary, description, notes, prefix='2 3', content='', contentless_delete=1);
         INSERT INTO alt_contentless (rowid, summary, description, notes) SELECT rowid, summary, description, notes FROM ticket_fts;
         CREATE VIRTUAL TABLE alt_whole USING fts5(summary, description, notes, prefix='2 3');
         INSERT INTO alt_whole (rowid, summary, description, notes)
           SELECT id, summary, description, (SELECT group_concat(' ' || body, '' ORDER BY id) FROM notes WHERE ticket_id = t.id) FROM tickets t;
         CREATE VIRTUAL TABLE alt_per_note USING fts5(body, prefix='2 3');
         INSERT INTO alt_per_note (rowid, body) SELECT id, body FROM notes;",
    )
    .unwrap();
    let contentless = timed(|i| {
        let tx = conn.transaction().unwrap();
        tx.execute(
            "UPDATE alt_contentless SET summary = (SELECT summary FROM tickets WHERE id = ?1),
                    description = (SELECT description FROM tickets WHERE id = ?1),
                    notes = (SELECT group_concat(' ' || body, '' ORDER BY id) FROM notes WHERE ticket_id = ?1) || ' ' || ?2
              WHERE rowid = ?1",
            params![long, body(i)],
        )
        .unwrap();
        tx.rollback().unwrap();
    });
    let whole = timed(|i| {
        let tx = conn.transaction().unwrap();
        tx.execute(
            "UPDATE alt_whole SET notes = notes || ' ' || ?2 WHERE rowid = ?1",
            params![long, body(i)],
        )
        .unwrap();
        tx.rollback().unwrap();
    });
    let per_note = timed(|i| {
        let tx = conn.transaction().unwrap();
        tx.execute("INSERT INTO alt_per_note (body) VALUES (?1)", [body(i)])
            .unwrap();
        tx.rollback().unwrap();
    });
    println!(
        "the index's append alone, rolled back: one row holding all the notes {whole:.2} ms; \
         contentless, tombstone and the row whole again {contentless:.2} ms; one row per note {per_note:.3} ms"
    );
}
