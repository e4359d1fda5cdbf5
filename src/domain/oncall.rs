//! The after-hours rotation (PASS): one technician a week, in order, the week
//! turning at the handover time on Mondays. "On call" means outside
//! contractual hours; inside them the office answers (Support line, portal).

use chrono::{DateTime, Datelike, NaiveDate, NaiveTime, Utc, Weekday};

use super::sla::Calendar;

/// A weekly rotation: `logins[0]` has the week starting `start` at `handover`
/// (local time), `logins[1]` the next week, and round again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rotation {
    pub logins: Vec<String>,
    pub start: NaiveDate,
    pub handover: NaiveTime,
}

/// A rotation setting that cannot be used, in words for the config's author.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RotationError {
    #[error("[oncall] start = {0} is a {1}; the rotation starts on a Monday")]
    NotMonday(NaiveDate, Weekday),
    #[error("[oncall] start is missing; set it to the Monday the rotation began")]
    NoStart,
    #[error("[oncall] handover = {0:?} is not a time; write \"HH:MM\", e.g. \"08:00\"")]
    BadHandover(String),
}

impl Rotation {
    /// Builds a rotation from the config's fields (`logins` may be the fallback list).
    pub fn new(logins: Vec<String>, start: Option<NaiveDate>, handover: &str) -> Result<Rotation, RotationError> {
        let start = start.ok_or(RotationError::NoStart)?;
        if start.weekday() != Weekday::Mon {
            return Err(RotationError::NotMonday(start, start.weekday()));
        }
        let handover = NaiveTime::parse_from_str(handover.trim(), "%H:%M")
            .map_err(|_| RotationError::BadHandover(handover.to_string()))?;
        Ok(Rotation {
            logins,
            start,
            handover,
        })
    }

    /// How many handovers lie between the start and `t` (negative before the
    /// start). Counted on the wall clock, so a DST change does not shift it.
    pub fn week_index(&self, cal: &Calendar, t: DateTime<Utc>) -> i64 {
        let local = t.with_timezone(&cal.zone).naive_local();
        let first = self.start.and_time(self.handover);
        let secs = (local - first).num_seconds();
        secs.div_euclid(7 * 24 * 3600)
    }

    /// The login whose rotation week contains `t` (on duty; on call only
    /// outside contractual hours). None for an empty rotation.
    pub fn on_duty(&self, cal: &Calendar, t: DateTime<Utc>) -> Option<&str> {
        let n = self.logins.len() as i64;
        if n == 0 {
            return None;
        }
        let i = self.week_index(cal, t).rem_euclid(n) as usize;
        self.logins.get(i).map(String::as_str)
    }
}

/// Who answers at an instant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Coverage<'a> {
    /// Inside contractual hours: the office answers until `closes`; after that
    /// `tonight` is on call (None when the rotation is empty).
    Office {
        closes: DateTime<Utc>,
        tonight: Option<&'a str>,
    },
    /// Outside contractual hours: `login` is on call until the office opens
    /// (`until`, None when the calendar never opens again).
    AfterHours {
        login: Option<&'a str>,
        until: Option<DateTime<Utc>>,
    },
}

/// Who answers at `t`: the office, or the rotation's technician.
pub fn coverage<'a>(cal: &Calendar, rotation: &'a Rotation, t: DateTime<Utc>) -> Coverage<'a> {
    if let Some((_, closes)) = cal.window(cal.local_date(t)).filter(|(o, c)| *o <= t && t < *c) {
        return Coverage::Office {
            closes,
            tonight: rotation.on_duty(cal, closes),
        };
    }
    Coverage::AfterHours {
        login: rotation.on_duty(cal, t),
        until: cal.next_open(t),
    }
}

