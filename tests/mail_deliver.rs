//! `pimdesk mail deliver` (DESIGN.md 9, issue #12 "Coming in"): real
//! messages from `tests/fixtures/mail` fed on stdin to the real binary over a
//! real store. The clock is frozen at Wednesday 2026-11-25 14:00 New York
//! (office open) unless a test says otherwise.

mod common;

use common::cli::{assert_unchanged, snapshot};
use common::mail::{deliver, deliver_with, fixture, held, outbox, store, ticket, ticket_count};

#[test]
fn a_known_contacts_mail_opens_a_ticket_for_their_company() {
    let env = store();
    let r = deliver(&env, &fixture("new_plain.eml", &[]));
    r.expect_code(0).expect_no_panic();
    assert_eq!(r.stdout.trim(), "ticket #1 opened", "{r}");
    let t = ticket(&env, 1);
    assert_eq!(t["summary"], "Printer offline in exam room 2");
    assert_eq!(t["company"], "Acme Family Dental");
    assert_eq!(t["contact"], "Dana Ruiz", "the From address matched whatever its case");
    assert_eq!(t["source"], "email");
    assert_eq!(t["board"], "Service Desk");
    assert_eq!(t["priority"], 3);
    assert_eq!(t["status"], "New");
    assert!(
        t["description"].as_str().unwrap().contains("We restarted it twice."),
        "{t}"
    );
    // The SLA clock starts at arrival, stamped like every other ticket's.
    assert_eq!(t["opened"], "2026-11-25T14:00:00-05:00");
    assert_eq!(t["response_due"], "2026-11-25T15:00:00-05:00");
    assert_eq!(t["warning_at"], "2026-11-25T14:30:00-05:00");
    assert!(outbox(&env).is_empty(), "no acknowledgement unless mail.acknowledge");
}

#[test]
fn mail_arriving_after_hours_goes_to_the_after_hours_board() {
    let env = store();
    let r = deliver_with(
        &env,
        &fixture("new_plain.eml", &[]),
        &[("PIMDESK_NOW", "2026-11-25T20:00:00-05:00")],
    );
    r.expect_code(0);
    let t = ticket(&env, 1);
    assert_eq!(t["board"], "After Hours");
    assert_eq!(t["source"], "email");
    assert_eq!(t["opened"], "2026-11-25T20:00:00-05:00");
}

#[test]
fn the_same_message_twice_is_processed_once() {
    let env = store();
    let msg = fixture("new_plain.eml", &[]);
    deliver(&env, &msg).expect_code(0);
    let before = snapshot(&env.db);
    let again = deliver(&env, &msg);
    again.expect_code(0);
    assert!(again.stdout.contains("already processed"), "{again}");
    assert_eq!(ticket_count(&env), 1);
    assert_unchanged(&env.db, &before, "a second delivery of the same Message-ID");
}

#[test]
fn charsets_and_encodings_of_real_mail_are_decoded() {
    let env = store();
    for f in ["windows1252_qp.eml", "base64_utf8.eml", "html_only.eml"] {
        deliver(&env, &fixture(f, &[])).expect_code(0);
    }
    let cafe = ticket(&env, 1);
    assert_eq!(cafe["summary"], "Café Wi-Fi down – guests can’t connect");
    let d = cafe["description"].as_str().unwrap();
    assert!(
        d.contains("The “Café” guest network") && d.contains("costs € 50 to fix – not urgent"),
        "{d}"
    );
    let scanner = ticket(&env, 2);
    assert_eq!(scanner["summary"], "Scanner fällt aus überall");
    assert!(scanner["description"]
        .as_str()
        .unwrap()
        .contains("Büro fällt seit heute aus – bitte um Rückruf"));
    let html = ticket(&env, 3);
    let d = html["description"].as_str().unwrap();
    assert!(d.contains("Since the update Outlook asks for my password"), "{d}");
    assert!(d.contains("Tom & Jerry at reception"), "{d}");
    assert!(
        !d.contains("<p>") && !d.contains("color:"),
        "HTML left in the text: {d}"
    );
}

