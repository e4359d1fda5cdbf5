//! End-to-end harness: the real `pimdesk` binary in a pseudo-terminal.
//!
//! * [`Fixture`] is a throwaway world for one or more launches: a temp dir
//!   holding HOME and the XDG dirs, an empty config file (valid: built-in
//!   defaults) named by `PIMDESK_CONFIG`, and a store path. [`Fixture::demo`]
//!   fills the store with `pimdesk demo --tickets 2000 --seed 3` (a plain
//!   process, not the pty). The time is frozen by `PIMDESK_NOW` at [`NOW`], a
//!   Wednesday within business hours. The child's environment is built from
//!   scratch (nothing leaks in from the test runner: no `NO_COLOR`, no
//!   `PIMDESK_*`) unless a test passes it explicitly.
//! * [`Console`] runs the console on a fixture in a pty (TERM=xterm-256color).
//!   A reader thread feeds every byte the program writes into a
//!   [`vt100::Parser`] and keeps a copy of the raw bytes, so a test can look at
//!   the screen as a person would *and* at exactly what reached the terminal.
//!
//! Keys are plain bytes: `"j"`, `"\t"` (Tab), `"\x1b[Z"` (Shift-Tab), `"\r"`
//! (Enter), `"\x1b"` (Esc), `"?"`. Wait for the screen to change between keys:
//! a lone Esc followed at once by another key may be read as Alt-key.
//!
//! Dropping a `Console` kills a still-running child (SIGKILL) and reaps it.

#![allow(dead_code)]

use std::fs::File;
use std::io::{Read, Write};
use std::os::fd::{AsRawFd, FromRawFd};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use portable_pty::{native_pty_system, Child, CommandBuilder, MasterPty, PtySize};

pub use portable_pty::ExitStatus;

/// The frozen "now" of every launch: Wednesday 10:00 in New York.
pub const NOW: &str = "2026-11-25T10:00:00-05:00";
/// How often waits look at the screen.
pub const POLL: Duration = Duration::from_millis(20);
/// A generous default for waits that should succeed quickly.
pub const TIMEOUT: Duration = Duration::from_secs(5);
/// How long the output must stay unchanged before a wait trusts the screen.
pub const QUIET: Duration = Duration::from_millis(60);
/// After the child exits, how long to wait for its last bytes to be read.
const DRAIN: Duration = Duration::from_secs(2);

/// The binary under test.
pub fn binary() -> &'static str {
    env!("CARGO_BIN_EXE_pimdesk")
}

/// A temp dir with HOME, XDG dirs, an empty config and a store path.
pub struct Fixture {
    dir: tempfile::TempDir,
    /// The store (`--db`); absent until something creates it.
    pub db: PathBuf,
    /// The config file named by `PIMDESK_CONFIG`; empty (defaults) at first.
    pub config: PathBuf,
}

impl Fixture {
    /// An empty config and no store yet.
    pub fn new() -> Fixture {
        let dir = tempfile::tempdir().expect("temp dir");
        for sub in ["home", "config", "data", "state", "cache", "tmp"] {
            std::fs::create_dir_all(dir.path().join(sub)).expect("fixture dir");
        }
        let config = dir.path().join("config.toml");
        std::fs::write(&config, "").expect("empty config");
        let db = dir.path().join("pimdesk.db");
        Fixture { dir, db, config }
    }

    /// A store filled with 2000 demo tickets (seed 3) at [`NOW`]. `pimdesk demo`
    /// runs once per build of the binary (the store is kept under cargo's
    /// target/tmp, keyed by the binary's size and time); each test gets its
    /// own copy of it.
    pub fn demo() -> Fixture {
        let template = demo_template();
        let f = Fixture::new();
        std::fs::copy(&template, &f.db).expect("copy the demo store");
        f
    }

    /// The fixture's directory.
    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Replaces the config file's text.
    pub fn write_config(&self, toml: &str) {
        std::fs::write(&self.config, toml).expect("write config");
    }

