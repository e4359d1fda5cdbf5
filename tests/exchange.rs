//! The exchange format (DESIGN.md 5): refused imports name the file, the
//! record and the field, exit 2 and write nothing; exports round-trip byte
//! for byte; demo data is deterministic.

mod common;

use serde_json::{json, Value};

use common::cli::{assert_unchanged, example_doc, schema_facts, seed_doc, snapshot, Env};

/// A store that already holds data (the seed document).
fn seeded() -> Env {
    let env = Env::new();
    let seed = env.write("seed.json", &serde_json::to_string_pretty(&seed_doc()).expect("json"));
    env.run(&["import", seed.to_str().expect("utf-8")]).expect_code(0);
    env
}

/// Imports `text` into a seeded store: exit 2, the message names the file and
/// contains every one of `needles`, and the store (bytes and export) is unchanged.
#[track_caller]
fn assert_import_refused(text: &str, needles: &[&str]) {
    let env = seeded();
    let before = snapshot(&env.db);
    let export_before = env.export_bytes(&env.db);
    let file = env.write("broken.json", text);
    let r = env.run(&["import", file.to_str().expect("utf-8")]);
    r.expect_code(2).expect_no_panic();
    assert!(
        r.stderr.contains(&file.display().to_string()),
        "the message does not name the file {}:\n{r}",
        file.display()
    );
    for n in needles {
        assert!(r.stderr.contains(n), "the message does not contain {n:?}:\n{r}");
    }
    assert!(!r.stdout.contains("imported"), "claims to have imported:\n{r}");
    assert_unchanged(&env.db, &before, "refused import");
    assert!(
        env.export_bytes(&env.db) == export_before,
        "the refused import changed the store's export"
    );
}

/// The example document with one change made by `f`.
fn broken(f: impl FnOnce(&mut Value)) -> String {
    let mut doc = example_doc();
    f(&mut doc);
    serde_json::to_string_pretty(&doc).expect("json")
}

#[test]
fn example_document_imports() {
    let env = seeded();
    let file = env.write(
        "example.json",
        &serde_json::to_string_pretty(&example_doc()).expect("json"),
    );
    let r = env.run(&["import", file.to_str().expect("utf-8")]);
    r.expect_code(0).expect_no_panic();
    let exported: Value = serde_json::from_slice(&env.export_bytes(&env.db)).expect("json");
    let names: Vec<&str> = exported["companies"]
        .as_array()
        .expect("companies")
        .iter()
        .filter_map(|c| c["name"].as_str())
        .collect();
    assert!(names.contains(&"Acme Family Dental") && names.contains(&"Preexisting Accounting LLC"));
    let t1 = exported["tickets"]
        .as_array()
        .expect("tickets")
        .iter()
        .find(|t| t["key"] == "t1")
        .expect("ticket t1 exported under its key");
    assert_eq!(t1["company"], "acme");
    assert_eq!(t1["assignee"], "jt");
    assert_eq!(t1["priority"], 3);
    assert_eq!(t1["status"], "Resolved");
    let opened = chrono::DateTime::parse_from_rfc3339(t1["opened"].as_str().expect("opened")).expect("rfc3339");
    assert_eq!(
        opened,
        chrono::DateTime::parse_from_rfc3339("2026-03-12T09:05:00-05:00").expect("rfc3339")
    );
    assert_eq!(exported["time_entries"].as_array().map(Vec::len), Some(1));
}

#[test]
fn unknown_field_is_refused_naming_the_record() {
    assert_import_refused(
        &broken(|d| d["tickets"][0]["colour"] = json!("red")),
        &["tickets[0] (key \"t1\")", "colour"],
    );
}

#[test]
fn unknown_top_level_section_is_refused() {
    assert_import_refused(&broken(|d| d["invoices"] = json!([])), &["invoices"]);
}

#[test]
fn dangling_company_key_is_refused() {
    assert_import_refused(
        &broken(|d| d["tickets"][0]["company"] = json!("globex")),
        &["tickets[0] (key \"t1\")", "company", "globex"],
    );
}