#[test]
fn text_is_sanitised_like_every_ticket_text() {
    let env = store();
    let msg = b"From: dana.ruiz@acme.test\r\nSubject: =?utf-8?Q?Hi=1B]0;owned=07_there?=\r\nMessage-ID: <esc-1@acme.test>\r\n\r\nBody \x1b[31mred\x1b[0m and \xe2\x80\xae reversed\r\n";
    deliver(&env, msg).expect_code(0);
    let t = ticket(&env, 1);
    let summary = t["summary"].as_str().unwrap();
    let description = t["description"].as_str().unwrap();
    assert!(!summary.contains('\u{1b}') && summary.contains("there"), "{summary:?}");
    assert!(
        !description.contains('\u{1b}') && !description.contains('\u{202e}'),
        "{description:?}"
    );
    assert!(description.contains("red and"), "{description:?}");
}

#[test]
fn a_reply_by_tag_is_a_client_note_and_resumes_a_waiting_ticket() {
    let env = store();
    deliver(&env, &fixture("new_plain.eml", &[])).expect_code(0);
    env.run(&["ticket", "note", "1", "--text", "Could you print a test page?"])
        .expect_code(0);
    env.run(&["ticket", "update", "1", "--status", "waiting on client"])
        .expect_code(0);
    let queued = outbox(&env).len();
    let r = deliver(&env, &fixture("reply_tag.eml", &[("#TICKET", "#1")]));
    r.expect_code(0);
    assert!(
        r.stdout
            .contains("note on ticket #1; status Waiting on Client → In Progress"),
        "{r}"
    );
    let t = ticket(&env, 1);
    assert_eq!(t["status"], "In Progress");
    let note = t["notes"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(note["internal"], false);
    assert_eq!(note["author"], "Dana Ruiz (by mail)");
    let body = note["body"].as_str().unwrap();
    assert!(body.starts_with("It prints again after the driver update."), "{body}");
    assert!(
        !body.contains("Could you print") && !body.contains("wrote:"),
        "history kept: {body}"
    );
    let history = t["history"].as_array().unwrap();
    assert!(
        history
            .iter()
            .any(|h| h["field"] == "status" && h["old"] == "Waiting on Client" && h["new"] == "In Progress"),
        "the resumed clock is not in the history: {t}"
    );
    assert_eq!(outbox(&env).len(), queued, "a note that came in by mail sends nothing");
    // The client's note is no first response: only the technician's was.
    assert_eq!(t["first_response"], "2026-11-25T14:00:00-05:00");
}

#[test]
fn a_reply_to_our_message_id_threads_without_a_tag() {
    let env = store();
    deliver(&env, &fixture("new_plain.eml", &[])).expect_code(0);
    env.run(&["ticket", "note", "1", "--text", "Could you print a test page?"])
        .expect_code(0);
    let ours = outbox(&env)[0]["message_id"].as_str().unwrap().to_string();
    let r = deliver(
        &env,
        &fixture("reply_in_reply_to.eml", &[("OURID", &ours), ("#TICKET", "#1")]),
    );
    r.expect_code(0);
    assert!(r.stdout.contains("note on ticket #1"), "{r}");
    let t = ticket(&env, 1);
    let body = t["notes"].as_array().unwrap().last().unwrap()["body"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(body, "The page came out blank.");
    assert_eq!(ticket_count(&env), 1);
}

#[test]
fn a_reply_reopens_a_recently_resolved_ticket_but_not_an_old_one() {
    let env = store();
    deliver(&env, &fixture("new_plain.eml", &[])).expect_code(0);
    env.run(&["ticket", "update", "1", "--status", "resolved"])
        .expect_code(0);
    let r = deliver(&env, &fixture("reply_tag.eml", &[("#TICKET", "#1")]));
    assert!(r.stdout.contains("Resolved → In Progress"), "{r}");
    assert_eq!(ticket(&env, 1)["status"], "In Progress");
    assert_eq!(ticket(&env, 1)["resolved"], serde_json::Value::Null);
    env.run(&["ticket", "update", "1", "--status", "resolved"])
        .expect_code(0);
    // Fifteen days later (mail.reopen_days is 14) the reply opens a new ticket.
    let late = deliver_with(
        &env,
        &fixture(
            "reply_tag.eml",
            &[("#TICKET", "#1"), ("reply-tag-9001", "reply-tag-late")],
        ),
        &[("PIMDESK_NOW", "2026-12-10T14:00:00-05:00")],
    );
    assert_eq!(late.stdout.trim(), "ticket #2 opened", "{late}");
    assert_eq!(ticket(&env, 1)["status"], "Resolved");
    assert!(ticket(&env, 2)["description"]
        .as_str()
        .unwrap()
        .contains("A reply to ticket #1"));
}

#[test]
fn an_unknown_sender_is_held_then_accepted_with_a_new_contact() {
    let env = store();
    let r = deliver(&env, &fixture("unknown_sender.eml", &[]));
    r.expect_code(0);
    assert!(
        r.stdout
            .contains("held as mail 1: unknown sender owner@riverbend-cpa.test"),
        "{r}"
    );
    assert_eq!(ticket_count(&env), 0);
    let h = held(&env);
    assert_eq!(h.len(), 1);
    assert_eq!(h[0]["subject"], "New office, need 5 laptops set up");
    assert!(h[0]["reason"].as_str().unwrap().contains("no contact has this address"));
    // Without --contact-new there is nobody to be the ticket's contact.
    let refused = env.run(&["mail", "accept", "1", "--company", "Riverbend CPA"]);
    refused.expect_code(2);
    assert!(refused.stderr.contains("--contact-new"), "{refused}");
    // Contacts are the dispatcher's: a technician may not add one.
    let args = ["mail", "accept", "1", "--company", "Riverbend CPA", "--contact-new"];
    let technician = env.run(&args);
    technician.expect_code(2);
    assert!(
        technician.stderr.contains("needs the dispatcher or admin role"),
        "{technician}"
    );
    assert_eq!(held(&env).len(), 1);
    let conn = rusqlite::Connection::open(&env.db).unwrap();
    conn.execute(
        "INSERT INTO technicians (key, login, name, role) VALUES (?1, ?1, ?1, 'dispatcher')
         ON CONFLICT(login) DO UPDATE SET role = 'dispatcher'",
        [pimdesk::platform::current_login()],
    )
    .unwrap();
    drop(conn);
    let ok = env.run(&args);
    ok.expect_code(0);
    assert!(ok.stdout.contains("ticket #1 opened"), "{ok}");
    let t = ticket(&env, 1);
    assert_eq!(t["company"], "Riverbend CPA");
    assert_eq!(t["contact"], "Sam Okafor");
    assert_eq!(t["source"], "email");
    assert!(held(&env).is_empty());
    let contacts = env.run(&["contact", "list", "--company", "Riverbend CPA"]);
    assert!(contacts.stdout.contains("owner@riverbend-cpa.test"), "{contacts}");
    // The next mail from them is a ticket straight away.
    let next = fixture("unknown_sender.eml", &[("first-contact-1", "first-contact-2")]);
    assert_eq!(deliver(&env, &next).stdout.trim(), "ticket #2 opened");
    assert_eq!(env.run(&["mail", "accept", "1", "--company", "Riverbend CPA"]).code, 2);
}

#[test]
fn dropped_mail_stays_known_and_is_not_processed_again() {
    let env = store();
    let msg = fixture("unknown_sender.eml", &[]);
    deliver(&env, &msg).expect_code(0);
    env.run(&["mail", "drop", "1"]).expect_code(0);
    assert!(held(&env).is_empty());
    assert!(deliver(&env, &msg).stdout.contains("already processed"));
    assert!(held(&env).is_empty());
}

#[test]
fn auto_replies_bounces_and_lists_never_open_a_ticket_or_get_an_answer() {
    let env = store();
    env.write("mail.toml", "[mail]\nacknowledge = true\n");
    let config = env.path("mail.toml");
    let run = |name: &str| {
        let mut c = env.command_with(&env.db, &config, &["mail", "deliver"]);
        c.stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped());
        let mut child = c.spawn().expect("spawn");
        std::io::Write::write_all(&mut child.stdin.take().unwrap(), &fixture(name, &[])).unwrap();
        let out = child.wait_with_output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{name}");
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    for f in ["out_of_office_untagged.eml", "bounce.eml", "list_mail.eml"] {
        let said = run(f);
        assert!(said.starts_with("held as mail"), "{f}: {said}");
    }
    assert_eq!(ticket_count(&env), 0);
    assert!(outbox(&env).is_empty(), "a robot was answered");
    let reasons: Vec<String> = held(&env)
        .iter()
        .map(|h| h["reason"].as_str().unwrap().to_string())
        .collect();
    assert!(reasons[0].contains("Auto-Submitted: auto-replied"), "{reasons:?}");
    assert!(reasons[2].contains("Precedence: bulk"), "{reasons:?}");
    // A person's mail is acknowledged once; their out-of-office naming the
    // ticket becomes an internal note, unanswered.
    assert_eq!(run("new_plain.eml").trim(), "ticket #1 opened");
    let ack = outbox(&env);
    assert_eq!(ack.len(), 1);
    assert_eq!(ack[0]["auto_submitted"], "auto-replied");
    let said = run_replaced(&env, &config, "out_of_office.eml", &[("#TICKET", "#1")]);
    assert!(said.contains("automatic mail: an internal note on ticket #1"), "{said}");
    let t = ticket(&env, 1);
    let note = t["notes"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(note["internal"], true);
    assert!(note["body"].as_str().unwrap().contains("Not answered"), "{note}");
    assert_eq!(t["status"], "New");
    assert_eq!(outbox(&env).len(), 1, "the out-of-office got an answer");
}

fn run_replaced(env: &common::cli::Env, config: &std::path::Path, name: &str, replace: &[(&str, &str)]) -> String {
    let mut c = env.command_with(&env.db, config, &["mail", "deliver"]);
    c.stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped());
    let mut child = c.spawn().expect("spawn");
    std::io::Write::write_all(&mut child.stdin.take().unwrap(), &fixture(name, replace)).unwrap();
    String::from_utf8_lossy(&child.wait_with_output().unwrap().stdout).into_owned()
}

#[test]
fn our_own_mail_coming_back_is_ignored() {
    let env = store();
    let msg = b"From: pim Support <Support@Proactive-Info.com>\r\nSubject: [pim #1] x\r\nMessage-ID: <loop-1@proactive-info.com>\r\n\r\nhello\r\n";
    let r = deliver(&env, msg);
    r.expect_code(0);
    assert!(r.stdout.contains("ignored: from our own address"), "{r}");
    assert_eq!(ticket_count(&env), 0);
    assert!(held(&env).is_empty());
}

#[test]
fn a_flood_from_one_sender_is_held() {
    let env = store();
    env.write("flood.toml", "[mail]\nmax_per_sender_per_hour = 2\n");
    let config = env.path("flood.toml");
    for i in 1..=3 {
        let said = run_replaced(&env, &config, "new_plain.eml", &[("CAF1x8Qm2", &format!("flood-{i}"))]);
        if i <= 2 {
            assert_eq!(said.trim(), format!("ticket #{i} opened"));
        } else {
            assert!(
                said.contains("held") && said.contains("max_per_sender_per_hour"),
                "{said}"
            );
        }
    }
}

#[test]
fn attachments_are_stored_and_saved_and_oversize_mail_keeps_its_text() {
    let env = store();
    deliver(&env, &fixture("with_attachment.eml", &[])).expect_code(0);
    let show = env.run(&["ticket", "show", "1"]);
    assert!(
        show.stdout
            .contains("attachment 1: error screenshot.png (image/png, 70 bytes)"),
        "{show}"
    );
    let out = env.path("shot.png");
    env.run(&["ticket", "attachment", "save", "1", "1", out.to_str().unwrap()])
        .expect_code(0);
    let bytes = std::fs::read(&out).unwrap();
    assert!(
        bytes.starts_with(b"\x89PNG\r\n") && bytes.len() == 70,
        "{} bytes",
        bytes.len()
    );
    assert_eq!(env.run(&["ticket", "attachment", "save", "1", "2", "x"]).code, 2);
    // Over mail.max_message_bytes: the ticket is made, the attachment is not kept.
    let big = format!(
        "From: dana.ruiz@acme.test\r\nSubject: Big scan\r\nMessage-ID: <big-1@acme.test>\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b\"\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nThe scan is attached.\r\n--b\r\nContent-Type: application/pdf; name=\"scan.pdf\"\r\nContent-Disposition: attachment; filename=\"scan.pdf\"\r\nContent-Transfer-Encoding: base64\r\n\r\n{}\r\n--b--\r\n",
        "QUJD".repeat(1000)
    );
    env.write("small.toml", "[mail]\nmax_message_bytes = 2048\n");
    let said = {
        let mut c = env.command_with(&env.db, &env.path("small.toml"), &["mail", "deliver"]);
        c.stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped());
        let mut child = c.spawn().unwrap();
        std::io::Write::write_all(&mut child.stdin.take().unwrap(), big.as_bytes()).unwrap();
        String::from_utf8_lossy(&child.wait_with_output().unwrap().stdout).into_owned()
    };
    assert_eq!(said.trim(), "ticket #2 opened");
    let t = ticket(&env, 2);
    let d = t["description"].as_str().unwrap();
    assert!(
        d.contains("The scan is attached.") && d.contains("not kept: scan.pdf"),
        "{d}"
    );
    assert_eq!(t["attachments"].as_array().unwrap().len(), 0);
}

#[test]
fn unreadable_input_is_65_and_a_busy_store_is_75_with_nothing_written() {
    let env = store();
    let before = snapshot(&env.db);
    let empty = deliver(&env, b"");
    assert_eq!(empty.code, 65, "{empty}");
    let no_from = deliver(&env, b"Subject: hello\r\n\r\nno sender\r\n");
    assert_eq!(no_from.code, 65, "{no_from}");
    assert!(no_from.stderr.contains("no From address"), "{no_from}");
    assert_unchanged(&env.db, &before, "unreadable mail");
    // Another program holds the write lock longer than busy_timeout_ms.
    env.write("busy.toml", "[store]\nbusy_timeout_ms = 200\n");
    let mut blocker = rusqlite::Connection::open(&env.db).unwrap();
    let tx = blocker
        .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
        .unwrap();
    let mut c = env.command_with(&env.db, &env.path("busy.toml"), &["mail", "deliver"]);
    c.stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    let mut child = c.spawn().unwrap();
    std::io::Write::write_all(&mut child.stdin.take().unwrap(), &fixture("new_plain.eml", &[])).unwrap();
    let out = child.wait_with_output().unwrap();
    tx.rollback().unwrap();
    assert_eq!(out.status.code(), Some(75), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(ticket_count(&env), 0);
    // The MTA tries again later, and then it is taken.
    assert_eq!(deliver(&env, &fixture("new_plain.eml", &[])).code, 0);
    assert_eq!(ticket_count(&env), 1);
}

#[test]
fn a_30_mb_attachment_over_the_default_limit_keeps_the_ticket_without_it() {
    let env = store();
    // 30 MB of PDF-ish bytes, base64 in 76-column lines as mail programs write it.
    let line = "JVBERi0xLjQKJcfsj6IKNSAwIG9iago8PC9MZW5ndGggNiAwIFIvRmlsdGVyIC9GbGF0ZURlY29kZT4+";
    let lines = 30 * 1024 * 1024 / 57 + 1;
    let mut body = String::with_capacity(lines * 78);
    for _ in 0..lines {
        body.push_str(&line[..76]);
        body.push_str("\r\n");
    }
    let msg = format!(
        "From: dana.ruiz@acme.test\r\nSubject: Scans of the whole filing cabinet\r\nMessage-ID: <huge-1@acme.test>\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b\"\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nAll of it, as asked.\r\n--b\r\nContent-Type: application/pdf; name=\"cabinet.pdf\"\r\nContent-Disposition: attachment; filename=\"cabinet.pdf\"\r\nContent-Transfer-Encoding: base64\r\n\r\n{body}--b--\r\n"
    );
    let r = deliver(&env, msg.as_bytes());
    r.expect_code(0).expect_no_panic();
    assert_eq!(r.stdout.trim(), "ticket #1 opened", "{r}");
    let t = ticket(&env, 1);
    let d = t["description"].as_str().unwrap();
    assert!(d.starts_with("All of it, as asked."), "{d}");
    assert!(
        d.contains("over the limit of 26214400") && d.contains("not kept: cabinet.pdf"),
        "{d}"
    );
    assert!(t["attachments"].as_array().unwrap().is_empty());
    // The store kept the headers and text, not the 40 MB.
    let store_size = std::fs::metadata(&env.db).unwrap().len()
        + std::fs::metadata(common::cli::sidecar(&env.db, "-wal")).map_or(0, |m| m.len());
    assert!(store_size < 5 * 1024 * 1024, "the store grew to {store_size} bytes");
}

#[test]
fn a_message_past_the_reading_limit_is_bounced_not_read_whole() {
    let env = store();
    let mut msg = b"From: dana.ruiz@acme.test\r\nSubject: Everything\r\nMessage-ID: <all-1@acme.test>\r\n\r\n".to_vec();
    msg.resize(msg.len() + (65 << 20), b'x');
    // Four times max_message_bytes, but never below 64 MiB.
    let config = env.write("small.toml", "[mail]\nmax_message_bytes = 1024\n");
    let mut c = env.command_with(&env.db, &config, &["mail", "deliver"]);
    c.stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    let mut child = c.spawn().unwrap();
    // pimdesk stops reading at its limit: the rest may meet a closed pipe.
    let _ = std::io::Write::write_all(&mut child.stdin.take().unwrap(), &msg);
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(65), "{stderr}");
    assert!(stderr.contains("larger than 67108864 bytes"), "{stderr}");
    assert_eq!(ticket_count(&env), 0);
}

#[test]
fn acknowledgements_go_once_an_hour_to_a_sender() {
    let env = store();
    let config = env.write("ack.toml", "[mail]\nacknowledge = true\n");
    let first = run_replaced(&env, &config, "new_plain.eml", &[]);
    let second = run_replaced(&env, &config, "new_plain.eml", &[("CAF1x8Qm2", "second-1")]);
    assert_eq!((first.trim(), second.trim()), ("ticket #1 opened", "ticket #2 opened"));
    let acks = outbox(&env);
    assert_eq!(acks.len(), 1, "{acks:?}");
    assert_eq!(acks[0]["ticket"], 1);
    assert_eq!(acks[0]["subject"], "[pim #1] Printer offline in exam room 2");
}

#[test]
fn a_reply_about_another_companys_ticket_is_held_and_unknown_senders_may_be_ignored() {
    let env = store();
    let r = env.run(&[
        "ticket",
        "new",
        "--company",
        "Riverbend CPA",
        "--summary",
        "Payroll export",
        "--priority",
        "3",
    ]);
    r.expect_code(0);
    let said = deliver(&env, &fixture("reply_tag.eml", &[("#TICKET", "#1")]));
    assert!(
        said.stdout
            .contains("wrote about ticket #1, which is another company's"),
        "{said}"
    );
    assert!(ticket(&env, 1)["notes"].as_array().unwrap().is_empty());
    let config = env.write("open.toml", "[mail]\nhold_unknown_senders = false\n");
    let ignored = run_replaced(&env, &config, "unknown_sender.eml", &[]);
    assert!(ignored.starts_with("ignored: unknown sender"), "{ignored}");
    assert_eq!(
        held(&env).len(),
        1,
        "only the reply about another company's ticket is held"
    );
}

#[test]
fn a_colleagues_reply_all_to_the_first_message_joins_its_ticket() {
    let env = store();
    deliver(&env, &fixture("new_plain.eml", &[])).expect_code(0);
    let msg = b"From: Lee Park <lee.park@acme.test>\r\nSubject: Re: Printer offline in exam room 2\r\nMessage-ID: <lee-1@acme.test>\r\nIn-Reply-To: <CAF1x8Qm2@mail.acme.test>\r\nReferences: <CAF1x8Qm2@mail.acme.test>\r\n\r\nSame in exam room 3.\r\n\r\n> The HP printer in exam room 2 shows \"offline\"\r\n";
    let r = deliver(&env, msg);
    assert_eq!(r.stdout.trim(), "note on ticket #1", "{r}");
    let note = ticket(&env, 1)["notes"][0].clone();
    assert_eq!(note["author"], "Lee Park (by mail)");
    assert_eq!(note["body"], "Same in exam room 3.");
    assert_eq!(ticket_count(&env), 1);
}
