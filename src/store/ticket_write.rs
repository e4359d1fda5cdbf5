//! Every change to a ticket: one `BEGIN IMMEDIATE` transaction that checks the
//! version, writes the change, its audit rows, the search index and the SLA
//! deadlines together.

use rusqlite::params;

use crate::store::sql::{Mode, Sql};

use super::actor::Actor;
use super::deadlines::store as store_deadlines;
pub use super::ticket_work::{acknowledge, add_note, add_time, NewTime};
use crate::domain::sla::{Calendar, SlaPolicy};
use crate::domain::text::{sanitize, sanitize_line};
use crate::domain::ticket::{check_times, Board, Priority, Source, Status, TicketTimes};

/// Why a write was refused; nothing was written.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error("no ticket #{0}")]
    NotFound(i64),
    #[error("ticket #{id} was changed by {by} since you opened it ({}; version {ours} → {theirs})", fields.join(", "))]
    Conflict {
        id: i64,
        ours: i64,
        theirs: i64,
        by: String,
        fields: Vec<String>,
    },
    #[error("{field}: {message}")]
    Invalid { field: &'static str, message: String },
    #[error("ticket #{id} holds a value pimdesk cannot read ({why}); nothing was written")]
    Unreadable { id: i64, why: String },
    #[error(transparent)]
    Store(#[from] rusqlite::Error),
}

pub(crate) fn invalid(field: &'static str, message: impl Into<String>) -> WriteError {
    WriteError::Invalid {
        field,
        message: message.into(),
    }
}

/// The SLA rules a write needs to restamp deadlines.
pub struct Rules<'a> {
    pub calendar: &'a Calendar,
    pub policy: &'a SlaPolicy,
}

/// A new ticket, as typed; names are resolved inside the write.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct NewTicket {
    pub company_id: i64,
    pub contact_id: Option<i64>,
    pub summary: String,
    pub description: String,
    pub priority: Priority,
    pub board: Board,
    pub source: Source,
    pub assignee_id: Option<i64>,
    pub scheduled: Option<i64>,
}

/// Field changes; None leaves a field as it is.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TicketChanges {
    pub summary: Option<String>,
    pub description: Option<String>,
    pub priority: Option<Priority>,
    pub status: Option<Status>,
    pub company_id: Option<i64>,
    pub contact_id: Option<Option<i64>>,
    pub assignee_id: Option<Option<i64>>,
    pub board: Option<Board>,
    pub source: Option<Source>,
    pub scheduled: Option<Option<i64>>,
}

/// A write transaction: the store's write lock first ([`Mode::Write`]).
pub fn begin(conn: &dyn Sql) -> rusqlite::Result<crate::store::sql::Tx<'_>> {
    conn.begin(Mode::Write)
}

pub(super) fn audit(
    tx: &dyn Sql,
    id: i64,
    who: i64,
    now: i64,
    field: &str,
    old: Option<&str>,
    new: Option<&str>,
) -> rusqlite::Result<()> {
    super::audit::record(
        tx,
        who,
        now,
        super::audit::Entry {
            entity: "ticket",
            id,
            field,
            old,
            new,
        },
    )
}

fn check_priority(p: Priority, scheduled: Option<i64>) -> Result<Priority, WriteError> {
    if p.get() == 5 && scheduled.is_none() {
        return Err(invalid("scheduled", "a P5 (planned) ticket needs its scheduled time"));
    }
    Ok(p)
}

pub(crate) fn check_contact(tx: &dyn Sql, company: i64, contact: Option<i64>) -> Result<(), WriteError> {
    if let Some(c) = contact {
        let owner: Option<i64> = tx.query_opt("SELECT company_id FROM contacts WHERE id = ?1", [&c], |r| r.get(0))?;
        return contact_of_company(company, owner);
    }
    Ok(())
}

/// The rule of [`check_contact`] on a given contact's company as stored
/// (`owner`, `None` when there is no such contact): an import checks it
/// from its key maps.
pub(crate) fn contact_of_company(company: i64, owner: Option<i64>) -> Result<(), WriteError> {
    if owner != Some(company) {
        return Err(invalid(
            "contact",
            "the contact does not belong to the ticket's company",
        ));
    }
    Ok(())
}

/// Creates a ticket (status New); returns its ID.
pub fn create<'a>(
    conn: &dyn Sql,
    t: &NewTicket,
    who: impl Into<Actor<'a>>,
    now: i64,
    rules: &Rules<'_>,
) -> Result<i64, WriteError> {
    create_in_status(conn, t, Status::New, who, now, rules)
}

/// [`create`] for a ticket that starts in another status than New (the
/// editor lets one be chosen): made and moved in one transaction, audited
/// as both steps.
pub fn create_in_status<'a>(
    conn: &dyn Sql,
    t: &NewTicket,
    status: Status,
    who: impl Into<Actor<'a>>,
    now: i64,
    rules: &Rules<'_>,
) -> Result<i64, WriteError> {
    let tx = begin(conn)?;
    let who = who.into().id(&tx)?;
    let id = create_in(&tx, t, who, now, rules)?;
    if status != Status::New {
        let ch = TicketChanges {
            status: Some(status),
            ..TicketChanges::default()
        };
        update_in(&tx, id, &ch, None, who, now, rules)?;
    }
    tx.commit()?;
    Ok(id)
}

