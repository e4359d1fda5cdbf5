//! Billing through the real binary (DESIGN.md 3.3 and 4): invoice runs,
//! dry runs, payments, voids, documents, aging and agreements, each against a
//! real store in a temp dir with the clock frozen and built-in defaults.
//!
//! Finance actions need the finance or admin role of the current user, who
//! is the operating-system account running the test (`pimdesk doctor`
//! prints it). The books are set up by importing an exchange file whose
//! technicians include that login with the role the test needs.

mod common;

use common::books::{books, current_login};
use common::cli::{assert_unchanged, snapshot, Env, Run};
use serde_json::{json, Value};

fn json_of(r: &Run) -> Value {
    serde_json::from_str(&r.stdout).unwrap_or_else(|e| panic!("not JSON ({e}):\n{r}"))
}

/// `invoice run --as-of D --json` (plus `extra` flags); must succeed.
fn run_at(env: &Env, as_of: &str, extra: &[&str]) -> Value {
    let mut args = vec!["invoice", "run", "--as-of", as_of, "--json"];
    args.extend_from_slice(extra);
    let r = env.run(&args);
    r.expect_code(0).expect_no_panic();
    let v = json_of(&r);
    assert_eq!(v["as_of"], as_of, "{r}");
    v
}

fn invoices(v: &Value) -> &Vec<Value> {
    v["invoices"].as_array().expect("invoices array")
}

/// (kind, amount_cents) of each line.
fn lines(inv: &Value) -> Vec<(String, i64)> {
    inv["lines"]
        .as_array()
        .expect("lines")
        .iter()
        .map(|l| {
            (
                l["kind"].as_str().expect("kind").to_string(),
                l["amount_cents"].as_i64().expect("amount"),
            )
        })
        .collect()
}

fn status_of(env: &Env, number: &str) -> (String, i64) {
    let r = env.run(&["invoice", "show", number, "--json"]);
    r.expect_code(0);
    let v = json_of(&r);
    (
        v["status"].as_str().expect("status").to_string(),
        v["balance_cents"].as_i64().expect("balance"),
    )
}

#[test]
fn sms_prorated_first_month_and_next_month_billed_on_execution() {
    let env = books("finance");
    let v = run_at(&env, "2026-03-10", &[]);
    let inv = match invoices(&v).as_slice() {
        [one] => one,
        other => panic!("expected one invoice, got {other:#?}"),
    };
    assert_eq!(inv["number"], "INV-000001");
    assert_eq!(inv["company"], "Acme Family Dental");
    assert_eq!(
        (inv["date"].as_str(), inv["due"].as_str()),
        (Some("2026-03-10"), Some("2026-03-10"))
    );
    // onboarding $500.00; March $1,200 × 22/31 = $851.61; April in full
    assert_eq!(
        lines(inv),
        [
            ("onboarding".into(), 50_000),
            ("recurring".into(), 85_161),
            ("recurring".into(), 120_000)
        ]
    );
    assert_eq!(inv["total_cents"], 255_161);
    let march = &inv["lines"][1];
    assert_eq!(
        (march["period_start"].as_str(), march["period_end"].as_str()),
        (Some("2026-03-10"), Some("2026-03-31"))
    );
    assert_eq!(march["ticket"], Value::Null);
    let text = env.run(&["invoice", "list"]);
    assert!(text.stdout.contains("$2,551.61"), "{text}");
}

#[test]
fn a_second_run_bills_nothing_and_numbers_continue_across_runs() {
    let env = books("admin");
    assert_eq!(invoices(&run_at(&env, "2026-03-10", &[]))[0]["number"], "INV-000001");
    let again = run_at(&env, "2026-03-10", &[]);
    assert!(invoices(&again).is_empty(), "the same date billed again: {again:#}");
    let later = run_at(&env, "2026-03-26", &[]);
    let numbers: Vec<&str> = invoices(&later)
        .iter()
        .map(|i| i["number"].as_str().expect("number"))
        .collect();
    assert_eq!(numbers, ["INV-000002", "INV-000003"]);
    // Acme's April was billed on execution; only its (contract) labor is new.
    assert_eq!(lines(&invoices(&later)[0]), [("contract_labor".into(), 18_750)]);
    let list = json_of(env.run(&["invoice", "list", "--json"]).expect_code(0));
    assert_eq!(list.as_array().map(Vec::len), Some(3));
    assert!(invoices(&run_at(&env, "2026-03-26", &[])).is_empty());
}

