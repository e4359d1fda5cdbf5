//! Write latency under contention (hardening, case 8): 8 command-line writers
//! at once on a copy of the 1M store, each adding notes one process at a time;
//! every figure is a whole process (start, open, one write transaction, exit).

use std::path::Path;
use std::time::Duration;

use anyhow::Result;

use crate::invoice::copy_store;
use crate::process::{pimdesk, run_measured};
use crate::report::{bench_dir, Report, Stats};

const WRITERS: usize = 8;
const WRITES_EACH: usize = 25;

pub fn writers(r: &mut Report, db: &Path) -> Result<()> {
    let copy = bench_dir().join("contention-1m.db");
    copy_store(db, &copy)?;
    // One warm-up write registers this user and warms the page cache.
    note(&copy, 1)?;
    let threads: Vec<_> = (0..WRITERS)
        .map(|w| {
            let copy = copy.clone();
            std::thread::spawn(move || -> Result<Vec<Duration>> {
                (0..WRITES_EACH)
                    .map(|i| note(&copy, (w * 1000 + i * 7 + 11) as i64))
                    .collect()
            })
        })
        .collect();
    let mut all = Vec::new();
    let mut failed = 0usize;
    for t in threads {
        match t.join() {
            Ok(Ok(v)) => all.extend(v),
            _ => failed += 1,
        }
    }
    let s = Stats::of(all.clone());
    r.note(format!(
        "contention: {WRITERS} threads each run `target/release/pimdesk --db {} ticket note ID --text … --internal` {WRITES_EACH} times, one after another, all at once; {} writes timed, {failed} writer threads failed; max {:.0} ms",
        copy.display(),
        all.len(),
        all.iter().max().map_or(0.0, |d| d.as_secs_f64() * 1000.0)
    ));
    r.timed(
        &format!(
            "write under contention: {WRITERS} concurrent CLI writers (whole process per note, n={})",
            all.len()
        ),
        &s,
        250.0,
        None,
    );
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", copy.display()));
    }
    Ok(())
}

fn note(db: &Path, id: i64) -> Result<Duration> {
    let mut c = pimdesk(db);
    c.args([
        "ticket",
        "note",
        &id.to_string(),
        "--text",
        "checked the switch again",
        "--internal",
    ]);
    let m = run_measured(c, None)?;
    if m.code != 0 {
        anyhow::bail!("ticket note exited {}: {}", m.code, String::from_utf8_lossy(&m.stderr));
    }
    Ok(m.wall)
}
