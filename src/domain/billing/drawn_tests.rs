//! Worked examples of charges that must add up whatever order the books are
//! written and billed in: prepaid hours drawn once, one line per kind, and
//! the rest of a month owed after an end date moves later.

use super::tests::{agreement, d, done, entry, only, summary, Books};
use super::*;
use crate::domain::money::Cents;

/// PREPAID_LABOR, 1 h a month, $100/h beyond it.
fn one_hour_block() -> Agreement {
    let mut block = agreement(1, 10, Product::PrepaidLabor, "2026-01-01");
    block.prepaid_hours_per_month = 1;
    block.labor_rate = Cents(10_000);
    block
}

fn labor_total(invoices: &[PlannedInvoice]) -> Cents {
    invoices.iter().map(|i| i.total).sum()
}

#[test]
fn a_back_dated_entry_after_the_allowance_was_billed_is_overage() {
    let feb10 = done(entry(1, 100, 10, "2026-02-10 09:00", 90), "2026-02-10");
    let mut books = Books::new(vec![one_hour_block()], vec![feb10]);
    let first = only(books.run("2026-02-16"));
    assert_eq!(
        summary(&first),
        [("contract_labor", 5_000, 30), ("prepaid_labor", 0, 60)]
    );
    // Logged later, dated Feb 3, on another ticket: the hour is gone.
    books
        .entries
        .push(done(entry(2, 200, 10, "2026-02-03 09:00", 30), "2026-02-03"));
    let second = only(books.run("2026-02-17"));
    assert_eq!(summary(&second), [("contract_labor", 5_000, 30)]);
    // $100 in all, as one run over both entries bills.
    let mut once = Books::new(vec![one_hour_block()], books.entries.clone());
    let all = once.run("2026-02-17");
    assert_eq!(labor_total(&[first, second]), Cents(10_000));
    assert_eq!(labor_total(&all), Cents(10_000));
}

#[test]
fn an_unbilled_earlier_entry_keeps_its_place_in_the_allowance() {
    // Feb 3 on an open ticket (billed the Monday after); Feb 5 closed at once.
    let early = entry(1, 100, 10, "2026-02-03 09:00", 45);
    let late = done(entry(2, 200, 10, "2026-02-05 09:00", 45), "2026-02-05");
    let mut books = Books::new(vec![one_hour_block()], vec![early, late]);
    let first = only(books.run("2026-02-06"));
    assert_eq!(
        summary(&first),
        [("contract_labor", 5_000, 30), ("prepaid_labor", 0, 15)]
    );
    let second = only(books.run("2026-02-09"));
    assert_eq!(summary(&second), [("prepaid_labor", 0, 45)]);
}

#[test]
fn contract_and_non_contract_labor_of_one_ticket_are_two_lines_at_one_rate() {
    let mut sms = agreement(1, 10, Product::Sms, "2026-01-01");
    sms.ended = Some(d("2026-03-10"));
    sms.labor_rate = Cents(15_000);
    let entries = vec![
        done(entry(1, 100, 10, "2026-03-10 09:00", 10), "2026-03-11"),
        done(entry(2, 100, 10, "2026-03-11 09:00", 20), "2026-03-11"),
    ];
    let mut books = Books::new(vec![sms], entries);
    let lines: Vec<_> = books
        .run("2026-03-25")
        .into_iter()
        .flat_map(|i| i.lines)
        .filter(|l| l.kind.is_billed_labor())
        .map(|l| (l.kind.as_str(), l.minutes, l.amount.0, l.description))
        .collect();
    assert_eq!(
        lines,
        [
            (
                "labor",
                30,
                7_500,
                "Non-contract labor, ticket #100 at $150.00/h".to_string()
            ),
            (
                "contract_labor",
                15,
                3_750,
                "Contract labor, ticket #100 at $150.00/h".to_string()
            ),
        ]
    );
}

fn sms_ending(ended: &str) -> Agreement {
    let mut sms = agreement(1, 10, Product::Sms, "2026-02-01");
    sms.monthly = Cents(100_000);
    sms.ended = Some(d(ended));
    sms
}

