//! Running an import: one `BEGIN IMMEDIATE` transaction around as many
//! reads of the file as its section order needs, a thread reading and
//! parsing while this one writes; into a store the command has just made,
//! the fast fill of `store::bulk` (indexes built last).

use std::fs::File;
use std::io::{BufReader, Read};
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{self, Receiver, SyncSender};

use rusqlite::{Connection, TransactionBehavior};

use super::loader::Loader;
use super::stream::{read_once, Plan, Record, Stopped};
use super::work::stamp_unstamped;
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
fn run<R: Read + Send>(
    conn: &mut Connection,
    file: &Path,
    now: i64,
    rules: &Rules<'_>,
    new_store: bool,
    len: u64,
    open: &(dyn Fn() -> anyhow::Result<R> + Sync),
    progress: &mut dyn FnMut(Progress),
) -> anyhow::Result<ImportSummary> {
    let fast = new_store
        && match bulk::relax(conn) {
            Ok(relaxed) => relaxed,
            // Another process opened the new store first (two imports
            // racing for one path): fill it the ordinary way.
            Err(e) if e.sqlite_error_code() == Some(rusqlite::ErrorCode::DatabaseBusy) => {
                bulk::restore(conn)?;
                false
            }
            Err(e) => return Err(e.into()),
        };
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
fn fill<R: Read + Send>(
    conn: &mut Connection,
    file: &Path,
    now: i64,
    rules: &Rules<'_>,
    fast: bool,
    len: u64,
    open: &(dyn Fn() -> anyhow::Result<R> + Sync),
    progress: &mut dyn FnMut(Progress),
) -> anyhow::Result<ImportSummary> {
    let started = std::time::Instant::now();
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    // An existing store keeps its indexes as any write does; only the search
    // index is caught up at the end (the loader sets it aside).
    let indexes = if fast {
        bulk::fts_buffer_for_fill(&tx)?;
        bulk::drop_indexes(&tx)?
    } else {
        Vec::new()
    };
    let mut loader = Loader::new(&tx, file, now, rules, fast)?;
    let tickets_before = loader.tickets.before;
    let (reads, records) = read_and_write(&mut loader, file, len, open, progress)?;
    let (summary, search) = (loader.summary, loader.search.take().unwrap_or_default());
    // The key maps go before the indexes are sorted.
    drop(loader);
    let written = started.elapsed();
    // The full-text index among them, after the notes' ticket index.
    bulk::create_indexes(&tx, &indexes)?;
    bulk::create_indexes(&tx, &search)?;
    if fast {
        bulk::fts_buffer_default(&tx)?;
    }
    let indexed = started.elapsed();
    stamp_unstamped(&tx, tickets_before, rules)?;
    tx.commit()?;
    tracing::info!(
        records,
        reads,
        fast,
        written_s = written.as_secs_f64(),
        indexes_s = (indexed - written).as_secs_f64(),
        commit_s = (started.elapsed() - indexed).as_secs_f64(),
        "import written"
    );
    Ok(summary)
}

/// One thread reads and parses the file while this one writes: the two
/// halves of the work take about as long each. Returns the reads of the file
/// and the records written.
fn read_and_write<R: Read + Send>(
    loader: &mut Loader<'_>,
    file: &Path,
    len: u64,
    open: &(dyn Fn() -> anyhow::Result<R> + Sync),
    progress: &mut dyn FnMut(Progress),
) -> anyhow::Result<(u32, u64)> {
    let read_so_far = AtomicU64::new(0);
    let bytes = &read_so_far;
    std::thread::scope(|scope| {
        let (send, receive) = mpsc::sync_channel(QUEUED);
        // The sender moves to the reader: its end closes the channel.
        let reader = scope.spawn(move || read_all(file, open, &send, bytes));
        let written = write_all(loader, receive, len, bytes, progress);
        let reads = reader
            .join()
            .map_err(|_| anyhow::anyhow!("reading {} failed unexpectedly", file.display()));
        written.and_then(|records| Ok((reads?, records)))
    })
}

/// Records per message from the reading thread, and messages queued: a few
/// thousand records in flight at most.
const BATCH: usize = 256;
const QUEUED: usize = 8;

/// What the reading thread sends: records in file order, or the refusal
/// that ended the reading.
enum Msg {
    Records(Vec<(usize, Record)>),
    Refused(anyhow::Error),
}

/// Reads the file as often as its section order needs, sending its records;
/// returns the number of reads. Stops when the writer has gone.
fn read_all<R: Read>(
    file: &Path,
    open: &(dyn Fn() -> anyhow::Result<R> + Sync),
    send: &SyncSender<Msg>,
    bytes: &AtomicU64,
) -> u32 {
    let mut plan = Plan::default();
    let mut batch = Vec::with_capacity(BATCH);
    loop {
        let loaded = plan.loaded();
        bytes.store(0, Ordering::Relaxed);
        let read = open().and_then(|inner| {
            let reader = BufReader::with_capacity(1 << 16, Counted { inner, read: bytes });
            let mut sink = |i: usize, r: Record| {
                batch.push((i, r));
                batch.len() < BATCH
                    || send
                        .send(Msg::Records(std::mem::replace(&mut batch, Vec::with_capacity(BATCH))))
                        .is_ok()
            };
            read_once(reader, file, &mut plan, &mut sink)
        });
        if !batch.is_empty() && send.send(Msg::Records(std::mem::take(&mut batch))).is_err() {
            return plan.reads();
        }
        let refused = match read {
            Err(e) if e.is::<Stopped>() => return plan.reads(),
            Err(e) => Some(e),
            Ok(()) if plan.complete() => return plan.reads(),
            Ok(()) if plan.reads() > 1 && plan.loaded() == loaded => Some(anyhow::anyhow!(
                "import of {} made no progress in a read of the file",
                file.display()
            )),
            Ok(()) => None,
        };
        if let Some(e) = refused {
            let _ = send.send(Msg::Refused(e));
            return plan.reads();
        }
    }
}

/// Writes the records as they come, in file order; returns how many.
fn write_all(
    loader: &mut Loader<'_>,
    receive: Receiver<Msg>,
    len: u64,
    bytes: &AtomicU64,
    progress: &mut dyn FnMut(Progress),
) -> anyhow::Result<u64> {
    let mut records = 0u64;
    for msg in receive {
        let batch = match msg {
            Msg::Records(batch) => batch,
            Msg::Refused(e) => return Err(e),
        };
        for (i, record) in batch {
            if matches!(record, Record::Ticket(_) | Record::Note(_)) {
                loader.search_aside()?;
            }
            match record {
                Record::Company(r) => loader.company(i, r)?,
                Record::Contact(r) => loader.contact(i, r)?,
                Record::Technician(r) => loader.technician(i, r)?,
                Record::Agreement(r) => loader.agreement(i, r)?,
                Record::Ticket(r) => loader.ticket(i, r)?,
                Record::TimeEntry(r) => loader.time_entry(i, r)?,
                Record::Note(r) => loader.note(i, r)?,
            }
            records += 1;
            if records.is_multiple_of(REPORT_EVERY) {
                let share = bytes.load(Ordering::Relaxed) as f64 / len.max(1) as f64;
                let estimate = (records as f64 / share.clamp(1e-9, 1.0)) as u64;
                progress(Progress { records, estimate });
            }
        }
    }
    progress(Progress {
        records,
        estimate: records,
    });
    Ok(records)
}

/// Counts the bytes read from the file, for the progress estimate.
struct Counted<'a, R> {
    inner: R,
    read: &'a AtomicU64,
}

impl<R: Read> Read for Counted<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.read.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}
