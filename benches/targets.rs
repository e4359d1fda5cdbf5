//! The benchmark of DESIGN.md section 8 (`cargo bench --bench targets`, or
//! `benches/run.sh`). Every figure is measured here, on a 1,000,000-ticket
//! demo store, with the real store functions, the real `update` and the real
//! `view::draw`, or the real release binary for whole-process figures; each
//! query figure stands beside its floor: the same SQL run by the `sqlite3`
//! shell on the same file. The table is printed and written to
//! `target/bench/report.md`.
//!
//! Stores: `target/bench/1m.db` (or `$PIMDESK_BENCH_DB`), made by
//! `pimdesk demo --tickets 1000000` when absent (timed then, and the figure
//! kept beside the store); `target/bench/sla50k.db` (50,000 running clocks);
//! `target/bench/invoice-1m.db`, a fresh copy of the 1M store per run.

use std::ffi::{c_int, c_uint, c_void, CStr};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use ratatui::backend::CrosstermBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::layout::Rect;
use ratatui::{Terminal, TerminalOptions, Viewport};
use rusqlite::{ffi, Connection};

use pimdesk::config::Config;
use pimdesk::store::tickets::{page, Anchor, QueueQuery, SortKey, SortValue, View};
use pimdesk::store::OpenOptions;
use pimdesk::tui::action::{Action, Effect};
use pimdesk::tui::keymap::Keymap;
use pimdesk::tui::state::{update, AppState};
use pimdesk::tui::view::{self, theme::Theme};
use pimdesk::tui::worker;

/// The frozen "now" of the stores and of every in-process figure: a Wednesday, 10:00 in New York.
const NOW: &str = "2026-11-25T10:00:00-05:00";
/// The release binary: cargo builds it for the bench and names it here.
const BIN: &str = env!("CARGO_BIN_EXE_pimdesk");
/// The queue's page size at 80x24 (`QueueState::limit`: two screens of 19 rows, at least 60).
const LIMIT: usize = 60;
/// The queue's window cap (`state/queue.rs` WINDOW).
const WINDOW: usize = 300;
const SEARCHES: [&str; 2] = ["printer offline", "ransomware"];

fn main() -> Result<()> {
    let mut r = Report::new();
    r.note(format!("machine: {} cores; load at start: {}", cores(), uptime()));
    let db = ensure_1m(&mut r)?;
    if wanted("queue") {
        queue_figures(&mut r, &db)?;
    }
    if wanted("console") {
        console_process(&mut r, &db)?;
    }
    if wanted("sla") {
        sla_board(&mut r)?;
    }
    if wanted("due") {
        sla_due(&mut r)?;
    }
    if wanted("invoice") {
        invoice_run(&mut r, &db)?;
    }
    r.note(format!("load at end: {}", uptime()));
    r.finish()
}

/// `PIMDESK_BENCH_ONLY=queue,console,sla,due,invoice` runs only those parts (all by default).
fn wanted(part: &str) -> bool {
    std::env::var("PIMDESK_BENCH_ONLY").map_or(true, |only| only.split(',').any(|p| p.trim() == part))
}

// ---------------------------------------------------------------- report

struct Report {
    rows: Vec<[String; 6]>,
    notes: Vec<String>,
    sqlite3: bool,
}

impl Report {
    fn new() -> Report {
        let sqlite3 = Command::new("sqlite3")
            .arg("-version")
            .output()
            .is_ok_and(|o| o.status.success());
        let mut r = Report {
            rows: Vec::new(),
            notes: Vec::new(),
            sqlite3,
        };
        if !sqlite3 {
            r.note("sqlite3 not found, floor skipped".into());
        } else {
            let shell = Command::new("sqlite3").arg("-version").output();
            let shell = shell.map(|o| {
                String::from_utf8_lossy(&o.stdout)
                    .split(' ')
                    .next()
                    .unwrap_or("?")
                    .to_string()
            });
            r.note(format!(
                "floors: the sqlite3 shell {} (`sqlite3 -batch -readonly FILE`, `.timer on`, output to /dev/null); pimdesk runs the bundled SQLite {}: query plans may differ between the two",
                shell.unwrap_or_default(),
                rusqlite::version()
            ));
        }
        r
    }

    fn note(&mut self, text: String) {
        println!("· {text}");
        self.notes.push(text);
    }

    /// One table row; `ours` (ms) over `floor` (ms) is the ratio.
    fn row(&mut self, what: &str, measured: String, target: &str, floor: Option<f64>, ours: f64, ok: Option<bool>) {
        let (floor_s, ratio) = match floor {
            Some(f) if f > 0.0 => (ms(f), format!("{:.1}x", ours / f)),
            Some(_) => ("< 0.01 ms".into(), "—".into()),
            None => ("—".into(), "—".into()),
        };
        let ok = match ok {
            Some(true) => "yes",
            Some(false) => "NO",
            None => "—",
        };
        println!("  {what}: {measured} | target {target} | floor {floor_s} | ratio {ratio} | {ok}");
        self.rows
            .push([what.into(), measured, target.into(), floor_s, ratio, ok.into()]);
    }

    /// A row for a timed key or query: p50 and p99, the ratio of p50 to the floor.
    fn timed(&mut self, what: &str, s: &Stats, target_ms: f64, floor: Option<f64>) {
        let target = format!("≤ {target_ms} ms p99");
        self.row(what, s.show(), &target, floor, s.p50, Some(s.p99 <= target_ms));
    }

