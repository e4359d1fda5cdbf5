//! The invoice run: plan with the domain's rules, then write every invoice,
//! line, billed item and audit row in one `BEGIN IMMEDIATE` transaction.

use std::collections::HashMap;

use chrono::NaiveDate;
use chrono_tz::Tz;
use rusqlite::params;

use crate::store::sql::{Mode, Sql};

use super::unbilled::{self, CompanyBooks};
use super::{audit, date_text, Invoice, InvoiceLine, Result};
use crate::domain::billing::{billable_items, key_has_minutes, plan_run, BillingRules, PlannedInvoice, PlannedLine};
use crate::domain::money::Cents;

/// What a run needs besides the books: the rules, the calendar's zone for
/// local dates, and how invoices are numbered.
#[derive(Clone, Debug, PartialEq)]
pub struct RunSettings {
    pub rules: BillingRules,
    pub tz: Tz,
    /// "INV-"
    pub prefix: String,
    /// Zero-padded width of the sequence (6 → INV-000001).
    pub digits: usize,
}

impl RunSettings {
    /// From `[billing]` and `[calendar]` (a negative rate is refused by the caller).
    pub fn from_config(config: &crate::config::Config) -> RunSettings {
        let b = &config.billing;
        RunSettings {
            rules: BillingRules {
                non_contract_rate: Cents(b.non_contract_rate_cents.max(0)),
                non_contract_delay_days: b.non_contract_delay_days,
                labor_increment_minutes: b.labor_increment_minutes,
                months_in_advance: b.months_in_advance,
                prepaid_carry_over: b.prepaid_carry_over,
            },
            tz: config.calendar.timezone.0,
            prefix: b.invoice_prefix.clone(),
            digits: usize::try_from(b.invoice_digits.min(18)).unwrap_or(6),
        }
    }
}

/// How far a run has come: companies planned of those with books.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Progress {
    pub done: usize,
    pub of: usize,
}

/// Bills everything due by `as_of` that is not billed yet. A dry run reads
/// the same snapshot, computes the same invoices (with the numbers it would
/// assign) and writes nothing; it works on a read-only connection.
pub fn run(
    conn: &dyn Sql,
    settings: &RunSettings,
    as_of: NaiveDate,
    dry_run: bool,
    who: i64,
    now: i64,
) -> Result<Vec<Invoice>> {
    run_with_progress(conn, settings, as_of, dry_run, who, now, &mut |_| {})
}

/// [`run`], telling `progress` after each company. Companies are planned
/// and written one at a time, in id order (the order invoice numbers follow),
/// so memory holds one company's planning beside the entries still to bill.
pub fn run_with_progress(
    conn: &dyn Sql,
    settings: &RunSettings,
    as_of: NaiveDate,
    dry_run: bool,
    who: i64,
    now: i64,
    progress: &mut dyn FnMut(Progress),
) -> Result<Vec<Invoice>> {
    let tx = conn.begin(if dry_run { Mode::Read } else { Mode::Write })?;
    if !dry_run {
        super::require_finance(&tx, who, "an invoice run (without --dry-run)")?;
    }
    let books = unbilled::load(&tx, settings.tz, settings.rules.prepaid_carry_over, as_of)?;
    let names = company_names(&tx)?;
    let mut seq = last_sequence(&tx, &settings.prefix)?;
    let mut out = Vec::new();
    let of = books.len();
    progress(Progress { done: 0, of });
    for (done, (_, company)) in books.into_iter().enumerate() {
        for p in plan_company(settings, company, as_of) {
            seq += 1;
            let number = format!("{}{seq:0width$}", settings.prefix, width = settings.digits);
            let name = names.get(&p.company_id).cloned().unwrap_or_default();
            let mut invoice = to_invoice(&p, number, name);
            if !dry_run {
                invoice.id = write_invoice(&tx, &p, &invoice.number, who, now)?;
            }
            out.push(invoice);
        }
        progress(Progress { done: done + 1, of });
    }
    if dry_run {
        tx.rollback()?;
    } else {
        tx.commit()?;
    }
    Ok(out)
}

