//! The full-text index `ticket_fts`: one row per ticket (rowid = ticket
//! id) of its summary, its description, and the bodies of its notes in the
//! order they were written, each after a space — except the notes of a long
//! ticket sealed into `note_fts` chunks (`search_chunks`), 8 KiB at a time,
//! so that a new note never tokenizes the older ones again. The database
//! keeps it: the triggers of schema 13 (migrate_13_triggers.sql) write a
//! ticket's row on every write of the ticket or its notes. This module sets
//! the triggers aside for a big write and catches the index up after it in
//! one pass, builds it whole (`doctor --rebuild-search`), and tells whether
//! it still matches the tickets.

use rusqlite::Connection;

/// The triggers that keep the index, as a GLOB over their names.
const TRIGGERS: &str = "search_*";

/// Their names, as migrate_13_triggers.sql writes them.
const TRIGGER_NAMES: [&str; 6] = [
    "search_ticket_insert",
    "search_ticket_update",
    "search_ticket_delete",
    "search_note_insert",
    "search_note_update",
    "search_note_delete",
];

/// The statements that write the triggers: schema 13's own (a later schema
/// that changes them gives its own here).
const CREATE_TRIGGERS: &str = include_str!("migrate_13_triggers.sql");

/// The index rows of the tickets chosen by the condition that follows
/// (over `tickets t`), each with its notes in the order they were written.
const ROWS: &str = "INSERT INTO ticket_fts (rowid, summary, description, notes)
  SELECT t.id, t.summary, t.description,
         coalesce((SELECT group_concat(' ' || n.body, '' ORDER BY n.id) FROM notes n WHERE n.ticket_id = t.id), '')
    FROM tickets t WHERE ";

/// Builds the whole index again, and its triggers, in one transaction: all
/// or nothing. Each ticket's row holds all its notes; the next note on a
/// long ticket seals them into a chunk.
pub fn rebuild(conn: &mut Connection) -> rusqlite::Result<()> {
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    drop_triggers(&tx)?;
    tx.execute_batch(CREATE_TRIGGERS)?;
    tx.execute_batch("DELETE FROM ticket_fts; DELETE FROM note_fts; DELETE FROM search_chunks;")?;
    tx.execute(&format!("{ROWS} 1 ORDER BY t.id"), ())?;
    tx.commit()
}

/// Sets the triggers aside for a big write that only adds tickets and notes
/// (a demo, an import), inside its transaction, and returns the statements
/// that catch the index up afterwards in one pass each — the new tickets'
/// rows whole, the new notes of older tickets appended — and write the
/// triggers back. They read notes by the notes' ticket index: run them once
/// that index is there.
pub(crate) fn pause(conn: &Connection) -> rusqlite::Result<Vec<String>> {
    let (tickets, notes): (i64, i64) = conn.query_row(
        "SELECT (SELECT coalesce(max(id), 0) FROM tickets), (SELECT coalesce(max(id), 0) FROM notes)",
        [],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    let mut statements = vec![
        format!("{ROWS} t.id > {tickets} ORDER BY t.id"),
        // A long ticket with new notes: its chunks and head row go, its row
        // holds its older notes whole again, and the next statement appends
        // the new ones (the next note seals them).
        format!(
            "UPDATE ticket_fts
                SET notes = coalesce((SELECT group_concat(' ' || n.body, '' ORDER BY n.id) FROM notes n WHERE n.ticket_id = ticket_fts.rowid AND n.id <= {notes}), '')
              WHERE rowid IN (SELECT ticket_id FROM search_chunks WHERE ticket_id IN (SELECT ticket_id FROM notes WHERE id > {notes}));
             DELETE FROM note_fts WHERE rowid IN (SELECT id FROM search_chunks WHERE ticket_id IN (SELECT ticket_id FROM notes WHERE id > {notes}));
             DELETE FROM search_chunks WHERE ticket_id IN (SELECT ticket_id FROM notes WHERE id > {notes});"
        ),
        // `+ticket_id`: the notes are found by their id, the new ones only.
        format!(
            "UPDATE ticket_fts
                SET notes = notes || (SELECT group_concat(' ' || n.body, '' ORDER BY n.id) FROM notes n WHERE n.ticket_id = ticket_fts.rowid AND n.id > {notes})
              WHERE rowid IN (SELECT DISTINCT ticket_id FROM notes WHERE id > {notes} AND +ticket_id <= {tickets})"
        ),
    ];
    statements.extend(drop_triggers(conn)?);
    Ok(statements)
}

/// Drops the index's triggers; returns their SQL, as the store held it.
fn drop_triggers(conn: &Connection) -> rusqlite::Result<Vec<String>> {
    super::bulk::drop_triggers(conn, TRIGGERS)
}

/// The names of the index's triggers the store holds.
fn triggers(conn: &Connection) -> rusqlite::Result<Vec<String>> {
    let mut stmt = conn.prepare("SELECT name FROM sqlite_schema WHERE type = 'trigger' AND name GLOB ?1")?;
    let names = stmt.query_map([TRIGGERS], |r| r.get(0))?.collect();
    names
}

/// What is wrong with the index, in words: triggers it lacks (it would fall
/// behind the writes), tickets it lacks, rows of tickets that do not exist.
/// Reads only.
pub fn problems(conn: &Connection) -> rusqlite::Result<Vec<String>> {
    let (missing, stray): (i64, i64) = conn.query_row(
        "SELECT (SELECT count(*) FROM tickets t WHERE NOT EXISTS (SELECT 1 FROM ticket_fts_docsize d WHERE d.id = t.id)),
                (SELECT count(*) FROM ticket_fts_docsize d WHERE NOT EXISTS (SELECT 1 FROM tickets t WHERE t.id = d.id))
              + (SELECT count(*) FROM search_chunks s WHERE NOT EXISTS (SELECT 1 FROM tickets t WHERE t.id = s.ticket_id))",
        [],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    let mut out = Vec::new();
    let fix = "`pimdesk doctor --rebuild-search` builds it again";
    let present = triggers(conn)?;
    let lacking: Vec<&str> = TRIGGER_NAMES
        .into_iter()
        .filter(|n| !present.iter().any(|p| p == n))
        .collect();
    if !lacking.is_empty() {
        out.push(format!(
            "the search index lacks its triggers {} (it falls behind what is written); {fix}",
            lacking.join(", ")
        ));
    }
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
#[cfg(test)]
mod tests;
