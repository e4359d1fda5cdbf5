//! Unsaved editor text, kept in the store so a dropped session loses nothing.
//! One draft per technician and ticket (ticket 0: a new ticket).

use rusqlite::{params, Connection, OptionalExtension};

#[derive(Debug, Clone, PartialEq)]
pub struct Draft {
    pub ticket_id: Option<i64>,
    pub base_version: Option<i64>,
    /// JSON of the editor's fields.
    pub body: String,
    pub updated: i64,
}

/// Saves (replaces) the draft in one transaction.
pub fn save(conn: &Connection, technician: i64, d: &Draft) -> rusqlite::Result<()> {
    let tx = rusqlite::Transaction::new_unchecked(conn, rusqlite::TransactionBehavior::Immediate)?;
    tx.execute(
        "DELETE FROM drafts WHERE technician_id = ?1 AND ifnull(ticket_id, 0) = ifnull(?2, 0)",
        params![technician, d.ticket_id],
    )?;
    tx.execute(
        "INSERT INTO drafts (technician_id, ticket_id, base_version, body, updated) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![technician, d.ticket_id, d.base_version, d.body, d.updated],
    )?;
    tx.commit()
}

pub fn delete(conn: &Connection, technician: i64, ticket_id: Option<i64>) -> rusqlite::Result<()> {
    conn.execute(
        "DELETE FROM drafts WHERE technician_id = ?1 AND ifnull(ticket_id, 0) = ifnull(?2, 0)",
        params![technician, ticket_id],
    )?;
    Ok(())
}

/// The technician's most recent draft, if any.
pub fn latest(conn: &Connection, technician: i64) -> rusqlite::Result<Option<Draft>> {
    conn.query_row(
        "SELECT ticket_id, base_version, body, updated FROM drafts WHERE technician_id = ?1 ORDER BY updated DESC, id DESC LIMIT 1",
        [technician],
        |r| Ok(Draft { ticket_id: r.get(0)?, base_version: r.get(1)?, body: r.get(2)?, updated: r.get(3)? }),
    )
    .optional()
}