    fn finish(&self) -> Result<()> {
        let mut md = String::from("# pimdesk benchmark (DESIGN.md 8)\n\n");
        md.push_str("Measured by `cargo bench --bench targets` (benches/targets.rs; benches/run.sh).\n\n");
        md.push_str("| what | measured | target | floor (sqlite3) | ratio | ok? |\n|---|---|---|---|---|---|\n");
        for r in &self.rows {
            md.push_str(&format!("| {} |\n", r.join(" | ")));
        }
        md.push_str(
            "\nRatio: our p50 (or single figure) ÷ the sqlite3 shell's time for the same SQL on the same file.\n\n",
        );
        for n in &self.notes {
            md.push_str(&format!("- {}\n", n.replace('\n', "\n  ")));
        }
        let path = bench_dir().join("report.md");
        std::fs::write(&path, &md).with_context(|| format!("writing {}", path.display()))?;
        println!("\n{md}\n(written to {})", path.display());
        Ok(())
    }
}

struct Stats {
    p50: f64,
    p99: f64,
    n: usize,
}

impl Stats {
    fn of(mut v: Vec<Duration>) -> Stats {
        v.sort();
        let at = |q: f64| v.get(((v.len() as f64 * q).ceil() as usize).saturating_sub(1)).copied();
        let ms = |d: Option<Duration>| d.map_or(f64::NAN, |d| d.as_secs_f64() * 1000.0);
        Stats {
            p50: ms(at(0.5)),
            p99: ms(at(0.99)),
            n: v.len(),
        }
    }
    fn show(&self) -> String {
        format!("p50 {} · p99 {} (n={})", ms(self.p50), ms(self.p99), self.n)
    }
}

fn ms(v: f64) -> String {
    if v >= 100.0 {
        format!("{v:.0} ms")
    } else {
        format!("{v:.2} ms")
    }
}

fn bench_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("target").join("bench")
}

fn cores() -> usize {
    std::thread::available_parallelism().map_or(0, |n| n.get())
}

fn uptime() -> String {
    Command::new("uptime")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_else(|_| std::fs::read_to_string("/proc/loadavg").unwrap_or_default())
}

fn now() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(NOW)
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_default()
}

// ---------------------------------------------------------------- processes

/// A release-binary command with a clean environment: built-in config, frozen time.
fn pimdesk(db: &Path) -> Command {
    let home = bench_dir().join("home");
    let _ = std::fs::create_dir_all(home.join("config"));
    let mut c = Command::new(BIN);
    c.env("PIMDESK_NOW", NOW)
        .env("HOME", &home)
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env_remove("PIMDESK_CONFIG")
        .env_remove("PIMDESK_DB")
        .env_remove("PIMDESK_LOG")
        .arg("--db")
        .arg(db);
    c
}

struct Measured {
    wall: Duration,
    maxrss_mb: f64,
    code: i32,
    stdout: Vec<u8>,
    stderr: Vec<u8>,
}

/// Runs a child to the end: wall time, and its peak RSS from wait4's rusage.
fn run_measured(mut cmd: Command, input: Option<Vec<u8>>) -> Result<Measured> {
    cmd.stdin(if input.is_some() { Stdio::piped() } else { Stdio::null() })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let start = Instant::now();
    let mut child = cmd.spawn().with_context(|| format!("starting {BIN}"))?;
    let feeder = match (input, child.stdin.take()) {
        (Some(data), Some(mut stdin)) => Some(std::thread::spawn(move || stdin.write_all(&data))),
        _ => None,
    };
    let drain = |r: Option<Box<dyn Read + Send>>| {
        std::thread::spawn(move || {
            let mut v = Vec::new();
            if let Some(mut r) = r {
                let _ = r.read_to_end(&mut v);
            }
            v
        })
    };
    let out = drain(child.stdout.take().map(|s| Box::new(s) as Box<dyn Read + Send>));
    let err = drain(child.stderr.take().map(|s| Box::new(s) as Box<dyn Read + Send>));
    let (code, maxrss_kb) = wait4(child.id())?;
    let wall = start.elapsed();
    if let Some(f) = feeder {
        let _ = f.join();
    }
    Ok(Measured {
        wall,
        maxrss_mb: maxrss_kb as f64 / 1024.0,
        code,
        stdout: out.join().unwrap_or_default(),
        stderr: err.join().unwrap_or_default(),
    })
}

/// Reaps `pid`: (exit code, ru_maxrss in KiB) for that child alone.
fn wait4(pid: u32) -> Result<(i32, i64)> {
    let mut status = 0;
    // SAFETY: rusage is plain data; wait4 fills it for the child we spawned and have not reaped.
    let mut ru: libc::rusage = unsafe { std::mem::zeroed() };
    let rc = unsafe { libc::wait4(pid as libc::pid_t, &mut status, 0, &mut ru) };
    if rc < 0 {
        bail!("wait4({pid}): {}", std::io::Error::last_os_error());
    }
    let code = if libc::WIFEXITED(status) {
        libc::WEXITSTATUS(status)
    } else {
        -1
    };
    Ok((code, ru.ru_maxrss))
}

fn checked(m: Measured, what: &str) -> Result<Measured> {
    if m.code != 0 {
        bail!("{what} exited {}: {}", m.code, String::from_utf8_lossy(&m.stderr));
    }
    Ok(m)
}

// ---------------------------------------------------------------- 1. the store