    /// The base environment of every launch (tests may add or override).
    pub fn env(&self) -> Vec<(String, String)> {
        let p = |sub: &str| self.path().join(sub).to_string_lossy().into_owned();
        let path = std::env::var("PATH").unwrap_or_else(|_| "/usr/local/bin:/usr/bin:/bin".into());
        vec![
            ("PATH".into(), path),
            ("TERM".into(), "xterm-256color".into()),
            ("LANG".into(), "C.UTF-8".into()),
            ("HOME".into(), p("home")),
            ("XDG_CONFIG_HOME".into(), p("config")),
            ("XDG_DATA_HOME".into(), p("data")),
            ("XDG_STATE_HOME".into(), p("state")),
            ("XDG_CACHE_HOME".into(), p("cache")),
            ("TMPDIR".into(), p("tmp")),
            ("PIMDESK_NOW".into(), NOW.into()),
            ("PIMDESK_CONFIG".into(), self.config.to_string_lossy().into_owned()),
        ]
    }

    /// `pimdesk ticket show ID --json` on the fixture's store.
    pub fn show_json(&self, id: u32) -> serde_json::Value {
        let out = self
            .command()
            .args(["ticket", "show", &id.to_string(), "--json"])
            .output()
            .expect("run ticket show");
        assert!(
            out.status.success(),
            "ticket show: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).expect("ticket show --json prints JSON")
    }

    /// A plain (non-pty) `pimdesk --db DB` with the fixture's environment.
    pub fn command(&self) -> std::process::Command {
        let mut cmd = std::process::Command::new(binary());
        cmd.env_clear().envs(self.env()).current_dir(self.path());
        cmd.arg("--db").arg(&self.db);
        cmd
    }
}

/// The demo store of [`Fixture::demo`], made when this build has none yet.
fn demo_template() -> PathBuf {
    static TEMPLATE: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    TEMPLATE
        .get_or_init(|| {
            let meta = std::fs::metadata(binary()).expect("the pimdesk binary");
            let built = meta
                .modified()
                .ok()
                .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                .map_or(0, |d| d.as_nanos());
            let path = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("pty-demo-{}-{built}.db", meta.len()));
            if path.exists() {
                return path;
            }
            let f = Fixture::new();
            let out = f
                .command()
                .args(["demo", "--tickets", "2000", "--seed", "3"])
                .output()
                .expect("run pimdesk demo");
            assert!(
                out.status.success(),
                "pimdesk demo failed: {}\n{}",
                out.status,
                String::from_utf8_lossy(&out.stderr)
            );
            // One file: closing the last connection folds the write-ahead log
            // into the store. It is copied under a private name and renamed, so
            // test binaries running at once never see half of it.
            let conn = rusqlite::Connection::open(&f.db).expect("open the demo store");
            conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE)")
                .expect("fold the log into the store");
            drop(conn);
            assert!(
                !Path::new(&format!("{}-wal", f.db.display())).exists(),
                "the log was folded in"
            );
            let tmp = path.with_extension(format!("{}.tmp", std::process::id()));
            std::fs::copy(&f.db, &tmp).expect("keep the demo store");
            std::fs::rename(&tmp, &path).expect("keep the demo store");
            path
        })
        .clone()
}

/// What the reader thread collects.
struct Term {
    parser: vt100::Parser,
    raw: Vec<u8>,
}

struct Shared {
    term: Mutex<Term>,
    /// Asks the reader thread to stop (hang-up, drop).
    stop: AtomicBool,
    /// The reader saw end of file or an error: the slave side is closed.
    eof: AtomicBool,
}

/// The console running in a pseudo-terminal.
pub struct Console {
    fixture: Arc<Fixture>,
    child: Box<dyn Child + Send + Sync>,
    pid: u32,
    /// `None` after [`Console::hangup`].
    master: Option<Box<dyn MasterPty + Send>>,
    /// Our own duplicate of the master fd for keys. (portable-pty's writer
    /// types "\n" and EOF when dropped, which a raw-mode program would read as
    /// keys: a hang-up must not type anything.)
    writer: Option<File>,
    shared: Arc<Shared>,
    reader: Option<JoinHandle<()>>,
    status: Option<ExitStatus>,
    cols: u16,
    rows: u16,
}

impl Console {
    /// `pimdesk --db DB ARGS` on a fresh [`Fixture::demo`] store, with extra
    /// environment `env` (added to, or overriding, [`Fixture::env`]).
    pub fn spawn(args: &[&str], env: &[(&str, &str)], cols: u16, rows: u16) -> Console {
        Console::spawn_in(Arc::new(Fixture::demo()), args, env, cols, rows)
    }

