//! Worked examples a finance person would check by hand.

use chrono::{NaiveDate, NaiveDateTime};

use super::*;
use crate::domain::money::Cents;

pub(super) fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

pub(super) fn at(s: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
}

pub(super) fn agreement(id: i64, company: i64, product: Product, executed: &str) -> Agreement {
    Agreement {
        id,
        company_id: company,
        product,
        executed: d(executed),
        project_completed: None,
        ended: None,
        onboarding_fee: Cents::ZERO,
        monthly: Cents::ZERO,
        project_fee: Cents::ZERO,
        labor_rate: Cents::ZERO,
        prepaid_hours_per_month: 0,
    }
}

pub(super) fn entry(id: i64, ticket: i64, company: i64, start: &str, minutes: u32) -> LaborEntry {
    LaborEntry {
        id,
        ticket_id: ticket,
        company_id: company,
        start: at(start),
        minutes,
        billable: true,
        ticket_completed: None,
    }
}

pub(super) fn done(mut e: LaborEntry, completed: &str) -> LaborEntry {
    e.ticket_completed = Some(d(completed));
    e
}

/// One invoice run that records what it billed in `billed`.
pub(super) struct Books {
    pub(super) rules: BillingRules,
    pub(super) agreements: Vec<Agreement>,
    pub(super) entries: Vec<LaborEntry>,
    pub(super) billed: Billed,
}

impl Books {
    pub(super) fn new(agreements: Vec<Agreement>, entries: Vec<LaborEntry>) -> Self {
        Books {
            rules: BillingRules::pim_default(),
            agreements,
            entries,
            billed: Billed::default(),
        }
    }

    pub(super) fn run(&mut self, as_of: &str) -> Vec<PlannedInvoice> {
        let as_of = d(as_of);
        let items = billable_items(&self.rules, &self.agreements, &self.entries, &self.billed, as_of);
        let invoices = plan_run(&self.rules, items, &self.billed, as_of);
        for key in invoices.iter().flat_map(|i| &i.lines).flat_map(|l| &l.items) {
            assert!(!self.billed.contains(key), "{key} billed twice");
        }
        self.billed.record(&invoices);
        invoices
    }
}

/// (kind, amount in cents, minutes) of every line, for compact asserts.
pub(super) fn summary(inv: &PlannedInvoice) -> Vec<(&'static str, i64, u32)> {
    inv.lines
        .iter()
        .map(|l| (l.kind.as_str(), l.amount.0, l.minutes))
        .collect()
}

pub(super) fn only(invoices: Vec<PlannedInvoice>) -> PlannedInvoice {
    assert_eq!(invoices.len(), 1, "{invoices:#?}");
    invoices.into_iter().next().unwrap()
}

#[test]
fn sms_prorated_in_a_31_day_month_and_next_month_in_full() {
    let mut sms = agreement(1, 10, Product::Sms, "2026-03-10");
    sms.monthly = Cents(120_000);
    sms.onboarding_fee = Cents(50_000);
    let mut books = Books::new(vec![sms], vec![]);
    assert!(books.run("2026-03-09").is_empty());
    let inv = only(books.run("2026-03-10"));
    // onboarding $500.00; March 1200 × 22/31 = $851.61; April $1,200.00
    assert_eq!(
        summary(&inv),
        [
            ("onboarding", 50_000, 0),
            ("recurring", 85_161, 0),
            ("recurring", 120_000, 0)
        ]
    );
    assert_eq!(inv.total, Cents(255_161));
    assert_eq!(inv.total.to_string(), "$2,551.61");
    assert_eq!((inv.date, inv.due), (d("2026-03-10"), d("2026-03-10")));
    let march = &inv.lines[1];
    assert_eq!(
        (march.period_start, march.period_end),
        (Some(d("2026-03-10")), Some(d("2026-03-31")))
    );
    assert_eq!(march.items, [ItemKey::decode("recurring:1:2026-03").unwrap()]);
    assert!(march.description.contains("prorated 22/31"), "{}", march.description);
    // the same date again bills nothing; nothing more until 1 April (May)
    assert!(books.run("2026-03-10").is_empty());
    assert!(books.run("2026-03-31").is_empty());
    let may = only(books.run("2026-04-01"));
    assert_eq!(summary(&may), [("recurring", 120_000, 0)]);
    assert_eq!(may.lines[0].period_start, Some(d("2026-05-01")));
}

