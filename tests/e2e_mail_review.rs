//! End-to-end: the dispatcher reviews held mail in the console (`M`):
//! accepts one as a ticket of a company, drops another after one question.

mod common;

use std::io::Write;
use std::process::Stdio;
use std::sync::Arc;

use common::pty::{framed, Console, Fixture, TIMEOUT};

fn deliver(f: &Fixture, name: &str) {
    let path = format!("{}/tests/fixtures/mail/{name}", env!("CARGO_MANIFEST_DIR"));
    let mut c = f.command();
    c.args(["mail", "deliver"]).stdin(Stdio::piped()).stdout(Stdio::null());
    let mut child = c.spawn().unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(&std::fs::read(path).unwrap())
        .unwrap();
    assert!(child.wait().unwrap().success(), "mail deliver {name}");
}

fn held(f: &Fixture) -> serde_json::Value {
    let out = f.command().args(["mail", "held", "--json"]).output().unwrap();
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn held_mail_is_accepted_as_a_ticket_or_dropped_from_the_console() {
    let f = Arc::new(Fixture::demo());
    deliver(&f, "unknown_sender.eml");
    deliver(&f, "list_mail.eml");
    let waiting = held(&f).as_array().unwrap().len();
    assert_eq!(waiting, 2, "both are held: {}", held(&f));
    // The console's user is a dispatcher (accepting may add a contact).
    let login = String::from_utf8(std::process::Command::new("id").arg("-un").output().unwrap().stdout)
        .unwrap()
        .trim()
        .to_string();
    let conn = rusqlite::Connection::open(&f.db).unwrap();
    conn.execute(
        "INSERT INTO technicians (key, login, name, role) VALUES (?1, ?1, ?1, 'dispatcher')
         ON CONFLICT (login) DO UPDATE SET role = 'dispatcher'",
        [&login],
    )
    .unwrap();
    drop(conn);

    let mut c = Console::spawn_in(f.clone(), &[], &[], 100, 30);
    c.wait_for("2 mail held", TIMEOUT).unwrap();
    c.send("M");
    c.wait_for("Held mail: 2", TIMEOUT).unwrap();
    c.wait_for("owner@riverbend-cpa.test", TIMEOUT).unwrap();
    // The first is the unknown sender: a ticket of Acme Family Dental.
    c.send("a");
    c.wait_for("as a ticket of:", TIMEOUT).unwrap();
    c.send("acme");
    c.wait_for("Acme Family Dental", TIMEOUT).unwrap();
    c.send("\r");
    let screen = c
        .wait_for("accepted: ticket #", TIMEOUT)
        .unwrap_or_else(|e| panic!("accepted: {e}"));
    let id: u32 = screen
        .split("accepted: ticket #")
        .nth(1)
        .and_then(|r| r.split(|ch: char| !ch.is_ascii_digit()).next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("a ticket number:\n{}", framed(&c.vt())));
    c.wait_for("Held mail: 1", TIMEOUT).unwrap();
    let t = f.show_json(id);
    assert_eq!(t["company"], "Acme Family Dental", "{t}");
    assert_eq!(t["source"], "email", "{t}");
    assert_eq!(t["summary"], "New office, need 5 laptops set up", "{t}");
    // The other is dropped, after one question.
    c.send("d");
    c.wait_for("Drop mail", TIMEOUT).unwrap();
    c.send("n");
    c.wait_gone("Drop mail", TIMEOUT).unwrap();
    assert_eq!(held(&f).as_array().unwrap().len(), 1, "n keeps it");
    c.send("d");
    c.wait_for("Drop mail", TIMEOUT).unwrap();
    c.send("y");
    c.wait_for("dropped", TIMEOUT).unwrap();
    c.wait_for("No mail is held", TIMEOUT).unwrap();
    assert_eq!(held(&f).as_array().unwrap().len(), 0, "{}", held(&f));
    c.send("\x1b");
    c.wait_gone("Held mail", TIMEOUT).unwrap();
}
