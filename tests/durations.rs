//! Durations mean what they say: the command line and the console's log-time
//! form read `1h30` as 90 minutes (not 130) and refuse what is not a duration.

mod common;

use std::sync::Arc;

use common::cli::Env;
use common::pty::{Console, Fixture, TIMEOUT};

fn logged_minutes(json: &str) -> Vec<i64> {
    let v: serde_json::Value = serde_json::from_str(json).expect("ticket show --json");
    v["time_entries"]
        .as_array()
        .expect("time entries")
        .iter()
        .map(|e| e["minutes"].as_i64().unwrap_or(-1))
        .collect()
}

#[test]
fn time_add_takes_every_written_form_and_refuses_the_rest() {
    let env = Env::new();
    env.demo_into(&env.db, 20, 1);
    for text in ["1h30", "1h 30m", "1:30", "1.5h", "90"] {
        env.run(&[
            "time",
            "add",
            "1",
            "--minutes",
            text,
            "--start",
            "2026-11-25T09:00:00-05:00",
        ])
        .expect_code(0);
    }
    let before = env.run(&["ticket", "show", "1", "--json"]);
    let all = logged_minutes(&before.stdout);
    assert_eq!(
        all.iter().filter(|m| **m == 90).count(),
        5,
        "five entries of 90 minutes: {all:?}"
    );
    for bad in ["1h70", "1.33h", "soon", "0"] {
        let r = env.run(&["time", "add", "1", "--minutes", bad]);
        r.expect_code(2).expect_no_panic();
        assert!(
            r.stderr.contains("duration") || r.stderr.contains("at least 1 minute"),
            "{r}"
        );
    }
    let after = env.run(&["ticket", "show", "1", "--json"]);
    assert_eq!(logged_minutes(&after.stdout), all, "a refused duration logs nothing");
}

#[test]
fn the_log_time_form_shows_what_it_will_log_and_logs_it() {
    let f = Arc::new(Fixture::demo());
    let mut c = Console::spawn_in(Arc::clone(&f), &[], &[], 80, 24);
    c.wait_for("#2000", TIMEOUT).unwrap();
    c.send("l");
    c.wait_for("Log time on ticket #2000", TIMEOUT).unwrap();
    for ch in "1h30".chars() {
        c.send(&ch.to_string());
    }
    let screen = c.wait_for("= 1h 30m", TIMEOUT).unwrap();
    assert!(screen.contains("1h30█"), "the typed text stays as typed:\n{screen}");
    c.send("\r");
    c.wait_gone("Log time on ticket", TIMEOUT).unwrap();
    let out = f.command().args(["ticket", "show", "2000", "--json"]).output().unwrap();
    let minutes = logged_minutes(&String::from_utf8_lossy(&out.stdout));
    assert!(minutes.contains(&90), "1h30 logged 90 minutes: {minutes:?}");
    assert!(!minutes.contains(&130), "1h30 must never be 130 minutes: {minutes:?}");
}
