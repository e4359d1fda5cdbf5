//! Pages to the on-call, in the store: one pass finds what pages now (new
//! P1/P2 tickets and clocks at warning outside contractual hours, pages
//! nobody acknowledged in time), writes each page with its mail in the
//! outbox and a line in the ticket's history, in one transaction. Each
//! ticket pages once per reason and level (a unique key), so a pass run
//! twice, or by two hosts, pages nobody twice.

use chrono::{DateTime, Utc};
use rusqlite::params;

use crate::store::sql::{Row, Sql};
use serde::Serialize;

use super::outbox::{self, Queued};
use crate::domain::mail::paging::{self, Reason};
use crate::domain::mail::Outgoing;
use crate::domain::oncall::Rotation;
use crate::domain::sla::Calendar;
use crate::domain::time::from_secs;
use crate::store::actor::{Actor, MAIL};
use crate::store::audit::{self, Entry};

/// What a pass works with.
pub struct PageRules<'a> {
    pub calendar: &'a Calendar,
    pub rotation: &'a Rotation,
    pub escalate_minutes: u32,
    pub out: &'a Outgoing,
}

/// How far back a pass looks for events it has not paged yet (a pager
/// stopped for a while catches up; a store's old history never pages).
pub const LOOKBACK_SECS: i64 = 24 * 3600;

/// One page written by a pass.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Paged {
    pub ticket: i64,
    pub reason: Reason,
    pub level: i64,
    /// '' when the rotation is empty.
    pub login: String,
    /// '' when the technician has no pager address (recorded, not mailed).
    pub address: String,
}

struct Event {
    ticket: i64,
    priority: i64,
    at: i64,
    company: String,
    summary: String,
}

fn event(r: &Row<'_>) -> rusqlite::Result<Event> {
    Ok(Event {
        ticket: r.get(0)?,
        priority: r.get(1)?,
        at: r.get(2)?,
        company: r.get(3)?,
        summary: r.get(4)?,
    })
}

/// New P1/P2 tickets and clocks at warning since `since`, not paged yet. A
/// ticket already paged as new does not page again at its warning (a P1's
/// comes a minute after it opens): its escalation is what follows.
fn events(tx: &dyn Sql, reason: Reason, since: i64, now: i64) -> rusqlite::Result<Vec<Event>> {
    let sql = match reason {
        Reason::New => {
            "SELECT t.id, t.priority, t.opened, c.name, t.summary FROM tickets t JOIN companies c ON c.id = t.company_id
             WHERE t.opened > ?1 AND t.opened <= ?2 AND t.priority <= ?3 AND t.first_response IS NULL
               AND t.status NOT IN ('Resolved', 'Closed')
               AND NOT EXISTS (SELECT 1 FROM pages p WHERE p.ticket_id = t.id AND p.reason = 'new')
             ORDER BY t.opened, t.id"
        }
        Reason::Warning => {
            "SELECT t.id, t.priority, t.warning_at, c.name, t.summary FROM tickets t JOIN companies c ON c.id = t.company_id
             WHERE t.first_response IS NULL AND t.resolved IS NULL AND t.response_due IS NOT NULL
               AND t.warning_at > ?1 AND t.warning_at <= ?2 AND t.paused_since IS NULL AND ?3 > 0
               AND t.status NOT IN ('Resolved', 'Closed')
               AND NOT EXISTS (SELECT 1 FROM pages p WHERE p.ticket_id = t.id)
             ORDER BY t.warning_at, t.id"
        }
    };
    let mut stmt = tx.prepare_cached(sql)?;
    let rows = stmt.query_map(params![since, now, paging::PAGE_PRIORITY], event)?;
    rows.collect()
}