#[test]
fn a_dry_run_writes_nothing_and_shows_what_the_real_run_writes() {
    let env = books("finance");
    let before = snapshot(&env.db);
    let export_before = env.export_bytes(&env.db);
    let dry = run_at(&env, "2026-03-26", &["--dry-run"]);
    assert_eq!(invoices(&dry).len(), 2, "{dry:#}");
    assert_unchanged(&env.db, &before, "invoice run --dry-run");
    assert_eq!(env.export_bytes(&env.db), export_before);
    let list = json_of(env.run(&["invoice", "list", "--json"]).expect_code(0));
    assert_eq!(list, json!([]), "a dry run left invoices behind");
    let text = env.run(&["invoice", "run", "--as-of", "2026-03-26", "--dry-run"]);
    assert!(text.expect_code(0).stdout.contains("nothing written"), "{text}");
    let real = run_at(&env, "2026-03-26", &[]);
    assert_eq!(real, dry, "the real run differs from its dry run");
}

#[test]
fn non_contract_labor_is_billed_14_days_after_completion_rounded_to_15_minutes() {
    let env = books("finance");
    let at_13 = run_at(&env, "2026-03-25", &[]);
    assert!(
        invoices(&at_13).iter().all(|i| i["company"] != "Walk-in Accounting"),
        "billed 13 days after completion: {at_13:#}"
    );
    let at_14 = run_at(&env, "2026-03-26", &[]);
    let walk = invoices(&at_14)
        .iter()
        .find(|i| i["company"] == "Walk-in Accounting")
        .unwrap_or_else(|| panic!("not billed 14 days after completion: {at_14:#}"));
    let line = &walk["lines"][0];
    // 70 minutes round up to 75; 75 min at $150.00/h = $187.50
    assert_eq!(
        (
            &line["kind"],
            &line["minutes"],
            &line["unit_cents"],
            &line["amount_cents"]
        ),
        (&json!("labor"), &json!(75), &json!(15_000), &json!(18_750))
    );
    assert_eq!(line["ticket"], 2);
    assert_eq!(walk["total_cents"], 18_750);
}

#[test]
fn payments_move_the_status_and_over_payment_is_refused() {
    let env = books("finance");
    run_at(&env, "2026-03-10", &[]);
    assert_eq!(status_of(&env, "INV-000001"), ("open".into(), 255_161));
    let pay = |amount: &str| {
        env.run(&[
            "payment",
            "add",
            "INV-000001",
            "--amount",
            amount,
            "--method",
            "check",
            "--date",
            "2026-03-20",
            "--ref",
            "1042",
        ])
    };
    pay("1,000.00").expect_code(0);
    assert_eq!(status_of(&env, "INV-000001"), ("partially paid".into(), 155_161));
    let before = snapshot(&env.db);
    let over = pay("1551.62");
    over.expect_code(2).expect_no_panic();
    assert!(
        over.stderr.contains("$1,551.61"),
        "the refusal does not show the balance:\n{over}"
    );
    assert_unchanged(&env.db, &before, "an over-payment");
    for (bad, why) in [("0", "zero"), ("12.345", "fractions of a cent")] {
        pay(bad).expect_code(2);
        assert_unchanged(&env.db, &before, why);
    }
    let wrong_method = env.run(&[
        "payment",
        "add",
        "INV-000001",
        "--amount",
        "1",
        "--method",
        "cash",
        "--date",
        "2026-03-20",
    ]);
    wrong_method.expect_code(2);
    assert!(wrong_method.stderr.contains("billcom"), "{wrong_method}");
    pay("1551.61").expect_code(0);
    assert_eq!(status_of(&env, "INV-000001"), ("paid".into(), 0));
    let v = json_of(env.run(&["invoice", "show", "INV-000001", "--json"]).expect_code(0));
    assert_eq!(v["payments"].as_array().map(Vec::len), Some(2));
    let void_paid = env.run(&["invoice", "void", "INV-000001", "--reason", "typo"]);
    void_paid.expect_code(2);
}

