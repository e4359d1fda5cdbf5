//! `pimdesk company list [--json]`: the names the other commands take;
//! `company set-billing-email`: where its invoices go.

use clap::Subcommand;
use serde_json::json;

use super::output::{json as print_json, outln};
use super::Ctx;
use crate::domain::text::sanitize_line as clean;
use crate::store::directory as dir;

#[derive(Debug, Subcommand)]
pub enum CompanyCommand {
    /// Client companies: name, industry, city, phone
    List {
        #[arg(long)]
        json: bool,
    },
    /// Set the address the company's invoices go to, besides its contacts who view invoices; "" clears it
    SetBillingEmail { company: String, address: String },
}

pub fn run(ctx: &Ctx, cmd: CompanyCommand) -> anyhow::Result<i32> {
    let json = match cmd {
        CompanyCommand::List { json } => json,
        CompanyCommand::SetBillingEmail { company, address } => return set_billing(ctx, &company, &address),
    };
    let conn = ctx.open_store_read_only()?;
    let companies = dir::companies(&conn)?;
    if json {
        let billing = dir::addresses::billing_emails(&conn)?;
        let rows: Vec<_> = companies
            .iter()
            .map(|c| {
                json!({"name": c.name, "industry": c.industry, "city": c.city, "phone": c.phone,
                       "billing_email": billing.get(&c.id).map_or("", String::as_str)})
            })
            .collect();
        print_json(&rows)?;
        return Ok(0);
    }
    for c in &companies {
        outln!(
            "{:<36} {:<18} {:<16} {}",
            clean(&c.name),
            clean(&c.industry),
            clean(&c.city),
            clean(&c.phone)
        );
    }
    Ok(0)
}

fn set_billing(ctx: &Ctx, company: &str, address: &str) -> anyhow::Result<i32> {
    let conn = ctx.open_store()?;
    let id = crate::store::lookup::company(&conn, company).map_err(super::fail::usage)?;
    let who = crate::store::actor::Actor::Login(&ctx.login);
    let changed =
        dir::addresses::set_billing_email(&conn, who, id, address, ctx.now.timestamp()).map_err(|e| match e {
            dir::DirectoryError::Store(s) => s.into(),
            dir::DirectoryError::Refused(m) => super::fail::usage(m),
        })?;
    let note = if changed { "" } else { " (already)" };
    match address.trim() {
        "" => outln!("{company}: no billing address{note}; its invoices go to its contacts who view invoices"),
        a => outln!("{company}: invoices go to {a}{note}, and to its contacts who view invoices"),
    }
    Ok(0)
}
