//! Filling a store file a command has just made (`demo`, `import` into a
//! new store), at the cost of writing it once: a rollback journal without syncs while it fills, and the secondary
//! indexes of the ticket tables built after the rows, by one sort each; the
//! SLA summary and the full-text index, which triggers keep row by row
//! otherwise, built after them in one statement each.
//!
//! Why a rollback journal: in WAL mode one big transaction writes every page
//! twice (into the WAL, then the checkpoint copies it into the file). A
//! rollback journal saves only pages that existed before the transaction —
//! on a new store, the empty schema — so the fill stays one transaction and
//! stays all or nothing: a fill stopped half way (Ctrl-C, a full disk) leaves
//! the empty store, as before, and the next open rolls the journal back.
//! Skipping syncs risks only this new file, and only on a power loss.

use rusqlite::Connection;

/// The tables a fill writes by the million; their indexes are built last.
const BULK_TABLES: &str = "'tickets', 'ticket_pauses', 'notes', 'time_entries', 'audit'";

/// Page cache while filling (KiB): index builds sort in memory rather than
/// in temporary files, and FTS5 merges find their pages cached.
const FILL_CACHE_KIB: i64 = 32 * 1024;

/// Switches the connection to the fill settings. False (and nothing changed)
/// when another connection holds the store open in WAL mode: then the
/// caller fills it the ordinary way.
pub(crate) fn relax(conn: &Connection) -> rusqlite::Result<bool> {
    let mode: String = conn.query_row("PRAGMA journal_mode = DELETE", (), |r| r.get(0))?;
    if !mode.eq_ignore_ascii_case("delete") {
        return Ok(false);
    }
    conn.pragma_update(None, "synchronous", "OFF")?;
    conn.pragma_update(None, "cache_size", -FILL_CACHE_KIB)?;
    conn.pragma_update(None, "temp_store", "MEMORY")?;
    Ok(true)
}

/// Lets the fill's sorts (the index builds) spill to a temporary file, not
/// memory: for a fill that also holds its own maps (an import's keys), so
/// the sort's runs do not add to its peak. Call after [`relax`], outside a
/// transaction (SQLite refuses the change inside one).
pub(crate) fn sort_on_disk(conn: &Connection) -> rusqlite::Result<()> {
    conn.pragma_update(None, "temp_store", "FILE")
}

/// Back to the store's settings (DESIGN.md 6): WAL, `synchronous=FULL`, the
/// default cache and temporary files.
pub(crate) fn restore(conn: &Connection) -> anyhow::Result<()> {
    conn.pragma_update(None, "temp_store", "DEFAULT")?;
    conn.pragma_update(None, "cache_size", -2000)?;
    conn.pragma_update(None, "synchronous", "FULL")?;
    let mode: String = conn.query_row("PRAGMA journal_mode = WAL", (), |r| r.get(0))?;
    if !mode.eq_ignore_ascii_case("wal") {
        anyhow::bail!("the filled store stayed in journal mode {mode:?}, not WAL");
    }
    Ok(())
}

/// Rebuilds the per-day SLA summary (schema 10) from the tickets in one
/// pass, as its triggers would have kept it row by row.
const SLA_DAYS_REBUILD: &str = "DELETE FROM sla_days;
INSERT INTO sla_days (day, clock_priority, tickets, met, missed)
  SELECT opened / 86400, clock_priority, count(*), sum(response_met IS 1), sum(response_met IS 0)
  FROM tickets WHERE clock_priority BETWEEN 1 AND 5 AND response_due IS NOT NULL
  GROUP BY 1, 2;";

