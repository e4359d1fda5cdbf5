//! The billing engine: which charges are due, and how they group into invoices.
//!
//! Pure functions over plain data (DESIGN.md §3.3): no I/O, no clock, no SQL.
//! The store loads agreements, time entries and what it has already billed,
//! calls [`billable_items`] and [`plan_run`], and writes the result.
//!
//! Every charge has an [`ItemKey`] whose text form ([`ItemKey::encode`]) the
//! store keeps in a UNIQUE column, so nothing is ever billed twice.
//!
//! Inputs must be complete: pass *all* billable time entries of the companies
//! concerned (billed ones too), because prepaid hours are drawn in order of
//! entry start and the split of an entry depends on the entries before it.
//!
//! Choices where the guide is silent (each tested):
//! - Several contract agreements active on an entry's day: prepaid blocks are
//!   drawn first (oldest executed first); the rest is billed at the labor rate
//!   of the most recently executed active SMS/FITS/PREPAID_LABOR agreement.
//! - Prepaid hours are a full allowance in every month the block is active
//!   (not prorated); with `prepaid_carry_over` unused minutes roll on for the
//!   life of the block. Drawn minutes are recorded exactly, not rounded.
//! - An agreement ended after a month was billed: billed months stay billed,
//!   no credit is issued automatically, later months are never billed.
//! - A reopened ticket: billed entries stay billed; the store passes
//!   `ticket_completed = None` while it is open again, and the new completion
//!   date once resolved, so unbilled entries wait for it.
//! - Labor is never billed before the entry's own day (time logged after
//!   resolution); entries before a company's first agreement are non-contract.
//! - Prepaid draws already billed are final ([`Billed`]); entries not billed
//!   yet draw what is left, so an entry logged late finds the hours drawn.
//! - Labor lines group by (kind, ticket, rate) and round up per line, so
//!   billing in several runs can round differently from one run; fees,
//!   monthly amounts and worked minutes are identical either way. Contract
//!   labor (`contract_labor`) and non-contract labor (`labor`) are kinds of
//!   their own, never one line.
//! - An end date moved later after a month was billed in part bills the rest
//!   of that month once (`ItemKey::RecurringRest`).
//! - Zero and negative amounts are never billed (contract labor at a $0 rate
//!   still makes a $0 line, recording the time).

use std::fmt;
use std::str::FromStr;

use chrono::{Datelike, Days, Months, NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::domain::money::Cents;

pub mod aging;
mod billed;
mod prepaid;
mod recurring;
mod rules;
mod run;

#[cfg(test)]
mod drawn_tests;
#[cfg(test)]
mod key_tests;
#[cfg(test)]
mod prop_tests;
#[cfg(test)]
mod tests;

pub use billed::{key_has_minutes, Billed, BilledItem};
pub use prepaid::{prepaid_balances, PrepaidBalance};
pub use rules::{billable_items, check_agreement};
pub use run::plan_run;

/// What a billing input got wrong. Messages name the thing at fault.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub enum BillingError {
    #[error("unknown product {0:?} (expected one of SMS, FITS, VM, COLO, ECHO, ENTERPRISE_EMAIL, PREPAID_LABOR)")]
    UnknownProduct(String),
    #[error("unknown line kind {0:?}")]
    UnknownLineKind(String),
    /// `field` is the exchange format's name for the value at fault.
    #[error("agreement {id}: {problem}")]
    InvalidAgreement {
        id: i64,
        field: &'static str,
        problem: String,
    },
}

/// What an agreement sells.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Product {
    Sms,
    Fits,
    Vm,
    Colo,
    Echo,
    EnterpriseEmail,
    PrepaidLabor,
}

impl Product {
    pub const ALL: [Product; 7] = [
        Product::Sms,
        Product::Fits,
        Product::Vm,
        Product::Colo,
        Product::Echo,
        Product::EnterpriseEmail,
        Product::PrepaidLabor,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Product::Sms => "SMS",
            Product::Fits => "FITS",
            Product::Vm => "VM",
            Product::Colo => "COLO",
            Product::Echo => "ECHO",
            Product::EnterpriseEmail => "ENTERPRISE_EMAIL",
            Product::PrepaidLabor => "PREPAID_LABOR",
        }
    }

    /// Makes its company a contract client for labor (SMS, FITS, PREPAID_LABOR).
    pub fn is_contract(self) -> bool {
        matches!(self, Product::Sms | Product::Fits | Product::PrepaidLabor)
    }

    /// Delivered as a project: recurring billing waits for completion.
    pub fn is_project(self) -> bool {
        !self.is_contract()
    }
}

impl fmt::Display for Product {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Product {
    type Err = BillingError;
    /// Exact names as in [`Product::as_str`], case-insensitive, spaces or
    /// dashes accepted for underscores ("Enterprise Email").
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let norm = s.trim().to_ascii_uppercase().replace([' ', '-'], "_");
        Product::ALL
            .into_iter()
            .find(|p| p.as_str() == norm)
            .ok_or_else(|| BillingError::UnknownProduct(s.to_string()))
    }
}

