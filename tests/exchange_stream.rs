//! Import reads its file as a stream: a demo store's export comes back byte
//! for byte and searches the same, whatever the order of the file's
//! sections; a refusal late in a file leaves the store as it was (and no
//! store where there was none); a key given twice is refused as before; and
//! the progress bar is only for a terminal.

mod common;

use serde_json::Value;

use common::cli::{assert_unchanged, seed_doc, snapshot, Env};

/// A demo store of `tickets` tickets at `a.db`, and its export.
fn demo_export(env: &Env, tickets: u64) -> Vec<u8> {
    let a = env.path("a.db");
    env.demo_into(&a, tickets, 11);
    env.export_bytes(&a)
}

/// Imports `text` into a new store `name` and returns its export.
fn import_new(env: &Env, name: &str, text: &[u8]) -> Vec<u8> {
    let file = env.path(&format!("{name}.json"));
    std::fs::write(&file, text).expect("write import file");
    let db = env.path(name);
    let r = env.run_with(&db, &env.config, &["import", file.to_str().expect("utf-8")]);
    r.expect_code(0).expect_no_panic();
    env.export_bytes(&db)
}

/// The same document with its sections written in `order`.
fn reorder(export: &[u8], order: &[&str]) -> Vec<u8> {
    let doc: Value = serde_json::from_slice(export).expect("export is JSON");
    let members: Vec<String> = order
        .iter()
        .map(|s| format!("{:?}: {}", s, serde_json::to_string(&doc[*s]).expect("json")))
        .collect();
    format!("{{{}}}", members.join(",\n")).into_bytes()
}

#[track_caller]
fn assert_same_export(want: &[u8], got: &[u8], what: &str) {
    if want != got {
        let (a, b) = (String::from_utf8_lossy(want), String::from_utf8_lossy(got));
        let first = a
            .lines()
            .zip(b.lines())
            .enumerate()
            .find(|(_, (x, y))| x != y)
            .map(|(i, (x, y))| format!("line {}:\n  want: {x}\n  got:  {y}", i + 1))
            .unwrap_or_else(|| format!("lengths {} vs {}", want.len(), got.len()));
        panic!("{what}: the export differs; first difference at {first}");
    }
}

#[test]
fn a_demo_store_round_trips_byte_for_byte_and_searches_the_same() {
    let env = Env::new();
    let a_json = demo_export(&env, 2000);
    let b_json = import_new(&env, "b.db", &a_json);
    assert_same_export(&a_json, &b_json, "export → import → export");
    let doc: Value = serde_json::from_slice(&a_json).expect("json");
    assert_eq!(doc["tickets"].as_array().map(Vec::len), Some(2000));
    assert!(
        doc["notes"].as_array().is_some_and(|n| !n.is_empty()),
        "the demo has notes"
    );
    // The full-text index holds the same words: the same tickets match.
    for words in ["printer", "password reset", "vpn", "pr", "backup"] {
        let search = |db: &str| {
            let r = env.run_with(
                &env.path(db),
                &env.config,
                &["ticket", "list", "--search", words, "--json", "--limit", "500"],
            );
            r.expect_code(0);
            r.stdout.clone()
        };
        let (a, b) = (search("a.db"), search("b.db"));
        assert!(
            a.contains("\"id\""),
            "search {words:?} finds nothing in the demo store:\n{a}"
        );
        assert_eq!(a, b, "search {words:?} differs after the round trip");
    }
    env.run_with(&env.path("b.db"), &env.config, &["doctor"]).expect_code(0);
}

#[test]
fn sections_in_any_order_import_the_same() {
    let env = Env::new();
    let a_json = demo_export(&env, 300);
    let orders: [&[&str]; 2] = [
        &[
            "notes",
            "time_entries",
            "tickets",
            "agreements",
            "technicians",
            "contacts",
            "companies",
        ],
        &[
            "tickets",
            "companies",
            "time_entries",
            "contacts",
            "notes",
            "technicians",
            "agreements",
        ],
    ];
    for (i, order) in orders.iter().enumerate() {
        let got = import_new(&env, &format!("order{i}.db"), &reorder(&a_json, order));
        assert_same_export(&a_json, &got, &format!("sections in the order {order:?}"));
    }
}

