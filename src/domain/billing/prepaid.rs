//! Prepaid hours: how each time entry is priced (drawn on a PREPAID_LABOR
//! block, contract labor, or non-contract labor), and a block's balance.
//!
//! Prepaid minutes are drawn once. Draws already billed are final and are
//! taken first; the entries not billed yet then draw what is left, in order
//! of entry start. So an entry logged after its month's allowance was billed
//! away is overage, and however entries are logged and billed, a block-month
//! never draws more than its allowance and its prepaid and overage minutes
//! come to what one run over all the entries bills.

use std::collections::{BTreeMap, HashMap};

use chrono::{Datelike, NaiveDate};

use super::{month_start, Agreement, Billed, ItemKey, LaborEntry, Product};
use crate::domain::money::Cents;

/// How one entry's minutes are billed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pricing {
    pub prepaid_minutes: u32,
    pub labor_minutes: u32,
    /// `None` for non-contract labor.
    pub contract_rate: Option<Cents>,
    /// Minutes taken from each block, by agreement id.
    pub draws: Vec<(i64, u32)>,
    /// The newest active prepaid block, which a balance charges overage to.
    pub overage_block: Option<i64>,
}

/// Prices every billable entry (with minutes), in order of entry start.
pub fn price_entries<'a>(
    carry_over: bool,
    agreements: &[Agreement],
    entries: &'a [LaborEntry],
    billed: &Billed,
) -> Vec<(&'a LaborEntry, Pricing)> {
    let contracts = Contracts::new(agreements);
    let mut sorted: Vec<&LaborEntry> = entries.iter().filter(|e| e.billable && e.minutes > 0).collect();
    sorted.sort_by_key(|e| (e.start, e.id));
    // How each entry draws when nothing is billed: a billed draw is split
    // across blocks the same way, as it was drawn unless the books changed.
    let mut fresh = PrepaidLedger::new(carry_over);
    let split: HashMap<i64, Vec<(i64, u32)>> = sorted
        .iter()
        .map(|e| (e.id, fresh.draw(&contracts.active(e), e, e.minutes, &[])))
        .collect();
    let mut ledger = PrepaidLedger::new(carry_over);
    // Billed draws first: they are final whatever was logged since.
    let fixed: HashMap<i64, Vec<(i64, u32)>> = sorted
        .iter()
        .filter_map(|e| {
            let want = billed_draw(billed, e)?;
            let prefer = split.get(&e.id).map_or(&[][..], Vec::as_slice);
            Some((e.id, ledger.draw(&contracts.active(e), e, want, prefer)))
        })
        .collect();
    sorted
        .into_iter()
        .map(|entry| {
            let active = contracts.active(entry);
            let draws = match fixed.get(&entry.id) {
                Some(draws) => draws.clone(),
                None => ledger.draw(&active, entry, entry.minutes, &[]),
            };
            (entry, pricing(&active, entry, draws))
        })
        .collect()
}

/// Contract agreements by company.
struct Contracts<'a>(HashMap<i64, Vec<&'a Agreement>>);

impl<'a> Contracts<'a> {
    fn new(agreements: &'a [Agreement]) -> Self {
        let mut by_company: HashMap<i64, Vec<&Agreement>> = HashMap::new();
        for a in agreements.iter().filter(|a| a.product.is_contract()) {
            by_company.entry(a.company_id).or_default().push(a);
        }
        for list in by_company.values_mut() {
            list.sort_by_key(|a| (a.executed, a.id));
        }
        Contracts(by_company)
    }

    /// The company's contract agreements active on the entry's day, oldest
    /// executed first.
    fn active(&self, entry: &LaborEntry) -> Vec<&'a Agreement> {
        let day = entry.start.date();
        self.0
            .get(&entry.company_id)
            .map_or(&[][..], Vec::as_slice)
            .iter()
            .copied()
            .filter(|a| a.executed <= day && a.ended.is_none_or(|e| day <= e))
            .collect()
    }
}

/// The prepaid minutes a billed entry drew: its billed draw, or none when
/// its labor was billed without one; `None` when it is not billed (or its
/// draw was billed before draws were recorded, and it is priced afresh).
fn billed_draw(billed: &Billed, entry: &LaborEntry) -> Option<u32> {
    let prepaid = billed.get(&ItemKey::PrepaidLabor { entry: entry.id });
    let labor = billed.contains(&ItemKey::Labor { entry: entry.id });
    match prepaid {
        Some(item) => item.minutes.or((!labor).then_some(entry.minutes)),
        None => labor.then_some(0),
    }
}

fn pricing(active: &[&Agreement], entry: &LaborEntry, draws: Vec<(i64, u32)>) -> Pricing {
    let prepaid: u32 = draws.iter().map(|d| d.1).sum::<u32>().min(entry.minutes);
    Pricing {
        prepaid_minutes: prepaid,
        labor_minutes: entry.minutes - prepaid,
        // The most recently executed active contract agreement sets the rate.
        contract_rate: active.last().map(|a| a.labor_rate),
        draws,
        overage_block: active.iter().rev().find(|a| is_block(a)).map(|a| a.id),
    }
}

fn is_block(a: &Agreement) -> bool {
    a.product == Product::PrepaidLabor && a.prepaid_hours_per_month > 0
}

/// Prepaid minutes drawn so far, per agreement and month.
struct PrepaidLedger {
    carry_over: bool,
    drawn: HashMap<i64, BTreeMap<NaiveDate, u64>>,
}

impl PrepaidLedger {
    fn new(carry_over: bool) -> Self {
        PrepaidLedger {
            carry_over,
            drawn: HashMap::new(),
        }
    }

