//! 4. The console process in a pseudo-terminal: start to first frame, peak RSS, idle.

use std::io::{Read, Write};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};

use pimdesk::store::tickets::{page, Anchor, QueueQuery};
use pimdesk::store::OpenOptions;

use crate::report::{bench_dir, ms, Report};
use crate::BIN;

pub(crate) struct Screen {
    parser: vt100::Parser,
    bytes: usize,
    /// When the last output arrived.
    last_at: Option<Instant>,
    footer_at: Option<Instant>,
    pub(crate) data_at: Option<Instant>,
    /// Text that shows the first page has arrived (the newest open ticket's id).
    data_mark: String,
}

pub(crate) struct Pty {
    screen: Arc<Mutex<Screen>>,
    done: Arc<AtomicBool>,
    child: Box<dyn portable_pty::Child + Send + Sync>,
    writer: Box<dyn Write + Send>,
    _master: Box<dyn portable_pty::MasterPty + Send>,
    pid: u32,
    started: Instant,
}

pub(crate) fn launch(db: &Path, data_mark: &str) -> Result<Pty> {
    use portable_pty::{native_pty_system, CommandBuilder, PtySize};
    let size = PtySize {
        rows: 24,
        cols: 80,
        pixel_width: 0,
        pixel_height: 0,
    };
    let pair = native_pty_system().openpty(size).map_err(|e| anyhow::anyhow!("{e}"))?;
    let home = bench_dir().join("home");
    std::fs::create_dir_all(home.join("config"))?;
    let mut cmd = CommandBuilder::new(BIN);
    cmd.cwd(bench_dir());
    cmd.arg("--db");
    cmd.arg(db);
    cmd.env("TERM", "xterm-256color");
    cmd.env("HOME", &home);
    cmd.env("XDG_CONFIG_HOME", home.join("config"));
    cmd.env_remove("PIMDESK_NOW");
    cmd.env_remove("PIMDESK_CONFIG");
    cmd.env_remove("NO_COLOR");
    let screen = Arc::new(Mutex::new(Screen {
        parser: vt100::Parser::new(24, 80, 0),
        bytes: 0,
        last_at: None,
        footer_at: None,
        data_at: None,
        data_mark: data_mark.into(),
    }));
    let mut reader = pair.master.try_clone_reader().map_err(|e| anyhow::anyhow!("{e}"))?;
    let writer = pair.master.take_writer().map_err(|e| anyhow::anyhow!("{e}"))?;
    let started = Instant::now();
    let child = pair.slave.spawn_command(cmd).map_err(|e| anyhow::anyhow!("{e}"))?;
    drop(pair.slave);
    let pid = child.process_id().context("no pid")?;
    let done = Arc::new(AtomicBool::new(false));
    let (s, d) = (screen.clone(), done.clone());
    std::thread::spawn(move || {
        let mut buf = [0u8; 65536];
        while let Ok(n) = reader.read(&mut buf) {
            if n == 0 {
                break;
            }
            let now = Instant::now();
            let Ok(mut s) = s.lock() else { break };
            s.parser.process(&buf[..n]);
            s.bytes += n;
            s.last_at = Some(now);
            let rows: Vec<String> = s.parser.screen().rows(0, 80).collect();
            if s.footer_at.is_none() && rows.last().is_some_and(|l| l.contains("q quit")) {
                s.footer_at = Some(now);
            }
            if s.data_at.is_none() && rows.iter().any(|l| l.contains(&s.data_mark)) {
                s.data_at = Some(now);
            }
        }
        d.store(true, Ordering::SeqCst);
    });
    Ok(Pty {
        screen,
        done,
        child,
        writer,
        _master: pair.master,
        pid,
        started,
    })
}

/// The console repaints every row once a minute (ages and countdowns),
/// at its first tick of the minute: up to a second after the clock's
/// minute turns. A key timed then would count that repaint's bytes as its
/// own (a 60–90 ms "key" once a minute), so a timed key waits until the
/// repaint is past. Keys not timed are sent whenever they come.
fn clear_of_the_minute(pty: &Pty) {
    let ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() % 60_000) as u64;
    let (before, after) = (59_700, 1_300);
    if ms >= before || ms < after {
        let wait = if ms >= before { 60_000 - ms + after } else { after - ms };
        std::thread::sleep(Duration::from_millis(wait));
        pty.settle(Duration::from_millis(80), Duration::from_secs(3));
    }
}

