//! The queue's pages (keyset, or best match first when searching) and
//! `ticket list`'s ids.

use rusqlite::types::Value;

use super::sql::{args as refs, Sql};

use super::queue::{row, view_filter, COLUMNS};
pub use super::queue::{Anchor, QueueQuery, QueueRow, SortKey, SortValue, View};
pub use super::search::{fts_query, SEARCH_WINDOW};

/// One page of the queue, in display order, at most `limit` rows.
/// Searches rank best match first (bm25) and page by offset within the matches.
pub fn page(conn: &dyn Sql, q: &QueueQuery, anchor: &Anchor, limit: usize) -> rusqlite::Result<Vec<QueueRow>> {
    if let Some(words) = q.search.as_deref().filter(|w| fts_query(w).is_some()) {
        return super::search::page(conn, q, words, anchor, limit);
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
        view_filter(q, conn.dialect())
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
    let mut rows = conn.query_vec(&sql, refs(&args), row)?;
    if backwards {
        rows.reverse();
    }
    Ok(rows)
}

/// Filters of `pimdesk ticket list`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ListFilter {
    pub status: Option<crate::domain::ticket::Status>,
    pub priority: Option<u8>,
    pub company_id: Option<i64>,
    pub assignee_id: Option<i64>,
    pub search: Option<String>,
    pub limit: usize,
}

/// Ticket IDs matching the filter: newest first, or — when searching — the
/// queue's search itself ([`page`]): best match first among the newest
/// [`SEARCH_WINDOW`] matches, at most `limit` of them.
pub fn list_ids(conn: &dyn Sql, f: &ListFilter) -> rusqlite::Result<Vec<i64>> {
    if f.search.as_deref().and_then(fts_query).is_some() {
        let q = QueueQuery {
            // A search reads every ticket; the view does not narrow it.
            view: View::All,
            search: f.search.clone(),
            filter: super::queue_filter::QueueFilter {
                statuses: f.status.into_iter().collect(),
                priorities: f.priority.into_iter().collect(),
                company_id: f.company_id,
                assignee_id: f.assignee_id,
                ..Default::default()
            },
            ..QueueQuery::default()
        };
        let rows = page(conn, &q, &Anchor::Start, f.limit)?;
        return Ok(rows.into_iter().map(|r| r.id).collect());
    }
    let mut wh = vec!["1 = 1".to_string()];
    let mut args: Vec<Value> = Vec::new();
    let mut add = |clause: &str, v: Value| {
        args.push(v);
        wh.push(clause.replace('?', &format!("?{}", args.len())));
    };
    if let Some(s) = f.status {
        add("t.status = ?", Value::Text(s.as_str().to_string()));
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
    let sql = format!(
        "SELECT t.id FROM tickets t WHERE {} ORDER BY t.id DESC LIMIT {}",
        wh.join(" AND "),
        f.limit
    );
    conn.query_vec(&sql, refs(&args), |r| r.get(0))
}

/// True when the store holds no ticket at all (a new store, before a demo or an import).
pub fn none_at_all(conn: &dyn Sql) -> rusqlite::Result<bool> {
    conn.one("SELECT NOT EXISTS (SELECT 1 FROM tickets)", ())
}

#[cfg(test)]
mod tests {
    use super::fts_query;

    #[test]
    fn the_last_word_is_a_prefix_and_a_single_character_is_a_whole_word() {
        assert_eq!(fts_query("print off").as_deref(), Some("\"print\" \"off\"*"));
        assert_eq!(fts_query("printer a").as_deref(), Some("\"printer\" \"a\""));
        assert_eq!(fts_query("a printer").as_deref(), Some("\"a\" \"printer\"*"));
        assert_eq!(fts_query("x").as_deref(), Some("\"x\""));
        assert_eq!(fts_query("  \"* ").as_deref(), None, "nothing to search for");
    }
}
