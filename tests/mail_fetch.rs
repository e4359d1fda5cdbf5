//! `pimdesk mail fetch` and `mail run` against a real Dovecot on loopback
//! (a throwaway config in a temp dir, `tests/common/dovecot.rs`): each
//! message is taken once and moved to `done_folder` only after the store
//! committed it. Without Dovecot these tests say "skipped" and pass, unless
//! PIMDESK_REQUIRE_TOOLS is set (CI), where they fail.

mod common;

use std::os::unix::fs::PermissionsExt;
use std::path::PathBuf;

use common::cli::Env;
use common::dovecot::{Dovecot, PASSWORD};
use common::mail::{deliver, fixture, held, store, ticket, ticket_count};

/// A store, a Dovecot and a config that reads it.
fn setup() -> Option<(Env, Dovecot, PathBuf)> {
    let env = store();
    let server = Dovecot::start(&env.path("dovecot"))?;
    let pw = env.write("imap-password", &format!("{PASSWORD}\n"));
    std::fs::set_permissions(&pw, std::fs::Permissions::from_mode(0o600)).expect("chmod");
    let config = env.write("imap.toml", &server.config(&pw));
    Some((env, server, config))
}

#[test]
fn fetched_mail_is_taken_once_and_moved_to_the_done_folder() {
    let Some((env, server, config)) = setup() else { return };
    server.add("a", &fixture("new_plain.eml", &[]));
    server.add("b", &fixture("unknown_sender.eml", &[]));
    server.add("c", &fixture("bounce.eml", &[]));
    // Delivered by the MTA already: the copy in the mailbox changes nothing.
    deliver(&env, &fixture("html_only.eml", &[])).expect_code(0);
    server.add("d", &fixture("html_only.eml", &[]));
    assert_eq!(server.count("INBOX"), 4);
    let r = env.run_with(&env.db, &config, &["mail", "fetch", "--once"]);
    r.expect_code(0).expect_no_panic();
    assert!(r.stdout.contains("ticket #2 opened"), "{r}");
    assert!(r.stdout.contains("already processed"), "{r}");
    assert_eq!(ticket_count(&env), 2);
    assert_eq!(ticket(&env, 2)["summary"], "Printer offline in exam room 2");
    assert_eq!(
        held(&env).len(),
        2,
        "the unknown sender and the bounce wait for a dispatcher"
    );
    assert_eq!(server.count("INBOX"), 0);
    assert_eq!(server.count("pimdesk/done"), 4);
    // A second round finds nothing and writes nothing.
    let again = env.run_with(&env.db, &config, &["mail", "fetch", "--once"]);
    again.expect_code(0);
    assert!(again.stdout.is_empty(), "{again}");
    assert_eq!(ticket_count(&env), 2);
}

#[test]
fn a_busy_store_leaves_the_message_in_the_mailbox_for_the_next_round() {
    let Some((env, server, config)) = setup() else { return };
    server.add("a", &fixture("new_plain.eml", &[]));
    let busy = env.write(
        "busy.toml",
        &format!(
            "{}[store]\nbusy_timeout_ms = 200\n",
            std::fs::read_to_string(&config).unwrap()
        ),
    );
    let mut blocker = rusqlite::Connection::open(&env.db).unwrap();
    let tx = blocker
        .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
        .unwrap();
    let r = env.run_with(&env.db, &busy, &["mail", "fetch", "--once"]);
    tx.rollback().unwrap();
    assert_eq!(r.code, 1, "{r}");
    assert!(r.stderr.contains("stays for the next round"), "{r}");
    assert_eq!(server.count("INBOX"), 1, "moved although not committed");
    assert_eq!(ticket_count(&env), 0);
    env.run_with(&env.db, &config, &["mail", "fetch", "--once"])
        .expect_code(0);
    assert_eq!(ticket_count(&env), 1);
    assert_eq!(server.count("INBOX"), 0);
}

#[test]
fn a_wrong_password_is_said_in_words() {
    let Some((env, server, _)) = setup() else { return };
    let pw = env.write("wrong", "not-the-password\n");
    std::fs::set_permissions(&pw, std::fs::Permissions::from_mode(0o600)).unwrap();
    let config = env.write("wrong.toml", &server.config(&pw));
    let r = env.run_with(&env.db, &config, &["mail", "fetch", "--once"]);
    assert_eq!(r.code, 1, "{r}");
    assert!(r.stderr.contains("refused the login of \"pim\""), "{r}");
    assert!(!r.stderr.contains("not-the-password"), "{r}");
}

