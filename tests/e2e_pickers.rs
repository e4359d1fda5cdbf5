//! End-to-end: the editor's pickers select what was typed and open on the
//! current value, so a double-tapped Enter never changes a ticket silently.

mod common;

use std::sync::Arc;

use common::pty::{Console, Fixture, TIMEOUT};

const TAB: &str = "\t";
const ENTER: &str = "\r";
const CTRL_S: &str = "\x13";

/// Opens the selected ticket (the newest, `id`) in the editor with its
/// priority field focused.
fn edit_priority(c: &mut Console, id: u32) {
    c.send(ENTER);
    c.wait_for(&format!("Ticket #{id}"), TIMEOUT).unwrap();
    c.send("e");
    c.wait_for(&format!("Edit ticket #{id}"), TIMEOUT).unwrap();
    c.send(TAB);
    c.send(TAB);
}

#[test]
fn typing_med_then_enter_twice_sets_p3_and_changes_nothing_else() {
    let f = Arc::new(Fixture::demo());
    let before = f.show_json(2000);
    let mut c = Console::spawn_in(Arc::clone(&f), &[], &[], 80, 24);
    c.wait_for("#2000", TIMEOUT).unwrap();
    edit_priority(&mut c, 2000);
    for ch in "med".chars() {
        c.send(&ch.to_string());
    }
    c.wait_for("Medium", TIMEOUT).unwrap();
    // Enter picks P3 and moves on to the status picker, which stands on the
    // ticket's own status: the second Enter keeps it.
    c.send(ENTER);
    c.send(ENTER);
    c.send(CTRL_S);
    c.wait_gone("Edit ticket", TIMEOUT).unwrap();
    let after = f.show_json(2000);
    assert_eq!(after["priority"], 3, "typed med: P3 Medium");
    assert_eq!(after["status"], before["status"], "the second Enter changed the status");
    assert_eq!(after["assignee"], before["assignee"]);
}