#[test]
fn dangling_ticket_key_in_a_time_entry_is_refused() {
    // Everything before it is valid and already inserted inside the
    // transaction: the whole import must still be rolled back.
    assert_import_refused(
        &broken(|d| d["time_entries"][0]["ticket"] = json!("t9")),
        &["time_entries[0]", "ticket", "t9"],
    );
}

#[test]
fn dangling_assignee_is_refused() {
    assert_import_refused(
        &broken(|d| d["tickets"][0]["assignee"] = json!("nobody")),
        &["tickets[0] (key \"t1\")", "assignee", "nobody"],
    );
}

#[test]
fn impossible_date_is_refused() {
    assert_import_refused(
        &broken(|d| d["agreements"][0]["executed"] = json!("2026-02-30")),
        &["agreements[0] (key \"a1\")", "executed", "2026-02-30"],
    );
}

#[test]
fn bad_time_is_refused() {
    assert_import_refused(
        &broken(|d| d["tickets"][0]["opened"] = json!("2026-03-12 09:05")),
        &["tickets[0] (key \"t1\")", "opened"],
    );
}

#[test]
fn negative_money_is_refused() {
    assert_import_refused(
        &broken(|d| d["agreements"][0]["monthly_cents"] = json!(-120000)),
        &["agreements[0] (key \"a1\")", "monthly_cents"],
    );
}

#[test]
fn priority_out_of_range_is_refused() {
    for p in [7, 0, -1] {
        assert_import_refused(
            &broken(|d| d["tickets"][0]["priority"] = json!(p)),
            &["tickets[0] (key \"t1\")", "priority"],
        );
    }
}

#[test]
fn bad_status_is_refused() {
    assert_import_refused(
        &broken(|d| d["tickets"][0]["status"] = json!("Done")),
        &["tickets[0] (key \"t1\")", "status", "Done"],
    );
}

#[test]
fn duplicate_key_in_file_is_refused() {
    assert_import_refused(
        &broken(|d| {
            let mut second = d["tickets"][0].clone();
            second["summary"] = json!("Second ticket, same key");
            d["tickets"].as_array_mut().expect("tickets").push(second);
        }),
        &["tickets[1] (key \"t1\")", "key"],
    );
}

#[test]
fn key_already_in_the_store_is_refused() {
    // The seeded store already holds company "pre".
    assert_import_refused(
        &serde_json::to_string_pretty(&seed_doc()).expect("json"),
        &["companies[0] (key \"pre\")", "key"],
    );
}

#[test]
fn p5_without_scheduled_time_is_refused() {
    assert_import_refused(
        &broken(|d| {
            d["tickets"][0]["priority"] = json!(5);
            d["tickets"][0]["scheduled"] = Value::Null;
        }),
        &["tickets[0] (key \"t1\")", "scheduled"],
    );
}

#[test]
fn p5_with_scheduled_time_imports() {
    let env = seeded();
    let text = broken(|d| {
        d["tickets"][0]["priority"] = json!(5);
        d["tickets"][0]["scheduled"] = json!("2026-03-13T10:00:00-05:00");
    });
    let file = env.write("p5.json", &text);
    env.run(&["import", file.to_str().expect("utf-8")]).expect_code(0);
}

#[test]
fn invalid_json_names_line_and_column() {
    let good = serde_json::to_string_pretty(&example_doc()).expect("json");
    let mut lines: Vec<String> = good.lines().map(str::to_string).collect();
    let at = lines
        .iter()
        .position(|l| l.contains("\"priority\": 3"))
        .expect("priority line");
    lines[at] = lines[at].replace("\"priority\": 3", "\"priority\": three");
    let text = lines.join("\n");
    assert_import_refused(&text, &[&format!("line {}", at + 1), "column"]);
}

#[test]
fn truncated_json_is_refused() {
    let good = serde_json::to_string_pretty(&example_doc()).expect("json");
    assert_import_refused(&good[..good.len() / 2], &["line", "column"]);
}

