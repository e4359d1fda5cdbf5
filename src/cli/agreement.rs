//! `pimdesk agreement list|add|end|complete`: the agreements billing reads.
//! Changes need the finance or admin role, like every other change to what
//! is billed; each is one transaction with an audit row.

use std::collections::{BTreeMap, BTreeSet};

use clap::{Args, Subcommand};
use serde_json::{json, Value};

use super::invoice::{date_arg, fit, money_arg, require_finance, rules, store_err, today, usage};
use super::Ctx;
use crate::cli::output::{errln, outln};
use crate::domain::billing::{Agreement, Product};
use crate::domain::money::Cents;
use crate::store::billing::agreements::{self, AgreementRow, PrepaidBalance};
use crate::store::lookup;

#[derive(Debug, Subcommand)]
pub enum AgreementCommand {
    /// List agreements, with this month's prepaid-hours balance
    List {
        #[arg(long)]
        company: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Record a signed agreement; prints its key
    Add(AddArgs),
    /// Set the agreement's last active day
    End {
        key: String,
        #[arg(long, value_name = "YYYY-MM-DD")]
        date: String,
    },
    /// Record the completion of a project (VM, COLO, ECHO, ENTERPRISE_EMAIL)
    Complete {
        key: String,
        #[arg(long, value_name = "YYYY-MM-DD")]
        date: String,
    },
}

#[derive(Debug, Args)]
pub struct AddArgs {
    #[arg(long)]
    company: String,
    /// SMS, FITS, VM, COLO, ECHO, ENTERPRISE_EMAIL or PREPAID_LABOR
    #[arg(long)]
    product: String,
    /// Date of execution (YYYY-MM-DD)
    #[arg(long, value_name = "YYYY-MM-DD")]
    executed: String,
    /// Monthly recurring charge, e.g. 1200.00
    #[arg(long)]
    monthly: String,
    #[arg(long, default_value = "0")]
    onboarding: String,
    /// Project products only
    #[arg(long, default_value = "0")]
    project_fee: String,
    /// Hourly rate for contract labor (default: the configured non-contract rate)
    #[arg(long)]
    labor_rate: Option<String>,
    /// PREPAID_LABOR only
    #[arg(long, default_value_t = 0)]
    prepaid_hours: u32,
}

pub fn run(ctx: &Ctx, cmd: AgreementCommand) -> anyhow::Result<i32> {
    let now = ctx.now.timestamp();
    match cmd {
        AgreementCommand::List { company, json } => list(ctx, company.as_deref(), json),
        AgreementCommand::Add(a) => add(ctx, a),
        AgreementCommand::End { key, date } => {
            let date = date_arg("date", &date)?;
            let conn = ctx.open_store()?;
            let who = require_finance(ctx, &conn, "ending an agreement")?;
            let outcome = agreements::end(&conn, &key, date, who, now).map_err(store_err)?;
            outln!("agreement {key} ends on {date}");
            if !outcome.billed_beyond.is_empty() {
                let months: Vec<String> = outcome
                    .billed_beyond
                    .iter()
                    .map(|m| m.format("%B %Y").to_string())
                    .collect();
                errln!(
                    "note: already billed in full: {}; billed months stay billed, so issue any credit by hand",
                    months.join(", ")
                );
            }
            if !outcome.rest_owed.is_empty() {
                let months: Vec<String> = outcome
                    .rest_owed
                    .iter()
                    .map(|m| m.format("%B %Y").to_string())
                    .collect();
                errln!(
                    "note: billed in part: {}; the next invoice run bills the rest",
                    months.join(", ")
                );
            }
            Ok(0)
        }
        AgreementCommand::Complete { key, date } => {
            let date = date_arg("date", &date)?;
            let conn = ctx.open_store()?;
            let who = require_finance(ctx, &conn, "recording a project completion")?;
            agreements::complete(&conn, &key, date, who, now).map_err(store_err)?;
            outln!("agreement {key}: project completed on {date}");
            Ok(0)
        }
    }
}

fn add(ctx: &Ctx, a: AddArgs) -> anyhow::Result<i32> {
    let product: Product = a.product.parse().map_err(|e| usage(format!("--product: {e}")))?;
    let labor_rate = match a.labor_rate.as_deref() {
        Some(r) => money_arg("labor-rate", r)?,
        None => rules(ctx)?.non_contract_rate,
    };
    let conn = ctx.open_store()?;
    let company_id = lookup::company(&conn, &a.company).map_err(usage)?;
    let agreement = Agreement {
        id: 0,
        company_id,
        product,
        executed: date_arg("executed", &a.executed)?,
        project_completed: None,
        ended: None,
        onboarding_fee: money_arg("onboarding", &a.onboarding)?,
        monthly: money_arg("monthly", &a.monthly)?,
        project_fee: money_arg("project-fee", &a.project_fee)?,
        labor_rate,
        prepaid_hours_per_month: a.prepaid_hours,
    };
    let who = require_finance(ctx, &conn, "adding an agreement")?;
    let key = agreements::add(&conn, &agreement, who, ctx.now.timestamp()).map_err(store_err)?;
    outln!("{key}");
    Ok(0)
}

fn list(ctx: &Ctx, company: Option<&str>, json: bool) -> anyhow::Result<i32> {
    let conn = ctx.open_store_read_only()?;
    let company_id = company.map(|c| lookup::company(&conn, c)).transpose().map_err(usage)?;
    let rows = agreements::list(&conn, company_id).map_err(store_err)?;
    let balances = balances(ctx, &conn, &rows)?;
    let month = today(ctx).format("%Y-%m").to_string();
    if json {
        let v: Vec<Value> = rows
            .iter()
            .map(|r| row_json(r, balances.get(&r.agreement.id), &month))
            .collect();
        crate::cli::output::json(&v)?;
        return Ok(0);
    }
    if rows.is_empty() {
        outln!("No agreements (pimdesk agreement add --company NAME --product P --executed D --monthly M).");
        return Ok(0);
    }
    for r in &rows {
        print_row(r, balances.get(&r.agreement.id), &month)?;
    }
    Ok(0)
}

/// This month's balance of every PREPAID_LABOR agreement among `rows`.
fn balances(
    ctx: &Ctx,
    conn: &dyn crate::store::sql::Sql,
    rows: &[AgreementRow],
) -> anyhow::Result<BTreeMap<i64, PrepaidBalance>> {
    let today = today(ctx);
    let carry_over = ctx.config.billing.prepaid_carry_over;
    let companies: BTreeSet<i64> = rows
        .iter()
        .filter(|r| r.agreement.product == Product::PrepaidLabor)
        .map(|r| r.agreement.company_id)
        .collect();
    let mut out = BTreeMap::new();
    let tz = ctx.config.calendar.timezone.0;
    for company in companies {
        out.extend(agreements::prepaid_balances(conn, tz, company, today, carry_over).map_err(store_err)?);
    }
    Ok(out)
}

fn hours(minutes: i64) -> String {
    let sign = if minutes < 0 { "-" } else { "" };
    let m = minutes.abs();
    format!("{sign}{}h {:02}m", m / 60, m % 60)
}

fn row_json(r: &AgreementRow, balance: Option<&PrepaidBalance>, month: &str) -> Value {
    let a = &r.agreement;
    let d = |d: Option<chrono::NaiveDate>| d.map(|d| d.to_string());
    json!({
        "key": r.key, "company": r.company, "product": a.product.as_str(), "executed": a.executed.to_string(),
        "project_completed": d(a.project_completed), "ended": d(a.ended),
        "onboarding_fee_cents": a.onboarding_fee.0, "monthly_cents": a.monthly.0, "project_fee_cents": a.project_fee.0,
        "labor_rate_cents": a.labor_rate.0, "prepaid_hours_per_month": a.prepaid_hours_per_month,
        "prepaid": balance.map(|b| json!({"month": month, "allowance_minutes": b.allowance_minutes,
            "used_minutes": b.used_minutes, "left_minutes": b.left_minutes(),
            "overage_minutes": b.overage_minutes})),
    })
}

fn print_row(r: &AgreementRow, balance: Option<&PrepaidBalance>, month: &str) -> std::io::Result<()> {
    let a = &r.agreement;
    let mut dates = format!("executed {}", a.executed);
    if let Some(c) = a.project_completed {
        dates.push_str(&format!(", completed {c}"));
    } else if a.product.is_project() {
        dates.push_str(", awaiting completion");
    }
    if let Some(e) = a.ended {
        dates.push_str(&format!(", ends {e}"));
    }
    outln!("{}  {}  {}", fit(&r.key, 30), fit(&r.company, 28), a.product);
    let mut money = format!("  {dates}; {}/month", a.monthly);
    for (label, c) in [("onboarding", a.onboarding_fee), ("project fee", a.project_fee)] {
        if c != Cents::ZERO {
            money.push_str(&format!(", {label} {c}"));
        }
    }
    money.push_str(&format!(", labor {}/h", a.labor_rate));
    outln!("{money}");
    if let Some(b) = balance {
        let mut text = format!(
            "  prepaid {month}: {} of {} used, {} left",
            hours(b.used_minutes),
            hours(b.allowance_minutes),
            hours(b.left_minutes())
        );
        if b.overage_minutes > 0 {
            text.push_str(&format!(
                "; {} over, billed as contract labor",
                hours(b.overage_minutes)
            ));
        }
        outln!("{text}");
    }
    Ok(())
}
