//! Export: the whole store as an exchange file, in id order, keys stable.
//! Records are read by a cursor and written as they come, so memory stays
//! flat whatever the history (a million tickets export in a few MB), and the
//! bytes are those of serialising an [`Exchange`] whole.

use std::cell::RefCell;
use std::io::{BufWriter, Write};

use chrono_tz::Tz;
use rusqlite::{Connection, Row};
use serde::ser::{SerializeSeq, SerializeStruct};
use serde::{Serialize, Serializer};

use super::*;
use crate::domain::time::rfc3339_secs;
use crate::store::lossy::LossyRow;

/// Why an export stopped: the store could not be read, or the file written.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error(transparent)]
    Store(rusqlite::Error),
    #[error(transparent)]
    Write(std::io::Error),
}

/// Writes everything in one read transaction (a consistent snapshot), as
/// pretty JSON and a final newline.
pub fn export(conn: &mut Connection, tz: Tz, out: &mut dyn Write) -> Result<(), ExportError> {
    let tx = conn.transaction().map_err(ExportError::Store)?;
    let has_notes: bool = tx
        .query_row("SELECT EXISTS (SELECT 1 FROM notes)", (), |r| r.get(0))
        .map_err(ExportError::Store)?;
    let failed = RefCell::new(None);
    let doc = Document {
        conn: &tx,
        tz,
        has_notes,
        failed: &failed,
    };
    let mut w = BufWriter::with_capacity(1 << 16, out);
    let written = serde_json::to_writer_pretty(&mut w, &doc).map_err(std::io::Error::from);
    if let Some(e) = failed.into_inner() {
        return Err(ExportError::Store(e));
    }
    written.map_err(ExportError::Write)?;
    w.write_all(b"\n").map_err(ExportError::Write)?;
    w.flush().map_err(ExportError::Write)
}

/// The file's top object: each member a query streamed as an array.
struct Document<'c> {
    conn: &'c Connection,
    tz: Tz,
    has_notes: bool,
    /// The store error that ended the export, kept for the caller (serde
    /// carries only its text).
    failed: &'c RefCell<Option<rusqlite::Error>>,
}

impl Document<'_> {
    fn table<'a, T, F>(&'a self, sql: &'static str, row: F) -> Table<'a, F>
    where
        T: Serialize,
        F: FnMut(&Row<'_>) -> rusqlite::Result<T>,
    {
        Table {
            conn: self.conn,
            sql,
            row: RefCell::new(row),
            failed: self.failed,
        }
    }
}

