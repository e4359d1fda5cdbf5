//! Invoices after the run: reading them back, payments, voids and aging.

use chrono::NaiveDate;
use rusqlite::params;

use crate::store::sql::{Mode, Row, Sql};

use super::{
    audit, bad_column, date_col, date_text, opt_date_col, refused, Invoice, InvoiceLine, Payment, PaymentMethod, Result,
};
use crate::domain::billing::LineKind;
use crate::domain::money::Cents;
use crate::domain::text::sanitize_line;

const HEAD: &str = "SELECT i.id, i.number, i.company_id, c.name, i.date, i.due, i.total_cents, i.void_reason,
        coalesce((SELECT sum(p.amount_cents) FROM payments p WHERE p.invoice_id = i.id AND p.voided IS NULL), 0)
    FROM invoices i JOIN companies c ON c.id = i.company_id";

fn head_row(r: &Row<'_>) -> rusqlite::Result<Invoice> {
    Ok(Invoice {
        id: r.get(0)?,
        number: r.get(1)?,
        company_id: r.get(2)?,
        company: r.get(3)?,
        date: date_col(r, 4)?,
        due: date_col(r, 5)?,
        total: Cents(r.get(6)?),
        void_reason: r.get(7)?,
        paid: Cents(r.get(8)?),
        lines: Vec::new(),
        payments: Vec::new(),
    })
}

