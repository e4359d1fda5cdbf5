//! Export: the whole store as an exchange file, in id order, keys stable.

use std::collections::HashMap;

use chrono_tz::Tz;
use rusqlite::{Connection, Row};

use super::*;
use crate::domain::time::rfc3339_secs;

/// Reads everything in one read transaction, so the file is a consistent snapshot.
pub fn export(conn: &mut Connection, tz: Tz) -> rusqlite::Result<Exchange> {
    let tx = conn.transaction()?;
    let companies: Vec<CompanyRec> = rows(&tx, "SELECT key, name, industry FROM companies ORDER BY id", |r| {
        Ok(CompanyRec {
            key: r.get(0)?,
            name: r.get(1)?,
            industry: r.get(2)?,
        })
    })?;
    let contacts = rows(&tx, "SELECT c.key, co.key, c.name, c.email, c.phone, c.security_level FROM contacts c JOIN companies co ON co.id = c.company_id ORDER BY c.id", |r| {
        Ok(ContactRec { key: r.get(0)?, company: r.get(1)?, name: r.get(2)?, email: r.get(3)?, phone: r.get(4)?, security_level: r.get(5)? })
    })?;
    let technicians = rows(&tx, "SELECT key, name, login, role FROM technicians ORDER BY id", |r| {
        Ok(TechnicianRec {
            key: r.get(0)?,
            name: r.get(1)?,
            login: r.get(2)?,
            role: r.get(3)?,
        })
    })?;
    let agreements = rows(&tx, "SELECT a.key, co.key, a.product, a.executed, a.project_completed, a.ended, a.onboarding_fee_cents, a.monthly_cents, a.project_fee_cents, a.labor_rate_cents, a.prepaid_hours_per_month FROM agreements a JOIN companies co ON co.id = a.company_id ORDER BY a.id", |r| {
        Ok(AgreementRec {
            key: r.get(0)?, company: r.get(1)?, product: r.get(2)?, executed: r.get(3)?, project_completed: r.get(4)?, ended: r.get(5)?,
            onboarding_fee_cents: r.get(6)?, monthly_cents: r.get(7)?, project_fee_cents: r.get(8)?, labor_rate_cents: r.get(9)?, prepaid_hours_per_month: r.get(10)?,
        })
    })?;
    let ticket_keys: HashMap<i64, String> = rows(&tx, "SELECT id, coalesce(key, 't' || id) FROM tickets", |r| {
        Ok((r.get(0)?, r.get(1)?))
    })?
    .into_iter()
    .collect();
    let t = |secs: Option<i64>| secs.map(|s| rfc3339_secs(s, tz));
    let tickets = rows(&tx, "SELECT coalesce(t.key, 't' || t.id), co.key, ct.key, t.summary, t.description, t.priority, t.status, t.board, t.source, te.key, t.opened, t.first_response, t.resolved, t.scheduled
        FROM tickets t JOIN companies co ON co.id = t.company_id LEFT JOIN contacts ct ON ct.id = t.contact_id LEFT JOIN technicians te ON te.id = t.assignee_id ORDER BY t.id", |r| {
        Ok(TicketRec {
            key: r.get(0)?, company: r.get(1)?, contact: r.get(2)?, summary: r.get(3)?, description: r.get(4)?, priority: r.get(5)?,
            status: r.get(6)?, board: r.get(7)?, source: r.get(8)?, assignee: r.get(9)?, opened: rfc3339_secs(r.get(10)?, tz),
            first_response: t(r.get(11)?), resolved: t(r.get(12)?), scheduled: t(r.get(13)?),
        })
    })?;
    let key_of = |id: i64| ticket_keys.get(&id).cloned().unwrap_or_else(|| format!("t{id}"));
    let time_entries = rows(&tx, "SELECT e.ticket_id, te.key, e.start, e.minutes, e.billable, e.note FROM time_entries e LEFT JOIN technicians te ON te.id = e.technician_id ORDER BY e.id", |r| {
        Ok(TimeEntryRec { ticket: key_of(r.get(0)?), technician: r.get(1)?, start: rfc3339_secs(r.get(2)?, tz), minutes: r.get(3)?, billable: r.get(4)?, note: r.get(5)? })
    })?;
    let notes = rows(&tx, "SELECT n.ticket_id, te.key, n.created, n.internal, n.body FROM notes n LEFT JOIN technicians te ON te.id = n.author_id ORDER BY n.id", |r| {
        Ok(NoteRec { ticket: key_of(r.get(0)?), author: r.get(1)?, created: rfc3339_secs(r.get(2)?, tz), internal: r.get(3)?, body: r.get(4)? })
    })?;
    Ok(Exchange {
        companies,
        contacts,
        technicians,
        agreements,
        tickets,
        time_entries,
        notes,
    })
}

fn rows<T>(conn: &Connection, sql: &str, f: impl FnMut(&Row<'_>) -> rusqlite::Result<T>) -> rusqlite::Result<Vec<T>> {
    let mut stmt = conn.prepare(sql)?;
    let out = stmt.query_map([], f)?.collect();
    out
}
