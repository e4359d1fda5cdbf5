//! What the books already billed, as the engine needs to know it: a billed
//! charge is never billed again, a prepaid draw once billed is final (an
//! entry logged later finds those minutes taken), and a service month billed
//! for part of the month owes only the rest when the end date moves later.

use std::collections::HashMap;

use chrono::NaiveDate;

use super::{ItemKey, PlannedInvoice};
use crate::domain::money::Cents;

/// One billed charge.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct BilledItem {
    /// Labor and prepaid draws: the exact minutes billed; `None` when the
    /// store cannot tell (an old multi-entry line) or for other charges.
    pub minutes: Option<u32>,
    /// What it billed; fees and monthly charges are lines of their own, so
    /// this is their line's amount (0 for labor, priced per line).
    pub amount: Cents,
    /// The last day its line covers.
    pub period_end: Option<NaiveDate>,
}

/// Every charge billed on an invoice that is not void.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Billed(HashMap<ItemKey, BilledItem>);

impl Billed {
    pub fn contains(&self, key: &ItemKey) -> bool {
        self.0.contains_key(key)
    }

    pub fn get(&self, key: &ItemKey) -> Option<&BilledItem> {
        self.0.get(key)
    }

    pub fn insert(&mut self, key: ItemKey, item: BilledItem) {
        self.0.insert(key, item);
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = (&ItemKey, &BilledItem)> {
        self.0.iter()
    }

    /// Adds what `invoices` bill, as the store records it when it writes them.
    pub fn record(&mut self, invoices: &[PlannedInvoice]) {
        for line in invoices.iter().flat_map(|i| &i.lines) {
            let single = line.items.len() == 1;
            for (key, &minutes) in line.items.iter().zip(&line.item_minutes) {
                // Labor is priced per line, so only other charges keep an amount.
                let counted = key_has_minutes(key);
                let billed = BilledItem {
                    minutes: counted.then_some(minutes),
                    amount: if single && !counted { line.amount } else { Cents::ZERO },
                    period_end: line.period_end,
                };
                self.insert(key.clone(), billed);
            }
        }
    }
}

/// Labor and prepaid draws are counted in minutes.
pub fn key_has_minutes(key: &ItemKey) -> bool {
    matches!(key, ItemKey::Labor { .. } | ItemKey::PrepaidLabor { .. })
}
