//! The command line as a new user meets it: closed pipes, `--demo` with a
//! command, a path with no store, and the usage gaps a first hour finds.

mod common;

use std::io::Read;
use std::process::Stdio;

use common::cli::{assert_unchanged, snapshot, Env, Run};

fn demo_env() -> Env {
    let env = Env::new();
    env.demo_into(&env.db, 120, 1);
    env
}

/// Runs `args` with stdout a pipe whose reader reads one line and closes it.
fn into_closed_pipe(env: &Env, args: &[&str]) -> (Option<i32>, String) {
    let mut c = env.command(args);
    c.stdout(Stdio::piped()).stderr(Stdio::piped());
    let mut child = c.spawn().expect("spawn pimdesk");
    let mut first = [0u8; 16];
    let mut out = child.stdout.take().expect("stdout");
    let _ = out.read(&mut first);
    drop(out);
    let mut err = String::new();
    child
        .stderr
        .take()
        .expect("stderr")
        .read_to_string(&mut err)
        .expect("stderr");
    (child.wait().expect("wait").code(), err)
}

#[test]
fn a_closed_pipe_ends_every_listing_quietly() {
    // Enough tickets that each output is larger than a pipe's buffer.
    let env = Env::new();
    env.demo_into(&env.db, 2000, 1);
    for args in [
        &["ticket", "list", "--limit", "5000"][..],
        &["ticket", "list", "--limit", "5000", "--json"],
        &["invoice", "list"],
        &["export", "/dev/stdout"],
        &["completions", "bash"],
    ] {
        let (code, err) = into_closed_pipe(&env, args);
        assert_eq!(
            code,
            Some(0),
            "pimdesk {args:?} into a closed pipe: exit {code:?}, stderr:\n{err}"
        );
        assert!(
            !err.contains("panicked") && !err.contains("Broken pipe"),
            "{args:?}:\n{err}"
        );
    }
}

#[test]
fn demo_with_a_command_is_refused_and_touches_no_store() {
    let env = demo_env();
    let before = snapshot(&env.db);
    let r = env.run(&["--demo", "ticket", "list"]);
    r.expect_code(2);
    assert!(r.stderr.contains("--demo") && r.stderr.contains("demo"), "{r}");
    assert_unchanged(&env.db, &before, "--demo ticket list");
}

#[test]
fn doctor_on_a_path_without_a_store_creates_nothing_and_says_how() {
    let env = Env::new();
    let r = env.run(&["doctor"]);
    r.expect_code(3);
    assert!(r.stderr.contains("demo") && r.stderr.contains("import"), "{r}");
    let left: Vec<_> = std::fs::read_dir(env.dir.path())
        .expect("dir")
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("store.db"))
        .collect();
    assert!(left.is_empty(), "doctor created {left:?}");
}

fn new_ticket(env: &Env, extra: &[&str]) -> Run {
    let mut args = vec!["ticket", "new", "--summary", "VPN down"];
    args.extend_from_slice(extra);
    env.run(&args)
}

#[test]
fn priorities_take_names_and_companies_suggest_the_closest() {
    let env = demo_env();
    let r = new_ticket(
        &env,
        &["--company", "River City Audit Partners", "--priority", "medium"],
    );
    r.expect_code(0);
    let id = r.stdout.trim().to_string();
    let v: serde_json::Value =
        serde_json::from_str(&env.run(&["ticket", "show", &id, "--json"]).expect_code(0).stdout).expect("json");
    assert_eq!(v["priority"], 3);
    env.run(&["ticket", "update", &id, "--priority", "Critical"])
        .expect_code(0);
    let v: serde_json::Value =
        serde_json::from_str(&env.run(&["ticket", "show", &id, "--json"]).expect_code(0).stdout).expect("json");
    assert_eq!(v["priority"], 1);

    let before = snapshot(&env.db);
    let r = new_ticket(&env, &["--company", "Rivr City Audt", "--priority", "3"]);
    r.expect_code(2);
    assert!(r.stderr.contains("did you mean: River City Audit Partners"), "{r}");
    let r = new_ticket(
        &env,
        &["--company", "River City Audit Partners", "--priority", "urgent"],
    );
    r.expect_code(2);
    assert!(r.stderr.contains("critical, high, medium, low, planned"), "{r}");
    let r = env.run(&["ticket", "update", &id]);
    r.expect_code(2);
    assert!(r.stderr.contains("nothing to change"), "{r}");
    assert_unchanged(&env.db, &before, "refused usage");
}

#[test]
fn times_are_typed_in_the_calendars_zone_and_errors_show_an_example() {
    let env = demo_env();
    env.run(&["time", "add", "3", "--minutes", "30", "--start", "2026-11-24 16:00"])
        .expect_code(0);
    let v: serde_json::Value =
        serde_json::from_str(&env.run(&["ticket", "show", "3", "--json"]).expect_code(0).stdout).expect("json");
    let starts: Vec<&str> = v["time_entries"]
        .as_array()
        .expect("entries")
        .iter()
        .filter_map(|e| e["start"].as_str())
        .collect();
    assert!(starts.contains(&"2026-11-24T16:00:00-05:00"), "{starts:?}");
    let r = env.run(&["time", "add", "3", "--minutes", "30", "--start", "yesterday 4pm"]);
    r.expect_code(2);
    assert!(
        r.stderr.contains("2026-11-27 16:30") && r.stderr.contains("America/New_York"),
        "{r}"
    );
    let r = env.run(&["oncall", "--at", "2026-11-25 23:30"]);
    assert!(r.code == 0 || r.code == 1, "{r}");
}

#[test]
fn lists_say_when_they_stop_and_are_ordered_as_asked() {
    let env = demo_env();
    let r = env.run(&["ticket", "list", "--limit", "3"]);
    r.expect_code(0);
    assert_eq!(r.stdout.lines().count(), 3);
    assert!(r.stderr.contains("--limit 3"), "{r}");
    let all = env.run(&["ticket", "list", "--limit", "100000"]);
    assert!(!all.stderr.contains("--limit"), "{all}");

    let r = env.run(&["invoice", "list", "--json"]);
    let v: serde_json::Value = serde_json::from_str(&r.expect_code(0).stdout).expect("json");
    let dates: Vec<&str> = v
        .as_array()
        .expect("array")
        .iter()
        .filter_map(|i| i["date"].as_str())
        .collect();
    assert!(dates.len() > 2, "the demo has invoices");
    let mut newest_first = dates.clone();
    newest_first.sort_by(|a, b| b.cmp(a));
    assert_eq!(dates, newest_first);

    let r = env.run(&["company", "list", "--json"]);
    let v: serde_json::Value = serde_json::from_str(&r.expect_code(0).stdout).expect("json");
    assert!(
        v.as_array()
            .expect("array")
            .iter()
            .any(|c| c["name"] == "River City Audit Partners"),
        "{v}"
    );
    let help = env.run(&["sla", "due", "--help"]);
    assert!(
        help.stdout.contains("\"priority\":2") && help.stdout.contains("paused"),
        "{help}"
    );
}
