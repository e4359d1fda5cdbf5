//! A service month billed for part of the month, whose agreement's end date
//! then moved later: the rest is owed, and billed once as a line of its own.
//! (An end date moved earlier bills nothing back; the store names the months
//! billed beyond it, for a credit by hand.)

use std::collections::HashMap;

use chrono::{Days, NaiveDate};

use super::{month_start, BillableItem, Billed, ItemKey};
use crate::domain::money::Cents;

/// What one agreement's service month has billed so far.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct MonthBilled {
    /// The month's own charge is on an invoice.
    pub charged: bool,
    /// Its charge and any rests billed since.
    pub amount: Cents,
    /// The last day those lines cover.
    pub through: Option<NaiveDate>,
}

/// By (agreement, first day of the service month).
pub type BilledMonths = HashMap<(i64, NaiveDate), MonthBilled>;

pub fn billed_months(billed: &Billed) -> BilledMonths {
    let mut out = BilledMonths::new();
    for (key, item) in billed.iter() {
        let (agreement, month, charged) = match key {
            ItemKey::Recurring {
                agreement,
                service_month,
            } => (*agreement, *service_month, true),
            ItemKey::RecurringRest { agreement, from } => (*agreement, month_start(*from), false),
            _ => continue,
        };
        let m = out.entry((agreement, month)).or_default();
        m.charged |= charged;
        m.amount += item.amount;
        m.through = m.through.max(item.period_end);
    }
    out
}

/// What is still owed of `full` (the month's charge for the days it is
/// active now): all of it when nothing was billed; else the days after the
/// billed ones, priced as the month's charge less what was billed, so the
/// month's lines add up to exactly one charge for its active days.
pub fn still_owed(full: BillableItem, billed: Option<&MonthBilled>) -> Option<BillableItem> {
    let Some(billed) = billed else {
        return Some(full);
    };
    let rest = full.amount - billed.amount;
    if rest.0 <= 0 {
        return None;
    }
    if !billed.charged {
        // The month's own charge was voided after a rest was billed.
        return Some(BillableItem { amount: rest, ..full });
    }
    let last = full.period_end?;
    let from = billed.through?.checked_add_days(Days::new(1))?;
    if from > last {
        return None;
    }
    let ItemKey::Recurring { agreement, .. } = full.key else {
        return None;
    };
    let description = format!(
        "{} (rest after the end date moved: {} to {})",
        full.description.split(" (prorated").next().unwrap_or_default(),
        from.format("%b %-d"),
        last.format("%b %-d")
    );
    Some(BillableItem {
        key: ItemKey::RecurringRest { agreement, from },
        amount: rest,
        period_start: Some(from),
        description,
        ..full
    })
}
