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

/// Recomputes each row's clock minutes left and whether its clock runs now.
pub fn refresh_clocks(rows: &mut [SlaRow], cal: &Calendar, policy: &SlaPolicy, now: DateTime<Utc>) {
    let open = cal.is_open(now);
    for r in rows {
        let p = Priority::new(r.priority).unwrap_or(Priority::ALL[2]);
        let clock = policy.get(p).clock;
        let due = from_secs(r.response_due);
        r.clock_minutes_left = if due >= now {
            clock.between(cal, now, due).num_minutes()
        } else {
            -clock.between(cal, due, now).num_minutes().max(1)
        };
        // Business clocks stand still outside contractual hours; paused ones always.
        r.running_now = !r.paused && (clock != ClockKind::Business || open);
        r.scheduled = clock == ClockKind::Scheduled;
    }
}
