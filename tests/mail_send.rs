//! `pimdesk mail send` against a real SMTP server on loopback (aiosmtpd,
//! `tests/smtp_sink.py`, which writes what it receives to disk): a note's
//! mail arrives threaded, once; a server that is down is retried with
//! backoff; a permanent refusal is recorded in the server's words.
//! Without python3-aiosmtpd these tests say "skipped" and pass, unless
//! PIMDESK_REQUIRE_TOOLS is set (CI), where they fail.

mod common;

use std::path::{Path, PathBuf};

use common::cli::{Env, Run};
use common::mail::{deliver, fixture, outbox, store};
use common::smtp::{free_port, smtp_available, Smtp};

/// A store with ticket #1 from Dana's mail and a config sending to `port`.
fn setup(port: u16) -> (Env, PathBuf) {
    let env = store();
    deliver(&env, &fixture("new_plain.eml", &[])).expect_code(0);
    let config = env.write(
        "smtp.toml",
        &format!("[mail.smtp]\nhost = \"127.0.0.1\"\nport = {port}\nsecurity = \"none\"\n"),
    );
    (env, config)
}

fn send(env: &Env, config: &Path, now: &str) -> Run {
    let mut c = env.command_with(&env.db, config, &["mail", "send", "--once"]);
    c.env("PIMDESK_NOW", now);
    common::cli::run(c)
}

#[test]
fn a_notes_mail_waits_for_a_server_that_is_down_and_arrives_once_threaded() {
    if !smtp_available() {
        return;
    }
    let port = free_port();
    let (env, config) = setup(port);
    env.run_with(
        &env.db,
        &config,
        &["ticket", "note", "1", "--text", "Could you print a test page?"],
    )
    .expect_code(0);
    // Nothing listens yet: a temporary failure, retried a minute later.
    let down = send(&env, &config, "2026-11-25T14:01:00-05:00");
    assert_eq!(down.code, 1, "{down}");
    assert!(down.stderr.contains("will retry"), "{down}");
    let row = outbox(&env)[0].clone();
    assert_eq!(row["status"], "queued");
    assert_eq!(row["attempts"], 1);
    let t = common::mail::ticket(&env, 1);
    let said = t["mail"][0]["said"].as_str().unwrap();
    assert!(
        said.starts_with("mail to dana.ruiz@acme.test not sent yet (1 attempts)"),
        "{t}"
    );
    assert_eq!(row["next_attempt"], "2026-11-25T14:02:00-05:00");
    assert!(
        row["last_error"].as_str().unwrap().to_lowercase().contains("connect"),
        "{row}"
    );
    let server = Smtp::start(port, &env.path("received"));
    // Before the backoff is over nothing is sent.
    send(&env, &config, "2026-11-25T14:01:30-05:00").expect_code(0);
    assert!(server.received().is_empty());
    let up = send(&env, &config, "2026-11-25T14:02:00-05:00");
    up.expect_code(0);
    assert!(up.stdout.contains("sent mail 1 to dana.ruiz@acme.test"), "{up}");
    send(&env, &config, "2026-11-25T15:00:00-05:00").expect_code(0);
    let got = server.received();
    assert_eq!(got.len(), 1, "the note's mail arrived {} times", got.len());
    let mail = &got[0];
    let row = outbox(&env)[0].clone();
    assert_eq!(row["status"], "sent");
    assert_eq!(row["attempts"], 2);
    let id = row["message_id"].as_str().unwrap();
    assert!(mail.contains(&format!("Message-ID: <{id}>")), "{mail}");
    assert!(
        mail.contains("Subject: [pim #1] Printer offline in exam room 2"),
        "{mail}"
    );
    assert!(mail.contains("In-Reply-To: <CAF1x8Qm2@mail.acme.test>"), "{mail}");
    assert!(mail.contains("References: <CAF1x8Qm2@mail.acme.test>"), "{mail}");
    assert!(mail.contains("Reply-To: support@proactive-info.com"), "{mail}");
    assert!(mail.contains("To: dana.ruiz@acme.test"), "{mail}");
    assert!(mail.contains("Could you print a test page?"), "{mail}");
    assert!(!mail.contains("Auto-Submitted"), "{mail}");
    // The client answers that very mail: it threads back onto ticket #1.
    let reply = format!(
        "From: Dana Ruiz <dana.ruiz@acme.test>\r\nSubject: Re: test page\r\nMessage-ID: <answer-1@acme.test>\r\nIn-Reply-To: <{id}>\r\n\r\nPrinted fine.\r\n"
    );
    let r = deliver(&env, reply.as_bytes());
    assert!(r.stdout.contains("note on ticket #1"), "{r}");
}

