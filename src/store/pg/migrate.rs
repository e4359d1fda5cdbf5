//! Schema migrations on a PostgreSQL store: the version lives in table
//! `pimdesk_schema`; a migration runs in one transaction under an advisory
//! lock, so two consoles starting on a fresh database together do not both
//! migrate. A newer schema, or a database of another program, is refused
//! before anything is written.

use postgres::Client;

use super::Server;
use crate::store::StoreError;

/// The steps, each with the version it brings the store to. The first
/// creates the whole schema at the SQLite store's version 15; each later
/// step follows the SQLite migration of the same number.
const STEPS: &[(i64, &str)] = &[(15, include_str!("schema.sql"))];

/// The schema version this build writes: the same number as the SQLite
/// store's (`store::migrate::CURRENT`), for the same tables.
pub const CURRENT: i64 = STEPS[STEPS.len() - 1].0;

/// The key of the advisory lock migrations hold ("pimdesk" in ASCII).
const LOCK: i64 = 0x0070_696d_6465_736b;

/// The store's schema version; None for a database without one.
pub fn version(client: &mut impl postgres::GenericClient) -> Result<Option<i64>, postgres::Error> {
    let present: bool = client
        .query_one("SELECT to_regclass('pimdesk_schema') IS NOT NULL", &[])?
        .get(0);
    if !present {
        return Ok(None);
    }
    let row = client.query_opt("SELECT version FROM pimdesk_schema", &[])?;
    Ok(row.map(|r| r.get(0)))
}

/// Brings the store up to [`CURRENT`]; refuses a newer one untouched.
pub fn migrate(client: &mut Client, server: &Server) -> Result<(), StoreError> {
    let err = |e: postgres::Error| server.error(e);
    // A plain read first: opening a current store takes no lock.
    let found = version(client).map_err(err)?;
    if found == Some(CURRENT) {
        return Ok(());
    }
    refuse(client, server, found)?;
    let mut tx = client.transaction().map_err(err)?;
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&LOCK]).map_err(err)?;
    let found = version(&mut tx).map_err(err)?;
    refuse(&mut tx, server, found)?;
    let from = found.unwrap_or(0);
    for (to, sql) in STEPS.iter().filter(|(to, _)| *to > from) {
        tx.batch_execute(sql).map_err(err)?;
        tracing::info!(version = to, "migrated the PostgreSQL store");
    }
    tx.execute(
        "INSERT INTO pimdesk_schema (version) VALUES ($1) ON CONFLICT (one) DO UPDATE SET version = excluded.version",
        &[&CURRENT],
    )
    .map_err(err)?;
    tx.commit().map_err(err)
}

/// A newer store, or a database holding another program's tables.
fn refuse(client: &mut impl postgres::GenericClient, server: &Server, found: Option<i64>) -> Result<(), StoreError> {
    match found {
        Some(v) if v > CURRENT => Err(StoreError::ServerNewer {
            url: server.shown.clone(),
            found: v,
            supported: CURRENT,
        }),
        None => {
            let tables: i64 = client
                .query_one(
                    "SELECT count(*) FROM pg_catalog.pg_tables WHERE schemaname = current_schema()",
                    &[],
                )
                .map_err(|e| server.error(e))?
                .get(0);
            if tables > 0 {
                return Err(StoreError::ServerNotOurs {
                    url: server.shown.clone(),
                });
            }
            Ok(())
        }
        Some(_) => Ok(()),
    }
}
