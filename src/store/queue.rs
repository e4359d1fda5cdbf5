//! The queue's vocabulary: saved views, sort keys, the query, keyset
//! anchors and the row it shows — shared by the pages of `tickets` and
//! `queue_assignee`.

use crate::domain::ticket::{Priority, Status};
use crate::store::sql::{Dialect, Row, Sql};
use rusqlite::types::Value;
use rusqlite::ToSql;

/// The queue's saved views (DESIGN.md 2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum View {
    #[default]
    AllOpen,
    Mine,
    Unassigned,
    BreachingSoon,
    AfterHours,
    All,
    /// The SLA board: every response clock not yet stopped, paused ones
    /// included; with `ticking`, only those counting now — not paused, and
    /// of a priority whose clock counts at this hour (P1 first).
    Clocks {
        ticking: Option<[bool; 5]>,
    },
}

impl View {
    pub const ALL: [View; 6] = [
        View::AllOpen,
        View::Mine,
        View::Unassigned,
        View::BreachingSoon,
        View::AfterHours,
        View::All,
    ];
    pub fn name(self) -> &'static str {
        match self {
            View::AllOpen => "All open",
            View::Mine => "My tickets",
            View::Unassigned => "Unassigned",
            View::BreachingSoon => "Breaching soon",
            View::AfterHours => "After hours",
            View::All => "All tickets",
            View::Clocks { ticking: None } => "Running response clocks",
            View::Clocks { ticking: Some(_) } => "Clocks running now",
        }
    }
}

/// Sortable columns; every sort breaks ties by ticket ID.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SortKey {
    #[default]
    Id,
    Priority,
    Status,
    Due,
    Opened,
    Company,
    Assignee,
    Summary,
}

impl SortKey {
    pub const ALL: [SortKey; 8] = [
        SortKey::Id,
        SortKey::Priority,
        SortKey::Status,
        SortKey::Due,
        SortKey::Opened,
        SortKey::Company,
        SortKey::Assignee,
        SortKey::Summary,
    ];
    pub fn name(self) -> &'static str {
        match self {
            SortKey::Id => "ID",
            SortKey::Priority => "priority",
            SortKey::Status => "status",
            SortKey::Due => "SLA due",
            SortKey::Opened => "age",
            SortKey::Company => "company",
            SortKey::Assignee => "assignee",
            SortKey::Summary => "summary",
        }
    }
    /// The column expression; NULL due times sort last as "no clock".
    pub(super) fn expr(self) -> &'static str {
        match self {
            SortKey::Id => "t.id",
            SortKey::Priority => "t.priority",
            SortKey::Status => "t.status",
            // Running response clocks soonest first; answered ones and those
            // without a clock last (the indexes tickets_due_all / _open_due).
            SortKey::Due => {
                "CASE WHEN t.first_response IS NULL THEN coalesce(t.response_due, 9223372036854775807) ELSE 9223372036854775807 END"
            }
            SortKey::Opened => "t.opened",
            SortKey::Company => "c.name",
            SortKey::Assignee => "coalesce(te.login, '')",
            SortKey::Summary => "t.summary",
        }
    }
}

/// What the queue shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueueQuery {
    pub view: View,
    pub sort: SortKey,
    pub descending: bool,
    /// Full-text search words (prefix matching).
    pub search: Option<String>,
    /// The technician id of the current user, for "My tickets".
    pub me: Option<i64>,
    /// For "Breaching soon": unix seconds up to which a due time counts as soon.
    pub soon_until: i64,
    /// The filter line's conditions, on top of the view.
    pub filter: super::queue_filter::QueueFilter,
    /// Which priorities (P1 first) have a response clock that runs 24x7
    /// (the config's SLA table): "After hours" lists their running clocks
    /// whatever the board.
    pub round_the_clock: [bool; 5],
}

impl QueueQuery {
    /// Most tickets qualify: walking an index in sort order finds a page at
    /// once. Narrow views sort their few rows instead.
    pub fn is_broad(&self) -> bool {
        matches!(self.view, View::All | View::AllOpen) && self.filter.is_empty()
    }
}

impl Default for QueueQuery {
    /// Open tickets, newest first.
    fn default() -> Self {
        QueueQuery {
            view: View::AllOpen,
            sort: SortKey::Id,
            descending: true,
            search: None,
            me: None,
            soon_until: 0,
            filter: Default::default(),
            round_the_clock: [false; 5],
        }
    }
}

