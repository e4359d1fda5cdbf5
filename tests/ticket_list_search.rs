//! `pimdesk ticket list --search` finds what the console's `/` finds, in the
//! same order: best match first, each word a prefix, filters narrowing it,
//! `--limit` rows and no more, and the same lines and JSON as a plain list.

mod common;

use common::cli::Env;
use pimdesk::store::tickets::{page, Anchor, QueueQuery, View};
use serde_json::Value;

/// The example store plus tickets about printers, mentioned more or less.
fn printer_store() -> Env {
    let env = Env::new();
    let doc = env.write("doc.json", &common::cli::example_doc().to_string());
    env.run(&["import", doc.to_str().expect("utf-8 path")]).expect_code(0);
    // #1 is the example's "Printer offline" (Resolved).
    let tickets = [
        // #2: printers all through it.
        (
            "Printer jams on the front desk printer",
            "The printer jams on every job; the printer tray is empty.",
        ),
        ("Email not syncing", "Outlook shows disconnected since this morning."),
        // #4: one printer in a long description.
        (
            "New hire laptop",
            "Set up the laptop, the mail profile, the VPN client, the shared drives, and map the printer.",
        ),
        ("VPN drops every hour", "The tunnel drops and reconnects."),
        // #6: the newest printer ticket.
        ("Scanner offline", "The scanner next to the printer is offline."),
    ];
    for (summary, description) in tickets {
        env.run(&[
            "ticket",
            "new",
            "--company",
            "Acme",
            "--priority",
            "3",
            "--summary",
            summary,
            "--description",
            description,
        ])
        .expect_code(0);
    }
    env
}

/// The IDs at the start of each line of `ticket list`.
fn ids(stdout: &str) -> Vec<i64> {
    stdout
        .lines()
        .map(|l| {
            l.split_whitespace()
                .next()
                .and_then(|w| w.strip_prefix('#'))
                .and_then(|n| n.parse().ok())
                .unwrap_or_else(|| panic!("a ticket line: {l:?}"))
        })
        .collect()
}

/// What the console's search shows first for these words.
fn console_search(env: &Env, words: &str) -> Vec<i64> {
    let conn = pimdesk::store::open(&env.db, &pimdesk::store::OpenOptions::default()).expect("open store");
    let q = QueueQuery {
        view: View::All,
        search: Some(words.into()),
        ..QueueQuery::default()
    };
    page(&conn, &q, &Anchor::Start, 50)
        .expect("search page")
        .iter()
        .map(|r| r.id)
        .collect()
}

#[test]
fn search_is_the_consoles_best_match_first() {
    let env = printer_store();
    let r = env.run(&["ticket", "list", "--search", "printer"]);
    r.expect_code(0);
    let found = ids(&r.stdout);
    assert_eq!(found, console_search(&env, "printer"), "the console's order:\n{r}");
    let mut matching = found.clone();
    matching.sort_unstable();
    assert_eq!(matching, vec![1, 2, 4, 6], "every ticket that mentions a printer:\n{r}");
    assert_eq!(
        found[0], 2,
        "the ticket about printers comes first, not the newest:\n{r}"
    );
    assert!(
        found.iter().position(|&id| id == 2) < found.iter().position(|&id| id == 4),
        "many mentions rank above one in a long description:\n{r}"
    );
    assert!(!r.stderr.contains("--limit"), "{r}");
}

#[test]
fn each_word_is_whole_but_the_one_being_typed_and_all_are_required() {
    let env = printer_store();
    let r = env.run(&["ticket", "list", "--search", "printer offl"]);
    let mut found = ids(&r.expect_code(0).stdout);
    assert_eq!(found, console_search(&env, "printer offl"), "{r}");
    found.sort_unstable();
    assert_eq!(
        found,
        vec![1, 6],
        "\"Printer offline\" and the offline scanner by the printer:\n{r}"
    );
    let r = env.run(&["ticket", "list", "--search", "prin offline"]);
    assert!(
        ids(&r.expect_code(0).stdout).is_empty(),
        "a finished word is matched whole: \"prin\" is no word of any ticket\n{r}"
    );
    let r = env.run(&["ticket", "list", "--search", "offline prin"]);
    let mut found = ids(&r.expect_code(0).stdout);
    found.sort_unstable();
    assert_eq!(found, vec![1, 6], "the last word is a prefix:\n{r}");
}

#[test]
fn limit_gives_that_many_best_matches_and_says_it_stopped() {
    let env = printer_store();
    let r = env.run(&["ticket", "list", "--search", "print", "--limit", "3"]);
    r.expect_code(0);
    let found = ids(&r.stdout);
    assert_eq!(found.len(), 3, "{r}");
    assert_eq!(found, console_search(&env, "print")[..3], "{r}");
    assert!(r.stderr.contains("stopped at --limit 3"), "{r}");
}

#[test]
fn filters_narrow_a_search() {
    let env = printer_store();
    let r = env.run(&["ticket", "list", "--search", "printer", "--status", "new"]);
    let mut found = ids(&r.expect_code(0).stdout);
    found.sort_unstable();
    assert_eq!(found, vec![2, 4, 6], "the Resolved ticket is left out:\n{r}");
    let r = env.run(&[
        "ticket",
        "list",
        "--search",
        "printer",
        "--company",
        "acme",
        "--priority",
        "3",
    ]);
    assert_eq!(ids(&r.expect_code(0).stdout).len(), 4, "{r}");
}

#[test]
fn a_search_prints_the_lines_and_json_of_a_plain_list() {
    let env = printer_store();
    let plain = env.run(&["ticket", "list"]);
    let searched = env.run(&["ticket", "list", "--search", "printer"]);
    for line in searched.expect_code(0).stdout.lines() {
        assert!(
            plain.stdout.lines().any(|l| l == line),
            "{line:?} is a line of the plain list:\n{plain}"
        );
    }
    let json = |args: &[&str]| -> Vec<Value> {
        let r = env.run(args);
        serde_json::from_str::<Value>(&r.expect_code(0).stdout)
            .expect("json")
            .as_array()
            .expect("an array")
            .clone()
    };
    let plain = json(&["ticket", "list", "--json"]);
    let searched = json(&["ticket", "list", "--search", "printer", "--json"]);
    let order: Vec<i64> = searched.iter().filter_map(|t| t["id"].as_i64()).collect();
    assert_eq!(order, console_search(&env, "printer"));
    for t in &searched {
        let same = plain.iter().find(|p| p["id"] == t["id"]).expect("in the plain list");
        assert_eq!(t, same, "the same object as the plain list's");
    }
}
