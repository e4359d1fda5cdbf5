//! Running timers: a row per technician, so a timer survives `q`, a crash and
//! a hang-up, and every console of the technician shows it. Stopping one
//! writes its time entry and removes the row in the same transaction.

use rusqlite::params;

use crate::store::sql::{Row, Sql};

use super::actor::Actor;
use super::ticket_work::{insert_time, NewTime};
use super::ticket_write::{begin, current, invalid, WriteError};

/// A running timer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Timer {
    pub login: String,
    pub ticket_id: i64,
    pub summary: String,
    /// Unix seconds.
    pub started: i64,
}

impl Timer {
    /// Whole minutes run at `now`, rounded up, at least one.
    pub fn minutes(&self, now: i64) -> i64 {
        ((now - self.started + 59) / 60).max(1)
    }
}

const SELECT: &str = "SELECT t.login, r.ticket_id, k.summary, r.started
    FROM timers r JOIN technicians t ON t.id = r.technician_id JOIN tickets k ON k.id = r.ticket_id";

fn row(r: &Row<'_>) -> rusqlite::Result<Timer> {
    Ok(Timer {
        login: r.get(0)?,
        ticket_id: r.get(1)?,
        summary: r.get(2)?,
        started: r.get(3)?,
    })
}

/// Every running timer, oldest first.
pub fn list(conn: &dyn Sql) -> rusqlite::Result<Vec<Timer>> {
    let mut stmt = conn.prepare_cached(&format!("{SELECT} ORDER BY r.started, t.login"))?;
    let rows = stmt.query_map((), row)?;
    rows.collect()
}

/// The timer `login` has running, if any.
pub fn of(conn: &dyn Sql, login: &str) -> rusqlite::Result<Option<Timer>> {
    conn.query_opt(&format!("{SELECT} WHERE t.login = ?1"), [&login], row)
}

/// The timer of the technician with record `technician_id`, if any.
pub fn mine(conn: &dyn Sql, technician_id: i64) -> rusqlite::Result<Option<Timer>> {
    conn.query_opt(&format!("{SELECT} WHERE r.technician_id = ?1"), [&technician_id], row)
}

/// Starts a timer on ticket `id`. A technician runs one timer at a time: a
/// second start is refused naming the one running.
pub fn start<'a>(conn: &dyn Sql, id: i64, who: impl Into<Actor<'a>>, now: i64) -> Result<Timer, WriteError> {
    let tx = begin(conn)?;
    let who = who.into().id(&tx)?;
    current(&tx, id)?;
    if let Some((ticket, started)) = running(&tx, who)? {
        let how = if ticket == id { "already" } else { "still" };
        return Err(invalid(
            "timer",
            format!(
                "your timer is {how} running on #{ticket} (for {}); stop it first: pimdesk timer stop {ticket}",
                ran(started, now)
            ),
        ));
    }
    tx.execute(
        "INSERT INTO timers (technician_id, ticket_id, started) VALUES (?1, ?2, ?3)",
        params![who, id, now],
    )?;
    let timer = tx.query_row(&format!("{SELECT} WHERE r.technician_id = ?1"), [&who], row)?;
    tx.commit()?;
    Ok(timer)
}

/// How a stop is logged.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Stop {
    /// The minutes to log instead of the time the timer ran (a correction).
    pub minutes: Option<i64>,
    pub billable: bool,
    pub note: String,
}

/// Stops the timer on ticket `id` and logs its time from when it started, in
/// one transaction. Returns the minutes logged.
pub fn stop<'a>(conn: &dyn Sql, id: i64, how: &Stop, who: impl Into<Actor<'a>>, now: i64) -> Result<i64, WriteError> {
    let tx = begin(conn)?;
    let who = who.into().id(&tx)?;
    let started = running_on(&tx, who, id)?;
    let minutes = how.minutes.unwrap_or(((now - started + 59) / 60).max(1));
    if minutes > 24 * 60 && how.minutes.is_none() {
        return Err(invalid(
            "timer",
            format!(
                "the timer on #{id} has run {}h since it started, more than a day; give the real time with --minutes (or discard it: pimdesk timer discard {id})",
                minutes / 60
            ),
        ));
    }
    let entry = NewTime {
        minutes,
        start: started,
        billable: how.billable,
        note: how.note.clone(),
    };
    tx.execute("DELETE FROM timers WHERE technician_id = ?1", [&who])?;
    insert_time(&tx, id, &entry, who, now)?;
    tx.commit()?;
    Ok(minutes)
}

/// Throws the timer on ticket `id` away without logging time; returns the
/// minutes it had run.
pub fn discard<'a>(conn: &dyn Sql, id: i64, who: impl Into<Actor<'a>>, now: i64) -> Result<i64, WriteError> {
    let tx = begin(conn)?;
    let who = who.into().id(&tx)?;
    let started = running_on(&tx, who, id)?;
    tx.execute("DELETE FROM timers WHERE technician_id = ?1", [&who])?;
    tx.commit()?;
    Ok(((now - started + 59) / 60).max(1))
}

fn running(tx: &dyn Sql, who: i64) -> rusqlite::Result<Option<(i64, i64)>> {
    tx.query_opt(
        "SELECT ticket_id, started FROM timers WHERE technician_id = ?1",
        [&who],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )
}

fn running_on(tx: &dyn Sql, who: i64, id: i64) -> Result<i64, WriteError> {
    match running(tx, who)? {
        Some((ticket, started)) if ticket == id => Ok(started),
        Some((ticket, _)) => Err(invalid(
            "timer",
            format!("your timer runs on #{ticket}, not #{id}: pimdesk timer stop {ticket}"),
        )),
        None => Err(invalid(
            "timer",
            format!("you have no timer running on #{id} (pimdesk timer list shows the running ones)"),
        )),
    }
}

/// "12m", "3h 05m": how long a timer has run.
fn ran(started: i64, now: i64) -> String {
    crate::domain::time::short_duration(((now - started) / 60).max(0))
}