#[test]
fn missing_import_file_is_refused() {
    let env = seeded();
    let before = snapshot(&env.db);
    let missing = env.path("nowhere.json");
    let r = env.run(&["import", missing.to_str().expect("utf-8")]);
    r.expect_code(2).expect_no_panic();
    assert!(
        r.stderr.contains(&missing.display().to_string()),
        "names the file:\n{r}"
    );
    assert_unchanged(&env.db, &before, "import of a missing file");
}

#[test]
fn refused_import_into_a_missing_store_creates_nothing() {
    // "Nothing is written when a command fails": a bad file must not leave a
    // new, empty store behind.
    let env = Env::new();
    let file = env.write("broken.json", &broken(|d| d["tickets"][0]["priority"] = json!(7)));
    let r = env.run(&["import", file.to_str().expect("utf-8")]);
    r.expect_code(2).expect_no_panic();
    assert!(
        !env.db.exists(),
        "a refused import created the store {}",
        env.db.display()
    );
}

// ---- round trip and determinism ----

#[test]
fn export_import_export_is_byte_identical() {
    let env = Env::new();
    let a = env.path("a.db");
    let b = env.path("b.db");
    env.demo_into(&a, 300, 7);
    let a_json = env.export_bytes(&a);
    let a_file = env.path("a.json");
    std::fs::write(&a_file, &a_json).expect("write a.json");

    let r = env.run_with(&b, &env.config, &["import", a_file.to_str().expect("utf-8")]);
    r.expect_code(0).expect_no_panic();
    assert_eq!(schema_facts(&b), (pimdesk::store::migrate::CURRENT, 1));
    let b_json = env.export_bytes(&b);
    if a_json != b_json {
        let (a_text, b_text) = (String::from_utf8_lossy(&a_json), String::from_utf8_lossy(&b_json));
        let first = a_text
            .lines()
            .zip(b_text.lines())
            .enumerate()
            .find(|(_, (x, y))| x != y)
            .map(|(i, (x, y))| format!("line {}:\n  a: {x}\n  b: {y}", i + 1))
            .unwrap_or_else(|| format!("lengths {} vs {}", a_json.len(), b_json.len()));
        panic!("export → import → export differs; first difference at {first}");
    }
    let doc: Value = serde_json::from_slice(&a_json).expect("export is JSON");
    assert_eq!(doc["tickets"].as_array().map(Vec::len), Some(300));
    for section in [
        "companies",
        "contacts",
        "technicians",
        "agreements",
        "time_entries",
        "notes",
    ] {
        assert!(
            doc[section].as_array().is_some_and(|v| !v.is_empty()),
            "demo export has no {section}"
        );
    }
    env.run_with(&b, &env.config, &["doctor"]).expect_code(0);
}

#[test]
fn example_document_round_trips() {
    let env = Env::new();
    let first = env.path("first.db");
    let second = env.path("second.db");
    let file = env.write(
        "example.json",
        &serde_json::to_string_pretty(&example_doc()).expect("json"),
    );
    env.run_with(&first, &env.config, &["import", file.to_str().expect("utf-8")])
        .expect_code(0);
    let one = env.export_bytes(&first);
    let one_file = env.path("one.json");
    std::fs::write(&one_file, &one).expect("write");
    env.run_with(&second, &env.config, &["import", one_file.to_str().expect("utf-8")])
        .expect_code(0);
    assert!(
        env.export_bytes(&second) == one,
        "the example document does not round-trip"
    );
}

#[test]
fn demo_is_deterministic_for_a_seed() {
    let env = Env::new();
    let (x, y, z) = (env.path("x.db"), env.path("y.db"), env.path("z.db"));
    env.demo_into(&x, 120, 42);
    env.demo_into(&y, 120, 42);
    env.demo_into(&z, 120, 43);
    let (ex, ey, ez) = (env.export_bytes(&x), env.export_bytes(&y), env.export_bytes(&z));
    assert!(ex == ey, "the same seed and PIMDESK_NOW gave different demo data");
    assert!(ex != ez, "different seeds gave the same demo data");
}

