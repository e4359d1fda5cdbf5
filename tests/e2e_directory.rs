//! The Directory tab end to end: the real binary in a pseudo-terminal. Search
//! finds a contact, `y` copies its phone number with OSC 52 (and only then),
//! and a dispatcher changes the contact's security level with an audit row.

mod common;

use std::sync::Arc;

use common::pty::{framed, Console, Fixture, TIMEOUT};

const OSC52: &[u8] = b"\x1b]52;";

fn count(hay: &[u8], needle: &[u8]) -> usize {
    hay.windows(needle.len()).filter(|w| *w == needle).count()
}

/// The demo store, with the test's own account made a dispatcher (the
/// concierge desk), and one viewer contact to look for: (id, name, phone).
fn fixture() -> (Arc<Fixture>, i64, String, String) {
    let f = Fixture::demo();
    let conn = rusqlite::Connection::open(&f.db).expect("open the demo store");
    let me = pimdesk::platform::current_login();
    conn.execute(
        "INSERT INTO technicians (key, login, name, role) VALUES (?1, ?1, ?1, 'dispatcher')
         ON CONFLICT(login) DO UPDATE SET role = 'dispatcher'",
        [&me],
    )
    .expect("make the tester a dispatcher");
    let contact = conn
        .query_row(
            "SELECT id, name, phone FROM contacts WHERE security_level = 'viewer' ORDER BY id LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .expect("a viewer contact in the demo");
    let (id, name, phone) = contact;
    (Arc::new(f), id, name, phone)
}

#[test]
fn search_copy_and_edit_a_contacts_security_level() {
    let (f, id, name, phone) = fixture();
    let mut c = Console::spawn_in(Arc::clone(&f), &[], &[], 80, 24);
    c.wait_for("Queue", TIMEOUT).expect("the console starts");
    c.send("4");
    c.wait_for("pim departments", TIMEOUT).expect("the Directory tab");
    c.wait_for("Client Concierge", TIMEOUT)
        .expect("departments from the config");

    c.send("/");
    c.wait_for("Search directory", TIMEOUT).expect("the search line");
    c.send(&name);
    let screen = c
        .wait_for("Contacts", TIMEOUT)
        .unwrap_or_else(|e| panic!("searching {name:?} finds the contact: {e}"));
    assert!(screen.contains(&name), "{}", framed(&c.vt()));
    c.send("\r");
    c.wait_gone("Search directory", TIMEOUT)
        .expect("Enter keeps the results");

    assert_eq!(count(&c.raw(), OSC52), 0, "no OSC 52 before the copy key");
    let mark = c.raw_len();
    c.send("y");
    c.wait_for(&format!("copied {phone}"), TIMEOUT)
        .expect("the status line says what was copied");
    let after = c.raw_since(mark);
    let b64 = pimdesk::tui::app::osc52(&phone, false);
    assert!(
        count(&after, b64.as_bytes()) == 1,
        "the OSC 52 sequence with the phone number follows the copy key"
    );

    // Enter opens the contact's company; L picks a level; j then Enter saves.
    c.send("\r");
    c.wait_for("Onboarding checklist", TIMEOUT).expect("the company opens");
    c.send("L");
    c.wait_for("Security level:", TIMEOUT).expect("the level picker");
    c.send("j");
    std::thread::sleep(std::time::Duration::from_millis(150));
    c.send("\r");
    c.wait_for("viewer -> company_viewer", TIMEOUT)
        .unwrap_or_else(|e| panic!("the change is confirmed: {e}\n{}", framed(&c.vt())));
    c.wait_for("view all company tickets", TIMEOUT)
        .expect("the rights in words follow the new level");

    c.send("q");
    c.wait_exit(TIMEOUT).expect("the console quits");
    assert_eq!(count(&c.raw(), OSC52), 1, "OSC 52 is written on the copy key only");

    let conn = rusqlite::Connection::open(&f.db).expect("reopen");
    let (now_level, audits): (String, i64) = conn
        .query_row(
            "SELECT security_level, (SELECT count(*) FROM audit a WHERE a.entity = 'contact' AND a.entity_id = ct.id
                AND a.field = 'security_level' AND a.old = 'viewer' AND a.new = 'company_viewer')
             FROM contacts ct WHERE id = ?1",
            [id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .expect("the contact");
    assert_eq!(now_level, "company_viewer");
    assert_eq!(audits, 1, "one audit row records the change");
}

#[test]
fn the_status_line_names_who_is_on_call_after_hours() {
    let f = Arc::new(Fixture::demo());
    // Wednesday 20:00: after hours; the fallback rotation (on-call technicians by login).
    let mut c = Console::spawn_in(f, &[], &[("PIMDESK_NOW", "2026-11-25T20:00:00-05:00")], 80, 24);
    let screen = c
        .wait_for("on call:", TIMEOUT)
        .unwrap_or_else(|e| panic!("the status line shows who is on call: {e}"));
    assert!(screen.contains("[AFTER HOURS]"), "{screen}");
    assert!(screen.contains("Imani Brooks 804-555-2133"), "{}", framed(&c.vt()));
    c.send("q");
    c.wait_exit(TIMEOUT).expect("quits");
}

#[test]
fn copy_puts_only_sanitised_text_on_the_clipboard() {
    let (f, id, name, phone) = fixture();
    let hostile = format!("{phone}\u{1b}]0;pwned\u{7}\u{202e}\u{9b}2J");
    let conn = rusqlite::Connection::open(&f.db).expect("open the store");
    conn.execute(
        "UPDATE contacts SET phone = ?1 WHERE id = ?2",
        rusqlite::params![hostile, id],
    )
    .expect("another program writes a hostile phone number");
    drop(conn);
    let mut c = Console::spawn_in(Arc::clone(&f), &[], &[], 80, 24);
    c.wait_for("Queue", TIMEOUT).expect("the console starts");
    c.send("4");
    c.wait_for("Client Concierge", TIMEOUT).expect("the Directory tab");
    c.send("/");
    c.wait_for("Search directory", TIMEOUT).expect("the search line");
    c.send(&name);
    c.wait_for("Contacts", TIMEOUT).expect("the contact is found");
    c.send("\r");
    c.wait_gone("Search directory", TIMEOUT)
        .expect("Enter keeps the results");
    let mark = c.raw_len();
    c.send("y");
    c.wait_for(&format!("copied {phone}"), TIMEOUT)
        .expect("the copy is confirmed");
    let after = c.raw_since(mark);
    let start = after
        .windows(OSC52.len())
        .position(|w| w == OSC52)
        .expect("an OSC 52 sequence follows the copy key");
    let end = start + after[start..].iter().position(|b| *b == 7).expect("the sequence ends");
    let sent = String::from_utf8_lossy(&after[start..=end]).into_owned();
    // The phone number alone: what the screen shows, nothing a paste would run.
    let clean = pimdesk::tui::app::osc52(&phone, false);
    assert_eq!(sent, clean, "the clipboard holds the sanitised phone number only");
    c.send("q");
    c.wait_exit(TIMEOUT).expect("the console quits");
}

#[test]
fn demoting_a_companys_only_admin_contact_asks_first() {
    let (f, _, _, _) = fixture();
    let conn = rusqlite::Connection::open(&f.db).expect("open the demo store");
    let (id, name): (i64, String) = conn
        .query_row(
            "SELECT min(id), name FROM contacts WHERE security_level = 'admin'
             GROUP BY company_id HAVING count(*) = 1 ORDER BY min(id) LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .expect("a company with one admin contact in the demo");
    let level = |conn: &rusqlite::Connection| -> String {
        conn.query_row("SELECT security_level FROM contacts WHERE id = ?1", [id], |r| r.get(0))
            .expect("the contact")
    };
    let mut c = Console::spawn_in(Arc::clone(&f), &[], &[], 80, 24);
    c.wait_for("Queue", TIMEOUT).expect("the console starts");
    c.send("4");
    c.wait_for("pim departments", TIMEOUT).expect("the Directory tab");
    c.send("/");
    c.wait_for("Search directory", TIMEOUT).expect("the search line");
    c.send(&name);
    c.wait_for("Contacts", TIMEOUT).expect("the contact is found");
    c.send("\r");
    c.wait_gone("Search directory", TIMEOUT)
        .expect("Enter keeps the results");
    c.send("\r");
    c.wait_for("Onboarding checklist", TIMEOUT).expect("the company opens");
    for answer in ["\r", "y"] {
        c.send("L");
        c.wait_for("Security level:", TIMEOUT).expect("the level picker");
        c.send("j");
        std::thread::sleep(std::time::Duration::from_millis(150));
        c.send("\r");
        c.wait_for("is the only admin contact of", TIMEOUT)
            .unwrap_or_else(|e| panic!("the demotion asks: {e}\n{}", framed(&c.vt())));
        c.send(answer);
        if answer == "\r" {
            c.wait_for("nothing changed", TIMEOUT).expect("Enter is not a yes");
            assert_eq!(level(&conn), "admin");
        }
    }
    c.wait_for("admin ->", TIMEOUT)
        .unwrap_or_else(|e| panic!("y demotes: {e}\n{}", framed(&c.vt())));
    assert_ne!(level(&conn), "admin");
}
