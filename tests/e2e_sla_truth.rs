//! End-to-end: a breach that is then paused reads breached on the queue, the
//! SLA board and the ticket view of the real console, as `sla check` pages it.

mod common;

use std::sync::Arc;

use common::pty::{Console, Fixture, TIMEOUT};

const IMPORTED: &str = "2026-11-17T10:30:00-05:00";
const NOW: &str = "2026-11-17T11:00:00-05:00";

/// A P3 opened 09:00, unanswered, Waiting on Client from 10:30 (due 10:00).
fn breached_then_paused() -> Arc<Fixture> {
    let f = Fixture::new();
    let doc = serde_json::json!({
        "companies": [{"key": "zz", "name": "Zeta Clinic", "industry": "healthcare"}],
        "tickets": [{"key": "late", "company": "zz", "summary": "Server down since nine", "priority": 3,
                     "status": "Waiting on Client", "board": "Service Desk", "source": "phone",
                     "opened": "2026-11-17T09:00:00-05:00"}],
    });
    let file = f.path().join("late.json");
    std::fs::write(&file, doc.to_string()).unwrap();
    let out = f
        .command()
        .env("PIMDESK_NOW", IMPORTED)
        .arg("import")
        .arg(&file)
        .output()
        .unwrap();
    assert!(out.status.success(), "import: {}", String::from_utf8_lossy(&out.stderr));
    Arc::new(f)
}

#[test]
fn queue_board_and_ticket_view_say_breached_for_a_breach_then_paused() {
    let f = breached_then_paused();
    let mut c = Console::spawn_in(f, &[], &[("PIMDESK_NOW", NOW)], 80, 24);
    let queue = c.wait_for("Server down", TIMEOUT).unwrap();
    let row = queue
        .lines()
        .find(|l| l.contains("#1 "))
        .unwrap_or_default()
        .to_string();
    assert!(row.contains("BREACH"), "the queue says breached:\n{queue}");
    c.send("2");
    let board = c.wait_for("Running response clocks: 1", TIMEOUT).unwrap();
    assert!(
        board.contains("BREACH paused"),
        "the board says breached, and paused:\n{board}"
    );
    assert!(
        !board.contains("PAUSED"),
        "the board must not hide the breach as PAUSED:\n{board}"
    );
    c.send("\r");
    let view = c.wait_for("SLA response", TIMEOUT).unwrap();
    assert!(view.contains("SLA response: BREACHED, PAUSED"), "{view}");
    assert!(
        view.contains("has moved it 0m"),
        "the pause after the breach moves nothing:\n{view}"
    );
}
