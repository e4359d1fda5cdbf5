//! One ticket with everything the ticket view and `ticket show` need.

use chrono::{DateTime, Utc};

use crate::store::sql::{Mode, Row, Sql};

use crate::domain::sla::{self, Calendar, Clock, LedgerEntry, SlaInput, SlaPolicy};
use crate::domain::ticket::{Board, Priority, Source, Status};
use crate::domain::time::from_secs;

#[derive(Debug, Clone, PartialEq, Default)]
pub struct TicketDetail {
    pub id: i64,
    pub company_id: i64,
    pub contact_id: Option<i64>,
    pub assignee_id: Option<i64>,
    pub summary: String,
    pub description: String,
    pub priority: Priority,
    pub status: Status,
    pub company: String,
    pub contact: Option<String>,
    pub contact_level: Option<String>,
    pub contact_phone: Option<String>,
    pub assignee: Option<String>,
    pub board: Board,
    pub source: Source,
    pub opened: i64,
    pub first_response: Option<i64>,
    pub resolved: Option<i64>,
    pub scheduled: Option<i64>,
    pub response_due: Option<i64>,
    pub warning_at: Option<i64>,
    pub paused_since: Option<i64>,
    /// The priority the response clock runs on (README, SLA rules).
    pub clock_priority: Priority,
    pub version: i64,
    pub notes: Vec<NoteRow>,
    pub time_entries: Vec<TimeRow>,
    pub history: Vec<AuditRow>,
    /// The newest audit row of the ticket when loaded: a save conflict lists
    /// only the changes after it.
    pub audit_mark: i64,
    pub pauses: Vec<(i64, Option<i64>)>,
    /// Attachments and mail of the ticket in words: "attachment 1: scan.pdf
    /// (application/pdf, 1200 bytes)", "mail to dana@… failed: 550 …".
    pub mail: Vec<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct NoteRow {
    /// The note's id (`note edit ID`).
    pub id: i64,
    pub created: i64,
    pub author: Option<String>,
    pub internal: bool,
    pub body: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct TimeRow {
    /// The entry's id (`time edit ID`, `time delete ID`).
    pub id: i64,
    pub start: i64,
    pub technician: Option<String>,
    pub minutes: i64,
    pub billable: bool,
    pub note: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct AuditRow {
    pub at: i64,
    pub who: Option<String>,
    pub field: String,
    pub old: Option<String>,
    pub new: Option<String>,
}

impl TicketDetail {
    /// The response clock as stored: every surface takes its state from here.
    pub fn clock(&self, policy: &SlaPolicy) -> Option<Clock> {
        Clock::from_stored(
            policy,
            self.clock_priority,
            self.response_due,
            self.warning_at,
            self.first_response.or(self.resolved),
            self.paused_since,
        )
    }

    /// The SLA engine's input for this ticket (for the pause ledger).
    pub fn sla_input(&self) -> Option<SlaInput> {
        let mut input = SlaInput::new(self.clock_priority, from_secs(self.opened));
        input.first_response = self.first_response.map(from_secs);
        input.completed = self.resolved.map(from_secs);
        input.scheduled = self.scheduled.map(from_secs);
        input.paused_since = self.paused_since.map(from_secs);
        input.paused = self
            .pauses
            .iter()
            .filter_map(|&(a, b)| Some((from_secs(a), from_secs(b?))))
            .collect();
        Some(input)
    }

    /// Each pause span and how far it moved the response deadline.
    pub fn pause_ledger(&self, cal: &Calendar, policy: &SlaPolicy, now: DateTime<Utc>) -> Vec<LedgerEntry> {
        self.sla_input()
            .map(|input| sla::pause_ledger(cal, policy, &input, now))
            .unwrap_or_default()
    }
}

/// Reads one ticket in one read transaction; None if there is no such ticket.
pub fn load(conn: &dyn Sql, id: i64) -> rusqlite::Result<Option<TicketDetail>> {
    let tx = conn.begin(Mode::Read)?;
    let Some(mut t) = head(&tx, id)? else { return Ok(None) };
    read_lists(&tx, id, &mut t)?;
    t.mail = mail_lines(&tx, id)?;
    tx.commit()?;
    Ok(Some(t))
}

/// What [`TicketDetail::mail`] says: attachments, then the ticket's mail.
fn mail_lines(tx: &dyn Sql, id: i64) -> rusqlite::Result<Vec<String>> {
    let mut lines: Vec<String> = crate::store::mail::attachments::list(tx, id)?
        .iter()
        .map(crate::store::mail::attachments::Listed::describe)
        .collect();
    let mail = crate::store::mail::outbox::of_ticket(tx, id)?;
    lines.extend(mail.iter().map(crate::store::mail::outbox::describe));
    Ok(lines)
}

/// The ticket's fields and pauses, without notes, time and history.
pub fn load_head(conn: &dyn Sql, id: i64) -> rusqlite::Result<Option<TicketDetail>> {
    let Some(mut t) = head(conn, id)? else { return Ok(None) };
    t.pauses = pauses(conn, id)?;
    Ok(Some(t))
}

fn pauses(conn: &dyn Sql, id: i64) -> rusqlite::Result<Vec<(i64, Option<i64>)>> {
    conn.query_vec(
        "SELECT start, \"end\" FROM ticket_pauses WHERE ticket_id = ?1 ORDER BY start",
        [&id],
        |r| Ok((r.lossy(0)?, r.lossy(1)?)),
    )
}

fn head(tx: &dyn Sql, id: i64) -> rusqlite::Result<Option<TicketDetail>> {
    tx.query_opt(
            "SELECT t.id, t.summary, t.description, t.priority, t.status, c.name, ct.name, ct.security_level, ct.phone, te.login, t.board, t.source,
                    t.opened, t.first_response, t.resolved, t.scheduled, t.response_due, t.warning_at, t.paused_since, t.version,
                    t.company_id, t.contact_id, t.assignee_id, coalesce(t.clock_priority, t.priority)
             FROM tickets t JOIN companies c ON c.id = t.company_id LEFT JOIN contacts ct ON ct.id = t.contact_id
             LEFT JOIN technicians te ON te.id = t.assignee_id WHERE t.id = ?1",
            [&id],
            |r| {
                Ok(TicketDetail {
                    id: r.lossy(0)?,
                    summary: r.lossy(1)?,
                    description: r.lossy(2)?,
                    priority: r.lossy(3)?,
                    status: r.lossy(4)?,
                    company: r.lossy(5)?,
                    contact: r.lossy(6)?,
                    contact_level: r.lossy(7)?,
                    contact_phone: r.lossy(8)?,
                    assignee: r.lossy(9)?,
                    board: r.lossy(10)?,
                    source: r.lossy(11)?,
                    opened: r.lossy(12)?,
                    first_response: r.lossy(13)?,
                    resolved: r.lossy(14)?,
                    scheduled: r.lossy(15)?,
                    response_due: r.lossy(16)?,
                    warning_at: r.lossy(17)?,
                    paused_since: r.lossy(18)?,
                    version: r.lossy(19)?,
                    company_id: r.lossy(20)?,
                    contact_id: r.lossy(21)?,
                    assignee_id: r.lossy(22)?,
                    clock_priority: r.lossy(23)?,
                    ..TicketDetail::default()
                })
            },
        )
}

/// A note from `created, author, internal, body, id`.
pub(crate) fn note_row(r: &Row<'_>) -> rusqlite::Result<NoteRow> {
    Ok(NoteRow {
        id: r.get(4)?,
        created: r.lossy(0)?,
        author: r.lossy(1)?,
        internal: r.lossy(2)?,
        body: r.lossy(3)?,
    })
}

fn read_lists(tx: &dyn Sql, id: i64, t: &mut TicketDetail) -> rusqlite::Result<()> {
    t.notes = tx.query_vec("SELECT n.created, coalesce(te.login, (SELECT coalesce(c.name, m.sender) || ' (by mail)' FROM mail_inbound m LEFT JOIN contacts c ON c.id = m.contact_id WHERE m.note_id = n.id)), n.internal, n.body, n.id FROM notes n LEFT JOIN technicians te ON te.id = n.author_id WHERE n.ticket_id = ?1 ORDER BY n.created, n.id", [&id], note_row)?;
    t.time_entries = tx.query_vec("SELECT e.start, te.login, e.minutes, e.billable, e.note, e.id FROM time_entries e LEFT JOIN technicians te ON te.id = e.technician_id WHERE e.ticket_id = ?1 ORDER BY e.start, e.id", [&id], |r| {
            Ok(TimeRow {
                start: r.lossy(0)?,
                technician: r.lossy(1)?,
                minutes: r.lossy(2)?,
                billable: r.lossy(3)?,
                note: r.lossy(4)?,
                id: r.get(5)?,
            })
        })?;
    t.history = tx.query_vec("SELECT a.at, te.login, a.field, a.old, a.new FROM audit a LEFT JOIN technicians te ON te.id = a.who_id WHERE a.entity = 'ticket' AND a.entity_id = ?1 ORDER BY a.at, a.id", [&id], |r| {
            Ok(AuditRow {
                at: r.lossy(0)?,
                who: r.lossy(1)?,
                field: r.lossy(2)?,
                old: r.lossy(3)?,
                new: r.lossy(4)?,
            })
        })?;
    t.audit_mark = tx.one(
        "SELECT coalesce(max(id), 0) FROM audit WHERE entity = 'ticket' AND entity_id = ?1",
        [&id],
    )?;
    t.pauses = pauses(tx, id)?;
    Ok(())
}