#[test]
fn demo_refuses_a_store_with_data() {
    let env = seeded();
    let before = snapshot(&env.db);
    let r = env.run(&["demo", "--tickets", "10"]);
    r.expect_code(2).expect_no_panic();
    assert_unchanged(&env.db, &before, "demo into a store with data");
}

/// The agreement of the example document with `changes` applied.
fn agreement_with(changes: &[(&str, Value)]) -> String {
    broken(|d| {
        for (k, v) in changes {
            d["agreements"][0][*k] = v.clone();
        }
    })
}

/// The ticket of the example document with `changes` applied.
fn ticket_with(changes: &[(&str, Value)]) -> String {
    broken(|d| {
        for (k, v) in changes {
            d["tickets"][0][*k] = v.clone();
        }
    })
}

#[test]
fn a_project_completed_before_its_execution_is_refused() {
    let vm = agreement_with(&[("product", json!("VM")), ("project_completed", json!("2026-01-05"))]);
    assert_import_refused(
        &vm,
        &[
            "agreements[0] (key \"a1\")",
            "field `project_completed`",
            "project completed before the agreement was executed",
        ],
    );
}

#[test]
fn a_project_completion_on_a_product_that_is_not_a_project_is_refused() {
    for product in ["SMS", "FITS", "PREPAID_LABOR"] {
        let a = agreement_with(&[("product", json!(product)), ("project_completed", json!("2026-04-01"))]);
        let says = format!("{product} is not delivered as a project");
        assert_import_refused(&a, &["agreements[0] (key \"a1\")", "field `project_completed`", &says]);
    }
}

#[test]
fn prepaid_hours_on_a_product_other_than_prepaid_labor_are_refused() {
    let a = agreement_with(&[("prepaid_hours_per_month", json!(3))]);
    assert_import_refused(
        &a,
        &[
            "agreements[0] (key \"a1\")",
            "field `prepaid_hours_per_month`",
            "SMS carries no prepaid hours",
        ],
    );
}

#[test]
fn a_resolved_or_closed_ticket_without_its_resolved_time_is_refused() {
    for status in ["Resolved", "Closed"] {
        let t = ticket_with(&[("status", json!(status)), ("resolved", Value::Null)]);
        let says = format!("a {status} ticket needs the time it was resolved");
        assert_import_refused(&t, &["tickets[0] (key \"t1\")", "field `resolved`", &says]);
    }
}

#[test]
fn a_new_ticket_with_a_response_or_resolution_is_refused() {
    let answered = ticket_with(&[("status", json!("New")), ("resolved", Value::Null)]);
    assert_import_refused(
        &answered,
        &[
            "tickets[0] (key \"t1\")",
            "field `first_response`",
            "a New ticket has no first response",
        ],
    );
    let resolved = ticket_with(&[("status", json!("New")), ("first_response", Value::Null)]);
    assert_import_refused(
        &resolved,
        &[
            "tickets[0] (key \"t1\")",
            "field `resolved`",
            "a New ticket has no resolved time",
        ],
    );
}

#[test]
fn a_response_or_resolution_before_opening_is_refused() {
    let early = json!("2026-03-12T09:00:00-05:00");
    let answered = ticket_with(&[("first_response", early.clone())]);
    assert_import_refused(
        &answered,
        &[
            "tickets[0] (key \"t1\")",
            "field `first_response`",
            "before the ticket was opened",
        ],
    );
    let resolved = ticket_with(&[("first_response", Value::Null), ("resolved", early)]);
    assert_import_refused(
        &resolved,
        &[
            "tickets[0] (key \"t1\")",
            "field `resolved`",
            "before the ticket was opened",
        ],
    );
}

#[test]
fn the_command_line_refuses_moving_an_answered_ticket_back_to_new_as_the_import_does() {
    let env = seeded();
    env.run(&["ticket", "update", "1", "--status", "In Progress"])
        .expect_code(0);
    let before = snapshot(&env.db);
    let r = env.run(&["ticket", "update", "1", "--status", "New"]);
    r.expect_code(2).expect_no_panic();
    assert!(r.stderr.contains("a New ticket has no first response"), "{r}");
    assert_unchanged(&env.db, &before, "refused status move");
}