/// A signed agreement with a company.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Agreement {
    pub id: i64,
    pub company_id: i64,
    pub product: Product,
    pub executed: NaiveDate,
    pub project_completed: Option<NaiveDate>,
    /// Last active day (inclusive).
    pub ended: Option<NaiveDate>,
    pub onboarding_fee: Cents,
    pub monthly: Cents,
    pub project_fee: Cents,
    /// Per hour, for contract labor beyond any prepaid hours.
    pub labor_rate: Cents,
    pub prepaid_hours_per_month: u32,
}

/// A time entry on a ticket.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LaborEntry {
    pub id: i64,
    pub ticket_id: i64,
    pub company_id: i64,
    /// Local time, in the calendar's zone.
    pub start: NaiveDateTime,
    pub minutes: u32,
    pub billable: bool,
    /// Local date the ticket became Resolved, for its current resolution;
    /// `None` while it is open, including after a reopen.
    pub ticket_completed: Option<NaiveDate>,
}

/// The finance settings (`[billing]` in the config).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct BillingRules {
    /// Per hour for companies without an active contract agreement.
    pub non_contract_rate: Cents,
    /// Non-contract labor is billed this many days after ticket completion.
    pub non_contract_delay_days: u32,
    /// Labor lines are rounded up to a multiple of this many minutes.
    pub labor_increment_minutes: u32,
    /// Monthly charges are billed this many months ahead.
    pub months_in_advance: u32,
    /// Unused prepaid minutes roll into the next month.
    pub prepaid_carry_over: bool,
}

impl BillingRules {
    /// The guide's terms: $150.00/h non-contract, billed 14 days after
    /// completion, labor in 15-minute steps, one month in advance, no
    /// carry-over of prepaid hours.
    pub fn pim_default() -> Self {
        BillingRules {
            non_contract_rate: Cents(15_000),
            non_contract_delay_days: 14,
            labor_increment_minutes: 15,
            months_in_advance: 1,
            prepaid_carry_over: false,
        }
    }
}

impl Default for BillingRules {
    fn default() -> Self {
        BillingRules::pim_default()
    }
}

/// The kind of an invoice line (as written in `invoice run --json`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LineKind {
    Onboarding,
    Recurring,
    Project,
    /// Non-contract labor, at the configured rate ($150/h).
    Labor,
    /// Contract labor, at the agreement's labor rate (prepaid overage too).
    ContractLabor,
    PrepaidLabor,
}

impl LineKind {
    pub const ALL: [LineKind; 6] = [
        LineKind::Onboarding,
        LineKind::Recurring,
        LineKind::Project,
        LineKind::Labor,
        LineKind::ContractLabor,
        LineKind::PrepaidLabor,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            LineKind::Onboarding => "onboarding",
            LineKind::Recurring => "recurring",
            LineKind::Project => "project",
            LineKind::Labor => "labor",
            LineKind::ContractLabor => "contract_labor",
            LineKind::PrepaidLabor => "prepaid_labor",
        }
    }

    /// Billed by the minute on a ticket (priced per line, rounded up).
    pub fn is_billed_labor(self) -> bool {
        matches!(self, LineKind::Labor | LineKind::ContractLabor)
    }
}

impl fmt::Display for LineKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for LineKind {
    type Err = BillingError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        LineKind::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| BillingError::UnknownLineKind(s.to_string()))
    }
}

/// Identifies one billable charge for ever; billed at most once.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ItemKey {
    Onboarding {
        agreement: i64,
    },
    /// `service_month` is the first day of the month.
    Recurring {
        agreement: i64,
        service_month: NaiveDate,
    },
    /// The rest of a service month already billed in part, owed because the
    /// end date moved later; `from` is its first day.
    RecurringRest {
        agreement: i64,
        from: NaiveDate,
    },
    Project {
        agreement: i64,
    },
    Labor {
        entry: i64,
    },
    PrepaidLabor {
        entry: i64,
    },
}

impl ItemKey {
    /// Stable text form: `onboarding:12`, `recurring:12:2026-03`,
    /// `recurring_rest:12:2026-02-15`, `project:12`, `labor:345`,
    /// `prepaid_labor:345`.
    pub fn encode(&self) -> String {
        match self {
            ItemKey::Onboarding { agreement } => format!("onboarding:{agreement}"),
            ItemKey::Recurring {
                agreement,
                service_month: m,
            } => format!("recurring:{agreement}:{:04}-{:02}", m.year(), m.month()),
            ItemKey::RecurringRest { agreement, from } => format!("recurring_rest:{agreement}:{from}"),
            ItemKey::Project { agreement } => format!("project:{agreement}"),
            ItemKey::Labor { entry } => format!("labor:{entry}"),
            ItemKey::PrepaidLabor { entry } => format!("prepaid_labor:{entry}"),
        }
    }

