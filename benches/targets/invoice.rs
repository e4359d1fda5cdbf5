//! 7. `invoice run` for one month of the 1M store, and its loading queries beside sqlite3.

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context, Result};
use chrono::{Datelike, NaiveDate};
use rusqlite::Connection;

use pimdesk::config::Config;
use pimdesk::store::OpenOptions;

use crate::floor::floor;
use crate::process::{checked, pimdesk, run_measured};
use crate::report::{bench_dir, ms, now, Report};
use crate::NOW;

/// A copy of a store file and its WAL (the benchmark's stores are not touched).
pub fn copy_store(from: &Path, to: &Path) -> Result<()> {
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

/// Makes the benchmark's login an admin of `db`, so it may run invoices.
pub fn as_admin(db: &Path) -> Result<()> {
    let conn = Connection::open(db)?;
    let login = pimdesk::platform::current_login();
    conn.execute(
        "INSERT OR IGNORE INTO technicians (key, login, name, role) VALUES (?1, ?1, ?1, 'admin')",
        [&login],
    )?;
    conn.execute("UPDATE technicians SET role = 'admin' WHERE login = ?1", [&login])?;
    Ok(())
}

pub fn invoice_run(r: &mut Report, db: &Path) -> Result<()> {
    let copy = bench_dir().join("invoice-1m.db");
    copy_store(db, &copy)?;
    as_admin(&copy)?;
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
        "≤ 500 ms, ≤ 64 MB",
        loading.1,
        secs * 1000.0,
        Some(secs <= 0.5 && m.maxrss_mb <= 64.0),
    );
    Ok(())
}

/// The run's loading queries in-process (`store::billing::unbilled`) beside
/// sqlite3 for the same SQL: (ours ms, floor ms).
fn invoice_loading(r: &mut Report, db: &Path, as_of: NaiveDate) -> Result<(f64, Option<f64>)> {
    use pimdesk::store::billing::unbilled;
    let conn = pimdesk::store::open_read_only(db, &OpenOptions::default())?;
    let tz = Config::defaults().sla_calendar().zone;
    let bound = as_of.and_time(chrono::NaiveTime::MIN).and_utc().timestamp() + 2 * 86_400;
    let columns = unbilled::ENTRY_COLUMNS;
    let entries_sql = format!(
        "SELECT {columns} FROM time_entries te JOIN tickets t ON t.id = te.ticket_id WHERE te.billable <> 0 AND te.billed = 0 AND te.start < {bound}"
    );
    let t = Instant::now();
    let books = unbilled::load(&conn, tz, false, as_of)?;
    let ours = t.elapsed().as_secs_f64() * 1000.0;
    let entries: usize = books.values().map(|b| b.entries.len()).sum();
    let f = floor(r, db, &entries_sql);
    let what = format!(
        "invoice run loading: {} companies, {entries} entries (unbilled and their prepaid months; in-process)",
        books.len()
    );
    r.row(&what, ms(ours), "—", f, ours, None);
    Ok((ours, f))
}
