//! Keyset paging of the queue: for every sort column and direction, paging
//! forward from the start and backward from the end visits exactly the rows
//! of one full ORDER BY, in order, with ID breaking ties.

use chrono::{DateTime, Utc};

use pimdesk::config::Config;
use pimdesk::demo::{self, DemoOptions};
use pimdesk::store::queue_filter::QueueFilter;
use pimdesk::store::tickets::{page, Anchor, QueueQuery, SortKey, View};
use pimdesk::store::{self};

fn now() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-11-25T10:00:00-05:00")
        .unwrap()
        .with_timezone(&Utc)
}

fn store() -> (tempfile::TempDir, rusqlite::Connection) {
    let dir = tempfile::tempdir().unwrap();
    let mut conn = store::open(&dir.path().join("s.db"), &store::OpenOptions::default()).unwrap();
    demo::generate(
        &mut conn,
        &Config::defaults(),
        DemoOptions { tickets: 700, seed: 5 },
        now(),
    )
    .unwrap();
    (dir, conn)
}

fn forward(conn: &rusqlite::Connection, q: &QueueQuery) -> Vec<i64> {
    let mut ids = Vec::new();
    let mut anchor = Anchor::Start;
    loop {
        let rows = page(conn, q, &anchor, 7).unwrap();
        let Some(last) = rows.last() else { break };
        anchor = Anchor::After(last.sort_value(q.sort), last.id);
        let n = rows.len();
        ids.extend(rows.iter().map(|r| r.id));
        if n < 7 {
            break;
        }
    }
    ids
}

fn backward(conn: &rusqlite::Connection, q: &QueueQuery) -> Vec<i64> {
    let mut ids = Vec::new();
    let mut anchor = Anchor::End;
    loop {
        let rows = page(conn, q, &anchor, 7).unwrap();
        let Some(first) = rows.first() else { break };
        anchor = Anchor::Before(first.sort_value(q.sort), first.id);
        let n = rows.len();
        let mut chunk: Vec<i64> = rows.iter().map(|r| r.id).collect();
        chunk.extend(ids);
        ids = chunk;
        if n < 7 {
            break;
        }
    }
    ids
}

/// The same order computed in Rust from every row, as a check on the SQL.
fn expected(conn: &rusqlite::Connection, q: &QueueQuery) -> Vec<i64> {
    let mut rows = page(conn, q, &Anchor::Start, 100_000).unwrap();
    rows.sort_by(|a, b| {
        let ord = match q.sort {
            SortKey::Id => a.id.cmp(&b.id),
            SortKey::Priority => a.priority.cmp(&b.priority),
            SortKey::Status => a.status.as_str().cmp(b.status.as_str()),
            // Running response clocks soonest first; answered ones last.
            SortKey::Due => {
                let due = |r: &pimdesk::store::tickets::QueueRow| match r.first_response {
                    None => r.response_due.unwrap_or(i64::MAX),
                    Some(_) => i64::MAX,
                };
                due(a).cmp(&due(b))
            }
            SortKey::Opened => a.opened.cmp(&b.opened),
            SortKey::Company => a.company.cmp(&b.company),
            SortKey::Summary => a.summary.cmp(&b.summary),
            SortKey::Assignee => a
                .assignee
                .clone()
                .unwrap_or_default()
                .cmp(&b.assignee.clone().unwrap_or_default()),
        }
        .then(a.id.cmp(&b.id));
        if q.descending {
            ord.reverse()
        } else {
            ord
        }
    });
    rows.into_iter().map(|r| r.id).collect()
}

#[test]
fn sla_due_puts_running_clocks_soonest_first_and_answered_ones_last() {
    let (_dir, conn) = store();
    // A few clocks still waiting for their first response, whatever the demo drew.
    conn.execute_batch(
        "UPDATE tickets SET first_response = NULL, status = 'New' WHERE id IN (SELECT id FROM tickets ORDER BY id DESC LIMIT 4)",
    )
    .unwrap();
    let q = QueueQuery {
        view: View::All,
        sort: SortKey::Due,
        descending: false,
        ..QueueQuery::default()
    };
    let rows = page(&conn, &q, &Anchor::Start, 100_000).unwrap();
    // Running: no first response yet and a due time (tickets without a
    // clock sort last too, with the answered ones).
    let first_answered = rows.iter().position(|r| r.first_response.is_some());
    let last_running = rows
        .iter()
        .rposition(|r| r.first_response.is_none() && r.response_due.is_some());
    assert!(
        first_answered.is_some() && last_running.is_some(),
        "both kinds in the demo"
    );
    assert!(
        last_running < first_answered,
        "an answered ticket sorts before a running clock: {:?}",
        rows.iter()
            .take(8)
            .map(|r| (r.id, r.first_response, r.response_due, r.status))
            .collect::<Vec<_>>()
    );
    let dues: Vec<i64> = rows
        .iter()
        .filter(|r| r.first_response.is_none())
        .filter_map(|r| r.response_due)
        .collect();
    assert!(dues.windows(2).all(|w| w[0] <= w[1]), "running clocks soonest first");
}

#[test]
fn every_sort_pages_the_same_rows_both_ways() {
    let (_dir, conn) = store();
    // Broad views walk indexes in sort order; a filtered view sorts its rows.
    let narrowed = QueueFilter::parse("p:3,4").unwrap();
    let cases = [
        (View::All, QueueFilter::default()),
        (View::AllOpen, QueueFilter::default()),
        (View::All, narrowed),
    ];
    for (view, filter) in cases {
        for sort in SortKey::ALL {
            for descending in [false, true] {
                let q = QueueQuery {
                    view,
                    sort,
                    descending,
                    filter: filter.clone(),
                    ..QueueQuery::default()
                };
                let want = expected(&conn, &q);
                assert!(want.len() > 10, "{view:?} has rows");
                assert_eq!(forward(&conn, &q), want, "forward {view:?} {sort:?} desc={descending}");
                assert_eq!(
                    backward(&conn, &q),
                    want,
                    "backward {view:?} {sort:?} desc={descending}"
                );
            }
        }
    }
}

#[test]
fn the_filter_line_narrows_the_view() {
    let (_dir, conn) = store();
    let filter = QueueFilter::parse("status:new,in-progress p:3,4").unwrap();
    let q = QueueQuery {
        view: View::All,
        filter,
        ..QueueQuery::default()
    };
    let rows = page(&conn, &q, &Anchor::Start, 1000).unwrap();
    assert!(!rows.is_empty());
    assert!(rows
        .iter()
        .all(|r| (r.status.as_str() == "New" || r.status.as_str() == "In Progress")
            && (r.priority.get() == 3 || r.priority.get() == 4)));
    let company = QueueFilter::parse("company:acme").unwrap();
    let rows = page(
        &conn,
        &QueueQuery {
            view: View::All,
            filter: company,
            ..QueueQuery::default()
        },
        &Anchor::Start,
        1000,
    )
    .unwrap();
    assert!(!rows.is_empty() && rows.iter().all(|r| r.company == "Acme Family Dental"));
}

#[test]
fn search_finds_the_last_word_as_a_prefix_best_match_first() {
    let (_dir, conn) = store();
    let q = QueueQuery {
        view: View::All,
        search: Some("printer offl".into()),
        ..QueueQuery::default()
    };
    let rows = page(&conn, &q, &Anchor::Start, 50).unwrap();
    assert!(!rows.is_empty());
    assert!(rows[0].summary.contains("Printer offline"), "{:?}", rows[0].summary);
}
