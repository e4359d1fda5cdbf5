//! Paging the on-call (the guide's PASS): who gets a page and what it says.
//! A new P1 or P2 opened outside contractual hours, or a running clock that
//! reaches its warning then, pages the technician on call; a page nobody
//! acknowledges within `mail.escalate_minutes` goes to the next technician
//! in the rotation, and so on until everyone in it was paged. Pure: the
//! store decides what is due and writes it.

use chrono::{DateTime, Utc};

use super::super::oncall::Rotation;
use super::super::sla::Calendar;

/// Why a ticket pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reason {
    /// A new P1 or P2 opened outside contractual hours.
    New,
    /// Its response clock reached warning outside contractual hours.
    Warning,
}

impl Reason {
    pub fn as_str(self) -> &'static str {
        match self {
            Reason::New => "new",
            Reason::Warning => "warning",
        }
    }

    pub fn parse(s: &str) -> Option<Reason> {
        match s {
            "new" => Some(Reason::New),
            "warning" => Some(Reason::Warning),
            _ => None,
        }
    }

    /// "new P1 outside contractual hours", "P3 clock at warning after hours".
    pub fn words(self, priority: i64) -> String {
        match self {
            Reason::New => format!("new P{priority} outside contractual hours"),
            Reason::Warning => format!("P{priority} response clock at warning outside contractual hours"),
        }
    }
}

/// The highest priority number (P2) a new ticket pages at.
pub const PAGE_PRIORITY: i64 = 2;

/// Whether an event at `at` of this kind pages: outside contractual hours,
/// and for a new ticket only P1 and P2.
pub fn pages(cal: &Calendar, reason: Reason, priority: i64, at: DateTime<Utc>) -> bool {
    !cal.is_open(at) && (reason == Reason::Warning || priority <= PAGE_PRIORITY)
}

/// Who gets the page of `level` (0: the technician on call at `first_at`,
/// 1: the next in the rotation, …); None once everyone was paged. `first`
/// is the login the first page went to, when known (the rotation may have
/// turned since).
pub fn paged_at_level<'a>(
    rotation: &'a Rotation,
    cal: &Calendar,
    first: Option<&str>,
    first_at: DateTime<Utc>,
    level: usize,
) -> Option<&'a str> {
    let n = rotation.logins.len();
    if level >= n {
        return None;
    }
    let start = first
        .and_then(|f| rotation.logins.iter().position(|l| l == f))
        .or_else(|| {
            let on = rotation.on_duty(cal, first_at)?;
            rotation.logins.iter().position(|l| l == on)
        })?;
    rotation.logins.get((start + level) % n).map(String::as_str)
}

/// A page's subject and text: short, since SMS gateways cut long mail.
pub fn page_text(
    tag: &str,
    ticket: i64,
    priority: i64,
    company: &str,
    summary: &str,
    reason: Reason,
) -> (String, String) {
    let subject = format!("[{tag} #{ticket}] PAGE P{priority} {company}: {summary}");
    let text = format!(
        "{}: ticket #{ticket} for {company}: {summary}\nAcknowledge: pimdesk page ack {ticket} (or answer the ticket). \
         Unacknowledged, it goes to the next technician on call.\n",
        reason.words(priority)
    );
    (subject, text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{NaiveDate, TimeZone};

    fn rotation() -> Rotation {
        let start = NaiveDate::from_ymd_opt(2026, 1, 5);
        let logins = ["ann", "bob", "cy"].iter().map(|s| s.to_string()).collect();
        Rotation::new(logins, start, "08:00").expect("valid")
    }

    #[test]
    fn a_page_climbs_the_rotation_from_who_was_on_call_and_stops_after_everyone() {
        let cal = Calendar::pim_default();
        let r = rotation();
        let t = Utc.with_ymd_and_hms(2026, 1, 14, 7, 0, 0).unwrap();
        assert_eq!(paged_at_level(&r, &cal, Some("bob"), t, 0), Some("bob"));
        assert_eq!(paged_at_level(&r, &cal, Some("bob"), t, 1), Some("cy"));
        assert_eq!(paged_at_level(&r, &cal, Some("bob"), t, 2), Some("ann"));
        assert_eq!(paged_at_level(&r, &cal, Some("bob"), t, 3), None);
        // Without a first login: whoever was on duty then.
        let on = r.on_duty(&cal, t).map(str::to_string);
        assert_eq!(paged_at_level(&r, &cal, None, t, 0).map(str::to_string), on);
        let empty = Rotation::new(vec![], NaiveDate::from_ymd_opt(2026, 1, 5), "08:00").unwrap();
        assert_eq!(paged_at_level(&empty, &cal, None, t, 0), None);
    }

    #[test]
    fn only_p1_and_p2_page_when_new_and_only_outside_contractual_hours() {
        let cal = Calendar::pim_default();
        // Wednesday 2026-01-14: 03:00 local is after hours, 11:00 inside.
        let night = cal
            .zone
            .with_ymd_and_hms(2026, 1, 14, 3, 0, 0)
            .unwrap()
            .with_timezone(&Utc);
        let day = cal
            .zone
            .with_ymd_and_hms(2026, 1, 14, 11, 0, 0)
            .unwrap()
            .with_timezone(&Utc);
        assert!(pages(&cal, Reason::New, 1, night));
        assert!(pages(&cal, Reason::New, 2, night));
        assert!(!pages(&cal, Reason::New, 3, night));
        assert!(pages(&cal, Reason::Warning, 4, night));
        assert!(!pages(&cal, Reason::New, 1, day));
        assert!(!pages(&cal, Reason::Warning, 1, day));
    }

    #[test]
    fn a_page_says_what_and_how_to_acknowledge() {
        let (subject, text) = page_text("pim", 7, 1, "Acme", "Server down", Reason::New);
        assert_eq!(subject, "[pim #7] PAGE P1 Acme: Server down");
        assert!(
            text.starts_with("new P1 outside contractual hours: ticket #7"),
            "{text}"
        );
        assert!(text.contains("pimdesk page ack 7"), "{text}");
    }
}