#[test]
fn a_permanent_refusal_is_failed_with_the_servers_words() {
    if !smtp_available() {
        return;
    }
    let port = free_port();
    let (env, config) = setup(port);
    let server = Smtp::start(port, &env.path("received"));
    let conn = rusqlite::Connection::open(&env.db).unwrap();
    conn.execute(
        "UPDATE contacts SET email = 'reject.dana@acme.test' WHERE name = 'Dana Ruiz'",
        [],
    )
    .unwrap();
    drop(conn);
    env.run_with(&env.db, &config, &["ticket", "note", "1", "--text", "Fixed."])
        .expect_code(0);
    env.run_with(
        &env.db,
        &config,
        &["ticket", "note", "1", "--text", "Internal only", "--internal"],
    )
    .expect_code(0);
    let r = send(&env, &config, "2026-11-25T14:01:00-05:00");
    assert_eq!(r.code, 1, "{r}");
    let rows = outbox(&env);
    assert_eq!(rows.len(), 1, "an internal note was mailed: {rows:?}");
    assert_eq!(rows[0]["status"], "failed");
    assert!(
        rows[0]["last_error"].as_str().unwrap().contains("User unknown"),
        "{:?}",
        rows[0]
    );
    let text = env.run(&["mail", "outbox"]);
    assert!(
        text.stdout.contains("failed") && text.stdout.contains("User unknown"),
        "{text}"
    );
    // The ticket says so too.
    let show = env.run(&["ticket", "show", "1"]);
    assert!(show.stdout.contains("mail to reject.dana@acme.test failed: "), "{show}");
    assert!(show.stdout.contains("User unknown"), "{show}");
    // Failed is final: a later run does not try again.
    send(&env, &config, "2026-11-26T14:01:00-05:00").expect_code(0);
    assert_eq!(outbox(&env)[0]["attempts"], 1);
    assert!(server.received().is_empty());
}

/// `mail.sendmail` hands each mail to a program with sendmail's interface
/// (`-i`, the envelope sender, `--`, the recipients; the message on stdin),
/// as on a shared host. The program here records what it was given, as the
/// MTA's sendmail would queue it.
#[test]
fn a_sendmail_program_gets_the_message_and_its_recipient() {
    let env = store();
    deliver(&env, &fixture("new_plain.eml", &[])).expect_code(0);
    let got = env.path("sendmail-got");
    let program = env.write(
        "sendmail",
        &format!(
            "#!/bin/sh\nprintf '%s\\n' \"$@\" > {0}.args\ncat > {0}.eml\n",
            got.display()
        ),
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&program, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let config = env.write(
        "sendmail.toml",
        &format!("[mail]\nsendmail = \"{} -t -i\"\n", program.display()),
    );
    env.run_with(
        &env.db,
        &config,
        &["ticket", "note", "1", "--text", "Sent by sendmail."],
    )
    .expect_code(0);
    let r = send(&env, &config, "2026-11-25T14:01:00-05:00");
    r.expect_code(0);
    let args = std::fs::read_to_string(format!("{}.args", got.display())).expect("the program ran");
    let args: Vec<&str> = args.lines().collect();
    assert!(args.contains(&"-i"), "{args:?}");
    assert!(args.contains(&"dana.ruiz@acme.test"), "{args:?}");
    assert!(
        args.contains(&"support@proactive-info.com"),
        "the envelope sender: {args:?}"
    );
    let mail = std::fs::read_to_string(format!("{}.eml", got.display())).unwrap();
    assert!(
        mail.contains("Subject: [pim #1] Printer offline in exam room 2"),
        "{mail}"
    );
    assert!(mail.contains("Sent by sendmail."), "{mail}");
    assert_eq!(outbox(&env)[0]["status"], "sent");
}

/// Over STARTTLS (port 587 style) and TLS from the first byte (465), the
/// server's certificate is checked: signed by the private CA of
/// `mail.smtp.ca_file` it is trusted; without that file it is not, and the
/// mail waits with the reason, never sent in the clear.
#[test]
fn mail_goes_over_starttls_and_tls_to_a_server_signed_by_the_configured_ca() {
    if !smtp_available() {
        return;
    }
    for mode in ["starttls", "tls"] {
        let port = free_port();
        let env = store();
        let Some(certs) = common::tls::certs(&env.path("tls")) else {
            return;
        };
        deliver(&env, &fixture("new_plain.eml", &[])).expect_code(0);
        let server = Smtp::start_tls(port, &env.path("received"), mode, &certs);
        let smtp = format!("[mail.smtp]\nhost = \"127.0.0.1\"\nport = {port}\nsecurity = \"{mode}\"\n");
        let untrusted = env.write("untrusted.toml", &smtp);
        env.run_with(&env.db, &untrusted, &["ticket", "note", "1", "--text", "Over TLS."])
            .expect_code(0);
        let r = send(&env, &untrusted, "2026-11-25T14:01:00-05:00");
        assert_eq!(r.code, 1, "{mode}: {r}");
        let err = outbox(&env)[0]["last_error"].as_str().unwrap_or("").to_lowercase();
        assert!(err.contains("certificate"), "{mode}: {err}");
        assert!(server.received().is_empty(), "{mode}: sent to an untrusted server");
        let ca = certs.ca.display();
        let trusted = env.write("trusted.toml", &format!("{smtp}ca_file = \"{ca}\"\n"));
        let r = send(&env, &trusted, "2026-11-25T14:05:00-05:00");
        r.expect_code(0);
        let got = server.received();
        assert_eq!(got.len(), 1, "{mode}: {r}");
        assert!(got[0].contains("Over TLS."), "{mode}: {}", got[0]);
    }
}
