//! Grouping due items into planned invoices and lines.

use std::collections::{BTreeMap, HashSet};

use chrono::NaiveDate;

use super::{BillableItem, Billed, BillingRules, ItemKey, LineKind, PlannedInvoice, PlannedLine};
use crate::domain::money::Cents;

/// One invoice per company with unbilled items due by `as_of`, dated and due
/// on `as_of`, sorted by company. Items already billed, not yet due, or
/// repeated (same key twice in `items`) are left out.
pub fn plan_run(
    rules: &BillingRules,
    items: Vec<BillableItem>,
    already_billed: &Billed,
    as_of: NaiveDate,
) -> Vec<PlannedInvoice> {
    let mut seen: HashSet<ItemKey> = HashSet::new();
    let mut by_company: BTreeMap<i64, Vec<BillableItem>> = BTreeMap::new();
    for item in items {
        if item.bill_date > as_of || already_billed.contains(&item.key) || !seen.insert(item.key.clone()) {
            continue;
        }
        by_company.entry(item.company_id).or_default().push(item);
    }
    by_company
        .into_iter()
        .map(|(company_id, items)| plan_invoice(rules, company_id, items, as_of))
        .collect()
}

/// What makes items share a line: labor by (kind, ticket, rate), so contract
/// and non-contract labor of one ticket are two lines even at one rate;
/// every other item is a line of its own.
#[derive(PartialEq, Eq, PartialOrd, Ord)]
enum LineGroup {
    Labor {
        kind: LineKind,
        ticket: Option<i64>,
        rate: Cents,
    },
    Single(ItemKey),
}

fn group_of(item: &BillableItem) -> LineGroup {
    match item.kind {
        LineKind::Labor | LineKind::ContractLabor | LineKind::PrepaidLabor => LineGroup::Labor {
            kind: item.kind,
            ticket: item.ticket_id,
            rate: item.rate,
        },
        _ => LineGroup::Single(item.key.clone()),
    }
}

fn plan_invoice(rules: &BillingRules, company_id: i64, items: Vec<BillableItem>, as_of: NaiveDate) -> PlannedInvoice {
    let mut groups: BTreeMap<LineGroup, Vec<BillableItem>> = BTreeMap::new();
    for item in items {
        groups.entry(group_of(&item)).or_default().push(item);
    }
    let mut lines: Vec<PlannedLine> = groups
        .into_values()
        .filter_map(|items| build_line(rules, items))
        .collect();
    lines.sort_by(|a, b| line_order(a).cmp(&line_order(b)));
    PlannedInvoice {
        company_id,
        date: as_of,
        due: as_of,
        total: lines.iter().map(|l| l.amount).sum(),
        lines,
    }
}

/// Kind, then period start, then ticket; rate and first key break ties.
fn line_order(line: &PlannedLine) -> impl Ord + '_ {
    (
        line.kind,
        line.period_start,
        line.ticket_id,
        line.unit_cents,
        line.items.first(),
    )
}

/// One line from a non-empty group of items.
fn build_line(rules: &BillingRules, mut items: Vec<BillableItem>) -> Option<PlannedLine> {
    items.sort_by(|a, b| a.key.cmp(&b.key));
    let first = items.first()?;
    let worked: u64 = items.iter().map(|i| u64::from(i.minutes)).sum();
    let (minutes, unit, amount) = match first.kind {
        LineKind::Labor | LineKind::ContractLabor => {
            let billed = round_up(worked, rules.labor_increment_minutes);
            let billed_i64 = i64::try_from(billed).unwrap_or(i64::MAX);
            (billed, first.rate, Cents::per_hour(first.rate, billed_i64))
        }
        LineKind::PrepaidLabor => (worked, Cents::ZERO, Cents::ZERO),
        _ => (worked, first.amount, items.iter().map(|i| i.amount).sum()),
    };
    Some(PlannedLine {
        kind: first.kind,
        description: line_description(first),
        ticket_id: first.ticket_id,
        minutes: clamp_u32(minutes),
        worked_minutes: clamp_u32(worked),
        unit_cents: unit,
        amount,
        period_start: items.iter().filter_map(|i| i.period_start).min(),
        period_end: items.iter().filter_map(|i| i.period_end).max(),
        item_minutes: items.iter().map(|i| i.minutes).collect(),
        items: items.into_iter().map(|i| i.key).collect(),
    })
}

fn line_description(first: &BillableItem) -> String {
    match (first.kind, first.ticket_id) {
        (LineKind::Labor, Some(t)) => format!("Non-contract labor, ticket #{t} at {}/h", first.rate),
        (LineKind::ContractLabor, Some(t)) => format!("Contract labor, ticket #{t} at {}/h", first.rate),
        (LineKind::PrepaidLabor, Some(t)) => format!("Prepaid labor drawn, ticket #{t}"),
        _ => first.description.clone(),
    }
}

/// `minutes` rounded up to a multiple of `step` (no rounding when 0).
pub(crate) fn round_up(minutes: u64, step: u32) -> u64 {
    let step = u64::from(step.max(1));
    minutes.div_ceil(step) * step
}

fn clamp_u32(n: u64) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}
