//! Tickets: keyset pages for the queue, one ticket with its notes, time and
//! history, and the stored SLA deadlines.

use crate::store::lossy::LossyRow;
use rusqlite::types::Value;
use rusqlite::{Connection, Row, ToSql};

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
    fn expr(self) -> &'static str {
        match self {
            SortKey::Id => "t.id",
            SortKey::Priority => "t.priority",
            SortKey::Status => "t.status",
            SortKey::Due => "coalesce(t.response_due, 9223372036854775807)",
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
    fn to_value(&self) -> Value {
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
    pub priority: u8,
    pub status: String,
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
    pub clock_priority: u8,
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
            SortKey::Priority => SortValue::Int(i64::from(self.priority)),
            SortKey::Status => SortValue::Text(self.status.clone()),
            SortKey::Due => SortValue::Int(self.response_due.unwrap_or(i64::MAX)),
            SortKey::Opened => SortValue::Int(self.opened),
            SortKey::Company => SortValue::Text(self.company.clone()),
            SortKey::Assignee => SortValue::Text(self.assignee.clone().unwrap_or_default()),
            SortKey::Summary => SortValue::Text(self.summary.clone()),
        }
    }
}

const OPEN: &str = "t.status NOT IN ('Resolved','Closed')";

pub(super) fn view_filter(q: &QueueQuery) -> String {
    match q.view {
        View::AllOpen => OPEN.into(),
        View::Mine => format!("{OPEN} AND t.assignee_id = {}", q.me.unwrap_or(-1)),
        View::Unassigned => format!("{OPEN} AND t.assignee_id IS NULL"),
        // breach_at is set only on running clocks that can breach as things
        // stand (not those paused in time), by the SLA engine.
        View::BreachingSoon => format!("t.breach_at <= {}", q.soon_until),
        View::AfterHours => format!("{OPEN} AND t.board = 'After Hours'"),
        View::All => "1".into(),
    }
}

