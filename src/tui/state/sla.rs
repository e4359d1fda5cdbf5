//! The SLA board's rules at tick time: clock minutes left per row, and
//! which clocks run right now (the after-hours view).

use chrono::{DateTime, Utc};

use super::lists::SlaRow;
use crate::domain::sla::Calendar;

pub use crate::store::sla::Compliance;

/// Days of history in the compliance chart.
pub const COMPLIANCE_DAYS: i64 = 30;

/// Marks which clocks run now (cheap, every row), then recomputes the clock
/// minutes left of the rows on screen only — a board of 50,000 clocks costs
/// a screenful of calendar walks per tick, not 50,000.
pub fn refresh_clocks(rows: &mut [SlaRow], cal: &Calendar, now: DateTime<Utc>, view: Window) {
    let open = cal.is_open(now);
    for r in rows.iter_mut() {
        r.running_now = r.clock.is_some_and(|c| c.ticking(open, now));
    }
    let on_screen = rows
        .iter_mut()
        .filter(|r| !view.only_running || r.running_now)
        .skip(view.offset)
        .take(view.height);
    for r in on_screen {
        r.clock_minutes_left = r.clock.map_or(0, |c| c.minutes_left(cal, now));
    }
}

/// The rows of the board on screen.
#[derive(Debug, Clone, Copy)]
pub struct Window {
    pub only_running: bool,
    pub offset: usize,
    pub height: usize,
}
