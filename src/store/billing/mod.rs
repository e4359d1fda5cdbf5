//! Billing storage: agreements, billable time, invoice runs, payments, voids
//! and aging (DESIGN.md 3.3). The rules live in `domain::billing`; this module
//! loads their inputs, writes their results in one `BEGIN IMMEDIATE`
//! transaction, and reads invoices back with a status computed from payments.
//!
//! Choices where the rules are silent:
//! - Voiding an invoice releases its billed items (its `billed_items` rows are
//!   deleted), so the next run bills them again; the void invoice keeps its
//!   lines for the record. An invoice with payments cannot be voided.
//! - An invoice whose total is $0.00 (only prepaid hours drawn) is "paid".
//! - Aging at a date counts invoices dated on or before it and payments dated
//!   on or before it; void invoices never count.

use std::fmt;
use std::str::FromStr;

use chrono::{NaiveDate, NaiveDateTime};
use chrono_tz::Tz;
use rusqlite::params;

use crate::store::sql::{Row, Sql};

use super::StoreError;
use crate::domain::billing::{Agreement, LaborEntry, LineKind, Product};
use crate::domain::money::Cents;
use crate::domain::time::from_secs;

pub mod agreements;
pub mod ledger;
pub mod run;
pub mod unbilled;

pub use run::{run, RunSettings};

/// The finance rule, enforced where the money moves: inside the write's own
/// transaction, on the writer's role as stored now (a role changed by an
/// admin a moment ago counts). Refused with the words of
/// [`refusal`](crate::domain::permissions::refusal), naming how to get it.
pub(crate) fn require_finance(tx: &dyn Sql, who: i64, what: &str) -> Result<()> {
    use crate::domain::permissions::{refusal, Duty, Role};

    let found: Option<(String, Role)> =
        tx.query_opt("SELECT login, role FROM technicians WHERE id = ?1", [&who], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })?;
    let (login, role) = found.map_or((String::new(), None), |(l, r)| (l, Some(r)));
    match refusal(role, &login, Duty::Finance, what) {
        None => Ok(()),
        Some(m) => Err(BillingStoreError::Refused(m)),
    }
}

/// Why a billing write was refused, or could not be done.
#[derive(Debug, thiserror::Error)]
pub enum BillingStoreError {
    /// The request itself is wrong (bad amount, void invoice, …): nothing was
    /// written. The message says what and what to do.
    #[error("{0}")]
    Refused(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<rusqlite::Error> for BillingStoreError {
    fn from(e: rusqlite::Error) -> Self {
        BillingStoreError::Store(e.into())
    }
}

pub type Result<T> = std::result::Result<T, BillingStoreError>;

pub(crate) fn refused<T>(message: impl Into<String>) -> Result<T> {
    Err(BillingStoreError::Refused(message.into()))
}

/// How a payment arrived (the guide's "Five Ways to Pay").
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum PaymentMethod {
    Check,
    Ach,
    Billcom,
    Paypal,
    Card,
}

impl PaymentMethod {
    pub const ALL: [PaymentMethod; 5] = [
        PaymentMethod::Check,
        PaymentMethod::Ach,
        PaymentMethod::Billcom,
        PaymentMethod::Paypal,
        PaymentMethod::Card,
    ];

    /// The stored and typed name.
    pub fn as_str(self) -> &'static str {
        match self {
            PaymentMethod::Check => "check",
            PaymentMethod::Ach => "ach",
            PaymentMethod::Billcom => "billcom",
            PaymentMethod::Paypal => "paypal",
            PaymentMethod::Card => "card",
        }
    }

    /// How a person writes it.
    pub fn label(self) -> &'static str {
        match self {
            PaymentMethod::Check => "Check",
            PaymentMethod::Ach => "ACH",
            PaymentMethod::Billcom => "Bill.com",
            PaymentMethod::Paypal => "PayPal",
            PaymentMethod::Card => "Credit card",
        }
    }
}

impl fmt::Display for PaymentMethod {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for PaymentMethod {
    type Err = String;
    /// Any case; "Bill.com" and "credit card" are understood too.
    fn from_str(s: &str) -> std::result::Result<Self, Self::Err> {
        let norm: String = s
            .trim()
            .to_ascii_lowercase()
            .chars()
            .filter(|c| !matches!(c, '.' | ' ' | '-' | '_'))
            .collect();
        let norm = if norm == "creditcard" { "card".to_string() } else { norm };
        PaymentMethod::ALL
            .into_iter()
            .find(|m| m.as_str() == norm)
            .ok_or_else(|| format!("unknown payment method {s:?} (expected one of check, ach, billcom, paypal, card)"))
    }
}

/// Where an invoice stands, from its payments.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InvoiceStatus {
    Open,
    PartiallyPaid,
    Paid,
    Void,
}

impl InvoiceStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            InvoiceStatus::Open => "open",
            InvoiceStatus::PartiallyPaid => "partially paid",
            InvoiceStatus::Paid => "paid",
            InvoiceStatus::Void => "void",
        }
    }
}

impl fmt::Display for InvoiceStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One line of an invoice, as stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InvoiceLine {
    pub kind: LineKind,
    pub description: String,
    pub ticket_id: Option<i64>,
    pub minutes: u32,
    /// Per hour for labor; the amount itself for fees and monthly charges.
    pub unit: Cents,
    pub amount: Cents,
    pub period_start: Option<NaiveDate>,
    pub period_end: Option<NaiveDate>,
}

/// One recorded payment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Payment {
    pub id: i64,
    pub date: NaiveDate,
    pub amount: Cents,
    pub method: PaymentMethod,
    pub reference: String,
    /// Why it was voided; a void payment stays in the history and counts for nothing.
    pub void_reason: Option<String>,
}

