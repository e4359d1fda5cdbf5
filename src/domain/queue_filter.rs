//! The queue's filter line: `status:waiting p:1,2 company:acme assignee:jtate
//! board:projects` — its grammar: parsed, and printed back. The store turns
//! it into SQL (`store::queue_filter`).

use crate::domain::ticket::{Board, Priority, Status};

/// Filters on top of the saved view; empty fields filter nothing.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct QueueFilter {
    pub statuses: Vec<Status>,
    pub priorities: Vec<u8>,
    /// Company name, matched from its start, any case.
    pub company: Option<String>,
    /// Technician login, or "none" for unassigned.
    pub assignee: Option<String>,
    pub board: Option<Board>,
    /// A company and a technician picked by exact id (the command line's
    /// name lookups, which suggest close names); the filter line never sets them.
    pub company_id: Option<i64>,
    pub assignee_id: Option<i64>,
}

impl QueueFilter {
    /// Parses the filter line; the error names the word that is wrong.
    pub fn parse(text: &str) -> Result<QueueFilter, String> {
        let mut f = QueueFilter::default();
        for word in text.split_whitespace() {
            let (key, value) = word
                .split_once(':')
                .ok_or_else(|| format!("{word:?}: write key:value (status, p, company, assignee, board)"))?;
            let values = value.split(',').filter(|v| !v.is_empty());
            match key.to_lowercase().as_str() {
                "status" | "s" => {
                    for v in values {
                        f.statuses.push(
                            v.replace('-', " ")
                                .parse()
                                .map_err(|e: crate::domain::ticket::UnknownValue| e.to_string())?,
                        );
                    }
                }
                "p" | "priority" => {
                    for v in values {
                        f.priorities
                            .push(v.parse::<Priority>().map_err(|e| e.to_string())?.get());
                    }
                }
                "company" | "c" => f.company = Some(value.replace('_', " ")),
                "assignee" | "a" => f.assignee = Some(value.to_string()),
                "board" | "b" => {
                    f.board = Some(
                        value
                            .replace('-', " ")
                            .parse()
                            .map_err(|e: crate::domain::ticket::UnknownValue| e.to_string())?,
                    )
                }
                other => {
                    return Err(format!(
                        "unknown filter {other:?}; use status, p, company, assignee, board"
                    ))
                }
            }
        }
        Ok(f)
    }

    pub fn is_empty(&self) -> bool {
        *self == QueueFilter::default()
    }

    /// The line that parses back to this filter.
    pub fn text(&self) -> String {
        let mut words = Vec::new();
        if !self.statuses.is_empty() {
            words.push(format!(
                "status:{}",
                self.statuses
                    .iter()
                    .map(|s| s.as_str().replace(' ', "-"))
                    .collect::<Vec<_>>()
                    .join(",")
            ));
        }
        if !self.priorities.is_empty() {
            words.push(format!(
                "p:{}",
                self.priorities.iter().map(u8::to_string).collect::<Vec<_>>().join(",")
            ));
        }
        if let Some(c) = &self.company {
            words.push(format!("company:{}", c.replace(' ', "_")));
        }
        if let Some(a) = &self.assignee {
            words.push(format!("assignee:{a}"));
        }
        if let Some(b) = self.board {
            words.push(format!("board:{}", b.as_str().replace(' ', "-")));
        }
        words.join(" ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_prints_back() {
        let f = QueueFilter::parse("status:waiting,new p:1,2 company:acme_family assignee:jtate board:after-hours")
            .unwrap();
        assert_eq!(f.statuses, vec![Status::WaitingOnClient, Status::New]);
        assert_eq!(f.priorities, vec![1, 2]);
        assert_eq!(f.company.as_deref(), Some("acme family"));
        assert_eq!(f.board, Some(Board::AfterHours));
        assert_eq!(QueueFilter::parse(&f.text()).unwrap(), f);
    }

    #[test]
    fn names_what_is_wrong() {
        assert!(QueueFilter::parse("p:9").unwrap_err().contains('9'));
        assert!(QueueFilter::parse("colour:red").unwrap_err().contains("colour"));
        assert!(QueueFilter::parse("status:pending").unwrap_err().contains("pending"));
    }
}
