//! Nothing lost, and mistakes can be put right (DESIGN.md 4, "Timers and
//! corrections"): a timer is a row that outlives the process that started it,
//! a time entry can be corrected or deleted until it is billed, and a payment
//! recorded in error is voided, staying in the history.

mod common;

use common::books::books;
use common::cli::{assert_unchanged, snapshot, Env, Run};
use serde_json::Value;

fn json_of(r: &Run) -> Value {
    serde_json::from_str(&r.stdout).unwrap_or_else(|e| panic!("not JSON ({e}):\n{r}"))
}

/// `args` run at the local time `at` (the tests' calendar is US Eastern).
fn at(env: &Env, at: &str, args: &[&str]) -> Run {
    let mut c = env.command(args);
    c.env("PIMDESK_NOW", at);
    common::cli::run(c)
}

fn time_entries(env: &Env, id: &str) -> Vec<Value> {
    let v = json_of(env.run(&["ticket", "show", id, "--json"]).expect_code(0));
    v["time_entries"].as_array().expect("time_entries").clone()
}

#[test]
fn a_timer_outlives_its_process_and_logs_from_when_it_started() {
    let env = Env::new();
    env.demo_into(&env.db, 30, 1);
    let before = time_entries(&env, "3").len();
    at(&env, "2026-11-25T10:00:00-05:00", &["timer", "start", "3"]).expect_code(0);
    // Another process (the console after `q`, a second SSH session) sees it.
    let list = json_of(at(&env, "2026-11-25T10:47:00-05:00", &["timer", "list", "--json"]).expect_code(0));
    let row = &list.as_array().expect("array")[0];
    assert_eq!(
        (row["ticket"].as_i64(), row["minutes"].as_i64()),
        (Some(3), Some(47)),
        "{list:#}"
    );
    assert_eq!(row["started"], "2026-11-25T10:00:00-05:00");
    assert!(row["login"].as_str().is_some_and(|l| !l.is_empty()));
    // One timer per technician: a second start says where the first runs.
    let second = at(&env, "2026-11-25T10:50:00-05:00", &["timer", "start", "4"]);
    second.expect_code(2);
    assert!(
        second.stderr.contains("#3") && second.stderr.contains("timer stop 3"),
        "{second}"
    );
    let stop = at(
        &env,
        "2026-11-25T10:47:00-05:00",
        &["timer", "stop", "3", "--note", "reset the switch"],
    );
    stop.expect_code(0);
    assert!(stop.stdout.contains("47m"), "{stop}");
    let entries = time_entries(&env, "3");
    assert_eq!(entries.len(), before + 1);
    let e = entries.last().expect("an entry");
    assert_eq!((e["minutes"].as_i64(), e["billable"].as_bool()), (Some(47), Some(true)));
    assert_eq!(
        (e["start"].as_str(), e["note"].as_str()),
        (Some("2026-11-25T10:00:00-05:00"), Some("reset the switch"))
    );
    let gone = json_of(env.run(&["timer", "list", "--json"]).expect_code(0));
    assert_eq!(gone, serde_json::json!([]), "the stopped timer is gone");
    // Stopping again is refused and writes nothing.
    let snap = snapshot(&env.db);
    env.run(&["timer", "stop", "3"]).expect_code(2);
    assert_unchanged(&env.db, &snap, "stopping a timer that is not running");
}

#[test]
fn a_timer_left_running_over_a_day_asks_for_the_real_time() {
    let env = Env::new();
    env.demo_into(&env.db, 30, 1);
    at(&env, "2026-11-20T10:00:00-05:00", &["timer", "start", "5"]).expect_code(0);
    let snap = snapshot(&env.db);
    let r = at(&env, "2026-11-23T09:00:00-05:00", &["timer", "stop", "5"]);
    r.expect_code(2);
    assert!(
        r.stderr.contains("--minutes") && r.stderr.contains("timer discard 5"),
        "{r}"
    );
    assert_unchanged(&env.db, &snap, "a refused stop");
    at(
        &env,
        "2026-11-23T09:00:00-05:00",
        &["timer", "stop", "5", "--minutes", "1h30", "--no-billable"],
    )
    .expect_code(0);
    let e = time_entries(&env, "5").last().cloned().expect("an entry");
    assert_eq!(
        (e["minutes"].as_i64(), e["billable"].as_bool()),
        (Some(90), Some(false))
    );
    at(&env, "2026-11-23T09:00:00-05:00", &["timer", "start", "5"]).expect_code(0);
    let logged = time_entries(&env, "5").len();
    let d = at(&env, "2026-11-23T09:20:00-05:00", &["timer", "discard", "5"]);
    d.expect_code(0);
    assert!(d.stdout.contains("20m"), "{d}");
    assert_eq!(time_entries(&env, "5").len(), logged, "a discarded timer logs nothing");
    assert_eq!(
        json_of(env.run(&["timer", "list", "--json"]).expect_code(0)),
        serde_json::json!([])
    );
}

