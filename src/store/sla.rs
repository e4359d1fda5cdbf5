//! SLA reads: clocks that need attention, and compliance over a period.

use rusqlite::{params, Connection};

/// A running clock in warning or breach.
#[derive(Debug, Clone, PartialEq)]
pub struct Alert {
    pub id: i64,
    pub priority: u8,
    pub company: String,
    pub summary: String,
    pub assignee: Option<String>,
    pub response_due: i64,
    pub warning_at: i64,
}

/// Running, unpaused clocks whose warning time has come, most urgent first.
pub fn alerts(conn: &Connection, now: i64) -> rusqlite::Result<Vec<Alert>> {
    let mut stmt = conn.prepare_cached(
        "SELECT t.id, t.priority, c.name, t.summary, te.login, t.response_due, t.warning_at
         FROM tickets t JOIN companies c ON c.id = t.company_id LEFT JOIN technicians te ON te.id = t.assignee_id
         WHERE t.first_response IS NULL AND t.resolved IS NULL AND t.response_due IS NOT NULL
           AND t.paused_since IS NULL AND t.warning_at <= ?1
         ORDER BY t.response_due, t.id",
    )?;
    let rows = stmt.query_map([now], |r| {
        Ok(Alert {
            id: r.get(0)?,
            priority: r.get(1)?,
            company: r.get(2)?,
            summary: r.get(3)?,
            assignee: r.get(4)?,
            response_due: r.get(5)?,
            warning_at: r.get(6)?,
        })
    })?;
    rows.collect()
}

/// A ticket opened in the report's period.
#[derive(Debug, Clone, PartialEq)]
pub struct ReportTicket {
    pub id: i64,
    pub priority: u8,
    pub opened: i64,
    pub first_response: Option<i64>,
    pub resolved: Option<i64>,
    pub response_due: Option<i64>,
    pub paused_since: Option<i64>,
}

/// Tickets opened in [from, to), by the opened index.
pub fn opened_between(conn: &Connection, from: i64, to: i64) -> rusqlite::Result<Vec<ReportTicket>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, priority, opened, first_response, resolved, response_due, paused_since FROM tickets WHERE opened >= ?1 AND opened < ?2 ORDER BY opened, id",
    )?;
    let rows = stmt.query_map(params![from, to], |r| {
        Ok(ReportTicket {
            id: r.get(0)?,
            priority: r.get(1)?,
            opened: r.get(2)?,
            first_response: r.get(3)?,
            resolved: r.get(4)?,
            response_due: r.get(5)?,
            paused_since: r.get(6)?,
        })
    })?;
    rows.collect()
}
