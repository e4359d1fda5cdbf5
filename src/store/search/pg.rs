//! The queue's search on PostgreSQL: the same words ([`Term`]), matched in
//! each ticket's `search` tsvector and its notes' (GIN indexes kept by the
//! database), among the newest [`RECENT`] tickets first. Best match is
//! `ts_rank` over the ticket's own text; a ticket whose words are only in
//! its notes comes after those, newest first.

use rusqlite::types::Value;

use super::{QueueQuery, QueueRow, Term, COLUMNS, RECENT, SEARCH_WINDOW};
use crate::store::queue::row;
use crate::store::sql::{args as refs, Sql};

/// The term in tsquery form: a prefix as `word:*`.
fn tsquery(t: &Term) -> String {
    if t.prefix {
        format!("{}:*", t.word)
    } else {
        t.word.clone()
    }
}

/// Parameters: ?1 every term, ?2 the page size, the filter's from ?3, then
/// each term, then the ID the tickets searched are past.
fn statement(terms: usize, filter: &str, first_term: usize) -> String {
    let floor = first_term + terms;
    let per_term: Vec<String> = (0..terms)
        .map(|i| {
            let n = first_term + i;
            format!(
                "SELECT id FROM (SELECT id FROM tickets WHERE search @@ to_tsquery('simple', ?{n}) AND id > ?{floor} \
                 UNION SELECT ticket_id FROM notes WHERE search @@ to_tsquery('simple', ?{n}) AND ticket_id > ?{floor}) u{i}"
            )
        })
        .collect();
    format!(
        "SELECT {COLUMNS} FROM (
           SELECT id, max(rank) AS rank FROM (
             (SELECT t.id, ts_rank(t.search, to_tsquery('simple', ?1), 1) AS rank FROM tickets t
               WHERE t.search @@ to_tsquery('simple', ?1) AND t.id > ?{floor}{filter}
               ORDER BY t.id DESC LIMIT {SEARCH_WINDOW})
             UNION ALL
             (SELECT x.id, CAST(0 AS real) FROM ({spread}) x JOIN tickets t ON t.id = x.id WHERE 1 = 1{filter}
               ORDER BY x.id DESC LIMIT {SEARCH_WINDOW})
           ) h GROUP BY id ORDER BY rank DESC, id DESC LIMIT ?2
         ) m
         JOIN tickets t ON t.id = m.id JOIN companies c ON c.id = t.company_id LEFT JOIN technicians te ON te.id = t.assignee_id
         ORDER BY m.rank DESC, m.id DESC",
        spread = per_term.join(" INTERSECT "),
    )
}

pub(super) fn page(conn: &dyn Sql, q: &QueueQuery, terms: &[Term], limit: usize) -> rusqlite::Result<Vec<QueueRow>> {
    let (clauses, values) = q.filter.sql(3);
    let filter: String = clauses.iter().map(|c| format!(" AND {c}")).collect();
    let first_term = 3 + values.len();
    let sql = statement(terms.len(), &filter, first_term);
    let queries: Vec<String> = terms.iter().map(tsquery).collect();
    let mut args = vec![Value::Text(queries.join(" & ")), Value::Integer(limit as i64)];
    args.extend(values);
    args.extend(queries.into_iter().map(Value::Text));
    let newest: i64 = conn.one("SELECT coalesce(max(id), 0) FROM tickets", ())?;
    let recent = (newest - RECENT).max(0);
    let run = |floor: i64| {
        let mut all = args.clone();
        all.push(Value::Integer(floor));
        conn.query_vec(&sql, refs(&all), row)
    };
    let rows = run(recent)?;
    if rows.len() >= limit || recent == 0 {
        return Ok(rows);
    }
    run(0)
}
