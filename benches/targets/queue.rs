//! 2-3. The queue in-process: first pages, key to frame, search, every sort in
//! every view, and bytes per cursor move.

use std::path::Path;
use std::time::Instant;

use anyhow::{Context, Result};

use pimdesk::config::Config;
use pimdesk::store::tickets::{page, Anchor, QueueQuery, SortKey, SortValue, View};
use pimdesk::store::OpenOptions;
use pimdesk::tui::action::Action;
use pimdesk::tui::state::AppState;
use pimdesk::tui::tab::Tab;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use crate::floor::{captured, floor_all, page_floor, plans, trace};
use crate::harness::{queries, times, Harness, Pair, Sample};
use crate::report::{ms, Report, Stats};
use crate::{LIMIT, SEARCHES, WINDOW};

pub fn queue_figures(r: &mut Report, db: &Path) -> Result<()> {
    let config = Config::defaults();
    let traced = pimdesk::store::open(db, &OpenOptions::default())?;
    trace(&traced);
    let mut p = Pair {
        h: Harness::new(db, &config, false)?,
        t: Harness::new(db, &config, true)?,
        traced,
        db,
    };
    r.note(format!(
        "queue: in-process on {} at 80x24: `update` + the worker thread (`tui::worker::run`) + `view::draw` into a fixed 80x24 CrosstermBackend whose bytes are counted; page size {LIMIT}; floors run the SQL SQLite traced (sqlite3_trace_v2, arguments expanded) on a second, untimed console",
        db.display()
    ));
    first_page(r, &mut p)?;
    moves_and_pages(r, &mut p)?;
    sorts(r, &mut p);
    views(r, &mut p);
    tabs(r, &mut p);
    searches(r, &mut p);
    every_sort_and_view(r, &p)?;
    bytes_per_move(r, &mut p.h);
    let held = p.h.max_rows;
    r.row(
        "queue rows held (max over every operation above)",
        format!("{held} rows"),
        &format!("≤ {WINDOW} (a screenful and a margin)"),
        None,
        0.0,
        Some(held <= WINDOW),
    );
    Ok(())
}

fn first_page(r: &mut Report, p: &mut Pair) -> Result<()> {
    let q = QueueQuery::default();
    let conn = pimdesk::store::open(p.db, &OpenOptions::default())?;
    let mut v = Vec::new();
    for _ in 0..300 {
        let t = Instant::now();
        let rows = page(&conn, &q, &Anchor::Start, LIMIT)?;
        v.push(t.elapsed());
        std::hint::black_box(rows);
    }
    let f = page_floor(r, &p.traced, p.db, &q, &Anchor::Start);
    r.timed(
        "queue first page (`page`, All open, newest first)",
        &Stats::of(v),
        10.0,
        f,
    );
    Ok(())
}

fn moves_and_pages(r: &mut Report, p: &mut Pair) -> Result<()> {
    p.h.key(Action::First);
    let moves = p.h.keys(&Action::Move(1), 600);
    // The continuation a move past the loaded rows runs: keyset after the last loaded row.
    let q = QueueQuery::default();
    let rows = page(&p.traced, &q, &Anchor::Start, LIMIT)?;
    let last = rows.last().context("the queue is empty")?;
    let after = Anchor::After(SortValue::Int(last.id), last.id);
    let f_after = page_floor(r, &p.traced, p.db, &q, &after);
    let what = format!("key→frame: move down ×600 ({} queried)", queries(&moves));
    r.timed(&what, &times(&moves), 10.0, f_after);
    let mut pages = p.h.keys(&Action::Page(1), 150);
    pages.extend(p.h.keys(&Action::Page(-1), 150));
    let what = format!("key→frame: page down ×150, up ×150 ({} queried)", queries(&pages));
    r.timed(&what, &times(&pages), 10.0, f_after);
    let mut jumps = Vec::new();
    for _ in 0..30 {
        jumps.push(p.h.key(Action::Last));
        jumps.push(p.h.key(Action::First));
    }
    let f_end = page_floor(r, &p.traced, p.db, &q, &Anchor::End);
    let what = format!("key→frame: jump to end / back ×30 ({} queried)", queries(&jumps));
    r.timed(&what, &times(&jumps), 10.0, f_end);
    Ok(())
}

/// Cycles `a` `rounds` times through `n` states, grouping samples by the state
/// reached (`which`), and the floor of the SQL behind reaching each state.
fn cycle(
    r: &Report,
    p: &mut Pair,
    a: Action,
    n: usize,
    rounds: usize,
    which: impl Fn(&AppState) -> usize,
) -> Vec<(Vec<Sample>, Option<f64>)> {
    let mut out: Vec<(Vec<Sample>, Option<f64>)> = (0..n).map(|_| (Vec::new(), None)).collect();
    for _ in 0..rounds * n {
        let s = p.h.key(a.clone());
        out[which(&p.h.state).min(n - 1)].0.push(s);
    }
    for _ in 0..n {
        let f = p.key_floor(r, a.clone());
        out[which(&p.t.state).min(n - 1)].1 = f;
    }
    out
}