/// The invoices a run at `as_of` would write, from the books as they are.
pub fn plan(conn: &dyn Sql, settings: &RunSettings, as_of: NaiveDate) -> Result<Vec<PlannedInvoice>> {
    let books = unbilled::load(conn, settings.tz, settings.rules.prepaid_carry_over, as_of)?;
    Ok(books
        .into_values()
        .flat_map(|company| plan_company(settings, company, as_of))
        .collect())
}

/// One company's invoice (none when nothing of it is due).
fn plan_company(settings: &RunSettings, books: CompanyBooks, as_of: NaiveDate) -> Vec<PlannedInvoice> {
    let rules = &settings.rules;
    let items = billable_items(rules, &books.agreements, &books.entries, &books.billed, as_of);
    plan_run(rules, items, &books.billed, as_of)
}

fn company_names(conn: &dyn Sql) -> Result<HashMap<i64, String>> {
    let mut stmt = conn.prepare_cached("SELECT id, name FROM companies")?;
    let rows = stmt.query_map((), |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The highest sequence number among invoices numbered `prefix` + digits
/// (0 when there is none), so numbering continues after it.
fn last_sequence(conn: &dyn Sql, prefix: &str) -> Result<u64> {
    let max: Option<i64> = conn.query_row(
        &format!(
            "SELECT max(CAST(substr(number, length(?1) + 1) AS BIGINT)) FROM invoices
             WHERE substr(number, 1, length(?1)) = ?1 AND length(number) > length(?1)
               AND {}",
            conn.dialect().digits_only("substr(number, length(?1) + 1)")
        ),
        [&prefix],
        |r| r.get(0),
    )?;
    Ok(max.and_then(|m| u64::try_from(m).ok()).unwrap_or(0))
}

fn to_invoice(p: &PlannedInvoice, number: String, company: String) -> Invoice {
    Invoice {
        id: 0,
        number,
        company_id: p.company_id,
        company,
        date: p.date,
        due: p.due,
        total: p.total,
        paid: Cents::ZERO,
        void_reason: None,
        lines: p.lines.iter().map(to_line).collect(),
        payments: Vec::new(),
    }
}

fn to_line(l: &PlannedLine) -> InvoiceLine {
    InvoiceLine {
        kind: l.kind,
        description: l.description.clone(),
        ticket_id: l.ticket_id,
        minutes: l.minutes,
        unit: l.unit_cents,
        amount: l.amount,
        period_start: l.period_start,
        period_end: l.period_end,
    }
}

/// Writes one invoice, its lines, one billed-item row per charge pointing at
/// its line, and the audit row; returns the invoice's id.
fn write_invoice(conn: &dyn Sql, p: &PlannedInvoice, number: &str, who: i64, now: i64) -> Result<i64> {
    let id = conn.insert(
        "INSERT INTO invoices (number, company_id, date, due, total_cents, created) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![
            number,
            p.company_id,
            date_text(p.date),
            date_text(p.due),
            p.total.0,
            now
        ],
    )?;

    let mut item_stmt =
        conn.prepare_cached("INSERT INTO billed_items (item_key, line_id, minutes) VALUES (?1, ?2, ?3)")?;
    for l in &p.lines {
        let line_id = conn.insert(
            "INSERT INTO invoice_lines (invoice_id, kind, description, ticket_id, minutes, unit_cents, amount_cents, period_start, period_end)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            params![
            id,
            l.kind.as_str(),
            l.description,
            l.ticket_id,
            l.minutes,
            l.unit_cents.0,
            l.amount.0,
            l.period_start.map(date_text),
            l.period_end.map(date_text),
        ])?;
        for (key, &minutes) in l.items.iter().zip(&l.item_minutes) {
            let minutes = key_has_minutes(key).then_some(minutes);
            item_stmt.execute(params![key.encode(), line_id, minutes])?;
        }
    }
    audit(conn, "invoice", id, who, now, "created", None, Some(number))?;
    Ok(id)
}