#[test]
fn fits_prorated_in_a_30_day_month_and_final_month_prorated() {
    let mut fits = agreement(2, 20, Product::Fits, "2026-06-16");
    fits.monthly = Cents(90_000);
    fits.ended = Some(d("2026-09-20"));
    let mut books = Books::new(vec![fits], vec![]);
    let june = only(books.run("2026-06-16"));
    // June 900 × 15/30 = $450.00, July in full
    assert_eq!(summary(&june), [("recurring", 45_000, 0), ("recurring", 90_000, 0)]);
    assert_eq!(only(books.run("2026-07-01")).total, Cents(90_000)); // August
    let sept = only(books.run("2026-08-01"));
    // September 900 × 20/30 = $600.00, ending on the 20th
    assert_eq!(summary(&sept), [("recurring", 60_000, 0)]);
    assert_eq!(sept.lines[0].period_end, Some(d("2026-09-20")));
    assert!(books.run("2027-06-01").is_empty(), "nothing after the end");
}

#[test]
fn february_proration_in_common_and_leap_years() {
    let mut prepaid = agreement(3, 30, Product::PrepaidLabor, "2027-02-15");
    prepaid.monthly = Cents(100_000);
    let mut sms = agreement(4, 31, Product::Sms, "2028-02-10");
    sms.monthly = Cents(100_000);
    let mut books = Books::new(vec![prepaid, sms], vec![]);
    // Feb 2027: 1000 × 14/28 = $500.00
    let feb27 = only(books.run("2027-02-15"));
    assert_eq!(summary(&feb27), [("recurring", 50_000, 0), ("recurring", 100_000, 0)]);
    // Feb 2028 (29 days): 1000 × 20/29 = $689.655… → $689.66
    let invs = books.run("2028-02-10");
    let leap = invs.iter().find(|i| i.company_id == 31).unwrap();
    assert_eq!(summary(leap), [("recurring", 68_966, 0), ("recurring", 100_000, 0)]);
    assert_eq!(leap.lines[0].period_end, Some(d("2028-02-29")));
}

#[test]
fn vm_bills_from_its_completion_month() {
    let mut vm = agreement(5, 50, Product::Vm, "2026-03-01");
    vm.onboarding_fee = Cents(25_000);
    vm.monthly = Cents(30_000);
    vm.project_fee = Cents(200_000);
    let mut books = Books::new(vec![vm], vec![]);
    // before completion: only the onboarding fee, at execution
    assert_eq!(summary(&only(books.run("2026-05-19"))), [("onboarding", 25_000, 0)]);
    books.agreements[0].project_completed = Some(d("2026-05-20"));
    assert!(books.run("2026-05-19").is_empty());
    let inv = only(books.run("2026-05-20"));
    // May in full (starts the 1st), June billed on completion too, project fee
    assert_eq!(
        summary(&inv),
        [
            ("recurring", 30_000, 0),
            ("recurring", 30_000, 0),
            ("project", 200_000, 0)
        ]
    );
    assert_eq!(inv.lines[0].period_start, Some(d("2026-05-01")));
    assert_eq!(inv.lines[1].period_start, Some(d("2026-06-01")));
    assert_eq!(inv.total.to_string(), "$2,600.00");
    assert_eq!(summary(&only(books.run("2026-06-01"))), [("recurring", 30_000, 0)]);
}