fn sorts(r: &mut Report, p: &mut Pair) {
    let keys = SortKey::ALL;
    let sort_of = move |s: &AppState| keys.iter().position(|k| *k == s.queue.query.sort).unwrap_or(0);
    for (i, (samples, f)) in cycle(r, p, Action::SortNext, keys.len(), 20, sort_of)
        .iter()
        .enumerate()
    {
        let what = format!("key→frame: sort → {} (All open)", keys[i].name());
        r.timed(&what, &times(samples), 10.0, *f);
    }
}

fn views(r: &mut Report, p: &mut Pair) {
    for h in [&mut p.h, &mut p.t] {
        while h.state.queue.query.sort != SortKey::Id {
            h.key(Action::SortNext);
        }
    }
    let views = View::ALL;
    let view_of = move |s: &AppState| views.iter().position(|v| *v == s.queue.query.view).unwrap_or(0);
    for (i, (samples, f)) in cycle(r, p, Action::NextView, views.len(), 20, view_of)
        .iter()
        .enumerate()
    {
        let what = format!("key→frame: view → {} (by ID)", views[i].name());
        r.timed(&what, &times(samples), 10.0, *f);
    }
}

fn tabs(r: &mut Report, p: &mut Pair) {
    let mut by_tab: Vec<Vec<Sample>> = Tab::ALL.iter().map(|_| Vec::new()).collect();
    // The SLA tab loads the 30-day compliance chart at most once a minute: visits that did
    // are kept apart from those that loaded the board alone.
    let mut charted = Vec::new();
    for _ in 0..20 {
        for tab in [Tab::Sla, Tab::Invoices, Tab::Directory, Tab::Queue] {
            let before = p.h.state.sla.compliance_at;
            let s = p.h.key(Action::GoTab(tab));
            if tab == Tab::Sla && p.h.state.sla.compliance_at != before {
                charted.push(s);
            } else {
                by_tab[tab.number() - 1].push(s);
            }
        }
    }
    // First visits of a minute: the clock moved on a minute before each.
    let minute = chrono::TimeDelta::seconds(60);
    let base = p.h.now;
    while charted.len() < 20 {
        p.h.now += minute;
        charted.push(p.h.key(Action::GoTab(Tab::Sla)));
        p.h.key(Action::GoTab(Tab::Queue));
    }
    p.h.now = base;
    let mut floors = [None; 4];
    p.t.now += minute;
    let chart_floor = p.key_floor(r, Action::GoTab(Tab::Sla));
    p.t.now -= minute;
    for tab in [Tab::Sla, Tab::Invoices, Tab::Directory, Tab::Queue] {
        floors[tab.number() - 1] = p.key_floor(r, Action::GoTab(tab));
    }
    for (tab, samples) in Tab::ALL.iter().zip(&by_tab) {
        let i = tab.number() - 1;
        let what = match tab {
            Tab::Sla => format!("key→frame: tab → {} (board; chart loaded this minute)", tab.name()),
            _ => format!("key→frame: tab → {}", tab.name()),
        };
        r.timed(&what, &times(samples), 10.0, floors[i]);
    }
    r.timed(
        "key→frame: tab → SLA, first in a minute (board + 30-day compliance chart)",
        &times(&charted),
        10.0,
        chart_floor,
    );
}

fn searches(r: &mut Report, p: &mut Pair) {
    p.h.key(Action::GoTab(Tab::Queue));
    p.t.key(Action::GoTab(Tab::Queue));
    for words in SEARCHES {
        let mut keyed = Vec::new();
        let mut last = Vec::new();
        for _ in 0..30 {
            let keys = p.h.type_search(words);
            // The figures are only worth what the harness typed.
            let kept = p.h.state.queue.query.search.as_deref();
            assert!(
                kept == Some(words) && p.h.state.queue.search_input.is_none(),
                "searched {kept:?}, typed {words:?}"
            );
            // The whole words' answer arrives with the last letter typed.
            last.push(keys[keys.len().saturating_sub(2)].took);
            keyed.extend(keys.iter().map(|k| k.took));
            p.h.clear_search();
            assert_eq!(p.h.state.queue.query.search, None, "Esc leaves the search");
        }
        // The floor runs the statements pimdesk ran for the last letter (the
        // words' weights, the page; arguments written in), with the rank
        // function, which the sqlite3 shell lacks, read as 0: the same reads
        // without the ranking.
        let last_len = words.chars().last().map_or(0, char::len_utf8);
        let (head, tail) = words.split_at(words.len() - last_len);
        let char_key = |c: char| Action::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE));
        p.t.key(Action::StartSearch);
        for c in head.chars() {
            p.t.key(char_key(c));
        }
        let (_, sql) = captured(|| tail.chars().map(|c| p.t.key(char_key(c))).count());
        p.t.key(Action::Submit);
        p.t.clear_search();
        let sql: Vec<String> = sql.iter().map(|s| without_rank(s)).collect();
        let f = floor_all(r, p.db, &sql);
        // The page's statement (the longest) is the one worth reading.
        if let Some(first) = sql.iter().max_by_key(|s| s.len()) {
            r.note(format!(
                "search \"{words}\": {} statement(s) traced; SQL: {first}\n{}",
                sql.len(),
                plans(&p.traced, p.db, first)
            ));
        }
        let what = format!("search \"{words}\": the last letter → its first page");
        r.timed(&what, &Stats::of(last), 30.0, f);
        let what = format!("search \"{words}\" as you type: every key → frame");
        r.timed(&what, &Stats::of(keyed), 30.0, None);
    }
}