fn ensure_1m(r: &mut Report) -> Result<PathBuf> {
    let db = std::env::var_os("PIMDESK_BENCH_DB").map_or_else(|| bench_dir().join("1m.db"), PathBuf::from);
    let record = db.with_extension("demo.txt");
    if let Some(dir) = db.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let fresh = !db.exists();
    let db = if db.is_absolute() {
        db
    } else {
        std::env::current_dir()?.join(db)
    };
    if fresh {
        let mut cmd = pimdesk(&db);
        cmd.args(["demo", "--tickets", "1000000"]);
        let m = checked(run_measured(cmd, None)?, "pimdesk demo")?;
        let line = format!(
            "{:.3} {:.1} {}",
            m.wall.as_secs_f64(),
            m.maxrss_mb,
            Utc::now().to_rfc3339()
        );
        std::fs::write(&record, line)?;
    }
    let text = std::fs::read_to_string(&record).unwrap_or_default();
    let mut parts = text.split_whitespace();
    let secs: f64 = parts.next().and_then(|s| s.parse().ok()).unwrap_or(f64::NAN);
    let rss: f64 = parts.next().and_then(|s| s.parse().ok()).unwrap_or(f64::NAN);
    let when = if fresh {
        "this run".to_string()
    } else {
        format!(
            "run of {} (delete the store to re-measure)",
            parts.next().unwrap_or("?")
        )
    };
    r.note(format!(
        "demo: `PIMDESK_NOW={NOW} target/release/pimdesk --db {} demo --tickets 1000000`, wall clock and wait4 ru_maxrss, {when}",
        db.display()
    ));
    let ok = secs <= 60.0 && rss <= 200.0;
    r.row(
        "demo --tickets 1000000",
        format!("{secs:.1} s · peak RSS {rss:.0} MB"),
        "≤ 60 s, ≤ 200 MB",
        None,
        secs * 1000.0,
        Some(ok),
    );
    Ok(db)
}

// ---------------------------------------------------------------- floors

/// The sqlite3 shell's time for `sql` on `db`, in ms: the median of its
/// `.timer` "Run Time: real" over several runs in one invocation (after one
/// warm-up); that timer has 1 ms resolution, so below 2 ms the floor is the
/// wall time of N runs less the wall time of N `SELECT 1`, over N.
fn floor(r: &Report, db: &Path, sql: &str) -> Option<f64> {
    if !r.sqlite3 {
        return None;
    }
    let (_, times) = sqlite3_script(db, sql, 12)?;
    let mut times = times;
    times.remove(0);
    times.sort_by(f64::total_cmp);
    let median = *times.get(times.len() / 2)?;
    if median >= 2.0 {
        return Some(median);
    }
    let n = 200;
    let mut best = f64::MAX;
    for _ in 0..3 {
        let (wall, _) = sqlite3_script(db, sql, n)?;
        let (base, _) = sqlite3_script(db, "SELECT 1", n)?;
        best = best.min((wall - base) / n as f64);
    }
    Some(best.max(0.0))
}

/// Runs `sql` `n` times in one `sqlite3 -batch` with `.timer on`, output to
/// /dev/null: (wall ms of the whole invocation, each "Run Time: real" in ms).
fn sqlite3_script(db: &Path, sql: &str, n: usize) -> Option<(f64, Vec<f64>)> {
    let mut script = String::from(".timer on\n.output /dev/null\n");
    for _ in 0..n {
        script.push_str(sql);
        script.push_str(";\n");
    }
    let start = Instant::now();
    let mut child = Command::new("sqlite3")
        .arg("-batch")
        .arg("-readonly")
        .arg(db)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .ok()?;
    child.stdin.take()?.write_all(script.as_bytes()).ok()?;
    let out = child.wait_with_output().ok()?;
    let wall = start.elapsed().as_secs_f64() * 1000.0;
    let times = String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| l.strip_prefix("Run Time: real "))
        .filter_map(|l| l.split_whitespace().next()?.parse::<f64>().ok())
        .map(|s| s * 1000.0)
        .collect();
    Some((wall, times))
}

/// The sum of the floors of several statements (None if any has none).
fn floor_all(r: &Report, db: &Path, sqls: &[String]) -> Option<f64> {
    if sqls.is_empty() {
        return None;
    }
    sqls.iter().map(|s| floor(r, db, s)).sum()
}

// ---------------------------------------------------------------- the SQL we run

/// Statements run on traced connections, as SQLite ran them.
static CAPTURED: Mutex<Vec<String>> = Mutex::new(Vec::new());

/// SQLite's statement trace: each statement as it starts, its arguments written in
/// (`sqlite3_expanded_sql`), so the floor runs exactly the SQL the code ran.
unsafe extern "C" fn traced(mask: c_uint, _ctx: *mut c_void, stmt: *mut c_void, _sql: *mut c_void) -> c_int {
    if mask == ffi::SQLITE_TRACE_STMT {
        // SAFETY: for SQLITE_TRACE_STMT, `stmt` is the prepared statement about to run.
        let text = unsafe { ffi::sqlite3_expanded_sql(stmt.cast()) };
        if !text.is_null() {
            // SAFETY: expanded_sql returns a NUL-terminated string we own and must free.
            let sql = unsafe { CStr::from_ptr(text) }.to_string_lossy().into_owned();
            unsafe { ffi::sqlite3_free(text.cast()) };
            if let Ok(mut v) = CAPTURED.lock() {
                v.push(sql);
            }
        }
    }
    0
}

/// Records every statement `conn` runs into CAPTURED (connections used only to capture, never timed).
fn trace(conn: &Connection) {
    // SAFETY: the handle is live for as long as `conn`; the callback keeps no pointer.
    unsafe {
        ffi::sqlite3_trace_v2(
            conn.handle(),
            ffi::SQLITE_TRACE_STMT,
            Some(traced),
            std::ptr::null_mut(),
        );
    }
}

/// Runs `f`; returns what it returned and the SELECTs traced connections ran meanwhile.
fn captured<T>(f: impl FnOnce() -> T) -> (T, Vec<String>) {
    if let Ok(mut v) = CAPTURED.lock() {
        v.clear();
    }
    let out = f();
    let all = CAPTURED.lock().map(|mut v| std::mem::take(&mut *v)).unwrap_or_default();
    let selects = all.into_iter().filter(|s| {
        s.trim_start()
            .get(..6)
            .is_some_and(|w| w.eq_ignore_ascii_case("select"))
    });
    (out, selects.collect())
}

/// The floor of one queue page: the SQL `page` runs for it, captured, in sqlite3.
fn page_floor(r: &Report, traced: &Connection, db: &Path, q: &QueueQuery, anchor: &Anchor) -> Option<f64> {
    let (_, sql) = captured(|| page(traced, q, anchor, LIMIT));
    floor_all(r, db, &sql)
}