/// Where a page starts: an end of the list, or just past a row.
#[derive(Debug, Clone, PartialEq)]
pub enum Anchor {
    Start,
    End,
    /// This row and those after it.
    From(SortValue, i64),
    After(SortValue, i64),
    Before(SortValue, i64),
}

/// A row's value in the sort column.
#[derive(Debug, Clone, PartialEq)]
pub enum SortValue {
    Int(i64),
    Text(String),
}

impl SortValue {
    pub(super) fn to_value(&self) -> Value {
        match self {
            SortValue::Int(i) => Value::Integer(*i),
            SortValue::Text(s) => Value::Text(s.clone()),
        }
    }
}

impl ToSql for SortValue {
    fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
        match self {
            SortValue::Int(i) => i.to_sql(),
            SortValue::Text(s) => s.to_sql(),
        }
    }
}

/// One queue line.
#[derive(Debug, Clone, PartialEq)]
pub struct QueueRow {
    pub id: i64,
    pub priority: Priority,
    pub status: Status,
    pub company: String,
    pub summary: String,
    pub assignee: Option<String>,
    pub opened: i64,
    pub first_response: Option<i64>,
    pub resolved: Option<i64>,
    pub response_due: Option<i64>,
    pub warning_at: Option<i64>,
    pub paused_since: Option<i64>,
    /// The priority the response clock runs on.
    pub clock_priority: Priority,
}

impl QueueRow {
    /// The response clock as stored: the SLA column's state comes from here.
    pub fn clock(&self, policy: &crate::domain::sla::SlaPolicy) -> Option<crate::domain::sla::Clock> {
        crate::domain::sla::Clock::from_stored(
            policy,
            self.clock_priority,
            self.response_due,
            self.warning_at,
            self.first_response.or(self.resolved),
            self.paused_since,
        )
    }

    pub fn sort_value(&self, key: SortKey) -> SortValue {
        match key {
            SortKey::Id => SortValue::Int(self.id),
            SortKey::Priority => SortValue::Int(i64::from(self.priority.get())),
            SortKey::Status => SortValue::Text(self.status.as_str().to_string()),
            SortKey::Due => SortValue::Int(match self.first_response {
                None => self.response_due.unwrap_or(i64::MAX),
                Some(_) => i64::MAX,
            }),
            SortKey::Opened => SortValue::Int(self.opened),
            SortKey::Company => SortValue::Text(self.company.clone()),
            SortKey::Assignee => SortValue::Text(self.assignee.clone().unwrap_or_default()),
            SortKey::Summary => SortValue::Text(self.summary.clone()),
        }
    }
}

const OPEN: &str = "t.status NOT IN ('Resolved','Closed')";
/// The condition of the index tickets_after_hours, besides [`OPEN`].
const AFTER_HOURS: &str = "(t.board = 'After Hours' OR (t.first_response IS NULL AND t.response_due IS NOT NULL))";

pub(super) fn view_filter(q: &QueueQuery, dialect: Dialect) -> String {
    match q.view {
        View::AllOpen => OPEN.into(),
        View::Mine => format!("{OPEN} AND t.assignee_id = {}", q.me.unwrap_or(-1)),
        View::Unassigned => format!("{OPEN} AND t.assignee_id IS NULL"),
        // breach_at is set only on running clocks that can breach as things
        // stand (not those paused in time), by the SLA engine.
        // Few tickets breach soon (only running clocks have a breach_at):
        // told so, the planner reads them from tickets_breach instead of
        // walking every ticket by ID (19 s cold on a calm night at 1M).
        View::BreachingSoon => dialect.rarely(&format!("t.breach_at <= {}", q.soon_until)),
        // The After Hours board, and every response clock that runs through
        // the night (24x7 priorities, not yet answered, not paused).
        View::AfterHours if q.round_the_clock.contains(&true) => {
            let ps: Vec<String> = (1..=5)
                .filter(|p| q.round_the_clock[p - 1])
                .map(|p| p.to_string())
                .collect();
            // AFTER_HOURS first, word for word: it is the condition of the
            // index tickets_after_hours (migrate_15.sql), which the planner
            // reads only when the query names it.
            format!(
                "{OPEN} AND {AFTER_HOURS} AND (t.board = 'After Hours' OR (t.first_response IS NULL AND t.paused_since IS NULL AND t.response_due IS NOT NULL AND coalesce(t.clock_priority, t.priority) IN ({})))",
                ps.join(", ")
            )
        }
        View::AfterHours => format!("{OPEN} AND {AFTER_HOURS} AND t.board = 'After Hours'"),
        View::All => "1 = 1".into(),
        // The range of tickets_due_all below "answered or no clock".
        View::Clocks { ticking } => {
            let mut w = format!("t.resolved IS NULL AND {} < 9223372036854775807", SortKey::Due.expr());
            if let Some(counting) = ticking {
                w.push_str(&counting_now(&counting));
            }
            w
        }
    }
}

