//! Running an import: one `BEGIN IMMEDIATE` transaction around as many
//! reads of the file as its section order needs; into a store the command
//! has just made, the fast fill of `store::bulk` (indexes built last).

use std::cell::Cell;
use std::fs::File;
use std::io::{BufReader, Read};
use std::path::Path;
use std::rc::Rc;

use rusqlite::{Connection, TransactionBehavior};

use super::loader::Loader;
use super::stream::{read_once, Plan};
use super::work::{index_new_tickets, stamp_unstamped};
use super::ImportSummary;
use crate::app::UsageError;
use crate::store::bulk;
use crate::store::ticket_write::Rules;

/// How far an import has come: records written, and the records the whole
/// file is likely to hold, judged from the share of it read so far.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    pub records: u64,
    pub estimate: u64,
}

/// Records between two progress reports.
const REPORT_EVERY: u64 = 1024;

/// Imports the exchange file at `file`, reading it as a stream; all or
/// nothing. `new_store`: the caller has just made the store file, so it may
/// be filled with the safeguards of `store::bulk` relaxed.
pub fn import_file(
    conn: &mut Connection,
    file: &Path,
    now: i64,
    rules: &Rules<'_>,
    new_store: bool,
    progress: &mut dyn FnMut(Progress),
) -> anyhow::Result<ImportSummary> {
    let len = std::fs::metadata(file).map(|m| m.len()).unwrap_or(0);
    let open = || File::open(file).map_err(|e| UsageError(format!("cannot read {}: {e}", file.display())).into());
    run(conn, file, now, rules, new_store, len, &open, progress)
}

/// [`import_file`] of an exchange file already in memory (`bytes`).
pub(super) fn import_bytes(
    conn: &mut Connection,
    file: &Path,
    bytes: &[u8],
    now: i64,
    rules: &Rules<'_>,
) -> anyhow::Result<ImportSummary> {
    let open = || Ok(bytes);
    run(conn, file, now, rules, false, bytes.len() as u64, &open, &mut |_| {})
}

#[allow(clippy::too_many_arguments)]
fn run<R: Read>(
    conn: &mut Connection,
    file: &Path,
    now: i64,
    rules: &Rules<'_>,
    new_store: bool,
    len: u64,
    open: &dyn Fn() -> anyhow::Result<R>,
    progress: &mut dyn FnMut(Progress),
) -> anyhow::Result<ImportSummary> {
    let fast = new_store && bulk::relax(conn)?;
    // Measured on a million tickets: 111 MB peak instead of 127, and the
    // index builds a little faster.
    let sorts = if fast { bulk::sort_on_disk(conn) } else { Ok(()) };
    let filled = sorts
        .map_err(anyhow::Error::from)
        .and_then(|()| fill(conn, file, now, rules, fast, len, open, progress));
    if !fast {
        return filled;
    }
    // Back to WAL also when the fill failed: its transaction rolled back.
    let restored = bulk::restore(conn);
    let summary = filled?;
    restored?;
    Ok(summary)
}

#[allow(clippy::too_many_arguments)]
fn fill<R: Read>(
    conn: &mut Connection,
    file: &Path,
    now: i64,
    rules: &Rules<'_>,
    fast: bool,
    len: u64,
    open: &dyn Fn() -> anyhow::Result<R>,
    progress: &mut dyn FnMut(Progress),
) -> anyhow::Result<ImportSummary> {
    let started = std::time::Instant::now();
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    bulk::fts_buffer_for_fill(&tx)?;
    let indexes = if fast { bulk::drop_indexes(&tx)? } else { Vec::new() };
    let mut loader = Loader::new(&tx, file, now, rules)?;
    let tickets_before = loader.tickets.before;
    let mut plan = Plan::default();
    let mut records = 0u64;
    while plan.reads() == 0 || !plan.complete() {
        let loaded = plan.loaded();
        let read = Rc::new(Cell::new(0u64));
        let reader = BufReader::with_capacity(
            1 << 16,
            Counted {
                inner: open()?,
                read: Rc::clone(&read),
            },
        );
        let (at_start, mut this_read) = (records, 0u64);
        let mut tick = || {
            this_read += 1;
            if this_read % REPORT_EVERY == 0 {
                let share = read.get() as f64 / len.max(1) as f64;
                let estimate = at_start + (this_read as f64 / share.clamp(1e-9, 1.0)) as u64;
                progress(Progress {
                    records: at_start + this_read,
                    estimate,
                });
            }
        };
        read_once(reader, &mut loader, &mut plan, &mut tick)?;
        records = at_start + this_read;
        if plan.reads() > 1 && plan.loaded() == loaded && !plan.complete() {
            anyhow::bail!("import of {} made no progress in a read of the file", file.display());
        }
    }
    progress(Progress {
        records,
        estimate: records,
    });
    let summary = loader.summary;
    let reads = plan.reads();
    // The key maps go before the indexes are sorted.
    drop(loader);
    let written = started.elapsed();
    bulk::create_indexes(&tx, &indexes)?;
    let indexed = started.elapsed();
    index_new_tickets(&tx, tickets_before)?;
    bulk::fts_buffer_default(&tx)?;
    let searchable = started.elapsed();
    stamp_unstamped(&tx, tickets_before, rules)?;
    tx.commit()?;
    tracing::info!(
        records,
        reads,
        fast,
        written_s = written.as_secs_f64(),
        indexes_s = (indexed - written).as_secs_f64(),
        full_text_s = (searchable - indexed).as_secs_f64(),
        commit_s = (started.elapsed() - searchable).as_secs_f64(),
        "import written"
    );
    Ok(summary)
}

/// Counts the bytes read from the file, for the progress estimate.
struct Counted<R> {
    inner: R,
    read: Rc<Cell<u64>>,
}

impl<R: Read> Read for Counted<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.read.set(self.read.get() + n as u64);
        Ok(n)
    }
}
