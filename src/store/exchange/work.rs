//! Tickets and the work on them (time entries, notes) as an import writes
//! them: each ticket with its SLA deadlines in the same row. The full-text
//! index is caught up at the end (store/bulk.rs), its triggers set aside.

use std::sync::LazyLock;

use rusqlite::{params, Connection};

use super::loader::Loader;
use super::rec::{rec, Rec};
use super::{ImportError, NoteRec, TicketRec, TimeEntryRec};
use crate::domain::sla::SlaInput;
use crate::domain::text::{sanitize, sanitize_line};
use crate::domain::ticket::{check_times, Board, Priority, Source, Status, TicketTimes, UnknownValue};
use crate::domain::time::from_secs;
use crate::store::deadlines::{stamp, Stamp};
use crate::store::ticket_write::{contact_of_company, WriteError};

/// A ticket row with its SLA figures (the stamp's columns, in their order).
static TICKET_INSERT: LazyLock<String> = LazyLock::new(|| {
    format!(
        "INSERT INTO tickets (key, company_id, contact_id, summary, description, priority, status, board, source, assignee_id, opened, first_response, resolved, scheduled, paused_since, updated,
                              clock_priority, {})
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?6, ?17, ?18, ?19, ?20, ?21, ?22, ?23)",
        Stamp::COLUMNS
    )
});

impl Loader<'_> {
    pub(super) fn ticket(&mut self, i: usize, r: TicketRec) -> anyhow::Result<()> {
        self.tickets.check_fresh(self.file, "tickets", i, &r.key, |id| id)?;
        let at = rec(self.file, "tickets", i, &r.key);
        let company = at.key(&self.companies.map, "company", "company", &r.company)?;
        let contact = at.opt_key(&self.contacts.map, "contact", "contact", &r.contact)?;
        // The rule the command line and the editor apply, in the same words.
        if let Some((_, owner)) = contact {
            contact_of_company(company, Some(owner)).map_err(|e| match e {
                WriteError::Invalid { message, .. } => at.err("contact", message),
                other => at.err("contact", other.to_string()),
            })?;
        }
        let contact = contact.map(|(id, _)| id);
        let assignee = at.opt_key(&self.technicians.map, "assignee", "technician", &r.assignee)?;
        let (priority, status, board, source) = words(&at, &r)?;
        let (times, scheduled) = times(&at, &r, status, priority)?;
        let (opened, first_response, resolved) = (times.opened, times.first_response, times.resolved);
        let summary = sanitize_line(&r.summary);
        if summary.is_empty() {
            return Err(at.err("summary", "summary is empty").into());
        }
        let description = sanitize(&r.description);
        let paused_since = status.pauses_clock().then_some(self.now);
        let s = self.new_deadlines(priority, &times, scheduled, paused_since);
        let row = params![
            r.key,
            company,
            contact,
            summary,
            description,
            priority.get(),
            status.as_str(),
            board.as_str(),
            source.as_str(),
            assignee,
            opened,
            first_response,
            resolved,
            scheduled,
            paused_since,
            self.now,
        ];
        let values: Vec<&dyn rusqlite::ToSql> = row.iter().copied().chain(s.values()).collect();
        self.conn
            .prepare_cached(&TICKET_INSERT)?
            .execute(values.as_slice())
            .map_err(|e| at.err("key", e.to_string()))?;
        let id = self.conn.last_insert_rowid();
        if let Some(p) = paused_since {
            self.conn
                .prepare_cached("INSERT INTO ticket_pauses (ticket_id, start) VALUES (?1, ?2)")?
                .execute(params![id, p])?;
        }
        self.tickets.map.insert(&r.key, id)?;
        self.summary.tickets += 1;
        Ok(())
    }

    /// The deadlines of a new row: no closed pauses yet, the clock's
    /// priority the ticket's own (as `deadlines::store` would write them).
    fn new_deadlines(
        &self,
        priority: Priority,
        t: &TicketTimes,
        scheduled: Option<i64>,
        paused_since: Option<i64>,
    ) -> Stamp {
        let mut input = SlaInput::new(priority, from_secs(t.opened));
        input.first_response = t.first_response.map(from_secs);
        input.completed = t.resolved.map(from_secs);
        input.scheduled = scheduled.map(from_secs);
        input.paused_since = paused_since.map(from_secs);
        stamp(self.rules.calendar, self.rules.policy, &input)
    }

    pub(super) fn time_entry(&mut self, i: usize, r: TimeEntryRec) -> anyhow::Result<()> {
        let at = rec(self.file, "time_entries", i, "");
        let ticket = at.key(&self.tickets.map, "ticket", "ticket", &r.ticket)?;
        let tech = at.opt_key(&self.technicians.map, "technician", "technician", &r.technician)?;
        let start = at.instant("start", &r.start)?;
        if r.minutes <= 0 || r.minutes > 24 * 60 {
            return Err(at
                .err("minutes", format!("{} is not between 1 and 1440", r.minutes))
                .into());
        }
        self.conn
            .prepare_cached("INSERT INTO time_entries (ticket_id, technician_id, start, minutes, billable, note) VALUES (?1, ?2, ?3, ?4, ?5, ?6)")?
            .execute(params![ticket, tech, start, r.minutes, r.billable, sanitize(&r.note)])?;
        self.summary.time_entries += 1;
        Ok(())
    }

    pub(super) fn note(&mut self, i: usize, r: NoteRec) -> anyhow::Result<()> {
        let at = rec(self.file, "notes", i, "");
        let ticket = at.key(&self.tickets.map, "ticket", "ticket", &r.ticket)?;
        let author = at.opt_key(&self.technicians.map, "author", "technician", &r.author)?;
        let created = at.instant("created", &r.created)?;
        let body = sanitize(&r.body);
        self.conn
            .prepare_cached(
                "INSERT INTO notes (ticket_id, author_id, created, internal, body) VALUES (?1, ?2, ?3, ?4, ?5)",
            )?
            .execute(params![ticket, author, created, r.internal, body])?;
        self.summary.notes += 1;
        Ok(())
    }
}

