//! `pimdesk mail send` against a real SMTP server on loopback (aiosmtpd,
//! `tests/smtp_sink.py`, which writes what it receives to disk): a note's
//! mail arrives threaded, once; a server that is down is retried with
//! backoff; a permanent refusal is recorded in the server's words.
//! Without python3-aiosmtpd these tests say "skipped" and pass, unless
//! PIMDESK_REQUIRE_TOOLS is set (CI), where they fail.

mod common;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use common::cli::{Env, Run};
use common::mail::{deliver, fixture, outbox, store};

/// The SMTP server of one test; stopped when dropped.
struct Smtp {
    child: Child,
    dir: PathBuf,
}

impl Smtp {
    fn start(port: u16, dir: &Path) -> Smtp {
        std::fs::create_dir_all(dir).expect("mail dir");
        let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/smtp_sink.py");
        let mut child = Command::new(python())
            .arg(script)
            .arg(port.to_string())
            .arg(dir)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start the SMTP server");
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("stdout"))
            .read_line(&mut line)
            .expect("read ready");
        assert_eq!(line.trim(), "ready", "the SMTP server did not start");
        Smtp {
            child,
            dir: dir.to_path_buf(),
        }
    }

    /// The messages received so far, in arrival order.
    fn received(&self) -> Vec<String> {
        let mut names: Vec<PathBuf> = std::fs::read_dir(&self.dir)
            .expect("mail dir")
            .map(|e| e.expect("entry").path())
            .filter(|p| p.extension().is_some_and(|e| e == "eml"))
            .collect();
        names.sort();
        names
            .iter()
            .map(|p| String::from_utf8_lossy(&std::fs::read(p).expect("read mail")).into_owned())
            .collect()
    }
}

impl Drop for Smtp {
    fn drop(&mut self) {
        drop(self.child.stdin.take());
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Debian's python3-aiosmtpd is a module of the system's Python, which a
/// python3 of one's own earlier on PATH (pyenv) does not see.
fn python() -> &'static str {
    if Path::new("/usr/bin/python3").exists() {
        "/usr/bin/python3"
    } else {
        "python3"
    }
}

/// aiosmtpd is not on every machine: CI installs python3-aiosmtpd and sets
/// PIMDESK_REQUIRE_TOOLS=1, so there a missing server fails instead.
fn smtp_available() -> bool {
    let found = Command::new(python())
        .args(["-c", "import aiosmtpd"])
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !found {
        assert!(
            std::env::var_os("PIMDESK_REQUIRE_TOOLS").is_none(),
            "python3-aiosmtpd is required here (PIMDESK_REQUIRE_TOOLS is set) but not installed"
        );
        let _ = std::io::Write::write_all(&mut std::io::stderr(), b"skipped: python3-aiosmtpd is not installed\n");
    }
    found
}

/// A loopback port nothing listens on right now.
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("addr")
        .port()
}

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
    // Failed is final: a later run does not try again.
    send(&env, &config, "2026-11-26T14:01:00-05:00").expect_code(0);
    assert_eq!(outbox(&env)[0]["attempts"], 1);
    assert!(server.received().is_empty());
}