#[test]
fn a_void_invoice_refuses_payments_and_its_charges_are_billed_again() {
    let env = books("finance");
    run_at(&env, "2026-03-10", &[]);
    env.run(&["invoice", "void", "INV-000001", "--reason", "wrong monthly amount"])
        .expect_code(0);
    assert_eq!(status_of(&env, "INV-000001"), ("void".into(), 0));
    let before = snapshot(&env.db);
    let r = env.run(&[
        "payment",
        "add",
        "INV-000001",
        "--amount",
        "10.00",
        "--method",
        "ach",
        "--date",
        "2026-03-11",
    ]);
    r.expect_code(2).expect_no_panic();
    assert!(r.stderr.contains("void"), "{r}");
    assert_unchanged(&env.db, &before, "a payment on a void invoice");
    env.run(&["invoice", "void", "INV-000001", "--reason", "again"])
        .expect_code(2);
    let rebilled = run_at(&env, "2026-03-10", &[]);
    let inv = &invoices(&rebilled)[0];
    assert_eq!(
        (&inv["number"], &inv["total_cents"]),
        (&json!("INV-000002"), &json!(255_161))
    );
    let aging = json_of(
        env.run(&["invoice", "aging", "--as-of", "2026-04-20", "--json"])
            .expect_code(0),
    );
    assert_eq!(
        aging["total_cents"], 255_161,
        "a void invoice counted in aging: {aging:#}"
    );
    assert_eq!(aging["buckets"][2]["bucket"], "31-60");
    assert_eq!(aging["buckets"][2]["balance_cents"], 255_161);
}

#[test]
fn a_technician_is_refused_finance_actions_but_may_preview() {
    let env = books("technician");
    let before = snapshot(&env.db);
    for args in [
        &["invoice", "run", "--as-of", "2026-03-10"][..],
        &["invoice", "void", "INV-000001", "--reason", "x"],
        &[
            "payment",
            "add",
            "INV-000001",
            "--amount",
            "1",
            "--method",
            "card",
            "--date",
            "2026-03-10",
        ],
    ] {
        let r = env.run(args);
        r.expect_code(2).expect_no_panic();
        assert!(
            r.stderr.contains("finance or admin") && r.stderr.contains("pimdesk tech set-role"),
            "{}: the refusal does not say which role is needed and how to get it:\n{r}",
            args.join(" ")
        );
        assert_unchanged(&env.db, &before, &args.join(" "));
    }
    assert_eq!(invoices(&run_at(&env, "2026-03-10", &["--dry-run"])).len(), 1);
}

#[test]
fn the_markdown_invoice_carries_the_payment_instructions() {
    let env = books("finance");
    run_at(&env, "2026-03-26", &[]);
    let r = env.run(&["invoice", "show", "INV-000002", "--markdown"]);
    r.expect_code(0);
    for want in [
        "# Invoice INV-000002",
        "Walk-in Accounting",
        "Due upon receipt",
        "payable to ProActive Information Management",
        "ACH",
        "0192131032656766",
        "PayPal",
        "https://pim.myportallogin.com",
        "Credit card",
        "$187.50",
    ] {
        assert!(r.stdout.contains(want), "the invoice document lacks {want:?}:\n{r}");
    }
    let text = env.run(&["invoice", "show", "INV-000002"]);
    assert!(text.expect_code(0).stdout.contains("Due upon receipt"), "{text}");
    env.run(&["invoice", "show", "INV-999999"]).expect_code(2);
}