impl Pty {
    pub(crate) fn wait_for(&self, what: impl Fn(&Screen) -> bool, limit: Duration) -> bool {
        let end = Instant::now() + limit;
        while Instant::now() < end {
            if self.screen.lock().is_ok_and(|s| what(&s)) {
                return true;
            }
            std::thread::sleep(Duration::from_millis(2));
        }
        false
    }

    fn bytes(&self) -> usize {
        self.screen.lock().map_or(0, |s| s.bytes)
    }

    /// Sends keys, waits until the output has been quiet for 80 ms, and
    /// returns how long after the write the last output came (zero when
    /// the keys drew nothing).
    pub(crate) fn timed(&mut self, keys: &str) -> Duration {
        clear_of_the_minute(self);
        let t0 = Instant::now();
        self.send(keys);
        let last = self.screen.lock().ok().and_then(|s| s.last_at);
        last.map_or(Duration::ZERO, |at| at.saturating_duration_since(t0))
    }

    /// The screen's text, for a failure's message.
    pub(crate) fn text(&self) -> String {
        self.screen
            .lock()
            .map(|s| s.parser.screen().contents())
            .unwrap_or_default()
    }

    /// Sends keys and waits until the output has been quiet for a while.
    pub(crate) fn send(&mut self, keys: &str) {
        let _ = self.writer.write_all(keys.as_bytes());
        let _ = self.writer.flush();
        self.settle(Duration::from_millis(80), Duration::from_secs(3));
    }

    pub(crate) fn settle(&self, quiet: Duration, limit: Duration) {
        let end = Instant::now() + limit;
        let (mut last, mut since) = (self.bytes(), Instant::now());
        while Instant::now() < end {
            std::thread::sleep(Duration::from_millis(10));
            let b = self.bytes();
            if b != last {
                (last, since) = (b, Instant::now());
            } else if since.elapsed() >= quiet {
                return;
            }
        }
    }

    pub(crate) fn quit(mut self) {
        let _ = self.writer.write_all(b"q");
        let _ = self.writer.flush();
        let end = Instant::now() + Duration::from_secs(5);
        while Instant::now() < end && !self.done.load(Ordering::SeqCst) {
            std::thread::sleep(Duration::from_millis(5));
        }
        if !matches!(self.child.try_wait(), Ok(Some(_))) {
            let _ = self.child.kill();
        }
        let _ = self.child.wait();
    }

    pub(crate) fn proc_status(&self, key: &str) -> Option<f64> {
        let text = std::fs::read_to_string(format!("/proc/{}/status", self.pid)).ok()?;
        let line = text.lines().find(|l| l.starts_with(key))?;
        line.split_whitespace().nth(1)?.parse().ok()
    }

    /// utime + stime in ms.
    fn cpu_ms(&self) -> f64 {
        let text = std::fs::read_to_string(format!("/proc/{}/stat", self.pid)).unwrap_or_default();
        let after = text.rsplit_once(") ").map_or("", |(_, a)| a);
        let f: Vec<f64> = after.split_whitespace().map(|x| x.parse().unwrap_or(0.0)).collect();
        // SAFETY: sysconf has no preconditions.
        let tck = unsafe { libc::sysconf(libc::_SC_CLK_TCK) }.max(1) as f64;
        (f.get(11).unwrap_or(&0.0) + f.get(12).unwrap_or(&0.0)) * 1000.0 / tck
    }
}

/// The newest open ticket's id: its text on screen says the first page came.
pub(crate) fn first_page_mark(db: &Path) -> Result<String> {
    let conn = pimdesk::store::open_read_only(db, &OpenOptions::default())?;
    let newest = page(&conn, &QueueQuery::default(), &Anchor::Start, 1)?;
    newest.first().map(|t| t.id.to_string()).context("no open ticket")
}

