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
    include_str!("migrate_4.sql"),
    include_str!("migrate_5.sql"),
    include_str!("migrate_6.sql"),
    include_str!("migrate_7.sql"),
    include_str!("migrate_8.sql"),
    include_str!("migrate_9.sql"),
    include_str!("migrate_10.sql"),
    // Version 11: mail in and out.
    include_str!("migrate_11.sql"),
    // Version 12: the search index kept by triggers.
    include_str!("migrate_12.sql"),
    // Version 13: a note appends to the search index at a bounded cost.
    concat!(include_str!("migrate_13.sql"), include_str!("migrate_13_triggers.sql")),
    // Version 14: invoices and pages by mail.
    include_str!("migrate_14.sql"),
    // Version 15: an index for the After hours view; search tables with
    // prefix indexes up to eight letters (their triggers written again).
    concat!(include_str!("migrate_15.sql"), include_str!("migrate_13_triggers.sql")),
];

/// The schema version this build writes.
pub const CURRENT: i64 = STEPS.len() as i64;

pub fn user_version(conn: &Connection) -> rusqlite::Result<i64> {
    conn.query_row("PRAGMA user_version", (), |r| r.get(0))
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

#[cfg(test)]
mod tests {
    use super::*;

    /// A store at the schema before contract labor had a kind of its own,
    /// with a prepaid block's billed draws: one entry drawn in full, one
    /// split between prepaid hours and labor on a line of its own.
    fn billed_before_v4() -> Connection {
        let conn = Connection::open_in_memory().unwrap();
        conn.pragma_update(None, "foreign_keys", "ON").unwrap();
        for step in &STEPS[..2] {
            conn.execute_batch(step).unwrap();
        }
        conn.pragma_update(None, "user_version", 2).unwrap();
        conn.execute_batch(
            "INSERT INTO companies (id, key, name) VALUES (1, 'acme', 'Acme');
             INSERT INTO tickets (id, company_id, summary, priority, status, board, source, opened, updated)
               VALUES (1, 1, 'Printer', 3, 'Resolved', 'Service Desk', 'phone', 0, 0);
             INSERT INTO time_entries (id, ticket_id, start, minutes, billable) VALUES (7, 1, 0, 40, 1), (8, 1, 60, 50, 1);
             INSERT INTO invoices (id, number, company_id, date, due, total_cents, created)
               VALUES (1, 'INV-000001', 1, '2026-02-16', '2026-02-16', 5000, 0);
             INSERT INTO invoice_lines (id, invoice_id, kind, description, ticket_id, minutes, unit_cents, amount_cents)
               VALUES (1, 1, 'prepaid_labor', 'Prepaid labor drawn, ticket #1', 1, 40, 0, 0),
                      (2, 1, 'prepaid_labor', 'Prepaid labor drawn, ticket #1', 1, 20, 0, 0),
                      (3, 1, 'labor', 'Labor, ticket #1 at $100.00/h', 1, 30, 10000, 5000);
             INSERT INTO billed_items (item_key, line_id)
               VALUES ('prepaid_labor:7', 1), ('prepaid_labor:8', 2), ('labor:8', 3);",
        )
        .unwrap();
        conn
    }

    #[test]
    fn migrating_keeps_invoices_and_recovers_billed_prepaid_draws() {
        let mut conn = billed_before_v4();
        migrate(&mut conn, std::path::Path::new(":memory:")).unwrap();
        assert_eq!(user_version(&conn).unwrap(), CURRENT);
        let minutes: Vec<(String, Option<i64>, i64)> = conn
            .prepare("SELECT b.item_key, b.minutes, l.minutes FROM billed_items b JOIN invoice_lines l ON l.id = b.line_id ORDER BY 1")
            .unwrap()
            .query_map((), |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        let expected = [
            ("labor:8".to_string(), None, 30),
            ("prepaid_labor:7".to_string(), Some(40), 40),
            ("prepaid_labor:8".to_string(), Some(20), 20),
        ];
        assert_eq!(minutes, expected);
        // Version 6 counts each entry's billed charges: 7 drew, 8 drew and billed labor.
        let counts: Vec<(i64, i64)> = conn
            .prepare("SELECT id, billed FROM time_entries ORDER BY id")
            .unwrap()
            .query_map((), |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        assert_eq!(counts, [(7, 1), (8, 2)]);
        conn.execute(
            "INSERT INTO invoice_lines (invoice_id, kind, description, amount_cents) VALUES (1, 'contract_labor', 'x', 0)",
            [],
        )
        .unwrap();
        let sql: String = conn
            .query_row("SELECT sql FROM sqlite_schema WHERE name = 'billed_items'", (), |r| {
                r.get(0)
            })
            .unwrap();
        assert!(
            sql.contains("REFERENCES \"invoice_lines\"") || sql.contains("REFERENCES invoice_lines("),
            "{sql}"
        );
        let fk: i64 = conn
            .query_row("SELECT count(*) FROM pragma_foreign_key_check", (), |r| r.get(0))
            .unwrap();
        assert_eq!(fk, 0);
    }
}