/// Words → an FTS5 query: each word a quoted prefix, all required.
pub fn fts_query(words: &str) -> Option<String> {
    let terms: Vec<String> = words
        .split_whitespace()
        .map(|w| w.chars().filter(|c| c.is_alphanumeric()).collect::<String>())
        .filter(|w| !w.is_empty())
        .map(|w| format!("\"{w}\"*"))
        .collect();
    (!terms.is_empty()).then(|| terms.join(" "))
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

/// One page of the queue, in display order, at most `limit` rows.
/// Searches rank best match first (bm25) and page by offset within the matches.
pub fn page(conn: &Connection, q: &QueueQuery, anchor: &Anchor, limit: usize) -> rusqlite::Result<Vec<QueueRow>> {
    if let Some(fts) = q.search.as_deref().and_then(fts_query) {
        return search_page(conn, q, &fts, anchor, limit);
    }
    if q.sort == SortKey::Assignee && q.is_broad() {
        return super::queue_assignee::page(conn, q, anchor, limit);
    }
    let expr = q.sort.expr();
    // Reading backwards (End / Before) flips the order, then the page is reversed.
    let backwards = matches!(anchor, Anchor::End | Anchor::Before(..));
    let asc = q.descending == backwards;
    let (dir, cmp) = if asc { ("ASC", ">") } else { ("DESC", "<") };
    // Sorting by company walks companies by name, then each one's tickets by
    // the (company_id, id) index: no sort of the whole table.
    let from = if q.sort == SortKey::Company && q.is_broad() {
        "companies c CROSS JOIN tickets t ON c.id = t.company_id"
    } else {
        "tickets t JOIN companies c ON c.id = t.company_id"
    };
    let mut sql = format!(
        "SELECT {COLUMNS} FROM {from} LEFT JOIN technicians te ON te.id = t.assignee_id WHERE {}",
        view_filter(q)
    );
    let mut args: Vec<Value> = Vec::new();
    if let Anchor::After(v, id) | Anchor::Before(v, id) | Anchor::From(v, id) = anchor {
        let cmp = if matches!(anchor, Anchor::From(..)) {
            format!("{cmp}=")
        } else {
            cmp.to_string()
        };
        sql.push_str(&format!(" AND ({expr}, t.id) {cmp} (?1, ?2)"));
        args.push(v.to_value());
        args.push(Value::Integer(*id));
    }
    let (clauses, values) = q.filter.sql(args.len() + 1);
    for c in clauses {
        sql.push_str(&format!(" AND {c}"));
    }
    args.extend(values);
    sql.push_str(&format!(" ORDER BY {expr} {dir}, t.id {dir} LIMIT {limit}"));
    let mut stmt = conn.prepare_cached(&sql)?;
    let mut rows: Vec<QueueRow> = stmt
        .query_map(rusqlite::params_from_iter(args), row)?
        .collect::<Result<_, _>>()?;
    if backwards {
        rows.reverse();
    }
    Ok(rows)
}

/// Search ranks the newest this-many matches best first, so a common word in
/// a million tickets costs the same as a rare one (bm25 scores every row it ranks).
pub const SEARCH_WINDOW: usize = 5000;

fn search_page(
    conn: &Connection,
    q: &QueueQuery,
    fts: &str,
    anchor: &Anchor,
    limit: usize,
) -> rusqlite::Result<Vec<QueueRow>> {
    // Search results are ranked best first; one page of the best matches is shown.
    if matches!(anchor, Anchor::After(..) | Anchor::Before(..)) {
        return Ok(Vec::new());
    }
    // The filter line narrows a search too; the best matches come first (bm25).
    let (clauses, values) = q.filter.sql(3);
    let filter: String = clauses.iter().map(|c| format!(" AND {c}")).collect();
    let inner = if filter.is_empty() {
        format!("SELECT id, rank FROM (SELECT rowid AS id, rank FROM ticket_fts WHERE ticket_fts MATCH ?1 ORDER BY rowid DESC LIMIT {SEARCH_WINDOW}) ORDER BY rank LIMIT ?2")
    } else {
        format!("SELECT id, rank FROM (SELECT ticket_fts.rowid AS id, ticket_fts.rank AS rank FROM ticket_fts JOIN tickets t ON t.id = ticket_fts.rowid WHERE ticket_fts MATCH ?1{filter} ORDER BY ticket_fts.rowid DESC LIMIT {SEARCH_WINDOW}) ORDER BY rank LIMIT ?2")
    };
    let sql = format!(
        "SELECT {COLUMNS} FROM ({inner}) m
         JOIN tickets t ON t.id = m.id JOIN companies c ON c.id = t.company_id LEFT JOIN technicians te ON te.id = t.assignee_id
         ORDER BY m.rank"
    );
    let mut args = vec![Value::Text(fts.to_string()), Value::Integer(limit as i64)];
    args.extend(values);
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(rusqlite::params_from_iter(args), row)?.collect();
    rows
}

/// Filters of `pimdesk ticket list`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ListFilter {
    pub status: Option<String>,
    pub priority: Option<u8>,
    pub company_id: Option<i64>,
    pub assignee_id: Option<i64>,
    pub search: Option<String>,
    pub limit: usize,
}

/// Ticket IDs matching the filter: newest first, or best match first when searching.
pub fn list_ids(conn: &Connection, f: &ListFilter) -> rusqlite::Result<Vec<i64>> {
    use rusqlite::types::Value;
    let mut wh = vec!["1".to_string()];
    let mut args: Vec<Value> = Vec::new();
    let mut add = |clause: &str, v: Value| {
        args.push(v);
        wh.push(clause.replace('?', &format!("?{}", args.len())));
    };
    if let Some(s) = &f.status {
        add("t.status = ?", Value::Text(s.clone()));
    }
    if let Some(p) = f.priority {
        add("t.priority = ?", Value::Integer(i64::from(p)));
    }
    if let Some(c) = f.company_id {
        add("t.company_id = ?", Value::Integer(c));
    }
    if let Some(a) = f.assignee_id {
        add("t.assignee_id = ?", Value::Integer(a));
    }
    let fts = f.search.as_deref().and_then(fts_query);
    let sql = match &fts {
        Some(q) => {
            add("ticket_fts MATCH ?", Value::Text(q.clone()));
            format!("SELECT t.id FROM ticket_fts JOIN tickets t ON t.id = ticket_fts.rowid WHERE {} ORDER BY ticket_fts.rank LIMIT {}", wh.join(" AND "), f.limit)
        }
        None => format!(
            "SELECT t.id FROM tickets t WHERE {} ORDER BY t.id DESC LIMIT {}",
            wh.join(" AND "),
            f.limit
        ),
    };
    let mut stmt = conn.prepare(&sql)?;
    let ids = stmt
        .query_map(rusqlite::params_from_iter(args), |r| r.get(0))?
        .collect();
    ids
}
