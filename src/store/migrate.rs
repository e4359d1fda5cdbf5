//! Schema migrations on `PRAGMA user_version`. The version is first read
//! without a lock, so opening a current store never waits for a writer (an
//! import or an invoice run may hold the write lock for a long time); only
//! when a migration is due is it applied inside one `BEGIN IMMEDIATE` that
//! re-reads the version, so two consoles starting on a fresh file together
//! do not both migrate.

use rusqlite::{Connection, TransactionBehavior};

use super::StoreError;

/// Each step takes the store from version i to i+1.
const STEPS: &[&str] = &[
    include_str!("schema.sql"),
    include_str!("migrate_2.sql"),
    include_str!("migrate_3.sql"),
];

/// The schema version this build writes.
pub const CURRENT: i64 = STEPS.len() as i64;

pub fn user_version(conn: &Connection) -> rusqlite::Result<i64> {
    conn.query_row("PRAGMA user_version", [], |r| r.get(0))
}

/// Brings the store up to [`CURRENT`]; refuses a newer store without writing.
pub fn migrate(conn: &mut Connection, path: &std::path::Path) -> Result<(), StoreError> {
    // A plain read: in WAL mode it sees the last commit and takes no write lock.
    if user_version(conn)? == CURRENT {
        return Ok(());
    }
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let found = user_version(&tx)?;
    if found == 0 && has_foreign_tables(&tx)? {
        return Err(StoreError::NotOurs {
            path: path.to_path_buf(),
        });
    }
    if found > CURRENT {
        return Err(StoreError::Newer {
            path: path.to_path_buf(),
            found,
            supported: CURRENT,
        });
    }
    for (i, step) in STEPS.iter().enumerate().skip(found as usize) {
        tx.execute_batch(step)?;
        tracing::info!(version = i + 1, "migrated store");
    }
    if found < CURRENT {
        tx.pragma_update(None, "user_version", CURRENT)?;
    }
    tx.commit()?;
    Ok(())
}

/// A version-0 file that already has tables belongs to some other program.
pub fn has_foreign_tables(conn: &Connection) -> rusqlite::Result<bool> {
    // One statement, one snapshot: another console may be migrating right now.
    conn.query_row(
        "SELECT count(*) FROM sqlite_master WHERE (SELECT user_version FROM pragma_user_version) = 0",
        [],
        |r| r.get::<_, i64>(0),
    )
    .map(|n| n > 0)
}