/// The clocks counting now: not paused, of a priority counting at this hour.
fn counting_now(counting: &[bool; 5]) -> String {
    let ps: Vec<String> = (1..=5).filter(|p| counting[p - 1]).map(|p| p.to_string()).collect();
    format!(
        " AND t.paused_since IS NULL AND coalesce(t.clock_priority, t.priority) IN ({})",
        ps.join(", ")
    )
}

/// How many rows a view holds (the SLA board's title counts them all). The
/// board's clocks are counted from `tickets_running_clocks` alone: its
/// condition word for word, and the columns "counting now" needs.
pub fn count(conn: &dyn Sql, q: &QueueQuery) -> rusqlite::Result<i64> {
    let filter = match q.view {
        View::Clocks { ticking } => {
            let mut w = "t.first_response IS NULL AND t.resolved IS NULL AND t.response_due IS NOT NULL".to_string();
            if let Some(counting) = ticking {
                w.push_str(&counting_now(&counting));
            }
            w
        }
        _ => view_filter(q, conn.dialect()),
    };
    let index = match q.view {
        View::Clocks { .. } => conn.dialect().indexed_by("tickets_running_clocks"),
        _ => String::new(),
    };
    let sql = format!("SELECT count(*) FROM tickets t{index} WHERE {filter}");
    conn.one(&sql, ())
}

pub(super) const COLUMNS: &str = "t.id, t.priority, t.status, c.name, t.summary, te.login, t.opened, t.first_response, t.resolved, t.response_due, t.warning_at, t.paused_since, coalesce(t.clock_priority, t.priority)";

pub(super) fn row(r: &Row<'_>) -> rusqlite::Result<QueueRow> {
    Ok(QueueRow {
        id: r.lossy(0)?,
        priority: r.lossy(1)?,
        status: r.lossy(2)?,
        company: r.lossy(3)?,
        summary: r.lossy(4)?,
        assignee: r.lossy(5)?,
        opened: r.lossy(6)?,
        first_response: r.lossy(7)?,
        resolved: r.lossy(8)?,
        response_due: r.lossy(9)?,
        warning_at: r.lossy(10)?,
        paused_since: r.lossy(11)?,
        clock_priority: r.lossy(12)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The After hours view sorted by priority reads tickets_after_hours
    /// (migrate_15.sql), which the planner uses only while the view's
    /// condition repeats the index's word for word: 16 ms at a million
    /// tickets by a walk of the priority index, 1–2 ms by its own.
    #[test]
    fn the_after_hours_view_reads_its_own_index() {
        let conn = crate::store::test_store::with_acme();
        // (With no priority round the clock the view is one board, which
        // its board index finds.)
        for round_the_clock in [[true, true, false, false, false], [true; 5]] {
            let q = QueueQuery {
                view: View::AfterHours,
                sort: SortKey::Priority,
                round_the_clock,
                ..Default::default()
            };
            for dir in ["ASC", "DESC"] {
                let sql = format!(
                    "EXPLAIN QUERY PLAN SELECT t.id FROM tickets t WHERE {} ORDER BY t.priority {dir}, t.id {dir} LIMIT 50",
                    view_filter(&q, Dialect::Sqlite)
                );
                let plan: Vec<String> = conn
                    .prepare(&sql)
                    .unwrap()
                    .query_map((), |r| r.get::<_, String>(3))
                    .unwrap()
                    .collect::<Result<_, _>>()
                    .unwrap();
                assert!(
                    plan.iter().any(|p| p.contains("USING INDEX tickets_after_hours"))
                        && !plan.iter().any(|p| p.contains("TEMP B-TREE")),
                    "{round_the_clock:?} {dir}: {plan:?}"
                );
            }
        }
    }
}
