//! Work on a ticket beside its fields: notes (a client-visible one is the
//! first response), acknowledgement and time entries — each one transaction.

use rusqlite::{params, Connection};

use super::actor::Actor;
use super::ticket_write::{audit, begin, current, finish, invalid, Rules, WriteError};
use crate::domain::text::{sanitize, sanitize_line};

/// Adds a note; a client-visible note by a technician is a first response.
pub fn add_note<'a>(
    conn: &mut Connection,
    id: i64,
    body: &str,
    internal: bool,
    who: impl Into<Actor<'a>>,
    now: i64,
    rules: &Rules<'_>,
) -> Result<(), WriteError> {
    let body = sanitize(body).trim().to_string();
    if body.is_empty() {
        return Err(invalid("text", "the note is empty"));
    }
    let tx = begin(conn)?;
    let who = who.into().id(&tx)?;
    let cur = current(&tx, id)?;
    tx.execute(
        "INSERT INTO notes (ticket_id, author_id, created, internal, body) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![id, who, now, internal, body],
    )?;
    tx.execute(
        "UPDATE ticket_fts SET notes = notes || ' ' || ?2 WHERE rowid = ?1",
        params![id, body],
    )?;
    let kind = if internal {
        "internal note"
    } else {
        "client-visible note"
    };
    audit(
        &tx,
        id,
        who,
        now,
        "note",
        None,
        Some(&format!("{kind}: {}", first_words(&body))),
    )?;
    if !internal && cur.first_response.is_none() {
        tx.execute("UPDATE tickets SET first_response = ?2 WHERE id = ?1", params![id, now])?;
        audit(&tx, id, who, now, "first_response", None, Some("client-visible note"))?;
    }
    finish(&tx, id, now, rules)?;
    tx.commit()?;
    Ok(())
}

fn first_words(s: &str) -> String {
    let line = s.lines().next().unwrap_or("");
    if line.chars().count() > 60 {
        format!("{}…", line.chars().take(60).collect::<String>())
    } else {
        line.to_string()
    }
}

/// Records the first response explicitly.
pub fn acknowledge<'a>(
    conn: &mut Connection,
    id: i64,
    who: impl Into<Actor<'a>>,
    now: i64,
    rules: &Rules<'_>,
) -> Result<bool, WriteError> {
    let tx = begin(conn)?;
    let who = who.into().id(&tx)?;
    let cur = current(&tx, id)?;
    if cur.first_response.is_some() {
        return Ok(false);
    }
    tx.execute("UPDATE tickets SET first_response = ?2 WHERE id = ?1", params![id, now])?;
    audit(&tx, id, who, now, "first_response", None, Some("acknowledged"))?;
    finish(&tx, id, now, rules)?;
    tx.commit()?;
    Ok(true)
}

/// A time entry on a ticket.
#[derive(Debug, Clone, PartialEq)]
pub struct NewTime {
    pub minutes: i64,
    pub start: i64,
    pub billable: bool,
    pub note: String,
}

pub fn add_time<'a>(
    conn: &mut Connection,
    id: i64,
    t: &NewTime,
    who: impl Into<Actor<'a>>,
    now: i64,
) -> Result<(), WriteError> {
    if !(1..=24 * 60).contains(&t.minutes) {
        return Err(invalid("minutes", format!("{} is not between 1 and 1440", t.minutes)));
    }
    let tx = begin(conn)?;
    let who = who.into().id(&tx)?;
    current(&tx, id)?;
    let note = sanitize_line(&t.note);
    tx.execute(
        "INSERT INTO time_entries (ticket_id, technician_id, start, minutes, billable, note) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![id, who, t.start, t.minutes, t.billable, note],
    )?;
    let what = format!(
        "{} min{}{}",
        t.minutes,
        if t.billable { "" } else { " (not billable)" },
        if note.is_empty() {
            String::new()
        } else {
            format!(": {note}")
        }
    );
    audit(&tx, id, who, now, "time", None, Some(&what))?;
    tx.execute(
        "UPDATE tickets SET version = version + 1, updated = ?2 WHERE id = ?1",
        params![id, now],
    )?;
    tx.commit()?;
    Ok(())
}
