//! Work on a ticket beside its fields: notes (a client-visible one is the
//! first response), acknowledgement and time entries — each one transaction.

use rusqlite::params;

use crate::store::sql::Sql;

use super::actor::Actor;
use super::ticket_write::{audit, begin, current, finish, invalid, Rules, WriteError};
use crate::domain::mail::Outgoing;
use crate::domain::text::{sanitize, sanitize_line};

/// Adds a note; a client-visible note by a technician is a first response,
/// and with `mail` it is mailed to the ticket's contact: the outbox row is
/// written in the note's transaction.
#[allow(clippy::too_many_arguments)]
pub fn add_note<'a>(
    conn: &dyn Sql,
    id: i64,
    body: &str,
    internal: bool,
    who: impl Into<Actor<'a>>,
    now: i64,
    rules: &Rules<'_>,
    mail: Option<&Outgoing>,
) -> Result<(), WriteError> {
    let tx = begin(conn)?;
    let who = who.into().id(&tx)?;
    let note = Note {
        body,
        internal,
        who,
        by_client: false,
    };
    let (note_id, body) = add_note_in(&tx, id, &note, now, rules)?;
    if let Some(out) = mail.filter(|_| !internal) {
        super::mail::outbox::queue_note(&tx, id, note_id, &body, out, now)?;
    }
    tx.commit()?;
    Ok(())
}

/// A note as written: by a technician, or by a client (mail), whose note is
/// never a first response.
pub(crate) struct Note<'a> {
    pub body: &'a str,
    pub internal: bool,
    /// The technician, or [`super::actor::MAIL`].
    pub who: i64,
    pub by_client: bool,
}

/// Writes a note inside the caller's transaction; returns its id and the
/// text as stored (sanitised).
pub(crate) fn add_note_in(
    tx: &dyn Sql,
    id: i64,
    n: &Note<'_>,
    now: i64,
    rules: &Rules<'_>,
) -> Result<(i64, String), WriteError> {
    let body = sanitize(n.body).trim().to_string();
    if body.is_empty() {
        return Err(invalid("text", "the note is empty"));
    }
    let (who, internal) = (n.who, n.internal);
    let cur = current(tx, id)?;
    let note_id = tx.insert(
        "INSERT INTO notes (ticket_id, author_id, created, internal, body) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![id, super::actor::technician(who), now, internal, body],
    )?;
    let kind = match (internal, n.by_client) {
        (true, _) => "internal note",
        (false, true) => "client's note by mail",
        (false, false) => "client-visible note",
    };
    audit(
        tx,
        id,
        who,
        now,
        "note",
        None,
        Some(&format!("{kind}: {}", first_words(&body))),
    )?;
    if !internal && !n.by_client && cur.first_response.is_none() {
        tx.execute("UPDATE tickets SET first_response = ?2 WHERE id = ?1", params![id, now])?;
        audit(tx, id, who, now, "first_response", None, Some("client-visible note"))?;
    }
    finish(tx, id, now, rules)?;
    Ok((note_id, body))
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
    conn: &dyn Sql,
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
    conn: &dyn Sql,
    id: i64,
    t: &NewTime,
    who: impl Into<Actor<'a>>,
    now: i64,
) -> Result<(), WriteError> {
    let tx = begin(conn)?;
    let who = who.into().id(&tx)?;
    insert_time(&tx, id, t, who, now)?;
    tx.commit()?;
    Ok(())
}

