//! The demo generator's rows: the statements that write a made-up
//! directory and history, so the generator (src/demo/) holds no SQL. Each
//! function takes its values in the column order its doc comment gives.

use rusqlite::{CachedStatement, Params, Transaction};

use super::deadlines::Stamp;

/// (key, name, industry, city, phone) → the company's id.
pub fn company(tx: &Transaction<'_>, values: impl Params) -> rusqlite::Result<i64> {
    tx.execute(
        "INSERT INTO companies (key, name, industry, city, phone) VALUES (?1, ?2, ?3, ?4, ?5)",
        values,
    )?;
    Ok(tx.last_insert_rowid())
}

/// (key, login, name, role, phone, email, oncall) → the technician's id.
pub fn technician(tx: &Transaction<'_>, values: impl Params) -> rusqlite::Result<i64> {
    tx.execute(
        "INSERT INTO technicians (key, login, name, role, phone, email, oncall) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        values,
    )?;
    Ok(tx.last_insert_rowid())
}

/// (key, company_id, name, email, phone, title, security_level) → the contact's id.
pub fn contact(tx: &Transaction<'_>, values: impl Params) -> rusqlite::Result<i64> {
    tx.execute(
        "INSERT INTO contacts (key, company_id, name, email, phone, title, security_level) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        values,
    )?;
    Ok(tx.last_insert_rowid())
}

/// (key, company_id, product, executed, project_completed, ended,
/// onboarding_fee_cents, monthly_cents, project_fee_cents, labor_rate_cents,
/// prepaid_hours_per_month).
pub fn agreement(tx: &Transaction<'_>, values: impl Params) -> rusqlite::Result<i64> {
    tx.execute(
        "INSERT INTO agreements (key, company_id, product, executed, project_completed, ended, onboarding_fee_cents, monthly_cents, project_fee_cents, labor_rate_cents, prepaid_hours_per_month)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
        values,
    )?;
    Ok(tx.last_insert_rowid())
}

/// (company_id, position, item, status, date).
pub fn onboarding_item(tx: &Transaction<'_>, values: impl Params) -> rusqlite::Result<()> {
    tx.execute(
        "INSERT INTO onboarding_items (company_id, position, item, status, date) VALUES (?1, ?2, ?3, ?4, ?5)",
        values,
    )?;
    Ok(())
}

/// How many companies the store holds (the demo fills only an empty store).
pub fn companies(tx: &Transaction<'_>) -> rusqlite::Result<i64> {
    tx.query_row("SELECT count(*) FROM companies", (), |r| r.get(0))
}

/// The first technician who may bill (finance or admin), for the demo's books.
pub fn first_biller(conn: &rusqlite::Connection) -> rusqlite::Result<i64> {
    conn.query_row(
        "SELECT id FROM technicians WHERE role IN ('finance', 'admin') ORDER BY id LIMIT 1",
        [],
        |r| r.get(0),
    )
}

/// The statements a ticket of the history is written with, prepared once.
pub struct TicketRows<'t> {
    /// (id, company_id, contact_id, summary, description, priority, status,
    /// board, source, assignee_id, opened, first_response, resolved,
    /// scheduled, paused_since, updated, then the SLA stamp's columns).
    pub ticket: CachedStatement<'t>,
    /// (ticket_id, author_id, created, internal, body).
    pub note: CachedStatement<'t>,
    /// (ticket_id, technician_id, start, minutes, billable, note).
    pub entry: CachedStatement<'t>,
    /// (ticket_id, who_id, at, status): the move out of New.
    pub audit: CachedStatement<'t>,
    /// (ticket_id, start): a pause still open.
    pub pause: CachedStatement<'t>,
}

impl<'t> TicketRows<'t> {
    pub fn new(tx: &'t Transaction<'_>) -> rusqlite::Result<TicketRows<'t>> {
        let ticket_sql = format!(
            "INSERT INTO tickets (id, company_id, contact_id, summary, description, priority, status, board, source, assignee_id, opened, first_response, resolved, scheduled, paused_since, updated,
                                  clock_priority, {})
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?6, ?17, ?18, ?19, ?20, ?21, ?22, ?23)",
            Stamp::COLUMNS
        );
        Ok(TicketRows {
            ticket: tx.prepare_cached(&ticket_sql)?,
            note: tx.prepare_cached("INSERT INTO notes (ticket_id, author_id, created, internal, body) VALUES (?1, ?2, ?3, ?4, ?5)")?,
            entry: tx.prepare_cached("INSERT INTO time_entries (ticket_id, technician_id, start, minutes, billable, note) VALUES (?1, ?2, ?3, ?4, ?5, ?6)")?,
            audit: tx.prepare_cached("INSERT INTO audit (entity, entity_id, who_id, at, field, old, new) VALUES ('ticket', ?1, ?2, ?3, 'status', 'New', ?4)")?,
            pause: tx.prepare_cached("INSERT INTO ticket_pauses (ticket_id, start, end) VALUES (?1, ?2, NULL)")?,
        })
    }
}
