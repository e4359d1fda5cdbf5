//! End-to-end: another console's commit shows on every tab without Ctrl-R.

mod common;

use std::sync::Arc;
use std::time::Duration;

use common::pty::{Console, Fixture, TIMEOUT};

#[test]
fn a_ticket_created_elsewhere_while_on_the_sla_tab_is_in_the_queue_on_return() {
    let f = Arc::new(Fixture::demo());
    let mut c = Console::spawn_in(Arc::clone(&f), &[], &[], 80, 24);
    c.wait_for("#2000", TIMEOUT).unwrap();
    c.send("2");
    c.wait_for("Running response clocks", TIMEOUT).unwrap();
    let out = f
        .command()
        .args([
            "ticket",
            "new",
            "--company",
            "Acme Family Dental",
            "--summary",
            "Badge reader offline",
            "--priority",
            "2",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "ticket new: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    // The worker notices the other process's commit (data_version) within a second.
    std::thread::sleep(Duration::from_millis(1200));
    c.send("1");
    let screen = c.wait_for("Badge reader", TIMEOUT).unwrap();
    assert!(screen.contains("#2001"), "the new ticket heads the queue:\n{screen}");
}