/// Every invoice, oldest first, without lines and payments.
pub fn list(conn: &dyn Sql) -> Result<Vec<Invoice>> {
    let mut stmt = conn.prepare_cached(&format!("{HEAD} ORDER BY i.id"))?;
    let rows = stmt.query_map((), head_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// One invoice by number (any case), with its lines and payments.
pub fn find(conn: &dyn Sql, number: &str) -> Result<Option<Invoice>> {
    let sql = format!("{HEAD} WHERE {}", conn.dialect().nocase_eq("i.number", "?1"));
    let head = conn.query_opt(&sql, [&number.trim()], head_row)?;
    let Some(mut invoice) = head else {
        return Ok(None);
    };
    invoice.lines = lines(conn, invoice.id)?;
    invoice.payments = payments(conn, invoice.id)?;
    Ok(Some(invoice))
}

fn lines(conn: &dyn Sql, invoice_id: i64) -> Result<Vec<InvoiceLine>> {
    let mut stmt = conn.prepare_cached(
        "SELECT kind, description, ticket_id, minutes, unit_cents, amount_cents, period_start, period_end
         FROM invoice_lines WHERE invoice_id = ?1 ORDER BY id",
    )?;
    let rows = stmt.query_map([invoice_id], |r| {
        let kind: String = r.get(0)?;
        Ok(InvoiceLine {
            kind: kind.parse::<LineKind>().map_err(|e| bad_column(0, e))?,
            description: r.get(1)?,
            ticket_id: r.get(2)?,
            minutes: r.get(3)?,
            unit: Cents(r.get(4)?),
            amount: Cents(r.get(5)?),
            period_start: opt_date_col(r, 6)?,
            period_end: opt_date_col(r, 7)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

fn payments(conn: &dyn Sql, invoice_id: i64) -> Result<Vec<Payment>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, date, amount_cents, method, reference, void_reason FROM payments WHERE invoice_id = ?1 ORDER BY date, id",
    )?;
    let rows = stmt.query_map([invoice_id], payment_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

fn payment_row(r: &Row<'_>) -> rusqlite::Result<Payment> {
    let method: String = r.get(3)?;
    Ok(Payment {
        id: r.get(0)?,
        date: date_col(r, 1)?,
        amount: Cents(r.get(2)?),
        method: method.parse().map_err(|e: String| bad_column(3, e))?,
        reference: r.get(4)?,
        void_reason: r.get(5)?,
    })
}

/// Every payment with its invoice's number, in date order (for the CSV).
pub fn all_payments(conn: &dyn Sql) -> Result<Vec<(String, Payment)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT p.id, p.date, p.amount_cents, p.method, p.reference, p.void_reason, i.number
         FROM payments p JOIN invoices i ON i.id = p.invoice_id ORDER BY p.date, p.id",
    )?;
    let rows = stmt.query_map((), |r| Ok((r.get(6)?, payment_row(r)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// A payment to record.
#[derive(Clone, Debug)]
pub struct NewPayment {
    pub amount: Cents,
    pub method: PaymentMethod,
    pub date: NaiveDate,
    pub reference: String,
}

/// Records a payment; refused when the amount is not positive, the invoice is
/// void, or the amount is more than the balance. Returns the invoice after.
pub fn add_payment(conn: &dyn Sql, number: &str, p: &NewPayment, who: i64, now: i64) -> Result<Invoice> {
    if p.amount.0 <= 0 {
        return refused(format!("the amount must be more than $0.00 (got {})", p.amount));
    }
    let tx = conn.begin(Mode::Write)?;
    super::require_finance(&tx, who, "recording a payment")?;
    let invoice = find(&tx, number)?.ok_or_else(|| unknown(number))?;
    if let Some(reason) = &invoice.void_reason {
        return refused(format!(
            "{} is void ({reason}); a payment cannot be recorded on a void invoice",
            invoice.number
        ));
    }
    let balance = invoice.balance();
    if p.amount > balance {
        return refused(format!(
            "{} on {} would over-pay it: its balance is {} (total {}, paid {})",
            p.amount, invoice.number, balance, invoice.total, invoice.paid
        ));
    }
    let reference = sanitize_line(&p.reference);
    tx.execute(
        "INSERT INTO payments (invoice_id, amount_cents, method, date, reference, recorded_by, created)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![
            invoice.id,
            p.amount.0,
            p.method.as_str(),
            date_text(p.date),
            reference,
            who,
            now
        ],
    )?;
    let text = format!("{} by {} on {}", p.amount, p.method.label(), date_text(p.date));
    let text = if reference.is_empty() {
        text
    } else {
        format!("{text} (ref {reference})")
    };
    audit(&tx, "invoice", invoice.id, who, now, "payment", None, Some(&text))?;
    let after = find(&tx, &invoice.number)?.ok_or_else(|| unknown(number))?;
    tx.commit()?;
    Ok(after)
}

/// Voids an invoice with a reason and releases its billed items, so the next
/// run bills them again. Refused when it has payments or is void already.
/// Returns how many items were released.
pub fn void(conn: &dyn Sql, number: &str, reason: &str, who: i64, now: i64) -> Result<usize> {
    let reason = sanitize_line(reason);
    if reason.is_empty() {
        return refused("a void needs a reason (--reason TEXT)");
    }
    let tx = conn.begin(Mode::Write)?;
    super::require_finance(&tx, who, "voiding an invoice")?;
    let invoice = find(&tx, number)?.ok_or_else(|| unknown(number))?;
    if let Some(old) = &invoice.void_reason {
        return refused(format!("{} is already void ({old})", invoice.number));
    }
    if let Some(p) = invoice.payments.iter().find(|p| p.void_reason.is_none()) {
        return refused(format!(
            "{} has {} in payments and cannot be voided; a paid invoice stays on the books (a payment recorded in error is reversed first: pimdesk payment void {} --reason TEXT)",
            invoice.number, invoice.paid, p.id
        ));
    }
    tx.execute(
        "UPDATE invoices SET void_reason = ?2 WHERE id = ?1",
        params![invoice.id, reason],
    )?;
    let released = tx.execute(
        "DELETE FROM billed_items WHERE line_id IN (SELECT id FROM invoice_lines WHERE invoice_id = ?1)",
        [&invoice.id],
    )?;
    audit(&tx, "invoice", invoice.id, who, now, "void", None, Some(&reason))?;
    tx.commit()?;
    Ok(released)
}

/// Reverses a payment recorded in error: it stays in the history, marked void
/// with the reason, and no longer counts toward the invoice's balance or the
/// aging. Returns the invoice after.
pub fn void_payment(conn: &dyn Sql, payment: i64, reason: &str, who: i64, now: i64) -> Result<Invoice> {
    let reason = sanitize_line(reason);
    if reason.is_empty() {
        return refused("a payment void needs a reason (--reason TEXT)");
    }
    let tx = conn.begin(Mode::Write)?;
    super::require_finance(&tx, who, "voiding a payment")?;
    let found: Option<(String, Option<String>)> = tx.query_opt(
        "SELECT i.number, p.void_reason FROM payments p JOIN invoices i ON i.id = p.invoice_id WHERE p.id = ?1",
        [&payment],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    let Some((number, old)) = found else {
        return refused(format!(
            "no payment {payment} (invoice show NUMBER lists an invoice's payments)"
        ));
    };
    if let Some(old) = old {
        return refused(format!("payment {payment} on {number} is already void ({old})"));
    }
    tx.execute(
        "UPDATE payments SET voided = ?2, void_reason = ?3, voided_by = ?4 WHERE id = ?1",
        params![payment, now, reason, who],
    )?;
    let before = find(&tx, &number)?.ok_or_else(|| unknown(&number))?;
    let what = before
        .payments
        .iter()
        .find(|p| p.id == payment)
        .map(|p| format!("{} by {} on {}", p.amount, p.method.label(), date_text(p.date)))
        .unwrap_or_default();
    audit(
        &tx,
        "invoice",
        before.id,
        who,
        now,
        "payment void",
        Some(&what),
        Some(&reason),
    )?;
    tx.commit()?;
    Ok(before)
}

fn unknown(number: &str) -> super::BillingStoreError {
    super::BillingStoreError::Refused(format!("no invoice {number:?} (see pimdesk invoice list)"))
}

pub use crate::domain::billing::aging::Bucket;

/// One unpaid invoice in the aging report.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AgingRow {
    pub number: String,
    pub company: String,
    pub due: NaiveDate,
    pub days_past_due: i64,
    pub balance: Cents,
    pub bucket: Bucket,
}

/// Balances owed at `as_of`: invoices dated on or before it, less payments
/// dated on or before it; void invoices and settled ones are left out.
/// Sorted most overdue first.
pub fn aging(conn: &dyn Sql, as_of: NaiveDate) -> Result<Vec<AgingRow>> {
    let day = date_text(as_of);
    let mut stmt = conn.prepare_cached(
        "SELECT i.number, c.name, i.due, i.total_cents
                - coalesce((SELECT sum(p.amount_cents) FROM payments p WHERE p.invoice_id = i.id AND p.voided IS NULL AND p.date <= ?1), 0)
         FROM invoices i JOIN companies c ON c.id = i.company_id
         WHERE i.void_reason IS NULL AND i.date <= ?1",
    )?;
    let rows = stmt.query_map([&day], |r| {
        let due = date_col(r, 2)?;
        let days = (as_of - due).num_days();
        Ok(AgingRow {
            number: r.get(0)?,
            company: r.get(1)?,
            due,
            days_past_due: days,
            balance: Cents(r.get(3)?),
            bucket: Bucket::of(days),
        })
    })?;
    let mut out: Vec<AgingRow> = rows
        .filter(|r| r.as_ref().map_or(true, |r| r.balance.0 > 0))
        .collect::<rusqlite::Result<_>>()?;
    out.sort_by(|a, b| b.days_past_due.cmp(&a.days_past_due).then(a.number.cmp(&b.number)));
    Ok(out)
}