pub fn console_process(r: &mut Report, db: &Path) -> Result<()> {
    let mark = first_page_mark(db)?;
    let (mut footer, mut data) = (Vec::new(), Vec::new());
    for _ in 0..5 {
        let pty = launch(db, &mark)?;
        let seen = pty.wait_for(
            |s| s.footer_at.is_some() && s.data_at.is_some(),
            Duration::from_secs(10),
        );
        if !seen {
            let text = pty
                .screen
                .lock()
                .map(|s| s.parser.screen().contents())
                .unwrap_or_default();
            pty.quit();
            bail!("the console did not draw its first frame within 10 s; screen:\n{text}");
        }
        if let Ok(s) = pty.screen.lock() {
            footer.push(s.footer_at.map_or(Duration::MAX, |t| t - pty.started));
            data.push(s.data_at.map_or(Duration::MAX, |t| t - pty.started));
        }
        pty.settle(Duration::from_millis(100), Duration::from_secs(2));
        pty.quit();
    }
    r.note(format!(
        "console: the release binary in a portable-pty at 80x24 (TERM=xterm-256color, built-in config, real clock) on {}, output parsed by vt100",
        db.display()
    ));
    let median = |v: &mut Vec<Duration>| {
        v.sort();
        v[v.len() / 2].as_secs_f64() * 1000.0
    };
    let (f, d) = (median(&mut footer), median(&mut data));
    r.row(
        "process start → first full frame (footer \"q quit\" drawn), median of 5",
        ms(f),
        "≤ 100 ms",
        None,
        f,
        Some(f <= 100.0),
    );
    r.row(
        "process start → first frame with the queue's rows, median of 5",
        ms(d),
        "≤ 100 ms",
        None,
        d,
        Some(d <= 100.0),
    );
    session(r, db, &mark)
}

/// A scripted session, then peak RSS, then idle bytes and CPU on the Queue and SLA tabs.
fn session(r: &mut Report, db: &Path, mark: &str) -> Result<()> {
    let mut pty = launch(db, mark)?;
    pty.wait_for(|s| s.data_at.is_some(), Duration::from_secs(10));
    let script: Vec<&str> = [vec!["j"; 40], vec![" "; 20], vec!["G", "g"], vec!["s"; 5], vec!["v"; 6]].concat();
    for k in script {
        pty.send(k);
    }
    for k in [
        "/", "p", "r", "i", "n", "t", "e", "r", " ", "o", "f", "f", "l", "i", "n", "e", "\r", "j", "\x1b",
    ] {
        pty.send(k);
    }
    for k in ["2", "j", "3", "4", "1", "\t", "\t", "\t", "\t"] {
        pty.send(k);
    }
    let hwm = pty.proc_status("VmHWM:").unwrap_or(f64::NAN) / 1024.0;
    r.row(
        "console peak RSS (VmHWM after a scripted session)",
        format!("{hwm:.1} MB"),
        "≤ 50 MB",
        None,
        0.0,
        Some(hwm <= 50.0),
    );
    let idle = |pty: &Pty| {
        pty.settle(Duration::from_millis(300), Duration::from_secs(3));
        let (b0, c0) = (pty.bytes(), pty.cpu_ms());
        std::thread::sleep(Duration::from_secs(3));
        (pty.bytes() - b0, pty.cpu_ms() - c0)
    };
    let (b, c) = idle(&pty);
    let text = format!("{b} B and {c:.0} ms CPU in 3 s");
    r.row(
        "idle on the Queue tab (3 s, nothing changes)",
        text,
        "~0",
        None,
        0.0,
        Some(b == 0 && c <= 20.0),
    );
    pty.send("2");
    let (b, c) = idle(&pty);
    let text = format!("{:.0} B/s, {c:.0} ms CPU in 3 s", b as f64 / 3.0);
    r.row(
        "idle on the SLA tab (3 s, countdown ticking)",
        text,
        "only changed cells",
        None,
        0.0,
        None,
    );
    pty.quit();
    r.note("session: j×40, Space×20, G, g, s×5, v×6, /printer offline⏎, j, Esc, 2, j, 3, 4, 1, Tab×4; each key after the screen settles (80 ms quiet); idle: bytes read from the pty and /proc/PID/stat utime+stime".into());
    Ok(())
}