#[test]
fn the_csv_holds_every_invoice_and_payment() {
    let env = books("finance");
    run_at(&env, "2026-03-26", &[]);
    env.run(&[
        "payment",
        "add",
        "INV-000001",
        "--amount",
        "100",
        "--method",
        "billcom",
        "--date",
        "2026-03-27",
        "--ref",
        "A, \"B\"",
    ])
    .expect_code(0);
    let file = env.path("books.csv");
    env.run(&["invoice", "csv", file.to_str().expect("utf-8")])
        .expect_code(0);
    let csv = std::fs::read_to_string(&file).expect("csv written");
    let rows: Vec<&str> = csv.lines().collect();
    assert_eq!(rows.len(), 1 + 2 + 1, "{csv}");
    assert!(rows[0].starts_with("record,number,company"), "{csv}");
    assert!(
        csv.contains("payment,INV-000001,Acme Family Dental,2026-03-27"),
        "{csv}"
    );
    assert!(csv.contains("\"A, \"\"B\"\"\""), "the reference is not quoted: {csv}");
}

#[test]
fn agreements_are_validated_audited_and_show_prepaid_balances() {
    let env = books("finance");
    let add = |args: &[&str]| {
        let mut all = vec!["agreement", "add", "--company", "Walk-in Accounting"];
        all.extend_from_slice(args);
        env.run(&all)
    };
    let before = snapshot(&env.db);
    add(&["--product", "FITS", "--executed", "2026-11-01", "--monthly=-5.00"]).expect_code(2);
    add(&["--product", "TOASTER", "--executed", "2026-11-01", "--monthly", "5"]).expect_code(2);
    add(&[
        "--product",
        "FITS",
        "--executed",
        "2026-11-01",
        "--monthly",
        "5",
        "--prepaid-hours",
        "3",
    ])
    .expect_code(2);
    assert_unchanged(&env.db, &before, "refused agreements");
    let r = add(&[
        "--product",
        "PREPAID_LABOR",
        "--executed",
        "2026-11-01",
        "--monthly",
        "1500.00",
        "--prepaid-hours",
        "10",
    ]);
    let key = r.expect_code(0).stdout.trim().to_string();
    let end = env.run(&["agreement", "end", &key, "--date", "2026-10-31"]);
    end.expect_code(2);
    assert!(end.stderr.contains("before it was executed"), "{end}");
    // 2 hours logged this month (NOW is 2026-11-25) on a new Walk-in ticket
    env.run(&[
        "ticket",
        "new",
        "--company",
        "Walk-in Accounting",
        "--summary",
        "New laptop",
        "--priority",
        "4",
    ])
    .expect_code(0);
    env.run(&[
        "time",
        "add",
        "3",
        "--minutes",
        "120",
        "--start",
        "2026-11-24T10:00:00-05:00",
    ])
    .expect_code(0);
    let v = json_of(
        env.run(&["agreement", "list", "--company", "Walk-in", "--json"])
            .expect_code(0),
    );
    let prepaid = &v[0]["prepaid"];
    assert_eq!(
        (
            &prepaid["month"],
            &prepaid["allowance_minutes"],
            &prepaid["used_minutes"],
            &prepaid["left_minutes"]
        ),
        (&json!("2026-11"), &json!(600), &json!(120), &json!(480)),
        "{v:#}"
    );
    env.run(&["agreement", "end", &key, "--date", "2026-12-31"])
        .expect_code(0);
    let vm = add(&[
        "--product",
        "VM",
        "--executed",
        "2026-11-02",
        "--monthly",
        "300",
        "--project-fee",
        "900",
    ]);
    let vm = vm.expect_code(0).stdout.trim().to_string();
    env.run(&["agreement", "complete", &key, "--date", "2026-11-20"])
        .expect_code(2);
    env.run(&["agreement", "complete", &vm, "--date", "2026-11-20"])
        .expect_code(0);
    let run = run_at(&env, "2026-11-20", &[]);
    let walk = invoices(&run)
        .iter()
        .find(|i| i["company"] == "Walk-in Accounting")
        .unwrap_or_else(|| panic!("{run:#}"));
    // VM from its completion month: November in full, December in advance, plus the project fee;
    // the prepaid block's November and December (billed from 2026-11-01).
    let kinds = lines(walk);
    assert!(kinds.contains(&("project".into(), 90_000)), "{walk:#}");
    assert_eq!(
        kinds.iter().filter(|(k, a)| k == "recurring" && *a == 30_000).count(),
        2,
        "{walk:#}"
    );
    assert_eq!(
        kinds.iter().filter(|(k, a)| k == "recurring" && *a == 150_000).count(),
        2,
        "{walk:#}"
    );
    let moved = env.run(&["agreement", "complete", &vm, "--date", "2026-11-21"]);
    moved.expect_code(2);
    assert!(moved.stderr.contains("already been billed"), "{moved}");
}