    /// Reads [`ItemKey::encode`]'s form back. Only the canonical form is
    /// accepted ("labor:07" is refused), so one charge has one text.
    pub fn decode(text: &str) -> Option<ItemKey> {
        let key = decode_loose(text)?;
        (key.encode() == text).then_some(key)
    }

    /// The line kind this key bills as; a labor key bills as `labor` or, on a
    /// contract, `contract_labor` (its pricing decides, the key stays).
    pub fn kind(&self) -> LineKind {
        match self {
            ItemKey::Onboarding { .. } => LineKind::Onboarding,
            ItemKey::Recurring { .. } | ItemKey::RecurringRest { .. } => LineKind::Recurring,
            ItemKey::Project { .. } => LineKind::Project,
            ItemKey::Labor { .. } => LineKind::Labor,
            ItemKey::PrepaidLabor { .. } => LineKind::PrepaidLabor,
        }
    }
}

fn decode_loose(text: &str) -> Option<ItemKey> {
    let mut parts = text.split(':');
    let (kind, id) = (parts.next()?, parts.next()?.parse::<i64>().ok()?);
    let month = parts.next();
    if parts.next().is_some() || (month.is_some() != matches!(kind, "recurring" | "recurring_rest")) {
        return None;
    }
    Some(match kind {
        "onboarding" => ItemKey::Onboarding { agreement: id },
        "recurring" => ItemKey::Recurring {
            agreement: id,
            service_month: parse_month(month?)?,
        },
        "recurring_rest" => ItemKey::RecurringRest {
            agreement: id,
            from: NaiveDate::parse_from_str(month?, "%Y-%m-%d").ok()?,
        },
        "project" => ItemKey::Project { agreement: id },
        "labor" => ItemKey::Labor { entry: id },
        "prepaid_labor" => ItemKey::PrepaidLabor { entry: id },
        _ => return None,
    })
}

fn parse_month(text: &str) -> Option<NaiveDate> {
    let (y, m) = text.split_once('-')?;
    NaiveDate::from_ymd_opt(y.parse().ok()?, m.parse().ok()?, 1)
}

impl fmt::Display for ItemKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.encode())
    }
}

impl Serialize for ItemKey {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.encode())
    }
}

impl<'de> Deserialize<'de> for ItemKey {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        ItemKey::decode(&text).ok_or_else(|| serde::de::Error::custom(format!("bad item key {text:?}")))
    }
}

/// One charge that is due: a fee, a service month, or (part of) a time entry.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BillableItem {
    pub key: ItemKey,
    pub company_id: i64,
    pub kind: LineKind,
    pub bill_date: NaiveDate,
    /// For labor: 0 here, priced per line.
    pub amount: Cents,
    pub minutes: u32,
    /// Per hour, for labor; 0 otherwise.
    pub rate: Cents,
    pub ticket_id: Option<i64>,
    pub period_start: Option<NaiveDate>,
    pub period_end: Option<NaiveDate>,
    pub description: String,
}

/// One line of a planned invoice.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlannedLine {
    pub kind: LineKind,
    pub description: String,
    pub ticket_id: Option<i64>,
    /// Billed minutes: labor rounded up to the increment; prepaid exact.
    pub minutes: u32,
    /// Worked minutes: the exact sum of the line's entries, before rounding.
    pub worked_minutes: u32,
    /// Per hour for labor; the amount itself for one-off and monthly lines.
    pub unit_cents: Cents,
    pub amount: Cents,
    pub period_start: Option<NaiveDate>,
    pub period_end: Option<NaiveDate>,
    /// The charges this line bills, in key order.
    pub items: Vec<ItemKey>,
    /// The minutes each of `items` bills (same order): exact worked minutes
    /// for labor and prepaid draws, 0 for fees and monthly charges.
    pub item_minutes: Vec<u32>,
}

/// One invoice a run would write.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlannedInvoice {
    pub company_id: i64,
    pub date: NaiveDate,
    /// Due on receipt: the invoice date.
    pub due: NaiveDate,
    pub lines: Vec<PlannedLine>,
    pub total: Cents,
}

/// First day of `d`'s month.
pub fn month_start(d: NaiveDate) -> NaiveDate {
    d.with_day(1).unwrap_or(d) // with_day(1) exists for every date
}

/// Number of days in `d`'s month (28–31).
pub fn days_in_month(d: NaiveDate) -> u32 {
    let first = month_start(d);
    match first.checked_add_months(Months::new(1)) {
        Some(next) => (next - first).num_days() as u32, // 28..=31
        None => 31,                                     // December of the last year chrono knows
    }
}

/// Last day of `d`'s month.
pub fn month_end(d: NaiveDate) -> NaiveDate {
    month_start(d)
        .checked_add_days(Days::new(u64::from(days_in_month(d)) - 1))
        .unwrap_or(d)
}

/// The Monday after the ISO week (Monday–Sunday) containing `d`.
pub fn monday_after(d: NaiveDate) -> NaiveDate {
    let ahead = 7 - u64::from(d.weekday().num_days_from_monday());
    d.checked_add_days(Days::new(ahead)).unwrap_or(NaiveDate::MAX)
}
