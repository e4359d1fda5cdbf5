//! The queue's search: the words of `/` as an FTS5 query, and one page of
//! the tickets that hold them all, best match first.
//!
//! Which tickets: those whose index row (summary, description, latest
//! notes) holds every word, looked for among the newest [`RECENT`]
//! tickets, and among all of them only when those hold less than the page.
//!
//! Best match: among the newest [`SEARCH_WINDOW`] such tickets, the lowest
//! bm25 first, each word weighted by how many of the newest tickets hold it
//! (store/search_rank.rs); then a long ticket whose words are spread over
//! its older, sealed notes (migrate_13.sql) — ranked by bm25 when one chunk
//! of notes holds them all, after the others when they are spread.

use rusqlite::types::Value;
use rusqlite::Connection;

use super::queue::{row, Anchor, QueueQuery, QueueRow, COLUMNS};
use super::sql::{Row, Sql};

/// Search ranks the newest this-many matches best first, so a common word in
/// a million tickets costs the same as a rare one (bm25 scores every row it ranks).
pub const SEARCH_WINDOW: usize = 5000;

/// A search looks among the newest this-many tickets first. Words that are
/// each common but rarely together ("confirmation before schedule") make
/// FTS5 walk their whole lists to gather the window: 35 ms at a million
/// tickets, 7 ms within the newest 100,000 and 3 ms within 50,000.
const RECENT: i64 = if cfg!(test) { 20 } else { 50_000 };

mod pg;
#[cfg(test)]
mod tests;

/// One word of a search: matched whole, or as a prefix.
struct Term {
    word: String,
    prefix: bool,
}

impl Term {
    /// The word as an FTS5 query term.
    fn query(&self) -> String {
        if self.prefix {
            format!("\"{}\"*", self.word)
        } else {
            format!("\"{}\"", self.word)
        }
    }

    /// What is counted for its weight: itself, but a prefix longer than the
    /// index keeps as the word it spells (the merge of such a prefix
    /// ignores the count's bound).
    fn counted(&self) -> String {
        if self.prefix && self.word.chars().count() > INDEXED_PREFIX {
            format!("\"{}\"", self.word)
        } else {
            self.query()
        }
    }
}

/// The longest prefix the search tables index (prefix='2 3 4 5 6 7 8',
/// migrate_15.sql): up to it a prefix reads one doclist, newest first, as
/// far as the page needs.
const INDEXED_PREFIX: usize = 8;

/// Words → terms, all required: each word whole, but the last, the one
/// being typed, a prefix when it has two or more characters (as search
/// engines that answer as you type do). A prefix longer than
/// [`INDEXED_PREFIX`] merges every term that starts with it, whole
/// doclists, before the first row (tens of milliseconds for a common
/// word at a million tickets), so only the word still being typed
/// is a prefix. A one-character word is always whole: "a" as a prefix
/// would be most of the index.
fn terms(words: &str) -> Vec<Term> {
    let words: Vec<String> = words
        .split_whitespace()
        .map(|w| w.chars().filter(|c| c.is_alphanumeric()).collect::<String>())
        .filter(|w| !w.is_empty())
        .collect();
    let last = words.len().saturating_sub(1);
    words
        .into_iter()
        .enumerate()
        .map(|(i, word)| Term {
            prefix: i == last && word.chars().count() > 1,
            word,
        })
        .collect()
}

/// The terms of [`terms`] as one FTS5 query, or None when there is
/// nothing to search for.
pub fn fts_query(words: &str) -> Option<String> {
    let terms: Vec<String> = terms(words).iter().map(Term::query).collect();
    (!terms.is_empty()).then(|| terms.join(" "))
}

/// The rows of long tickets (sealed notes, head rows) that match ?N, as
/// (ticket id, rank), of tickets past the ID ?F.
fn chunk_hits(n: usize, floor: usize) -> String {
    format!(
        "SELECT s.ticket_id AS id, note_fts.rank AS rank FROM note_fts JOIN search_chunks s ON s.id = note_fts.rowid WHERE note_fts MATCH ?{n} AND s.ticket_id > ?{floor}"
    )
}

/// The statement of one search page. Parameters: ?1 the whole query, ?2
/// the page size, the filter's values from ?3, then each term, then each
/// term's weight, then the ID the tickets searched are past.
fn statement(terms: usize, filter: &str, first_term: usize) -> String {
    let floor = first_term + 2 * terms;
    let narrowed = |from: &str| {
        if filter.is_empty() {
            from.to_string()
        } else {
            format!("SELECT x.id, x.rank FROM ({from}) x JOIN tickets t ON t.id = x.id WHERE 1 = 1{filter}")
        }
    };
    // Ranked by pim_rank with the weights the caller estimated (search_rank.rs).
    let weights: Vec<String> = (0..terms).map(|i| format!("?{}", first_term + terms + i)).collect();
    let rank = format!("{}(ticket_fts, {})", super::search_rank::NAME, weights.join(", "));
    let whole_rows = if filter.is_empty() {
        format!("SELECT * FROM (SELECT rowid AS id, {rank} AS rank FROM ticket_fts WHERE ticket_fts MATCH ?1 AND rowid > ?{floor} ORDER BY rowid DESC LIMIT {SEARCH_WINDOW})")
    } else {
        format!("SELECT * FROM (SELECT ticket_fts.rowid AS id, {rank} AS rank FROM ticket_fts JOIN tickets t ON t.id = ticket_fts.rowid WHERE ticket_fts MATCH ?1 AND ticket_fts.rowid > ?{floor}{filter} ORDER BY ticket_fts.rowid DESC LIMIT {SEARCH_WINDOW})")
    };
    // A long ticket holds a word when its head row or one of its chunks
    // does. Each term is a subquery: compound operators bind left to right.
    let per_term: Vec<String> = (0..terms)
        .map(|i| format!("SELECT id FROM ({})", chunk_hits(first_term + i, floor)))
        .collect();
    let spread = format!("SELECT id, 0.0 AS rank FROM ({})", per_term.join(" INTERSECT "));
    format!(
        "SELECT {COLUMNS} FROM (
           SELECT id, min(rank) AS rank FROM ({whole_rows} UNION ALL {one_chunk} UNION ALL {spread}) GROUP BY id ORDER BY rank, id DESC LIMIT ?2
         ) m
         JOIN tickets t ON t.id = m.id JOIN companies c ON c.id = t.company_id LEFT JOIN technicians te ON te.id = t.assignee_id
         ORDER BY m.rank, m.id DESC",
        one_chunk = narrowed(&chunk_hits(1, floor)),
        spread = narrowed(&spread),
    )
}

