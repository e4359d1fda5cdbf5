//! Properties over random books: a few companies, agreements and time entries
//! over about two years, billed in several runs or in one.

use std::collections::{BTreeSet, HashMap};

use chrono::{Days, NaiveDate, NaiveDateTime, NaiveTime};
use proptest::prelude::*;

use super::*;
use crate::domain::money::Cents;

fn day(offset: u64) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 1, 1).unwrap() + Days::new(offset)
}

fn arb_rules() -> impl Strategy<Value = BillingRules> {
    (
        0u32..=2,
        any::<bool>(),
        prop::sample::select(vec![1u32, 15, 30]),
        0u32..=21,
    )
        .prop_map(
            |(months_in_advance, prepaid_carry_over, labor_increment_minutes, delay)| BillingRules {
                months_in_advance,
                prepaid_carry_over,
                labor_increment_minutes,
                non_contract_delay_days: delay,
                ..BillingRules::pim_default()
            },
        )
}

prop_compose! {
    fn arb_agreement()(
        company in 1i64..=3,
        product in prop::sample::select(
            [Product::ALL.as_slice(), &[Product::PrepaidLabor; 3]].concat()
        ),
        executed in 0u64..400,
        completed in prop::option::of(0u64..200),
        ended in prop::option::of(0u64..500),
        onboarding in 0i64..200_000,
        monthly in 0i64..300_000,
        project_fee in 0i64..500_000,
        labor_rate in 0i64..20_000,
        hours in 0u32..6,
    ) -> Agreement {
        let executed_day = day(executed);
        let project = product.is_project();
        Agreement {
            id: 0,
            company_id: company,
            product,
            executed: executed_day,
            project_completed: completed.filter(|_| project).map(|c| executed_day + Days::new(c)),
            ended: ended.map(|e| executed_day + Days::new(e)),
            onboarding_fee: Cents(onboarding),
            monthly: Cents(monthly),
            project_fee: Cents(if project { project_fee } else { 0 }),
            labor_rate: Cents(labor_rate),
            prepaid_hours_per_month: if product == Product::PrepaidLabor { hours } else { 0 },
        }
    }
}

/// A ticket: company, first day, and completion (days after the first day).
type Ticket = (i64, u64, Option<u64>);

prop_compose! {
    fn arb_entry(tickets: Vec<Ticket>)(
        ticket in 0..tickets.len(),
        offset in 0u64..28,
        minute_of_day in 0u32..1440,
        minutes in 1u32..480,
        billable in prop::bool::weighted(0.85),
    ) -> LaborEntry {
        let (company, base, completed) = tickets[ticket];
        let time = NaiveTime::from_num_seconds_from_midnight_opt(minute_of_day * 60, 0).unwrap();
        LaborEntry {
            id: 0,
            ticket_id: ticket as i64 + 100,
            company_id: company,
            start: NaiveDateTime::new(day(base + offset), time),
            minutes,
            billable,
            ticket_completed: completed.map(|c| day(base + c)),
        }
    }
}

type Books = (Vec<Agreement>, Vec<LaborEntry>);

/// A few companies, agreements and tickets over about two years.
fn arb_books() -> impl Strategy<Value = Books> {
    let ticket = (1i64..=3, 0u64..700, prop::option::weighted(0.8, 0u64..35));
    let tickets = prop::collection::vec(ticket, 1..12);
    let agreements = prop::collection::vec(arb_agreement(), 0..7);
    books_from(agreements, tickets)
}

/// One company on small prepaid blocks (and maybe other contracts), busy
/// for four months: blocks run out, entries split, tickets close out of order.
fn arb_prepaid_books() -> impl Strategy<Value = Books> {
    let block = arb_agreement().prop_map(|mut a| {
        a.product = Product::PrepaidLabor;
        a.prepaid_hours_per_month = (a.monthly.0 % 8) as u32 + 1;
        a.executed = day(a.labor_rate.0 as u64 % 30);
        a
    });
    let others = prop::collection::vec(arb_agreement(), 0..2);
    let agreements = (prop::collection::vec(block, 1..3), others).prop_map(|(mut b, o)| {
        b.extend(o);
        b.iter_mut().for_each(|a| a.company_id = 1);
        b
    });
    let ticket = (Just(1i64), 0u64..120, prop::option::weighted(0.8, 0u64..20));
    books_from(agreements, prop::collection::vec(ticket, 1..8))
}

fn books_from(
    agreements: impl Strategy<Value = Vec<Agreement>>,
    tickets: impl Strategy<Value = Vec<Ticket>>,
) -> impl Strategy<Value = Books> {
    (agreements, tickets).prop_flat_map(|(agreements, tickets)| {
        let entries = prop::collection::vec(arb_entry(tickets), 0..60);
        (Just(agreements), entries).prop_map(|(mut agreements, mut entries)| {
            for (i, a) in agreements.iter_mut().enumerate() {
                a.id = i as i64 + 1;
            }
            for (i, e) in entries.iter_mut().enumerate() {
                e.id = i as i64 + 1;
            }
            (agreements, entries)
        })
    })
}

