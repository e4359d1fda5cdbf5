//! `pimdesk page list|ack`: the pages to the on-call (DESIGN.md 9, the
//! guide's PASS). Pages are written by `mail send` and `mail run`, each
//! round, before the outbox is sent (`store::mail::pages::pass`).

use clap::Subcommand;
use serde_json::json;

use super::Ctx;
use crate::cli::output::outln;
use crate::domain::time::rfc3339_secs;
use crate::store::actor::Actor;
use crate::store::mail::pages;

#[derive(Debug, Subcommand)]
pub enum PageCommand {
    /// Pages, newest first: to whom, why, acknowledged or escalated
    List {
        /// Only this ticket's pages
        #[arg(long)]
        ticket: Option<i64>,
        #[arg(long, default_value_t = 50)]
        limit: i64,
        #[arg(long)]
        json: bool,
    },
    /// Acknowledge a ticket's pages: nobody else is paged about it
    Ack { ticket: i64 },
}

pub fn run(ctx: &Ctx, cmd: PageCommand) -> anyhow::Result<i32> {
    match cmd {
        PageCommand::List { ticket, limit, json } => list(ctx, ticket, limit, json),
        PageCommand::Ack { ticket } => {
            let conn = ctx.open_store()?;
            let n = pages::acknowledge(&conn, ticket, Actor::Login(&ctx.login), ctx.now.timestamp())?;
            if n == 0 {
                outln!("ticket #{ticket} has no page waiting for an acknowledgement");
            } else {
                outln!(
                    "ticket #{ticket}: {n} page(s) acknowledged by {}; nobody else is paged about it",
                    ctx.login
                );
            }
            Ok(0)
        }
    }
}

fn list(ctx: &Ctx, ticket: Option<i64>, limit: i64, json: bool) -> anyhow::Result<i32> {
    let conn = ctx.open_store_read_only()?;
    let rows = pages::list(&conn, ticket, limit.max(1))?;
    let tz = ctx.config.calendar.timezone.0;
    let at = |t: Option<i64>| t.map(|t| rfc3339_secs(t, tz));
    if json {
        let v: Vec<_> = rows
            .iter()
            .map(|p| {
                let mut v = serde_json::to_value(p).unwrap_or_default();
                v["created"] = json!(rfc3339_secs(p.created, tz));
                v["acknowledged"] = json!(at(p.acknowledged));
                v["escalated"] = json!(at(p.escalated));
                v
            })
            .collect();
        crate::cli::output::json(&v)?;
        return Ok(0);
    }
    if rows.is_empty() {
        outln!("no pages");
    }
    for p in &rows {
        let to = if p.login.is_empty() {
            "nobody (empty rotation)"
        } else {
            &p.login
        };
        let state = match (&p.acknowledged_by, p.acknowledged, p.escalated) {
            (by, Some(t), _) => format!(
                "acknowledged {} by {}",
                rfc3339_secs(t, tz),
                by.as_deref().unwrap_or("?")
            ),
            (_, None, Some(t)) => format!("escalated {}", rfc3339_secs(t, tz)),
            _ => "waiting".into(),
        };
        let mail = match (&p.mail, p.address.as_str()) {
            (Some(status), a) => format!("mail to {a} {status}"),
            (None, _) => "not mailed (no pager address)".into(),
        };
        outln!(
            "{}  #{}  {} level {}  to {to}  {mail}  {state}",
            rfc3339_secs(p.created, tz),
            p.ticket,
            p.reason,
            p.level
        );
    }
    Ok(0)
}
