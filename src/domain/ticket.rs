//! Ticket vocabulary of DESIGN.md 3.1: priorities, statuses, boards, sources.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// A parse failure for one of the ticket vocabularies; names what was given and what is allowed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown {what} {given:?}; expected one of: {allowed}")]
pub struct UnknownValue {
    pub what: &'static str,
    pub given: String,
    pub allowed: String,
}

/// Priority 1 (ASAP / Critical) to 5 (Planned / Scheduled); no other value exists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "u8", into = "u8")]
pub struct Priority(u8);

impl Priority {
    pub const ALL: [Priority; 5] = [Priority(1), Priority(2), Priority(3), Priority(4), Priority(5)];

    pub fn new(n: u8) -> Option<Priority> {
        (1..=5).contains(&n).then_some(Priority(n))
    }
    pub fn get(self) -> u8 {
        self.0
    }
    /// Index into per-priority tables (0 for P1).
    pub fn index(self) -> usize {
        usize::from(self.0 - 1)
    }
}

/// P3 (medium), the middle of the guide's table; a new ticket's priority
/// comes from the config, this only fills a struct's default.
impl Default for Priority {
    fn default() -> Self {
        Priority(3)
    }
}

impl TryFrom<u8> for Priority {
    type Error = UnknownValue;
    fn try_from(n: u8) -> Result<Self, Self::Error> {
        Priority::new(n).ok_or_else(|| UnknownValue {
            what: "priority",
            given: n.to_string(),
            allowed: "1, 2, 3, 4, 5".into(),
        })
    }
}

impl From<Priority> for u8 {
    fn from(p: Priority) -> u8 {
        p.0
    }
}

impl FromStr for Priority {
    type Err = UnknownValue;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let named = ["critical", "high", "medium", "low", "planned"]
            .iter()
            .position(|n| n.eq_ignore_ascii_case(s.trim()))
            .and_then(|i| u8::try_from(i + 1).ok());
        let t = s.trim().trim_start_matches(['P', 'p']);
        named
            .or_else(|| t.parse::<u8>().ok())
            .and_then(Priority::new)
            .ok_or_else(|| UnknownValue {
                what: "priority",
                given: s.to_string(),
                allowed: "1, 2, 3, 4, 5 (or critical, high, medium, low, planned)".into(),
            })
    }
}

impl fmt::Display for Priority {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "P{}", self.0)
    }
}

macro_rules! vocabulary {
    ($(#[$m:meta])* $name:ident, $what:literal, { $($variant:ident => $text:literal $(| $alias:literal)*),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }
        }
        /// The first word of the list: where a new ticket starts.
        impl Default for $name {
            fn default() -> Self { $name::ALL[0] }
        }
        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result { f.pad(self.as_str()) }
        }
        impl FromStr for $name {
            type Err = UnknownValue;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                let key: String = s.trim().chars().filter(|c| c.is_alphanumeric()).collect::<String>().to_lowercase();
                $(
                    let canon: String = $text.chars().filter(|c| c.is_alphanumeric()).collect::<String>().to_lowercase();
                    if key == canon $(|| key == $alias)* { return Ok($name::$variant); }
                )+
                Err(UnknownValue {
                    what: $what,
                    given: s.to_string(),
                    allowed: [$($text),+].join(", "),
                })
            }
        }
        impl Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> { s.serialize_str(self.as_str()) }
        }
        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = String::deserialize(d)?;
                s.parse().map_err(serde::de::Error::custom)
            }
        }
    };
}

vocabulary!(
    /// Ticket status (DESIGN.md 3.1).
    Status, "status", {
        New => "New",
        InProgress => "In Progress",
        WaitingOnClient => "Waiting on Client" | "waiting",
        Scheduled => "Scheduled",
        Resolved => "Resolved",
        Closed => "Closed",
    }
);

impl Status {
    /// Resolved and Closed are "completed".
    pub fn is_completed(self) -> bool {
        matches!(self, Status::Resolved | Status::Closed)
    }
    /// The SLA clock is paused while waiting on the client.
    pub fn pauses_clock(self) -> bool {
        self == Status::WaitingOnClient
    }
}

vocabulary!(
    /// Service board a ticket sits on.
    Board, "board", {
        ServiceDesk => "Service Desk",
        Projects => "Projects",
        AfterHours => "After Hours",
    }
);

vocabulary!(
    /// How the request reached pim.
    Source, "source", {
        Phone => "phone",
        Portal => "portal",
        Email => "email",
        AfterHoursLine => "after-hours line" | "afterhours",
        OnSite => "on-site" | "onsite",
    }
);

