//! Per-rule item generation: which charges are due on or before a date.

use chrono::{Days, Months, NaiveDate};

use super::prepaid::{price_entries, Pricing};
use super::recurring::{still_owed, BilledMonths};
use super::{
    days_in_month, monday_after, month_end, month_start, Agreement, BillableItem, Billed, BillingError, BillingRules,
    ItemKey, LaborEntry, LineKind,
};
use crate::domain::money::Cents;

/// Every charge whose bill date is on or before `as_of`, given what is
/// already `billed` (the run drops charges billed already). Deterministic:
/// the same books and billed charges give the same keys and amounts whatever
/// `as_of` is.
pub fn billable_items(
    rules: &BillingRules,
    agreements: &[Agreement],
    entries: &[LaborEntry],
    billed: &Billed,
    as_of: NaiveDate,
) -> Vec<BillableItem> {
    let mut out = Vec::new();
    let months = super::recurring::billed_months(billed);
    for agreement in agreements {
        fee_items(agreement, as_of, &mut out);
        recurring_items(rules, agreement, &months, as_of, &mut out);
    }
    labor_items(rules, agreements, entries, billed, as_of, &mut out);
    out
}

/// What the store should refuse when an agreement is saved, and what an
/// import refuses: the one check every path to the books goes through. The
/// engine never bills a negative amount whatever it is given, but it cannot
/// guess intent.
pub fn check_agreement(a: &Agreement) -> Result<(), BillingError> {
    let money = [
        ("onboarding_fee_cents", "onboarding fee", a.onboarding_fee),
        ("monthly_cents", "monthly amount", a.monthly),
        ("project_fee_cents", "project fee", a.project_fee),
        ("labor_rate_cents", "labor rate", a.labor_rate),
    ];
    let product = a.product;
    let problem = if let Some((field, name, _)) = money.iter().find(|(_, _, c)| c.is_negative()) {
        Some((*field, format!("{name} is negative")))
    } else if a.ended.is_some_and(|e| e < a.executed) {
        Some(("ended", "ends before it was executed".to_string()))
    } else if a.project_completed.is_some_and(|c| c < a.executed) {
        let text = "project completed before the agreement was executed";
        Some(("project_completed", text.to_string()))
    } else if !product.is_project() && a.project_completed.is_some() {
        Some(("project_completed", not_a_project(product)))
    } else if !product.is_project() && a.project_fee.0 != 0 {
        Some(("project_fee_cents", not_a_project(product)))
    } else if a.prepaid_hours_per_month > 0 && product != super::Product::PrepaidLabor {
        Some(("prepaid_hours_per_month", format!("{product} carries no prepaid hours")))
    } else {
        None
    };
    problem.map_or(Ok(()), |(field, problem)| {
        Err(BillingError::InvalidAgreement {
            id: a.id,
            field,
            problem,
        })
    })
}

fn not_a_project(product: super::Product) -> String {
    format!("{product} is not delivered as a project (only VM, COLO, ECHO and ENTERPRISE_EMAIL are)")
}

/// Onboarding fee at execution; project fee at completion (project products).
fn fee_items(a: &Agreement, as_of: NaiveDate, out: &mut Vec<BillableItem>) {
    if a.onboarding_fee.0 > 0 && a.executed <= as_of {
        let text = format!("{} onboarding fee (agreement #{})", a.product, a.id);
        let key = ItemKey::Onboarding { agreement: a.id };
        out.push(fee_item(a, key, a.executed, a.onboarding_fee, text));
    }
    let completed = a.project_completed.filter(|_| a.product.is_project());
    if let Some(done) = completed.filter(|&d| d <= as_of && a.project_fee.0 > 0) {
        let text = format!("{} project fee (agreement #{})", a.product, a.id);
        let key = ItemKey::Project { agreement: a.id };
        out.push(fee_item(a, key, done.max(a.executed), a.project_fee, text));
    }
}

fn fee_item(a: &Agreement, key: ItemKey, date: NaiveDate, amount: Cents, text: String) -> BillableItem {
    BillableItem {
        kind: key.kind(),
        key,
        company_id: a.company_id,
        bill_date: date,
        amount,
        minutes: 0,
        rate: Cents::ZERO,
        ticket_id: None,
        period_start: Some(date),
        period_end: Some(date),
        description: text,
    }
}

/// When recurring billing starts, and the day it became known (the earliest
/// bill date). Contract products: execution. Project products: the first of
/// the completion month, known on the completion date.
fn recurring_start(a: &Agreement) -> Option<(NaiveDate, NaiveDate)> {
    if a.product.is_contract() {
        return Some((a.executed, a.executed));
    }
    let done = a.project_completed?;
    Some((month_start(done), done.max(a.executed)))
}

