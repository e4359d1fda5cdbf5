//! The SLA recompute after a calendar change (issue: one SLA truth, case 4):
//! the first command that opens the 1M store with a config whose calendar
//! differs recomputes every ticket's deadlines in one transaction.

use std::path::Path;

use anyhow::Result;

use crate::invoice::copy_store;
use crate::process::{checked, pimdesk, run_measured};
use crate::report::{bench_dir, Report};

pub fn recompute_on_open(r: &mut Report, db: &Path) -> Result<()> {
    let copy = bench_dir().join("recompute-1m.db");
    copy_store(db, &copy)?;
    // Two more holidays: every ticket is walked again, some due times move.
    let config = bench_dir().join("recompute.toml");
    let mut holidays: Vec<String> = pimdesk::config::Config::defaults()
        .calendar
        .holidays
        .iter()
        .map(|d| format!("\"{d}\""))
        .collect();
    holidays.extend(["\"2026-11-23\"".into(), "\"2026-11-24\"".into()]);
    std::fs::write(&config, format!("[calendar]\nholidays = [{}]\n", holidays.join(", ")))?;
    let list = |with_config: bool| {
        let mut c = pimdesk(&copy);
        if with_config {
            c.arg("--config").arg(&config);
        }
        c.args(["ticket", "list", "--limit", "1"]);
        c
    };
    let first = checked(run_measured(list(true), None)?, "ticket list (recompute)")?;
    let again = checked(run_measured(list(true), None)?, "ticket list (current)")?;
    let secs = first.wall.as_secs_f64();
    r.note(format!(
        "recompute: `target/release/pimdesk --db {} --config {} ticket list --limit 1` on a copy of the 1M store, first with the new holidays (recomputes), then again (deadlines current: {:.0} ms)",
        copy.display(),
        config.display(),
        again.wall.as_secs_f64() * 1000.0
    ));
    r.row(
        &format!(
            "SLA recompute on open after a calendar change, 1M tickets (whole `ticket list`, peak RSS {:.0} MB)",
            first.maxrss_mb
        ),
        format!("{secs:.2} s"),
        "once per change; ≤ 60 s",
        None,
        secs * 1000.0,
        Some(secs <= 60.0),
    );
    r.row(
        "the same command once the deadlines are current (the basis check on every open)",
        format!("{:.0} ms", again.wall.as_secs_f64() * 1000.0),
        "—",
        None,
        again.wall.as_secs_f64() * 1000.0,
        None,
    );
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", copy.display()));
    }
    Ok(())
}