/// [`create`] inside the caller's transaction (mail makes the ticket and
/// records the message in one).
pub(crate) fn create_in(tx: &dyn Sql, t: &NewTicket, who: i64, now: i64, rules: &Rules<'_>) -> Result<i64, WriteError> {
    let summary = sanitize_line(&t.summary);
    if summary.is_empty() {
        return Err(invalid("summary", "a ticket needs a summary"));
    }
    let description = sanitize(&t.description);
    let priority = check_priority(t.priority, t.scheduled)?;
    let (board, source) = (t.board, t.source);
    check_contact(tx, t.company_id, t.contact_id)?;
    let id = tx.insert(
        "INSERT INTO tickets (company_id, contact_id, summary, description, priority, status, board, source, assignee_id, opened, scheduled, updated)
         VALUES (?1, ?2, ?3, ?4, ?5, 'New', ?6, ?7, ?8, ?9, ?10, ?9)",
        params![t.company_id, t.contact_id, summary, description, priority.get(), board.as_str(), source.as_str(), t.assignee_id, now, t.scheduled],)?;
    audit(tx, id, who, now, "created", None, Some(&summary))?;
    store_deadlines(tx, id, rules.calendar, rules.policy)?;
    Ok(id)
}

/// The stored state a change is checked against.
pub(super) struct Current {
    pub(super) version: i64,
    summary: String,
    description: String,
    priority: Priority,
    status: Status,
    company_id: i64,
    contact_id: Option<i64>,
    assignee_id: Option<i64>,
    board: Board,
    source: Source,
    scheduled: Option<i64>,
    pub(super) first_response: Option<i64>,
    resolved: Option<i64>,
}

pub(super) fn current(tx: &dyn Sql, id: i64) -> Result<Current, WriteError> {
    tx.query_opt(
        "SELECT version, summary, description, priority, status, company_id, contact_id, assignee_id, board, source, scheduled, first_response, resolved FROM tickets WHERE id = ?1",
        [&id],
        |r| {
            Ok(Current {
                version: r.get(0)?,
                summary: r.get(1)?,
                description: r.get(2)?,
                priority: r.get(3)?,
                status: r.get(4)?,
                company_id: r.get(5)?,
                contact_id: r.get(6)?,
                assignee_id: r.get(7)?,
                board: r.get(8)?,
                source: r.get(9)?,
                scheduled: r.get(10)?,
                first_response: r.get(11)?,
                resolved: r.get(12)?,
            })
        },)
    .map_err(|e| match e {
        // A value no front end could have written: say which ticket, change nothing.
        rusqlite::Error::FromSqlConversionFailure(_, _, why) => WriteError::Unreadable { id, why: why.to_string() },
        e => e.into(),
    })?
    .ok_or(WriteError::NotFound(id))
}

/// Fields changed by others since `version`, from the audit.
/// What a save was based on: the version the editor opened, and the newest
/// audit row then (None from a draft older than the mark).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Seen {
    pub version: i64,
    pub audit_mark: Option<i64>,
}

/// Who changed the ticket since `seen`, and which fields: the audit rows
/// after the mark (without one, a guess from the newest rows).
fn changed_since(tx: &dyn Sql, id: i64, seen: Seen, current_version: i64) -> Result<(String, Vec<String>), WriteError> {
    let (after, limit) = match seen.audit_mark {
        Some(mark) => (mark, -1),
        None => (0, (current_version - seen.version).max(1) * 4),
    };
    let mut stmt = tx.prepare(
        "SELECT a.field, coalesce(te.login, '?') FROM audit a LEFT JOIN technicians te ON te.id = a.who_id
         WHERE a.entity = 'ticket' AND a.entity_id = ?1 AND a.id > ?2 ORDER BY a.id DESC LIMIT ?3",
    )?;
    let rows: Vec<(String, String)> = stmt
        .query_map(params![id, after, limit], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<Result<_, _>>()?;
    let by = rows
        .first()
        .map(|r| r.1.clone())
        .unwrap_or_else(|| "another console".into());
    let mut fields: Vec<String> = rows.into_iter().map(|r| r.0).collect();
    fields.sort();
    fields.dedup();
    Ok((by, fields))
}

/// Applies changes if the ticket is still at the version `expected` saw (None: whatever it is now).
pub fn update<'a>(
    conn: &dyn Sql,
    id: i64,
    ch: &TicketChanges,
    expected: Option<Seen>,
    who: impl Into<Actor<'a>>,
    now: i64,
    rules: &Rules<'_>,
) -> Result<i64, WriteError> {
    let tx = begin(conn)?;
    let who = who.into().id(&tx)?;
    let version = update_in(&tx, id, ch, expected, who, now, rules)?;
    tx.commit()?;
    Ok(version)
}

