//! Every sort of the broad views (All open, All tickets), both directions:
//! the first page, the last page (`G`), and 40 pages on from each end
//! (`Ctrl-D`/`Ctrl-U` across the groups of a company or summary sort), on
//! the 10k, 100k and 1M stores. One row per store size and sort: p50, p99
//! and the slowest call over all of them, with the floor of the slowest.

use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::Result;

use pimdesk::store::tickets::{page, Anchor, QueueQuery, SortKey, View};
use pimdesk::store::OpenOptions;

use crate::floor::{page_floor, trace};
use crate::growth::{ensure_store, SIZES};
use crate::report::{ms, Report, Stats};
use crate::LIMIT;

/// Pages walked on from each end.
const PAGES: usize = 40;

pub fn every_sort_both_ways(r: &mut Report, one_million: &Path) -> Result<()> {
    r.note(format!(
        "sorts: `store::tickets::page` in-process, {LIMIT} rows a page, views All open and All tickets, each sort ascending and descending: first page, last page, and {PAGES} keyset pages on from each end"
    ));
    for (tickets, name) in SIZES {
        let (db, _) = ensure_store(tickets, name, one_million)?;
        let conn = pimdesk::store::open(&db, &OpenOptions::default())?;
        let traced = pimdesk::store::open(&db, &OpenOptions::default())?;
        trace(&traced);
        for sort in SortKey::ALL {
            let mut all = Vec::new();
            let mut worst: Option<(Duration, QueueQuery, Anchor)> = None;
            for view in [View::AllOpen, View::All] {
                for descending in [false, true] {
                    let q = QueueQuery {
                        view,
                        sort,
                        descending,
                        ..QueueQuery::default()
                    };
                    for (d, anchor) in walk(&conn, &q)? {
                        all.push(d);
                        if worst.as_ref().is_none_or(|(w, ..)| d > *w) {
                            worst = Some((d, q.clone(), anchor));
                        }
                    }
                }
            }
            let Some((slowest, q, anchor)) = worst else { continue };
            let floor = page_floor(r, &traced, &db, &q, &anchor);
            let s = Stats::of(all);
            let what = format!(
                "queue pages by {} at {name} (both views, both directions, first/last/{PAGES} each way; slowest: {}{})",
                sort.name(),
                q.view.name(),
                if q.descending { ", reversed" } else { "" }
            );
            let max = slowest.as_secs_f64() * 1000.0;
            r.row(
                &what,
                format!("p50 {} · p99 {} · max {} (n={})", ms(s.p50), ms(s.p99), ms(max), s.n),
                "≤ 10 ms p99",
                floor,
                max,
                Some(s.p99 <= 10.0),
            );
        }
    }
    Ok(())
}

/// Times the first and last page and the pages on from each; returns each
/// call's time with the anchor it read from.
fn walk(conn: &rusqlite::Connection, q: &QueueQuery) -> Result<Vec<(Duration, Anchor)>> {
    let mut out = Vec::new();
    let mut timed = |anchor: Anchor| -> Result<Vec<pimdesk::store::tickets::QueueRow>> {
        let t = Instant::now();
        let rows = page(conn, q, &anchor, LIMIT)?;
        out.push((t.elapsed(), anchor));
        Ok(rows)
    };
    let mut rows = timed(Anchor::Start)?;
    for _ in 0..PAGES {
        let Some(last) = rows.last() else { break };
        let anchor = Anchor::After(last.sort_value(q.sort), last.id);
        rows = timed(anchor)?;
    }
    let mut rows = timed(Anchor::End)?;
    for _ in 0..PAGES {
        let Some(first) = rows.first() else { break };
        let anchor = Anchor::Before(first.sort_value(q.sort), first.id);
        rows = timed(anchor)?;
    }
    Ok(out)
}