/// What a set of runs billed, in the terms the properties compare.
#[derive(Default, Debug)]
struct Billed {
    keys: BTreeSet<ItemKey>,
    non_labor: Cents,
    worked: HashMap<LineKind, u64>,
}

impl Billed {
    fn record(&mut self, rules: &BillingRules, invoices: &[PlannedInvoice], as_of: NaiveDate) {
        for inv in invoices {
            check_invoice(rules, inv, as_of);
            for line in &inv.lines {
                for key in &line.items {
                    assert!(self.keys.insert(key.clone()), "{key} billed twice");
                }
                if line.kind.is_billed_labor() || line.kind == LineKind::PrepaidLabor {
                    *self.worked.entry(line.kind).or_default() += u64::from(line.worked_minutes);
                } else {
                    self.non_labor += line.amount;
                }
            }
        }
    }
}

fn check_invoice(rules: &BillingRules, inv: &PlannedInvoice, as_of: NaiveDate) {
    assert_eq!((inv.date, inv.due), (as_of, as_of));
    assert!(!inv.lines.is_empty());
    assert_eq!(inv.total, inv.lines.iter().map(|l| l.amount).sum::<Cents>());
    assert!(inv.total >= Cents::ZERO);
    for line in &inv.lines {
        assert!(line.amount >= Cents::ZERO && line.unit_cents >= Cents::ZERO, "{line:?}");
        let key_kind = if line.kind == LineKind::ContractLabor {
            LineKind::Labor
        } else {
            line.kind
        };
        assert!(line.items.iter().all(|k| k.kind() == key_kind));
        if line.kind.is_billed_labor() {
            let step = rules.labor_increment_minutes.max(1);
            assert_eq!(line.minutes % step, 0);
            assert!(line.minutes >= line.worked_minutes && line.minutes - line.worked_minutes < step);
            assert_eq!(line.amount, Cents::per_hour(line.unit_cents, i64::from(line.minutes)));
        }
        if line.kind == LineKind::PrepaidLabor {
            assert_eq!((line.amount, line.minutes), (Cents::ZERO, line.worked_minutes));
        }
    }
}

fn bill(rules: &BillingRules, books: &Books, dates: &[NaiveDate]) -> Billed {
    let mut billed = Billed::default();
    let mut already = super::Billed::default();
    for &as_of in dates {
        let items = billable_items(rules, &books.0, &books.1, &already, as_of);
        let invoices = plan_run(rules, items, &already, as_of);
        billed.record(rules, &invoices, as_of);
        already.record(&invoices);
        let again = billable_items(rules, &books.0, &books.1, &already, as_of);
        assert!(plan_run(rules, again, &already, as_of).is_empty());
    }
    billed
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn many_runs_bill_what_one_run_bills(
        rules in arb_rules(),
        books in arb_books(),
        dates in arb_run_dates(),
    ) {
        same_as_one_run(&rules, &books, &dates)?;
    }

    #[test]
    fn many_runs_on_busy_prepaid_blocks(
        rules in arb_rules(),
        books in arb_prepaid_books(),
        dates in arb_run_dates(),
    ) {
        same_as_one_run(&rules, &books, &dates)?;
    }

    #[test]
    fn items_do_not_depend_on_the_run_date(
        rules in arb_rules(),
        books in prop_oneof![arb_books(), arb_prepaid_books()],
        a in 0u64..800,
        b in 0u64..800,
    ) {
        let (early, late) = (day(a.min(b)), day(a.max(b)));
        let none = super::Billed::default();
        let before = billable_items(&rules, &books.0, &books.1, &none, early);
        let after: HashMap<ItemKey, BillableItem> = billable_items(&rules, &books.0, &books.1, &none, late)
            .into_iter()
            .map(|i| (i.key.clone(), i))
            .collect();
        for item in before {
            prop_assert!(item.bill_date <= early);
            prop_assert_eq!(after.get(&item.key), Some(&item));
        }
        for item in after.values() {
            prop_assert!(item.bill_date <= late && item.amount >= Cents::ZERO);
            prop_assert_eq!(ItemKey::decode(&item.key.encode()), Some(item.key.clone()));
        }
    }

    #[test]
    fn every_billable_minute_is_billed_once(books in arb_books()) {
        // Far enough ahead that every closed ticket's labor is due.
        let rules = BillingRules::pim_default();
        let billed = bill(&rules, &books, &[day(900)]);
        let closed: u64 = books.1.iter()
            .filter(|e| e.billable && (e.ticket_completed.is_some() || is_contract_entry(&books.0, e)))
            .map(|e| u64::from(e.minutes))
            .sum();
        let worked: u64 = billed.worked.values().sum();
        prop_assert_eq!(worked, closed);
    }
}