#[allow(clippy::too_many_arguments)]
pub(super) fn update_in(
    tx: &dyn Sql,
    id: i64,
    ch: &TicketChanges,
    expected: Option<Seen>,
    who: i64,
    now: i64,
    rules: &Rules<'_>,
) -> Result<i64, WriteError> {
    let cur = current(tx, id)?;
    if let Some(seen) = expected.filter(|s| s.version != cur.version) {
        let (by, fields) = changed_since(tx, id, seen, cur.version)?;
        return Err(WriteError::Conflict {
            id,
            ours: seen.version,
            theirs: cur.version,
            by,
            fields,
        });
    }
    let mut w = FieldWriter {
        tx,
        id,
        who,
        now,
        changed: false,
    };
    text_fields(&mut w, &cur, ch)?;
    priority_and_schedule(&mut w, &cur, ch)?;
    placement(&mut w, &cur, ch)?;
    let mut changed = w.changed;
    if let Some(s) = ch.status {
        changed |= set_status(tx, id, &cur, s, who, now)?;
        times_fit_status(tx, id)?;
    }
    if changed {
        finish(tx, id, now, rules)?;
    }
    Ok(if changed { cur.version + 1 } else { cur.version })
}

mod fields;
use fields::{placement, priority_and_schedule, text_fields, FieldWriter};

fn fmt_opt(v: Option<i64>) -> String {
    v.map(|v| v.to_string()).unwrap_or_default()
}

fn login_of(tx: &dyn Sql, id: Option<i64>) -> rusqlite::Result<String> {
    match id {
        None => Ok(String::new()),
        Some(id) => tx
            .query_opt("SELECT login FROM technicians WHERE id = ?1", [&id], |r| r.get(0))
            .map(|l| l.unwrap_or_default()),
    }
}

/// Status moves and what they mean for the clock (DESIGN.md 3.1, 3.2).
fn set_status(tx: &dyn Sql, id: i64, cur: &Current, new: Status, who: i64, now: i64) -> Result<bool, WriteError> {
    let old = cur.status;
    if old == new {
        return Ok(false);
    }
    tx.execute(
        "UPDATE tickets SET status = ?2 WHERE id = ?1",
        params![id, new.as_str()],
    )?;
    audit(tx, id, who, now, "status", Some(old.as_str()), Some(new.as_str()))?;
    if old == Status::New && cur.first_response.is_none() {
        tx.execute("UPDATE tickets SET first_response = ?2 WHERE id = ?1", params![id, now])?;
        audit(tx, id, who, now, "first_response", None, Some("moved out of New"))?;
    }
    if old.pauses_clock() {
        tx.execute(
            "UPDATE ticket_pauses SET \"end\" = ?2 WHERE ticket_id = ?1 AND \"end\" IS NULL",
            params![id, now],
        )?;
        tx.execute("UPDATE tickets SET paused_since = NULL WHERE id = ?1", [&id])?;
    }
    if new.pauses_clock() {
        tx.execute(
            "INSERT INTO ticket_pauses (ticket_id, start) VALUES (?1, ?2)",
            params![id, now],
        )?;
        tx.execute("UPDATE tickets SET paused_since = ?2 WHERE id = ?1", params![id, now])?;
    }
    if new.is_completed() && cur.resolved.is_none() {
        tx.execute("UPDATE tickets SET resolved = ?2 WHERE id = ?1", params![id, now])?;
    }
    if !new.is_completed() && old.is_completed() {
        // Reopening clears the completion time.
        tx.execute("UPDATE tickets SET resolved = NULL WHERE id = ?1", [&id])?;
    }
    Ok(true)
}

/// The ticket's times after a status move still fit its status (the rule
/// the import checks too); the refusal names the status, which moved.
fn times_fit_status(tx: &dyn Sql, id: i64) -> Result<(), WriteError> {
    let (status, opened, first_response, resolved): (String, i64, Option<i64>, Option<i64>) = tx.query_row(
        "SELECT status, opened, first_response, resolved FROM tickets WHERE id = ?1",
        [&id],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
    )?;
    let status: Status = status
        .parse()
        .map_err(|e: crate::domain::ticket::UnknownValue| invalid("status", e.to_string()))?;
    let times = TicketTimes {
        status,
        opened,
        first_response,
        resolved,
    };
    check_times(&times).map_err(|p| invalid("status", p.message))
}

/// Bumps the version and restamps deadlines (the search row follows the
/// ticket by itself: migrate_12.sql).
pub(super) fn finish(tx: &dyn Sql, id: i64, now: i64, rules: &Rules<'_>) -> rusqlite::Result<()> {
    tx.execute(
        "UPDATE tickets SET version = version + 1, updated = ?2 WHERE id = ?1",
        params![id, now],
    )?;
    store_deadlines(tx, id, rules.calendar, rules.policy)
}
