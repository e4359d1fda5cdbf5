//! `sla report` reads stored figures: every writer of a ticket (demo,
//! import, the console's writes, a migration) stamps the same SLA figures,
//! and the report's medians are the contractual minutes to first response
//! on the clock each ticket ran on.

mod common;

use chrono::{DateTime, Utc};
use common::cli::{schema_facts, Env};
use pimdesk::config::Config;
use pimdesk::domain::ticket::Priority;
use pimdesk::store::migrate::CURRENT;
use serde_json::Value;

fn report(env: &Env) -> Value {
    let r = env.run(&["sla", "report", "--from", "2020-01-01", "--json"]);
    r.expect_code(0);
    serde_json::from_str(&r.stdout).expect("sla report --json")
}

/// The medians worked out here from each ticket's opening and first
/// response, on the default calendar (the test's config is empty).
fn medians_from_the_rows(env: &Env) -> Vec<Option<i64>> {
    let config = Config::defaults();
    let (cal, policy) = (config.sla_calendar(), config.sla_policy());
    let conn = rusqlite::Connection::open(&env.db).expect("open");
    let mut stmt = conn
        .prepare("SELECT clock_priority, opened, first_response FROM tickets WHERE first_response IS NOT NULL")
        .expect("prepare");
    let rows: Vec<(u8, i64, i64)> = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .expect("query")
        .collect::<Result<_, _>>()
        .expect("rows");
    let at = |s: i64| DateTime::<Utc>::from_timestamp(s, 0).expect("time");
    (1..=5u8)
        .map(|p| {
            let clock = policy.get(Priority::new(p).expect("priority")).clock;
            let mut m: Vec<i64> = rows
                .iter()
                .filter(|r| r.0 == p)
                .map(|&(_, a, b)| clock.between(&cal, at(a), at(b)).num_minutes())
                .collect();
            m.sort_unstable();
            match m.len() {
                0 => None,
                n if n % 2 == 1 => Some(m[n / 2]),
                n => Some((m[n / 2 - 1] + m[n / 2]) / 2),
            }
        })
        .collect()
}

fn medians_reported(v: &Value) -> Vec<Option<i64>> {
    v["priorities"]
        .as_array()
        .expect("priorities")
        .iter()
        .map(|p| p["median_response_minutes"].as_i64())
        .collect()
}

#[test]
fn the_demo_stamps_what_a_recompute_would() {
    let env = Env::new();
    env.demo_into(&env.db, 400, 11);
    let r = env.run(&["sla", "recompute"]);
    r.expect_code(0);
    assert!(
        r.stdout.contains("(0 changed)"),
        "the demo wrote SLA figures other than the console's:\n{r}"
    );
}

#[test]
fn report_medians_are_contractual_minutes_to_first_response() {
    let env = Env::new();
    env.demo_into(&env.db, 400, 12);
    let v = report(&env);
    let expected = medians_from_the_rows(&env);
    assert!(
        expected.iter().flatten().count() >= 3,
        "too few responses: {expected:?}"
    );
    assert_eq!(medians_reported(&v), expected, "{v}");
}

#[test]
fn an_older_store_gets_its_response_minutes_on_the_first_open() {
    let env = Env::new();
    env.demo_into(&env.db, 300, 13);
    let before = report(&env);
    {
        // Back to schema 6: no sealed notes (13), no search triggers (12), no mail tables (11), no saved views (9), no open-ticket sort indexes (8), no stored
        // minutes and the older compliance index (7).
        let conn = rusqlite::Connection::open(&env.db).expect("open");
        conn.execute_batch(
            &format!("{}\n{}\n{}", common::cli::UNDO_V15, common::cli::UNDO_V14, "DROP TRIGGER search_ticket_insert; DROP TRIGGER search_ticket_update; DROP TRIGGER search_ticket_delete;
         DROP TRIGGER search_note_insert; DROP TRIGGER search_note_update; DROP TRIGGER search_note_delete;
         DROP TABLE note_fts; DROP TABLE search_chunks;
         DROP TABLE mail_attachments; DROP TABLE mail_outbox; DROP TABLE mail_inbound;
         DROP TRIGGER sla_days_insert; DROP TRIGGER sla_days_delete; DROP TRIGGER sla_days_update; DROP TABLE sla_days;
         DROP INDEX tickets_running_clocks; DROP TABLE saved_views; DROP INDEX tickets_open_due; DROP INDEX tickets_open_opened; DROP INDEX tickets_open_status;
             DROP INDEX tickets_open_summary; DROP INDEX tickets_open_company; DROP INDEX tickets_open_assignee;
             DROP INDEX tickets_sla_compliance;
             ALTER TABLE tickets DROP COLUMN response_minutes;
             CREATE INDEX tickets_sla_compliance ON tickets(clock_priority, opened, response_met, breach_at, response_due);
             PRAGMA user_version = 6;"),
        )
        .expect("downgrade");
    }
    // A read-only command on the older store migrates and answers the same.
    assert_eq!(report(&env), before);
    assert_eq!(schema_facts(&env.db).0, CURRENT);
    let r = env.run(&["sla", "recompute"]);
    assert!(r.stdout.contains("(0 changed)"), "{r}");
}

#[test]
fn the_text_report_keeps_its_columns() {
    let env = Env::new();
    env.demo_into(&env.db, 400, 14);
    let r = env.run(&["sla", "report", "--from", "2020-01-01"]);
    r.expect_code(0);
    let lines: Vec<&str> = r.stdout.lines().skip(1).take(6).collect();
    let header = lines[0];
    assert!(header.contains("median (min)"), "{r}");
    for row in &lines[1..] {
        assert!(row.starts_with('P'), "{r}");
        assert_eq!(
            row.chars().count(),
            header.chars().count(),
            "a row is not aligned with the header:\n{r}"
        );
    }
}