/// Who takes the after-hours rotation: the config's list when it names
/// anyone, else the technicians marked on-call, ordered by login.
pub fn rotation_logins<'a>(configured: &[String], marked: impl Iterator<Item = &'a str>) -> Vec<String> {
    if !configured.is_empty() {
        return configured.to_vec();
    }
    let mut logins: Vec<String> = marked.map(str::to_string).collect();
    logins.sort();
    logins
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::DateTime;

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).expect("test time").with_timezone(&Utc)
    }

    fn rotation(logins: &[&str]) -> Rotation {
        let start = NaiveDate::from_ymd_opt(2026, 1, 5);
        Rotation::new(logins.iter().map(|s| s.to_string()).collect(), start, "08:00").expect("valid")
    }

    #[test]
    fn the_week_turns_at_the_monday_handover() {
        let cal = Calendar::pim_default();
        let r = rotation(&["ann", "bob", "cy"]);
        assert_eq!(r.on_duty(&cal, at("2026-01-05T08:00:00-05:00")), Some("ann"));
        assert_eq!(r.on_duty(&cal, at("2026-01-12T07:59:59-05:00")), Some("ann"));
        assert_eq!(r.on_duty(&cal, at("2026-01-12T08:00:00-05:00")), Some("bob"));
        assert_eq!(r.on_duty(&cal, at("2026-01-19T08:00:00-05:00")), Some("cy"));
        assert_eq!(r.on_duty(&cal, at("2026-01-26T08:00:00-05:00")), Some("ann"));
        // Before the start the rotation runs backwards, so it is never empty.
        assert_eq!(r.on_duty(&cal, at("2026-01-05T07:00:00-05:00")), Some("cy"));
    }

    #[test]
    fn daylight_saving_does_not_move_the_handover() {
        let cal = Calendar::pim_default();
        let r = rotation(&["ann", "bob"]);
        // 2026-03-08 is the spring-forward Sunday; Monday 03-09 08:00 EDT hands over.
        let before = r.week_index(&cal, at("2026-03-09T07:59:00-04:00"));
        let after = r.week_index(&cal, at("2026-03-09T08:00:00-04:00"));
        assert_eq!(after, before + 1);
    }

    #[test]
    fn inside_hours_the_office_answers_and_tonight_is_named() {
        let cal = Calendar::pim_default();
        let r = rotation(&["ann", "bob"]);
        let c = coverage(&cal, &r, at("2026-01-07T10:00:00-05:00"));
        assert_eq!(
            c,
            Coverage::Office {
                closes: at("2026-01-07T17:00:00-05:00"),
                tonight: Some("ann")
            }
        );
    }

    #[test]
    fn outside_hours_the_rotation_answers_until_opening() {
        let cal = Calendar::pim_default();
        let r = rotation(&["ann", "bob"]);
        let c = coverage(&cal, &r, at("2026-01-09T20:00:00-05:00"));
        assert_eq!(
            c,
            Coverage::AfterHours {
                login: Some("ann"),
                until: Some(at("2026-01-12T08:00:00-05:00"))
            }
        );
        // Closing time itself is after hours.
        assert!(matches!(
            coverage(&cal, &r, at("2026-01-09T17:00:00-05:00")),
            Coverage::AfterHours { login: Some("ann"), .. }
        ));
    }

    #[test]
    fn an_empty_rotation_names_nobody() {
        let cal = Calendar::pim_default();
        let r = rotation(&[]);
        assert_eq!(
            coverage(&cal, &r, at("2026-01-09T20:00:00-05:00")),
            Coverage::AfterHours {
                login: None,
                until: Some(at("2026-01-12T08:00:00-05:00"))
            }
        );
    }

    #[test]
    fn bad_settings_are_named() {
        let tue = NaiveDate::from_ymd_opt(2026, 1, 6);
        assert!(matches!(
            Rotation::new(vec![], tue, "08:00"),
            Err(RotationError::NotMonday(..))
        ));
        assert!(matches!(
            Rotation::new(vec![], NaiveDate::from_ymd_opt(2026, 1, 5), "8am"),
            Err(RotationError::BadHandover(_))
        ));
        assert_eq!(Rotation::new(vec![], None, "08:00"), Err(RotationError::NoStart));
    }
}
