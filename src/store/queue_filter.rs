//! The queue's filter line as SQL conditions with parameters; its grammar is
//! `domain::queue_filter`'s. The same SQL on both engines (a company's
//! name is matched without regard to case on both).

use rusqlite::types::Value;

pub use crate::domain::queue_filter::QueueFilter;

impl QueueFilter {
    /// SQL conditions on `t` (the tickets table), numbered from `?{first}`.
    pub fn sql(&self, first: usize) -> (Vec<String>, Vec<Value>) {
        let mut clauses = Vec::new();
        let mut args = Vec::new();
        let next = |v: Value, args: &mut Vec<Value>| {
            args.push(v);
            format!("?{}", first + args.len() - 1)
        };
        if !self.statuses.is_empty() {
            let marks: Vec<String> = self
                .statuses
                .iter()
                .map(|s| next(Value::Text(s.as_str().into()), &mut args))
                .collect();
            clauses.push(format!("t.status IN ({})", marks.join(", ")));
        }
        if !self.priorities.is_empty() {
            let marks: Vec<String> = self
                .priorities
                .iter()
                .map(|p| next(Value::Integer(i64::from(*p)), &mut args))
                .collect();
            clauses.push(format!("t.priority IN ({})", marks.join(", ")));
        }
        if let Some(c) = &self.company {
            let like = format!("{}%", c.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_"));
            let m = next(Value::Text(like), &mut args);
            clauses.push(format!(
                "t.company_id IN (SELECT id FROM companies WHERE lower(name) LIKE lower({m}) ESCAPE '\\')"
            ));
        }
        match self.assignee.as_deref() {
            Some("none") => clauses.push("t.assignee_id IS NULL".into()),
            Some(a) => {
                let m = next(Value::Text(a.into()), &mut args);
                clauses.push(format!(
                    "t.assignee_id IN (SELECT id FROM technicians WHERE login = {m})"
                ));
            }
            None => {}
        }
        if let Some(b) = self.board {
            let m = next(Value::Text(b.as_str().into()), &mut args);
            clauses.push(format!("t.board = {m}"));
        }
        if let Some(c) = self.company_id {
            let m = next(Value::Integer(c), &mut args);
            clauses.push(format!("t.company_id = {m}"));
        }
        if let Some(a) = self.assignee_id {
            let m = next(Value::Integer(a), &mut args);
            clauses.push(format!("t.assignee_id = {m}"));
        }
        (clauses, args)
    }
}