/// The demo export with its last time entry pointing at a ticket that does not exist.
fn broken_at_the_end(export: &[u8]) -> (Vec<u8>, usize) {
    let mut doc: Value = serde_json::from_slice(export).expect("json");
    let entries = doc["time_entries"].as_array_mut().expect("time entries");
    let last = entries.len() - 1;
    entries[last]["ticket"] = Value::from("no-such-ticket");
    let order = [
        "companies",
        "contacts",
        "technicians",
        "agreements",
        "tickets",
        "notes",
        "time_entries",
    ];
    (reorder(&serde_json::to_vec(&doc).expect("json"), &order), last)
}

#[test]
fn a_refusal_late_in_the_file_leaves_the_store_and_makes_none() {
    let env = Env::new();
    let (text, last) = broken_at_the_end(&demo_export(&env, 300));
    let file = env.path("late.json");
    std::fs::write(&file, &text).expect("write");
    let record = format!("time_entries[{last}]");

    // An existing store: exactly as it was.
    let seed = env.write("seed.json", &seed_doc().to_string());
    env.run(&["import", seed.to_str().expect("utf-8")]).expect_code(0);
    let before = snapshot(&env.db);
    let export_before = env.export_bytes(&env.db);
    let r = env.run(&["import", file.to_str().expect("utf-8")]);
    r.expect_code(2).expect_no_panic();
    for needle in [
        file.display().to_string().as_str(),
        &record,
        "field `ticket`",
        "no ticket with key \"no-such-ticket\"",
        "nothing was imported",
    ] {
        assert!(r.stderr.contains(needle), "the refusal does not say {needle:?}:\n{r}");
    }
    assert_unchanged(&env.db, &before, "a refusal late in the file");
    assert!(
        env.export_bytes(&env.db) == export_before,
        "the refused import changed the export"
    );

    // No store: none is left behind, nor any of its side files.
    let fresh = env.path("fresh.db");
    let r = env.run_with(&fresh, &env.config, &["import", file.to_str().expect("utf-8")]);
    r.expect_code(2).expect_no_panic();
    assert!(r.stderr.contains(&record), "{r}");
    let left: Vec<String> = std::fs::read_dir(env.dir.path())
        .expect("dir")
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("fresh.db"))
        .collect();
    assert!(left.is_empty(), "a refused import left {left:?}");
}

#[test]
fn a_key_given_twice_is_refused_as_before() {
    let env = Env::new();
    let mut doc: Value = serde_json::from_slice(&demo_export(&env, 50)).expect("json");
    let tickets = doc["tickets"].as_array_mut().expect("tickets");
    let key = tickets[3]["key"].as_str().expect("key").to_string();
    let mut again = tickets[3].clone();
    again["summary"] = Value::from("Same key again");
    tickets.push(again);
    let at = tickets.len() - 1;
    let file = env.write("twice.json", &serde_json::to_string(&doc).expect("json"));
    let fresh = env.path("twice.db");
    let r = env.run_with(&fresh, &env.config, &["import", file.to_str().expect("utf-8")]);
    r.expect_code(2).expect_no_panic();
    let want = format!(
        "import error in {}: tickets[{at}] (key {key:?}), field `key`: key is used twice in this file; nothing was imported",
        file.display()
    );
    assert!(r.stderr.contains(&want), "expected {want:?}:\n{r}");
    assert!(!fresh.exists(), "a refused import left a store");
}

#[test]
fn no_progress_bar_when_stderr_is_not_a_terminal() {
    let env = Env::new();
    let file = env.path("a.json");
    std::fs::write(&file, demo_export(&env, 300)).expect("write");
    let r = env.run_with(
        &env.path("b.db"),
        &env.config,
        &["import", file.to_str().expect("utf-8")],
    );
    r.expect_code(0).expect_no_panic();
    assert!(r.stdout.starts_with("imported "), "{r}");
    assert_eq!(r.stderr, "", "stderr is a pipe: nothing is drawn on it");
}
