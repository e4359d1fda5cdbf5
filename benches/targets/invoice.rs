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

pub fn invoice_run(r: &mut Report, db: &Path) -> Result<()> {
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
