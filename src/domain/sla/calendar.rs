//! Contractual hours: per-weekday wall-clock windows in one zone, minus holidays.
//!
//! Every day is handled in one step (its open..close window converted to UTC
//! once), so a walk over a long weekend costs a handful of zone conversions.

use std::collections::BTreeSet;

use chrono::{DateTime, Datelike, LocalResult, NaiveDate, NaiveDateTime, NaiveTime, Offset, TimeDelta, TimeZone, Utc};
use chrono_tz::Tz;

/// Contractual hours of DESIGN.md 3.2.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Calendar {
    pub zone: Tz,
    /// Monday..Sunday, `(open, close)` in wall-clock time; `None`, or `open >= close`, is a closed day.
    pub hours: [Option<(NaiveTime, NaiveTime)>; 7],
    /// Local dates on which the calendar is closed all day.
    pub holidays: BTreeSet<NaiveDate>,
}

/// One day's contractual window as UTC instants, `open < close`.
pub type Window = (DateTime<Utc>, DateTime<Utc>);

fn hm(h: u32, m: u32) -> NaiveTime {
    NaiveTime::from_hms_opt(h, m, 0).unwrap_or(NaiveTime::MIN)
}

impl Calendar {
    /// America/New_York, Monday–Friday 08:00–17:00, no holidays.
    pub fn pim_default() -> Calendar {
        let day = Some((hm(8, 0), hm(17, 0)));
        Calendar {
            zone: chrono_tz::America::New_York,
            hours: [day, day, day, day, day, None, None],
            holidays: BTreeSet::new(),
        }
    }

    /// The same calendar with these extra holidays.
    pub fn with_holidays(mut self, days: impl IntoIterator<Item = NaiveDate>) -> Calendar {
        self.holidays.extend(days);
        self
    }

    /// True when at least one weekday has a non-empty window.
    pub fn has_open_hours(&self) -> bool {
        self.hours.iter().flatten().any(|(open, close)| open < close)
    }

    /// The local (zone) date of an instant.
    pub fn local_date(&self, t: DateTime<Utc>) -> NaiveDate {
        t.with_timezone(&self.zone).date_naive()
    }

    /// A wall-clock time in the zone as a UTC instant. In a fold the earlier
    /// instant wins; a time inside a gap is read with the offset in force
    /// before the gap (so 02:30 on a spring-forward night is 03:30 daylight time).
    pub fn local_to_utc(&self, naive: NaiveDateTime) -> Option<DateTime<Utc>> {
        match self.zone.from_local_datetime(&naive) {
            LocalResult::Single(t) | LocalResult::Ambiguous(t, _) => Some(t.with_timezone(&Utc)),
            LocalResult::None => {
                let before = naive.checked_sub_signed(TimeDelta::days(1))?;
                let offset = self.zone.offset_from_local_datetime(&before).earliest()?;
                let secs = i64::from(offset.fix().local_minus_utc());
                Some(naive.checked_sub_signed(TimeDelta::seconds(secs))?.and_utc())
            }
        }
    }

    /// The contractual window of one local date, or `None` when closed that day.
    pub fn window(&self, date: NaiveDate) -> Option<Window> {
        if self.holidays.contains(&date) {
            return None;
        }
        let (open, close) = self.hours[date.weekday().num_days_from_monday() as usize]?;
        if open >= close {
            return None;
        }
        let o = self.local_to_utc(date.and_time(open))?;
        let c = self.local_to_utc(date.and_time(close))?;
        (o < c).then_some((o, c))
    }

    /// First local date whose window could still matter for instant `t`.
    fn first_date(&self, t: DateTime<Utc>) -> Option<NaiveDate> {
        self.local_date(t).pred_opt()
    }

    /// Inside contractual hours: `open <= t < close` on some open day.
    pub fn is_open(&self, t: DateTime<Utc>) -> bool {
        let Some(first) = self.first_date(t) else {
            return false;
        };
        first
            .iter_days()
            .take(2)
            .filter_map(|d| self.window(d))
            .any(|(o, c)| o <= t && t < c)
    }

    /// The first instant at or after `t` when the clock runs (`t` itself when open);
    /// `None` if the calendar has no open hours at all.
    pub fn next_open(&self, t: DateTime<Utc>) -> Option<DateTime<Utc>> {
        if !self.has_open_hours() {
            return None;
        }
        let first = self.first_date(t)?;
        first
            .iter_days()
            .filter_map(|d| self.window(d))
            .find(|&(_, c)| c > t)
            .map(|(o, _)| o.max(t))
    }

    /// Walks `span` of contractual time forward from `start`. A walk that ends
    /// exactly at closing time stays there. `None` when the calendar never opens
    /// or the result leaves chrono's range. A zero or negative span returns `start`.
    pub fn checked_add_business(&self, start: DateTime<Utc>, span: TimeDelta) -> Option<DateTime<Utc>> {
        if span <= TimeDelta::zero() {
            return Some(start);
        }
        if !self.has_open_hours() {
            return None;
        }
        let mut left = span;
        for date in self.first_date(start)?.iter_days() {
            let Some((o, c)) = self.window(date) else {
                continue;
            };
            if c <= start {
                continue;
            }
            let from = o.max(start);
            let avail = c - from;
            if left <= avail {
                return from.checked_add_signed(left);
            }
            left -= avail;
        }
        None
    }

