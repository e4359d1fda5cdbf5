//! `pimdesk demo`: realistic, deterministic data for a seed and a day —
//! clients around Richmond, VA in healthcare, accounting and local government,
//! their contacts, pim's technicians, agreements, and tickets over two years.

mod books;
mod directory;
mod tickets;

use chrono::{DateTime, Utc};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rusqlite::Connection;
use serde::Deserialize;

use crate::config::Config;
use crate::store::bulk;

/// What to generate.
#[derive(Debug, Clone, Copy)]
pub struct DemoOptions {
    pub tickets: u64,
    pub seed: u64,
}

/// What was generated, for the command's report.
#[derive(Debug, Default, Clone, Copy)]
pub struct DemoSummary {
    pub companies: usize,
    pub contacts: usize,
    pub technicians: usize,
    pub agreements: usize,
    pub tickets: u64,
    pub notes: u64,
    pub time_entries: u64,
    pub invoices: usize,
}

/// Stores up to this many tickets also get two years of invoices and payments
/// (billing a million tickets' history would take the demo past its targets).
pub const BOOKS_UP_TO: u64 = 100_000;

#[derive(Debug, Deserialize)]
pub(crate) struct Words {
    healthcare: Vec<String>,
    accounting: Vec<String>,
    government: Vec<String>,
    cities: Vec<String>,
    first_names: Vec<String>,
    last_names: Vec<String>,
    titles: Vec<String>,
    technicians: Vec<[String; 3]>,
    p1: Vec<String>,
    p2: Vec<String>,
    p3: Vec<String>,
    p4: Vec<String>,
    p5: Vec<String>,
    descriptions: Vec<String>,
    notes_internal: Vec<String>,
    notes_client: Vec<String>,
    time_notes: Vec<String>,
}

impl Words {
    fn load() -> anyhow::Result<Words> {
        Ok(toml::from_str(include_str!("../../assets/demo.toml"))?)
    }
}

/// Refuses to fill a store that already holds data, then fills it in one transaction.
pub fn generate(
    conn: &mut Connection,
    config: &Config,
    opts: DemoOptions,
    now: DateTime<Utc>,
) -> anyhow::Result<DemoSummary> {
    let mut rng = ChaCha8Rng::seed_from_u64(opts.seed);
    let mut summary = fill(conn, config, opts, now, &mut rng, false)?;
    add_books(conn, config, opts, now, &mut rng, &mut summary)?;
    Ok(summary)
}

/// [`generate`] for a store file the caller has just made: the same data,
/// written about once (see `bulk`); the store ends in WAL mode as always.
pub fn generate_new_store(
    conn: &mut Connection,
    config: &Config,
    opts: DemoOptions,
    now: DateTime<Utc>,
) -> anyhow::Result<DemoSummary> {
    if !bulk::relax(conn)? {
        return generate(conn, config, opts, now);
    }
    let mut rng = ChaCha8Rng::seed_from_u64(opts.seed);
    let filled = fill(conn, config, opts, now, &mut rng, true);
    // Back to WAL also when the fill failed: its transaction rolled back.
    let restored = bulk::restore(conn);
    let mut summary = filled?;
    restored?;
    add_books(conn, config, opts, now, &mut rng, &mut summary)?;
    Ok(summary)
}

/// The directory and the tickets, in one transaction; the search index is
/// built after the rows, and with `indexes_last` the ticket tables'
/// secondary indexes too.
fn fill(
    conn: &mut Connection,
    config: &Config,
    opts: DemoOptions,
    now: DateTime<Utc>,
    rng: &mut ChaCha8Rng,
    indexes_last: bool,
) -> anyhow::Result<DemoSummary> {
    let words = Words::load()?;
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    let existing = crate::store::demo_rows::companies(&tx)?;
    if existing > 0 {
        anyhow::bail!(crate::app::UsageError(
            "the store already holds data; demo data goes into a new store (use --db NEW_FILE)".into()
        ));
    }
    let mut summary = DemoSummary::default();
    let dir = directory::generate(&tx, &words, rng, now, config, &mut summary)?;
    let indexes = if indexes_last {
        bulk::fts_buffer_for_fill(&tx)?;
        bulk::drop_indexes(&tx)?
    } else {
        bulk::search_last(&tx)?
    };
    tickets::generate(&tx, &words, rng, &dir, config, opts.tickets, now, &mut summary)?;
    // The full-text index is built among them, with the fill's buffer.
    bulk::create_indexes(&tx, &indexes)?;
    if indexes_last {
        bulk::fts_buffer_default(&tx)?;
    }
    // The deadlines were computed with this config's calendar and SLA table.
    let basis = crate::domain::sla::basis(&config.sla_calendar(), &config.sla_policy());
    crate::store::deadlines::set_basis(&tx, &basis)?;
    tx.commit()?;
    Ok(summary)
}

/// Two years of invoices and payments, for stores small enough to bill.
fn add_books(
    conn: &mut Connection,
    config: &Config,
    opts: DemoOptions,
    now: DateTime<Utc>,
    rng: &mut ChaCha8Rng,
    summary: &mut DemoSummary,
) -> anyhow::Result<()> {
    if opts.tickets <= BOOKS_UP_TO {
        summary.invoices = books::generate(conn, config, rng, now)?;
    }
    Ok(())
}

pub(crate) fn pick<'a, T>(rng: &mut ChaCha8Rng, items: &'a [T]) -> &'a T {
    use rand::Rng;
    &items[rng.random_range(0..items.len())]
}
