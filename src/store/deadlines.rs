//! The stored SLA deadlines: computed by `domain::sla` and written with the
//! state columns derived from them (`attention_at`, `breach_at`,
//! `response_met`) in the caller's transaction, and the basis (calendar and
//! SLA table) they were computed with.

use rusqlite::params;

use crate::store::sql::{Mode, Row, Sql};

use crate::domain::sla::{self, Calendar, Clock, SlaInput, SlaPolicy};
use crate::domain::ticket::Priority;
use crate::domain::time::from_secs;

/// The columns `store` writes, as stored (Unix seconds), in the order of
/// [`Stamp::COLUMNS`]: every writer of a ticket row (the console, import,
/// the demo) stamps it through [`stamp`], so the figures have one source.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct Stamp {
    pub response_due: Option<i64>,
    pub warning_at: Option<i64>,
    pub resolve_due: Option<i64>,
    pub attention_at: Option<i64>,
    pub breach_at: Option<i64>,
    pub met: Option<bool>,
    /// Contractual minutes from opening to the first response, on the clock
    /// of the priority the ticket ran on (what `sla report`'s median reads).
    pub response_minutes: Option<i64>,
}

impl Stamp {
    /// The ticket columns a stamp fills, in field order.
    pub const COLUMNS: &'static str =
        "response_due, warning_at, resolve_due, attention_at, breach_at, response_met, response_minutes";

    /// The values for [`Stamp::COLUMNS`], for a statement's parameters.
    pub fn values(&self) -> [&dyn rusqlite::ToSql; 7] {
        [
            &self.response_due,
            &self.warning_at,
            &self.resolve_due,
            &self.attention_at,
            &self.breach_at,
            &self.met,
            &self.response_minutes,
        ]
    }
}

/// Deadlines and derived state of one ticket's SLA input (the deadlines
/// empty when the engine cannot compute them, e.g. a P5 without a schedule).
pub(crate) fn stamp(cal: &Calendar, policy: &SlaPolicy, input: &SlaInput) -> Stamp {
    let response_minutes = input.first_response.map(|first| {
        policy
            .get(input.priority)
            .clock
            .between(cal, input.opened, first)
            .num_minutes()
    });
    let Ok(d) = sla::deadlines(cal, policy, input) else {
        return Stamp {
            response_minutes,
            ..Stamp::default()
        };
    };
    let derived = Clock::new(&d, input).derived();
    Stamp {
        response_due: Some(d.response_due.timestamp()),
        warning_at: Some(d.warning_at.timestamp()),
        resolve_due: d.resolve_due.map(|t| t.timestamp()),
        attention_at: derived.attention_at,
        breach_at: derived.breach_at,
        met: derived.met,
        response_minutes,
    }
}

/// The columns of a ticket row that make its SLA input, in this order.
const INPUT_COLUMNS: &str =
    "id, coalesce(clock_priority, priority), opened, first_response, resolved, scheduled, paused_since";

fn input_of(r: &Row<'_>) -> rusqlite::Result<(i64, SlaInput)> {
    let p: u8 = r.get(1)?;
    let priority = Priority::new(p).ok_or_else(|| {
        rusqlite::Error::FromSqlConversionFailure(
            1,
            rusqlite::types::Type::Integer,
            format!("ticket priority {p} is not 1-5").into(),
        )
    })?;
    let mut input = SlaInput::new(priority, from_secs(r.get(2)?));
    input.first_response = r.get::<_, Option<i64>>(3)?.map(from_secs);
    input.completed = r.get::<_, Option<i64>>(4)?.map(from_secs);
    input.scheduled = r.get::<_, Option<i64>>(5)?.map(from_secs);
    input.paused_since = r.get::<_, Option<i64>>(6)?.map(from_secs);
    Ok((r.get(0)?, input))
}

/// The SLA inputs stored for one ticket.
pub fn sla_input(conn: &dyn Sql, id: i64) -> rusqlite::Result<Option<SlaInput>> {
    let sql = format!("SELECT {INPUT_COLUMNS} FROM tickets WHERE id = ?1");
    let Some((_, mut input)) = conn.query_opt(&sql, [&id], input_of)? else {
        return Ok(None);
    };
    let mut stmt = conn.prepare_cached(
        "SELECT start, \"end\" FROM ticket_pauses WHERE ticket_id = ?1 AND \"end\" IS NOT NULL ORDER BY start",
    )?;
    input.paused = stmt
        .query_map([id], |r| Ok((from_secs(r.get(0)?), from_secs(r.get(1)?))))?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Some(input))
}

fn write(conn: &dyn Sql, id: i64, s: &Stamp) -> rusqlite::Result<()> {
    conn.prepare_cached(
        "UPDATE tickets SET clock_priority = coalesce(clock_priority, priority), response_due = ?2, warning_at = ?3, resolve_due = ?4, attention_at = ?5, breach_at = ?6, response_met = ?7, response_minutes = ?8 WHERE id = ?1",
    )?
    .execute(params![id, s.response_due, s.warning_at, s.resolve_due, s.attention_at, s.breach_at, s.met, s.response_minutes])?;
    Ok(())
}

/// Rewrites the stored deadlines of one ticket (call inside the write's transaction).
pub fn store(conn: &dyn Sql, id: i64, cal: &Calendar, policy: &SlaPolicy) -> rusqlite::Result<()> {
    match sla_input(conn, id)? {
        Some(input) => write(conn, id, &stamp(cal, policy, &input)),
        None => Ok(()),
    }
}

