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
