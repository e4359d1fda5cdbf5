//! `pimdesk company list [--json]`: the names the other commands take.

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
}

pub fn run(ctx: &Ctx, cmd: CompanyCommand) -> anyhow::Result<i32> {
    let CompanyCommand::List { json } = cmd;
    let conn = ctx.open_store_read_only()?;
    let companies = dir::companies(&conn)?;
    if json {
        let rows: Vec<_> = companies
            .iter()
            .map(|c| json!({"name": c.name, "industry": c.industry, "city": c.city, "phone": c.phone}))
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
