//! Mail in the console: its note path mails like `ticket note` (a
//! client-visible note written through the store worker queues its mail in
//! the same transaction, an internal one does not), and held mail is counted
//! in the status line the moment it arrives.

mod common;

use common::mail::{deliver, fixture, outbox, store};
use pimdesk::config::Config;
use pimdesk::tui::action::{Action, Effect};
use pimdesk::tui::worker_writes::{self, WriterCtx};

fn note(conn: &mut rusqlite::Connection, w: &WriterCtx, text: &str, internal: bool) -> Action {
    let at = chrono::DateTime::parse_from_rfc3339("2026-11-25T14:10:00-05:00")
        .unwrap()
        .timestamp();
    let effect = Effect::AddNote {
        id: 1,
        text: text.into(),
        internal,
        at,
    };
    worker_writes::handle(conn, w, effect).unwrap().expect("a write")
}

#[test]
fn a_client_visible_note_from_the_console_queues_its_mail_and_an_internal_one_does_not() {
    let env = store();
    deliver(&env, &fixture("new_plain.eml", &[])).expect_code(0);
    let config = Config::defaults();
    let mut conn = pimdesk::store::open(&env.db, &pimdesk::store::OpenOptions::default()).unwrap();
    let w = WriterCtx {
        user_id: pimdesk::store::actor::ensure(&conn, "jtate").unwrap().0,
        calendar: config.sla_calendar(),
        policy: config.sla_policy(),
        mail: config.mail.outgoing(),
        mail_config: config.mail.clone(),
    };
    let said = note(&mut conn, &w, "Checked the spooler; try now.", false);
    assert!(matches!(said, Action::Saved { .. }), "{said:?}");
    note(&mut conn, &w, "Spooler was stuck on job 4411.", true);
    drop(conn);
    let mails = outbox(&env);
    assert_eq!(mails.len(), 1, "{mails:?}");
    assert_eq!(mails[0]["recipient"], "dana.ruiz@acme.test");
    assert_eq!(mails[0]["subject"], "[pim #1] Printer offline in exam room 2");
    assert_eq!(mails[0]["in_reply_to"], "CAF1x8Qm2@mail.acme.test");
    assert_eq!(mails[0]["status"], "queued");
}

#[test]
fn held_mail_shows_in_the_status_line_as_it_arrives() {
    use common::pty::{framed, Console, Fixture, TIMEOUT};
    use std::io::Write;
    let f = std::sync::Arc::new(Fixture::demo());
    let mut c = Console::spawn_in(std::sync::Arc::clone(&f), &[], &[], 80, 24);
    c.wait_for("#2000", TIMEOUT).expect("the queue");
    assert!(!c.vt().contents().contains("mail held"), "{}", framed(&c.vt()));
    let mut deliver = f
        .command()
        .args(["mail", "deliver"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .spawn()
        .expect("mail deliver");
    deliver
        .stdin
        .take()
        .unwrap()
        .write_all(&fixture("unknown_sender.eml", &[]))
        .unwrap();
    assert!(deliver.wait().unwrap().success());
    c.wait_for("1 mail held", TIMEOUT)
        .unwrap_or_else(|e| panic!("the held mail is not counted: {e}\n{}", framed(&c.vt())));
    c.send("q");
    assert!(c.wait_exit(TIMEOUT).is_some());
}

#[test]
fn the_ticket_view_lists_a_mailed_tickets_attachments_and_its_mail() {
    use common::pty::{framed, Console, Fixture, TIMEOUT};
    use std::io::Write;
    let f = std::sync::Arc::new(Fixture::demo());
    let out = f.command().args(["contact", "list", "--json"]).output().unwrap();
    let contacts: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    let email = contacts[0]["email"].as_str().unwrap().to_string();
    let mut deliver = f
        .command()
        .args(["mail", "deliver"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let msg = fixture("with_attachment.eml", &[("dana.ruiz@acme.test", &email)]);
    deliver.stdin.take().unwrap().write_all(&msg).unwrap();
    let said = String::from_utf8(deliver.wait_with_output().unwrap().stdout).unwrap();
    let id: String = said
        .trim()
        .trim_start_matches("ticket #")
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    assert!(!id.is_empty(), "{said}");
    let note = f
        .command()
        .args(["ticket", "note", &id, "--text", "Which program shows it?"])
        .output()
        .unwrap();
    assert!(note.status.success());
    let mut c = Console::spawn_in(std::sync::Arc::clone(&f), &[], &[], 100, 40);
    c.wait_for("#2000", TIMEOUT).expect("the queue");
    c.send(&format!("#{id}\r"));
    c.send("G");
    c.wait_for("attachment 1: error screenshot.png (image/png, 70 bytes)", TIMEOUT)
        .unwrap_or_else(|e| panic!("{e}\n{}", framed(&c.vt())));
    c.wait_for(&format!("mail to {email} queued"), TIMEOUT)
        .unwrap_or_else(|e| panic!("{e}\n{}", framed(&c.vt())));
    c.send("q");
}
