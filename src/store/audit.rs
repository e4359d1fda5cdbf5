//! The audit trail: every change to a ticket, contact, agreement, invoice or
//! checklist writes one row (who, when, field, old, new) in the change's own
//! transaction.

use rusqlite::params;

use crate::store::sql::Sql;

/// One changed field of one record.
#[derive(Debug, Clone, Copy)]
pub struct Entry<'a> {
    /// 'ticket', 'contact', 'agreement', 'invoice', 'onboarding', 'technician' …
    pub entity: &'a str,
    pub id: i64,
    pub field: &'a str,
    pub old: Option<&'a str>,
    pub new: Option<&'a str>,
}

/// Writes one audit row by technician `who` at `at` (unix seconds); `who`
/// [`super::actor::MAIL`] is no technician (a client's mail did it).
pub fn record(conn: &dyn Sql, who: i64, at: i64, e: Entry<'_>) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT INTO audit (entity, entity_id, who_id, at, field, old, new) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![e.entity, e.id, super::actor::technician(who), at, e.field, e.old, e.new],
    )?;
    Ok(())
}