impl Serialize for Document<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let tz = self.tz;
        let t = move |secs: Option<i64>| secs.map(|s| rfc3339_secs(s, tz));
        let mut doc = s.serialize_struct("Exchange", 6 + usize::from(self.has_notes))?;
        doc.serialize_field(
            "companies",
            &self.table(
                "SELECT key, name, industry, billing_email FROM companies ORDER BY id",
                |r| {
                    Ok(CompanyRec {
                        key: r.lossy(0)?,
                        name: r.lossy(1)?,
                        industry: r.lossy(2)?,
                        billing_email: r.lossy(3)?,
                    })
                },
            ),
        )?;
        doc.serialize_field("contacts", &self.table("SELECT c.key, co.key, c.name, c.email, c.phone, c.security_level FROM contacts c JOIN companies co ON co.id = c.company_id ORDER BY c.id", |r| {
            Ok(ContactRec { key: r.lossy(0)?, company: r.lossy(1)?, name: r.lossy(2)?, email: r.lossy(3)?, phone: r.lossy(4)?, security_level: r.lossy(5)? })
        }))?;
        doc.serialize_field(
            "technicians",
            &self.table(
                "SELECT key, name, login, role, pager_email FROM technicians ORDER BY id",
                |r| {
                    Ok(TechnicianRec {
                        key: r.lossy(0)?,
                        name: r.lossy(1)?,
                        login: r.lossy(2)?,
                        role: r.lossy(3)?,
                        pager_email: r.lossy(4)?,
                    })
                },
            ),
        )?;
        doc.serialize_field("agreements", &self.table("SELECT a.key, co.key, a.product, a.executed, a.project_completed, a.ended, a.onboarding_fee_cents, a.monthly_cents, a.project_fee_cents, a.labor_rate_cents, a.prepaid_hours_per_month FROM agreements a JOIN companies co ON co.id = a.company_id ORDER BY a.id", |r| {
            Ok(AgreementRec {
                key: r.lossy(0)?, company: r.lossy(1)?, product: r.lossy(2)?, executed: r.lossy(3)?, project_completed: r.lossy(4)?, ended: r.lossy(5)?,
                onboarding_fee_cents: r.lossy(6)?, monthly_cents: r.lossy(7)?, project_fee_cents: r.lossy(8)?, labor_rate_cents: r.lossy(9)?, prepaid_hours_per_month: r.lossy(10)?,
            })
        }))?;
        doc.serialize_field("tickets", &self.table("SELECT coalesce(t.key, 't' || t.id), co.key, ct.key, t.summary, t.description, t.priority, t.status, t.board, t.source, te.key, t.opened, t.first_response, t.resolved, t.scheduled
            FROM tickets t JOIN companies co ON co.id = t.company_id LEFT JOIN contacts ct ON ct.id = t.contact_id LEFT JOIN technicians te ON te.id = t.assignee_id ORDER BY t.id", |r| {
            Ok(TicketRec {
                key: r.lossy(0)?, company: r.lossy(1)?, contact: r.lossy(2)?, summary: r.lossy(3)?, description: r.lossy(4)?, priority: r.lossy(5)?,
                status: r.lossy(6)?, board: r.lossy(7)?, source: r.lossy(8)?, assignee: r.lossy(9)?, opened: rfc3339_secs(r.lossy(10)?, tz),
                first_response: t(r.lossy(11)?), resolved: t(r.lossy(12)?), scheduled: t(r.lossy(13)?),
            })
        }))?;
        doc.serialize_field("time_entries", &self.table("SELECT coalesce(k.key, 't' || e.ticket_id), te.key, e.start, e.minutes, e.billable, e.note
            FROM time_entries e LEFT JOIN tickets k ON k.id = e.ticket_id LEFT JOIN technicians te ON te.id = e.technician_id ORDER BY e.id", |r| {
            Ok(TimeEntryRec { ticket: r.lossy(0)?, technician: r.lossy(1)?, start: rfc3339_secs(r.lossy(2)?, tz), minutes: r.lossy(3)?, billable: r.lossy(4)?, note: r.lossy(5)? })
        }))?;
        if self.has_notes {
            doc.serialize_field("notes", &self.table("SELECT coalesce(k.key, 't' || n.ticket_id), te.key, n.created, n.internal, n.body
                FROM notes n LEFT JOIN tickets k ON k.id = n.ticket_id LEFT JOIN technicians te ON te.id = n.author_id ORDER BY n.id", |r| {
                Ok(NoteRec { ticket: r.lossy(0)?, author: r.lossy(1)?, created: rfc3339_secs(r.lossy(2)?, tz), internal: r.lossy(3)?, body: r.lossy(4)? })
            }))?;
        } else {
            doc.skip_field("notes")?;
        }
        doc.end()
    }
}

/// One query, serialised as an array of its rows while the cursor walks.
struct Table<'a, F> {
    conn: &'a Connection,
    sql: &'static str,
    row: RefCell<F>,
    failed: &'a RefCell<Option<rusqlite::Error>>,
}

impl<F> Table<'_, F> {
    fn fail<E: serde::ser::Error>(&self, e: rusqlite::Error) -> E {
        let text = e.to_string();
        *self.failed.borrow_mut() = Some(e);
        E::custom(text)
    }
}

