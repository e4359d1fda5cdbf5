//! Agreements and the onboarding checklist end to end: the real binary in a
//! pseudo-terminal on a demo store, as an admin (made so by importing a
//! technician with the current login, like `tests/e2e_invoices.rs`). The
//! console creates an agreement (after the store refuses a negative fee, in
//! the form) and sets a checklist step; `pimdesk agreement list --json` and
//! `pimdesk onboarding list --json` agree.

mod common;

use std::sync::Arc;

use common::pty::{framed, Console, Fixture, TIMEOUT};
use serde_json::{json, Value};

const BACKTAB: &str = "\x1b[Z";
const BACKSPACE: &str = "\x7f";

fn as_admin() -> Arc<Fixture> {
    let f = Fixture::demo();
    let me = pimdesk::platform::current_login();
    let doc = json!({"technicians": [{"key": "e2e-me", "name": "Current User", "login": me, "role": "admin"}]});
    let file = f.path().join("me.json");
    std::fs::write(&file, doc.to_string()).expect("write the import file");
    let out = f.command().arg("import").arg(&file).output().expect("run import");
    assert!(out.status.success(), "import: {}", String::from_utf8_lossy(&out.stderr));
    Arc::new(f)
}

fn json_out(f: &Fixture, args: &[&str]) -> Value {
    let out = f.command().args(args).output().expect("run pimdesk");
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("JSON")
}

fn agreements(f: &Fixture) -> Vec<Value> {
    json_out(f, &["agreement", "list", "--json"])
        .as_array()
        .cloned()
        .expect("an array of agreements")
}

#[test]
fn create_an_agreement_and_set_a_checklist_step_in_the_console() {
    let f = as_admin();
    let before = agreements(&f);
    // The agreements view selects its first row: that company gets the new one.
    let company = before
        .first()
        .and_then(|a| a["company"].as_str())
        .expect("the demo has agreements")
        .to_string();

    let mut c = Console::spawn_in(Arc::clone(&f), &[], &[], 120, 30);
    c.wait_for("Queue", TIMEOUT).expect("the console starts");
    c.send("3");
    c.wait_for(" Invoices: ", TIMEOUT).expect("the Invoices tab");
    c.send("A");
    c.wait_for("prepaid:", TIMEOUT)
        .expect("the agreements with prepaid balances");
    c.send("n");
    c.wait_for("New agreement", TIMEOUT)
        .expect("n opens the agreement form");
    c.wait_for(&company, TIMEOUT).expect("for the selected company");
    c.send("321.00");
    // Onboarding: a negative fee, which the store refuses in its words.
    c.send("\t");
    c.wait_for(">Onboarding", TIMEOUT).expect("Tab moves on");
    c.send(&BACKSPACE.repeat(4));
    c.send("-5.00");
    c.send("\r");
    c.wait_for("onboarding fee is negative", TIMEOUT)
        .unwrap_or_else(|e| panic!("the store's refusal shows in the form: {e}"));
    assert_eq!(agreements(&f).len(), before.len(), "a refusal writes nothing");
    c.send(&BACKSPACE.repeat(5));
    c.send("0");
    // Product: FITS by its letter.
    for _ in 0..3 {
        c.send(BACKTAB);
    }
    c.wait_for(">Product", TIMEOUT).expect("BackTab moves back");
    c.send("f");
    c.wait_for("‹ FITS ›", TIMEOUT).expect("f picks FITS");
    c.send("\r");
    c.wait_for("added (audited)", TIMEOUT)
        .unwrap_or_else(|e| panic!("the agreement is saved: {e}"));
    c.wait_gone("New agreement", TIMEOUT).expect("the form closes");
    let after = agreements(&f);
    assert_eq!(after.len(), before.len() + 1, "one agreement added");
    let added = after
        .iter()
        .find(|a| a["product"] == "FITS" && a["executed"] == "2026-11-25" && a["company"] == company.as_str())
        .unwrap_or_else(|| panic!("the new FITS agreement of {company}: {after:#?}"));
    assert_eq!(added["monthly_cents"], 32_100);
    assert_eq!(added["onboarding_fee_cents"], 0);
    assert_eq!(added["labor_rate_cents"], 15_000, "the configured rate by default");

    // The checklist: the company's last step, moved on by one status.
    let steps = json_out(&f, &["onboarding", "list", "--company", &company, "--json"]);
    let order = ["pending", "in progress", "done", "n/a"];
    let was = steps[6]["status"].as_str().expect("step 7's status").to_string();
    let next = order[(order.iter().position(|s| *s == was).expect("a known status") + 1) % order.len()];
    c.send("\x1b");
    c.wait_gone("Agreements per company", TIMEOUT)
        .expect("Esc leaves the agreements");
    c.send("4");
    c.wait_for("Client Concierge", TIMEOUT).expect("the Directory tab");
    c.send("/");
    c.wait_for("Search directory:", TIMEOUT).expect("the search line");
    c.send(&company);
    c.send("\r");
    c.wait_gone("Search directory:", TIMEOUT)
        .expect("Enter keeps the search");
    c.send("\r");
    c.wait_for("Onboarding checklist", TIMEOUT)
        .expect("Enter opens the company");
    c.send("G");
    c.wait_for("o: set this step's status", TIMEOUT)
        .expect("G moves onto the last step");
    c.send("o");
    c.wait_for("Step 7: Backup plan", TIMEOUT)
        .expect("o opens the status picker");
    c.send("\r");
    let screen = c
        .wait_for(&format!("-> {next} on 2026-11-25"), TIMEOUT)
        .unwrap_or_else(|e| panic!("the step is saved: {e}"));
    assert!(!screen.contains("Step 7:"), "the picker closed:\n{}", framed(&c.vt()));
    c.wait_for("Current User", TIMEOUT)
        .unwrap_or_else(|e| panic!("the list shows who: {e}"));

    let steps = json_out(&f, &["onboarding", "list", "--company", &company, "--json"]);
    assert_eq!(steps[6]["status"], next, "{steps:#}");
    assert_eq!(steps[6]["date"], "2026-11-25", "today in the calendar's zone");
    assert_eq!(steps[6]["who"], "Current User");

    c.send("q");
    let status = c.wait_exit(std::time::Duration::from_secs(3)).expect("q quits");
    assert_eq!(status.exit_code(), 0);
}
