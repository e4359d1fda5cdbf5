//! The per-priority SLA table and the clocks it runs on.

use chrono::{DateTime, TimeDelta, Utc};

use super::calendar::Calendar;
use crate::domain::ticket::Priority;

/// Which time counts on a priority's clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ClockKind {
    /// Real elapsed time, around the clock (P1).
    TwentyFourSeven,
    /// Only contractual hours count (P2–P4).
    Business,
    /// Due at the agreed schedule (P5).
    Scheduled,
}

impl ClockKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ClockKind::TwentyFourSeven => "24x7",
            ClockKind::Business => "business",
            ClockKind::Scheduled => "scheduled",
        }
    }

    /// Moves `span` of this clock's time forward from `start`. Real time for
    /// 24x7 and Scheduled, contractual time for Business.
    pub fn add(self, cal: &Calendar, start: DateTime<Utc>, span: TimeDelta) -> Option<DateTime<Utc>> {
        match self {
            ClockKind::Business => cal.checked_add_business(start, span),
            ClockKind::TwentyFourSeven | ClockKind::Scheduled => start.checked_add_signed(span),
        }
    }

    /// This clock's time inside `[a, b)`; zero when `b <= a`.
    pub fn between(self, cal: &Calendar, a: DateTime<Utc>, b: DateTime<Utc>) -> TimeDelta {
        match self {
            _ if b <= a => TimeDelta::zero(),
            ClockKind::Business => cal.business_between(a, b),
            ClockKind::TwentyFourSeven | ClockKind::Scheduled => b - a,
        }
    }
}

/// One row of the SLA table (DESIGN.md 3.2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PriorityPolicy {
    pub name: String,
    pub clock: ClockKind,
    /// Warning after this much clock time; for `Scheduled`, minutes before the schedule.
    pub goal_minutes: u32,
    /// Breach after this much clock time; ignored for `Scheduled` (due = schedule).
    pub target_minutes: u32,
    /// Optional resolution target on the same clock (after the schedule for `Scheduled`).
    pub resolve_minutes: Option<u32>,
}

impl PriorityPolicy {
    fn new(name: &str, clock: ClockKind, goal_minutes: u32, target_minutes: u32) -> Self {
        PriorityPolicy {
            name: name.to_string(),
            clock,
            goal_minutes,
            target_minutes,
            resolve_minutes: None,
        }
    }
}

/// The whole table, indexed by `Priority::index()`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SlaPolicy {
    pub priorities: [PriorityPolicy; 5],
}

impl SlaPolicy {
    /// The guide's table: P1 24x7 1/60, P2 30/60, P3 30/60, P4 45/60, P5 at the schedule (warning 60 before).
    pub fn pim_default() -> SlaPolicy {
        use ClockKind::*;
        SlaPolicy {
            priorities: [
                PriorityPolicy::new("ASAP / Critical", TwentyFourSeven, 1, 60),
                PriorityPolicy::new("High", Business, 30, 60),
                PriorityPolicy::new("Medium", Business, 30, 60),
                PriorityPolicy::new("Low", Business, 45, 60),
                PriorityPolicy::new("Planned / Scheduled", Scheduled, 60, 0),
            ],
        }
    }

    pub fn get(&self, p: Priority) -> &PriorityPolicy {
        &self.priorities[p.index()]
    }
}

/// Result of walking a clock past pauses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Walk {
    pub due: DateTime<Utc>,
    /// Per pause span (same order as given): clock time it moved `due`.
    pub moved: Vec<TimeDelta>,
}

/// Walks `need` of clock time from `start`, not counting time inside `pauses`
/// (sorted, disjoint). A pause that starts at or after the instant the clock
/// would run out moves nothing. `None` when the walk leaves the representable range
/// or a business clock never opens.
pub fn walk(
    kind: ClockKind,
    cal: &Calendar,
    start: DateTime<Utc>,
    need: TimeDelta,
    pauses: &[super::Span],
) -> Option<Walk> {
    let mut cur = start;
    let mut left = need;
    let mut due = None;
    let mut moved = Vec::with_capacity(pauses.len());
    for &(ps, pe) in pauses {
        if due.is_some() || pe <= cur {
            moved.push(TimeDelta::zero());
            continue;
        }
        let ps = ps.max(cur);
        let before = kind.between(cal, cur, ps);
        if before >= left {
            due = Some(kind.add(cal, cur, left)?);
            moved.push(TimeDelta::zero());
            continue;
        }
        left -= before;
        moved.push(kind.between(cal, ps, pe));
        cur = pe;
    }
    let due = match due {
        Some(d) => d,
        None => kind.add(cal, cur, left)?,
    };
    Some(Walk { due, moved })
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn t(h: u32, m: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 7, 4, h, m, 0).unwrap()
    }

    #[test]
    fn the_default_table_follows_the_guide() {
        let p = SlaPolicy::pim_default();
        let goals: Vec<u32> = p.priorities.iter().map(|r| r.goal_minutes).collect();
        assert_eq!(goals, [1, 30, 30, 45, 60]);
        assert_eq!(p.get(Priority::new(1).unwrap()).clock, ClockKind::TwentyFourSeven);
        assert_eq!(p.get(Priority::new(5).unwrap()).clock, ClockKind::Scheduled);
        assert!(p.priorities.iter().all(|r| r.resolve_minutes.is_none()));
    }

    #[test]
    fn a_real_time_walk_skips_pauses_and_ignores_late_ones() {
        let cal = Calendar::pim_default();
        let pauses = [(t(1, 0), t(1, 30)), (t(10, 10), t(10, 20)), (t(12, 0), t(13, 0))];
        let w = walk(
            ClockKind::TwentyFourSeven,
            &cal,
            t(10, 0),
            TimeDelta::minutes(60),
            &pauses,
        )
        .unwrap();
        assert_eq!(w.due, t(11, 10));
        assert_eq!(w.moved, [TimeDelta::zero(), TimeDelta::minutes(10), TimeDelta::zero()]);
        // A pause starting exactly when the clock runs out moves nothing.
        let w = walk(
            ClockKind::TwentyFourSeven,
            &cal,
            t(10, 0),
            TimeDelta::minutes(60),
            &[(t(11, 0), t(12, 0))],
        )
        .unwrap();
        assert_eq!((w.due, w.moved[0]), (t(11, 0), TimeDelta::zero()));
        // A pause already running when the ticket opens counts from the opening.
        let w = walk(
            ClockKind::TwentyFourSeven,
            &cal,
            t(10, 0),
            TimeDelta::minutes(60),
            &[(t(9, 0), t(10, 30))],
        )
        .unwrap();
        assert_eq!((w.due, w.moved[0]), (t(11, 30), TimeDelta::minutes(30)));
    }
}