// ---------------------------------------------------------------- 2-3. the queue in-process

/// Counts the bytes ratatui writes to the "terminal".
#[derive(Clone, Default)]
struct Tally(Arc<AtomicUsize>);

impl Write for Tally {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.fetch_add(buf.len(), Ordering::Relaxed);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The console without a tty: the real state, update, worker thread and draw,
/// into a fixed 80x24 crossterm backend whose bytes are counted.
struct Harness {
    state: AppState,
    keymap: Keymap,
    theme: Theme,
    term: Terminal<CrosstermBackend<Tally>>,
    bytes: Tally,
    effects: Sender<Effect>,
    actions: Receiver<Action>,
    now: DateTime<Utc>,
    max_rows: usize,
}

struct Sample {
    took: Duration,
    queries: usize,
    bytes: usize,
}

impl Harness {
    /// A console on `db`; `traced` records its SQL for the floors (never timed).
    fn new(db: &Path, config: &Config, traced: bool) -> Result<Harness> {
        let conn = pimdesk::store::open(db, &OpenOptions::default())?;
        if traced {
            trace(&conn);
        }
        let login = pimdesk::platform::current_login();
        let (user_id, role) = worker::ensure_user(&conn, &login)?;
        let now = now();
        let mut state = AppState::new(config, login, "1m.db".into(), now);
        state.user_id = Some(user_id);
        state.role = role;
        state.queue.query.me = Some(user_id);
        let writer = worker::WriterCtx {
            user_id,
            calendar: config.sla_calendar(),
            policy: config.sla_policy(),
        };
        let (effects, effect_rx) = mpsc::channel();
        let (action_tx, actions) = mpsc::channel();
        std::thread::spawn(move || worker::run(conn, writer, effect_rx, action_tx));
        let bytes = Tally::default();
        let options = TerminalOptions {
            viewport: Viewport::Fixed(Rect::new(0, 0, 80, 24)),
        };
        let term = Terminal::with_options(CrosstermBackend::new(bytes.clone()), options)?;
        let mut h = Harness {
            state,
            keymap: Keymap::from_config(config),
            theme: Theme::new(&config.console.colors),
            term,
            bytes,
            effects,
            actions,
            now,
            max_rows: 0,
        };
        let start = h.state.start();
        h.run(start);
        h.draw();
        Ok(h)
    }

    /// Sends effects to the worker and applies its answers until none is outstanding.
    fn run(&mut self, mut effects: Vec<Effect>) -> usize {
        let (mut queries, mut outstanding) = (0, 0usize);
        loop {
            for e in effects.drain(..) {
                if matches!(e, Effect::Clipboard(_)) {
                    continue;
                }
                queries += usize::from(matches!(e, Effect::LoadQueue { .. }));
                if self.effects.send(e).is_ok() {
                    outstanding += 1;
                }
            }
            if outstanding == 0 {
                break;
            }
            let Ok(a) = self.actions.recv() else { break };
            outstanding -= 1;
            effects = update(&mut self.state, a, self.now);
        }
        self.max_rows = self.max_rows.max(self.state.queue.rows.len());
        queries
    }

    fn draw(&mut self) -> usize {
        self.bytes.0.store(0, Ordering::Relaxed);
        let (state, keymap, theme) = (&self.state, &self.keymap, &self.theme);
        let _ = self.term.draw(|f| view::draw(f, state, keymap, theme));
        self.bytes.0.load(Ordering::Relaxed)
    }

    /// Key to frame: update, the store work it asks for, and the draw.
    fn key(&mut self, a: Action) -> Sample {
        let t = Instant::now();
        let effects = update(&mut self.state, a, self.now);
        let queries = self.run(effects);
        let bytes = self.draw();
        Sample {
            took: t.elapsed(),
            queries,
            bytes,
        }
    }

    fn keys(&mut self, a: &Action, n: usize) -> Vec<Sample> {
        (0..n).map(|_| self.key(a.clone())).collect()
    }

    /// `/` then Esc: the search line's Esc clears the search and reloads the queue.
    fn clear_search(&mut self) {
        self.key(Action::StartSearch);
        self.key(Action::Key(KeyEvent::new(KeyCode::Esc, KeyModifiers::NONE)));
    }

    fn type_search(&mut self, words: &str) -> Sample {
        self.key(Action::StartSearch);
        for c in words.chars() {
            self.key(Action::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE)));
        }
        self.key(Action::Key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE)))
    }
}

fn times(samples: &[Sample]) -> Stats {
    Stats::of(samples.iter().map(|s| s.took).collect())
}

fn queries(samples: &[Sample]) -> usize {
    samples.iter().map(|s| s.queries).sum()
}

/// The figures of one console: `h` is timed, `t` (same store, traced) replays
/// the same keys to capture the SQL behind them for the floors.
struct Pair<'a> {
    h: Harness,
    t: Harness,
    traced: Connection,
    db: &'a Path,
}

impl Pair<'_> {
    /// The floor of the store work behind a key: replayed on the traced console.
    fn key_floor(&mut self, r: &Report, a: Action) -> Option<f64> {
        let (_, sql) = captured(|| self.t.key(a));
        floor_all(r, self.db, &sql)
    }
}

fn queue_figures(r: &mut Report, db: &Path) -> Result<()> {
    let config = Config::defaults();
    let traced = pimdesk::store::open(db, &OpenOptions::default())?;
    trace(&traced);
    let mut p = Pair {
        h: Harness::new(db, &config, false)?,
        t: Harness::new(db, &config, true)?,
        traced,
        db,
    };
    r.note(format!(
        "queue: in-process on {} at 80x24: `update` + the worker thread (`tui::worker::run`) + `view::draw` into a fixed 80x24 CrosstermBackend whose bytes are counted; page size {LIMIT}; floors run the SQL SQLite traced (sqlite3_trace_v2, arguments expanded) on a second, untimed console",
        db.display()
    ));
    first_page(r, &mut p)?;
    moves_and_pages(r, &mut p)?;
    sorts(r, &mut p);
    views(r, &mut p);
    tabs(r, &mut p);
    searches(r, &mut p);
    every_sort_and_view(r, &p)?;
    bytes_per_move(r, &mut p.h);
    let held = p.h.max_rows;
    r.row(
        "queue rows held (max over every operation above)",
        format!("{held} rows"),
        &format!("≤ {WINDOW} (a screenful and a margin)"),
        None,
        0.0,
        Some(held <= WINDOW),
    );
    Ok(())
}

