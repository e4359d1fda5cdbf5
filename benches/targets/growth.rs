//! Cost against the history: the commands a user starts by hand, whole
//! processes, on 10k, 100k and 1M-ticket demo stores, with the growth
//! (1M ÷ 10k) beside each figure. A figure that grows where the work does
//! not is a finding.

use std::path::{Path, PathBuf};

use anyhow::Result;
use chrono::{Datelike, NaiveDate};

use crate::invoice::{as_admin, copy_store};
use crate::process::{checked, pimdesk, run_measured, Measured};
use crate::report::{bench_dir, now, Report};
use crate::NOW;

pub(crate) const SIZES: [(u64, &str); 3] = [(10_000, "10k"), (100_000, "100k"), (1_000_000, "1M")];

/// One command's figures at each size: (wall s, peak RSS MB).
struct Series {
    what: String,
    target: &'static str,
    figures: Vec<(f64, f64)>,
    /// Whether the 1M figure meets the target.
    ok: Option<bool>,
}

impl Series {
    fn new(what: &str, target: &'static str) -> Series {
        Series {
            what: what.to_string(),
            target,
            figures: Vec::new(),
            ok: None,
        }
    }

    fn push(&mut self, m: &Measured) {
        self.figures.push((m.wall.as_secs_f64(), m.maxrss_mb));
    }

    fn report(self, r: &mut Report) {
        let list = |f: &dyn Fn(&(f64, f64)) -> String| self.figures.iter().map(f).collect::<Vec<_>>().join(" / ");
        let secs = list(&|(s, _)| fmt_secs(*s));
        let mb = list(&|(_, m)| format!("{m:.0}"));
        let growth = match (self.figures.first(), self.figures.last()) {
            (Some(a), Some(b)) if self.figures.len() == SIZES.len() => {
                format!(" · growth ×{:.1} time, ×{:.1} memory", b.0 / a.0, b.1 / a.1)
            }
            _ => String::new(),
        };
        let last = self.figures.last().map_or(0.0, |f| f.0 * 1000.0);
        let what = format!("{} (10k / 100k / 1M)", self.what);
        r.row(
            &what,
            format!("{secs} · {mb} MB{growth}"),
            self.target,
            None,
            last,
            self.ok,
        );
    }
}

fn fmt_secs(s: f64) -> String {
    if s < 1.0 {
        format!("{:.0} ms", s * 1000.0)
    } else {
        format!("{s:.1} s")
    }
}

/// A demo store of `tickets` tickets beside the 1M one, made when absent.
pub(crate) fn ensure_store(tickets: u64, name: &str, one_million: &Path) -> Result<(PathBuf, Option<Measured>)> {
    if tickets == 1_000_000 {
        return Ok((one_million.to_path_buf(), None));
    }
    let db = bench_dir().join(format!("{name}.db"));
    if db.exists() {
        return Ok((db, None));
    }
    let mut cmd = pimdesk(&db);
    cmd.args(["demo", "--tickets", &tickets.to_string()]);
    let m = checked(run_measured(cmd, None)?, "pimdesk demo")?;
    Ok((db, Some(m)))
}

fn remove_store(db: &Path) {
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", db.display()));
    }
}

pub fn growth(r: &mut Report, one_million: &Path) -> Result<()> {
    let today = now().date_naive();
    let first = NaiveDate::from_ymd_opt(today.year(), today.month(), 1).unwrap_or(today);
    let last_month_end = first.pred_opt().unwrap_or(first);
    let two_years_back = today.with_year(today.year() - 2).unwrap_or(today);
    let mut export = Series::new("`export FILE`", "constant memory");
    let mut import = Series::new("`import FILE` into a new store", "≤ 128 MB at 1M");
    let mut run = Series::new(
        &format!("`invoice run --as-of {first}` (one month)"),
        "≤ 500 ms, ≤ 64 MB at 1M",
    );
    let mut search_the = Series::new("`ticket list --search the`", "the console's speed");
    let mut search_a = Series::new("`ticket list --search a`", "the console's speed");
    let mut report = Series::new(
        &format!("`sla report --from {two_years_back} --to {today}` (two years)"),
        "≤ 500 ms",
    );
    let mut made = Vec::new();
    for (tickets, name) in SIZES {
        let (db, demo) = ensure_store(tickets, name, one_million)?;
        if let Some(m) = demo {
            made.push(format!(
                "{name} {} and {:.0} MB",
                fmt_secs(m.wall.as_secs_f64()),
                m.maxrss_mb
            ));
        }
        let file = bench_dir().join(format!("export-{name}.json"));
        let mut cmd = pimdesk(&db);
        cmd.arg("export").arg(&file);
        export.push(&checked(run_measured(cmd, None)?, "export")?);

        let fresh = bench_dir().join(format!("import-{name}.db"));
        remove_store(&fresh);
        let mut cmd = pimdesk(&fresh);
        cmd.arg("import").arg(&file);
        import.push(&checked(run_measured(cmd, None)?, "import")?);
        remove_store(&fresh);
        let _ = std::fs::remove_file(&file);

        let copy = bench_dir().join(format!("invoice-{name}.db"));
        copy_store(&db, &copy)?;
        as_admin(&copy)?;
        let mut setup = pimdesk(&copy);
        setup.args(["invoice", "run", "--as-of", &last_month_end.to_string()]);
        checked(run_measured(setup, None)?, "invoice run (setup)")?;
        let mut cmd = pimdesk(&copy);
        cmd.args(["invoice", "run", "--as-of", &first.to_string()]);
        run.push(&checked(run_measured(cmd, None)?, "invoice run")?);
        remove_store(&copy);

        for (series, words) in [(&mut search_the, "the"), (&mut search_a, "a")] {
            let mut cmd = pimdesk(&db);
            cmd.args(["ticket", "list", "--search", words]);
            series.push(&checked(run_measured(cmd, None)?, "ticket list --search")?);
        }
        let mut cmd = pimdesk(&db);
        cmd.args([
            "sla",
            "report",
            "--from",
            &two_years_back.to_string(),
            "--to",
            &today.to_string(),
        ]);
        report.push(&checked(run_measured(cmd, None)?, "sla report")?);
    }
    r.note(format!(
        "growth: `PIMDESK_NOW={NOW} target/release/pimdesk --db STORE …` on demo stores of 10k, 100k and 1M tickets in {}; wall clock and wait4 ru_maxrss of each whole process, one run each{}; the invoice run on a copy after a setup run to {last_month_end}",
        bench_dir().display(),
        if made.is_empty() { String::new() } else { format!("; demo made this run: {}", made.join(", ")) }
    ));
    let within = |s: &Series, secs: f64, mb: f64| s.figures.last().map(|f| f.0 <= secs && f.1 <= mb);
    import.ok = within(&import, f64::MAX, 128.0);
    export.ok = within(&export, f64::MAX, 64.0);
    run.ok = within(&run, 0.5, 64.0);
    report.ok = within(&report, 0.5, f64::MAX);
    for s in [export, import, run, search_the, search_a, report] {
        s.report(r);
    }
    Ok(())
}
