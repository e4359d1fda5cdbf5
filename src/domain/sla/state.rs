//! The one place that decides a response clock's state and time left.
//!
//! Every surface — the queue column, the SLA board, the ticket view,
//! `ticket list/show`, `sla check`, `sla report`, the compliance chart and the
//! "Breaching soon" view — asks [`Clock`], or filters on the columns the store
//! wrote from [`Clock::derived`] in the transaction that stored the deadlines.

use chrono::{DateTime, Utc};

use super::{Calendar, ClockKind, Deadlines, SlaInput, SlaPolicy};
use crate::domain::ticket::Priority;
use crate::domain::time::from_secs;

/// Clock state as shown on the board.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SlaState {
    Running,
    Warning,
    Breached,
    Met,
    Paused,
    Scheduled,
}

impl SlaState {
    pub fn as_str(self) -> &'static str {
        match self {
            SlaState::Running => "running",
            SlaState::Warning => "warning",
            SlaState::Breached => "breached",
            SlaState::Met => "met",
            SlaState::Paused => "paused",
            SlaState::Scheduled => "scheduled",
        }
    }
}

impl std::fmt::Display for SlaState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One ticket's response clock: its deadlines and the facts that stop or pause it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Clock {
    pub kind: ClockKind,
    pub response_due: DateTime<Utc>,
    pub warning_at: DateTime<Utc>,
    /// The first response, else the completion: the instant the clock stopped.
    pub responded: Option<DateTime<Utc>>,
    /// Start of the Waiting-on-Client pause running now.
    pub paused_since: Option<DateTime<Utc>>,
}

/// What the store keeps beside the deadlines so that SQL can filter by state
/// (`sla check`, "Breaching soon", the compliance chart) without a second copy
/// of the rule. Instants are Unix seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Derived {
    /// While the clock runs: from when it needs attention (warning or breach).
    /// `None` once it stopped, or while a pause that began before the due time
    /// holds it (the resume restamps it).
    pub attention_at: Option<i64>,
    /// While the clock runs: from when it is breached; `None` as above.
    pub breach_at: Option<i64>,
    /// Once the clock stopped: whether the response met its due time.
    pub met: Option<bool>,
}

impl Clock {
    /// The clock of freshly computed deadlines.
    pub fn new(deadlines: &Deadlines, input: &SlaInput) -> Clock {
        Clock {
            kind: deadlines.clock,
            response_due: deadlines.response_due,
            warning_at: deadlines.warning_at,
            responded: input.responded(),
            paused_since: deadlines.paused_since,
        }
    }

    /// The clock of stored columns; `None` for a ticket without deadlines.
    /// `clock_priority` is the priority the clock runs on (see the README:
    /// a priority change after the first response does not move it).
    pub fn from_stored(
        policy: &SlaPolicy,
        clock_priority: Priority,
        response_due: Option<i64>,
        warning_at: Option<i64>,
        responded: Option<i64>,
        paused_since: Option<i64>,
    ) -> Option<Clock> {
        let kind = policy.get(clock_priority).clock;
        Some(Clock {
            kind,
            response_due: from_secs(response_due?),
            warning_at: from_secs(warning_at?),
            responded: responded.map(from_secs),
            paused_since: paused_since.map(from_secs),
        })
    }

    /// A pause that began before the due time holds the clock; one that began
    /// after it hides nothing: the clock stays breached.
    fn held(&self) -> bool {
        self.paused_since.is_some_and(|s| s < self.response_due)
    }

    /// The clock state at `now`, checked in this order: met/breached once
    /// responded; paused while a pause that began before the due time runs;
    /// breached once due (a pause after the breach does not hide it);
    /// scheduled (P5 before its warning); warning; running.
    pub fn state(&self, now: DateTime<Utc>) -> SlaState {
        let due = self.response_due;
        if let Some(r) = self.responded {
            return if r <= due { SlaState::Met } else { SlaState::Breached };
        }
        let pausing = self.paused_since.is_some_and(|s| s <= now);
        if pausing && self.held() {
            SlaState::Paused
        } else if now >= due {
            SlaState::Breached
        } else if self.kind == ClockKind::Scheduled && now < self.warning_at {
            SlaState::Scheduled
        } else if now >= self.warning_at {
            SlaState::Warning
        } else {
            SlaState::Running
        }
    }

    /// True while the ticket waits on the client and its clock has not stopped
    /// (shown beside a breach: "breached, paused").
    pub fn is_paused(&self, now: DateTime<Utc>) -> bool {
        self.responded.is_none() && self.paused_since.is_some_and(|s| s <= now)
    }

    /// The state in words for text output: the state, and "paused" beside a
    /// breach that is waiting on the client.
    pub fn label(&self, now: DateTime<Utc>) -> String {
        let state = self.state(now);
        if state == SlaState::Breached && self.is_paused(now) {
            "breached, paused".into()
        } else {
            state.as_str().into()
        }
    }