#[test]
fn a_time_entry_is_corrected_or_deleted_until_it_is_billed() {
    let env = books("finance");
    let entries = time_entries(&env, "1");
    let id = entries[0]["id"].as_i64().expect("entry id").to_string();
    env.run(&[
        "time",
        "edit",
        &id,
        "--minutes",
        "1h30",
        "--note",
        "Replaced driver and toner",
    ])
    .expect_code(0);
    let e = &time_entries(&env, "1")[0];
    assert_eq!(
        (e["minutes"].as_i64(), e["note"].as_str()),
        (Some(90), Some("Replaced driver and toner"))
    );
    let history = json_of(env.run(&["ticket", "show", "1", "--json"]).expect_code(0));
    let audited = history["history"].as_array().expect("history").iter().any(|h| {
        h["old"].as_str().is_some_and(|o| o.starts_with("70 min"))
            && h["new"].as_str().is_some_and(|n| n.starts_with("90 min"))
    });
    assert!(audited, "the correction is in the history: {history:#}");
    let snap = snapshot(&env.db);
    env.run(&["time", "edit", &id]).expect_code(2);
    env.run(&["time", "edit", &id, "--minutes", "1h30"]).expect_code(2);
    assert_unchanged(&env.db, &snap, "a correction that changes nothing");

    // Once an invoice bills the entry it is fixed; the refusal says why.
    env.run(&["invoice", "run", "--as-of", "2026-04-01"]).expect_code(0);
    let snap = snapshot(&env.db);
    let r = env.run(&["time", "delete", &id]);
    r.expect_code(2);
    assert!(r.stderr.contains("billed on INV-"), "{r}");
    env.run(&["time", "edit", &id, "--minutes", "10"]).expect_code(2);
    assert_unchanged(&env.db, &snap, "changing a billed entry");

    // The other company's entry is billed too; void its invoice and it can go.
    let other = time_entries(&env, "2")[0]["id"].as_i64().expect("id").to_string();
    let list = json_of(env.run(&["invoice", "list", "--json"]).expect_code(0));
    let walk_in = list
        .as_array()
        .expect("invoices")
        .iter()
        .find(|i| i["company"] == "Walk-in Accounting")
        .and_then(|i| i["number"].as_str())
        .expect("walk-in invoice")
        .to_string();
    env.run(&["invoice", "void", &walk_in, "--reason", "wrong client"])
        .expect_code(0);
    env.run(&["time", "delete", &other]).expect_code(0);
    assert!(time_entries(&env, "2").is_empty());
}

#[test]
fn a_payment_recorded_in_error_is_voided_and_the_balance_follows() {
    let env = books("finance");
    env.run(&["invoice", "run", "--as-of", "2026-03-10"]).expect_code(0);
    env.run(&[
        "payment",
        "add",
        "INV-000001",
        "--amount",
        "1000.00",
        "--method",
        "check",
        "--date",
        "2026-03-20",
        "--ref",
        "1042",
    ])
    .expect_code(0);
    let show = |env: &Env| json_of(env.run(&["invoice", "show", "INV-000001", "--json"]).expect_code(0));
    let v = show(&env);
    assert_eq!(v["balance_cents"], 155_161);
    let p = &v["payments"][0];
    assert_eq!(
        (p["amount_cents"].as_i64(), p["void"].as_bool()),
        (Some(100_000), Some(false))
    );
    let pid = p["id"].as_i64().expect("payment id").to_string();
    // A paid invoice cannot be voided; the refusal names the way out.
    let r = env.run(&["invoice", "void", "INV-000001", "--reason", "wrong amount"]);
    r.expect_code(2);
    assert!(r.stderr.contains(&format!("payment void {pid}")), "{r}");

    let snap = snapshot(&env.db);
    env.run(&["payment", "void", &pid, "--reason", ""]).expect_code(2);
    env.run(&["payment", "void", "999", "--reason", "x"]).expect_code(2);
    assert_unchanged(&env.db, &snap, "a refused payment void");
    let r = env.run(&["payment", "void", &pid, "--reason", "check bounced"]);
    r.expect_code(0);
    assert!(r.stdout.contains("$2,551.61"), "{r}");
    let v = show(&env);
    assert_eq!(
        (v["balance_cents"].as_i64(), v["status"].as_str()),
        (Some(255_161), Some("open"))
    );
    let p = &v["payments"][0];
    assert_eq!(
        (p["void"].as_bool(), p["void_reason"].as_str()),
        (Some(true), Some("check bounced"))
    );
    let aging = json_of(
        env.run(&["invoice", "aging", "--as-of", "2026-04-20", "--json"])
            .expect_code(0),
    );
    assert_eq!(
        aging["total_cents"], 255_161,
        "the void payment still counted: {aging:#}"
    );
    env.run(&["payment", "void", &pid, "--reason", "again"]).expect_code(2);
    // Now the invoice itself can be voided.
    env.run(&["invoice", "void", "INV-000001", "--reason", "wrong amount"])
        .expect_code(0);
    let text = env.run(&["invoice", "show", "INV-000001"]);
    assert!(text.expect_code(0).stdout.contains("(void: check bounced)"), "{text}");
}

