//! End-to-end: a timer is a store row. Started in one console it survives
//! `q` (which says so first), shows in the next console's status line with
//! the time it has run, and stopping it offers that time as the entry; Esc on
//! the stop form asks before throwing the minutes away.

mod common;

use std::sync::Arc;

use common::pty::{framed, Console, Fixture, TIMEOUT};

const ESC: &str = "\x1b";
const ENTER: &str = "\r";

fn json(f: &Fixture, args: &[&str]) -> serde_json::Value {
    let out = f.command().args(args).output().expect("run pimdesk");
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("JSON")
}

/// The ticket number in "timer started on #1234 …".
fn started_on(screen: &str) -> u32 {
    let at = screen.find("timer started on #").expect("the start message") + "timer started on #".len();
    screen[at..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect::<String>()
        .parse()
        .unwrap_or_else(|_| panic!("a ticket number in {screen}"))
}

#[test]
fn a_timer_survives_quit_and_the_next_console_stops_it_with_the_time_it_ran() {
    let f = Arc::new(Fixture::demo());
    let mut c = Console::spawn_in(Arc::clone(&f), &[], &[], 80, 24);
    c.wait_for("#2000", TIMEOUT).expect("the queue");
    c.send("T");
    let screen = c.wait_for("timer started on #", TIMEOUT).expect("t starts a timer");
    let id = started_on(&screen);
    c.wait_for(&format!("timer #{id} 0:00:00"), TIMEOUT)
        .expect("the status line shows the running timer");

    // The first q says the timer keeps running; the console stays.
    c.send("q");
    c.wait_for("keeps running after you quit", TIMEOUT)
        .expect("q with a timer running says so");
    assert!(c.running(), "one q does not quit with a timer running");
    c.send("q");
    assert!(c.wait_exit(TIMEOUT).is_some_and(|s| s.success()), "q again quits");

    let timers = json(&f, &["timer", "list", "--json"]);
    let timers = timers.as_array().expect("an array");
    assert_eq!(timers.len(), 1, "the timer outlived the console: {timers:?}");
    assert_eq!(timers[0]["ticket"], id, "{timers:?}");

    // 45 minutes later, a new console shows it and stopping it offers 45m.
    let mut c = Console::spawn_in(
        Arc::clone(&f),
        &[],
        &[("PIMDESK_NOW", "2026-11-25T10:45:00-05:00")],
        80,
        24,
    );
    c.wait_for(&format!("timer #{id} 0:45:00"), TIMEOUT)
        .expect("the next console's status line shows the timer and how long it has run");
    c.send("T");
    let form = c
        .wait_for(&format!("Stop the timer on ticket #{id}"), TIMEOUT)
        .expect("t opens the stop form");
    assert!(
        form.contains("= 45m"),
        "the time it ran is offered:\n{}",
        framed(&c.vt())
    );

    // Esc asks; Esc again keeps it running.
    c.send(ESC);
    c.wait_for("Discard the timer's 45m? y discard · n keep it running", TIMEOUT)
        .expect("Esc on the stop form asks before throwing the time away");
    c.send(ESC);
    c.wait_gone("Stop the timer on ticket", TIMEOUT)
        .expect("the form closes");
    let screen = c.screen();
    assert!(
        screen.contains(&format!("timer #{id} 0:45:00")),
        "still running:\n{}",
        framed(&c.vt())
    );

    // Stop it for real: the entry is the time it ran, from when it started.
    c.send("T");
    c.wait_for(&format!("Stop the timer on ticket #{id}"), TIMEOUT)
        .expect("the form again");
    c.send(ENTER);
    c.wait_for("timer stopped, 45m logged", TIMEOUT)
        .expect("the stop is logged");
    c.wait_gone(&format!("timer #{id}"), TIMEOUT)
        .expect("the status line no longer shows a timer");
    c.send("q");
    assert!(
        c.wait_exit(TIMEOUT).is_some_and(|s| s.success()),
        "no timer: one q quits"
    );

    assert_eq!(json(&f, &["timer", "list", "--json"]), serde_json::json!([]));
    let shown = json(&f, &["ticket", "show", &id.to_string(), "--json"]);
    let entries = shown["time_entries"].as_array().expect("time entries");
    let last = entries.last().expect("an entry");
    assert_eq!(last["minutes"], 45, "{entries:?}");
    assert_eq!(last["start"], "2026-11-25T10:00:00-05:00", "{entries:?}");
}
