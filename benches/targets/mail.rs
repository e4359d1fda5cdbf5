//! Mail: `mail deliver` messages per second into a copy of the 1M store (one
//! whole process per message, as an MTA pipe runs it; each a new ticket from
//! one of 50 contacts), and the time from a committed note to the SMTP
//! server having its message (`ticket note`, then `mail send --once`, to
//! aiosmtpd on loopback: tests/smtp_sink.py).

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result};

use crate::invoice::copy_store;
use crate::process::{checked, pimdesk, run_measured};
use crate::report::{bench_dir, ms, Report, Stats};

const MESSAGES: usize = 200;
const NOTES: usize = 20;

pub fn mail(r: &mut Report, db: &Path) -> Result<()> {
    let copy = bench_dir().join("mail-1m.db");
    copy_store(db, &copy)?;
    deliver(r, &copy)?;
    note_to_server(r, &copy)
}

/// Contacts who may submit tickets, with an address.
fn senders(db: &Path, n: usize) -> Result<Vec<String>> {
    let conn = rusqlite::Connection::open(db)?;
    let mut stmt = conn.prepare("SELECT email FROM contacts WHERE email LIKE '%@%' ORDER BY id LIMIT ?1")?;
    let rows = stmt
        .query_map([n as i64], |r| r.get(0))?
        .collect::<rusqlite::Result<Vec<String>>>()?;
    Ok(rows)
}

fn deliver(r: &mut Report, db: &Path) -> Result<()> {
    let from = senders(db, 50)?;
    anyhow::ensure!(!from.is_empty(), "the demo store has no contacts with an address");
    let mut each = Vec::with_capacity(MESSAGES);
    let started = Instant::now();
    for i in 0..MESSAGES {
        let message = format!(
            "From: <{}>\r\nTo: support@proactive-info.com\r\nSubject: Bench request {i}\r\nMessage-ID: <bench-{i}-{}@bench.test>\r\nDate: Wed, 25 Nov 2026 10:00:00 -0500\r\n\r\nThe printer in room {i} is offline again.\r\n",
            from[i % from.len()],
            std::process::id()
        );
        let mut c = pimdesk(db);
        c.args(["mail", "deliver"]);
        let m = checked(run_measured(c, Some(message.into_bytes()))?, "mail deliver")?;
        each.push(m.wall);
    }
    let secs = started.elapsed().as_secs_f64();
    let s = Stats::of(each);
    r.row(
        &format!(
            "`mail deliver`, {MESSAGES} new tickets by mail into the 1M store (one process each; {})",
            s.show()
        ),
        format!("{:.0} messages/s", MESSAGES as f64 / secs),
        "—",
        None,
        s.p50,
        None,
    );
    Ok(())
}

/// The SMTP server of the benchmark, stopped when dropped.
struct Sink(std::process::Child);

impl Drop for Sink {
    fn drop(&mut self) {
        drop(self.0.stdin.take());
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn sink(port: u16, dir: &Path) -> Result<Option<Sink>> {
    let python = if Path::new("/usr/bin/python3").exists() {
        "/usr/bin/python3"
    } else {
        "python3"
    };
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/smtp_sink.py");
    let Ok(mut child) = Command::new(python)
        .arg(script)
        .arg(port.to_string())
        .arg(dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
    else {
        return Ok(None);
    };
    let mut line = String::new();
    BufReader::new(child.stdout.take().context("stdout")?).read_line(&mut line)?;
    Ok((line.trim() == "ready").then_some(Sink(child)))
}

fn note_to_server(r: &mut Report, db: &Path) -> Result<()> {
    let dir = bench_dir().join("mail-received");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir)?;
    let port = std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
    let Some(_server) = sink(port, &dir)? else {
        r.note("mail: aiosmtpd not found (python3-aiosmtpd), note → SMTP server skipped".into());
        return Ok(());
    };
    let config = bench_dir().join("mail-bench.toml");
    std::fs::write(
        &config,
        format!("[mail.smtp]\nhost = \"127.0.0.1\"\nport = {port}\nsecurity = \"none\"\n"),
    )?;
    // Tickets opened by the deliveries above: their contact is the sender.
    let conn = rusqlite::Connection::open(db)?;
    let ticket: i64 = conn.query_row("SELECT max(id) FROM tickets WHERE source = 'email'", [], |r| r.get(0))?;
    drop(conn);
    let (mut totals, mut notes, mut sends) = (Vec::new(), Vec::new(), Vec::new());
    for i in 0..NOTES {
        let mut note = pimdesk(db);
        note.arg("--config").arg(&config);
        note.args([
            "ticket",
            "note",
            &ticket.to_string(),
            "--text",
            &format!("Bench answer {i}"),
        ]);
        let n = checked(run_measured(note, None)?, "ticket note")?;
        let mut send = pimdesk(db);
        send.arg("--config").arg(&config);
        send.args(["mail", "send", "--once"]);
        let s = checked(run_measured(send, None)?, "mail send --once")?;
        let deadline = Instant::now() + Duration::from_secs(5);
        while count(&dir) < i + 1 && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(1));
        }
        anyhow::ensure!(count(&dir) == i + 1, "the SMTP server did not get note {i}'s mail");
        notes.push(n.wall);
        sends.push(s.wall);
        totals.push(n.wall + s.wall);
    }
    let (n, s, t) = (Stats::of(notes), Stats::of(sends), Stats::of(totals));
    r.row(
        &format!(
            "a committed note → the SMTP server has its mail (`ticket note` {} + `mail send --once` {}; aiosmtpd on loopback; {})",
            ms(n.p50),
            ms(s.p50),
            t.show()
        ),
        ms(t.p50),
        "—",
        None,
        t.p50,
        None,
    );
    Ok(())
}

fn count(dir: &Path) -> usize {
    std::fs::read_dir(dir).map_or(0, |d| {
        d.filter_map(|e| e.ok())
            .filter(|e| e.path().extension().is_some_and(|x| x == "eml"))
            .count()
    })
}