#[test]
fn an_end_date_moved_later_bills_the_rest_of_the_billed_month() {
    let mut books = Books::new(vec![sms_ending("2026-02-14")], vec![]);
    let feb = only(books.run("2026-02-01"));
    assert_eq!(summary(&feb), [("recurring", 50_000, 0)]);
    books.agreements[0].ended = Some(d("2026-04-30"));
    let next = only(books.run("2026-02-02"));
    let rest: Vec<_> = next
        .lines
        .iter()
        .map(|l| (l.amount.0, l.period_start, l.period_end))
        .collect();
    assert_eq!(
        rest,
        [
            (50_000, Some(d("2026-02-15")), Some(d("2026-02-28"))),
            (100_000, Some(d("2026-03-01")), Some(d("2026-03-31"))),
        ]
    );
    assert!(
        next.lines[0].description.contains("rest after the end date moved"),
        "{next:?}"
    );
    assert!(books.run("2026-03-01").iter().all(|i| i.lines.len() == 1), "April only");
    assert!(books.run("2026-04-30").is_empty());
}

#[test]
fn an_end_date_moved_earlier_then_later_bills_only_what_was_not_billed() {
    let mut books = Books::new(vec![sms_ending("2026-02-14")], vec![]);
    only(books.run("2026-02-01"));
    books.agreements[0].ended = Some(d("2026-02-07"));
    assert!(books.run("2026-02-02").is_empty(), "no credit by itself");
    books.agreements[0].ended = Some(d("2026-02-21"));
    let rest = only(books.run("2026-02-03"));
    assert_eq!(summary(&rest), [("recurring", 25_000, 0)]);
    assert_eq!(rest.lines[0].period_start, Some(d("2026-02-15")));
}

fn block(id: i64, executed: &str, hours: u32) -> Agreement {
    let mut block = agreement(id, 10, Product::PrepaidLabor, executed);
    block.prepaid_hours_per_month = hours;
    block
}

fn balances(
    carry_over: bool,
    blocks: &[Agreement],
    entries: &[LaborEntry],
    billed: &Billed,
) -> Vec<(i64, i64, i64, i64)> {
    prepaid_balances(carry_over, blocks, entries, billed, d("2026-11-25"))
        .into_iter()
        .map(|(id, b)| (id, b.allowance_minutes, b.used_minutes, b.overage_minutes))
        .collect()
}

#[test]
fn the_balance_counts_this_month_caps_used_at_the_allowance_and_shows_overage() {
    let entries = [
        entry(1, 1, 10, "2026-10-30 09:00", 600), // last month: not counted
        entry(2, 1, 10, "2026-11-02 09:00", 90),
        entry(3, 1, 10, "2026-11-20 09:00", 75),
    ];
    let got = balances(false, &[block(1, "2026-01-15", 2)], &entries, &Billed::default());
    assert_eq!(got, [(1, 120, 120, 45)]);
}

#[test]
fn the_balance_fills_the_oldest_block_first_and_charges_overage_to_the_newest() {
    let blocks = [block(2, "2026-06-01", 1), block(1, "2026-02-01", 1)];
    let got = balances(
        false,
        &blocks,
        &[entry(1, 1, 10, "2026-11-03 10:00", 150)],
        &Billed::default(),
    );
    assert_eq!(got, [(2, 60, 60, 30), (1, 60, 60, 0)]);
}

#[test]
fn the_balance_with_carry_over_counts_from_execution() {
    let got = balances(
        true,
        &[block(1, "2026-10-01", 1)],
        &[entry(1, 1, 10, "2026-10-03 10:00", 30)],
        &Billed::default(),
    );
    assert_eq!(got, [(1, 120, 30, 0)]);
}

#[test]
fn the_balance_reads_billed_draws_as_the_run_does() {
    // 90 min billed on Nov 10 (60 prepaid, 30 over); then 30 min dated Nov 3.
    let mut books = Books::new(
        vec![block(1, "2026-01-01", 1)],
        vec![done(entry(1, 1, 10, "2026-11-10 09:00", 90), "2026-11-10")],
    );
    books.run("2026-11-16");
    books.entries.push(entry(2, 2, 10, "2026-11-03 09:00", 30));
    let got = balances(false, &books.agreements, &books.entries, &books.billed);
    assert_eq!(got, [(1, 60, 60, 60)]);
}