#[test]
fn mail_run_fetches_and_sends_until_sigterm_stops_it() {
    if !common::smtp::smtp_available() {
        return;
    }
    let Some((env, server, imap)) = setup() else { return };
    let port = common::smtp::free_port();
    let smtp = common::smtp::Smtp::start(port, &env.path("received"));
    let config = env.write(
        "run.toml",
        &format!(
            "{}[mail]\npoll_secs = 1\nacknowledge = true\n[mail.smtp]\nhost = \"localhost\"\nport = {port}\nsecurity = \"none\"\n",
            std::fs::read_to_string(&imap).unwrap()
        ),
    );
    server.add("a", &fixture("new_plain.eml", &[]));
    let mut child = env
        .command_with(&env.db, &config, &["mail", "run"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("mail run");
    let waited = std::time::Instant::now();
    // The mailed ticket is acknowledged: in from IMAP, out by SMTP, one round.
    while smtp.received().is_empty() && waited.elapsed() < std::time::Duration::from_secs(20) {
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    let got = smtp.received();
    assert_eq!(got.len(), 1, "no acknowledgement arrived");
    assert!(
        got[0].contains("Subject: [pim #1] Printer offline in exam room 2"),
        "{}",
        got[0]
    );
    assert!(got[0].contains("Auto-Submitted: auto-replied"), "{}", got[0]);
    assert_eq!(server.count("INBOX"), 0);
    let stopped = std::time::Instant::now();
    std::process::Command::new("kill")
        .arg(child.id().to_string())
        .status()
        .expect("kill");
    let status = child.wait().expect("wait");
    assert_eq!(status.code(), Some(0), "SIGTERM did not end mail run cleanly");
    assert!(stopped.elapsed() < std::time::Duration::from_secs(3));
    assert_eq!(smtp.received().len(), 1, "sent twice");
}

/// Over IMAPS (993 style) and STARTTLS (143), the server's certificate is
/// checked against `mail.imap.ca_file`'s private CA; without it, the fetch
/// stops with the reason before the password is sent, and the mail stays.
#[test]
fn mail_is_fetched_over_tls_and_starttls_from_a_server_signed_by_the_configured_ca() {
    let env = store();
    let Some(certs) = common::tls::certs(&env.path("tls")) else {
        return;
    };
    let Some(server) = Dovecot::start_tls(&env.path("dovecot"), &certs) else {
        return;
    };
    let pw = env.write("imap-password", &format!("{PASSWORD}\n"));
    std::fs::set_permissions(&pw, std::fs::Permissions::from_mode(0o600)).expect("chmod");
    server.add("a", &fixture("new_plain.eml", &[]));
    server.add("b", &fixture("html_only.eml", &[]));
    let tls_port = server.tls_port.expect("an IMAPS port");
    for (n, (mode, port)) in [("tls", tls_port), ("starttls", server.port)].into_iter().enumerate() {
        let imap = format!(
            "[mail.imap]\nhost = \"127.0.0.1\"\nport = {port}\nsecurity = \"{mode}\"\nuser = \"{}\"\npassword_file = \"{}\"\n",
            common::dovecot::USER,
            pw.display()
        );
        let untrusted = env.write("untrusted.toml", &imap);
        let r = env.run_with(&env.db, &untrusted, &["mail", "fetch", "--once"]);
        assert_ne!(r.code, 0, "{mode}: {r}");
        assert!(r.stderr.to_lowercase().contains("certificate"), "{mode}: {r}");
        assert_eq!(
            server.count("INBOX"),
            2 - n as u32,
            "{mode}: the mail stays in the mailbox"
        );
        let trusted = env.write("trusted.toml", &format!("{imap}ca_file = \"{}\"\n", certs.ca.display()));
        let r = env.run_with(&env.db, &trusted, &["mail", "fetch", "--once"]);
        r.expect_code(0).expect_no_panic();
        assert!(r.stdout.contains("opened"), "{mode}: {r}");
        if n == 0 {
            // The first round took both; give the second mode a message of its own.
            assert_eq!(ticket_count(&env), 2, "{r}");
            server.add("c", &fixture("new_plain.eml", &[("CAF1x8Qm2", "CAF1x8Qm3")]));
        }
    }
    assert_eq!(ticket_count(&env), 3);
    assert_eq!(server.count("pimdesk/done"), 3);
}
