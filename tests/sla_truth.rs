//! One SLA truth through the real binary: every command reports the same
//! state and due time for a clock (issue cases: a breach that is then paused,
//! a pause after the due time, priority changes, a calendar change, the pause
//! ledger, and what `sla report`'s met % divides by).

mod common;

use common::cli::{run, Env, Run};
use serde_json::{json, Value};

/// Runs `pimdesk ARGS` with the clock frozen at `now`.
fn at(env: &Env, now: &str, args: &[&str]) -> Run {
    let mut c = env.command(args);
    c.env("PIMDESK_NOW", now);
    run(c)
}

fn at_with(env: &Env, config: &std::path::Path, now: &str, args: &[&str]) -> Run {
    let mut c = env.command_with(&env.db, config, args);
    c.env("PIMDESK_NOW", now);
    run(c)
}

fn show(env: &Env, now: &str, id: i64) -> Value {
    let r = at(env, now, &["ticket", "show", &id.to_string(), "--json"]);
    r.expect_code(0);
    serde_json::from_str(&r.stdout).expect("ticket show --json")
}

fn list(env: &Env, now: &str) -> Vec<Value> {
    let r = at(env, now, &["ticket", "list", "--json"]);
    r.expect_code(0);
    serde_json::from_str(&r.stdout).expect("ticket list --json")
}

fn listed(env: &Env, now: &str, id: i64) -> Value {
    list(env, now)
        .into_iter()
        .find(|t| t["id"] == id)
        .unwrap_or_else(|| panic!("#{id} not in ticket list"))
}

/// Imports one company and `tickets` at `now`; returns nothing, panics on refusal.
fn import(env: &Env, now: &str, tickets: Value) {
    let doc = json!({
        "companies": [{"key": "acme", "name": "Acme Family Dental", "industry": "healthcare"}],
        "tickets": tickets,
    });
    let file = env.write("import.json", &doc.to_string());
    at(env, now, &["import", file.to_str().expect("utf-8 path")]).expect_code(0);
}

fn ticket(key: &str, priority: u8, status: &str, opened: &str) -> Value {
    json!({"key": key, "company": "acme", "summary": format!("ticket {key}"), "priority": priority,
           "status": status, "board": "Service Desk", "source": "phone", "opened": opened})
}

/// The id of the ticket whose summary is `ticket KEY`.
fn id_of(env: &Env, now: &str, key: &str) -> i64 {
    let want = format!("ticket {key}");
    list(env, now)
        .into_iter()
        .find(|t| t["summary"] == want.as_str())
        .and_then(|t| t["id"].as_i64())
        .unwrap_or_else(|| panic!("no ticket {key}"))
}

const TUE: &str = "2026-11-17";

fn tue(hm: &str) -> String {
    format!("{TUE}T{hm}:00-05:00")
}

#[test]
fn a_breach_that_is_then_paused_is_breached_everywhere_and_paged() {
    let env = Env::new();
    // P3 opened 09:00, never answered, Waiting on Client from 10:30: due 10:00.
    import(
        &env,
        &tue("10:30"),
        json!([ticket("late", 3, "Waiting on Client", &tue("09:00"))]),
    );
    let id = id_of(&env, &tue("11:00"), "late");
    let now = tue("11:00");
    let shown = show(&env, &now, id);
    assert_eq!(shown["response_due"], tue("10:00"));
    assert_eq!(shown["sla_state"], "breached", "{shown}");
    assert_eq!(listed(&env, &now, id)["sla_state"], "breached");
    let text = at(&env, &now, &["ticket", "show", &id.to_string()]);
    assert!(text.stdout.contains("SLA breached, paused"), "{text}");
    let check = at(&env, &now, &["sla", "check"]);
    check.expect_code(1);
    assert!(
        check.stdout.contains(&format!("#{id} P3 BREACH")),
        "sla check pages the breach:\n{check}"
    );
}

