//! The SLA board's rules at tick time: clock minutes left per row, and
//! which clocks run right now (the after-hours view).

use chrono::{DateTime, Utc};

use super::lists::SlaRow;
use crate::domain::sla::{Calendar, ClockKind, SlaPolicy};
use crate::domain::ticket::Priority;
use crate::domain::time::from_secs;

/// Response compliance of one priority over the report period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Compliance {
    pub priority: u8,
    pub tickets: i64,
    pub met: i64,
}

impl Compliance {
    pub fn percent(&self) -> Option<i64> {
        (self.tickets > 0).then(|| self.met * 100 / self.tickets)
    }
}

/// Days of history in the compliance chart.
pub const COMPLIANCE_DAYS: i64 = 30;

/// Marks which clocks run now (cheap, every row), then recomputes the clock
/// minutes left of the rows on screen only — a board of 50,000 clocks costs
/// a screenful of calendar walks per tick, not 50,000.
pub fn refresh_clocks(rows: &mut [SlaRow], cal: &Calendar, policy: &SlaPolicy, now: DateTime<Utc>, view: Window) {
    let open = cal.is_open(now);
    for r in rows.iter_mut() {
        let clock = clock_of(policy, r.priority);
        // Business clocks stand still outside contractual hours; paused ones always.
        r.running_now = !r.paused && (clock != ClockKind::Business || open);
        r.scheduled = clock == ClockKind::Scheduled;
    }
    let on_screen = rows
        .iter_mut()
        .filter(|r| !view.only_running || r.running_now)
        .skip(view.offset)
        .take(view.height);
    for r in on_screen {
        let clock = clock_of(policy, r.priority);
        let due = from_secs(r.response_due);
        r.clock_minutes_left = if due >= now {
            clock.between(cal, now, due).num_minutes()
        } else {
            -clock.between(cal, due, now).num_minutes().max(1)
        };
    }
}

/// The rows of the board on screen.
#[derive(Debug, Clone, Copy)]
pub struct Window {
    pub only_running: bool,
    pub offset: usize,
    pub height: usize,
}

fn clock_of(policy: &SlaPolicy, priority: u8) -> ClockKind {
    policy.get(Priority::new(priority).unwrap_or(Priority::ALL[2])).clock
}