/// Drops the secondary indexes of the bulk tables and the triggers that
/// keep the SLA summary and the search index, and returns the statements
/// that build them again (exactly as the migrations wrote them), the summary
/// and the index rebuilt in between. The search index comes right after the
/// notes' indexes, which it reads the notes by, and before the other
/// tables' indexes: those reuse the pages its segment merges free, rather
/// than leaving them free at the end of the file.
pub(crate) fn drop_indexes(conn: &Connection) -> rusqlite::Result<Vec<String>> {
    let (notes, others): (Vec<_>, Vec<_>) = drop_secondary_indexes(conn)?
        .into_iter()
        .partition(|(table, _)| table == "notes");
    let mut statements: Vec<String> = notes.into_iter().map(|(_, sql)| sql).collect();
    statements.extend(search_last(conn)?);
    statements.extend(others.into_iter().map(|(_, sql)| sql));
    let sla_triggers = drop_triggers(conn, "sla_days_*")?;
    if !sla_triggers.is_empty() {
        statements.push(SLA_DAYS_REBUILD.to_string());
        statements.extend(sla_triggers);
    }
    Ok(statements)
}

/// For a big write into a store that keeps its indexes (an import into a
/// store with data): only the search index is caught up after the rows, in
/// one pass, rather than by its triggers row by row — they would write a
/// ticket's row again for each of its notes. Returns the statements for
/// [`create_indexes`].
pub(crate) fn search_last(conn: &Connection) -> rusqlite::Result<Vec<String>> {
    super::search_index::pause(conn)
}

/// Drops the triggers whose names match the GLOB `pattern`; returns their SQL.
pub(super) fn drop_triggers(conn: &Connection, pattern: &str) -> rusqlite::Result<Vec<String>> {
    let mut stmt =
        conn.prepare("SELECT name, sql FROM sqlite_schema WHERE type = 'trigger' AND name GLOB ?1 ORDER BY rowid")?;
    let triggers: Vec<(String, String)> = stmt
        .query_map([pattern], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<Result<_, _>>()?;
    for (name, _) in &triggers {
        conn.execute_batch(&format!("DROP TRIGGER \"{}\"", name.replace('"', "\"\"")))?;
    }
    Ok(triggers.into_iter().map(|(_, sql)| sql).collect())
}

/// Drops the secondary indexes of the bulk tables; returns each one's table
/// and SQL.
fn drop_secondary_indexes(conn: &Connection) -> rusqlite::Result<Vec<(String, String)>> {
    let mut stmt = conn.prepare(&format!(
        "SELECT name, tbl_name, sql FROM sqlite_schema
          WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN ({BULK_TABLES})
          ORDER BY rowid"
    ))?;
    let indexes: Vec<(String, String, String)> = stmt
        .query_map((), |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<Result<_, _>>()?;
    for (name, _, _) in &indexes {
        conn.execute_batch(&format!("DROP INDEX \"{}\"", name.replace('"', "\"\"")))?;
    }
    Ok(indexes.into_iter().map(|(_, table, sql)| (table, sql)).collect())
}

/// FTS5 writes its pending terms out as a new segment whenever they pass
/// `hashsize` (1 MiB by default) and merges segments as they pile up: most
/// of the fill's time. A bigger buffer while filling means few segments.
const FILL_FTS_HASHSIZE: i64 = 32 * 1024 * 1024;

/// Sets the full-text index's buffer for the fill, inside its transaction.
pub(crate) fn fts_buffer_for_fill(conn: &Connection) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT INTO ticket_fts (ticket_fts, rank) VALUES ('hashsize', ?1)",
        [FILL_FTS_HASHSIZE],
    )?;
    Ok(())
}

/// Removes the fill's buffer setting in the same transaction, so the store
/// keeps FTS5's default, as a store filled any other way (only this
/// connection, which writes no more tickets, still holds the bigger buffer).
pub(crate) fn fts_buffer_default(conn: &Connection) -> rusqlite::Result<()> {
    conn.execute("DELETE FROM ticket_fts_config WHERE k = 'hashsize'", ())?;
    Ok(())
}

/// Builds the indexes [`drop_indexes`] dropped, in their order.
pub(crate) fn create_indexes(conn: &Connection, statements: &[String]) -> rusqlite::Result<()> {
    for sql in statements {
        conn.execute_batch(sql)?;
    }
    Ok(())
}