#[test]
fn every_billing_change_leaves_an_audit_row_by_the_current_user() {
    let env = books("finance");
    run_at(&env, "2026-03-26", &[]);
    env.run(&[
        "payment",
        "add",
        "INV-000001",
        "--amount",
        "5",
        "--method",
        "paypal",
        "--date",
        "2026-03-27",
    ])
    .expect_code(0);
    env.run(&["invoice", "void", "INV-000002", "--reason", "sent twice"])
        .expect_code(0);
    let r = env.run(&[
        "agreement",
        "add",
        "--company",
        "Acme",
        "--product",
        "ECHO",
        "--executed",
        "2026-03-27",
        "--monthly",
        "10",
    ]);
    let key = r.expect_code(0).stdout.trim().to_string();
    assert_eq!(key, "acme-echo-2026-03-27");
    env.run(&["agreement", "complete", &key, "--date", "2026-03-30"])
        .expect_code(0);
    let conn =
        rusqlite::Connection::open_with_flags(&env.db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY).expect("open");
    let me: i64 = conn
        .query_row("SELECT id FROM technicians WHERE key = 'me'", [], |r| r.get(0))
        .expect("current user");
    let mut stmt = conn
        .prepare("SELECT entity, field, new, who_id FROM audit WHERE entity IN ('invoice', 'agreement') ORDER BY id")
        .expect("audit query");
    let rows: Vec<(String, String, Option<String>, i64)> = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .expect("audit rows")
        .collect::<Result<_, _>>()
        .expect("audit rows");
    let got: Vec<(&str, &str, &str)> = rows
        .iter()
        .map(|(e, f, n, _)| (e.as_str(), f.as_str(), n.as_deref().unwrap_or("")))
        .collect();
    assert_eq!(
        got,
        [
            ("invoice", "created", "INV-000001"),
            ("invoice", "created", "INV-000002"),
            ("invoice", "payment", "$5.00 by PayPal on 2026-03-27"),
            ("invoice", "void", "sent twice"),
            ("agreement", "created", "acme-echo-2026-03-27"),
            ("agreement", "project_completed", "2026-03-30"),
        ]
    );
    assert!(rows.iter().all(|r| r.3 == me), "{rows:?}");
}

/// The current user (finance), Acme with `agreement` and tickets t1..tN
/// resolved on the given local days (ids 1..N), each with the given
/// billable entries `(ticket, start, minutes)`.
fn books_with(agreement: Value, tickets: &[&str], entries: &[(&str, &str, u32)]) -> Env {
    let env = Env::new();
    let me = current_login(&env);
    let tickets: Vec<Value> = tickets
        .iter()
        .enumerate()
        .map(|(i, day)| {
            json!({"key": format!("t{}", i + 1), "company": "acme", "summary": format!("Ticket {}", i + 1),
                   "priority": 3, "status": "Resolved", "board": "Service Desk", "source": "phone",
                   "opened": format!("{day}T08:00:00-05:00"), "first_response": format!("{day}T08:05:00-05:00"),
                   "resolved": format!("{day}T16:00:00-05:00")})
        })
        .collect();
    let entries: Vec<Value> = entries
        .iter()
        .map(|(t, start, minutes)| json!({"ticket": t, "start": start, "minutes": minutes, "billable": true}))
        .collect();
    let doc = json!({
      "companies": [{"key":"acme","name":"Acme Family Dental","industry":"healthcare"}],
      "technicians": [{"key":"me","name":"Current User","login":me,"role":"finance"}],
      "agreements": [agreement], "tickets": tickets, "time_entries": entries
    });
    let file = env.write("books.json", &doc.to_string());
    env.run(&["import", file.to_str().expect("utf-8 path")]).expect_code(0);
    env
}