#[test]
fn a_pause_after_the_due_time_moves_nothing_and_reads_the_same_everywhere() {
    let env = Env::new();
    import(
        &env,
        &tue("10:30"),
        json!([ticket("late", 3, "Waiting on Client", &tue("09:00"))]),
    );
    let id = id_of(&env, &tue("10:40"), "late");
    // The client answers at 11:30: the ticket goes back to In Progress.
    at(
        &env,
        &tue("11:30"),
        &["ticket", "update", &id.to_string(), "--status", "In Progress"],
    )
    .expect_code(0);
    let now = tue("11:45");
    let shown = show(&env, &now, id);
    assert_eq!(shown["response_due"], tue("10:00"), "the pause moved nothing");
    assert_eq!(shown["sla_state"], "breached");
    assert_eq!(
        shown["pauses"],
        json!([{"start": tue("10:30"), "end": tue("11:30"), "moved_minutes": 0}])
    );
    assert_eq!(listed(&env, &now, id)["sla_state"], "breached");
    let check = at(&env, &now, &["sla", "check"]);
    check.expect_code(1);
    assert!(check.stdout.contains(&format!("#{id} P3 BREACH")), "{check}");
}

#[test]
fn a_pause_before_the_due_time_holds_the_clock_and_moves_the_deadline() {
    let env = Env::new();
    // Waiting on Client from 09:30, before the 10:00 due time.
    import(
        &env,
        &tue("09:30"),
        json!([ticket("held", 3, "Waiting on Client", &tue("09:00"))]),
    );
    let id = id_of(&env, &tue("11:00"), "held");
    let shown = show(&env, &tue("11:00"), id);
    assert_eq!(shown["sla_state"], "paused");
    assert_eq!(shown["pauses"][0]["end"], Value::Null);
    assert_eq!(shown["pauses"][0]["moved_minutes"], 90, "moved so far: 09:30 to 11:00");
    at(&env, &tue("11:00"), &["sla", "check"]).expect_code(0);
    // Resumed at 11:30: two business hours paused move the due time to 12:00.
    at(
        &env,
        &tue("11:30"),
        &["ticket", "update", &id.to_string(), "--status", "In Progress"],
    )
    .expect_code(0);
    let shown = show(&env, &tue("11:40"), id);
    assert_eq!(shown["response_due"], tue("12:00"));
    assert_eq!(shown["sla_state"], "warning");
    assert_eq!(shown["pauses"][0]["moved_minutes"], 120);
    let text = at(&env, &tue("11:40"), &["ticket", "show", &id.to_string()]);
    assert!(text.stdout.contains("moved the deadline 120 min"), "{text}");
    let check = at(&env, &tue("11:40"), &["sla", "check"]);
    check.expect_code(1);
    assert!(check.stdout.contains(&format!("#{id} P3 WARNING")), "{check}");
}

#[test]
fn a_met_response_stays_met_when_the_priority_changes_later() {
    let env = Env::new();
    // P3 opened Friday 16:30: due Monday 08:30 on contractual hours.
    let fri = |hm: &str| format!("2026-11-20T{hm}:00-05:00");
    import(&env, &fri("16:00"), json!([]));
    let new = at(
        &env,
        &fri("16:30"),
        &[
            "ticket",
            "new",
            "--company",
            "Acme Family Dental",
            "--summary",
            "Server room hot",
            "--priority",
            "3",
        ],
    );
    new.expect_code(0);
    let id: i64 = new.stdout.trim().trim_start_matches('#').parse().expect("new id");
    // Answered at 18:00 (met on the P3 clock), then raised to P1 at 18:10: a P1
    // clock would have been due at 17:30, but the response stays met.
    at(
        &env,
        &fri("18:00"),
        &["ticket", "note", &id.to_string(), "--text", "On it"],
    )
    .expect_code(0);
    at(
        &env,
        &fri("18:10"),
        &["ticket", "update", &id.to_string(), "--priority", "1"],
    )
    .expect_code(0);
    let shown = show(&env, &fri("18:20"), id);
    assert_eq!(shown["priority"], 1);
    assert_eq!(shown["sla_state"], "met", "{shown}");
    assert_eq!(shown["response_due"], "2026-11-23T08:30:00-05:00");
    let report = at(&env, &fri("18:20"), &["sla", "report", "--json"]);
    let v: Value = serde_json::from_str(&report.stdout).expect("report json");
    let p3 = &v["priorities"][2];
    assert!(p3["met"].as_i64().unwrap_or(0) >= 1, "counted on the P3 clock: {p3}");

    // Before the first response a priority change recomputes from the opening.
    let second = at(
        &env,
        &fri("16:30"),
        &[
            "ticket",
            "new",
            "--company",
            "Acme Family Dental",
            "--summary",
            "Printer",
            "--priority",
            "3",
        ],
    );
    let id2: i64 = second.stdout.trim().trim_start_matches('#').parse().expect("new id");
    at(
        &env,
        &fri("16:40"),
        &["ticket", "update", &id2.to_string(), "--priority", "1"],
    )
    .expect_code(0);
    let shown = show(&env, &fri("16:45"), id2);
    assert_eq!(
        shown["response_due"],
        fri("17:30"),
        "P1: 60 minutes around the clock from 16:30"
    );
    assert_eq!(shown["sla_state"], "warning", "P1 warns after one minute");
}

