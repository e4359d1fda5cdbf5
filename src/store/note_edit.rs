//! Correcting a note: its author (or an admin) may change its text; the
//! history keeps what it said before, whole.

use rusqlite::{params, Connection, OptionalExtension};

use super::actor::Actor;
use super::ticket_write::{audit, begin, invalid, WriteError};
use crate::domain::permissions::Role;
use crate::domain::text::sanitize;

/// Replaces note `note`'s text; returns its ticket.
pub fn edit_note<'a>(
    conn: &mut Connection,
    note: i64,
    text: &str,
    who: impl Into<Actor<'a>>,
    now: i64,
) -> Result<i64, WriteError> {
    let body = sanitize(text).trim().to_string();
    if body.is_empty() {
        return Err(invalid("text", "the note would be empty; write what it should say"));
    }
    let tx = begin(conn)?;
    let who = who.into().id(&tx)?;
    let row: Option<(i64, Option<i64>, Option<String>, String)> = tx
        .query_row(
            "SELECT n.ticket_id, n.author_id, te.login, n.body FROM notes n LEFT JOIN technicians te ON te.id = n.author_id WHERE n.id = ?1",
            [note],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .optional()?;
    let Some((ticket, author, login, old)) = row else {
        return Err(invalid(
            "note",
            format!("no note {note}; `pimdesk ticket show ID` lists a ticket's notes"),
        ));
    };
    let admin = super::actor::role_of(&tx, who)? == Some(Role::Admin);
    if author != Some(who) && !admin {
        let by = login.unwrap_or_else(|| "someone else".into());
        return Err(invalid(
            "note",
            format!("note {note} was written by {by}; only its author or an admin can correct it"),
        ));
    }
    if old == body {
        return Err(invalid(
            "text",
            format!("note {note} already says that; nothing to change"),
        ));
    }
    tx.execute("UPDATE notes SET body = ?2 WHERE id = ?1", params![note, body])?;
    audit(&tx, ticket, who, now, &format!("note {note}"), Some(&old), Some(&body))?;
    super::ticket_work::bump(&tx, ticket, now)?;
    tx.commit()?;
    Ok(ticket)
}