/// Deadlines of tickets already in the store that have none, recomputed as
/// an import always has (the tickets it writes carry theirs).
pub(super) fn stamp_unstamped(
    conn: &Connection,
    loader_before: i64,
    rules: &crate::store::ticket_write::Rules<'_>,
) -> rusqlite::Result<()> {
    let mut stmt = conn.prepare("SELECT id FROM tickets WHERE response_due IS NULL AND id <= ?1")?;
    let ids: Vec<i64> = stmt
        .query_map([loader_before], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    drop(stmt);
    for id in ids {
        crate::store::deadlines::store(conn, id, rules.calendar, rules.policy)?;
    }
    Ok(())
}

/// A ticket record's priority, status, board and source, each refused with
/// the record and field named when it is not one of the guide's words.
fn words(at: &Rec<'_>, r: &TicketRec) -> Result<(Priority, Status, Board, Source), ImportError> {
    let priority = u8::try_from(r.priority)
        .ok()
        .and_then(Priority::new)
        .ok_or_else(|| at.err("priority", format!("{} is out of range 1-5", r.priority)))?;
    let word = |field: &str, e: UnknownValue| at.err(field, e.to_string());
    let status: Status = r.status.parse().map_err(|e| word("status", e))?;
    let board: Board = r.board.parse().map_err(|e| word("board", e))?;
    let source: Source = r.source.parse().map_err(|e| word("source", e))?;
    Ok((priority, status, board, source))
}

/// A ticket record's times, as the status needs them, and its scheduled
/// time (a P5 must have one).
fn times(
    at: &Rec<'_>,
    r: &TicketRec,
    status: Status,
    priority: Priority,
) -> Result<(TicketTimes, Option<i64>), ImportError> {
    let times = TicketTimes {
        status,
        opened: at.instant("opened", &r.opened)?,
        first_response: at.opt_instant("first_response", &r.first_response)?,
        resolved: at.opt_instant("resolved", &r.resolved)?,
    };
    check_times(&times).map_err(|p| at.err(p.field, p.message))?;
    let scheduled = at.opt_instant("scheduled", &r.scheduled)?;
    if priority.get() == 5 && scheduled.is_none() {
        return Err(at.err("scheduled", "a P5 (planned) ticket needs its scheduled time"));
    }
    Ok((times, scheduled))
}