#[test]
fn a_technician_cannot_void_a_payment() {
    let env = books("technician");
    let snap = snapshot(&env.db);
    let r = env.run(&["payment", "void", "1", "--reason", "x"]);
    r.expect_code(2);
    assert!(
        r.stderr.contains("finance or admin") && r.stderr.contains("tech set-role"),
        "{r}"
    );
    assert_unchanged(&env.db, &snap, "a refused payment void");
}

#[test]
fn a_note_is_corrected_by_its_author_and_the_history_keeps_the_old_text() {
    let env = books("technician");
    env.run(&[
        "ticket",
        "note",
        "1",
        "--text",
        "Called the clinic about the printer",
        "--internal",
    ])
    .expect_code(0);
    let v = json_of(env.run(&["ticket", "show", "1", "--json"]).expect_code(0));
    let note = v["notes"][0]["id"].as_i64().expect("notes carry their id");
    let text = env.run(&["ticket", "show", "1"]);
    assert!(text.stdout.contains(&format!("(note {note})")), "{text}");

    let id = note.to_string();
    env.run(&["note", "edit", &id, "--text", "Called the front desk about the printer"])
        .expect_code(0);
    let v = json_of(env.run(&["ticket", "show", "1", "--json"]).expect_code(0));
    assert_eq!(v["notes"][0]["body"], "Called the front desk about the printer");
    assert_eq!(v["notes"].as_array().unwrap().len(), 1, "corrected, not added");
    let history = v["history"].to_string();
    assert!(
        history.contains("Called the clinic about the printer"),
        "old text kept: {history}"
    );
    // Search follows the correction.
    let found = env.run(&["ticket", "list", "--search", "front desk"]);
    assert!(found.expect_code(0).stdout.contains("#1"), "{found}");
    let gone = env.run(&["ticket", "list", "--search", "clinic"]);
    assert!(!gone.expect_code(0).stdout.contains("#1 "), "{gone}");

    // The same text again, an empty text and a missing note are refused.
    let snap = snapshot(&env.db);
    let same = env.run(&["note", "edit", &id, "--text", "Called the front desk about the printer"]);
    assert!(same.expect_code(2).stderr.contains("already says that"), "{same}");
    env.run(&["note", "edit", &id, "--text", "   "]).expect_code(2);
    let missing = env.run(&["note", "edit", "999", "--text", "x"]);
    assert!(missing.expect_code(2).stderr.contains("no note 999"), "{missing}");
    assert_unchanged(&env.db, &snap, "refused corrections");

    // A colleague's note is theirs to correct.
    let conn = rusqlite::Connection::open(&env.db).unwrap();
    conn.execute(
        "UPDATE notes SET author_id = (SELECT id FROM technicians WHERE login = 'jtate-billing-test') WHERE id = ?1",
        [note],
    )
    .unwrap();
    drop(conn);
    let snap_after = snapshot(&env.db);
    let theirs = env.run(&["note", "edit", &id, "--text", "Mine now"]);
    assert!(
        theirs.expect_code(2).stderr.contains("written by jtate-billing-test"),
        "{theirs}"
    );
    assert_unchanged(&env.db, &snap_after, "a refused correction");
}