#[test]
fn long_open_ticket_is_billed_weekly_on_contract() {
    let mut sms = agreement(6, 60, Product::Sms, "2026-01-01");
    sms.labor_rate = Cents(12_500);
    let entries = vec![
        entry(1, 600, 60, "2026-03-02 09:00", 60), // Monday, ISO week 10
        entry(2, 600, 60, "2026-03-04 13:00", 45),
        entry(3, 600, 60, "2026-03-08 10:00", 20), // Sunday, same week
        entry(4, 600, 60, "2026-03-09 08:00", 30), // Monday, week 11
    ];
    let mut books = Books::new(vec![sms], entries);
    assert!(books.run("2026-03-08").is_empty());
    let week10 = only(books.run("2026-03-09"));
    // 125 worked → 135 billed at $125/h = $281.25
    assert_eq!(summary(&week10), [("contract_labor", 28_125, 135)]);
    assert_eq!(week10.lines[0].worked_minutes, 125);
    assert_eq!(week10.lines[0].ticket_id, Some(600));
    assert_eq!(week10.lines[0].unit_cents, Cents(12_500));
    let week11 = only(books.run("2026-03-16"));
    assert_eq!(summary(&week11), [("contract_labor", 6_250, 30)]); // $62.50
}

#[test]
fn contract_labor_bills_at_completion_when_before_monday() {
    let mut fits = agreement(7, 70, Product::Fits, "2026-01-01");
    fits.labor_rate = Cents(10_000);
    let e = done(entry(1, 700, 70, "2026-03-10 09:00", 60), "2026-03-12");
    let mut books = Books::new(vec![fits], vec![e]);
    assert!(books.run("2026-03-11").is_empty());
    assert_eq!(
        summary(&only(books.run("2026-03-12"))),
        [("contract_labor", 10_000, 60)]
    );
}

#[test]
fn non_contract_labor_waits_14_days_after_completion_and_rounds_to_15() {
    let e = done(entry(1, 800, 80, "2026-03-30 10:00", 70), "2026-04-01");
    let mut books = Books::new(vec![], vec![e]);
    assert!(books.run("2026-04-14").is_empty(), "completion + 13");
    let inv = only(books.run("2026-04-15"));
    // 70 minutes → 75 at $150.00/h = $187.50
    assert_eq!(summary(&inv), [("labor", 18_750, 75)]);
    assert_eq!(inv.lines[0].unit_cents, Cents(15_000));
    assert_eq!(inv.total.to_string(), "$187.50");
    assert!(books.run("2026-04-15").is_empty(), "second run bills nothing");
}

#[test]
fn non_contract_labor_is_not_billed_while_open() {
    let e = entry(1, 810, 81, "2025-01-06 10:00", 60);
    let mut books = Books::new(vec![], vec![e]);
    assert!(books.run("2027-12-31").is_empty());
}

pub(super) fn prepaid_block(id: i64, company: i64, executed: &str) -> Agreement {
    let mut block = agreement(id, company, Product::PrepaidLabor, executed);
    block.prepaid_hours_per_month = 10;
    block.labor_rate = Cents(12_000);
    block
}

#[test]
fn prepaid_block_used_up_mid_month_splits_the_entry() {
    let entries = vec![
        entry(1, 900, 90, "2026-03-02 09:00", 240),
        entry(2, 900, 90, "2026-03-03 09:00", 240),
        entry(3, 901, 90, "2026-03-04 09:00", 240),
        entry(4, 901, 90, "2026-04-06 09:00", 240), // April: a fresh 10 h
    ];
    let mut books = Books::new(vec![prepaid_block(8, 90, "2026-01-01")], entries);
    let inv = only(books.run("2026-03-09"));
    // 600 min drawn (240 + 240 + 120), 120 min over at $120/h = $240.00
    assert_eq!(
        summary(&inv),
        [
            ("contract_labor", 24_000, 120),
            ("prepaid_labor", 0, 480),
            ("prepaid_labor", 0, 120)
        ]
    );
    let drawn: u32 = inv
        .lines
        .iter()
        .filter(|l| l.kind == LineKind::PrepaidLabor)
        .map(|l| l.minutes)
        .sum();
    assert_eq!(drawn, 600);
    assert_eq!(inv.lines[0].items, [ItemKey::Labor { entry: 3 }]);
    assert_eq!(inv.lines[2].items, [ItemKey::PrepaidLabor { entry: 3 }]);
    assert_eq!(inv.lines[1].unit_cents, Cents::ZERO);
    assert_eq!(summary(&only(books.run("2026-04-13"))), [("prepaid_labor", 0, 240)]);
}

