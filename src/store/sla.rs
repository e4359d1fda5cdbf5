//! SLA reads: the running response clocks (the board and `sla check`) and
//! compliance per priority (the board's chart and `sla report`). The state of
//! each clock comes from `domain::sla::Clock`; SQL filters only on the columns
//! the store derived from it (`attention_at`, `breach_at`, `response_met`).

use rusqlite::params;

use crate::store::sql::{Row, Sql};

use crate::domain::sla::{Clock, SlaPolicy};
use crate::domain::ticket::Priority;

/// A running response clock: one row type for the board and `sla check`.
#[derive(Debug, Clone, PartialEq)]
pub struct ClockRow {
    pub id: i64,
    pub priority: Priority,
    /// The priority the clock runs on (see the README's SLA rules).
    pub clock_priority: Priority,
    pub company: String,
    pub summary: String,
    pub assignee: Option<String>,
    pub response_due: i64,
    pub warning_at: i64,
    pub paused_since: Option<i64>,
}

impl ClockRow {
    /// The clock whose state every surface shows.
    pub fn clock(&self, policy: &SlaPolicy) -> Option<Clock> {
        Clock::from_stored(
            policy,
            self.clock_priority,
            Some(self.response_due),
            Some(self.warning_at),
            None,
            self.paused_since,
        )
    }
}

const CLOCK_SELECT: &str = "SELECT t.id, t.priority, coalesce(t.clock_priority, t.priority), c.name, t.summary, te.login, t.response_due, t.warning_at, t.paused_since
     FROM tickets t JOIN companies c ON c.id = t.company_id LEFT JOIN technicians te ON te.id = t.assignee_id";

fn clock_row(r: &Row<'_>) -> rusqlite::Result<ClockRow> {
    Ok(ClockRow {
        id: r.get(0)?,
        priority: r.get(1)?,
        clock_priority: r.get(2)?,
        company: r.get(3)?,
        summary: r.get(4)?,
        assignee: r.get(5)?,
        response_due: r.get(6)?,
        warning_at: r.get(7)?,
        paused_since: r.get(8)?,
    })
}

/// Clocks in warning or breach at `now` (a breach that is then paused
/// included), soonest due first.
pub fn needing_attention(conn: &dyn Sql, now: i64) -> rusqlite::Result<Vec<ClockRow>> {
    let sql = format!("{CLOCK_SELECT} WHERE t.attention_at <= ?1 ORDER BY t.response_due, t.id");
    let mut stmt = conn.prepare_cached(&sql)?;
    stmt.query_map([now], clock_row)?.collect()
}

/// Response compliance of one priority over a period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Compliance {
    pub priority: u8,
    /// Tickets opened in the period with a response clock.
    pub tickets: i64,
    /// Responses that met their due time.
    pub met: i64,
    /// Responses after their due time, and clocks still open but breached.
    pub breached: i64,
    /// Clocks still open and not breached (running, warning, paused,
    /// scheduled): counted apart, neither met nor missed.
    pub open: i64,
}

impl Compliance {
    /// Met as a share of the decided clocks (met + breached), whole percent.
    pub fn percent(&self) -> Option<i64> {
        let decided = self.met + self.breached;
        (decided > 0).then(|| self.met * 100 / decided)
    }
}

const DAY: i64 = 86_400;

/// Compliance per priority (the one each clock ran on) for tickets opened in
/// `[from, to)`, at `now`. Whole UTC days come from the summary `sla_days`
/// (kept by triggers) and the open clocks breached by now from
/// `tickets_running_clocks`; the part days at either end from
/// `tickets_sla_compliance`. (Only running clocks carry a `breach_at`.)
pub fn compliance(conn: &dyn Sql, from: i64, to: i64, now: i64) -> rusqlite::Result<Vec<Compliance>> {
    let (d0, d1) = (
        from.div_euclid(DAY) + i64::from(from.rem_euclid(DAY) != 0),
        to.div_euclid(DAY),
    );
    if d0 >= d1 {
        return scan(conn, from, to, now);
    }
    let mut by = [Compliance::default(); 5];
    let mut add = |rows: Vec<Compliance>| {
        for c in rows {
            let t = &mut by[usize::from(c.priority.clamp(1, 5)) - 1];
            t.tickets += c.tickets;
            t.met += c.met;
            t.breached += c.breached;
        }
    };
    add(scan(conn, from, d0 * DAY, now)?);
    add(scan(conn, d1 * DAY, to, now)?);
    add(summary(conn, d0, d1, now)?);
    Ok(by
        .into_iter()
        .zip(1u8..)
        .filter(|(c, _)| c.tickets > 0)
        .map(|(c, p)| Compliance {
            priority: p,
            open: c.tickets - c.met - c.breached,
            ..c
        })
        .collect())
}