/// One item per service month whose bill date is on or before `as_of`.
fn recurring_items(
    rules: &BillingRules,
    a: &Agreement,
    months: &BilledMonths,
    as_of: NaiveDate,
    out: &mut Vec<BillableItem>,
) {
    let Some((start, known)) = recurring_start(a) else {
        return;
    };
    let mut month = month_start(start);
    while a.ended.is_none_or(|end| month <= end) {
        let ahead = month.checked_sub_months(Months::new(rules.months_in_advance));
        let bill_date = ahead.unwrap_or(NaiveDate::MIN).max(known);
        if bill_date > as_of {
            break;
        }
        if let Some(item) = service_month(a, start, month, bill_date) {
            out.extend(still_owed(item, months.get(&(a.id, month))));
        }
        let Some(next) = month.checked_add_months(Months::new(1)) else {
            break;
        };
        month = next;
    }
}

/// The charge for service month `month`, prorated by active days; `None`
/// when nothing is owed for it.
fn service_month(a: &Agreement, start: NaiveDate, month: NaiveDate, bill_date: NaiveDate) -> Option<BillableItem> {
    let first = month.max(start);
    let last = a.ended.map_or(month_end(month), |e| e.min(month_end(month)));
    let days = (last - first).num_days() + 1;
    let in_month = i64::from(days_in_month(month));
    let amount = a.monthly.mul_ratio(days, in_month);
    if days <= 0 || amount.0 <= 0 {
        return None;
    }
    let mut text = format!("{} monthly service, {}", a.product, month.format("%B %Y"));
    if days < in_month {
        text.push_str(&format!(" (prorated {days}/{in_month} days)"));
    }
    let key = ItemKey::Recurring {
        agreement: a.id,
        service_month: month,
    };
    let mut item = fee_item(a, key, bill_date, amount, text);
    (item.period_start, item.period_end) = (Some(first), Some(last));
    Some(item)
}

/// Labor and prepaid-draw items for all billable entries, in entry order.
fn labor_items(
    rules: &BillingRules,
    agreements: &[Agreement],
    entries: &[LaborEntry],
    billed: &Billed,
    as_of: NaiveDate,
    out: &mut Vec<BillableItem>,
) {
    for (entry, pricing) in price_entries(rules.prepaid_carry_over, agreements, entries, billed) {
        entry_items(rules, entry, &pricing, as_of, out);
    }
}

/// Emits the entry's prepaid and labor items whose bill date has come.
fn entry_items(
    rules: &BillingRules,
    entry: &LaborEntry,
    pricing: &Pricing,
    as_of: NaiveDate,
    out: &mut Vec<BillableItem>,
) {
    let due = contract_date(entry);
    if pricing.prepaid_minutes > 0 && due <= as_of {
        let key = ItemKey::PrepaidLabor { entry: entry.id };
        let (minutes, text) = (pricing.prepaid_minutes, "Prepaid labor drawn");
        out.push(labor_item(entry, key, due, minutes, Cents::ZERO, text));
    }
    if pricing.labor_minutes == 0 {
        return;
    }
    let (date, rate, text) = match pricing.contract_rate {
        Some(rate) => (Some(due), rate, "Contract labor"),
        None => {
            let date = non_contract_date(rules, entry);
            (date, rules.non_contract_rate, "Non-contract labor")
        }
    };
    if let Some(date) = date.filter(|&d| d <= as_of) {
        let key = ItemKey::Labor { entry: entry.id };
        let (minutes, rate) = (pricing.labor_minutes, rate.max(Cents::ZERO));
        let mut item = labor_item(entry, key, date, minutes, rate, text);
        if pricing.contract_rate.is_some() {
            item.kind = LineKind::ContractLabor;
        }
        out.push(item);
    }
}

/// The earlier of ticket completion and the Monday after the entry's ISO
/// week, but never before the entry's own day (time logged after resolution).
fn contract_date(entry: &LaborEntry) -> NaiveDate {
    let day = entry.start.date();
    let monday = monday_after(day);
    entry.ticket_completed.map_or(monday, |done| done.max(day).min(monday))
}

/// Completion (or the entry's own day, if logged later) plus the delay;
/// `None` while the ticket is open.
fn non_contract_date(rules: &BillingRules, entry: &LaborEntry) -> Option<NaiveDate> {
    let done = entry.ticket_completed?.max(entry.start.date());
    let delay = Days::new(u64::from(rules.non_contract_delay_days));
    Some(done.checked_add_days(delay).unwrap_or(NaiveDate::MAX))
}

fn labor_item(
    entry: &LaborEntry,
    key: ItemKey,
    date: NaiveDate,
    minutes: u32,
    rate: Cents,
    label: &str,
) -> BillableItem {
    BillableItem {
        kind: key.kind(),
        key,
        company_id: entry.company_id,
        bill_date: date,
        amount: Cents::ZERO,
        minutes,
        rate,
        ticket_id: Some(entry.ticket_id),
        period_start: Some(entry.start.date()),
        period_end: Some(entry.start.date()),
        description: format!("{label}, ticket #{}", entry.ticket_id),
    }
}