#[test]
fn prepaid_carry_over_when_configured() {
    let entries: Vec<LaborEntry> = (1..=3)
        .map(|i| entry(i, 910, 91, &format!("2026-03-0{} 09:00", i + 1), 240))
        .collect();
    let mut books = Books::new(vec![prepaid_block(9, 91, "2026-01-15")], entries);
    books.rules.prepaid_carry_over = true;
    // January + February unused: 30 h available in March, all 12 h prepaid
    let inv = only(books.run("2026-03-09"));
    assert_eq!(summary(&inv), [("prepaid_labor", 0, 720)]);
}

#[test]
fn two_contracts_latest_rate_and_prepaid_draws_first() {
    let mut sms = agreement(10, 100, Product::Sms, "2026-01-01");
    sms.labor_rate = Cents(12_500);
    let mut fits = agreement(11, 100, Product::Fits, "2026-02-01");
    fits.labor_rate = Cents(14_000);
    let mut block = prepaid_block(12, 100, "2025-06-01");
    block.prepaid_hours_per_month = 1;
    block.labor_rate = Cents(10_000);
    let e = done(entry(1, 1000, 100, "2026-03-03 09:00", 90), "2026-03-03");
    let mut books = Books::new(vec![sms, fits, block], vec![e]);
    let inv = books.run("2026-03-03");
    let labor: Vec<_> = inv[0]
        .lines
        .iter()
        .filter(|l| l.items.iter().any(|k| k.kind() >= LineKind::Labor))
        .collect();
    // 60 min from the block, 30 min at the most recent contract's $140/h = $70.00
    assert_eq!(labor.len(), 2);
    assert_eq!(
        (labor[0].kind, labor[0].minutes, labor[0].amount),
        (LineKind::ContractLabor, 30, Cents(7_000))
    );
    assert_eq!((labor[1].kind, labor[1].minutes), (LineKind::PrepaidLabor, 60));
}

#[test]
fn ended_after_its_month_was_billed_issues_no_credit() {
    let mut sms = agreement(13, 130, Product::Sms, "2026-01-01");
    sms.monthly = Cents(120_000);
    let mut books = Books::new(vec![sms.clone()], vec![]);
    books.run("2026-03-01"); // Jan, Feb, Mar, April
    assert!(books.billed.contains(&ItemKey::decode("recurring:13:2026-04").unwrap()));
    books.agreements[0].ended = Some(d("2026-04-15"));
    // April stays billed in full, May is never billed, no credit line appears
    assert!(books.run("2026-04-01").is_empty());
    assert!(books.run("2026-12-31").is_empty());
    // had the end been known before April was billed: 1200 × 15/30 = $600.00
    sms.ended = Some(d("2026-04-15"));
    let mut early = Books::new(vec![sms], vec![]);
    early.run("2026-02-01");
    assert_eq!(summary(&only(early.run("2026-03-01"))), [("recurring", 60_000, 0)]);
}

