//! The full-text index `ticket_fts` (summary, description, and every note
//! of a ticket; rowid = ticket id): filling it, mending one ticket's row,
//! rebuilding it whole, and telling whether it still matches the tickets.

use rusqlite::Connection;

/// The index rows of the tickets chosen by `filter` (over `tickets t`),
/// each with its notes in the order they were written.
const ROWS: &str = "INSERT INTO ticket_fts (rowid, summary, description, notes)
     SELECT t.id, t.summary, t.description,
            coalesce((SELECT group_concat(' ' || n.body, '' ORDER BY n.id) FROM notes n WHERE n.ticket_id = t.id), '')
       FROM tickets t WHERE ";

/// Indexes the tickets with an id above `before` (an import's new ones).
pub fn index_after(conn: &Connection, before: i64) -> rusqlite::Result<()> {
    conn.execute(&format!("{ROWS} t.id > ?1 ORDER BY t.id"), [before])?;
    Ok(())
}

/// Writes ticket `id`'s row again from the ticket and its notes (after a
/// note's text changed).
pub fn reindex(conn: &Connection, id: i64) -> rusqlite::Result<()> {
    conn.execute("DELETE FROM ticket_fts WHERE rowid = ?1", [id])?;
    conn.execute(&format!("{ROWS} t.id = ?1"), [id])?;
    Ok(())
}

/// Builds the whole index again, in one transaction: all or nothing.
pub fn rebuild(conn: &mut Connection) -> rusqlite::Result<()> {
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    tx.execute("DELETE FROM ticket_fts", [])?;
    index_after(&tx, i64::MIN)?;
    tx.commit()
}

/// What is wrong with the index, in words: tickets it lacks, rows of
/// tickets that do not exist. Reads only.
pub fn problems(conn: &Connection) -> rusqlite::Result<Vec<String>> {
    let (missing, stray): (i64, i64) = conn.query_row(
        "SELECT (SELECT count(*) FROM tickets t WHERE NOT EXISTS (SELECT 1 FROM ticket_fts_docsize d WHERE d.id = t.id)),
                (SELECT count(*) FROM ticket_fts_docsize d WHERE NOT EXISTS (SELECT 1 FROM tickets t WHERE t.id = d.id))",
        [],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    let mut out = Vec::new();
    let fix = "`pimdesk doctor --rebuild-search` builds it again";
    if missing > 0 {
        let what = if missing == 1 {
            "1 ticket (search cannot find it)".to_string()
        } else {
            format!("{missing} tickets (search cannot find them)")
        };
        out.push(format!("the search index lacks {what}; {fix}"));
    }
    if stray > 0 {
        out.push(format!(
            "the search index holds {stray} rows of tickets that do not exist; {fix}"
        ));
    }
    Ok(out)
}

#[cfg(test)]
mod cost;