fn first_page(r: &mut Report, p: &mut Pair) -> Result<()> {
    let q = QueueQuery::default();
    let conn = pimdesk::store::open(p.db, &OpenOptions::default())?;
    let mut v = Vec::new();
    for _ in 0..300 {
        let t = Instant::now();
        let rows = page(&conn, &q, &Anchor::Start, LIMIT)?;
        v.push(t.elapsed());
        std::hint::black_box(rows);
    }
    let f = page_floor(r, &p.traced, p.db, &q, &Anchor::Start);
    r.timed(
        "queue first page (`page`, All open, newest first)",
        &Stats::of(v),
        10.0,
        f,
    );
    Ok(())
}

fn moves_and_pages(r: &mut Report, p: &mut Pair) -> Result<()> {
    p.h.key(Action::First);
    let moves = p.h.keys(&Action::Move(1), 600);
    // The continuation a move past the loaded rows runs: keyset after the last loaded row.
    let q = QueueQuery::default();
    let rows = page(&p.traced, &q, &Anchor::Start, LIMIT)?;
    let last = rows.last().context("the queue is empty")?;
    let after = Anchor::After(SortValue::Int(last.id), last.id);
    let f_after = page_floor(r, &p.traced, p.db, &q, &after);
    let what = format!("key→frame: move down ×600 ({} queried)", queries(&moves));
    r.timed(&what, &times(&moves), 10.0, f_after);
    let mut pages = p.h.keys(&Action::Page(1), 150);
    pages.extend(p.h.keys(&Action::Page(-1), 150));
    let what = format!("key→frame: page down ×150, up ×150 ({} queried)", queries(&pages));
    r.timed(&what, &times(&pages), 10.0, f_after);
    let mut jumps = Vec::new();
    for _ in 0..30 {
        jumps.push(p.h.key(Action::Last));
        jumps.push(p.h.key(Action::First));
    }
    let f_end = page_floor(r, &p.traced, p.db, &q, &Anchor::End);
    let what = format!("key→frame: jump to end / back ×30 ({} queried)", queries(&jumps));
    r.timed(&what, &times(&jumps), 10.0, f_end);
    Ok(())
}

/// Cycles `a` `rounds` times through `n` states, grouping samples by the state
/// reached (`which`), and the floor of the SQL behind reaching each state.
fn cycle(
    r: &Report,
    p: &mut Pair,
    a: Action,
    n: usize,
    rounds: usize,
    which: impl Fn(&AppState) -> usize,
) -> Vec<(Vec<Sample>, Option<f64>)> {
    let mut out: Vec<(Vec<Sample>, Option<f64>)> = (0..n).map(|_| (Vec::new(), None)).collect();
    for _ in 0..rounds * n {
        let s = p.h.key(a.clone());
        out[which(&p.h.state).min(n - 1)].0.push(s);
    }
    for _ in 0..n {
        let f = p.key_floor(r, a.clone());
        out[which(&p.t.state).min(n - 1)].1 = f;
    }
    out
}

fn sorts(r: &mut Report, p: &mut Pair) {
    let keys = SortKey::ALL;
    let sort_of = move |s: &AppState| keys.iter().position(|k| *k == s.queue.query.sort).unwrap_or(0);
    for (i, (samples, f)) in cycle(r, p, Action::SortNext, keys.len(), 20, sort_of)
        .iter()
        .enumerate()
    {
        let what = format!("key→frame: sort → {} (All open)", keys[i].name());
        r.timed(&what, &times(samples), 10.0, *f);
    }
}

fn views(r: &mut Report, p: &mut Pair) {
    for h in [&mut p.h, &mut p.t] {
        while h.state.queue.query.sort != SortKey::Id {
            h.key(Action::SortNext);
        }
    }
    let views = View::ALL;
    let view_of = move |s: &AppState| views.iter().position(|v| *v == s.queue.query.view).unwrap_or(0);
    for (i, (samples, f)) in cycle(r, p, Action::NextView, views.len(), 20, view_of)
        .iter()
        .enumerate()
    {
        let what = format!("key→frame: view → {} (by ID)", views[i].name());
        r.timed(&what, &times(samples), 10.0, *f);
    }
}

fn tabs(r: &mut Report, p: &mut Pair) {
    let names = ["Queue", "SLA", "Invoices", "Directory"];
    let mut by_tab: Vec<Vec<Sample>> = names.iter().map(|_| Vec::new()).collect();
    for _ in 0..20 {
        for tab in [1, 2, 3, 0] {
            by_tab[tab].push(p.h.key(Action::GoTab(tab)));
        }
    }
    let mut floors = [None; 4];
    for tab in [1, 2, 3, 0] {
        floors[tab] = p.key_floor(r, Action::GoTab(tab));
    }
    for (i, samples) in by_tab.iter().enumerate() {
        let what = format!("key→frame: tab → {}", names[i]);
        r.timed(&what, &times(samples), 10.0, floors[i]);
    }
}

fn searches(r: &mut Report, p: &mut Pair) {
    p.h.key(Action::GoTab(0));
    p.t.key(Action::GoTab(0));
    for words in SEARCHES {
        let mut keyed = Vec::new();
        for _ in 0..30 {
            keyed.push(p.h.type_search(words).took);
            p.h.clear_search();
        }
        let (_, sql) = captured(|| p.t.type_search(words));
        p.t.clear_search();
        let f = floor_all(r, p.db, &sql);
        let what = format!("search first page \"{words}\" (Enter→frame)");
        r.timed(&what, &Stats::of(keyed), 30.0, f);
    }
}