/// Runs every day to every two weeks, as finance would, from early 2026.
fn arb_run_dates() -> impl Strategy<Value = Vec<NaiveDate>> {
    (0u64..100, prop::collection::vec(1u64..15, 0..90)).prop_map(|(first, gaps)| {
        std::iter::once(first)
            .chain(gaps.iter().scan(first, |at, gap| {
                *at += gap;
                Some(*at)
            }))
            .map(day)
            .collect()
    })
}

/// Runs at each date bill the same keys, non-labor money and worked labor
/// minutes as one run at the last date.
fn same_as_one_run(rules: &BillingRules, books: &Books, dates: &[NaiveDate]) -> Result<(), TestCaseError> {
    let last = *dates.last().unwrap();
    let stepwise = bill(rules, books, dates);
    let once = bill(rules, books, &[last]);
    prop_assert_eq!(&stepwise.keys, &once.keys);
    prop_assert_eq!(stepwise.non_labor, once.non_labor);
    prop_assert_eq!(&stepwise.worked, &once.worked);
    Ok(())
}

fn is_contract_entry(agreements: &[Agreement], e: &LaborEntry) -> bool {
    let d = e.start.date();
    agreements.iter().any(|a| {
        a.company_id == e.company_id && a.product.is_contract() && a.executed <= d && a.ended.is_none_or(|end| d <= end)
    })
}

/// One prepaid block (and maybe other contracts) of one company, with each
/// entry logged before a random run: entries arrive late and out of order.
fn arb_late_books() -> impl Strategy<Value = (Books, Vec<usize>)> {
    arb_prepaid_books()
        .prop_map(|(mut agreements, entries)| {
            let mut blocks = 0;
            agreements.retain(|a| {
                a.product != Product::PrepaidLabor
                    || (blocks < 1 && {
                        blocks += 1;
                        true
                    })
            });
            (agreements, entries)
        })
        .prop_flat_map(|books| {
            let n = books.1.len();
            (Just(books), prop::collection::vec(0usize..40, n))
        })
}

/// Prepaid minutes billed per (block, month), from the keys of a run.
fn drawn_per_month(books: &Books, billed: &super::Billed) -> HashMap<NaiveDate, u64> {
    let mut out = HashMap::new();
    for e in &books.1 {
        if let Some(item) = billed.get(&ItemKey::PrepaidLabor { entry: e.id }) {
            *out.entry(month_start(e.start.date())).or_default() += u64::from(item.minutes.unwrap_or(0));
        }
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn prepaid_hours_are_drawn_once_whatever_order_entries_are_logged_in(
        rules in arb_rules(),
        (books, logged) in arb_late_books(),
        dates in arb_run_dates(),
    ) {
        // Every run sees the entries logged by then; a last run far ahead
        // sees them all and finds everything due.
        let mut dates = dates;
        dates.push(day(900));
        let (mut stepwise, mut already) = (Billed::default(), super::Billed::default());
        for (i, &as_of) in dates.iter().enumerate() {
            let last = i + 1 == dates.len();
            let seen: Vec<LaborEntry> = books.1.iter().zip(&logged)
                .filter(|(_, &at)| last || at <= i)
                .map(|(e, _)| e.clone())
                .collect();
            let items = billable_items(&rules, &books.0, &seen, &already, as_of);
            let invoices = plan_run(&rules, items, &already, as_of);
            stepwise.record(&rules, &invoices, as_of);
            already.record(&invoices);
        }
        let mut once = super::Billed::default();
        let last = *dates.last().unwrap();
        let invoices = plan_run(&rules, billable_items(&rules, &books.0, &books.1, &once, last), &once, last);
        once.record(&invoices);
        let mut one_run = Billed::default();
        one_run.record(&rules, &invoices, last);
        prop_assert_eq!(stepwise.non_labor, one_run.non_labor);
        prop_assert_eq!(&stepwise.worked, &one_run.worked);
        let allowance = books.0.iter().find(|a| a.product == Product::PrepaidLabor)
            .map_or(0, |a| u64::from(a.prepaid_hours_per_month) * 60);
        let drawn = drawn_per_month(&books, &already);
        // Without carry-over each month stands alone: it draws at most its
        // allowance, and what one run over all the entries draws. (With
        // carry-over a later month may have drawn an earlier one's minutes
        // before a late entry arrived; the totals above still agree.)
        if !rules.prepaid_carry_over {
            prop_assert!(drawn.values().all(|&m| m <= allowance), "{drawn:?} over {allowance}");
            prop_assert_eq!(drawn, drawn_per_month(&books, &once));
        }
    }
}
