//! `pimdesk invoice run|list|show|void|aging|csv` and `pimdesk payment add`
//! (DESIGN.md 3.3 and 4). Writes need the finance or admin role.

mod csv;
mod document;
mod mail;
mod pdf;

use crate::store::sql::Sql;
use chrono::NaiveDate;
use clap::{Args, Subcommand};
use serde_json::{json, Value};

use super::Ctx;
use crate::cli::output::{out, outln};
use crate::domain::billing::BillingRules;
use crate::domain::money::Cents;
use crate::domain::permissions::{refusal, Duty};
use crate::domain::time::parse_date;
use crate::store::billing::ledger::{self, Bucket, NewPayment};
use crate::store::billing::{self, BillingStoreError, Invoice, InvoiceLine, PaymentMethod, RunSettings};

#[derive(Debug, Subcommand)]
pub enum InvoiceCommand {
    /// Bill everything due by a date: one invoice per company, in one transaction
    Run {
        /// The invoice date (YYYY-MM-DD); items whose bill date is on or before it are billed
        #[arg(long, value_name = "YYYY-MM-DD")]
        as_of: String,
        /// Show what would be billed and write nothing
        #[arg(long)]
        dry_run: bool,
        /// Mail each new invoice to the company (queued for `pimdesk mail send`)
        #[arg(long, conflicts_with = "dry_run")]
        send: bool,
        #[arg(long)]
        json: bool,
    },
    /// Mail an invoice, its PDF attached, to the company's contacts who view invoices and its billing address
    Send { number: String },
    /// List invoices with status and balance
    List {
        #[arg(long)]
        json: bool,
    },
    /// Show one invoice as a printable document (text, --markdown or --json)
    Show {
        number: String,
        #[arg(long, conflicts_with = "markdown")]
        json: bool,
        #[arg(long)]
        markdown: bool,
        /// Write the invoice as a PDF to FILE (the one its mail carries)
        #[arg(long, value_name = "FILE", conflicts_with_all = ["json", "markdown"])]
        pdf: Option<std::path::PathBuf>,
    },
    /// Void an invoice without payments (void them first); its charges are billed again by the next run
    Void {
        number: String,
        #[arg(long)]
        reason: String,
    },
    /// Unpaid balances by days past due (current, 1-30, 31-60, 61-90, 90+)
    Aging {
        /// Default: today in the calendar's zone
        #[arg(long, value_name = "YYYY-MM-DD")]
        as_of: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Write all invoices and payments to a CSV file
    Csv { file: std::path::PathBuf },
}

#[derive(Debug, Subcommand)]
pub enum PaymentCommand {
    /// Record a payment on an invoice
    Add(PaymentArgs),
    /// Reverse a payment recorded in error: it stays in the history marked void
    Void {
        /// The payment id (`invoice show NUMBER` lists them)
        payment_id: i64,
        #[arg(long)]
        reason: String,
    },
}

#[derive(Debug, Args)]
pub struct PaymentArgs {
    number: String,
    /// Dollars and cents, e.g. 123.45
    #[arg(long)]
    amount: String,
    /// check, ach, billcom, paypal or card
    #[arg(long)]
    method: String,
    #[arg(long, value_name = "YYYY-MM-DD")]
    date: String,
    /// Check number, confirmation code, …
    #[arg(long = "ref", default_value = "")]
    reference: String,
}

pub(super) use crate::cli::fail::usage;

/// A refused request is bad input (exit 2); store trouble stays exit 3.
pub(super) fn store_err(e: BillingStoreError) -> anyhow::Error {
    match e {
        BillingStoreError::Refused(m) => usage(m),
        BillingStoreError::Store(e) => e.into(),
    }
}

pub(super) fn date_arg(flag: &str, text: &str) -> anyhow::Result<NaiveDate> {
    parse_date(text).map_err(|e| usage(format!("--{flag}: {e}")))
}

pub(super) fn money_arg(flag: &str, text: &str) -> anyhow::Result<Cents> {
    Cents::parse(text).map_err(|e| usage(format!("--{flag}: {e}")))
}

/// The billing rules of `[billing]`.
pub(super) fn rules(ctx: &Ctx) -> anyhow::Result<BillingRules> {
    let b = &ctx.config.billing;
    if b.non_contract_rate_cents < 0 {
        return Err(usage(format!(
            "{}: billing.non_contract_rate_cents is negative ({}); set it to 0 or more",
            ctx.config_path.display(),
            b.non_contract_rate_cents
        )));
    }
    Ok(BillingRules {
        non_contract_rate: Cents(b.non_contract_rate_cents),
        non_contract_delay_days: b.non_contract_delay_days,
        labor_increment_minutes: b.labor_increment_minutes,
        months_in_advance: b.months_in_advance,
        prepaid_carry_over: b.prepaid_carry_over,
    })
}

fn settings(ctx: &Ctx) -> anyhow::Result<RunSettings> {
    rules(ctx)?; // refuses a negative rate with the config path
    Ok(RunSettings::from_config(&ctx.config))
}

/// Today in the calendar's zone.
pub(super) fn today(ctx: &Ctx) -> NaiveDate {
    ctx.now.with_timezone(&ctx.config.calendar.timezone.0).date_naive()
}

/// The current user's technician id for a finance write; the billing store
/// checks the role inside the write's transaction. A user with no
/// technician record yet is a technician: refused here, in the same words,
/// so that nothing is written for them (no record is created).
pub(super) fn require_finance(ctx: &Ctx, conn: &dyn Sql, action: &str) -> anyhow::Result<i64> {
    match crate::store::actor::find(conn, &ctx.login)? {
        Some((id, _)) => Ok(id),
        None => Err(usage(
            refusal(None, &ctx.login, Duty::Finance, action).unwrap_or_default(),
        )),
    }
}

pub fn run(ctx: &Ctx, cmd: InvoiceCommand) -> anyhow::Result<i32> {
    match cmd {
        InvoiceCommand::Run {
            as_of,
            dry_run,
            send,
            json,
        } => invoice_run(ctx, &as_of, dry_run, send, json),
        InvoiceCommand::Send { number } => {
            let conn = ctx.open_store()?;
            let who = require_finance(ctx, &conn, "mailing an invoice")?;
            mail::send(ctx, &conn, &number, who)?;
            Ok(0)
        }
        InvoiceCommand::List { json } => list(ctx, json),
        InvoiceCommand::Show {
            number,
            json,
            markdown,
            pdf,
        } => show(ctx, &number, json, markdown, pdf.as_deref()),
        InvoiceCommand::Void { number, reason } => {
            let conn = ctx.open_store()?;
            let who = require_finance(ctx, &conn, "voiding an invoice")?;
            let now = ctx.now.timestamp();
            let released = ledger::void(&conn, &number, &reason, who, now).map_err(store_err)?;
            outln!(
                "{} is void; {released} billed item(s) released for the next invoice run",
                number.trim().to_ascii_uppercase()
            );
            Ok(0)
        }
        InvoiceCommand::Aging { as_of, json } => aging(ctx, as_of.as_deref(), json),
        InvoiceCommand::Csv { file } => csv::write(ctx, &file),
    }
}

pub fn run_payment(ctx: &Ctx, cmd: PaymentCommand) -> anyhow::Result<i32> {
    let a = match cmd {
        PaymentCommand::Add(a) => a,
        PaymentCommand::Void { payment_id, reason } => return void_payment(ctx, payment_id, &reason),
    };
    let amount = money_arg("amount", &a.amount)?;
    if amount.0 == 0 {
        return Err(usage("--amount: a payment must be more than $0.00"));
    }
    let method: PaymentMethod = a.method.parse().map_err(|e| usage(format!("--method: {e}")))?;
    let date = date_arg("date", &a.date)?;
    let conn = ctx.open_store()?;
    let who = require_finance(ctx, &conn, "recording a payment")?;
    let p = NewPayment {
        amount,
        method,
        date,
        reference: a.reference,
    };
    let inv = ledger::add_payment(&conn, &a.number, &p, who, ctx.now.timestamp()).map_err(store_err)?;
    outln!(
        "recorded {} by {} on {}; balance {} ({})",
        amount,
        method.label(),
        inv.number,
        inv.balance(),
        inv.status()
    );
    Ok(0)
}

fn void_payment(ctx: &Ctx, payment: i64, reason: &str) -> anyhow::Result<i32> {
    let conn = ctx.open_store()?;
    let who = require_finance(ctx, &conn, "voiding a payment")?;
    let inv = ledger::void_payment(&conn, payment, reason, who, ctx.now.timestamp()).map_err(store_err)?;
    outln!(
        "payment {payment} on {} is void; balance {} ({})",
        inv.number,
        inv.balance(),
        inv.status()
    );
    Ok(0)
}

fn invoice_run(ctx: &Ctx, as_of: &str, dry_run: bool, send: bool, json: bool) -> anyhow::Result<i32> {
    let as_of = date_arg("as-of", as_of)?;
    let settings = settings(ctx)?;
    let now = ctx.now.timestamp();
    // A first run over years of time takes a while: show how far it is.
    let mut bar = None;
    let mut progress = |p: billing::run::Progress| {
        let bar = bar.get_or_insert_with(|| super::progress::bar(p.of as u64, "invoice run", "companies"));
        if let Some(bar) = bar {
            bar.set_position(p.done as u64);
        }
    };
    let (conn, who) = if dry_run {
        (ctx.open_store_read_only()?, 0)
    } else {
        let conn = ctx.open_store()?;
        let who = require_finance(ctx, &conn, "an invoice run (without --dry-run)")?;
        (conn, who)
    };
    let invoices = billing::run::run_with_progress(&conn, &settings, as_of, dry_run, who, now, &mut progress)
        .map_err(store_err)?;
    if let Some(Some(bar)) = bar {
        bar.finish_and_clear();
    }
    if json {
        let v = json!({
            "as_of": as_of.to_string(),
            "invoices": invoices.iter().map(run_json).collect::<Vec<_>>(),
        });
        crate::cli::output::json(&v)?;
    } else {
        print_run(as_of, dry_run, &invoices)?;
    }
    if send {
        // Each invoice's mail is its own transaction after the run's: one
        // company nobody receives invoices for does not undo the others.
        let mut unsent = 0;
        for inv in &invoices {
            if let Err(e) = mail::send(ctx, &conn, &inv.number, who) {
                crate::cli::output::errln!("pimdesk: {} not mailed: {e:#}", inv.number);
                unsent += 1;
            }
        }
        return Ok(i32::from(unsent > 0));
    }
    Ok(0)
}

/// The `invoice run --json` invoice object of DESIGN.md 4.
fn run_json(inv: &Invoice) -> Value {
    json!({
        "number": inv.number,
        "company": inv.company,
        "date": inv.date.to_string(),
        "due": inv.due.to_string(),
        "total_cents": inv.total.0,
        "lines": inv.lines.iter().map(line_json).collect::<Vec<_>>(),
    })
}

fn line_json(l: &InvoiceLine) -> Value {
    json!({
        "kind": l.kind.as_str(),
        "description": l.description,
        "ticket": l.ticket_id,
        "minutes": l.minutes,
        "unit_cents": l.unit.0,
        "amount_cents": l.amount.0,
        "period_start": l.period_start.map(|d| d.to_string()),
        "period_end": l.period_end.map(|d| d.to_string()),
    })
}

/// `invoice list|show --json`: the run's object plus where it stands.
fn status_json(inv: &Invoice, full: bool) -> Value {
    let mut v = run_json(inv);
    v["paid_cents"] = json!(inv.paid.0);
    v["balance_cents"] = json!(inv.balance().0);
    v["status"] = json!(inv.status().as_str());
    v["void_reason"] = json!(inv.void_reason);
    if full {
        v["payments"] = inv
            .payments
            .iter()
            .map(|p| {
                json!({"id": p.id, "date": p.date.to_string(), "amount_cents": p.amount.0, "method": p.method.as_str(),
                       "reference": p.reference, "void": p.void_reason.is_some(), "void_reason": p.void_reason})
            })
            .collect();
    } else if let Some(o) = v.as_object_mut() {
        o.remove("lines");
    }
    v
}

fn clean(s: &str) -> String {
    crate::domain::text::sanitize_line(s)
}

/// `s` cut to `width` characters, padded.
pub(super) fn fit(s: &str, width: usize) -> String {
    let s = clean(s);
    if s.chars().count() > width {
        let cut: String = s.chars().take(width.saturating_sub(1)).collect();
        format!("{cut}…")
    } else {
        format!("{s:<width$}")
    }
}

fn print_run(as_of: NaiveDate, dry_run: bool, invoices: &[Invoice]) -> std::io::Result<()> {
    let note = if dry_run { " (dry run: nothing written)" } else { "" };
    outln!("Invoice run as of {as_of}{note}");
    if invoices.is_empty() {
        outln!("Nothing unbilled is due by {as_of}; no invoices.");
        return Ok(());
    }
    for inv in invoices {
        outln!();
        outln!(
            "{}  {}  {:>14}",
            inv.number,
            fit(&inv.company, 40),
            inv.total.to_string()
        );
        for l in &inv.lines {
            outln!(
                "  {:<13} {}  {:>12}",
                l.kind.as_str(),
                fit(&l.description, 52),
                l.amount.to_string()
            );
        }
    }
    let total: Cents = invoices.iter().map(|i| i.total).sum();
    let verb = if dry_run { "would be written" } else { "written" };
    outln!("\n{} invoice(s) {verb}, total {total}", invoices.len());
    Ok(())
}

fn list(ctx: &Ctx, json: bool) -> anyhow::Result<i32> {
    let conn = ctx.open_store_read_only()?;
    let mut invoices = ledger::list(&conn).map_err(store_err)?;
    // Newest first: the invoices a user asks about are this month's.
    invoices.reverse();
    if json {
        let v: Vec<Value> = invoices.iter().map(|i| status_json(i, false)).collect();
        crate::cli::output::json(&v)?;
        return Ok(0);
    }
    if invoices.is_empty() {
        outln!("No invoices yet (pimdesk invoice run --as-of YYYY-MM-DD).");
        return Ok(0);
    }
    outln!(
        "{:<12} {:<10}  {}  {:>12}  {:>12}  status",
        "number",
        "date",
        fit("company", 30),
        "total",
        "balance"
    );
    for i in &invoices {
        outln!(
            "{:<12} {}  {}  {:>12}  {:>12}  {}",
            i.number,
            i.date,
            fit(&i.company, 30),
            i.total.to_string(),
            i.balance().to_string(),
            i.status()
        );
    }
    Ok(0)
}

fn show(ctx: &Ctx, number: &str, json: bool, markdown: bool, pdf: Option<&std::path::Path>) -> anyhow::Result<i32> {
    let conn = ctx.open_store_read_only()?;
    let inv = ledger::find(&conn, number)
        .map_err(store_err)?
        .ok_or_else(|| usage(format!("no invoice {number:?} (see pimdesk invoice list)")))?;
    if let Some(file) = pdf {
        mail::write_pdf(ctx, &inv, file)?;
    } else if json {
        let mut v = status_json(&inv, true);
        mail::add_json(ctx, &conn, inv.id, &mut v)?;
        crate::cli::output::json(&v)?;
    } else if markdown {
        out!("{}", document::markdown(&ctx.config, &inv));
    } else {
        out!("{}", document::text(&ctx.config, &inv));
    }
    Ok(0)
}

fn aging(ctx: &Ctx, as_of: Option<&str>, json: bool) -> anyhow::Result<i32> {
    let as_of = match as_of {
        Some(d) => date_arg("as-of", d)?,
        None => today(ctx),
    };
    let conn = ctx.open_store_read_only()?;
    let rows = ledger::aging(&conn, as_of).map_err(store_err)?;
    let sums: Vec<(Bucket, usize, Cents)> = Bucket::ALL
        .iter()
        .map(|&b| {
            let of: Vec<_> = rows.iter().filter(|r| r.bucket == b).collect();
            (b, of.len(), of.iter().map(|r| r.balance).sum())
        })
        .collect();
    let total: Cents = rows.iter().map(|r| r.balance).sum();
    if json {
        let v = json!({
            "as_of": as_of.to_string(),
            "total_cents": total.0,
            "buckets": sums.iter().map(|(b, n, c)| json!({"bucket": b.label(), "invoices": n, "balance_cents": c.0})).collect::<Vec<_>>(),
            "invoices": rows.iter().map(|r| json!({"number": r.number, "company": r.company, "due": r.due.to_string(),
                "days_past_due": r.days_past_due, "balance_cents": r.balance.0, "bucket": r.bucket.label()})).collect::<Vec<_>>(),
        });
        crate::cli::output::json(&v)?;
        return Ok(0);
    }
    outln!("Aging as of {as_of} (days past due)");
    let widest = sums.iter().map(|s| s.2 .0).max().unwrap_or(0).max(1);
    for (b, n, c) in &sums {
        let bar = usize::try_from(c.0 * 30 / widest).unwrap_or(0);
        outln!(
            "  {:<8} {:>3} inv {:>14}  {}",
            b.label(),
            n,
            c.to_string(),
            "#".repeat(bar)
        );
    }
    outln!("  {:<8}     {:>14}", "total", total.to_string());
    for r in &rows {
        outln!(
            "{:<12} {}  due {}  {:>4} days  {:>12}  {}",
            r.number,
            fit(&r.company, 28),
            r.due,
            r.days_past_due.max(0),
            r.balance.to_string(),
            r.bucket.label()
        );
    }
    Ok(0)
}
