//! Export: the whole store as an exchange file, in id order, keys stable.

use crate::store::lossy::LossyRow;
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
            key: r.lossy(0)?,
            name: r.lossy(1)?,
            industry: r.lossy(2)?,
        })
    })?;
    let contacts = rows(&tx, "SELECT c.key, co.key, c.name, c.email, c.phone, c.security_level FROM contacts c JOIN companies co ON co.id = c.company_id ORDER BY c.id", |r| {
        Ok(ContactRec { key: r.lossy(0)?, company: r.lossy(1)?, name: r.lossy(2)?, email: r.lossy(3)?, phone: r.lossy(4)?, security_level: r.lossy(5)? })
    })?;
    let technicians = rows(&tx, "SELECT key, name, login, role FROM technicians ORDER BY id", |r| {
        Ok(TechnicianRec {
            key: r.lossy(0)?,
            name: r.lossy(1)?,
            login: r.lossy(2)?,
            role: r.lossy(3)?,
        })
    })?;
    let agreements = rows(&tx, "SELECT a.key, co.key, a.product, a.executed, a.project_completed, a.ended, a.onboarding_fee_cents, a.monthly_cents, a.project_fee_cents, a.labor_rate_cents, a.prepaid_hours_per_month FROM agreements a JOIN companies co ON co.id = a.company_id ORDER BY a.id", |r| {
        Ok(AgreementRec {
            key: r.lossy(0)?, company: r.lossy(1)?, product: r.lossy(2)?, executed: r.lossy(3)?, project_completed: r.lossy(4)?, ended: r.lossy(5)?,
            onboarding_fee_cents: r.lossy(6)?, monthly_cents: r.lossy(7)?, project_fee_cents: r.lossy(8)?, labor_rate_cents: r.lossy(9)?, prepaid_hours_per_month: r.lossy(10)?,
        })
    })?;
    let ticket_keys: HashMap<i64, String> = rows(&tx, "SELECT id, coalesce(key, 't' || id) FROM tickets", |r| {
        Ok((r.lossy(0)?, r.lossy(1)?))
    })?
    .into_iter()
    .collect();
    let t = |secs: Option<i64>| secs.map(|s| rfc3339_secs(s, tz));
    let tickets = rows(&tx, "SELECT coalesce(t.key, 't' || t.id), co.key, ct.key, t.summary, t.description, t.priority, t.status, t.board, t.source, te.key, t.opened, t.first_response, t.resolved, t.scheduled
        FROM tickets t JOIN companies co ON co.id = t.company_id LEFT JOIN contacts ct ON ct.id = t.contact_id LEFT JOIN technicians te ON te.id = t.assignee_id ORDER BY t.id", |r| {
        Ok(TicketRec {
            key: r.lossy(0)?, company: r.lossy(1)?, contact: r.lossy(2)?, summary: r.lossy(3)?, description: r.lossy(4)?, priority: r.lossy(5)?,
            status: r.lossy(6)?, board: r.lossy(7)?, source: r.lossy(8)?, assignee: r.lossy(9)?, opened: rfc3339_secs(r.lossy(10)?, tz),
            first_response: t(r.lossy(11)?), resolved: t(r.lossy(12)?), scheduled: t(r.lossy(13)?),
        })
    })?;
    let key_of = |id: i64| ticket_keys.get(&id).cloned().unwrap_or_else(|| format!("t{id}"));
    let time_entries = rows(&tx, "SELECT e.ticket_id, te.key, e.start, e.minutes, e.billable, e.note FROM time_entries e LEFT JOIN technicians te ON te.id = e.technician_id ORDER BY e.id", |r| {
        Ok(TimeEntryRec { ticket: key_of(r.lossy(0)?), technician: r.lossy(1)?, start: rfc3339_secs(r.lossy(2)?, tz), minutes: r.lossy(3)?, billable: r.lossy(4)?, note: r.lossy(5)? })
    })?;
    let notes = rows(&tx, "SELECT n.ticket_id, te.key, n.created, n.internal, n.body FROM notes n LEFT JOIN technicians te ON te.id = n.author_id ORDER BY n.id", |r| {
        Ok(NoteRec { ticket: key_of(r.lossy(0)?), author: r.lossy(1)?, created: rfc3339_secs(r.lossy(2)?, tz), internal: r.lossy(3)?, body: r.lossy(4)? })
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