impl<T, F> Serialize for Table<'_, F>
where
    T: Serialize,
    F: FnMut(&Row<'_>) -> rusqlite::Result<T>,
{
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut stmt = self.conn.prepare(self.sql).map_err(|e| self.fail::<S::Error>(e))?;
        let mut rows = stmt.query([]).map_err(|e| self.fail::<S::Error>(e))?;
        let mut row = self.row.borrow_mut();
        let mut seq = s.serialize_seq(None)?;
        while let Some(r) = rows.next().map_err(|e| self.fail::<S::Error>(e))? {
            let rec = row(r).map_err(|e| self.fail::<S::Error>(e))?;
            seq.serialize_element(&rec)?;
        }
        seq.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The streamed bytes are exactly those of the whole document serialised
    /// at once, notes and empty arrays included.
    #[test]
    fn streaming_writes_the_bytes_of_the_whole_document() {
        let mut conn = Connection::open_in_memory().unwrap();
        crate::store::migrate::migrate(&mut conn, std::path::Path::new(":memory:")).unwrap();
        let tz: Tz = "America/New_York".parse().unwrap();
        for with_notes in [false, true] {
            fill_store(&conn, with_notes);
            let mut expected = serde_json::to_vec_pretty(&whole_document(tz, with_notes)).unwrap();
            expected.push(b'\n');
            let mut streamed = Vec::new();
            export(&mut conn, tz, &mut streamed).unwrap();
            assert_eq!(
                String::from_utf8(streamed).unwrap(),
                String::from_utf8(expected).unwrap()
            );
        }
    }

    /// The store holds one company, one ticket and one time entry (and one
    /// note `with_notes`), whatever it held before.
    fn fill_store(conn: &Connection, with_notes: bool) {
        conn.execute_batch(
            "DELETE FROM notes; DELETE FROM time_entries; DELETE FROM tickets; DELETE FROM companies;
             INSERT INTO companies (id, key, name, industry) VALUES (1, 'acme', 'Acme \"Dental\"', 'healthcare');
             INSERT INTO tickets (id, company_id, summary, priority, status, board, source, opened, updated)
               VALUES (7, 1, 'Printer', 3, 'New', 'Service Desk', 'phone', 1764000000, 1764000000);
             INSERT INTO time_entries (ticket_id, start, minutes, billable, note) VALUES (7, 1764000000, 30, 1, 'x');",
        )
        .unwrap();
        if with_notes {
            conn.execute_batch(
                "INSERT INTO notes (ticket_id, created, internal, body) VALUES (7, 1764000100, 1, 'line\none')",
            )
            .unwrap();
        }
    }

    /// The [`Exchange`] of [`fill_store`], as a whole.
    fn whole_document(tz: Tz, with_notes: bool) -> Exchange {
        Exchange {
            companies: vec![CompanyRec {
                key: "acme".into(),
                name: "Acme \"Dental\"".into(),
                industry: "healthcare".into(),
                billing_email: String::new(),
            }],
            tickets: vec![TicketRec {
                key: "t7".into(),
                company: "acme".into(),
                contact: None,
                summary: "Printer".into(),
                description: String::new(),
                priority: 3,
                status: "New".into(),
                board: "Service Desk".into(),
                source: "phone".into(),
                assignee: None,
                opened: rfc3339_secs(1_764_000_000, tz),
                first_response: None,
                resolved: None,
                scheduled: None,
            }],
            time_entries: vec![TimeEntryRec {
                ticket: "t7".into(),
                technician: None,
                start: rfc3339_secs(1_764_000_000, tz),
                minutes: 30,
                billable: true,
                note: "x".into(),
            }],
            notes: if with_notes {
                vec![NoteRec {
                    ticket: "t7".into(),
                    author: None,
                    created: rfc3339_secs(1_764_000_100, tz),
                    internal: true,
                    body: "line\none".into(),
                }]
            } else {
                Vec::new()
            },
            ..Exchange::default()
        }
    }
}
