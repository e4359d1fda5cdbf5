//! Team mode's commands on a real PostgreSQL server (issue #13, "Equal
//! features"): `ticket`, `time` and `timer` answer on a PostgreSQL store
//! exactly as on the SQLite store it was copied from, writes from several
//! processes at once (as from several hosts) all land, and the commands not
//! yet on PostgreSQL say so and write nothing. Needs PIMDESK_TEST_PG (see
//! tests/common/pg.rs); `.ci/run` provides it.

mod common;

use std::path::Path;

use common::cli::{Env, Run};
use common::pg::{at, both, same_on_both, PgDb};

/// A technician's morning on one ticket, as (clock, arguments).
const MORNING: &[(&str, &[&str])] = &[
    (
        "2026-12-01T10:00:00Z",
        &[
            "ticket",
            "new",
            "--company",
            "Town of Ashland",
            "--summary",
            "Core switch down",
            "--priority",
            "P1",
            "--description",
            "whole office offline",
        ],
    ),
    (
        "2026-12-01T10:00:00Z",
        &[
            "ticket",
            "update",
            "301",
            "--status",
            "In Progress",
            "--assignee",
            "cfoster",
        ],
    ),
    (
        "2026-12-01T10:20:00Z",
        &[
            "ticket",
            "note",
            "301",
            "--text",
            "Rebooted the switch; link lights back",
        ],
    ),
    (
        "2026-12-01T10:21:00Z",
        &[
            "ticket",
            "note",
            "301",
            "--internal",
            "--text",
            "firmware 1.2 bug again",
        ],
    ),
    (
        "2026-12-01T10:22:00Z",
        &["time", "add", "301", "--minutes", "45", "--note", "onsite"],
    ),
    ("2026-12-01T10:22:00Z", &["timer", "start", "301"]),
    ("2026-12-01T11:05:00Z", &["timer", "list"]),
    ("2026-12-01T11:05:00Z", &["timer", "stop", "301"]),
    (
        "2026-12-01T11:06:00Z",
        &["ticket", "update", "301", "--status", "Waiting on Client"],
    ),
    (
        "2026-12-01T13:06:00Z",
        &["ticket", "update", "301", "--status", "Resolved"],
    ),
    ("2026-12-01T13:06:00Z", &["ticket", "update", "301", "--priority", "P9"]),
    ("2026-12-01T13:06:00Z", &["ticket", "show", "301"]),
    ("2026-12-01T13:06:00Z", &["ticket", "show", "301", "--json"]),
    (
        "2026-12-01T13:06:00Z",
        &["ticket", "list", "--status", "Resolved", "--limit", "5"],
    ),
    (
        "2026-12-01T13:06:00Z",
        &["ticket", "list", "--company", "Town of Ashland", "--json"],
    ),
    ("2026-12-01T13:06:00Z", &["ticket", "show", "9999"]),
];

#[test]
fn a_technicians_morning_answers_the_same_on_both_engines() {
    let Some(pg) = PgDb::new() else { return };
    let env = Env::new();
    both(&env, &pg);
    let server = Path::new(&pg.url);
    for (now, args) in MORNING {
        same_on_both(&env, server, now, args);
    }
    // The morning did happen (not two identical refusals).
    let show = at(&env, server, "2026-12-01T13:06:00Z", &["ticket", "show", "301"]);
    show.expect_code(0);
    for said in [
        "Core switch down",
        "Rebooted the switch",
        "firmware 1.2 bug again",
        "Resolved",
        "cfoster",
    ] {
        assert!(show.stdout.contains(said), "{said:?} missing:\n{show}");
    }
    assert_eq!(pg.scalar("SELECT count(*) FROM time_entries WHERE ticket_id = 301"), 2);
    assert_eq!(pg.scalar("SELECT count(*) FROM ticket_pauses WHERE ticket_id = 301"), 1);
}

/// The ticket numbers a search lists, in the order listed.
fn found(env: &Env, db: &Path, words: &str) -> Vec<String> {
    let r = at(
        env,
        db,
        "2026-12-01T13:06:00Z",
        &["ticket", "list", "--search", words, "--limit", "1000"],
    );
    r.expect_code(0);
    r.stdout
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .filter(|w| w.starts_with('#'))
        .map(str::to_string)
        .collect()
}

#[test]
fn search_finds_the_same_tickets_on_both_engines_prefixes_too() {
    let Some(pg) = PgDb::new() else { return };
    let env = Env::new();
    both(&env, &pg);
    let server = Path::new(&pg.url);
    for words in [
        "printer",
        "print",
        "vpn",
        "pass",
        "printer front",
        "offl",
        "email",
        "zzzz",
    ] {
        let mut lite = found(&env, &env.db, words);
        let mut team = found(&env, server, words);
        // Each engine ranks by its own measure (bm25, ts_rank): the
        // tickets found are the same, their order among equals may differ.
        lite.sort();
        team.sort();
        assert_eq!(lite, team, "searching {words:?}");
        if words != "zzzz" {
            assert!(!team.is_empty(), "nothing found for {words:?}");
        }
    }
}

#[test]
fn notes_from_several_processes_at_once_all_land() {
    let Some(pg) = PgDb::new() else { return };
    let env = Env::new();
    both(&env, &pg);
    let server = Path::new(&pg.url);
    // Six technicians, each a process of their own with its own connection,
    // as from six hosts: three add notes to ticket 7, three open tickets.
    let children: Vec<_> = (0..6)
        .map(|i| {
            let text = format!("note from host {i}");
            let args: Vec<&str> = if i < 3 {
                vec!["ticket", "note", "7", "--text", &text]
            } else {
                vec![
                    "ticket",
                    "new",
                    "--company",
                    "Town of Ashland",
                    "--summary",
                    &text,
                    "--priority",
                    "P3",
                ]
            };
            let mut c = env.command_with(server, &env.config, &args);
            c.stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped());
            c.spawn().expect("spawn pimdesk")
        })
        .collect();
    let mut opened = Vec::new();
    for (i, child) in children.into_iter().enumerate() {
        let r = Run::from_output(child.wait_with_output().expect("wait"));
        r.expect_code(0);
        if i >= 3 {
            opened.push(r.stdout.trim().to_string());
        }
    }
    opened.sort();
    opened.dedup();
    assert_eq!(opened.len(), 3, "two tickets got one number: {opened:?}");
    let show = at(&env, server, "2026-12-01T13:06:00Z", &["ticket", "show", "7"]);
    for i in 0..3 {
        assert!(
            show.stdout.contains(&format!("note from host {i}")),
            "note {i} lost:\n{show}"
        );
    }
    assert_eq!(
        pg.scalar("SELECT count(*) FROM tickets WHERE summary LIKE 'note from host %'"),
        3
    );
}

#[test]
fn a_command_not_yet_on_postgres_says_so_and_writes_nothing() {
    let Some(pg) = PgDb::new() else { return };
    let env = Env::new();
    both(&env, &pg);
    let audit = pg.scalar("SELECT count(*) FROM audit");
    let server = Path::new(&pg.url);
    for args in [
        vec!["mail", "outbox"],
        vec!["note", "edit", "1", "--text", "corrected"],
        vec!["export", "x.json"],
        vec!["import", "x.json"],
    ] {
        let r = at(&env, server, "2026-12-01T13:06:00Z", &args);
        r.expect_code(3).expect_no_panic();
        assert!(
            r.stderr.contains("SQLite store file") && r.stderr.contains(&pg.url),
            "{args:?}:\n{r}"
        );
    }
    assert_eq!(pg.scalar("SELECT count(*) FROM audit"), audit, "something was written");
}