/// Writes one time entry, its audit row and the ticket's new version inside
/// the caller's transaction (a stopped timer removes its row in the same one).
pub(super) fn insert_time(tx: &dyn Sql, id: i64, t: &NewTime, who: i64, now: i64) -> Result<i64, WriteError> {
    check_minutes(t.minutes)?;
    current(tx, id)?;
    let note = sanitize_line(&t.note);
    let entry = tx.insert(
        "INSERT INTO time_entries (ticket_id, technician_id, start, minutes, billable, note) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![id, who, t.start, t.minutes, t.billable, note],)?;
    audit(
        tx,
        id,
        who,
        now,
        "time",
        None,
        Some(&time_text(t.minutes, t.billable, &note)),
    )?;
    bump(tx, id, now)?;
    Ok(entry)
}

fn check_minutes(minutes: i64) -> Result<(), WriteError> {
    if (1..=24 * 60).contains(&minutes) {
        Ok(())
    } else {
        Err(invalid("minutes", format!("{minutes} is not between 1 and 1440")))
    }
}

/// "40 min (not billable): replaced the driver" — a time entry in the history.
fn time_text(minutes: i64, billable: bool, note: &str) -> String {
    format!(
        "{minutes} min{}{}",
        if billable { "" } else { " (not billable)" },
        if note.is_empty() {
            String::new()
        } else {
            format!(": {note}")
        }
    )
}

pub(super) fn bump(tx: &dyn Sql, id: i64, now: i64) -> rusqlite::Result<()> {
    tx.execute(
        "UPDATE tickets SET version = version + 1, updated = ?2 WHERE id = ?1",
        params![id, now],
    )?;
    Ok(())
}

/// A correction of a time entry: each field that is `Some` changes.
#[derive(Clone, Debug, Default)]
pub struct TimeChange {
    pub minutes: Option<i64>,
    pub billable: Option<bool>,
    pub note: Option<String>,
}

/// The entry's ticket and what it says now; refused when it does not exist or
/// an invoice has billed it (void the invoice first).
fn correctable(tx: &dyn Sql, entry: i64) -> Result<(i64, i64, bool, String), WriteError> {
    let row = tx.query_opt(
        "SELECT ticket_id, minutes, billable, note FROM time_entries WHERE id = ?1",
        [&entry],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
    )?;
    let Some(row) = row else {
        return Err(invalid(
            "entry",
            format!("no time entry {entry} (ticket show ID lists them)"),
        ));
    };
    let billed: Option<String> = tx
        .query_opt(
            "SELECT i.number FROM billed_items b JOIN invoice_lines l ON l.id = b.line_id JOIN invoices i ON i.id = l.invoice_id
             WHERE b.item_key IN ('labor:' || ?1, 'contract_labor:' || ?1, 'prepaid_labor:' || ?1) LIMIT 1",
            [&entry],
            |r| r.get(0),)?;
    if let Some(number) = billed {
        return Err(invalid(
            "entry",
            format!("time entry {entry} is billed on {number} and cannot change; void {number} first if it is wrong"),
        ));
    }
    Ok(row)
}

/// Corrects an unbilled time entry; the history keeps the old and new values.
pub fn edit_time<'a>(
    conn: &dyn Sql,
    entry: i64,
    change: &TimeChange,
    who: impl Into<Actor<'a>>,
    now: i64,
) -> Result<i64, WriteError> {
    if let Some(m) = change.minutes {
        check_minutes(m)?;
    }
    let tx = begin(conn)?;
    let who = who.into().id(&tx)?;
    let (ticket, minutes, billable, note) = correctable(&tx, entry)?;
    let after = (
        change.minutes.unwrap_or(minutes),
        change.billable.unwrap_or(billable),
        change.note.as_deref().map_or(note.clone(), sanitize_line),
    );
    if after == (minutes, billable, note.clone()) {
        return Err(invalid(
            "entry",
            format!("time entry {entry} already says that; nothing to change"),
        ));
    }
    tx.execute(
        "UPDATE time_entries SET minutes = ?2, billable = ?3, note = ?4 WHERE id = ?1",
        params![entry, after.0, after.1, after.2],
    )?;
    let old = time_text(minutes, billable, &note);
    let new = time_text(after.0, after.1, &after.2);
    audit(
        &tx,
        ticket,
        who,
        now,
        &format!("time entry {entry}"),
        Some(&old),
        Some(&new),
    )?;
    bump(&tx, ticket, now)?;
    tx.commit()?;
    Ok(ticket)
}

/// Deletes an unbilled time entry; the history keeps what it said.
pub fn delete_time<'a>(conn: &dyn Sql, entry: i64, who: impl Into<Actor<'a>>, now: i64) -> Result<i64, WriteError> {
    let tx = begin(conn)?;
    let who = who.into().id(&tx)?;
    let (ticket, minutes, billable, note) = correctable(&tx, entry)?;
    tx.execute("DELETE FROM time_entries WHERE id = ?1", [&entry])?;
    let old = time_text(minutes, billable, &note);
    audit(
        &tx,
        ticket,
        who,
        now,
        &format!("time entry {entry}"),
        Some(&old),
        Some("deleted"),
    )?;
    bump(&tx, ticket, now)?;
    tx.commit()?;
    Ok(ticket)
}