/// Tickets read per step of a recompute: bounded memory at any store size.
const BATCH: usize = 20_000;

/// Recomputes every ticket's deadlines in the caller's transaction, writing
/// only the rows whose figures change; returns (tickets, rows changed).
pub fn recompute_all(conn: &dyn Sql, cal: &Calendar, policy: &SlaPolicy) -> rusqlite::Result<(u64, u64)> {
    let (mut seen, mut changed, mut after) = (0u64, 0u64, i64::MIN);
    loop {
        let batch = read_batch(conn, after)?;
        let Some(&(last, _, _)) = batch.last() else {
            return Ok((seen, changed));
        };
        for (id, input, old) in &batch {
            let new = stamp(cal, policy, input);
            if new != *old {
                write(conn, *id, &new)?;
                changed += 1;
            }
        }
        seen += batch.len() as u64;
        after = last;
    }
}

/// The next tickets after `after` with their closed pauses and stored figures.
fn read_batch(conn: &dyn Sql, after: i64) -> rusqlite::Result<Vec<(i64, SlaInput, Stamp)>> {
    let sql = format!(
        "SELECT {INPUT_COLUMNS}, {}
         FROM tickets WHERE id > ?1 ORDER BY id LIMIT ?2",
        Stamp::COLUMNS
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let mut out = stmt
        .query_map(params![after, BATCH as i64], |r| {
            let (id, input) = input_of(r)?;
            let old = Stamp {
                response_due: r.get(7)?,
                warning_at: r.get(8)?,
                resolve_due: r.get(9)?,
                attention_at: r.get(10)?,
                breach_at: r.get(11)?,
                met: r.get(12)?,
                response_minutes: r.get(13)?,
            };
            Ok((id, input, old))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let (Some(first), Some(last)) = (out.first().map(|t| t.0), out.last().map(|t| t.0)) else {
        return Ok(out);
    };
    let mut pauses = conn.prepare_cached(
        "SELECT ticket_id, start, \"end\" FROM ticket_pauses WHERE ticket_id BETWEEN ?1 AND ?2 AND \"end\" IS NOT NULL ORDER BY ticket_id, start",
    )?;
    let rows = pauses.query_map(params![first, last], |r| {
        Ok((r.get::<_, i64>(0)?, r.get(1)?, r.get(2)?))
    })?;
    let mut i = 0;
    for row in rows {
        let (ticket, start, end): (i64, i64, i64) = row?;
        while i < out.len() && out[i].0 < ticket {
            i += 1;
        }
        if let Some(t) = out.get_mut(i).filter(|t| t.0 == ticket) {
            t.1.paused.push((from_secs(start), from_secs(end)));
        }
    }
    Ok(out)
}

const BASIS_KEY: &str = "sla_basis";

/// The basis the stored deadlines were computed with ("" before the first recompute).
pub fn stored_basis(conn: &dyn Sql) -> rusqlite::Result<Option<String>> {
    conn.query_opt("SELECT value FROM store_meta WHERE key = ?1", [&BASIS_KEY], |r| {
        r.get(0)
    })
}

/// Records the basis of the deadlines just written (inside their transaction).
pub fn set_basis(conn: &dyn Sql, basis: &str) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT INTO store_meta (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        params![BASIS_KEY, basis],
    )?;
    Ok(())
}

/// Recomputes every ticket and records the basis, in one `BEGIN IMMEDIATE`
/// transaction; returns (tickets, rows changed).
pub fn recompute(conn: &dyn Sql, cal: &Calendar, policy: &SlaPolicy) -> rusqlite::Result<(u64, u64)> {
    let tx = conn.begin(Mode::Write)?;
    let counts = recompute_in(&tx, cal, policy)?;
    tx.commit()?;
    Ok(counts)
}

/// Every ticket recomputed and the basis recorded, in the caller's transaction.
fn recompute_in(tx: &dyn Sql, cal: &Calendar, policy: &SlaPolicy) -> rusqlite::Result<(u64, u64)> {
    let counts = recompute_all(tx, cal, policy)?;
    set_basis(tx, &sla::basis(cal, policy))?;
    Ok(counts)
}

/// True when the stored deadlines were computed with this calendar and SLA table.
pub fn is_current(conn: &dyn Sql, cal: &Calendar, policy: &SlaPolicy) -> rusqlite::Result<bool> {
    Ok(stored_basis(conn)?.as_deref() == Some(sla::basis(cal, policy).as_str()))
}

/// Makes the stored deadlines follow this calendar and SLA table: a no-op
/// read when they do, else one recompute transaction (which re-checks under
/// its lock, so two consoles starting together recompute once). Returns the
/// number of rows changed by a recompute, if one ran.
pub fn ensure_current(conn: &dyn Sql, cal: &Calendar, policy: &SlaPolicy) -> rusqlite::Result<Option<u64>> {
    if is_current(conn, cal, policy)? {
        return Ok(None);
    }
    let tx = conn.begin(Mode::Write)?;
    if is_current(&tx, cal, policy)? {
        return Ok(None);
    }
    let (tickets, changed) = recompute_in(&tx, cal, policy)?;
    tx.commit()?;
    tracing::info!(
        tickets,
        changed,
        "SLA deadlines recomputed for the configured calendar and SLA table"
    );
    Ok(Some(changed))
}