    /// Like [`Console::spawn`] on a given fixture (e.g. a second launch on the
    /// same store).
    pub fn spawn_in(fixture: Arc<Fixture>, args: &[&str], env: &[(&str, &str)], cols: u16, rows: u16) -> Console {
        let db = fixture.db.to_string_lossy().into_owned();
        let mut all = vec!["--db", db.as_str()];
        all.extend_from_slice(args);
        Console::spawn_program(fixture, binary(), &all, env, cols, rows)
    }

    /// Any program (e.g. `/bin/sh` for the harness's own tests) in the pty,
    /// in the fixture's directory and environment, with exactly `args`.
    pub fn spawn_program(
        fixture: Arc<Fixture>,
        program: &str,
        args: &[&str],
        env: &[(&str, &str)],
        cols: u16,
        rows: u16,
    ) -> Console {
        let pair = native_pty_system()
            .openpty(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("open a pty");
        let mut cmd = CommandBuilder::new(program);
        cmd.env_clear();
        for (k, v) in fixture.env() {
            cmd.env(k, v);
        }
        for (k, v) in env {
            cmd.env(k, v);
        }
        cmd.cwd(fixture.path());
        cmd.args(args);
        let child = pair
            .slave
            .spawn_command(cmd)
            .unwrap_or_else(|e| panic!("spawn {program} in the pty: {e}"));
        // Only the child may hold the slave: then its exit (or ours closing
        // the master) is seen as a hang-up on the other side.
        drop(pair.slave);
        let pid = child.process_id().expect("child pid");
        let master = pair.master;
        let fd = master.as_raw_fd().expect("master fd");
        let shared = Arc::new(Shared {
            term: Mutex::new(Term {
                parser: vt100::Parser::new(rows, cols, 0),
                raw: Vec::new(),
            }),
            stop: AtomicBool::new(false),
            eof: AtomicBool::new(false),
        });
        let reader_file = dup(fd);
        let s = Arc::clone(&shared);
        let reader = std::thread::Builder::new()
            .name("pty-reader".into())
            .spawn(move || read_loop(reader_file, &s))
            .expect("reader thread");
        Console {
            fixture,
            child,
            pid,
            master: Some(master),
            writer: Some(dup(fd)),
            shared,
            reader: Some(reader),
            status: None,
            cols,
            rows,
        }
    }

    pub fn fixture(&self) -> &Arc<Fixture> {
        &self.fixture
    }

    /// The child's process id.
    pub fn pid(&self) -> u32 {
        self.pid
    }

    /// The pty size as (cols, rows).
    pub fn size(&self) -> (u16, u16) {
        (self.cols, self.rows)
    }

    /// Types text (keys) into the terminal.
    pub fn send(&mut self, keys: &str) {
        self.send_bytes(keys.as_bytes());
    }

    /// Writes bytes to the terminal; panics if the terminal was hung up.
    pub fn send_bytes(&mut self, bytes: &[u8]) {
        let w = self.writer.as_mut().expect("send after hangup");
        w.write_all(bytes).and_then(|()| w.flush()).expect("write to the pty");
    }

    /// Sends a signal (`libc::SIGHUP`, ...) to the child.
    pub fn signal(&self, sig: libc::c_int) {
        // SAFETY: kill has no memory effects; the pid is our own child, not yet
        // reaped (reaping happens only in wait_exit / drop, through &mut self).
        let rc = unsafe { libc::kill(self.pid as libc::pid_t, sig) };
        assert_eq!(rc, 0, "kill({}, {sig}): {}", self.pid, std::io::Error::last_os_error());
    }

    /// Resizes the pty (the child gets SIGWINCH) and the emulated screen.
    pub fn resize(&mut self, cols: u16, rows: u16) {
        // The parser first, so the redraw that follows is read at the new size.
        self.shared
            .term
            .lock()
            .unwrap()
            .parser
            .screen_mut()
            .set_size(rows, cols);
        self.master
            .as_ref()
            .expect("resize after hangup")
            .resize(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("resize the pty");
        self.cols = cols;
        self.rows = rows;
    }

    /// Closes our side of the terminal, as when a terminal window or an SSH
    /// connection goes away: the child sees a hang-up (SIGHUP, read errors).
    /// The screen and raw bytes read so far stay available.
    pub fn hangup(&mut self) {
        self.stop_reader();
        self.writer = None;
        self.master = None;
    }

    fn stop_reader(&mut self) {
        self.shared.stop.store(true, Ordering::SeqCst);
        if let Some(h) = self.reader.take() {
            let _ = h.join();
        }
    }

    /// A copy of the emulated screen (contents, modes, cursor, cells).
    pub fn vt(&self) -> vt100::Screen {
        self.shared.term.lock().unwrap().parser.screen().clone()
    }

    /// The screen's text, rows joined by newlines.
    pub fn screen(&self) -> String {
        self.vt().contents()
    }

    /// Every row of the screen as text (without trailing blanks).
    pub fn rows(&self) -> Vec<String> {
        let vt = self.vt();
        let cols = vt.size().1;
        vt.rows(0, cols).map(|r| r.trim_end().to_string()).collect()
    }

    /// One row of the screen (0 is the top).
    pub fn row(&self, n: u16) -> String {
        self.rows().get(usize::from(n)).cloned().unwrap_or_default()
    }

    /// Every byte the program has written to the terminal so far.
    pub fn raw(&self) -> Vec<u8> {
        self.shared.term.lock().unwrap().raw.clone()
    }

    /// How many bytes have been written so far (a mark for [`Console::raw_since`]).
    pub fn raw_len(&self) -> usize {
        self.shared.term.lock().unwrap().raw.len()
    }

    /// The bytes written after a mark taken with [`Console::raw_len`].
    pub fn raw_since(&self, mark: usize) -> Vec<u8> {
        let t = self.shared.term.lock().unwrap();
        t.raw.get(mark..).unwrap_or_default().to_vec()
    }

    /// Polls the screen until `pred` holds on a *settled* screen: no new
    /// output for [`QUIET`], so a half-drawn frame never passes (a frame's
    /// first rows can be on screen before its last ones arrive). `Err`
    /// carries `what` and the last screen, for a readable failure.
    pub fn wait_until(
        &self,
        what: &str,
        timeout: Duration,
        pred: impl Fn(&vt100::Screen) -> bool,
    ) -> Result<String, String> {
        let start = Instant::now();
        let (mut seen, mut changed) = (self.raw_len(), start);
        loop {
            let (vt, len) = {
                let t = self.shared.term.lock().unwrap();
                (t.parser.screen().clone(), t.raw.len())
            };
            let now = Instant::now();
            if len != seen {
                (seen, changed) = (len, now);
            }
            let holds = pred(&vt);
            if holds && now.duration_since(changed) >= QUIET {
                return Ok(vt.contents());
            }
            if now.duration_since(start) >= timeout {
                let why = if holds {
                    " (it held, but the output never went quiet)"
                } else {
                    ""
                };
                return Err(format!(
                    "timed out after {timeout:?} waiting for {what}{why}; last screen:\n{}",
                    framed(&vt)
                ));
            }
            std::thread::sleep(POLL);
        }
    }

    /// Waits until `text` is on the screen; returns the screen, or an error
    /// with the last screen.
    pub fn wait_for(&self, text: &str, timeout: Duration) -> Result<String, String> {
        self.wait_until(&format!("{text:?}"), timeout, |vt| vt.contents().contains(text))
    }

    /// Waits until `text` is no longer on the screen.
    pub fn wait_gone(&self, text: &str, timeout: Duration) -> Result<String, String> {
        self.wait_until(&format!("{text:?} to go away"), timeout, |vt| {
            !vt.contents().contains(text)
        })
    }

    /// Waits for the child to exit; `None` if it is still running after
    /// `timeout`. On exit, also waits (briefly, apart from `timeout`) until
    /// the reader has taken the last bytes the program wrote.
    pub fn wait_exit(&mut self, timeout: Duration) -> Option<ExitStatus> {
        if self.status.is_none() {
            let deadline = Instant::now() + timeout;
            loop {
                if let Some(s) = self.child.try_wait().expect("try_wait") {
                    self.status = Some(s);
                    break;
                }
                if Instant::now() >= deadline {
                    return None;
                }
                std::thread::sleep(POLL);
            }
            let drained = Instant::now() + DRAIN;
            while self.reader.is_some() && !self.shared.eof.load(Ordering::SeqCst) && Instant::now() < drained {
                std::thread::sleep(POLL);
            }
        }
        self.status.clone()
    }

    /// Whether the process is still there (not exited; not a zombie we reaped).
    pub fn running(&mut self) -> bool {
        self.status.is_none() && matches!(self.child.try_wait(), Ok(None))
    }

    /// Whether the pty's line discipline is back in cooked mode (ICANON and
    /// ECHO on): raw mode was undone. `None` after a hang-up.
    pub fn cooked_mode(&self) -> Option<bool> {
        let fd = self.master.as_ref()?.as_raw_fd()?;
        // SAFETY: tcgetattr writes into the termios we pass, nothing else.
        let mut t: libc::termios = unsafe { std::mem::zeroed() };
        if unsafe { libc::tcgetattr(fd, &mut t) } != 0 {
            return None;
        }
        Some(t.c_lflag & libc::ICANON != 0 && t.c_lflag & libc::ECHO != 0)
    }

    /// Checks that the terminal was handed back as it was found: primary
    /// screen, cursor shown, bracketed paste off (both on the emulated screen
    /// and in the raw bytes: each "off" after its last "on"), and cooked mode.
    pub fn restored(&self) -> Result<(), String> {
        let vt = self.vt();
        let raw = self.raw();
        let mut problems = Vec::new();
        if vt.alternate_screen() {
            problems.push("still on the alternate screen".to_string());
        }
        if vt.hide_cursor() {
            problems.push("cursor still hidden".to_string());
        }
        if vt.bracketed_paste() {
            problems.push("bracketed paste still on".to_string());
        }
        for (on, off, what) in [
            ("\x1b[?1049h", "\x1b[?1049l", "alternate screen"),
            ("\x1b[?2004h", "\x1b[?2004l", "bracketed paste"),
            ("\x1b[?25l", "\x1b[?25h", "hidden cursor"),
        ] {
            match (rfind(&raw, on.as_bytes()), rfind(&raw, off.as_bytes())) {
                (Some(a), Some(b)) if b > a => {}
                (Some(_), _) => problems.push(format!("{what}: no {off:?} after the last {on:?}")),
                (None, _) => problems.push(format!("{what}: never turned on ({on:?} missing)")),
            }
        }
        if self.cooked_mode() == Some(false) {
            problems.push("the pty is still in raw mode".to_string());
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(format!(
                "terminal not restored: {}\nlast screen:\n{}",
                problems.join("; "),
                framed(&vt)
            ))
        }
    }
}

impl Drop for Console {
    fn drop(&mut self) {
        if self.status.is_none() && matches!(self.child.try_wait(), Ok(None)) {
            // SAFETY: our own child, not yet reaped.
            unsafe {
                libc::kill(self.pid as libc::pid_t, libc::SIGKILL);
            }
            let _ = self.child.wait();
        }
        self.stop_reader();
    }
}

/// A new fd for the same open pty master, as a `File`.
fn dup(fd: std::os::fd::RawFd) -> File {
    // SAFETY: dup returns a fresh descriptor that the File then owns alone.
    let new = unsafe { libc::dup(fd) };
    assert!(new >= 0, "dup: {}", std::io::Error::last_os_error());
    unsafe { File::from_raw_fd(new) }
}

/// Reads the master until the slave side closes (EIO) or we are told to stop;
/// polls with a short timeout so that a stop request is seen promptly and our
/// fd gets closed (a blocked read would keep the master open: no hang-up).
fn read_loop(mut file: File, shared: &Shared) {
    let fd = file.as_raw_fd();
    let mut buf = [0u8; 16 * 1024];
    while !shared.stop.load(Ordering::SeqCst) {
        let mut pfd = libc::pollfd {
            fd,
            events: libc::POLLIN,
            revents: 0,
        };
        // SAFETY: one valid pollfd.
        let n = unsafe { libc::poll(&mut pfd, 1, 20) };
        if n < 0 {
            if std::io::Error::last_os_error().kind() == std::io::ErrorKind::Interrupted {
                continue;
            }
            break;
        }
        if n == 0 {
            continue;
        }
        match file.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => {
                let mut t = shared.term.lock().unwrap();
                t.raw.extend_from_slice(&buf[..n]);
                t.parser.process(&buf[..n]);
            }
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(_) => break, // EIO: every slave fd is closed
        }
    }
    shared.eof.store(true, Ordering::SeqCst);
}

/// The screen inside a frame, with row numbers, for failure messages.
pub fn framed(vt: &vt100::Screen) -> String {
    let (rows, cols) = vt.size();
    let mut out = format!("    +{}+\n", "-".repeat(usize::from(cols)));
    for (i, r) in vt.rows(0, cols).enumerate() {
        let pad = usize::from(cols).saturating_sub(r.chars().count());
        out.push_str(&format!("{i:>3} |{r}{}|\n", " ".repeat(pad)));
    }
    out.push_str(&format!("    +{}+ ({cols}x{rows})", "-".repeat(usize::from(cols))));
    out
}

/// The text of the cells of one row that match `pred` (e.g. inverse video
/// for the active tab), in order, trimmed.
pub fn styled_text(vt: &vt100::Screen, row: u16, pred: impl Fn(&vt100::Cell) -> bool) -> String {
    let cols = vt.size().1;
    let mut out = String::new();
    for col in 0..cols {
        if let Some(cell) = vt.cell(row, col) {
            if pred(cell) {
                out.push_str(if cell.has_contents() { cell.contents() } else { " " });
            }
        }
    }
    out.trim().to_string()
}

/// The last position of `needle` in `hay`.
pub fn rfind(hay: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.is_empty() || needle.len() > hay.len() {
        return None;
    }
    hay.windows(needle.len()).rposition(|w| w == needle)
}

/// The parameter strings of every SGR sequence (`ESC [ params m`) in `raw`,
/// e.g. `"1;36"`, `"38;5;6"`, `""` (a bare reset).
pub fn sgr_sequences(raw: &[u8]) -> Vec<String> {
    let mut out = Vec::new();
    let mut i = 0;
    while i + 1 < raw.len() {
        if raw[i] != 0x1b || raw[i + 1] != b'[' {
            i += 1;
            continue;
        }
        // CSI: parameter bytes 0x30-0x3F, intermediates 0x20-0x2F, one final 0x40-0x7E.
        let start = i + 2;
        let mut j = start;
        while j < raw.len() && (0x30..=0x3f).contains(&raw[j]) {
            j += 1;
        }
        let params_end = j;
        while j < raw.len() && (0x20..=0x2f).contains(&raw[j]) {
            j += 1;
        }
        if j >= raw.len() {
            break;
        }
        let is_final = (0x40..=0x7e).contains(&raw[j]);
        let params = &raw[start..params_end];
        let private = params.first().is_some_and(|b| matches!(b, b'<' | b'=' | b'>' | b'?'));
        if is_final && raw[j] == b'm' && params_end == j && !private {
            out.push(String::from_utf8_lossy(params).into_owned());
        }
        i = if is_final { j + 1 } else { j };
    }
    out
}

/// Every colour an SGR sequence sets (foreground, background or underline;
/// not the "default colour" resets 39/49/59), written as it appeared:
/// `"36"`, `"38;5;6"`, `"48;2;1;2;3"`, `"38:5:6"`.
pub fn colour_codes(raw: &[u8]) -> Vec<String> {
    let mut out = Vec::new();
    for seq in sgr_sequences(raw) {
        let params: Vec<&str> = seq.split(';').collect();
        let mut k = 0;
        while k < params.len() {
            let p = params[k];
            let head: u16 = p.split(':').next().and_then(|h| h.parse().ok()).unwrap_or(0);
            match head {
                30..=37 | 40..=47 | 90..=97 | 100..=107 => out.push(p.to_string()),
                38 | 48 | 58 if p.contains(':') => out.push(p.to_string()),
                38 | 48 | 58 => {
                    let extra = match params.get(k + 1).copied() {
                        Some("5") => 2,
                        Some("2") => 4,
                        _ => 0,
                    };
                    let end = (k + 1 + extra).min(params.len());
                    out.push(params[k..end].join(";"));
                    k = end;
                    continue;
                }
                _ => {}
            }
            k += 1;
        }
    }
    out
}

/// The queue rows marked with `m` on a screen: their ids (`*2000`).
pub fn marked_ids(screen: &str) -> Vec<u32> {
    screen
        .split(|ch: char| ch.is_whitespace() || ch == '|')
        .filter_map(|w| w.strip_prefix('*')?.parse().ok())
        .collect()
}