/// The board and source a new ticket starts with: one taken outside
/// contractual hours is the after-hours desk's, by the after-hours line.
pub fn intake_defaults(after_hours: bool) -> (Board, Source) {
    if after_hours {
        (Board::AfterHours, Source::AfterHoursLine)
    } else {
        (Board::ServiceDesk, Source::Phone)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_parse_loosely_and_print_as_the_guide_writes_them() {
        assert_eq!("waiting on client".parse::<Status>().unwrap(), Status::WaitingOnClient);
        assert_eq!("in-progress".parse::<Status>().unwrap(), Status::InProgress);
        assert_eq!(Status::WaitingOnClient.to_string(), "Waiting on Client");
        let err = "Pending".parse::<Status>().unwrap_err().to_string();
        assert!(err.contains("Pending") && err.contains("Waiting on Client"), "{err}");
    }

    #[test]
    fn priority_is_one_to_five_only() {
        assert!(Priority::new(0).is_none());
        assert!(Priority::new(6).is_none());
        assert_eq!("P2".parse::<Priority>().unwrap().get(), 2);
        assert!("9".parse::<Priority>().is_err());
    }
}

/// A ticket's status and the times that go with it (Unix seconds), as a
/// write or an import file would leave them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TicketTimes {
    pub status: Status,
    pub opened: i64,
    pub first_response: Option<i64>,
    pub resolved: Option<i64>,
}

/// Why a ticket's times do not fit its status; `field` is the exchange
/// format's name for the time at fault.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {message}")]
pub struct TimesProblem {
    pub field: &'static str,
    pub message: String,
}

/// The states a ticket can reach through pimdesk (DESIGN.md 3.1): answers
/// and resolutions come after opening; any answer moves a ticket out of New;
/// a completed ticket has its completion time (its labor is billed from it),
/// and reopening clears it. Every write and the import check this one rule.
pub fn check_times(t: &TicketTimes) -> Result<(), TimesProblem> {
    let problem = |field: &'static str, message: String| Err(TimesProblem { field, message });
    let completed = t.status.is_completed();
    if t.first_response.is_some_and(|f| f < t.opened) {
        return problem("first_response", "is before the ticket was opened".into());
    }
    if t.resolved.is_some_and(|r| r < t.opened) {
        return problem("resolved", "is before the ticket was opened".into());
    }
    if t.status == Status::New && t.first_response.is_some() {
        return problem(
            "first_response",
            "a New ticket has no first response (an answer moves it out of New)".into(),
        );
    }
    if completed && t.resolved.is_none() {
        let status = t.status.as_str();
        return problem("resolved", format!("a {status} ticket needs the time it was resolved"));
    }
    if !completed && t.resolved.is_some() {
        let status = t.status.as_str();
        return problem(
            "resolved",
            format!("a {status} ticket has no resolved time (only Resolved and Closed tickets do)"),
        );
    }
    Ok(())
}

#[cfg(test)]
mod times_tests {
    use super::*;

    fn times(status: Status, first_response: Option<i64>, resolved: Option<i64>) -> TicketTimes {
        TicketTimes {
            status,
            opened: 1_000,
            first_response,
            resolved,
        }
    }

    fn field(t: TicketTimes) -> Option<&'static str> {
        check_times(&t).err().map(|p| p.field)
    }

    #[test]
    fn ticket_times_that_pimdesk_itself_writes_pass() {
        assert_eq!(field(times(Status::New, None, None)), None);
        assert_eq!(field(times(Status::InProgress, Some(1_000), None)), None);
        assert_eq!(field(times(Status::Resolved, None, Some(2_000))), None);
        assert_eq!(field(times(Status::Closed, Some(1_500), Some(2_000))), None);
    }

    #[test]
    fn ticket_times_that_no_write_can_make_are_refused_naming_the_field() {
        assert_eq!(
            field(times(Status::InProgress, Some(999), None)),
            Some("first_response")
        );
        assert_eq!(field(times(Status::Resolved, Some(1_000), Some(999))), Some("resolved"));
        assert_eq!(field(times(Status::New, Some(1_200), None)), Some("first_response"));
        assert_eq!(field(times(Status::New, None, Some(1_200))), Some("resolved"));
        assert_eq!(field(times(Status::Resolved, Some(1_200), None)), Some("resolved"));
        assert_eq!(field(times(Status::Closed, None, None)), Some("resolved"));
        assert_eq!(
            field(times(Status::WaitingOnClient, Some(1_200), Some(1_300))),
            Some("resolved")
        );
    }
}