    /// Takes up to `want` of `entry`'s minutes from the active blocks: first
    /// up to each `prefer` share, then oldest executed first; returns what
    /// each block gave.
    fn draw(&mut self, active: &[&Agreement], entry: &LaborEntry, want: u32, prefer: &[(i64, u32)]) -> Vec<(i64, u32)> {
        let mut left = u64::from(want.min(entry.minutes));
        let blocks: Vec<&Agreement> = active.iter().copied().filter(|a| is_block(a)).collect();
        let mut taken: Vec<(i64, u64)> = blocks.iter().map(|b| (b.id, 0)).collect();
        let preferred = prefer.iter().filter_map(|&(id, share)| {
            let i = blocks.iter().position(|b| b.id == id)?;
            Some((i, u64::from(share)))
        });
        let rest = (0..blocks.len()).map(|i| (i, u64::MAX));
        for (i, cap) in preferred.collect::<Vec<_>>().into_iter().chain(rest) {
            let take = self.take(blocks[i], entry.start.date(), left.min(cap));
            left -= take;
            taken[i].1 += take;
        }
        taken
            .into_iter()
            .filter(|(_, m)| *m > 0)
            .map(|(id, m)| (id, u32::try_from(m).unwrap_or(u32::MAX))) // m <= entry.minutes
            .collect()
    }

    /// Takes up to `want` minutes from `block` for `day`; returns the taken.
    fn take(&mut self, block: &Agreement, day: NaiveDate, want: u64) -> u64 {
        let month = month_start(day);
        let per_month = u64::from(block.prepaid_hours_per_month) * 60;
        let drawn = self.drawn.entry(block.id).or_default();
        let free = if self.carry_over {
            carried_free(drawn, per_month, block.executed, month)
        } else {
            per_month.saturating_sub(drawn.get(&month).copied().unwrap_or(0))
        };
        let take = want.min(free);
        *drawn.entry(month).or_default() += take;
        take
    }
}

/// With carry-over, minutes bought up to a month may be drawn by then: what
/// `month` can still take is the least room left in it or any later month
/// already drawn on (a later month may have used this month's minutes).
fn carried_free(drawn: &BTreeMap<NaiveDate, u64>, per_month: u64, executed: NaiveDate, month: NaiveDate) -> u64 {
    let mut through: u64 = drawn.range(..month).map(|(_, m)| m).sum();
    let mut free = u64::MAX;
    let later = drawn.range(month..).map(|(k, m)| (*k, *m));
    for (k, m) in std::iter::once((month, 0)).chain(later) {
        through += m;
        free = free.min((per_month * months_between(executed, k)).saturating_sub(through));
    }
    free
}

/// Calendar months from `from`'s month to `to`'s month, both counted.
pub(super) fn months_between(from: NaiveDate, to: NaiveDate) -> u64 {
    let index = |d: NaiveDate| i64::from(d.year()) * 12 + i64::from(d.month0());
    u64::try_from(index(to) - index(from) + 1).unwrap_or(0)
}

/// A prepaid block's hours in one month (with carry-over: since execution).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PrepaidBalance {
    /// The month's allowance (with carry-over: everything bought so far).
    pub allowance_minutes: i64,
    /// Prepaid minutes drawn: never more than the allowance.
    pub used_minutes: i64,
    /// Minutes beyond the prepaid hours, billed as contract labor; charged
    /// to the newest block active on the entry's day.
    pub overage_minutes: i64,
}

impl PrepaidBalance {
    pub fn left_minutes(&self) -> i64 {
        (self.allowance_minutes - self.used_minutes).max(0)
    }
}

/// The balance of every prepaid block active in `today`'s month, priced as
/// the invoice run prices (billed draws final). `entries` must hold every
/// billable entry of the blocks' companies up to the end of that month.
pub fn prepaid_balances(
    carry_over: bool,
    agreements: &[Agreement],
    entries: &[LaborEntry],
    billed: &Billed,
    today: NaiveDate,
) -> Vec<(i64, PrepaidBalance)> {
    let month = month_start(today);
    let counts = |a: &Agreement, day: NaiveDate| {
        let from = if carry_over { a.executed } else { month };
        from <= day && month_start(day) <= month
    };
    let mut out: Vec<(i64, PrepaidBalance)> = agreements
        .iter()
        .filter(|a| is_block(a) && a.executed <= super::month_end(today) && a.ended.is_none_or(|e| e >= month))
        .map(|a| {
            let months = if carry_over {
                months_between(a.executed, today)
            } else {
                1
            };
            let allowance = i64::from(a.prepaid_hours_per_month) * 60 * i64::try_from(months).unwrap_or(0);
            (
                a.id,
                PrepaidBalance {
                    allowance_minutes: allowance,
                    used_minutes: 0,
                    overage_minutes: 0,
                },
            )
        })
        .collect();
    let index: HashMap<i64, usize> = out.iter().enumerate().map(|(i, (id, _))| (*id, i)).collect();
    let blocks: HashMap<i64, &Agreement> = agreements.iter().map(|a| (a.id, a)).collect();
    let mut add = |id: i64, day: NaiveDate, minutes: u32, overage: bool| {
        let (Some(&i), Some(a)) = (index.get(&id), blocks.get(&id)) else {
            return;
        };
        if counts(a, day) {
            let b = &mut out[i].1;
            let field = if overage {
                &mut b.overage_minutes
            } else {
                &mut b.used_minutes
            };
            *field += i64::from(minutes);
        }
    };
    for (entry, p) in price_entries(carry_over, agreements, entries, billed) {
        let day = entry.start.date();
        for &(id, m) in &p.draws {
            add(id, day, m, false);
        }
        if let Some(id) = p.overage_block {
            add(id, day, p.labor_minutes, true);
        }
    }
    out
}
