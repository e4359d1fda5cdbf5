//! Team mode's billing on a real PostgreSQL server (issue #13, "Equal
//! features"): invoice runs, invoices, payments, aging, agreements and the
//! CSV answer on a PostgreSQL store exactly as on the SQLite store it was
//! copied from, and invoice runs started on several hosts at once number
//! their invoices gaplessly, never twice, and bill each charge once. Needs
//! PIMDESK_TEST_PG (see tests/common/pg.rs); `.ci/run` provides it.

mod common;

use std::path::Path;

use common::cli::{Env, Run};
use common::pg::{at, copy_to, same_on_both, PgDb};

const NOW: &str = "2027-02-01T10:00:00Z";

/// The demo store, its finance technician's login made the current user's.
fn books(env: &Env, pg: &PgDb) {
    env.demo_into(&env.db, 300, 7);
    let me = common::books::current_login(env);
    let conn = rusqlite::Connection::open(&env.db).expect("open the demo store");
    let changed = conn
        .execute(
            "UPDATE technicians SET login = ?1 WHERE id = (SELECT min(id) FROM technicians WHERE role = 'finance')",
            [&me],
        )
        .expect("make the user finance");
    assert_eq!(changed, 1, "the demo has no finance technician");
    drop(conn);
    copy_to(env, pg);
}

fn first_invoice(env: &Env, db: &Path) -> String {
    let r = at(env, db, NOW, &["invoice", "list"]);
    r.expect_code(0);
    r.stdout
        .split_whitespace()
        .find(|w| w.starts_with("INV-"))
        .unwrap_or_else(|| panic!("no invoice listed:\n{r}"))
        .to_string()
}

#[test]
fn billing_answers_the_same_on_both_engines() {
    let Some(pg) = PgDb::new() else { return };
    let env = Env::new();
    books(&env, &pg);
    let server = Path::new(&pg.url);
    let steps: &[&[&str]] = &[
        &["invoice", "run", "--as-of", "2027-01-31", "--dry-run"],
        &["invoice", "run", "--as-of", "2027-01-31", "--dry-run", "--json"],
        &["invoice", "run", "--as-of", "2027-01-31"],
        &["invoice", "run", "--as-of", "2027-01-31"],
        &["invoice", "list"],
        &["invoice", "list", "--json"],
        &["invoice", "aging", "--as-of", "2027-03-31"],
        &["invoice", "aging", "--json"],
        &["agreement", "list"],
        &["agreement", "list", "--company", "Acme Family Dental"],
    ];
    for args in steps {
        same_on_both(&env, server, NOW, args);
    }
    let number = first_invoice(&env, &env.db);
    assert_eq!(number, first_invoice(&env, server));
    for args in [
        vec!["invoice", "show", &number],
        vec!["invoice", "show", &number, "--json"],
        vec!["invoice", "show", &number, "--markdown"],
        vec![
            "payment",
            "add",
            &number,
            "--amount",
            "10.00",
            "--method",
            "check",
            "--date",
            "2027-02-01",
            "--ref",
            "1234",
        ],
        vec!["invoice", "void", &number, "--reason", "wrong company"],
        vec!["invoice", "show", &number, "--json"],
    ] {
        same_on_both(&env, server, NOW, &args);
    }
    let csv = |db: &Path, name: &str| {
        let file = env.path(name);
        at(&env, db, NOW, &["invoice", "csv", file.to_str().expect("utf-8")]).expect_code(0);
        std::fs::read(file).expect("read the CSV")
    };
    assert!(
        csv(&env.db, "lite.csv") == csv(server, "team.csv"),
        "the invoices CSV differs"
    );
}

#[test]
fn invoice_runs_on_several_hosts_at_once_number_gaplessly_and_bill_once() {
    let Some(pg) = PgDb::new() else { return };
    let env = Env::new();
    books(&env, &pg);
    let server = Path::new(&pg.url);
    // What one run alone bills, on the SQLite store.
    at(&env, &env.db, NOW, &["invoice", "run", "--as-of", "2027-01-31"]).expect_code(0);
    let lite = rusqlite::Connection::open(&env.db).expect("open");
    let (want_invoices, want_cents): (i64, i64) = lite
        .query_row("SELECT count(*), sum(total_cents) FROM invoices", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .expect("count");
    let before = pg.scalar("SELECT count(*) FROM invoices");
    assert!(want_invoices > before, "the run billed nothing");
    // Three finance consoles on three hosts start the same run at once.
    let children: Vec<_> = (0..3)
        .map(|_| {
            let mut c = env.command_with(server, &env.config, &["invoice", "run", "--as-of", "2027-01-31"]);
            c.env("PIMDESK_NOW", NOW)
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped());
            c.spawn().expect("spawn pimdesk")
        })
        .collect();
    let runs: Vec<Run> = children
        .into_iter()
        .map(|c| Run::from_output(c.wait_with_output().expect("wait")))
        .collect();
    for r in &runs {
        r.expect_code(0);
    }
    let billing: Vec<_> = runs.iter().filter(|r| !r.stdout.contains("no invoices")).collect();
    assert_eq!(billing.len(), 1, "not exactly one run billed:\n{runs:#?}");
    assert_eq!(pg.scalar("SELECT count(*) FROM invoices"), want_invoices);
    assert_eq!(
        pg.scalar("SELECT CAST(sum(total_cents) AS BIGINT) FROM invoices"),
        want_cents
    );
    assert_eq!(
        pg.scalar("SELECT count(DISTINCT number) FROM invoices"),
        want_invoices,
        "an invoice number was given twice"
    );
    // Gapless: the numbers are 1..=N after the prefix.
    assert_eq!(
        pg.scalar("SELECT max(CAST(substr(number, 5) AS BIGINT)) FROM invoices"),
        want_invoices
    );
}
