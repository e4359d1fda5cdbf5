//! A ticket with 2,001 notes, in-process at 80x24: open it, then scroll it
//! a row and a page at a time, key to frame (`update` + `view::draw`). The
//! notes are laid out when the ticket arrives, so a key draws only the rows
//! on screen.

use std::path::Path;

use anyhow::Result;

use pimdesk::config::Config;
use pimdesk::tui::action::Action;

use crate::growth::ensure_store;
use crate::harness::{times, Harness};
use crate::invoice::copy_store;
use crate::report::{bench_dir, Report};

const NOTES: i64 = 2001;

pub fn long_ticket(r: &mut Report, one_million: &Path) -> Result<()> {
    let (small, _) = ensure_store(10_000, "10k", one_million)?;
    let db = bench_dir().join("long-ticket.db");
    copy_store(&small, &db)?;
    let conn = rusqlite::Connection::open(&db)?;
    // The newest open ticket: the queue's first row, which Enter opens.
    let id: i64 = conn.query_row(
        "SELECT max(id) FROM tickets WHERE status NOT IN ('Resolved','Closed')",
        [],
        |r| r.get(0),
    )?;
    conn.execute_batch("BEGIN")?;
    for i in 0..NOTES {
        conn.execute(
            "INSERT INTO notes (ticket_id, author_id, created, internal, body) VALUES (?1, NULL, ?2, 1, ?3)",
            rusqlite::params![id, 1_764_000_000 + i, format!("Note {i}: called the site, the switch in the closet was power-cycled and the uplink came back after a minute")],
        )?;
    }
    conn.execute_batch("COMMIT")?;
    drop(conn);
    let config = Config::defaults();
    let mut h = Harness::new(&db, &config, false)?;
    let open = h.key(Action::Open);
    r.row(
        &format!("open a ticket with {NOTES} notes (Enter→frame, lays out every note)"),
        format!("{:.2} ms", open.took.as_secs_f64() * 1000.0),
        "≤ 100 ms",
        None,
        open.took.as_secs_f64() * 1000.0,
        Some(open.took.as_secs_f64() <= 0.1),
    );
    let down = h.keys(&Action::Move(1), 300);
    let pages = h.keys(&Action::Page(1), 100);
    for (what, samples) in [("j (scroll a row) ×300", &down), ("PageDown ×100", &pages)] {
        let s = times(samples);
        r.timed(
            &format!("key→frame in a ticket with {NOTES} notes: {what}"),
            &s,
            10.0,
            None,
        );
    }
    let end = h.key(Action::Last);
    let at_end = h.state.ticket.as_ref().map_or(0, |t| t.scroll);
    let rows = h.state.ticket.as_ref().map_or(0, |t| t.layout.rows.len());
    r.note(format!(
        "long ticket: G went to row {at_end} of {rows} in {:.2} ms (the last screenful)",
        end.took.as_secs_f64() * 1000.0
    ));
    Ok(())
}
