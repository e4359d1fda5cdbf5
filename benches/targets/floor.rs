//! The floors: the same SQL run by the `sqlite3` shell on the same file, and the
//! statement trace that captures the SQL pimdesk ran.

use std::ffi::{c_int, c_uint, c_void, CStr};
use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::Mutex;
use std::time::Instant;

use pimdesk::store::tickets::{page, Anchor, QueueQuery};
use rusqlite::{ffi, Connection};

use crate::report::Report;
use crate::LIMIT;

/// The sqlite3 shell's time for `sql` on `db`, in ms: the median of its
/// `.timer` "Run Time: real" over several runs in one invocation (after one
/// warm-up); that timer has 1 ms resolution, so below 2 ms the floor is the
/// wall time of N runs less the wall time of N `SELECT 1`, over N.
pub fn floor(r: &Report, db: &Path, sql: &str) -> Option<f64> {
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
pub fn floor_all(r: &Report, db: &Path, sqls: &[String]) -> Option<f64> {
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
pub fn trace(conn: &Connection) {
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

/// Runs `f`; returns what it returned and the SELECTs traced connections ran meanwhile:
/// pimdesk's own statements only. SQLite's own statements are left out: those nested
/// in a statement are traced with a leading "--"; FTS5 reads its shadow tables
/// (`'main'.'ticket_fts_config'` when a connection first prepares a MATCH) at top level,
/// and a statement pimdesk runs on the virtual table reads them anyway.
pub fn captured<T>(f: impl FnOnce() -> T) -> (T, Vec<String>) {
    if let Ok(mut v) = CAPTURED.lock() {
        v.clear();
    }
    let out = f();
    let all = CAPTURED.lock().map(|mut v| std::mem::take(&mut *v)).unwrap_or_default();
    let selects = all.into_iter().filter(|s| {
        let select = s
            .trim_start()
            .get(..6)
            .is_some_and(|w| w.eq_ignore_ascii_case("select"));
        select && !s.contains("'main'.'")
    });
    (out, selects.collect())
}

/// The floor of one queue page: the SQL `page` runs for it, captured, in sqlite3.
pub fn page_floor(r: &Report, traced: &Connection, db: &Path, q: &QueueQuery, anchor: &Anchor) -> Option<f64> {
    let (_, sql) = captured(|| page(traced, q, anchor, LIMIT));
    floor_all(r, db, &sql)
}

/// EXPLAIN QUERY PLAN of `sql` by the bundled SQLite (ours) and by the sqlite3 shell (the floor's).
pub fn plans(conn: &Connection, db: &Path, sql: &str) -> String {
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