/// The first page of every sort in every view (`page`, 5 runs each): the slowest
/// combination, since a view switch keeps the sort and a sort keeps the view.
fn every_sort_and_view(r: &mut Report, p: &Pair) -> Result<()> {
    let conn = pimdesk::store::open(p.db, &OpenOptions::default())?;
    let base = p.h.state.queue.query.clone();
    let mut worst: Option<(f64, QueueQuery)> = None;
    let mut slow = Vec::new();
    for view in View::ALL {
        for sort in SortKey::ALL {
            let q = QueueQuery {
                view,
                sort,
                search: None,
                ..base.clone()
            };
            let mut v = Vec::new();
            for _ in 0..5 {
                let t = Instant::now();
                std::hint::black_box(page(&conn, &q, &Anchor::Start, LIMIT)?);
                v.push(t.elapsed());
            }
            let s = Stats::of(v);
            if s.p50 > 10.0 {
                slow.push(format!("{} by {}: {}", view.name(), sort.name(), ms(s.p50)));
            }
            if worst.as_ref().is_none_or(|(w, _)| s.p50 > *w) {
                worst = Some((s.p50, q));
            }
        }
    }
    let Some((p50, q)) = worst else { return Ok(()) };
    let f = page_floor(r, &p.traced, p.db, &q, &Anchor::Start);
    let (_, sql) = captured(|| page(&p.traced, &q, &Anchor::Start, LIMIT));
    if let Some(sql) = sql.first() {
        r.note(format!("slowest pair's SQL: {sql}\n{}", plans(&conn, p.db, sql)));
    }
    let what = format!(
        "slowest first page of {} sort × view pairs: {} by {}",
        View::ALL.len() * SortKey::ALL.len(),
        q.view.name(),
        q.sort.name()
    );
    r.row(&what, format!("p50 {}", ms(p50)), "≤ 10 ms", f, p50, Some(p50 <= 10.0));
    if !slow.is_empty() {
        r.note(format!("first pages over 10 ms (p50 of 5): {}", slow.join("; ")));
    }
    Ok(())
}

/// EXPLAIN QUERY PLAN of `sql` by the bundled SQLite (ours) and by the sqlite3 shell (the floor's).
fn plans(conn: &Connection, db: &Path, sql: &str) -> String {
    let ours = conn
        .prepare(&format!("EXPLAIN QUERY PLAN {sql}"))
        .and_then(|mut st| {
            st.query_map([], |row| row.get::<_, String>(3))?
                .collect::<rusqlite::Result<Vec<_>>>()
        })
        .map(|v| v.join(" / "))
        .unwrap_or_else(|e| e.to_string());
    let theirs = Command::new("sqlite3")
        .args(["-readonly", "-batch", "-list"])
        .arg(db)
        .arg(format!("EXPLAIN QUERY PLAN {sql}"))
        .output()
        .map(|o| {
            String::from_utf8_lossy(&o.stdout)
                .lines()
                .collect::<Vec<_>>()
                .join(" / ")
        })
        .unwrap_or_default();
    let version = |v: &str| v.split_whitespace().next().unwrap_or("?").to_string();
    let shell = Command::new("sqlite3")
        .arg("-version")
        .output()
        .map(|o| version(&String::from_utf8_lossy(&o.stdout)));
    format!(
        "plan, bundled SQLite {}: {ours}\nplan, sqlite3 shell {}: {theirs}",
        rusqlite::version(),
        shell.unwrap_or_default()
    )
}

/// Bytes written per cursor move at 80x24, split by whether the list scrolled.
fn bytes_per_move(r: &mut Report, h: &mut Harness) {
    h.key(Action::First);
    let (mut within, mut scrolled) = (Vec::new(), Vec::new());
    for i in 0..200 {
        let offset = h.state.queue.offset;
        let s = h.key(Action::Move(if i < 150 { 1 } else { -1 }));
        if h.state.queue.offset == offset && s.queries == 0 {
            within.push(s.bytes);
        } else {
            scrolled.push(s.bytes);
        }
    }
    let show = |v: &mut Vec<usize>| {
        v.sort_unstable();
        let p50 = v.get(v.len() / 2).copied().unwrap_or(0);
        let max = v.last().copied().unwrap_or(0);
        (format!("p50 {p50} B · max {max} B (n={})", v.len()), max)
    };
    let (text, max) = show(&mut within);
    r.row(
        "bytes per cursor move, 80x24 (cursor moves on screen)",
        text,
        "≤ 300",
        None,
        0.0,
        Some(max <= 300),
    );
    let (text, max) = show(&mut scrolled);
    r.row(
        "bytes per cursor move, 80x24 (list scrolls one row)",
        text,
        "≤ 300",
        None,
        0.0,
        Some(max <= 300),
    );
}

// ---------------------------------------------------------------- 4. the console process in a pty

struct Screen {
    parser: vt100::Parser,
    bytes: usize,
    footer_at: Option<Instant>,
    data_at: Option<Instant>,
    /// Text that shows the first page has arrived (the newest open ticket's id).
    data_mark: String,
}

struct Pty {
    screen: Arc<Mutex<Screen>>,
    done: Arc<AtomicBool>,
    child: Box<dyn portable_pty::Child + Send + Sync>,
    writer: Box<dyn Write + Send>,
    _master: Box<dyn portable_pty::MasterPty + Send>,
    pid: u32,
    started: Instant,
}