#[test]
fn a_calendar_change_moves_the_stored_due_times_with_it() {
    let env = Env::new();
    // P3 opened Tuesday 16:30: due Wednesday 08:30.
    import(&env, &tue("16:30"), json!([ticket("eve", 3, "New", &tue("16:30"))]));
    let id = id_of(&env, &tue("16:40"), "eve");
    assert_eq!(
        show(&env, &tue("16:40"), id)["response_due"],
        "2026-11-18T08:30:00-05:00"
    );
    // Wednesday becomes a holiday: due Thursday 08:30, and every command says so.
    let holiday = env.write("holiday.toml", "[calendar]\nholidays = [\"2026-11-18\"]\n");
    let wed_noon = "2026-11-18T12:00:00-05:00";
    let r = at_with(&env, &holiday, wed_noon, &["ticket", "show", &id.to_string(), "--json"]);
    r.expect_code(0);
    let shown: Value = serde_json::from_str(&r.stdout).expect("json");
    assert_eq!(shown["response_due"], "2026-11-19T08:30:00-05:00");
    assert_eq!(shown["sla_state"], "warning", "not breached on the holiday");
    let check = at_with(&env, &holiday, wed_noon, &["sla", "check"]);
    check.expect_code(1);
    assert!(
        check
            .stdout
            .contains(&format!("#{id} P3 WARNING due 2026-11-19T08:30:00-05:00")),
        "{check}"
    );
    // With the default calendar again the store follows back: breached at noon.
    let shown = show(&env, wed_noon, id);
    assert_eq!(shown["response_due"], "2026-11-18T08:30:00-05:00");
    assert_eq!(shown["sla_state"], "breached");
    let check = at(&env, wed_noon, &["sla", "check"]);
    assert!(
        check
            .stdout
            .contains(&format!("#{id} P3 BREACH due 2026-11-18T08:30:00-05:00")),
        "{check}"
    );
    let r = at(&env, wed_noon, &["sla", "recompute"]);
    r.expect_code(0);
    assert!(
        r.stdout.contains("recomputed the deadlines of 1 tickets (0 changed)"),
        "{r}"
    );
}

#[test]
fn sla_report_met_percent_divides_by_met_and_breached_and_counts_open_apart() {
    let env = Env::new();
    import(
        &env,
        &tue("12:00"),
        json!([
            // met: answered at 09:20, due 10:00
            {"key": "met", "company": "acme", "summary": "met", "priority": 3, "status": "In Progress", "board": "Service Desk",
             "source": "phone", "opened": tue("09:00"), "first_response": tue("09:20")},
            // breached: answered at 10:30
            {"key": "late", "company": "acme", "summary": "late", "priority": 3, "status": "In Progress", "board": "Service Desk",
             "source": "phone", "opened": tue("09:00"), "first_response": tue("10:30")},
            // open and running: opened 11:50, due 12:50
            ticket("run", 3, "New", &tue("11:50")),
        ]),
    );
    let r = at(
        &env,
        &tue("12:00"),
        &["sla", "report", "--from", TUE, "--to", TUE, "--json"],
    );
    r.expect_code(0);
    let v: Value = serde_json::from_str(&r.stdout).expect("json");
    let p3 = &v["priorities"][2];
    assert_eq!((p3["tickets"].as_i64(), p3["met"].as_i64()), (Some(3), Some(1)), "{p3}");
    assert_eq!(
        (p3["breached"].as_i64(), p3["open"].as_i64()),
        (Some(1), Some(1)),
        "{p3}"
    );
    assert_eq!(p3["met_percent"], 50, "1 met of 2 decided, the running clock apart");
    assert_eq!(v["met_percent_of"], "met + breached");
    let text = at(&env, &tue("12:00"), &["sla", "report", "--from", TUE, "--to", TUE]);
    assert!(text.stdout.contains("met % = met ÷ (met + breached)"), "{text}");
}
