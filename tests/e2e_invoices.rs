//! The Invoices tab end to end: the real binary in a pseudo-terminal on a
//! demo store billed by `pimdesk invoice run` (as an admin). The console
//! opens an invoice, refuses an over-payment with the store's words, records
//! a payment and shows "partially paid"; `invoice show --json` agrees. A run
//! preview left with Esc writes nothing.

mod common;

use std::sync::Arc;

use common::pty::{framed, Console, Fixture, TIMEOUT};
use serde_json::{json, Value};

/// The demo store, billed as of 2026-11-25, with the tester an admin (made
/// so the way `tests/billing_cli.rs` does: importing a technician with the
/// current login).
fn billed() -> Arc<Fixture> {
    let f = Fixture::demo();
    let me = pimdesk::platform::current_login();
    let doc = json!({"technicians": [{"key": "e2e-me", "name": "Current User", "login": me, "role": "admin"}]});
    let file = f.path().join("me.json");
    std::fs::write(&file, doc.to_string()).expect("write the import file");
    let out = f.command().arg("import").arg(&file).output().expect("run import");
    assert!(out.status.success(), "import: {}", String::from_utf8_lossy(&out.stderr));
    let out = f
        .command()
        .args(["invoice", "run", "--as-of", "2026-11-25"])
        .output()
        .expect("run the invoice run");
    assert!(
        out.status.success(),
        "invoice run: {}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
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

/// The newest open invoice worth more than $2.00 and its row in the console
/// (both list newest first): (number, total cents, row index).
fn target(f: &Fixture) -> (String, i64, usize) {
    let list = json_out(f, &["invoice", "list", "--json"]);
    let all = list.as_array().expect("an array of invoices");
    assert!(!all.is_empty(), "the run billed something");
    let (row, inv) = all
        .iter()
        .enumerate()
        .find(|(_, i)| i["status"] == "open" && i["total_cents"].as_i64().unwrap_or(0) > 200)
        .expect("an open invoice over $2.00");
    let number = inv["number"].as_str().expect("number").to_string();
    (number, inv["total_cents"].as_i64().expect("total"), row)
}

#[test]
fn open_an_invoice_record_a_payment_and_see_it_partially_paid() {
    let f = billed();
    let (number, total, row) = target(&f);
    let before = json_out(&f, &["invoice", "list", "--json"])
        .as_array()
        .map_or(0, Vec::len);

    let mut c = Console::spawn_in(Arc::clone(&f), &[], &[], 80, 24);
    c.wait_for("Queue", TIMEOUT).expect("the console starts");
    c.send("3");
    c.wait_for(" Invoices: ", TIMEOUT).expect("the Invoices tab");
    c.wait_for("INV-", TIMEOUT).expect("invoices listed");
    for _ in 0..row {
        c.send("j");
    }
    c.send("\r");
    let screen = c
        .wait_for(&format!("Invoice {number}"), TIMEOUT)
        .unwrap_or_else(|e| panic!("Enter opens {number}: {e}"));
    assert!(screen.contains("status: open"), "{}", framed(&c.vt()));
    assert!(screen.contains("Payments: none recorded"), "{}", framed(&c.vt()));

    // More than the balance: the store refuses and the form shows why.
    c.send("p");
    c.wait_for(&format!("Payment on {number}"), TIMEOUT)
        .expect("the payment form");
    c.send(&format!("{}.00", total / 100 + 1));
    c.send("\r");
    c.wait_for("would over-pay", TIMEOUT)
        .unwrap_or_else(|e| panic!("the over-payment is refused in the form: {e}"));

    // Half of it, by ACH, with a reference.
    for _ in 0..12 {
        c.send("\x7f");
    }
    let half = total / 2;
    let amount = format!("{}.{:02}", half / 100, half % 100);
    c.send(&amount);
    c.send("\t");
    c.wait_for(">Method", TIMEOUT).expect("Tab moves to the method");
    c.send("a");
    c.send("\t");
    c.send("\t");
    c.wait_for(">Reference", TIMEOUT).expect("Tab moves to the reference");
    c.send("ach-e2e-1");
    c.wait_for("ach-e2e-1", TIMEOUT).expect("the reference is typed");
    c.send("\r");
    let screen = c
        .wait_for("status: partially paid", TIMEOUT)
        .unwrap_or_else(|e| panic!("the detail shows the new status: {e}"));
    assert!(
        screen.contains("ach-e2e-1"),
        "the payment is listed:\n{}",
        framed(&c.vt())
    );
    assert!(!screen.contains("Payment on"), "the form closed:\n{}", framed(&c.vt()));

    let shown = json_out(&f, &["invoice", "show", &number, "--json"]);
    assert_eq!(shown["status"], "partially paid", "{shown:#}");
    assert_eq!(shown["paid_cents"], half, "{shown:#}");
    assert_eq!(shown["balance_cents"], total - half, "{shown:#}");
    let payments = shown["payments"].as_array().expect("payments");
    assert_eq!(
        payments.len(),
        1,
        "one payment only (the refused one wrote nothing): {shown:#}"
    );
    assert_eq!(payments[0]["method"], "ach");
    assert_eq!(payments[0]["date"], "2026-11-25", "today in the calendar's zone");
    assert_eq!(payments[0]["reference"], "ach-e2e-1");

    // Back to the list: the row says it in words.
    c.send("\x1b");
    c.wait_for("partially paid", TIMEOUT)
        .expect("the list shows the status");

    // A run preview (as of a later date) left with Esc writes nothing.
    c.send("r");
    c.wait_for("Invoice run as of", TIMEOUT).expect("the run form");
    c.send("\x7f\x7f");
    c.send("30");
    c.send("\r");
    c.wait_for("Preview as of 2026-11-30", TIMEOUT)
        .unwrap_or_else(|e| panic!("the dry run's result: {e}"));
    c.wait_for("y writes these", TIMEOUT)
        .expect("the preview says what y writes, with the count and total");
    // A double-tapped Enter previews again at most: it never commits.
    c.send("\r");
    std::thread::sleep(std::time::Duration::from_millis(700));
    let count = || {
        json_out(&f, &["invoice", "list", "--json"])
            .as_array()
            .map_or(0, Vec::len)
    };
    assert_eq!(count(), before, "Enter on a preview writes no invoice");
    c.send("\x1b");
    c.wait_gone("Invoice run as of", TIMEOUT)
        .expect("Esc leaves the preview");
    assert_eq!(count(), before, "a preview writes no invoice");

    // y on the preview commits exactly what it showed.
    c.send("r");
    c.wait_for("Invoice run as of", TIMEOUT).expect("the run form");
    c.send("\x7f\x7f");
    c.send("30");
    c.send("\r");
    c.wait_for("y writes these", TIMEOUT).expect("the preview");
    c.send("y");
    c.wait_for("invoice(s) written", TIMEOUT)
        .unwrap_or_else(|e| panic!("y commits the run: {e}"));
    assert!(count() > before, "the run wrote its invoices");
    c.send("\x1b");
    c.wait_gone("Invoice run as of", TIMEOUT).expect("Esc closes the form");

    // The aging chart, from the store's aging at today.
    c.send("a");
    c.wait_for("Aging as of 2026-11-25", TIMEOUT)
        .expect("a shows the aging chart");
    c.wait_for("90+", TIMEOUT).expect("every bucket");

    // Agreements with this month's prepaid hours (the demo has prepaid blocks).
    c.send("A");
    c.wait_for("Agreements per company", TIMEOUT)
        .expect("A opens the agreements");
    c.wait_for("prepaid:", TIMEOUT)
        .unwrap_or_else(|e| panic!("a prepaid balance is shown: {e}"));
    c.send("\x1b");
    c.wait_gone("Agreements per company", TIMEOUT).expect("Esc goes back");

    c.send("q");
    let status = c.wait_exit(std::time::Duration::from_secs(3)).expect("q quits");
    assert_eq!(status.exit_code(), 0);
}

#[test]
fn a_payment_recorded_in_error_is_reversed_from_the_invoice_then_the_invoice_voided() {
    let f = billed();
    let (number, total, row) = target(&f);
    let amount = format!("{}.{:02}", total / 100, total % 100);
    let out = f
        .command()
        .args([
            "payment",
            "add",
            &number,
            "--amount",
            &amount,
            "--method",
            "card",
            "--date",
            "2026-11-25",
        ])
        .args(["--ref", "keyed-twice"])
        .output()
        .expect("payment add");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));

    let mut c = Console::spawn_in(Arc::clone(&f), &[], &[], 80, 24);
    c.wait_for("Queue", TIMEOUT).expect("the console starts");
    c.send("3");
    c.wait_for("INV-", TIMEOUT).expect("invoices listed");
    for _ in 0..row {
        c.send("j");
    }
    // From the list the payments are not loaded: R says to open the invoice.
    c.send("R");
    c.wait_for("to choose the payment to reverse", TIMEOUT)
        .unwrap_or_else(|e| panic!("R on the list: {e}\n{}", framed(&c.vt())));
    c.send("\r");
    c.wait_for("status: paid", TIMEOUT)
        .unwrap_or_else(|e| panic!("{number} opens, paid: {e}\n{}", framed(&c.vt())));
    c.send("R");
    let screen = c
        .wait_for(&format!("Reverse a payment on {number}"), TIMEOUT)
        .unwrap_or_else(|e| panic!("the reversal form: {e}\n{}", framed(&c.vt())));
    assert!(
        screen.contains("ref keyed-twice"),
        "the payment is named:\n{}",
        framed(&c.vt())
    );
    assert!(screen.contains("Enter reverses it"), "{}", framed(&c.vt()));
    // Enter without a reason reverses nothing.
    c.send("\r");
    c.wait_for("needs a reason", TIMEOUT).expect("a reason is asked for");
    assert_eq!(json_out(&f, &["invoice", "show", &number, "--json"])["status"], "paid");
    c.send("keyed twice");
    c.send("\r");
    c.wait_for("payment reversed on", TIMEOUT)
        .unwrap_or_else(|e| panic!("the store reversed it: {e}\n{}", framed(&c.vt())));
    c.wait_for("VOID: keyed twice", TIMEOUT)
        .unwrap_or_else(|e| panic!("the payment stays in the history, void: {e}\n{}", framed(&c.vt())));
    let shown = json_out(&f, &["invoice", "show", &number, "--json"]);
    assert_eq!(shown["status"], "open", "{shown:#}");
    assert_eq!(shown["balance_cents"], total, "{shown:#}");
    assert_eq!(shown["payments"][0]["void"], true, "{shown:#}");

    // No payment left to reverse; the invoice itself can now be voided.
    c.send("R");
    c.wait_for("has no payment to reverse", TIMEOUT)
        .expect("nothing left to reverse");
    c.send("V");
    c.wait_for("Enter voids it", TIMEOUT).expect("the void form");
    c.send("billed the wrong client");
    c.send("\r");
    c.wait_for("is void", TIMEOUT)
        .unwrap_or_else(|e| panic!("the invoice is void: {e}\n{}", framed(&c.vt())));
    assert_eq!(json_out(&f, &["invoice", "show", &number, "--json"])["status"], "void");
}
