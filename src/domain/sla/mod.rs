//! The SLA engine of DESIGN.md 3.2: deadlines, pause ledger and clock state.
//!
//! Pure: no I/O and no clock reads; "now" is always passed in.

pub mod calendar;
pub mod cases;
pub mod clock;
pub mod state;
#[cfg(test)]
mod tests;

use chrono::{DateTime, TimeDelta, Utc};

pub use calendar::Calendar;
pub use cases::due_line;
pub use clock::{ClockKind, PriorityPolicy, SlaPolicy};
pub use state::{basis, business_minutes_left, pause_ledger, state, Clock, Derived, LedgerEntry, SlaState};

use crate::domain::ticket::Priority;

/// A closed time span `(start, end)`.
pub type Span = (DateTime<Utc>, DateTime<Utc>);

/// What the engine needs to know about one ticket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SlaInput {
    pub priority: Priority,
    pub opened: DateTime<Utc>,
    /// Closed Waiting-on-Client spans `(start, end)`, any order, may overlap.
    pub paused: Vec<Span>,
    /// Start of the pause still running (the ticket is Waiting on Client now).
    pub paused_since: Option<DateTime<Utc>>,
    pub scheduled: Option<DateTime<Utc>>,
    pub first_response: Option<DateTime<Utc>>,
    pub completed: Option<DateTime<Utc>>,
}

impl SlaInput {
    /// A fresh ticket: no pauses, schedule or response.
    pub fn new(priority: Priority, opened: DateTime<Utc>) -> SlaInput {
        SlaInput {
            priority,
            opened,
            paused: Vec::new(),
            paused_since: None,
            scheduled: None,
            first_response: None,
            completed: None,
        }
    }

    /// The instant the response clock stopped: the first response, else the completion.
    pub fn responded(&self) -> Option<DateTime<Utc>> {
        self.first_response.or(self.completed)
    }
}

/// One merged pause span and how far it moved `response_due`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PauseEntry {
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    /// Clock minutes (business minutes on a business clock), rounded down.
    pub moved_minutes: i64,
}

/// The computed deadlines of one ticket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Deadlines {
    pub response_due: DateTime<Utc>,
    pub warning_at: DateTime<Utc>,
    pub resolve_due: Option<DateTime<Utc>>,
    /// One entry per merged closed pause span, in time order.
    pub ledger: Vec<PauseEntry>,
    /// The clock these deadlines were walked on.
    pub clock: ClockKind,
    /// Copied from the input: while set, minutes left are frozen at this instant.
    pub paused_since: Option<DateTime<Utc>>,
}

/// Why deadlines could not be computed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SlaError {
    #[error("a priority 5 (Planned / Scheduled) ticket needs a scheduled time")]
    MissingSchedule,
    #[error("a pause ends ({}) before it starts ({})", .end.to_rfc3339(), .start.to_rfc3339())]
    PauseOutOfOrder { start: DateTime<Utc>, end: DateTime<Utc> },
    #[error("the calendar has no contractual hours on any weekday, so a business-hours clock never runs")]
    NoOpenHours,
    #[error("the {what} falls outside the supported date range")]
    OutOfRange { what: &'static str },
}

/// Sorts pause spans and merges overlapping or touching ones; refuses a span that ends before it starts.
pub fn merge_pauses(spans: &[Span]) -> Result<Vec<Span>, SlaError> {
    if let Some(&(start, end)) = spans.iter().find(|(s, e)| e < s) {
        return Err(SlaError::PauseOutOfOrder { start, end });
    }
    let mut sorted = spans.to_vec();
    sorted.sort_unstable();
    let mut merged: Vec<Span> = Vec::with_capacity(sorted.len());
    for (s, e) in sorted {
        match merged.last_mut() {
            Some(last) if s <= last.1 => last.1 = last.1.max(e),
            _ => merged.push((s, e)),
        }
    }
    Ok(merged)
}

/// Pause spans as seen by a clock that stops at `stop`: time after it moves nothing.
fn clip(spans: &[Span], stop: Option<DateTime<Utc>>) -> Vec<Span> {
    let Some(stop) = stop else {
        return spans.to_vec();
    };
    spans.iter().map(|&(s, e)| (s, e.min(stop).max(s))).collect()
}

fn minutes(m: u32) -> TimeDelta {
    TimeDelta::minutes(i64::from(m))
}

/// One ledger entry per merged span, with the clock time it moved the deadline.
fn ledger(spans: &[Span], moved: &[TimeDelta]) -> Vec<PauseEntry> {
    spans
        .iter()
        .zip(moved)
        .map(|(&(start, end), moved)| PauseEntry {
            start,
            end,
            moved_minutes: moved.num_seconds().div_euclid(60),
        })
        .collect()
}

/// Response, warning and resolution deadlines plus the pause ledger.
pub fn deadlines(cal: &Calendar, policy: &SlaPolicy, input: &SlaInput) -> Result<Deadlines, SlaError> {
    let row = policy.get(input.priority);
    let spans = merge_pauses(&input.paused)?;
    if row.clock == ClockKind::Scheduled {
        return scheduled_deadlines(row, input, &spans);
    }
    if row.clock == ClockKind::Business && !cal.has_open_hours() {
        return Err(SlaError::NoOpenHours);
    }
    let go = |need: u32, pauses: &[Span], what: &'static str| {
        clock::walk(row.clock, cal, input.opened, minutes(need), pauses).ok_or(SlaError::OutOfRange { what })
    };
    let response_spans = clip(&spans, input.responded());
    let due = go(row.target_minutes, &response_spans, "response due time")?;
    let warn = go(row.goal_minutes, &response_spans, "warning time")?;
    let resolve_spans = clip(&spans, input.completed);
    let resolve_due = match row.resolve_minutes {
        Some(m) => Some(go(m, &resolve_spans, "resolution due time")?.due),
        None => None,
    };
    Ok(Deadlines {
        response_due: due.due,
        warning_at: warn.due,
        resolve_due,
        ledger: ledger(&spans, &due.moved),
        clock: row.clock,
        paused_since: input.paused_since,
    })
}

/// P5: due at the schedule, warning `goal_minutes` real minutes before; pauses move nothing.
fn scheduled_deadlines(row: &PriorityPolicy, input: &SlaInput, spans: &[Span]) -> Result<Deadlines, SlaError> {
    let at = input.scheduled.ok_or(SlaError::MissingSchedule)?;
    let range = |what| SlaError::OutOfRange { what };
    let warning_at = at
        .checked_sub_signed(minutes(row.goal_minutes))
        .ok_or(range("warning time"))?;
    let resolve_due = match row.resolve_minutes {
        Some(m) => Some(at.checked_add_signed(minutes(m)).ok_or(range("resolution due time"))?),
        None => None,
    };
    let ledger = spans
        .iter()
        .map(|&(start, end)| PauseEntry {
            start,
            end,
            moved_minutes: 0,
        })
        .collect();
    Ok(Deadlines {
        response_due: at,
        warning_at,
        resolve_due,
        ledger,
        clock: ClockKind::Scheduled,
        paused_since: None,
    })
}