/// Pages everything due at `now`, in one transaction; returns the pages written.
pub fn pass(conn: &dyn Sql, rules: &PageRules<'_>, now: i64) -> rusqlite::Result<Vec<Paged>> {
    let tx = crate::store::ticket_write::begin(conn)?;
    let mut done = Vec::new();
    for reason in [Reason::New, Reason::Warning] {
        for e in events(&tx, reason, now - LOOKBACK_SECS, now)? {
            if !paging::pages(rules.calendar, reason, e.priority, from_secs(e.at)) {
                continue;
            }
            let login = paging::paged_at_level(rules.rotation, rules.calendar, None, from_secs(now), 0);
            done.push(page(&tx, rules, &e, reason, 0, login, now)?);
        }
    }
    done.extend(escalate(&tx, rules, now)?);
    tx.commit()?;
    Ok(done)
}

/// Writes one page (and its mail when the technician has a pager address),
/// with a line in the ticket's history.
fn page(
    tx: &dyn Sql,
    rules: &PageRules<'_>,
    e: &Event,
    reason: Reason,
    level: i64,
    login: Option<&str>,
    now: i64,
) -> rusqlite::Result<Paged> {
    let login = login.unwrap_or("");
    let address: String = tx
        .query_opt("SELECT pager_email FROM technicians WHERE login = ?1", [&login], |r| {
            r.get(0)
        })?
        .unwrap_or_default();
    let outbox_id = if crate::config::is_address(&address) {
        let (subject, text) = paging::page_text(&rules.out.tag, e.ticket, e.priority, &e.company, &e.summary, reason);
        let q = Queued {
            recipient: &address,
            subject: &subject,
            body: &text,
            ticket: Some(e.ticket),
            auto_submitted: Some("auto-generated"),
            ..Queued::default()
        };
        Some(outbox::queue(tx, &q, rules.out, now)?)
    } else {
        None
    };
    tx.execute(
        "INSERT INTO pages (ticket_id, reason, level, login, address, outbox_id, created) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![e.ticket, reason.as_str(), level, login, address, outbox_id, now],)?;
    let why = reason.words(e.priority);
    let step = if level == 0 {
        String::new()
    } else {
        format!(
            " (escalated, level {level}: not acknowledged in {} min)",
            rules.escalate_minutes
        )
    };
    let said = match (login, outbox_id) {
        ("", _) => format!("nobody to page ({why}): the after-hours rotation is empty"),
        (l, Some(_)) => format!("paged {l} at {address}: {why}{step}"),
        (l, None) => {
            format!("page to {l} not mailed, no pager address (pimdesk tech set-pager {l} ADDRESS): {why}{step}")
        }
    };
    history(tx, e.ticket, MAIL, now, &said)?;
    Ok(Paged {
        ticket: e.ticket,
        reason,
        level,
        login: login.to_string(),
        address,
    })
}

fn history(tx: &dyn Sql, ticket: i64, who: i64, now: i64, said: &str) -> rusqlite::Result<()> {
    let entry = Entry {
        entity: "ticket",
        id: ticket,
        field: "page",
        old: None,
        new: Some(said),
    };
    audit::record(tx, who, now, entry)
}

/// Pages nobody acknowledged within `escalate_minutes` on a ticket still
/// unanswered go to the next technician in the rotation; inside
/// contractual hours they are left to the office.
fn escalate(tx: &dyn Sql, rules: &PageRules<'_>, now: i64) -> rusqlite::Result<Vec<Paged>> {
    let due = now - i64::from(rules.escalate_minutes) * 60;
    let mut stmt = tx.prepare_cached(
        "SELECT p.id, p.ticket_id, p.reason, p.level, t.priority, c.name, t.summary,
                (SELECT f.login FROM pages f WHERE f.ticket_id = p.ticket_id AND f.reason = p.reason AND f.level = 0),
                (SELECT f.created FROM pages f WHERE f.ticket_id = p.ticket_id AND f.reason = p.reason AND f.level = 0)
         FROM pages p JOIN tickets t ON t.id = p.ticket_id JOIN companies c ON c.id = t.company_id
         WHERE p.acknowledged IS NULL AND p.escalated IS NULL AND p.created <= ?1
           AND t.first_response IS NULL AND t.status NOT IN ('Resolved', 'Closed')
         ORDER BY p.created, p.id",
    )?;
    type Row = (i64, Event, String, i64, Option<String>, i64);
    let open: Vec<Row> = stmt
        .query_map([due], |r| {
            let e = Event {
                ticket: r.get(1)?,
                priority: r.get(4)?,
                at: 0,
                company: r.get(5)?,
                summary: r.get(6)?,
            };
            Ok((
                r.get(0)?,
                e,
                r.get(2)?,
                r.get(3)?,
                r.get(7)?,
                r.get::<_, Option<i64>>(8)?.unwrap_or(now),
            ))
        })?
        .collect::<rusqlite::Result<_>>()?;
    drop(stmt);
    let office_open = rules.calendar.is_open(from_secs(now));
    let mut done = Vec::new();
    for (id, e, reason, level, first, first_at) in open {
        tx.execute("UPDATE pages SET escalated = ?2 WHERE id = ?1", params![id, now])?;
        let Some(reason) = Reason::parse(&reason) else { continue };
        if office_open {
            history(
                tx,
                e.ticket,
                MAIL,
                now,
                "not escalated: the office is open (contractual hours)",
            )?;
            continue;
        }
        let first = first.filter(|f| !f.is_empty());
        let at: DateTime<Utc> = from_secs(first_at);
        let next = usize::try_from(level + 1).unwrap_or(usize::MAX);
        match paging::paged_at_level(rules.rotation, rules.calendar, first.as_deref(), at, next) {
            Some(login) => done.push(page(tx, rules, &e, reason, level + 1, Some(login), now)?),
            None => history(
                tx,
                e.ticket,
                MAIL,
                now,
                &format!(
                    "not acknowledged, and everyone in the rotation ({}) was paged",
                    rules.rotation.logins.len()
                ),
            )?,
        }
    }
    Ok(done)
}

/// Acknowledges the pages of ticket `ticket` still waiting (not escalated) by `who`; how many.
pub fn acknowledge<'a>(conn: &dyn Sql, ticket: i64, who: impl Into<Actor<'a>>, now: i64) -> rusqlite::Result<usize> {
    let tx = crate::store::ticket_write::begin(conn)?;
    let who = who.into().id(&tx)?;
    let n = tx.execute(
        "UPDATE pages SET acknowledged = ?2, acknowledged_by = ?3 WHERE ticket_id = ?1 AND acknowledged IS NULL AND escalated IS NULL",
        params![ticket, now, who],)?;
    if n > 0 {
        history(&tx, ticket, who, now, &format!("acknowledged ({n} page(s))"))?;
    }
    tx.commit()?;
    Ok(n)
}

