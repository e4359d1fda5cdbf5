//! 5-6. The SLA board with 50,000 running clocks, and `sla due` throughput.

use std::path::PathBuf;
use std::time::Instant;

use anyhow::{bail, Result};
use chrono::DateTime;
use rusqlite::Connection;

use pimdesk::config::Config;
use pimdesk::tui::action::Action;
use pimdesk::tui::state::update;
use pimdesk::tui::tab::Tab;

use crate::floor::{captured, floor_all, plans};
use crate::harness::{times, Harness};
use crate::process::{checked, pimdesk, run_measured};
use crate::report::{bench_dir, now, Report, Stats};

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

pub fn sla_board(r: &mut Report) -> Result<()> {
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
    h.key(Action::GoTab(Tab::Sla));
    t.key(Action::GoTab(Tab::Sla));
    // Within the minute a refresh reloads the board alone (the chart loads at most once a minute).
    let refresh = h.keys(&Action::Refresh, 30);
    let rows = h.state.sla.board.rows.len();
    let total = h.state.sla.total.unwrap_or(0);
    if total != running {
        bail!("the board counts {total} clocks, the store holds {running}");
    }
    let (_, sql) = captured(|| t.key(Action::Refresh));
    let f = floor_all(r, &db, &sql);
    let what = format!(
        "SLA board refresh, 50k clocks (worker: board page + count; update; draw; {rows} rows held of {total})"
    );
    r.timed(&what, &times(&refresh), 10.0, f);
    // G and g on the whole board: the last clock is a keyset page from the
    // index's far end, not row 2,000 of a fixed load.
    let mut ends = Vec::new();
    for i in 0..30 {
        ends.push(h.key(if i % 2 == 0 { Action::Last } else { Action::First }));
    }
    let (_, sql) = captured(|| t.key(Action::Last));
    let f = floor_all(r, &db, &sql);
    r.timed(
        "SLA board G / g, 50k clocks (worker: a page from either end; update; draw)",
        &times(&ends),
        10.0,
        f,
    );
    let moves = h.keys(&Action::Move(1), 200);
    r.timed(
        "SLA board j ×200, 50k clocks (pages load past the window's edge)",
        &times(&moves),
        10.0,
        None,
    );
    let mut bytes: Vec<usize> = moves.iter().map(|m| m.bytes).collect();
    bytes.sort_unstable();
    let (p50, max) = (bytes[bytes.len() / 2], bytes[bytes.len() - 1]);
    r.row(
        "SLA board bytes per move (j ×200, scrolls included), 80x24",
        format!("p50 {p50} B · max {max} B (n={})", bytes.len()),
        "≤ 300",
        None,
        0.0,
        Some(max <= 300),
    );
    h.key(Action::First);
    // The tick as the app runs it: `update(Tick)` on the SLA tab, then the
    // draw, which works out the clocks of the rows on screen only.
    if h.state.tab != pimdesk::tui::tab::Tab::Sla || h.state.ticket.is_some() {
        bail!("the SLA tick must be measured on the SLA board");
    }
    let on_screen = h.state.body_rows().min(rows);
    let mut ticks = Vec::new();
    for i in 1..=60 {
        let started = Instant::now();
        let at = h.now + chrono::TimeDelta::seconds(i);
        let _ = update(&mut h.state, Action::Tick, at);
        h.draw();
        ticks.push(started.elapsed());
    }
    let what = format!("SLA board tick, 50k clocks (update(Tick); draw: clocks of {on_screen} rows on screen; no SQL)");
    r.timed(&what, &Stats::of(ticks), 10.0, None);
    // Once a minute a refresh also reloads the 30-day compliance chart.
    let minute = chrono::TimeDelta::seconds(60);
    let mut charted = Vec::new();
    for _ in 0..30 {
        h.now += minute;
        charted.push(h.key(Action::Refresh));
    }
    t.now += minute;
    let (_, sql) = captured(|| t.key(Action::Refresh));
    let f = floor_all(r, &db, &sql);
    if let Some(chart) = sql.iter().find(|s| s.contains("GROUP BY")) {
        let conn = pimdesk::store::open_read_only(&db, &pimdesk::store::OpenOptions::default())?;
        r.note(format!("compliance chart SQL: {chart}\n{}", plans(&conn, &db, chart)));
    }
    let what =
        "SLA board refresh with the once-a-minute compliance chart (worker: board + chart queries; update; draw)";
    r.timed(what, &times(&charted), 10.0, f);
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

pub fn sla_due(r: &mut Report) -> Result<()> {
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
