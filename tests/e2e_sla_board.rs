//! End-to-end: the SLA board holds every running clock, however many: its
//! title counts them all and `G` reaches the last, paged from the store like
//! the queue.

mod common;

use std::sync::Arc;

use common::pty::{framed, Console, Fixture, TIMEOUT};

#[test]
fn the_board_counts_every_running_clock_and_g_reaches_the_last() {
    let f = Arc::new(Fixture::new());
    let demo = f
        .command()
        .args(["demo", "--tickets", "3000", "--seed", "3"])
        .output()
        .unwrap();
    assert!(demo.status.success(), "{}", String::from_utf8_lossy(&demo.stderr));
    let conn = rusqlite::Connection::open(&f.db).unwrap();
    // 2,600 clocks: more than a board that loaded a fixed 2,000 rows could show.
    conn.execute_batch(
        "UPDATE tickets SET first_response = NULL, resolved = NULL, paused_since = NULL, status = 'New'
         WHERE id IN (SELECT id FROM tickets WHERE priority < 5 ORDER BY id DESC LIMIT 2600)",
    )
    .unwrap();
    drop(conn);
    let out = f.command().args(["sla", "recompute"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let conn = rusqlite::Connection::open(&f.db).unwrap();
    let (running, last): (i64, i64) = conn
        .query_row(
            "SELECT count(*), (SELECT id FROM tickets WHERE first_response IS NULL AND resolved IS NULL AND response_due IS NOT NULL
                               ORDER BY response_due DESC, id DESC LIMIT 1)
             FROM tickets WHERE first_response IS NULL AND resolved IS NULL AND response_due IS NOT NULL",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    drop(conn);
    assert!(running > 2000, "the store holds {running} running clocks");

    let mut c = Console::spawn_in(f.clone(), &[], &[], 80, 24);
    c.wait_for("Queue", TIMEOUT).unwrap();
    c.send("2");
    c.wait_for(&format!("Running response clocks: {running} "), TIMEOUT)
        .unwrap_or_else(|e| panic!("the title counts every clock: {e}"));
    c.send("G");
    let screen = c
        .wait_for(&format!("#{last} "), TIMEOUT)
        .unwrap_or_else(|e| panic!("G reaches the last clock #{last}: {e}"));
    let selected: Vec<String> = (1..24)
        .map(|r| common::pty::styled_text(&c.vt(), r, |cell| cell.inverse()))
        .filter(|t| t.starts_with('#'))
        .collect();
    assert!(
        selected.iter().any(|t| t.starts_with(&format!("#{last} "))),
        "the last clock is the selected row: {selected:?}\n{}",
        framed(&c.vt())
    );
    assert!(screen.contains("Running response clocks"), "{screen}");
    // And back to the first with g.
    c.send("g");
    c.wait_gone(&format!("#{last} "), TIMEOUT).unwrap();
}
