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
        let t = s.trim().trim_start_matches(['P', 'p']);
        t.parse::<u8>()
            .ok()
            .and_then(Priority::new)
            .ok_or_else(|| UnknownValue {
                what: "priority",
                given: s.to_string(),
                allowed: "1, 2, 3, 4, 5".into(),
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
        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result { f.write_str(self.as_str()) }
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
