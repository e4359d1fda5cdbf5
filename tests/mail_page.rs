//! Paging the on-call (the guide's PASS) against a real SMTP server
//! (aiosmtpd): a new P1 outside contractual hours pages the technician on
//! call at their pager address; unacknowledged for `mail.escalate_minutes`
//! it pages the next in the rotation; an acknowledgement stops it; a clock
//! reaching warning after hours pages too; every page is in the ticket's
//! history. Without python3-aiosmtpd these tests say "skipped" and pass,
//! unless PIMDESK_REQUIRE_TOOLS is set (CI), where they fail.

mod common;

use std::path::{Path, PathBuf};

use common::cli::{Env, Run};
use common::smtp::{free_port, smtp_available, Smtp};

/// Acme, three technicians in the rotation (ann has the week of
/// 2026-11-23), ann and bob with pagers, cy without; a config sending to `port`.
fn setup(port: u16) -> (Env, PathBuf) {
    let env = Env::new();
    let doc = serde_json::json!({
      "companies": [{"key":"acme","name":"Acme Family Dental"}],
      "technicians": [
        {"key":"a","name":"Ann Alder","login":"ann","role":"technician","pager_email":"ann@pager.test"},
        {"key":"b","name":"Bob Birch","login":"bob","role":"technician","pager_email":"bob@pager.test"},
        {"key":"c","name":"Cy Cedar","login":"cy","role":"technician"}]
    });
    let file = env.write("seed.json", &doc.to_string());
    env.run(&["import", file.to_str().unwrap()]).expect_code(0);
    // Order the rotation so that ann has the week of Monday 2026-11-23.
    let weeks = (chrono::NaiveDate::from_ymd_opt(2026, 11, 23).unwrap()
        - chrono::NaiveDate::from_ymd_opt(2026, 1, 5).unwrap())
    .num_weeks();
    let names = ["ann", "bob", "cy"];
    let mut order = [""; 3];
    for (i, n) in names.iter().enumerate() {
        order[(i + weeks as usize) % 3] = n;
    }
    let config = env.write(
        "page.toml",
        &format!(
            "[mail]\nescalate_minutes = 15\n[mail.smtp]\nhost = \"127.0.0.1\"\nport = {port}\nsecurity = \"none\"\n\
             [oncall]\nrotation = [\"{}\", \"{}\", \"{}\"]\nstart = \"2026-01-05\"\nhandover = \"08:00\"\n",
            order[0], order[1], order[2]
        ),
    );
    (env, config)
}

fn at(env: &Env, config: &Path, now: &str, args: &[&str]) -> Run {
    let mut c = env.command_with(&env.db, config, args);
    c.env("PIMDESK_NOW", now);
    common::cli::run(c)
}

fn pages(env: &Env, config: &Path) -> Vec<serde_json::Value> {
    let r = at(env, config, "2026-11-25T12:00:00-05:00", &["page", "list", "--json"]);
    serde_json::from_str::<serde_json::Value>(&r.stdout)
        .unwrap_or_else(|e| panic!("{e}: {r}"))
        .as_array()
        .unwrap()
        .clone()
}

fn to_of(mail: &str) -> String {
    mail.lines()
        .find_map(|l| l.strip_prefix("To: "))
        .unwrap_or("")
        .trim()
        .to_string()
}

