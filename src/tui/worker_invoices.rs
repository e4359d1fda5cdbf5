//! The worker's side of the Invoices tab: loads through the billing store's
//! readers, and payments, voids and invoice runs through its writers (each
//! one transaction), and agreement writes (add, end, complete; audited).
//! Writes are checked for the writer's role by the store, in their own
//! transaction.

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;
use chrono_tz::Tz;
use rusqlite::Connection;

use super::action::Action;
use super::state::invoices::{AgreementLine, InvoiceData, InvoiceEffect};
use crate::domain::billing::Product;
use crate::store::billing::agreements::{self, PrepaidBalance};
use crate::store::billing::ledger::{self, NewPayment};
use crate::store::billing::{self as billing, BillingStoreError, Invoice};

/// Runs one Invoices effect as technician `who`.
pub fn handle(conn: &mut Connection, who: i64, effect: InvoiceEffect) -> Action {
    match effect {
        InvoiceEffect::Load { today } => data(list(conn, today)),
        InvoiceEffect::LoadDetail { number } => data(detail(conn, number)),
        InvoiceEffect::LoadAgreements { today, tz, carry_over } => data(
            agreement_lines(conn, today, tz, carry_over).map(|rows| InvoiceData::Agreements { month: today, rows }),
        ),
        InvoiceEffect::Preview { as_of, run, at } => data(
            billing::run(conn, &run, as_of, true, who, at).map(|invoices| InvoiceData::Preview { as_of, invoices }),
        ),
        // The billing store checks the role inside each write's transaction.
        write => write_effect(conn, who, write),
    }
}

fn write_effect(conn: &mut Connection, who: i64, effect: InvoiceEffect) -> Action {
    let result = match effect {
        InvoiceEffect::Commit { as_of, run, at } => {
            billing::run(conn, &run, as_of, false, who, at).map(|done| committed(as_of, &done))
        }
        InvoiceEffect::Pay {
            number,
            amount,
            method,
            date,
            reference,
            at,
        } => {
            let p = NewPayment {
                amount,
                method,
                date,
                reference,
            };
            ledger::add_payment(conn, &number, &p, who, at).map(|inv| {
                format!(
                    "recorded {amount} by {} on {}; balance {} ({})",
                    method.label(),
                    inv.number,
                    inv.balance(),
                    inv.status()
                )
            })
        }
        InvoiceEffect::Void { number, reason, at } => ledger::void(conn, &number, &reason, who, at).map(|n| {
            format!(
                "{} is void; {n} billed item(s) released for the next invoice run",
                number.to_ascii_uppercase()
            )
        }),
        InvoiceEffect::VoidPayment { payment, reason, at } => ledger::void_payment(conn, payment, &reason, who, at)
            .map(|inv| {
                format!(
                    "payment reversed on {}: balance {} ({}); it stays in the history, void",
                    inv.number,
                    inv.balance(),
                    inv.status()
                )
            }),
        InvoiceEffect::AddAgreement { agreement, at } => {
            agreements::add(conn, &agreement, who, at).map(|key| format!("agreement {key} added (audited)"))
        }
        InvoiceEffect::EndAgreement { key, date, at } => {
            agreements::end(conn, &key, date, who, at).map(|outcome| ended(&key, date, &outcome))
        }
        InvoiceEffect::CompleteAgreement { key, date, at } => agreements::complete(conn, &key, date, who, at)
            .map(|()| format!("agreement {key}: project completed on {date} (audited)")),
        _ => return Action::Tick,
    };
    match result {
        Ok(message) => Action::Saved { message, ticket: None },
        Err(BillingStoreError::Refused(m)) => refused(m),
        Err(e) => Action::StoreFailed(format!("store: {e}")),
    }
}

fn ended(key: &str, date: NaiveDate, outcome: &agreements::EndOutcome) -> String {
    let names = |months: &[NaiveDate]| -> String {
        let names: Vec<String> = months.iter().map(|m| m.format("%B %Y").to_string()).collect();
        names.join(", ")
    };
    let mut m = format!("agreement {key} ends on {date} (audited)");
    if !outcome.billed_beyond.is_empty() {
        let months = names(&outcome.billed_beyond);
        m.push_str(&format!("; already billed: {months} (stays billed: credit by hand)"));
    }
    if !outcome.rest_owed.is_empty() {
        let months = names(&outcome.rest_owed);
        m.push_str(&format!("; billed in part: {months} (the next run bills the rest)"));
    }
    m
}

fn committed(as_of: NaiveDate, done: &[Invoice]) -> String {
    let total: crate::domain::money::Cents = done.iter().map(|i| i.total).sum();
    match (done.first(), done.last()) {
        (Some(first), Some(last)) => format!(
            "invoice run as of {as_of}: {} invoice(s) written ({}..{}), total {total}",
            done.len(),
            first.number,
            last.number
        ),
        _ => format!("invoice run as of {as_of}: nothing was due, no invoices written"),
    }
}

fn refused(message: String) -> Action {
    Action::SaveRefused {
        message,
        conflict: None,
    }
}

fn data(result: billing::Result<InvoiceData>) -> Action {
    match result {
        Ok(d) => Action::InvoiceData(Box::new(d)),
        Err(BillingStoreError::Refused(m)) => Action::InvoiceData(Box::new(InvoiceData::Failed(m))),
        Err(e) => Action::StoreFailed(format!("store: {e}")),
    }
}

/// One invoice with what became of its mail.
fn detail(conn: &Connection, number: String) -> billing::Result<InvoiceData> {
    let invoice = ledger::find(conn, &number)?;
    let mail = match &invoice {
        Some(i) => crate::store::mail::invoices::mailed(conn, &[i.id])?
            .remove(&i.id)
            .unwrap_or_default(),
        None => Default::default(),
    };
    Ok(InvoiceData::Detail { number, invoice, mail })
}

/// Newest first, with the aging at `today`.
fn list(conn: &Connection, today: NaiveDate) -> billing::Result<InvoiceData> {
    let mut invoices = ledger::list(conn)?;
    invoices.reverse();
    let aging = ledger::aging(conn, today)?;
    Ok(InvoiceData::Listed {
        as_of: today,
        invoices,
        aging,
    })
}

/// Every agreement, with the prepaid balance of `today`'s month for blocks.
fn agreement_lines(
    conn: &Connection,
    today: NaiveDate,
    tz: Tz,
    carry_over: bool,
) -> billing::Result<Vec<AgreementLine>> {
    let rows = agreements::list(conn, None)?;
    let companies: BTreeSet<i64> = rows
        .iter()
        .filter(|r| r.agreement.product == Product::PrepaidLabor)
        .map(|r| r.agreement.company_id)
        .collect();
    let mut balances: BTreeMap<i64, PrepaidBalance> = BTreeMap::new();
    for company in companies {
        balances.extend(agreements::prepaid_balances(conn, tz, company, today, carry_over)?);
    }
    Ok(rows
        .into_iter()
        .map(|row| AgreementLine {
            prepaid: balances.get(&row.agreement.id).copied(),
            row,
        })
        .collect())
}