/// One page, as `page list` shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PageRow {
    pub id: i64,
    pub ticket: i64,
    pub reason: String,
    pub level: i64,
    pub login: String,
    pub address: String,
    pub created: i64,
    pub acknowledged: Option<i64>,
    pub acknowledged_by: Option<String>,
    pub escalated: Option<i64>,
    /// The page's mail: queued, sent or failed (None: not mailed).
    pub mail: Option<String>,
}

/// The newest `limit` pages, of one ticket or of all, newest first.
pub fn list(conn: &dyn Sql, ticket: Option<i64>, limit: i64) -> rusqlite::Result<Vec<PageRow>> {
    let mut stmt = conn.prepare_cached(
        "SELECT p.id, p.ticket_id, p.reason, p.level, p.login, p.address, p.created, p.acknowledged, te.login, p.escalated, o.status
         FROM pages p LEFT JOIN technicians te ON te.id = p.acknowledged_by LEFT JOIN mail_outbox o ON o.id = p.outbox_id
         WHERE CAST(?1 AS BIGINT) IS NULL OR p.ticket_id = ?1 ORDER BY p.id DESC LIMIT ?2",
    )?;
    let rows = stmt.query_map(params![ticket, limit], |r| {
        Ok(PageRow {
            id: r.get(0)?,
            ticket: r.get(1)?,
            reason: r.get(2)?,
            level: r.get(3)?,
            login: r.get(4)?,
            address: r.get(5)?,
            created: r.get(6)?,
            acknowledged: r.get(7)?,
            acknowledged_by: r.get(8)?,
            escalated: r.get(9)?,
            mail: r.get(10)?,
        })
    })?;
    rows.collect()
}