    /// True when this clock is counting at `now`: running, not paused, and on a
    /// business clock only inside contractual hours (`open`: the calendar at
    /// `now`, asked once for a whole board).
    pub fn ticking(&self, open: bool, now: DateTime<Utc>) -> bool {
        self.responded.is_none() && !self.is_paused(now) && (self.kind != ClockKind::Business || open)
    }

    /// The columns the store keeps with the deadlines (see [`Derived`]).
    pub fn derived(&self) -> Derived {
        if let Some(r) = self.responded {
            return Derived {
                met: Some(r <= self.response_due),
                ..Derived::default()
            };
        }
        if self.held() {
            return Derived::default();
        }
        Derived {
            attention_at: Some(self.warning_at.timestamp()),
            breach_at: Some(self.response_due.timestamp()),
            met: None,
        }
    }

    /// Wall-clock minutes until the due time, rounded down (negative when past).
    pub fn wall_minutes_left(&self, now: DateTime<Utc>) -> i64 {
        (self.response_due - now).num_seconds().div_euclid(60)
    }

    /// Whole minutes left before the due time on this clock, rounded down.
    /// Past the deadline the overrun is counted on the same clock and the
    /// result is at least 1 minute negative, even when no clock time has passed
    /// since (e.g. due at closing time, now in the evening). While a pause
    /// runs, the count is frozen at the pause start.
    pub fn minutes_left(&self, cal: &Calendar, now: DateTime<Utc>) -> i64 {
        let at = self.paused_since.map_or(now, |s| s.min(now));
        let due = self.response_due;
        if at > due {
            let over = self.kind.between(cal, due, at).num_seconds();
            return -(over.div_euclid(60) + i64::from(over % 60 != 0)).max(1);
        }
        self.kind.between(cal, at, due).num_seconds().div_euclid(60)
    }
}

/// The clock state at `now` of freshly computed deadlines.
pub fn state(deadlines: &Deadlines, input: &SlaInput, now: DateTime<Utc>) -> SlaState {
    Clock::new(deadlines, input).state(now)
}

/// Clock minutes left of freshly computed deadlines on priority `p`'s clock.
pub fn business_minutes_left(
    cal: &Calendar,
    policy: &SlaPolicy,
    p: Priority,
    deadlines: &Deadlines,
    now: DateTime<Utc>,
) -> i64 {
    let clock = Clock {
        kind: policy.get(p).clock,
        response_due: deadlines.response_due,
        warning_at: deadlines.warning_at,
        responded: None,
        paused_since: deadlines.paused_since,
    };
    clock.minutes_left(cal, now)
}

/// What the stored deadlines depend on, as canonical text: the calendar and
/// the SLA table (names aside). The store keeps the basis its deadlines were
/// computed with and recomputes them when the configured one differs.
pub fn basis(cal: &Calendar, policy: &SlaPolicy) -> String {
    use std::fmt::Write;
    let mut s = format!("zone={}", cal.zone.name());
    for (day, hours) in cal.hours.iter().enumerate() {
        match hours {
            Some((open, close)) => write!(s, ";d{day}={open}-{close}"),
            None => write!(s, ";d{day}=closed"),
        }
        .ok();
    }
    let holidays: Vec<String> = cal.holidays.iter().map(|d| d.to_string()).collect();
    write!(s, ";holidays={}", holidays.join(",")).ok();
    for (i, p) in policy.priorities.iter().enumerate() {
        write!(
            s,
            ";p{}={}/{}/{}/{:?}",
            i + 1,
            p.clock.as_str(),
            p.goal_minutes,
            p.target_minutes,
            p.resolve_minutes
        )
        .ok();
    }
    s
}

/// One pause span as the ticket shows it; `end` is `None` while it runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LedgerEntry {
    pub start: DateTime<Utc>,
    pub end: Option<DateTime<Utc>>,
    /// Clock minutes it moved the response deadline (so far, while it runs), rounded down.
    pub moved_minutes: i64,
}

/// The pause ledger of a ticket at `now`: the closed spans from the engine's
/// walk, then the pause running now, which moves the deadline by the clock
/// time it has lasted — unless it began after the due time or the response.
pub fn pause_ledger(cal: &Calendar, policy: &SlaPolicy, input: &SlaInput, now: DateTime<Utc>) -> Vec<LedgerEntry> {
    let Ok(d) = super::deadlines(cal, policy, input) else {
        return Vec::new();
    };
    let mut out: Vec<LedgerEntry> = d
        .ledger
        .iter()
        .map(|e| LedgerEntry {
            start: e.start,
            end: Some(e.end),
            moved_minutes: e.moved_minutes,
        })
        .collect();
    if let Some(since) = input.paused_since {
        let clock = Clock::new(&d, input);
        let moving = clock.responded.is_none() && clock.held() && d.clock != ClockKind::Scheduled;
        let moved = if moving {
            d.clock.between(cal, since, now.max(since))
        } else {
            chrono::TimeDelta::zero()
        };
        out.push(LedgerEntry {
            start: since,
            end: None,
            moved_minutes: moved.num_seconds().div_euclid(60),
        });
    }
    out
}
