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
//! `target/bench/invoice-1m.db`, a fresh copy of the 1M store per run;
//! `target/bench/10k.db` and `100k.db` for the growth figures;
//! `target/bench/mail-1m.db`, a fresh copy of the 1M store for the mail figures.

mod console;
mod contention;
mod demo;
mod floor;
mod growth;
mod harness;
mod invoice;
mod keys_pty;
mod long_ticket;
mod mail;
mod process;
mod queue;
mod recompute;
mod report;
mod sla;
mod sorts;

use anyhow::Result;

use report::{cores, uptime, Report};

/// The frozen "now" of the stores and of every in-process figure: a Wednesday, 10:00 in New York.
pub const NOW: &str = "2026-11-25T10:00:00-05:00";
/// The release binary: cargo builds it for the bench and names it here.
pub const BIN: &str = env!("CARGO_BIN_EXE_pimdesk");
/// The queue's page size at 80x24 (`QueueState::limit`: two screens of 19 rows, at least 60).
pub const LIMIT: usize = 60;
/// The queue's window cap (`state/queue.rs` WINDOW).
pub const WINDOW: usize = 300;
/// The search classes: a friendly phrase, a rare word, one and two letters,
/// six common words, a long phrase, long common words (every prefix up to
/// eight letters typed), a word in no ticket.
pub const SEARCHES: [&str; 10] = [
    "printer offline",
    "ransomware",
    "a",
    "pr",
    "the",
    "print off",
    "the for you this in we",
    "printer offline at front desk the",
    "confirmation before scheduled",
    "zzqxv",
];

fn main() -> Result<()> {
    if let Some(report) = std::env::var_os(process::SPAWN) {
        return process::spawner(std::path::Path::new(&report));
    }
    std::fs::create_dir_all(report::bench_dir())?;
    let mut r = Report::new();
    r.note(format!("machine: {} cores; load at start: {}", cores(), uptime()));
    let db = demo::ensure_1m(&mut r)?;
    if wanted("queue") {
        queue::queue_figures(&mut r, &db)?;
    }
    if wanted("sorts") {
        sorts::every_sort_both_ways(&mut r, &db)?;
    }
    if wanted("ticket") {
        long_ticket::long_ticket(&mut r, &db)?;
    }
    if wanted("console") {
        console::console_process(&mut r, &db)?;
    }
    if wanted("keys") {
        keys_pty::keys_in_pty(&mut r, &db)?;
    }
    if wanted("sla") {
        sla::sla_board(&mut r)?;
    }
    if wanted("due") {
        sla::sla_due(&mut r)?;
    }
    if wanted("invoice") {
        invoice::invoice_run(&mut r, &db)?;
    }
    if wanted("contention") {
        contention::writers(&mut r, &db)?;
    }
    if wanted("recompute") {
        recompute::recompute_on_open(&mut r, &db)?;
    }
    if wanted("mail") {
        mail::mail(&mut r, &db)?;
    }
    if wanted("growth") {
        growth::growth(&mut r, &db)?;
    }
    r.note(format!("load at end: {}", uptime()));
    r.finish()
}

/// `PIMDESK_BENCH_ONLY=queue,sorts,ticket,console,keys,sla,due,invoice,contention,recompute,mail,growth` runs only those parts (all by default).
fn wanted(part: &str) -> bool {
    std::env::var("PIMDESK_BENCH_ONLY").map_or(true, |only| only.split(',').any(|p| p.trim() == part))
}