/// An invoice with its company's name; lines and payments are filled by
/// [`ledger::find`] and by a run, left empty by [`ledger::list`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Invoice {
    /// 0 for an invoice a dry run would write.
    pub id: i64,
    pub number: String,
    pub company_id: i64,
    pub company: String,
    pub date: NaiveDate,
    pub due: NaiveDate,
    pub total: Cents,
    pub paid: Cents,
    pub void_reason: Option<String>,
    pub lines: Vec<InvoiceLine>,
    pub payments: Vec<Payment>,
}

impl Invoice {
    /// What is still owed (nothing on a void invoice).
    pub fn balance(&self) -> Cents {
        if self.void_reason.is_some() {
            Cents::ZERO
        } else {
            self.total - self.paid
        }
    }

    pub fn status(&self) -> InvoiceStatus {
        if self.void_reason.is_some() {
            InvoiceStatus::Void
        } else if self.paid >= self.total {
            InvoiceStatus::Paid
        } else if self.paid.0 > 0 {
            InvoiceStatus::PartiallyPaid
        } else {
            InvoiceStatus::Open
        }
    }
}

/// Every agreement (or one company's), in id order.
pub fn load_agreements(conn: &dyn Sql, company_id: Option<i64>) -> Result<Vec<Agreement>> {
    let sql = "SELECT id, company_id, product, executed, project_completed, ended, onboarding_fee_cents,
                      monthly_cents, project_fee_cents, labor_rate_cents, prepaid_hours_per_month
               FROM agreements WHERE CAST(?1 AS BIGINT) IS NULL OR company_id = ?1 ORDER BY id";
    let mut stmt = conn.prepare_cached(sql)?;
    let rows = stmt.query_map([company_id], agreement_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub(crate) fn agreement_row(r: &Row<'_>) -> rusqlite::Result<Agreement> {
    let product: String = r.get(2)?;
    Ok(Agreement {
        id: r.get(0)?,
        company_id: r.get(1)?,
        product: Product::from_str(&product).map_err(|e| bad_column(2, e))?,
        executed: date_col(r, 3)?,
        project_completed: opt_date_col(r, 4)?,
        ended: opt_date_col(r, 5)?,
        onboarding_fee: Cents(r.get(6)?),
        monthly: Cents(r.get(7)?),
        project_fee: Cents(r.get(8)?),
        labor_rate: Cents(r.get(9)?),
        prepaid_hours_per_month: r.get(10)?,
    })
}

/// Billable time entries with start (in the calendar's zone) on or before
/// `until` when given, of one company or all, with their ticket's company and
/// completion date. Entries after `until` can neither be due by then nor
/// change how earlier entries draw on prepaid hours, so they are left out.
pub fn load_entries(
    conn: &dyn Sql,
    tz: Tz,
    company_id: Option<i64>,
    until: Option<NaiveDate>,
) -> Result<Vec<LaborEntry>> {
    let bound = until.map_or(i64::MAX, unbilled::utc_after);
    let columns = unbilled::ENTRY_COLUMNS;
    let sql = if company_id.is_some() {
        format!(
            "SELECT {columns} FROM tickets t JOIN time_entries te ON te.ticket_id = t.id
             WHERE t.company_id = ?2 AND te.billable <> 0 AND te.start < ?1"
        )
    } else {
        format!(
            "SELECT {columns} FROM time_entries te JOIN tickets t ON t.id = te.ticket_id
             WHERE te.billable <> 0 AND te.start < ?1 AND CAST(?2 AS BIGINT) IS NULL"
        )
    };
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(params![bound, company_id], |r| unbilled::entry_row(r, tz))?;
    let mut out = Vec::new();
    for entry in rows {
        let entry = entry?;
        if until.is_none_or(|u| entry.start.date() <= u) {
            out.push(entry);
        }
    }
    Ok(out)
}

/// Unix seconds → wall-clock time in `tz`.
pub fn local(secs: i64, tz: Tz) -> NaiveDateTime {
    from_secs(secs).with_timezone(&tz).naive_local()
}

/// Writes one audit row.
#[allow(clippy::too_many_arguments)]
pub(crate) fn audit(
    conn: &dyn Sql,
    entity: &str,
    id: i64,
    who: i64,
    now: i64,
    field: &str,
    old: Option<&str>,
    new: Option<&str>,
) -> rusqlite::Result<()> {
    crate::store::audit::record(
        conn,
        who,
        now,
        crate::store::audit::Entry {
            entity,
            id,
            field,
            old,
            new,
        },
    )
}

pub(crate) fn date_text(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

pub(crate) fn date_col(r: &Row<'_>, i: usize) -> rusqlite::Result<NaiveDate> {
    let text: String = r.get(i)?;
    NaiveDate::parse_from_str(&text, "%Y-%m-%d").map_err(|e| bad_column(i, e))
}

pub(crate) fn opt_date_col(r: &Row<'_>, i: usize) -> rusqlite::Result<Option<NaiveDate>> {
    match r.get::<_, Option<String>>(i)? {
        None => Ok(None),
        Some(text) => NaiveDate::parse_from_str(&text, "%Y-%m-%d")
            .map(Some)
            .map_err(|e| bad_column(i, e)),
    }
}

/// A stored value this build cannot read: the store is damaged (exit 3).
pub(crate) fn bad_column(i: usize, e: impl fmt::Display) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(
        i,
        rusqlite::types::Type::Text,
        format!("unreadable billing value: {e}").into(),
    )
}