/// The whole days `[d0, d1)`: the summary, and the running clocks opened
/// then that have breached by `now`.
fn summary(conn: &dyn Sql, d0: i64, d1: i64, now: i64) -> rusqlite::Result<Vec<Compliance>> {
    let mut stmt = conn.prepare_cached(
        "SELECT clock_priority, sum(tickets), sum(met), sum(missed) FROM sla_days
         WHERE day >= ?1 AND day < ?2 GROUP BY clock_priority",
    )?;
    let mut rows: Vec<Compliance> = stmt
        .query_map(params![d0, d1], |r| {
            Ok(Compliance {
                priority: r.get(0)?,
                tickets: r.get(1)?,
                met: r.get(2)?,
                breached: r.get(3)?,
                open: 0,
            })
        })?
        .collect::<Result<_, _>>()?;
    let mut live = conn.prepare_cached(&format!(
        "SELECT clock_priority, count(*) FROM tickets{}
         WHERE first_response IS NULL AND resolved IS NULL AND response_due IS NOT NULL
           AND clock_priority IN (1, 2, 3, 4, 5) AND breach_at <= ?3 AND opened >= ?1 AND opened < ?2
         GROUP BY clock_priority",
        conn.dialect().indexed_by("tickets_running_clocks")
    ))?;
    let breached = live.query_map(params![d0 * DAY, d1 * DAY, now], |r| {
        Ok(Compliance {
            priority: r.get(0)?,
            breached: r.get(1)?,
            ..Compliance::default()
        })
    })?;
    for b in breached {
        rows.push(b?);
    }
    Ok(rows)
}

/// Compliance read from the index `tickets_sla_compliance` alone, for a
/// span shorter than a day or its part days.
fn scan(conn: &dyn Sql, from: i64, to: i64, now: i64) -> rusqlite::Result<Vec<Compliance>> {
    let mut stmt = conn.prepare_cached(
        "SELECT clock_priority, count(*), coalesce(sum(CASE WHEN response_met = 1 THEN 1 ELSE 0 END), 0),
                coalesce(sum(CASE WHEN response_met = 0 THEN 1 ELSE 0 END), 0)
                  + coalesce(sum(CASE WHEN breach_at <= ?3 THEN 1 ELSE 0 END), 0)
         FROM tickets WHERE clock_priority IN (1, 2, 3, 4, 5) AND opened >= ?1 AND opened < ?2 AND response_due IS NOT NULL
         GROUP BY clock_priority ORDER BY clock_priority",
    )?;
    let rows = stmt.query_map(params![from, to, now], |r| {
        let (tickets, met, breached): (i64, i64, i64) = (r.get(1)?, r.get(2)?, r.get(3)?);
        Ok(Compliance {
            priority: r.get(0)?,
            tickets,
            met,
            breached,
            open: tickets - met - breached,
        })
    })?;
    rows.collect()
}

/// First response times in contractual minutes, (clock priority, minutes),
/// for tickets opened in `[from, to)`: read from `tickets_sla_compliance`
/// alone (the minutes are stored with the ticket's other SLA figures).
pub fn response_minutes(conn: &dyn Sql, from: i64, to: i64) -> rusqlite::Result<Vec<(u8, i64)>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT clock_priority, response_minutes FROM tickets{}
         WHERE clock_priority IN (1, 2, 3, 4, 5) AND opened >= ?1 AND opened < ?2 AND response_minutes IS NOT NULL",
        conn.dialect().indexed_by("tickets_sla_compliance")
    ))?;
    stmt.query_map(params![from, to], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect()
}
