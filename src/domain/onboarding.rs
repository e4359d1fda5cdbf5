//! The onboarding checklist: the guide's transition plan ("Transitioning to
//! pim — The Plan"), one list per client company.

use std::fmt;
use std::str::FromStr;

/// The seven steps, in order. Credentials are listed as references, never secrets.
pub const TRANSITION_PLAN: [&str; 7] = [
    "Transition date agreed",
    "Network items and credentials listed (references only)",
    "Overlap with previous provider (30-45 days)",
    "Network assessment scheduled",
    "Network assessment report presented",
    "Client portal credentials issued",
    "Backup plan for database, files and domain established",
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ItemStatus {
    Pending,
    InProgress,
    Done,
    NotApplicable,
}

impl ItemStatus {
    pub const ALL: [ItemStatus; 4] = [
        ItemStatus::Pending,
        ItemStatus::InProgress,
        ItemStatus::Done,
        ItemStatus::NotApplicable,
    ];

    /// The store's spelling (`onboarding_items.status`).
    pub fn as_str(self) -> &'static str {
        match self {
            ItemStatus::Pending => "pending",
            ItemStatus::InProgress => "in progress",
            ItemStatus::Done => "done",
            ItemStatus::NotApplicable => "n/a",
        }
    }

    /// A text marker, so the state never depends on colour alone.
    pub fn marker(self) -> &'static str {
        match self {
            ItemStatus::Pending => "[ ]",
            ItemStatus::InProgress => "[~]",
            ItemStatus::Done => "[x]",
            ItemStatus::NotApplicable => "[-]",
        }
    }
}

impl fmt::Display for ItemStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for ItemStatus {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let t = s.trim().to_ascii_lowercase().replace(['_', '-'], " ");
        let t = if t == "na" || t == "n a" { "n/a".to_string() } else { t };
        ItemStatus::ALL
            .into_iter()
            .find(|x| x.as_str() == t)
            .ok_or_else(|| format!("unknown checklist status {s:?}; use pending, in progress, done or n/a"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_parse_as_typed() {
        assert_eq!("in_progress".parse(), Ok(ItemStatus::InProgress));
        assert_eq!("N/A".parse(), Ok(ItemStatus::NotApplicable));
        assert!("finished".parse::<ItemStatus>().is_err());
    }
}
