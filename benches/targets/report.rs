//! The table and its notes (`target/bench/report.md`), percentiles, and small helpers.
// The benchmark prints its own trusted figures.
#![allow(clippy::disallowed_macros)]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use anyhow::{Context, Result};
use chrono::{DateTime, Utc};

use crate::NOW;

pub struct Report {
    rows: Vec<[String; 6]>,
    notes: Vec<String>,
    pub sqlite3: bool,
}

impl Report {
    pub fn new() -> Report {
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

    pub fn note(&mut self, text: String) {
        println!("· {text}");
        self.notes.push(text);
    }

    /// One table row; `ours` (ms) over `floor` (ms) is the ratio.
    pub fn row(&mut self, what: &str, measured: String, target: &str, floor: Option<f64>, ours: f64, ok: Option<bool>) {
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
    pub fn timed(&mut self, what: &str, s: &Stats, target_ms: f64, floor: Option<f64>) {
        let target = format!("≤ {target_ms} ms p99");
        self.row(what, s.show(), &target, floor, s.p50, Some(s.p99 <= target_ms));
    }

    pub fn finish(&self) -> Result<()> {
        let mut md = String::from("# pimdesk benchmark (DESIGN.md 8)\n\n");
        md.push_str("Measured by `cargo bench --bench targets` (benches/targets/; benches/run.sh).\n\n");
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

pub struct Stats {
    pub p50: f64,
    pub p99: f64,
    pub n: usize,
}

impl Stats {
    pub fn of(mut v: Vec<Duration>) -> Stats {
        v.sort();
        let at = |q: f64| v.get(((v.len() as f64 * q).ceil() as usize).saturating_sub(1)).copied();
        let ms = |d: Option<Duration>| d.map_or(f64::NAN, |d| d.as_secs_f64() * 1000.0);
        Stats {
            p50: ms(at(0.5)),
            p99: ms(at(0.99)),
            n: v.len(),
        }
    }
    pub fn show(&self) -> String {
        format!("p50 {} · p99 {} (n={})", ms(self.p50), ms(self.p99), self.n)
    }
}

pub fn ms(v: f64) -> String {
    if v >= 100.0 {
        format!("{v:.0} ms")
    } else {
        format!("{v:.2} ms")
    }
}

pub fn bench_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("target").join("bench")
}

pub fn cores() -> usize {
    std::thread::available_parallelism().map_or(0, |n| n.get())
}

pub fn uptime() -> String {
    Command::new("uptime")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_else(|_| std::fs::read_to_string("/proc/loadavg").unwrap_or_default())
}

pub fn now() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(NOW)
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_default()
}