/// `sql` with each call of the search's rank function read as 0.0.
fn without_rank(sql: &str) -> String {
    let call = format!("{}(", pimdesk::store::search_rank::NAME);
    let mut out = String::new();
    let mut rest = sql;
    while let Some(at) = rest.find(&call) {
        out.push_str(&rest[..at]);
        out.push_str("0.0");
        let after = &rest[at..];
        rest = after.find(')').map_or("", |end| &after[end + 1..]);
    }
    out.push_str(rest);
    out
}

/// The first page of every sort in every view (`page`, 5 runs each): the slowest
/// combination, since a view switch keeps the sort and a sort keeps the view.
fn every_sort_and_view(r: &mut Report, p: &Pair) -> Result<()> {
    let conn = pimdesk::store::open(p.db, &OpenOptions::default())?;
    let base = p.h.state.queue.query.clone();
    let mut worst: Option<(f64, QueueQuery)> = None;
    let mut slow = Vec::new();
    for view in View::ALL {
        for sort in SortKey::ALL {
            let q = QueueQuery {
                view,
                sort,
                search: None,
                ..base.clone()
            };
            let mut v = Vec::new();
            for _ in 0..5 {
                let t = Instant::now();
                std::hint::black_box(page(&conn, &q, &Anchor::Start, LIMIT)?);
                v.push(t.elapsed());
            }
            let s = Stats::of(v);
            if s.p50 > 10.0 {
                slow.push(format!("{} by {}: {}", view.name(), sort.name(), ms(s.p50)));
            }
            if worst.as_ref().is_none_or(|(w, _)| s.p50 > *w) {
                worst = Some((s.p50, q));
            }
        }
    }
    let Some((p50, q)) = worst else { return Ok(()) };
    let f = page_floor(r, &p.traced, p.db, &q, &Anchor::Start);
    let (_, sql) = captured(|| page(&p.traced, &q, &Anchor::Start, LIMIT));
    if let Some(sql) = sql.first() {
        r.note(format!("slowest pair's SQL: {sql}\n{}", plans(&conn, p.db, sql)));
    }
    let what = format!(
        "slowest first page of {} sort × view pairs: {} by {}",
        View::ALL.len() * SortKey::ALL.len(),
        q.view.name(),
        q.sort.name()
    );
    r.row(&what, format!("p50 {}", ms(p50)), "≤ 10 ms", f, p50, Some(p50 <= 10.0));
    if !slow.is_empty() {
        r.note(format!("first pages over 10 ms (p50 of 5): {}", slow.join("; ")));
    }
    Ok(())
}

/// Bytes written per cursor move at 80x24, split by whether the list scrolled.
fn bytes_per_move(r: &mut Report, h: &mut Harness) {
    h.key(Action::First);
    let (mut within, mut scrolled) = (Vec::new(), Vec::new());
    let mut total = 0usize;
    for i in 0..200 {
        let offset = h.state.queue.offset;
        let s = h.key(Action::Move(if i < 150 { 1 } else { -1 }));
        total += s.bytes;
        if h.state.queue.offset == offset && s.queries == 0 {
            within.push(s.bytes);
        } else {
            scrolled.push(s.bytes);
        }
    }
    let show = |v: &mut Vec<usize>| {
        v.sort_unstable();
        let p50 = v.get(v.len() / 2).copied().unwrap_or(0);
        let max = v.last().copied().unwrap_or(0);
        (format!("p50 {p50} B · max {max} B (n={})", v.len()), max)
    };
    let (text, max) = show(&mut within);
    r.row(
        "bytes per cursor move, 80x24 (cursor moves on screen)",
        text,
        "≤ 300",
        None,
        0.0,
        Some(max <= 300),
    );
    let mean = total / 200;
    r.row(
        "bytes per cursor move, 80x24, mean of 200 moves (150 down, 50 up)",
        format!("{mean} B"),
        "≤ 300",
        None,
        0.0,
        Some(mean <= 300),
    );
    let (text, max) = show(&mut scrolled);
    r.row(
        "bytes per cursor move, 80x24 (a move that scrolls the list)",
        text,
        "≤ 300",
        None,
        0.0,
        Some(max <= 300),
    );
}