#[test]
fn reopened_ticket_keeps_billed_entries_and_bills_new_ones_on_new_completion() {
    let first = done(entry(1, 1400, 140, "2026-03-02 09:00", 60), "2026-03-02");
    let mut books = Books::new(vec![], vec![first]);
    assert_eq!(summary(&only(books.run("2026-03-16"))), [("labor", 15_000, 60)]);
    // reopened: the ticket is open again, more time is logged
    books.entries[0].ticket_completed = None;
    books.entries.push(entry(2, 1400, 140, "2026-03-20 09:00", 30));
    assert!(books.run("2026-04-01").is_empty());
    // resolved again on 25 March: only the new entry, 14 days later
    for e in &mut books.entries {
        e.ticket_completed = Some(d("2026-03-25"));
    }
    assert!(books.run("2026-04-07").is_empty());
    let inv = only(books.run("2026-04-08"));
    assert_eq!(summary(&inv), [("labor", 7_500, 30)]);
    assert_eq!(inv.lines[0].items, [ItemKey::Labor { entry: 2 }]);
}

#[test]
fn entries_before_the_first_agreement_are_non_contract() {
    let mut sms = agreement(15, 150, Product::Sms, "2026-03-10");
    sms.labor_rate = Cents(12_500);
    let entries = vec![
        done(entry(1, 1500, 150, "2026-03-05 09:00", 60), "2026-03-12"),
        done(entry(2, 1500, 150, "2026-03-11 09:00", 60), "2026-03-12"),
    ];
    let mut books = Books::new(vec![sms.clone()], entries.clone());
    assert_eq!(
        summary(&only(books.run("2026-03-12"))),
        [("contract_labor", 12_500, 60)]
    );
    assert!(books.run("2026-03-25").is_empty());
    assert_eq!(summary(&only(books.run("2026-03-26"))), [("labor", 15_000, 60)]);
    // both in one run: one line per rate for the same ticket, earliest first
    let mut once = Books::new(vec![sms], entries);
    let inv = only(once.run("2026-03-26"));
    assert_eq!(summary(&inv), [("labor", 15_000, 60), ("contract_labor", 12_500, 60)]);
    assert!(inv.lines.iter().all(|l| l.ticket_id == Some(1500)));
    assert_eq!(inv.total, Cents(27_500));
}

#[test]
fn zero_fees_and_non_billable_time_make_nothing() {
    let mut sms = agreement(16, 160, Product::Sms, "2026-01-01");
    sms.labor_rate = Cents(12_500);
    let mut e = done(entry(1, 1600, 160, "2026-01-05 09:00", 60), "2026-01-05");
    e.billable = false;
    let zero = done(entry(2, 1600, 160, "2026-01-05 10:00", 0), "2026-01-05");
    let mut books = Books::new(vec![sms], vec![e, zero]);
    assert!(books.run("2026-12-31").is_empty());
}

#[test]
fn invoices_sorted_by_company_and_lines_by_kind_period_ticket() {
    let mut a = agreement(17, 2, Product::Fits, "2026-01-01");
    a.monthly = Cents(10_000);
    a.onboarding_fee = Cents(5_000);
    a.labor_rate = Cents(6_000);
    let b = done(entry(1, 9, 1, "2026-01-01 09:00", 15), "2026-01-01");
    let entries = vec![
        done(entry(2, 21, 2, "2026-01-02 09:00", 15), "2026-01-02"),
        done(entry(3, 20, 2, "2026-01-02 10:00", 15), "2026-01-02"),
        b,
    ];
    let mut books = Books::new(vec![a], entries);
    let invs = books.run("2026-02-01");
    assert_eq!(invs.iter().map(|i| i.company_id).collect::<Vec<_>>(), [1, 2]);
    let tickets: Vec<_> = invs[1].lines.iter().map(|l| (l.kind.as_str(), l.ticket_id)).collect();
    assert_eq!(
        tickets,
        [
            ("onboarding", None),
            ("recurring", None),
            ("recurring", None),
            ("recurring", None),
            ("contract_labor", Some(20)),
            ("contract_labor", Some(21)),
        ]
    );
    for inv in &invs {
        assert_eq!(inv.total, inv.lines.iter().map(|l| l.amount).sum::<Cents>());
    }
}
