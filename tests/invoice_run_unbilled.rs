//! An invoice run reads only what can still be billed (the unbilled entries,
//! and the billed entries of a prepaid block's months). These tests check it
//! bills exactly what a run over the whole history bills, back-dated entries
//! and prepaid blocks included, and that the store's count of billed charges
//! per entry follows runs and voids.

use chrono::{DateTime, Days, NaiveDate, TimeZone, Utc};
use rusqlite::{params, Connection};

use pimdesk::config::Config;
use pimdesk::demo::{self, DemoOptions};
use pimdesk::domain::billing::{
    billable_items, key_has_minutes, plan_run, Billed, BilledItem, ItemKey, PlannedInvoice,
};
use pimdesk::domain::money::Cents;
use pimdesk::store;
use pimdesk::store::billing::run::{plan, RunSettings};
use pimdesk::store::billing::{ledger, load_agreements, load_entries};

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 25, 15, 0, 0).unwrap()
}

fn store() -> (tempfile::TempDir, Connection) {
    let dir = tempfile::tempdir().unwrap();
    let mut conn = store::open(&dir.path().join("s.db"), &store::OpenOptions::default()).unwrap();
    let opts = DemoOptions { tickets: 1200, seed: 9 };
    demo::generate(&mut conn, &Config::defaults(), opts, now()).unwrap();
    (dir, conn)
}

/// What the run bills when it reads every entry and every billed charge.
fn plan_over_history(conn: &Connection, settings: &RunSettings, as_of: NaiveDate) -> Vec<PlannedInvoice> {
    let agreements = load_agreements(conn, None).unwrap();
    let entries = load_entries(conn, settings.tz, None, Some(as_of)).unwrap();
    let mut billed = Billed::default();
    let mut stmt = conn
        .prepare(
            "SELECT b.item_key, b.minutes, l.amount_cents, l.period_end
               FROM billed_items b JOIN invoice_lines l ON l.id = b.line_id",
        )
        .unwrap();
    let rows = stmt
        .query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, Option<u32>>(1)?,
                r.get::<_, i64>(2)?,
                r.get::<_, Option<String>>(3)?,
            ))
        })
        .unwrap();
    for row in rows {
        let (key, minutes, amount, end) = row.unwrap();
        let key = ItemKey::decode(&key).unwrap();
        let recurring = matches!(key, ItemKey::Recurring { .. } | ItemKey::RecurringRest { .. });
        let item = BilledItem {
            minutes,
            amount: if recurring { Cents(amount) } else { Cents::ZERO },
            period_end: end
                .filter(|_| recurring)
                .map(|d| NaiveDate::parse_from_str(&d, "%Y-%m-%d").unwrap()),
        };
        assert!(recurring || !key_has_minutes(&key) || item.amount == Cents::ZERO);
        billed.insert(key, item);
    }
    let items = billable_items(&settings.rules, &agreements, &entries, &billed, as_of);
    plan_run(&settings.rules, items, &billed, as_of)
}

/// Entries whose count of billed charges disagrees with billed_items.
fn miscounted(conn: &Connection) -> i64 {
    conn.query_row(
        "SELECT count(*) FROM time_entries te WHERE te.billed <> (SELECT count(*) FROM billed_items b
           WHERE b.item_key IN ('labor:' || te.id, 'prepaid_labor:' || te.id))",
        [],
        |r| r.get(0),
    )
    .unwrap()
}

/// Back-dated billable entries on tickets of every kind of company: with and
/// without a prepaid block, on open and resolved tickets, months back.
fn log_late_time(conn: &Connection) {
    let tickets: Vec<i64> = conn
        .prepare("SELECT id FROM tickets ORDER BY id LIMIT 400")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    for (i, ticket) in tickets.iter().enumerate() {
        let days_back = [3u64, 20, 45, 75, 140][i % 5];
        let start = now().checked_sub_days(Days::new(days_back)).unwrap().timestamp();
        conn.execute(
            "INSERT INTO time_entries (ticket_id, technician_id, start, minutes, billable, note)
             VALUES (?1, NULL, ?2, ?3, 1, 'logged late')",
            params![ticket, start, 15 + (i as i64 % 7) * 20],
        )
        .unwrap();
    }
}

fn settings(carry_over: bool) -> RunSettings {
    let mut config = Config::defaults();
    config.billing.prepaid_carry_over = carry_over;
    RunSettings::from_config(&config)
}

#[test]
fn a_run_bills_what_a_run_over_the_whole_history_bills() {
    let (_dir, conn) = store();
    assert!(
        conn.query_row("SELECT count(*) FROM billed_items", [], |r| r.get::<_, i64>(0))
            .unwrap()
            > 100,
        "the demo's runs billed its history"
    );
    log_late_time(&conn);
    let today = NaiveDate::from_ymd_opt(2026, 11, 25).unwrap();
    for carry_over in [false, true] {
        let settings = settings(carry_over);
        for as_of in [today, today + Days::new(7), today + Days::new(40)] {
            let ours = plan(&conn, &settings, as_of).unwrap();
            assert!(!ours.is_empty(), "the late time is due by {as_of}");
            assert_eq!(
                ours,
                plan_over_history(&conn, &settings, as_of),
                "carry-over {carry_over}, as of {as_of}"
            );
        }
    }
}

/// A technician who may bill (the store checks the writer's role).
fn finance(conn: &Connection) -> i64 {
    conn.query_row(
        "SELECT id FROM technicians WHERE role IN ('finance', 'admin') ORDER BY id LIMIT 1",
        [],
        |r| r.get(0),
    )
    .unwrap()
}

