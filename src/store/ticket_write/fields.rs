//! The field-by-field part of a ticket update: each changed field written
//! and audited, the priority checked against the schedule, the contact
//! against the company.

use rusqlite::params;

use crate::store::sql::Sql;

use super::{audit, check_contact, check_priority, fmt_opt, invalid, login_of, Current, TicketChanges, WriteError};
use crate::domain::text::{sanitize, sanitize_line};

/// Writes one field of a ticket when its value changes, with its audit row.
pub(super) struct FieldWriter<'a> {
    pub(super) tx: &'a dyn Sql,
    pub(super) id: i64,
    pub(super) who: i64,
    pub(super) now: i64,
    pub(super) changed: bool,
}

impl FieldWriter<'_> {
    fn set(
        &mut self,
        field: &'static str,
        col: &str,
        old: String,
        new: String,
        value: &dyn rusqlite::ToSql,
    ) -> Result<(), WriteError> {
        if old != new {
            self.tx.execute(
                &format!("UPDATE tickets SET {col} = ?2 WHERE id = ?1"),
                params![self.id, value],
            )?;
            audit(self.tx, self.id, self.who, self.now, field, Some(&old), Some(&new))?;
            self.changed = true;
        }
        Ok(())
    }
}

pub(super) fn text_fields(w: &mut FieldWriter<'_>, cur: &Current, ch: &TicketChanges) -> Result<(), WriteError> {
    if let Some(s) = &ch.summary {
        let s = sanitize_line(s);
        if s.is_empty() {
            return Err(invalid("summary", "a ticket needs a summary"));
        }
        w.set("summary", "summary", cur.summary.clone(), s.clone(), &s)?;
    }
    if let Some(d) = &ch.description {
        let d = sanitize(d);
        w.set("description", "description", cur.description.clone(), d.clone(), &d)?;
    }
    Ok(())
}

/// The priority and the scheduled time, checked together (a P5 needs one).
pub(super) fn priority_and_schedule(
    w: &mut FieldWriter<'_>,
    cur: &Current,
    ch: &TicketChanges,
) -> Result<(), WriteError> {
    let scheduled = ch.scheduled.unwrap_or(cur.scheduled);
    if let Some(p) = ch.priority {
        let p = check_priority(p, scheduled)?;
        w.set(
            "priority",
            "priority",
            cur.priority.to_string(),
            p.to_string(),
            &p.get(),
        )?;
        // The clock runs on the new priority only while no response has
        // stopped it: a met response stays met (README, SLA rules).
        if cur.first_response.is_none() && cur.resolved.is_none() {
            w.tx.execute(
                "UPDATE tickets SET clock_priority = ?2 WHERE id = ?1",
                params![w.id, p.get()],
            )?;
        }
    } else if ch.scheduled.is_some() {
        check_priority(cur.priority, scheduled)?;
    }
    if let Some(s) = ch.scheduled {
        w.set("scheduled", "scheduled", fmt_opt(cur.scheduled), fmt_opt(s), &s)?;
    }
    Ok(())
}

/// Company, contact (of that company), assignee, board and source.
pub(super) fn placement(w: &mut FieldWriter<'_>, cur: &Current, ch: &TicketChanges) -> Result<(), WriteError> {
    let company = ch.company_id.unwrap_or(cur.company_id);
    if let Some(c) = ch.company_id {
        w.set("company", "company_id", cur.company_id.to_string(), c.to_string(), &c)?;
    }
    let contact = ch.contact_id.unwrap_or(cur.contact_id);
    if ch.contact_id.is_some() || ch.company_id.is_some() {
        check_contact(w.tx, company, contact)?;
    }
    if let Some(c) = ch.contact_id {
        w.set("contact", "contact_id", fmt_opt(cur.contact_id), fmt_opt(c), &c)?;
    }
    if let Some(a) = ch.assignee_id {
        let (old, new) = (login_of(w.tx, cur.assignee_id)?, login_of(w.tx, a)?);
        w.set("assignee", "assignee_id", old, new, &a)?;
    }
    if let Some(b) = ch.board {
        w.set("board", "board", cur.board.to_string(), b.to_string(), &b.as_str())?;
    }
    if let Some(s) = ch.source {
        w.set("source", "source", cur.source.to_string(), s.to_string(), &s.as_str())?;
    }
    Ok(())
}