#[test]
fn a_new_p1_after_hours_pages_the_on_call_then_the_next_until_acknowledged() {
    if !smtp_available() {
        return;
    }
    let port = free_port();
    let (env, config) = setup(port);
    let server = Smtp::start(port, &env.path("received"));
    let night = "2026-11-25T02:10:00-05:00";
    // A P3 at night and a P1 at noon page nobody.
    at(
        &env,
        &config,
        night,
        &[
            "ticket",
            "new",
            "--company",
            "Acme",
            "--summary",
            "Slow laptop",
            "--priority",
            "3",
        ],
    )
    .expect_code(0);
    at(
        &env,
        &config,
        "2026-11-24T12:00:00-05:00",
        &[
            "ticket",
            "new",
            "--company",
            "Acme",
            "--summary",
            "Day outage",
            "--priority",
            "1",
        ],
    )
    .expect_code(0);
    at(
        &env,
        &config,
        night,
        &[
            "ticket",
            "new",
            "--company",
            "Acme",
            "--summary",
            "Server down",
            "--priority",
            "1",
        ],
    )
    .expect_code(0);

    let first = at(&env, &config, "2026-11-25T02:11:00-05:00", &["mail", "send", "--once"]);
    first.expect_code(0);
    assert!(
        first.stdout.contains("paged ann at ann@pager.test about ticket #3"),
        "{first}"
    );
    let got = server.received();
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!(to_of(&got[0]), "ann@pager.test");
    assert!(
        got[0].contains("Subject: [pim #3] PAGE P1 Acme Family Dental: Server down"),
        "{}",
        got[0]
    );
    assert!(got[0].contains("Auto-Submitted: auto-generated"), "{}", got[0]);
    assert!(got[0].contains("pimdesk page ack 3"), "{}", got[0]);

    // Within escalate_minutes nothing more; a second pass pages nobody twice.
    at(&env, &config, "2026-11-25T02:20:00-05:00", &["mail", "send", "--once"]).expect_code(0);
    assert_eq!(server.received().len(), 1);

    // Past it, unanswered: the next in the rotation.
    let second = at(&env, &config, "2026-11-25T02:26:00-05:00", &["mail", "send", "--once"]);
    assert!(
        second
            .stdout
            .contains("paged bob at bob@pager.test about ticket #3 (escalated, level 1)"),
        "{second}"
    );
    let got = server.received();
    assert_eq!(got.len(), 2, "{got:?}");
    assert_eq!(to_of(&got[1]), "bob@pager.test");

    // Bob acknowledges: cy is not paged.
    let mut ack = env.command_with(&env.db, &config, &["page", "ack", "3"]);
    ack.env("PIMDESK_NOW", "2026-11-25T02:30:00-05:00");
    let ack = common::cli::run(ack);
    assert!(ack.stdout.contains("1 page(s) acknowledged"), "{ack}");
    at(&env, &config, "2026-11-25T03:30:00-05:00", &["mail", "send", "--once"]).expect_code(0);
    assert_eq!(server.received().len(), 2);

    let list = pages(&env, &config);
    assert_eq!(list.len(), 2, "{list:?}");
    assert_eq!(
        (list[1]["login"].as_str(), list[1]["level"].as_i64()),
        (Some("ann"), Some(0))
    );
    assert!(list[1]["escalated"].is_string(), "{list:?}");
    assert_eq!(
        (list[0]["login"].as_str(), list[0]["level"].as_i64()),
        (Some("bob"), Some(1))
    );
    assert!(list[0]["acknowledged"].is_string(), "{list:?}");
    assert_eq!(list[0]["mail"], "sent");

    // Every page is in the ticket's history.
    let show = env.run_with(&env.db, &config, &["ticket", "show", "3"]);
    let history: Vec<&str> = show.stdout.lines().filter(|l| l.contains(" page: ")).collect();
    assert_eq!(history.len(), 3, "{show}");
    assert!(
        history[0].contains("paged ann at ann@pager.test: new P1 outside contractual hours"),
        "{show}"
    );
    assert!(
        history[1].contains("paged bob at bob@pager.test") && history[1].contains("escalated, level 1"),
        "{show}"
    );
    assert!(history[2].contains("acknowledged (1 page(s))"), "{show}");
}

#[test]
fn a_clock_reaching_warning_after_hours_pages_and_a_missing_pager_is_said() {
    if !smtp_available() {
        return;
    }
    let port = free_port();
    let (env, config) = setup(port);
    let server = Smtp::start(port, &env.path("received"));
    // Opened at 16:59:30 inside contractual hours: no page for the new
    // ticket; its 24x7 P1 clock reaches warning (a minute) after 17:00.
    at(
        &env,
        &config,
        "2026-11-25T16:59:30-05:00",
        &[
            "ticket",
            "new",
            "--company",
            "Acme",
            "--summary",
            "VPN down",
            "--priority",
            "1",
        ],
    )
    .expect_code(0);
    at(&env, &config, "2026-11-25T16:59:50-05:00", &["mail", "send", "--once"]).expect_code(0);
    assert!(server.received().is_empty());
    let r = at(&env, &config, "2026-11-25T17:45:00-05:00", &["mail", "send", "--once"]);
    assert!(r.stdout.contains("paged ann at ann@pager.test about ticket #1"), "{r}");
    let got = server.received();
    assert_eq!(got.len(), 1, "{got:?}");
    assert!(
        got[0].contains("response clock at warning outside contractual hours"),
        "{}",
        got[0]
    );
    // Unacknowledged through bob to cy, who has no pager: recorded and said.
    at(&env, &config, "2026-11-25T18:01:00-05:00", &["mail", "send", "--once"]).expect_code(0);
    let r = at(&env, &config, "2026-11-25T18:17:00-05:00", &["mail", "send", "--once"]);
    assert!(
        r.stderr
            .contains("pages cy (escalated, level 2), who has no pager address"),
        "{r}"
    );
    let r = at(&env, &config, "2026-11-25T18:33:00-05:00", &["mail", "send", "--once"]);
    r.expect_code(0);
    let show = env.run_with(&env.db, &config, &["ticket", "show", "1"]);
    assert!(
        show.stdout
            .contains("page to cy not mailed, no pager address (pimdesk tech set-pager cy ADDRESS)"),
        "{show}"
    );
    assert!(show.stdout.contains("everyone in the rotation (3) was paged"), "{show}");
    assert_eq!(server.received().len(), 2, "ann and bob were mailed, cy could not be");
}