#[test]
fn a_technician_cannot_bill_even_through_the_store() {
    let (_dir, conn) = store();
    log_late_time(&conn);
    let tech: i64 = conn
        .query_row(
            "SELECT id FROM technicians WHERE role = 'technician' ORDER BY id LIMIT 1",
            [],
            |r| r.get(0),
        )
        .unwrap();
    let invoices = |c: &Connection| -> i64 { c.query_row("SELECT count(*) FROM invoices", [], |r| r.get(0)).unwrap() };
    let before = invoices(&conn);
    let as_of = NaiveDate::from_ymd_opt(2026, 11, 30).unwrap();
    let err = store::billing::run(&conn, &settings(false), as_of, false, tech, now().timestamp()).unwrap_err();
    assert!(err.to_string().contains("finance or admin role"), "{err}");
    assert_eq!(invoices(&conn), before, "a refused run wrote invoices");
    // A dry run is anyone's.
    assert!(
        !store::billing::run(&conn, &settings(false), as_of, true, tech, now().timestamp())
            .unwrap()
            .is_empty()
    );
}

#[test]
fn billing_and_voiding_keep_each_entrys_count_of_billed_charges() {
    let (_dir, conn) = store();
    let who = finance(&conn);
    assert_eq!(miscounted(&conn), 0, "after the demo's runs");
    let billed_before: i64 = conn
        .query_row("SELECT count(*) FROM time_entries WHERE billed > 0", [], |r| r.get(0))
        .unwrap();
    log_late_time(&conn);
    let settings = settings(false);
    let as_of = NaiveDate::from_ymd_opt(2026, 11, 30).unwrap();
    let written = store::billing::run(&conn, &settings, as_of, false, who, now().timestamp()).unwrap();
    assert!(!written.is_empty());
    assert_eq!(miscounted(&conn), 0, "after a run");
    let billed_after: i64 = conn
        .query_row("SELECT count(*) FROM time_entries WHERE billed > 0", [], |r| r.get(0))
        .unwrap();
    assert!(billed_after > billed_before, "the run billed the late time");
    assert!(
        plan(&conn, &settings, as_of).unwrap().is_empty(),
        "nothing is left to bill"
    );

    ledger::void(&conn, &written[0].number, "wrong client", who, now().timestamp()).unwrap();
    assert_eq!(miscounted(&conn), 0, "after a void");
    let again = plan(&conn, &settings, as_of).unwrap();
    assert_eq!(again.len(), 1, "the void invoice's charges are billable again");
    assert_eq!(again[0].total, written[0].total);
}

/// With carry-over a late entry draws on what is left of every month bought
/// so far: the months already billed count, though none of them is unbilled.
#[test]
fn a_late_entry_under_carry_over_draws_only_what_the_billed_months_left() {
    let (_dir, conn) = store();
    let who = finance(&conn);
    conn.execute_batch(
        "INSERT INTO companies (key, name, industry) VALUES ('blockco', 'Block Co', 'legal');
         INSERT INTO agreements (key, company_id, product, executed, onboarding_fee_cents, monthly_cents,
                                 project_fee_cents, labor_rate_cents, prepaid_hours_per_month)
           VALUES ('blockco-hours', (SELECT id FROM companies WHERE key = 'blockco'), 'PREPAID_LABOR', '2026-09-01', 0, 12500, 0, 12500, 1);
         INSERT INTO tickets (company_id, summary, priority, status, board, source, opened, updated)
           VALUES ((SELECT id FROM companies WHERE key = 'blockco'), 'Backups', 3, 'In Progress', 'Service Desk',
                   'phone', 1788000000, 1788000000);",
    )
    .unwrap();
    let ticket: i64 = conn.query_row("SELECT max(id) FROM tickets", [], |r| r.get(0)).unwrap();
    let log = |conn: &Connection, day: (u32, u32), minutes: i64| {
        let start = Utc.with_ymd_and_hms(2026, day.0, day.1, 15, 0, 0).unwrap().timestamp();
        conn.execute(
            "INSERT INTO time_entries (ticket_id, start, minutes, billable, note) VALUES (?1, ?2, ?3, 1, '')",
            params![ticket, start, minutes],
        )
        .unwrap();
    };
    let settings = settings(true);
    let date = |m, d| NaiveDate::from_ymd_opt(2026, m, d).unwrap();
    // September and October each draw their hour, and are billed.
    log(&conn, (9, 9), 60);
    store::billing::run(&conn, &settings, date(10, 1), false, who, now().timestamp()).unwrap();
    log(&conn, (10, 7), 60);
    store::billing::run(&conn, &settings, date(11, 1), false, who, now().timestamp()).unwrap();
    // November: 90 minutes, of which the third hour bought covers 60.
    log(&conn, (11, 18), 90);
    let as_of = date(11, 30);
    let ours = plan(&conn, &settings, as_of).unwrap();
    assert_eq!(ours, plan_over_history(&conn, &settings, as_of));
    let block_co: i64 = conn
        .query_row("SELECT id FROM companies WHERE key = 'blockco'", [], |r| r.get(0))
        .unwrap();
    let invoice = ours
        .iter()
        .find(|i| i.company_id == block_co)
        .expect("Block Co is billed");
    let prepaid: u32 = invoice
        .lines
        .iter()
        .filter(|l| l.kind == pimdesk::domain::billing::LineKind::PrepaidLabor)
        .map(|l| l.minutes)
        .sum();
    assert_eq!(prepaid, 60, "{invoice:#?}");
}
