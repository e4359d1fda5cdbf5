//! Instants: stored as UTC unix seconds, shown in the calendar's zone.

use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use chrono_tz::Tz;

/// RFC 3339 with the zone's offset, whole seconds: `2026-11-30T08:30:00-05:00`.
pub fn rfc3339(t: DateTime<Utc>, tz: Tz) -> String {
    t.with_timezone(&tz).to_rfc3339_opts(SecondsFormat::Secs, false)
}

pub fn rfc3339_secs(secs: i64, tz: Tz) -> String {
    rfc3339(from_secs(secs), tz)
}

pub fn from_secs(secs: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(secs, 0).unwrap_or_default()
}

/// Parses RFC 3339 (an offset is required, so the instant is unambiguous).
pub fn parse_instant(s: &str) -> Result<DateTime<Utc>, String> {
    DateTime::parse_from_rfc3339(s.trim())
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| format!("{s:?} is not an RFC 3339 time with offset ({e})"))
}

/// A time as a person types it: RFC 3339 (`2026-11-27T16:30:00-05:00`), or
/// `YYYY-MM-DD HH:MM` in the calendar's zone `tz`. A local time that the
/// clocks skip (spring forward) is refused; one that happens twice (fall
/// back) is the first. The error shows both forms.
pub fn parse_time(s: &str, tz: Tz) -> Result<DateTime<Utc>, String> {
    use chrono::{NaiveDateTime, TimeZone};
    if let Ok(t) = DateTime::parse_from_rfc3339(s.trim()) {
        return Ok(t.with_timezone(&Utc));
    }
    let example = || format!("write 2026-11-27T16:30:00-05:00 or 2026-11-27 16:30 (in {tz})");
    let local = [
        "%Y-%m-%d %H:%M",
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%dT%H:%M:%S",
    ]
    .iter()
    .find_map(|f| NaiveDateTime::parse_from_str(s.trim(), f).ok())
    .ok_or_else(|| format!("{s:?} is not a time; {}", example()))?;
    tz.from_local_datetime(&local)
        .earliest()
        .map(|t| t.with_timezone(&Utc))
        .ok_or_else(|| format!("{s:?} does not exist in {tz} (the clocks skip it); {}", example()))
}

pub fn parse_date(s: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").map_err(|_| format!("{s:?} is not a date (YYYY-MM-DD)"))
}

/// "3d 4h", "2h 05m", "12m" — compact durations for narrow columns.
pub fn short_duration(minutes: i64) -> String {
    let sign = if minutes < 0 { "-" } else { "" };
    let m = minutes.abs();
    let (d, h, mm) = (m / 1440, (m % 1440) / 60, m % 60);
    if d >= 10 {
        format!("{sign}{d}d")
    } else if d > 0 {
        format!("{sign}{d}d {h}h")
    } else if h > 0 {
        format!("{sign}{h}h {mm:02}m")
    } else {
        format!("{sign}{mm}m")
    }
}

/// A duration as technicians type it, in whole minutes: `90`, `45m`, `2h`,
/// `1h30`, `1h 30m`, `1:30`, `1.5h`. Anything else is refused with the forms
/// that are understood, never guessed at (`1h30` is 90 minutes, not 130).
pub fn parse_duration(text: &str) -> Result<i64, String> {
    let t = text.trim().to_ascii_lowercase();
    let refuse = || {
        format!("{text:?} is not a duration: write minutes (90, 45m), hours (2h, 1.5h) or both (1h30, 1h 30m, 1:30)")
    };
    let whole = |s: &str| -> Option<i64> {
        (!s.is_empty() && s.len() <= 6 && s.bytes().all(|b| b.is_ascii_digit())).then(|| s.parse().ok())?
    };
    let minutes = if let Some((h, m)) = t.split_once(':') {
        let (h, m) = (whole(h.trim()), whole(m.trim()));
        match (h, m) {
            (Some(h), Some(m)) if m < 60 => Some(h * 60 + m),
            _ => None,
        }
    } else if let Some(n) = whole(&t) {
        Some(n)
    } else if let Some(m) = t.strip_suffix('m').and_then(|m| whole(m.trim_end())) {
        Some(m)
    } else if let Some((h, rest)) = t.split_once('h') {
        let rest = rest.trim();
        let rest = rest.strip_suffix('m').unwrap_or(rest).trim();
        match (whole(h.trim()), rest) {
            (Some(h), "") => Some(h * 60),
            (Some(h), r) => whole(r).filter(|m| *m < 60).map(|m| h * 60 + m),
            (None, "") => fractional_hours(h.trim()),
            (None, _) => None,
        }
    } else {
        None
    };
    match minutes {
        Some(m) if m > 0 => Ok(m),
        Some(_) => Err(format!("{text:?} is no time at all: a duration is at least 1 minute")),
        None => Err(refuse()),
    }
}

/// `1.5` hours → 90 minutes; only fractions that come to whole minutes.
fn fractional_hours(s: &str) -> Option<i64> {
    let (int, frac) = s.split_once('.')?;
    if frac.is_empty() || frac.len() > 4 || !frac.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let int: i64 = if int.is_empty() { 0 } else { int.parse().ok()? };
    let scale = 10i64.pow(frac.len() as u32);
    let sixty = frac.parse::<i64>().ok()? * 60;
    (sixty % scale == 0).then(|| int * 60 + sixty / scale)
}

#[cfg(test)]
mod duration_tests {
    use super::parse_duration;

    #[test]
    fn every_written_form_means_what_it_says() {
        for (text, want) in [
            ("90", 90),
            ("45m", 45),
            ("45 m", 45),
            ("2h", 120),
            ("1h30", 90),
            ("1h30m", 90),
            ("1h 30m", 90),
            ("1H 30", 90),
            ("1:30", 90),
            ("0:05", 5),
            ("1.5h", 90),
            (".25h", 15),
            ("1.75h", 105),
        ] {
            assert_eq!(parse_duration(text), Ok(want), "{text}");
        }
    }

    #[test]
    fn anything_else_is_refused_not_guessed() {
        for text in [
            "", "1h70", "1:75", "1.33h", "abc", "1.5", "-5", "0", "0m", "1h30x", "h", "1d",
        ] {
            assert!(parse_duration(text).is_err(), "{text:?} was accepted");
        }
    }
}

#[cfg(test)]
mod parse_time_tests {
    use super::*;

    #[test]
    fn local_times_are_read_in_the_calendars_zone() {
        let tz: Tz = "America/New_York".parse().unwrap();
        let t = parse_time("2026-11-27 16:30", tz).unwrap();
        assert_eq!(rfc3339(t, tz), "2026-11-27T16:30:00-05:00");
        assert_eq!(
            parse_time("2026-07-01T09:00", tz).map(|t| rfc3339(t, tz)).unwrap(),
            "2026-07-01T09:00:00-04:00"
        );
        assert_eq!(parse_time("2026-11-27T21:30:00Z", tz).unwrap(), t);
        let e = parse_time("tomorrow 9", tz).unwrap_err();
        assert!(e.contains("2026-11-27 16:30") && e.contains("America/New_York"), "{e}");
        assert!(parse_time("2026-03-08 02:30", tz)
            .unwrap_err()
            .contains("does not exist"));
        // Fall back: 01:30 happens twice; the first (EDT) is meant.
        assert_eq!(
            rfc3339(parse_time("2026-11-01 01:30", tz).unwrap(), tz),
            "2026-11-01T01:30:00-04:00"
        );
    }
}
