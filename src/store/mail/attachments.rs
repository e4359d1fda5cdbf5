//! Attachments of mail on a ticket: name, type, size and the bytes, in the
//! store (never opened or run by pimdesk; `ticket attachment save` writes
//! them to a file).

use rusqlite::params;

use crate::store::sql::Sql;
use serde::Serialize;

use crate::domain::mail::parse::Incoming;
use crate::domain::text::sanitize_line;

/// Stores the attachments of `msg`, unless `skip` (an oversize message).
pub(super) fn store(
    tx: &dyn Sql,
    inbound: i64,
    ticket: Option<i64>,
    msg: &Incoming,
    skip: bool,
) -> rusqlite::Result<()> {
    if skip {
        return Ok(());
    }
    let mut stmt = tx.prepare_cached(
        "INSERT INTO mail_attachments (inbound_id, ticket_id, name, content_type, size, bytes) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?;
    for a in &msg.attachments {
        let name = sanitize_line(&a.name.replace(['/', '\\'], "_"));
        let size = i64::try_from(a.bytes.len()).unwrap_or(i64::MAX);
        stmt.execute(params![
            inbound,
            ticket,
            name,
            sanitize_line(&a.content_type),
            size,
            a.bytes
        ])?;
    }
    Ok(())
}

/// An attachment as listed on a ticket: `n` counts from 1 in arrival order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Listed {
    pub n: i64,
    pub name: String,
    pub content_type: String,
    pub size: i64,
}

impl Listed {
    /// "attachment 1: error screenshot.png (image/png, 70 bytes)".
    pub fn describe(&self) -> String {
        format!(
            "attachment {}: {} ({}, {} bytes)",
            self.n, self.name, self.content_type, self.size
        )
    }
}

/// The attachments of a ticket, in arrival order.
pub fn list(conn: &dyn Sql, ticket: i64) -> rusqlite::Result<Vec<Listed>> {
    let mut stmt = conn.prepare_cached(
        "SELECT row_number() OVER (ORDER BY id), name, content_type, size FROM mail_attachments WHERE ticket_id = ?1 ORDER BY id",
    )?;
    let rows = stmt.query_map([ticket], |r| {
        Ok(Listed {
            n: r.get(0)?,
            name: r.get(1)?,
            content_type: r.get(2)?,
            size: r.get(3)?,
        })
    })?;
    rows.collect()
}

/// The name and bytes of attachment `n` of a ticket.
pub fn bytes(conn: &dyn Sql, ticket: i64, n: i64) -> rusqlite::Result<Option<(String, Vec<u8>)>> {
    conn.query_opt(
        "SELECT name, bytes FROM mail_attachments WHERE ticket_id = ?1 ORDER BY id LIMIT 1 OFFSET ?2",
        params![ticket, n - 1],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )
}
