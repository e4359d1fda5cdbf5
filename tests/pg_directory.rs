//! Team mode's directory and SLA commands on a real PostgreSQL server
//! (issue #13, "Equal features"): technicians, on-call, contacts,
//! companies, onboarding, pages and the SLA check, report and recompute
//! answer on a PostgreSQL store exactly as on the SQLite store it was
//! copied from, writes included. Needs PIMDESK_TEST_PG (see
//! tests/common/pg.rs); `.ci/run` provides it.

mod common;

use std::path::Path;

use common::cli::Env;
use common::pg::{at, copy_to, same_on_both, PgDb};

/// (clock, arguments): an admin's look round the directory, a P1 that
/// breaches, its page and the SLA report.
const ROUND: &[(&str, &[&str])] = &[
    ("2026-12-01T10:00:00Z", &["tech", "list"]),
    ("2026-12-01T10:00:00Z", &["tech", "list", "--json"]),
    ("2026-12-01T10:00:00Z", &["tech", "set-role", "cfoster", "dispatcher"]),
    ("2026-12-01T10:00:00Z", &["tech", "set-oncall", "ibrooks", "off"]),
    (
        "2026-12-01T10:00:00Z",
        &["tech", "set-pager", "ibrooks", "8045551234@sms.example"],
    ),
    ("2026-12-01T10:00:00Z", &["oncall"]),
    ("2026-12-01T10:00:00Z", &["oncall", "--json"]),
    ("2026-12-01T10:00:00Z", &["contact", "list"]),
    (
        "2026-12-01T10:00:00Z",
        &["contact", "list", "--company", "Town of Ashland", "--json"],
    ),
    ("2026-12-01T10:00:00Z", &["company", "list", "--json"]),
    (
        "2026-12-01T10:00:00Z",
        &["company", "set-billing-email", "Town of Ashland", "ap@ashland.example"],
    ),
    ("2026-12-01T10:00:00Z", &["company", "list"]),
    (
        "2026-12-01T10:00:00Z",
        &["onboarding", "set", "--company", "Town of Ashland", "2", "done"],
    ),
    (
        "2026-12-01T10:00:00Z",
        &["onboarding", "list", "--company", "Town of Ashland", "--json"],
    ),
    ("2026-12-01T10:00:00Z", &["sla", "report"]),
    ("2026-12-01T10:00:00Z", &["sla", "report", "--json"]),
    (
        "2026-12-01T10:00:00Z",
        &["sla", "report", "--from", "2026-01-01", "--to", "2026-06-30"],
    ),
    ("2026-12-01T10:00:00Z", &["sla", "recompute"]),
    (
        "2026-12-01T10:00:00Z",
        &[
            "ticket",
            "new",
            "--company",
            "Town of Ashland",
            "--summary",
            "Server down",
            "--priority",
            "P1",
        ],
    ),
    ("2026-12-01T12:00:00Z", &["sla", "check"]),
    ("2026-12-01T12:00:00Z", &["sla", "report", "--json"]),
    ("2026-12-01T12:00:00Z", &["page", "list"]),
    ("2026-12-01T12:00:00Z", &["page", "ack", "301"]),
    ("2026-12-01T12:00:00Z", &["tech", "list"]),
];

#[test]
fn the_directory_and_the_sla_answer_the_same_on_both_engines() {
    let Some(pg) = PgDb::new() else { return };
    let env = Env::new();
    env.demo_into(&env.db, 300, 7);
    let me = common::books::current_login(&env);
    let conn = rusqlite::Connection::open(&env.db).expect("open the demo store");
    conn.execute(
        "UPDATE technicians SET login = ?1, role = 'admin' WHERE id = (SELECT min(id) FROM technicians WHERE role = 'finance')",
        [&me],
    )
    .expect("make the user admin");
    drop(conn);
    copy_to(&env, &pg);
    let server = Path::new(&pg.url);
    for (now, args) in ROUND {
        same_on_both(&env, server, now, args);
    }
    // The writes happened, on the server too.
    let check = at(&env, server, "2026-12-01T12:00:00Z", &["sla", "check"]);
    assert_eq!(check.code, 1, "the P1 did not breach:\n{check}");
    assert!(
        check.stdout.contains("#301") && check.stdout.contains("BREACH"),
        "{check}"
    );
    let techs = at(&env, server, "2026-12-01T12:00:00Z", &["tech", "list", "--json"]);
    assert!(techs.stdout.contains("dispatcher"), "{techs}");
    assert_eq!(
        pg.scalar("SELECT count(*) FROM companies WHERE billing_email = 'ap@ashland.example'"),
        1
    );
    // Nothing was made beside the store (a server's address is no file name).
    assert!(
        !env.dir.path().join("postgres:").exists(),
        "a file was made from the address"
    );
}