fn agreement_json(product: &str, executed: &str, ended: Option<&str>, monthly: i64, rate: i64, hours: u32) -> Value {
    json!({"key":"a1","company":"acme","product":product,"executed":executed,"project_completed":null,"ended":ended,
           "onboarding_fee_cents":0,"monthly_cents":monthly,"project_fee_cents":0,"labor_rate_cents":rate,
           "prepaid_hours_per_month":hours})
}

/// (kind, minutes, amount_cents) of every line of every invoice.
fn labor_lines(v: &Value) -> Vec<(String, i64, i64)> {
    invoices(v)
        .iter()
        .flat_map(|i| i["lines"].as_array().expect("lines").iter())
        .map(|l| {
            let kind = l["kind"].as_str().expect("kind").to_string();
            (
                kind,
                l["minutes"].as_i64().expect("minutes"),
                l["amount_cents"].as_i64().expect("amount"),
            )
        })
        .collect()
}

fn billed_total(v: &Value) -> i64 {
    invoices(v)
        .iter()
        .map(|i| i["total_cents"].as_i64().expect("total"))
        .sum()
}

#[test]
fn a_back_dated_entry_finds_the_prepaid_hour_drawn_and_is_billed_as_overage() {
    // PREPAID_LABOR 1 h a month, $100/h beyond it; 90 min on Feb 10.
    let block = agreement_json("PREPAID_LABOR", "2026-01-01", None, 0, 10_000, 1);
    let env = books_with(
        block,
        &["2026-02-10", "2026-02-03"],
        &[("t1", "2026-02-10T09:00:00-05:00", 90)],
    );
    let first = run_at(&env, "2026-02-16", &[]);
    assert_eq!(
        labor_lines(&first),
        [("contract_labor".into(), 30, 5_000), ("prepaid_labor".into(), 60, 0)],
        "{first:#}"
    );
    // Then 30 minutes dated Feb 3 are logged on the other ticket.
    env.run(&[
        "time",
        "add",
        "2",
        "--minutes",
        "30",
        "--start",
        "2026-02-03T09:00:00-05:00",
    ])
    .expect_code(0);
    let second = run_at(&env, "2026-02-17", &[]);
    assert_eq!(
        labor_lines(&second),
        [("contract_labor".into(), 30, 5_000)],
        "{second:#}"
    );
    // $100 in all: what one run over both entries bills.
    assert_eq!(billed_total(&first) + billed_total(&second), 10_000);
}

#[test]
fn contract_and_non_contract_labor_of_one_ticket_are_separate_lines_everywhere() {
    // SMS at $150/h ending Mar 10; 10 min on its last day, 20 min the day after.
    let sms = agreement_json("SMS", "2026-01-01", Some("2026-03-10"), 0, 15_000, 0);
    let entries = [
        ("t1", "2026-03-10T09:00:00-05:00", 10),
        ("t1", "2026-03-11T09:00:00-05:00", 20),
    ];
    let env = books_with(sms, &["2026-03-11"], &entries);
    let v = run_at(&env, "2026-03-25", &[]);
    assert_eq!(
        labor_lines(&v),
        [("labor".into(), 30, 7_500), ("contract_labor".into(), 15, 3_750)],
        "{v:#}"
    );
    let descriptions: Vec<&str> = invoices(&v)[0]["lines"]
        .as_array()
        .expect("lines")
        .iter()
        .map(|l| l["description"].as_str().expect("description"))
        .collect();
    assert_eq!(
        descriptions,
        [
            "Non-contract labor, ticket #1 at $150.00/h",
            "Contract labor, ticket #1 at $150.00/h"
        ]
    );
    let number = invoices(&v)[0]["number"].as_str().expect("number").to_string();
    let shown = json_of(env.run(&["invoice", "show", &number, "--json"]).expect_code(0));
    let kinds: Vec<&str> = shown["lines"]
        .as_array()
        .expect("lines")
        .iter()
        .map(|l| l["kind"].as_str().expect("kind"))
        .collect();
    assert_eq!(kinds, ["labor", "contract_labor"], "{shown:#}");
    let md = env.run(&["invoice", "show", &number, "--markdown"]);
    let md = &md.expect_code(0).stdout;
    let row = |kind: &str| {
        md.lines()
            .find(|l| l.contains(&format!("| {kind} |")))
            .map(str::to_string)
    };
    let non_contract = row("Non-contract labor").unwrap_or_else(|| panic!("{md}"));
    let contract = row("Contract labor").unwrap_or_else(|| panic!("{md}"));
    assert!(
        non_contract.contains("0h 30m") && non_contract.contains("$75.00"),
        "{md}"
    );
    assert!(contract.contains("0h 15m") && contract.contains("$37.50"), "{md}");
}

