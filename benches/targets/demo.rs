//! 1. The 1M-ticket store: made by `pimdesk demo --tickets 1000000` when absent, and timed then.

use std::path::PathBuf;

use anyhow::Result;
use chrono::Utc;

use crate::process::{checked, pimdesk, run_measured};
use crate::report::{bench_dir, Report};
use crate::NOW;

pub fn ensure_1m(r: &mut Report) -> Result<PathBuf> {
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