/// One page of a search: the best matches (see the module), at most
/// `limit`; the filter line narrows it. There is one page: the keyset
/// anchors past it find nothing. The newest [`RECENT`] tickets are
/// searched first; all of them when those hold less than `limit` matches.
pub(super) fn page(
    conn: &dyn Sql,
    q: &QueueQuery,
    words: &str,
    anchor: &Anchor,
    limit: usize,
) -> rusqlite::Result<Vec<QueueRow>> {
    let terms = terms(words);
    if terms.is_empty() || matches!(anchor, Anchor::After(..) | Anchor::Before(..)) {
        return Ok(Vec::new());
    }
    match conn.lite() {
        Some(lite) => fts_page(lite, q, &terms, limit),
        None => pg::page(conn, q, &terms, limit),
    }
}

/// [`page`] on SQLite, by FTS5.
fn fts_page(conn: &Connection, q: &QueueQuery, terms: &[Term], limit: usize) -> rusqlite::Result<Vec<QueueRow>> {
    let (clauses, values) = q.filter.sql(3);
    let filter: String = clauses.iter().map(|c| format!(" AND {c}")).collect();
    let first_term = 3 + values.len();
    let sql = statement(terms.len(), &filter, first_term);
    let newest: i64 = conn.query_row("SELECT coalesce(max(id), 0) FROM tickets", (), |r| r.get(0))?;
    let weights = weights(conn, terms, newest)?;
    let queries: Vec<String> = terms.iter().map(Term::query).collect();
    let mut args = vec![Value::Text(queries.join(" ")), Value::Integer(limit as i64)];
    args.extend(values);
    args.extend(queries.into_iter().map(Value::Text));
    args.extend(weights.into_iter().map(Value::Real));
    let recent = (newest - RECENT).max(0);
    let rows = run(conn, &sql, &args, recent)?;
    if rows.len() >= limit || recent == 0 {
        return Ok(rows);
    }
    run(conn, &sql, &args, 0)
}

/// The statement with its arguments, over the tickets past the ID `floor`.
fn run(conn: &Connection, sql: &str, args: &[Value], floor: i64) -> rusqlite::Result<Vec<QueueRow>> {
    let mut stmt = match conn.prepare_cached(sql) {
        Ok(stmt) => stmt,
        // A connection opened elsewhere (a test's, a tool's) learns the rank
        // function on its first search.
        Err(e) if e.to_string().contains(super::search_rank::NAME) => {
            super::search_rank::register(conn)?;
            conn.prepare_cached(sql)?
        }
        Err(e) => return Err(e),
    };
    let floor = Value::Integer(floor);
    let args = args.iter().chain(std::iter::once(&floor));
    let rows = stmt
        .query_map(rusqlite::params_from_iter(args), |r| row(&Row::Lite(r)))?
        .collect();
    rows
}

/// How many of the newest tickets are counted for each word's weight.
const SAMPLE: i64 = 1000;

/// How long a word's weight is kept: it changes slowly, and search as you
/// type asks for the finished words again at every key.
const KEEP: std::time::Duration = std::time::Duration::from_secs(60);

thread_local! {
    /// Weights by store file and term, with when they were counted.
    static WEIGHTS: std::cell::RefCell<std::collections::HashMap<(String, String), (f64, std::time::Instant)>> =
        Default::default();
}

/// Each term's inverse document frequency, estimated from the newest
/// [`SAMPLE`] tickets: one bounded count a term instead of bm25's walk of
/// every ticket, kept for [`KEEP`] ([`Term::counted`] says what is
/// counted); a rarer word than the sample can tell weighs the most.
fn weights(conn: &Connection, terms: &[Term], newest: i64) -> rusqlite::Result<Vec<f64>> {
    let sample = SAMPLE.min(newest).max(1) as f64;
    let rows = newest.max(1) as f64;
    let store = conn.path().unwrap_or_default().to_string();
    let mut count = conn.prepare_cached("SELECT count(*) FROM ticket_fts WHERE ticket_fts MATCH ?1 AND rowid > ?2")?;
    terms
        .iter()
        .map(|t| {
            let counted = t.counted();
            let key = (store.clone(), counted.clone());
            let kept = WEIGHTS.with(|w| w.borrow().get(&key).copied());
            if let Some((w, _)) = kept.filter(|(_, at)| !store.is_empty() && at.elapsed() < KEEP) {
                return Ok(w);
            }
            let hits: i64 = count.query_row(rusqlite::params![&counted, newest - SAMPLE], |r| r.get(0))?;
            let w = super::search_rank::idf(hits as f64 / sample * rows, rows);
            WEIGHTS.with(|all| {
                let mut all = all.borrow_mut();
                if all.len() > 512 {
                    all.clear();
                }
                all.insert(key, (w, std::time::Instant::now()));
            });
            Ok(w)
        })
        .collect()
}