#[test]
fn moving_an_end_date_later_bills_the_rest_of_the_month_on_the_next_run() {
    // SMS at $1,000 a month, ending Feb 14: February billed prorated, $500.
    let sms = agreement_json("SMS", "2026-02-01", Some("2026-02-14"), 100_000, 15_000, 0);
    let env = books_with(sms, &[], &[]);
    let feb = run_at(&env, "2026-02-01", &[]);
    assert_eq!(lines(&invoices(&feb)[0]), [("recurring".into(), 50_000)], "{feb:#}");
    let later = env.run(&["agreement", "end", "a1", "--date", "2026-04-30"]);
    let says = "note: billed in part: February 2026; the next invoice run bills the rest";
    assert!(later.expect_code(0).stderr.contains(says), "{later}");
    let next = run_at(&env, "2026-02-02", &[]);
    let got: Vec<(i64, &str, &str)> = invoices(&next)[0]["lines"]
        .as_array()
        .expect("lines")
        .iter()
        .map(|l| {
            let s = |k: &str| l[k].as_str().unwrap_or_default();
            (
                l["amount_cents"].as_i64().expect("amount"),
                s("period_start"),
                s("period_end"),
            )
        })
        .collect();
    // The rest of February as its own line, and March now that it is active.
    assert_eq!(
        got,
        [
            (50_000, "2026-02-15", "2026-02-28"),
            (100_000, "2026-03-01", "2026-03-31")
        ],
        "{next:#}"
    );
    assert!(invoices(&run_at(&env, "2026-02-02", &[])).is_empty(), "billed once");
    // Moving it earlier again still names what was over-billed.
    let earlier = env.run(&["agreement", "end", "a1", "--date", "2026-03-20"]);
    let says = "note: already billed in full: March 2026;";
    assert!(earlier.expect_code(0).stderr.contains(says), "{earlier}");
    assert!(!earlier.stderr.contains("February"), "{earlier}");
}

#[test]
fn the_prepaid_balance_caps_hours_used_at_the_allowance_and_shows_overage_apart() {
    // 2 h a month; 2 h 45 m logged in November (NOW is 2026-11-25).
    let block = agreement_json("PREPAID_LABOR", "2026-01-01", None, 0, 10_000, 2);
    let entries = [
        ("t1", "2026-11-02T09:00:00-05:00", 90),
        ("t1", "2026-11-20T09:00:00-05:00", 75),
    ];
    let env = books_with(block, &["2026-11-20"], &entries);
    let v = json_of(env.run(&["agreement", "list", "--json"]).expect_code(0));
    let p = &v[0]["prepaid"];
    let got = [
        &p["allowance_minutes"],
        &p["used_minutes"],
        &p["left_minutes"],
        &p["overage_minutes"],
    ];
    assert_eq!(got, [&json!(120), &json!(120), &json!(0), &json!(45)], "{v:#}");
    let text = env.run(&["agreement", "list"]);
    let text = &text.expect_code(0).stdout;
    assert!(
        text.contains("prepaid 2026-11: 2h 00m of 2h 00m used, 0h 00m left; 0h 45m over, billed as contract labor"),
        "{text}"
    );
    assert!(!text.contains("-0h"), "{text}");
}
