//! The after-hours on-call's first minutes: a ticket taken outside
//! contractual hours lands on the After Hours board by the after-hours line;
//! the After hours view lists every 24x7 clock running, whatever its board;
//! and a console started at night opens on what is burning now.

mod common;

use std::sync::Arc;

use common::cli::{run, Env};
use common::pty::{Console, Fixture, TIMEOUT};
use serde_json::Value;

/// Wednesday 23:30 in New York: outside contractual hours.
const NIGHT: &str = "2026-11-25T23:30:00-05:00";
/// Wednesday 10:00: inside them.
const DAY: &str = "2026-11-25T10:00:00-05:00";

fn new_ticket(env: &Env, at: &str, priority: &str) -> i64 {
    let mut c = env.command(&[
        "ticket",
        "new",
        "--company",
        "Preexisting Accounting LLC",
        "--summary",
        "Server down",
        "--priority",
        priority,
    ]);
    c.env("PIMDESK_NOW", at);
    let r = run(c);
    r.expect_code(0);
    r.stdout.trim().parse().expect("the new ticket's id")
}

fn show(env: &Env, id: i64) -> Value {
    let r = env.run(&["ticket", "show", &id.to_string(), "--json"]);
    r.expect_code(0);
    serde_json::from_str(&r.stdout).expect("json")
}

#[test]
fn a_ticket_taken_at_night_defaults_to_the_after_hours_board_and_line() {
    let env = Env::new();
    let doc = env.write("seed.json", &common::cli::seed_doc().to_string());
    env.run(&["import", doc.to_str().expect("utf-8")]).expect_code(0);
    let night = show(&env, new_ticket(&env, NIGHT, "1"));
    assert_eq!(
        (night["board"].as_str(), night["source"].as_str()),
        (Some("After Hours"), Some("after-hours line")),
        "{night}"
    );
    let day = show(&env, new_ticket(&env, DAY, "1"));
    assert_eq!(
        (day["board"].as_str(), day["source"].as_str()),
        (Some("Service Desk"), Some("phone")),
        "{day}"
    );
}

#[test]
fn the_after_hours_view_lists_running_24x7_clocks_whatever_the_board() {
    use pimdesk::store::tickets::{page, Anchor, QueueQuery, View};
    let env = Env::new();
    let doc = env.write("seed.json", &common::cli::seed_doc().to_string());
    env.run(&["import", doc.to_str().expect("utf-8")]).expect_code(0);
    // Opened in the day on the Service Desk board: P1 runs 24x7, P3 does not.
    let p1 = new_ticket(&env, DAY, "1");
    let p3 = new_ticket(&env, DAY, "3");
    let conn = pimdesk::store::open(&env.db, &pimdesk::store::OpenOptions::default()).expect("open");
    let config = pimdesk::config::Config::defaults();
    let state = pimdesk::tui::state::AppState::new(&config, "me".into(), "store".into(), chrono::Utc::now());
    let q = QueueQuery {
        view: View::AfterHours,
        ..state.queue.query.clone()
    };
    assert_eq!(
        q.round_the_clock,
        [true, false, false, false, false],
        "the default SLA table runs P1 24x7"
    );
    let ids: Vec<i64> = page(&conn, &q, &Anchor::Start, 100)
        .expect("page")
        .iter()
        .map(|r| r.id)
        .collect();
    assert!(ids.contains(&p1), "the running P1 clock is after-hours work: {ids:?}");
    assert!(
        !ids.contains(&p3),
        "a business-hours clock waits for the morning: {ids:?}"
    );
}

#[test]
fn a_console_started_at_night_opens_on_the_clocks_running_now() {
    let f = Arc::new(Fixture::demo());
    let c = Console::spawn_in(f, &[], &[("PIMDESK_NOW", NIGHT)], 80, 24);
    c.wait_for("Clocks running now", TIMEOUT)
        .expect("the first screen is what is burning now");
    c.wait_for("[AFTER HOURS]", TIMEOUT).expect("the status line says so");
}