fn launch(db: &Path, data_mark: &str) -> Result<Pty> {
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

impl Pty {
    fn wait_for(&self, what: impl Fn(&Screen) -> bool, limit: Duration) -> bool {
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

    /// Sends keys and waits until the output has been quiet for a while.
    fn send(&mut self, keys: &str) {
        let _ = self.writer.write_all(keys.as_bytes());
        let _ = self.writer.flush();
        self.settle(Duration::from_millis(80), Duration::from_secs(3));
    }

    fn settle(&self, quiet: Duration, limit: Duration) {
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

    fn quit(mut self) {
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

    fn proc_status(&self, key: &str) -> Option<f64> {
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

fn console_process(r: &mut Report, db: &Path) -> Result<()> {
    let conn = pimdesk::store::open_read_only(db, &OpenOptions::default())?;
    let newest = page(&conn, &QueueQuery::default(), &Anchor::Start, 1)?;
    let mark = newest.first().map(|t| t.id.to_string()).context("no open ticket")?;
    drop(conn);
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

// ---------------------------------------------------------------- 5. SLA board, 50,000 running clocks

fn ensure_sla50k(r: &mut Report) -> Result<PathBuf> {
    let db = bench_dir().join("sla50k.db");
    if db.exists() {
        return Ok(db);
    }
    let mut cmd = pimdesk(&db);
    cmd.args(["demo", "--tickets", "70000"]);
    checked(run_measured(cmd, None)?, "pimdesk demo --tickets 70000")?;
    {
        let conn = Connection::open(&db)?;
        // The 50,000 newest tickets that have a response clock (P1-P4, or P5 with a schedule)
        // become unanswered and open: their clocks run.
        conn.execute_batch(
            "UPDATE tickets SET first_response = NULL, resolved = NULL, paused_since = NULL, status = 'New'
             WHERE id IN (SELECT id FROM tickets WHERE priority < 5 OR scheduled IS NOT NULL ORDER BY opened DESC LIMIT 50000)",
        )?;
    }
    let mut cmd = pimdesk(&db);
    cmd.args(["sla", "recompute"]);
    let m = checked(run_measured(cmd, None)?, "pimdesk sla recompute")?;
    r.note(format!(
        "sla50k.db: `demo --tickets 70000`, then the 50,000 newest tickets with a response clock set unanswered and New, then `pimdesk sla recompute` ({:.1} s)",
        m.wall.as_secs_f64()
    ));
    Ok(db)
}

fn sla_board(r: &mut Report) -> Result<()> {
    let db = ensure_sla50k(r)?;
    let conn = Connection::open(&db)?;
    let running: i64 = conn.query_row(
        "SELECT count(*) FROM tickets WHERE first_response IS NULL AND resolved IS NULL AND response_due IS NOT NULL",
        [],
        |row| row.get(0),
    )?;
    let (oldest, newest): (i64, i64) = conn.query_row(
        "SELECT min(response_due), max(response_due) FROM tickets WHERE first_response IS NULL AND resolved IS NULL AND response_due IS NOT NULL",
        [],
        |row| Ok((row.get(0)?, row.get(1)?)),
    )?;
    let days = |t: i64| (t - now().timestamp()) as f64 / 86_400.0;
    r.note(format!(
        "sla50k.db: {running} running clocks, due from {:.0} to {:+.1} days from now",
        days(oldest),
        days(newest)
    ));
    let config = Config::defaults();
    let mut h = Harness::new(&db, &config, false)?;
    let mut t = Harness::new(&db, &config, true)?;
    h.key(Action::GoTab(1));
    t.key(Action::GoTab(1));
    let refresh = h.keys(&Action::Refresh, 30);
    let rows = h.state.sla_rows.len();
    let (_, sql) = captured(|| t.key(Action::Refresh));
    let f = floor_all(r, &db, &sql);
    let what = format!("SLA board refresh, 50k clocks (worker: board + compliance queries; update; draw; {rows} rows)");
    r.timed(&what, &times(&refresh), 10.0, f);
    let mut ticks = Vec::new();
    for i in 1..=60 {
        let started = Instant::now();
        let at = h.now + chrono::TimeDelta::seconds(i);
        let _ = update(&mut h.state, Action::Tick, at);
        h.draw();
        ticks.push(started.elapsed());
    }
    r.timed(
        "SLA board tick, 50k clocks (update(Tick) recompute + draw; no SQL)",
        &Stats::of(ticks),
        10.0,
        None,
    );
    Ok(())
}

// ---------------------------------------------------------------- 6. sla due

/// 200,000 cases: every priority, a pause on one in seven, a schedule for P5.
fn due_cases(n: usize) -> Vec<u8> {
    let base = now().timestamp() - 200 * 86_400;
    let rfc = |t: i64| {
        DateTime::from_timestamp(t, 0)
            .unwrap_or_default()
            .with_timezone(&chrono_tz::America::New_York)
            .to_rfc3339()
    };
    let mut out = String::with_capacity(n * 120);
    for i in 0..n as i64 {
        let p = i % 5 + 1;
        let opened = base + (i * 7919) % (180 * 86_400);
        let mut line = format!("{{\"priority\":{p},\"opened\":\"{}\"", rfc(opened));
        if i % 7 == 3 {
            line.push_str(&format!(
                ",\"paused\":[[\"{}\",\"{}\"]]",
                rfc(opened + 600),
                rfc(opened + 4000)
            ));
        }
        if p == 5 {
            line.push_str(&format!(",\"scheduled\":\"{}\"", rfc(opened + 3 * 86_400)));
        }
        line.push_str("}\n");
        out.push_str(&line);
    }
    out.into_bytes()
}

fn sla_due(r: &mut Report) -> Result<()> {
    let n = 200_000;
    let input = due_cases(n);
    let mut cmd = pimdesk(&bench_dir().join("unused.db"));
    cmd.args(["sla", "due"]);
    let m = checked(run_measured(cmd, Some(input))?, "pimdesk sla due")?;
    let lines = m.stdout.split(|b| *b == b'\n').filter(|l| !l.is_empty()).count();
    let errors = String::from_utf8_lossy(&m.stdout).matches("\"error\"").count();
    if lines != n || errors > 0 {
        bail!("sla due answered {lines} lines, {errors} errors, for {n} cases");
    }
    let rate = n as f64 / m.wall.as_secs_f64();
    r.note(format!(
        "sla due: {n} JSON lines piped into `target/release/pimdesk sla due`, stdout read back; {:.2} s wall, peak RSS {:.0} MB",
        m.wall.as_secs_f64(),
        m.maxrss_mb
    ));
    r.row(
        "sla due throughput (200,000 cases)",
        format!("{rate:.0} cases/s"),
        "≥ 100,000 cases/s",
        None,
        0.0,
        Some(rate >= 100_000.0),
    );
    Ok(())
}

// ---------------------------------------------------------------- 7. invoice run

fn copy_store(from: &Path, to: &Path) -> Result<()> {
    for suffix in ["", "-wal", "-shm"] {
        let dst = PathBuf::from(format!("{}{suffix}", to.display()));
        let _ = std::fs::remove_file(&dst);
        let src = PathBuf::from(format!("{}{suffix}", from.display()));
        if suffix != "-shm" && src.exists() {
            std::fs::copy(&src, &dst).with_context(|| format!("copying {}", src.display()))?;
        }
    }
    Ok(())
}

fn invoice_run(r: &mut Report, db: &Path) -> Result<()> {
    let copy = bench_dir().join("invoice-1m.db");
    copy_store(db, &copy)?;
    {
        let conn = Connection::open(&copy)?;
        let login = pimdesk::platform::current_login();
        conn.execute(
            "INSERT OR IGNORE INTO technicians (key, login, name, role) VALUES (?1, ?1, ?1, 'admin')",
            [&login],
        )?;
        conn.execute("UPDATE technicians SET role = 'admin' WHERE login = ?1", [&login])?;
    }
    let today = now().date_naive();
    let first = NaiveDate::from_ymd_opt(today.year(), today.month(), 1).context("first of month")?;
    let last_month_end = first.pred_opt().context("last month")?;
    let mut setup = pimdesk(&copy);
    setup.args(["invoice", "run", "--as-of", &last_month_end.to_string()]);
    let s = checked(run_measured(setup, None)?, "invoice run (setup)")?;
    let mut run = pimdesk(&copy);
    run.args(["invoice", "run", "--as-of", &first.to_string()]);
    let m = checked(run_measured(run, None)?, "invoice run")?;
    let summary = String::from_utf8_lossy(&m.stdout)
        .lines()
        .last()
        .unwrap_or_default()
        .to_string();
    r.note(format!(
        "invoice: a copy of the 1M store; setup `invoice run --as-of {last_month_end}` (setup, not timed against the target: {:.1} s, {:.0} MB), then `PIMDESK_NOW={NOW} target/release/pimdesk --db {} invoice run --as-of {first}`: {summary}",
        s.wall.as_secs_f64(),
        s.maxrss_mb,
        copy.display()
    ));
    let secs = m.wall.as_secs_f64();
    let loading = invoice_loading(r, &copy, first)?;
    r.row(
        &format!("invoice run --as-of {first}, 1M store (peak RSS {:.0} MB)", m.maxrss_mb),
        format!("{secs:.2} s"),
        "≤ 5 s",
        loading.1,
        secs * 1000.0,
        Some(secs <= 5.0),
    );
    Ok(())
}

/// The run's loading queries in-process (`store::billing`) beside sqlite3: (ours ms, floor ms).
fn invoice_loading(r: &mut Report, db: &Path, as_of: NaiveDate) -> Result<(f64, Option<f64>)> {
    use pimdesk::store::billing::{billed_keys, load_agreements, load_entries};
    let conn = pimdesk::store::open_read_only(db, &OpenOptions::default())?;
    let tz = Config::defaults().sla_calendar().zone;
    let bound = as_of.and_time(chrono::NaiveTime::MIN).and_utc().timestamp() + 2 * 86_400;
    let completed = "CASE WHEN t.status IN ('Resolved','Closed') THEN t.resolved END";
    let entries_sql = format!(
        "SELECT te.id, te.ticket_id, t.company_id, te.start, te.minutes, {completed} FROM time_entries te JOIN tickets t ON t.id = te.ticket_id WHERE te.billable <> 0 AND te.start < {bound} AND NULL IS NULL"
    );
    let agreements_sql = "SELECT id, company_id, product, executed, project_completed, ended, onboarding_fee_cents, monthly_cents, project_fee_cents, labor_rate_cents, prepaid_hours_per_month FROM agreements WHERE NULL IS NULL OR company_id = NULL ORDER BY id";
    let billed_sql = "SELECT item_key FROM billed_items";
    let time = |f: &dyn Fn() -> Result<usize>| -> Result<(f64, usize)> {
        let t = Instant::now();
        let n = f()?;
        Ok((t.elapsed().as_secs_f64() * 1000.0, n))
    };
    let (a_ms, a_n) = time(&|| Ok(load_agreements(&conn, None)?.len()))?;
    let (e_ms, e_n) = time(&|| Ok(load_entries(&conn, tz, None, Some(as_of))?.len()))?;
    let (b_ms, b_n) = time(&|| Ok(billed_keys(&conn)?.len()))?;
    let parts = [
        ("agreements", a_ms, a_n, floor(r, db, agreements_sql)),
        ("time entries", e_ms, e_n, floor(r, db, &entries_sql)),
        ("billed items", b_ms, b_n, floor(r, db, billed_sql)),
    ];
    let mut total_floor = Some(0.0);
    for (what, ours, n, f) in parts {
        let what = format!("invoice run loading: {what} ({n} rows, in-process)");
        r.row(&what, ms(ours), "—", f, ours, None);
        total_floor = total_floor.zip(f).map(|(a, b)| a + b);
    }
    Ok((a_ms + e_ms + b_ms, total_floor))
}
