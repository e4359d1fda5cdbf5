//! The queue's search: the words of `/` as an FTS5 query, and one page of
//! the tickets that hold them all, best match first.
//!
//! Best match: among the newest [`SEARCH_WINDOW`] tickets whose index row
//! (summary, description, latest notes) holds every word, the lowest bm25
//! first; then a long ticket whose words are spread over its older, sealed
//! notes (migrate_13.sql) — ranked by bm25 when one chunk of notes holds
//! them all, after the others when they are spread.

use rusqlite::types::Value;
use rusqlite::Connection;

use super::queue::{row, Anchor, QueueQuery, QueueRow, COLUMNS};

/// Search ranks the newest this-many matches best first, so a common word in
/// a million tickets costs the same as a rare one (bm25 scores every row it ranks).
pub const SEARCH_WINDOW: usize = 5000;

/// Words → FTS5 terms: each word of two or more characters a quoted
/// prefix, all required. A one-character word is matched whole: as a prefix
/// it would merge every term that starts with that letter (the index keeps
/// prefixes of two and three), half a second at a million tickets.
pub fn fts_terms(words: &str) -> Vec<String> {
    words
        .split_whitespace()
        .map(|w| w.chars().filter(|c| c.is_alphanumeric()).collect::<String>())
        .filter(|w| !w.is_empty())
        .map(|w| {
            if w.chars().count() == 1 {
                format!("\"{w}\"")
            } else {
                format!("\"{w}\"*")
            }
        })
        .collect()
}

/// The terms of [`fts_terms`] as one FTS5 query, or None when there is
/// nothing to search for.
pub fn fts_query(words: &str) -> Option<String> {
    let terms = fts_terms(words);
    (!terms.is_empty()).then(|| terms.join(" "))
}

/// The rows of long tickets (sealed notes, head rows) that match ?N, as
/// (ticket id, rank).
fn chunk_hits(n: usize) -> String {
    format!(
        "SELECT s.ticket_id AS id, note_fts.rank AS rank FROM note_fts JOIN search_chunks s ON s.id = note_fts.rowid WHERE note_fts MATCH ?{n}"
    )
}

/// The statement of one search page. Parameters: ?1 the whole query, ?2
/// the page size, the filter's values from ?3, then each term.
fn statement(terms: usize, filter: &str, first_term: usize) -> String {
    let narrowed = |from: &str| {
        if filter.is_empty() {
            from.to_string()
        } else {
            format!("SELECT x.id, x.rank FROM ({from}) x JOIN tickets t ON t.id = x.id WHERE 1{filter}")
        }
    };
    let whole_rows = format!(
        "SELECT * FROM (SELECT rowid AS id, rank FROM ticket_fts WHERE ticket_fts MATCH ?1 ORDER BY rowid DESC LIMIT {SEARCH_WINDOW})"
    );
    let whole_rows = if filter.is_empty() {
        whole_rows
    } else {
        format!("SELECT * FROM (SELECT ticket_fts.rowid AS id, ticket_fts.rank AS rank FROM ticket_fts JOIN tickets t ON t.id = ticket_fts.rowid WHERE ticket_fts MATCH ?1{filter} ORDER BY ticket_fts.rowid DESC LIMIT {SEARCH_WINDOW})")
    };
    // A long ticket holds a word when its head row or one of its chunks
    // does. Each term is a subquery: compound operators bind left to right.
    let per_term: Vec<String> = (0..terms)
        .map(|i| format!("SELECT id FROM ({})", chunk_hits(first_term + i)))
        .collect();
    let spread = format!("SELECT id, 0.0 AS rank FROM ({})", per_term.join(" INTERSECT "));
    format!(
        "SELECT {COLUMNS} FROM (
           SELECT id, min(rank) AS rank FROM ({whole_rows} UNION ALL {one_chunk} UNION ALL {spread}) GROUP BY id ORDER BY rank, id DESC LIMIT ?2
         ) m
         JOIN tickets t ON t.id = m.id JOIN companies c ON c.id = t.company_id LEFT JOIN technicians te ON te.id = t.assignee_id
         ORDER BY m.rank, m.id DESC",
        one_chunk = narrowed(&chunk_hits(1)),
        spread = narrowed(&spread),
    )
}

/// One page of a search: the best matches (see the module), at most
/// `limit`; the filter line narrows it. There is one page: the keyset
/// anchors past it find nothing.
pub(super) fn page(
    conn: &Connection,
    q: &QueueQuery,
    words: &str,
    anchor: &Anchor,
    limit: usize,
) -> rusqlite::Result<Vec<QueueRow>> {
    let terms = fts_terms(words);
    if terms.is_empty() || matches!(anchor, Anchor::After(..) | Anchor::Before(..)) {
        return Ok(Vec::new());
    }
    let (clauses, values) = q.filter.sql(3);
    let filter: String = clauses.iter().map(|c| format!(" AND {c}")).collect();
    let first_term = 3 + values.len();
    let sql = statement(terms.len(), &filter, first_term);
    let mut args = vec![Value::Text(terms.join(" ")), Value::Integer(limit as i64)];
    args.extend(values);
    args.extend(terms.into_iter().map(Value::Text));
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(rusqlite::params_from_iter(args), row)?.collect();
    rows
}
