//! The full-text index `ticket_fts`: one row per ticket (rowid = ticket
//! id) of its summary, its description, and the bodies of its notes in the
//! order they were written, each after a space. The database keeps it: the
//! triggers of schema 12 (migrate_12.sql) write a ticket's row on every
//! write of the ticket or its notes. This module builds it whole (a bulk
//! fill's last step, `doctor --rebuild-search`) and tells whether it still
//! matches the tickets.

use rusqlite::Connection;

/// The triggers that keep the index, as a GLOB over their names.
pub(crate) const TRIGGERS: &str = "search_*";

/// Their names, as migrate_12.sql writes them.
const TRIGGER_NAMES: [&str; 6] = [
    "search_ticket_insert",
    "search_ticket_update",
    "search_ticket_delete",
    "search_note_insert",
    "search_note_update",
    "search_note_delete",
];

/// The statements that write the triggers: schema 12's own (a later schema
/// that changes them gives its own here).
const CREATE_TRIGGERS: &str = include_str!("migrate_12.sql");

/// The whole index written again from the tickets and their notes, in one
/// pass. Reads each ticket's notes by the notes' ticket index: a bulk fill
/// runs it after its index builds.
pub(crate) const FILL: &str = "DELETE FROM ticket_fts;
INSERT INTO ticket_fts (rowid, summary, description, notes)
  SELECT t.id, t.summary, t.description,
         coalesce((SELECT group_concat(' ' || n.body, '' ORDER BY n.id) FROM notes n WHERE n.ticket_id = t.id), '')
    FROM tickets t ORDER BY t.id;";

/// Builds the whole index again, and its triggers, in one transaction: all
/// or nothing.
pub fn rebuild(conn: &mut Connection) -> rusqlite::Result<()> {
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    let present = triggers(&tx)?;
    for name in &present {
        tx.execute_batch(&format!("DROP TRIGGER \"{}\"", name.replace('"', "\"\"")))?;
    }
    tx.execute_batch(CREATE_TRIGGERS)?;
    tx.execute_batch(FILL)?;
    tx.commit()
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
                (SELECT count(*) FROM ticket_fts_docsize d WHERE NOT EXISTS (SELECT 1 FROM tickets t WHERE t.id = d.id))",
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