    /// [`Calendar::checked_add_business`] in whole minutes; saturates at
    /// `DateTime::<Utc>::MAX_UTC` when the calendar never opens.
    pub fn add_business_minutes(&self, start: DateTime<Utc>, minutes: i64) -> DateTime<Utc> {
        let span = TimeDelta::try_minutes(minutes).unwrap_or(TimeDelta::MAX);
        self.checked_add_business(start, span)
            .unwrap_or(DateTime::<Utc>::MAX_UTC)
    }

    /// Contractual time inside `[a, b)`; zero when `b <= a`.
    pub fn business_between(&self, a: DateTime<Utc>, b: DateTime<Utc>) -> TimeDelta {
        let mut total = TimeDelta::zero();
        if b <= a {
            return total;
        }
        let (Some(first), Some(last)) = (self.first_date(a), self.local_date(b).succ_opt()) else {
            return total;
        };
        for date in first.iter_days().take_while(|d| *d <= last) {
            if let Some((o, c)) = self.window(date) {
                let (from, to) = (o.max(a), c.min(b));
                if from < to {
                    total += to - from;
                }
            }
        }
        total
    }

    /// Whole contractual minutes between `a` and `b` (rounded down); 0 if `b <= a`.
    pub fn business_minutes_between(&self, a: DateTime<Utc>, b: DateTime<Utc>) -> i64 {
        self.business_between(a, b).num_seconds().div_euclid(60)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ny(s: &str) -> DateTime<Utc> {
        let naive = NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap();
        Calendar::pim_default().local_to_utc(naive).unwrap()
    }

    #[test]
    fn open_hours_are_half_open_and_skip_weekends_and_holidays() {
        let cal = Calendar::pim_default().with_holidays([NaiveDate::from_ymd_opt(2026, 11, 26).unwrap()]);
        assert!(cal.is_open(ny("2026-11-20 08:00")));
        assert!(cal.is_open(ny("2026-11-20 16:59")));
        assert!(!cal.is_open(ny("2026-11-20 17:00")));
        assert!(!cal.is_open(ny("2026-11-21 10:00")));
        assert!(!cal.is_open(ny("2026-11-26 10:00")));
        assert_eq!(cal.next_open(ny("2026-11-25 18:00")), Some(ny("2026-11-27 08:00")));
        assert_eq!(cal.next_open(ny("2026-11-25 10:00")), Some(ny("2026-11-25 10:00")));
    }

    #[test]
    fn adding_lands_on_closing_time_and_rolls_past_it() {
        let cal = Calendar::pim_default();
        assert_eq!(
            cal.add_business_minutes(ny("2026-11-20 16:00"), 60),
            ny("2026-11-20 17:00")
        );
        assert_eq!(
            cal.add_business_minutes(ny("2026-11-20 16:30"), 60),
            ny("2026-11-23 08:30")
        );
        assert_eq!(
            cal.add_business_minutes(ny("2026-11-21 12:00"), 60),
            ny("2026-11-23 09:00")
        );
        assert_eq!(
            cal.add_business_minutes(ny("2026-11-20 17:00"), 0),
            ny("2026-11-20 17:00")
        );
        assert_eq!(
            cal.business_minutes_between(ny("2026-11-20 16:30"), ny("2026-11-23 08:30")),
            60
        );
        assert_eq!(
            cal.business_minutes_between(ny("2026-11-23 08:30"), ny("2026-11-20 16:30")),
            0
        );
        assert_eq!(
            cal.business_minutes_between(ny("2026-11-16 00:00"), ny("2026-11-23 00:00")),
            5 * 540
        );
    }

    #[test]
    fn a_closed_calendar_never_opens() {
        let cal = Calendar {
            hours: [None; 7],
            ..Calendar::pim_default()
        };
        assert!(!cal.has_open_hours());
        assert_eq!(cal.next_open(ny("2026-11-20 10:00")), None);
        assert_eq!(
            cal.add_business_minutes(ny("2026-11-20 10:00"), 5),
            DateTime::<Utc>::MAX_UTC
        );
        assert_eq!(
            cal.business_minutes_between(ny("2026-11-20 10:00"), ny("2026-12-20 10:00")),
            0
        );
    }

    #[test]
    fn gap_and_fold_times_resolve_forward_and_earliest() {
        // 2026-03-08 02:30 does not exist in New York: read as 03:30 EDT = 07:30Z.
        assert_eq!(ny("2026-03-08 02:30").to_rfc3339(), "2026-03-08T07:30:00+00:00");
        // 2026-11-01 01:30 happens twice: the first (EDT) wins = 05:30Z.
        assert_eq!(ny("2026-11-01 01:30").to_rfc3339(), "2026-11-01T05:30:00+00:00");
        // A window inside the gap hour still opens and closes in order.
        let mut night = Calendar::pim_default();
        night.hours[6] = Some((hm(1, 30), hm(3, 30)));
        let sunday = NaiveDate::from_ymd_opt(2026, 3, 8).unwrap();
        let (o, c) = night.window(sunday).unwrap();
        assert_eq!((c - o).num_minutes(), 60);
    }
}
