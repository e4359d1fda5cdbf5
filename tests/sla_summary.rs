//! The 30-day compliance chart reads a summary the database keeps per day
//! (schema 10): whatever the span and whatever was written since, it must
//! say exactly what a scan of every ticket says.

mod common;

use common::cli::Env;
use pimdesk::store::sla::{compliance, Compliance};

const DAY: i64 = 86_400;

/// The chart as a scan of every ticket of the span would give it.
fn scanned(conn: &rusqlite::Connection, from: i64, to: i64, now: i64) -> Vec<Compliance> {
    let mut stmt = conn
        .prepare(
            "SELECT clock_priority, count(*), coalesce(sum(response_met = 1), 0),
                    coalesce(sum(response_met = 0), 0) + coalesce(sum(breach_at <= ?3), 0)
             FROM tickets NOT INDEXED WHERE clock_priority IN (1, 2, 3, 4, 5) AND opened >= ?1 AND opened < ?2 AND response_due IS NOT NULL
             GROUP BY clock_priority ORDER BY clock_priority",
        )
        .unwrap();
    stmt.query_map(rusqlite::params![from, to, now], |r| {
        let (tickets, met, breached): (i64, i64, i64) = (r.get(1)?, r.get(2)?, r.get(3)?);
        Ok(Compliance {
            priority: r.get(0)?,
            tickets,
            met,
            breached,
            open: tickets - met - breached,
        })
    })
    .unwrap()
    .collect::<Result<_, _>>()
    .unwrap()
}

fn check(env: &Env, what: &str) {
    let conn = rusqlite::Connection::open(&env.db).unwrap();
    let now: i64 = conn
        .query_row("SELECT max(opened) FROM tickets", [], |r| r.get::<_, i64>(0))
        .unwrap()
        + 3600;
    // Whole days, part days at either end, under a day, and the whole history.
    for (from, to) in [
        (now - 30 * DAY, i64::MAX),
        (now - 30 * DAY + 1234, now - 2 * DAY - 777),
        (now - 5 * 3600, now),
        (0, i64::MAX),
        ((now / DAY - 10) * DAY, (now / DAY - 3) * DAY),
    ] {
        let got = compliance(&conn, from, to, now).unwrap();
        let want = scanned(&conn, from, to, now);
        assert_eq!(got, want, "{what}: compliance over [{from}, {to})");
        assert!(
            want.iter().any(|c| c.tickets > 0) || to - from < DAY,
            "{what}: an empty span proves nothing"
        );
    }
}

#[test]
fn the_summary_matches_a_scan_after_every_kind_of_write() {
    let env = Env::new();
    env.demo_into(&env.db, 1500, 21);
    check(&env, "after the demo");
    // Responses, new tickets, a priority change (another clock) and a
    // deadline recompute all move the summary.
    let conn = rusqlite::Connection::open(&env.db).unwrap();
    let open: Vec<i64> = conn
        .prepare("SELECT id FROM tickets WHERE status NOT IN ('Resolved', 'Closed') ORDER BY first_response IS NOT NULL, id DESC LIMIT 6")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    drop(conn);
    assert!(open.len() >= 3, "the demo has open tickets");
    env.run(&["ticket", "note", &open[0].to_string(), "--text", "On it"])
        .expect_code(0);
    env.run(&["ticket", "update", &open[1].to_string(), "--priority", "1"])
        .expect_code(0);
    env.run(&["ticket", "update", &open[2].to_string(), "--status", "in_progress"]);
    env.run(&[
        "ticket",
        "new",
        "--company",
        "Acme Family Dental",
        "--summary",
        "Printer offline",
        "--priority",
        "2",
    ])
    .expect_code(0);
    check(&env, "after notes, updates and a new ticket");
    env.run(&["sla", "recompute"]).expect_code(0);
    check(&env, "after sla recompute");
}

#[test]
fn a_store_filled_by_import_has_the_same_summary() {
    let env = Env::new();
    env.demo_into(&env.db, 800, 5);
    let file = env.path("all.json");
    env.run(&["export", file.to_str().unwrap()]).expect_code(0);
    let other = Env::new();
    other.run(&["import", file.to_str().unwrap()]).expect_code(0);
    check(&other, "after an import into a new store");
}
