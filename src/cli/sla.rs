//! `pimdesk sla due|check|report|recompute` (DESIGN.md 4).

use std::io::{BufRead, Write};

use chrono::{Duration, NaiveDate};
use clap::Subcommand;
use serde_json::json;

use super::{Ctx, UsageError};
use crate::cli::output::{self, outln};
use crate::domain::sla::{self, due_line};
use crate::domain::ticket::Priority;
use crate::domain::time::{from_secs, parse_date, rfc3339_secs, short_duration};
use crate::store::{sla as store_sla, tickets};

#[derive(Debug, Subcommand)]
pub enum SlaCommand {
    /// Due times for cases read as JSON lines on stdin
    Due,
    /// Exit 1 and list tickets whose clock is in warning or breach (for cron and paging)
    Check {
        /// Only clocks running now outside contractual hours
        #[arg(long)]
        after_hours: bool,
    },
    /// Compliance per priority over a period (default: the last 30 days)
    Report {
        #[arg(long)]
        from: Option<String>,
        #[arg(long)]
        to: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Rebuild every ticket's stored deadlines after a calendar or policy change
    Recompute,
}

pub fn run(ctx: &Ctx, cmd: SlaCommand) -> anyhow::Result<i32> {
    match cmd {
        SlaCommand::Due => due(ctx),
        SlaCommand::Check { after_hours } => check(ctx, after_hours),
        SlaCommand::Report { from, to, json } => report(ctx, from, to, json),
        SlaCommand::Recompute => {
            let mut conn = ctx.open_store()?;
            let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
            let n = tickets::recompute_all(&tx, &ctx.config.sla_calendar(), &ctx.config.sla_policy())?;
            tx.commit()?;
            outln!("recomputed the deadlines of {n} tickets");
            Ok(0)
        }
    }
}

fn due(ctx: &Ctx) -> anyhow::Result<i32> {
    let (cal, policy) = (ctx.config.sla_calendar(), ctx.config.sla_policy());
    let stdin = std::io::stdin().lock();
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let mut failed = false;
    for line in stdin.lines() {
        let line = line?;
        if line.trim().is_empty() {
            continue;
        }
        match due_line(&cal, &policy, &line) {
            Ok(s) => output::json_line(&mut out, &s)?,
            Err(e) => {
                failed = true;
                output::json_line(&mut out, &e)?;
            }
        }
    }
    out.flush()?;
    Ok(i32::from(failed))
}

fn check(ctx: &Ctx, after_hours: bool) -> anyhow::Result<i32> {
    let conn = ctx.open_store_read_only()?;
    let cal = ctx.config.sla_calendar();
    let policy = ctx.config.sla_policy();
    let now = ctx.now.timestamp();
    if after_hours && cal.is_open(ctx.now) {
        return Ok(0);
    }
    let tz = cal.zone;
    let mut found = 0;
    for a in store_sla::alerts(&conn, now)? {
        let p = Priority::new(a.priority).unwrap_or(Priority::ALL[2]);
        // After hours only the clocks that run outside contractual hours (24x7) are ticking.
        if after_hours && policy.get(p).clock != sla::ClockKind::TwentyFourSeven {
            continue;
        }
        found += 1;
        let (state, when) = if now >= a.response_due {
            (
                "BREACH",
                format!("{} overdue", short_duration((now - a.response_due) / 60)),
            )
        } else {
            (
                "WARNING",
                format!("{} left", short_duration((a.response_due - now) / 60)),
            )
        };
        outln!(
            "#{} P{} {state} due {} ({when}) {} — {} [{}]",
            a.id,
            a.priority,
            rfc3339_secs(a.response_due, tz),
            crate::domain::text::sanitize_line(&a.company),
            crate::domain::text::sanitize_line(&a.summary),
            a.assignee.as_deref().unwrap_or("unassigned")
        );
    }
    Ok(i32::from(found > 0))
}

fn day_start(ctx: &Ctx, d: NaiveDate) -> i64 {
    let cal = ctx.config.sla_calendar();
    cal.local_to_utc(d.and_time(chrono::NaiveTime::MIN))
        .map(|t| t.timestamp())
        .unwrap_or(0)
}

fn report(ctx: &Ctx, from: Option<String>, to: Option<String>, as_json: bool) -> anyhow::Result<i32> {
    let usage = |e: String| UsageError(e);
    let cal = ctx.config.sla_calendar();
    let policy = ctx.config.sla_policy();
    let today = cal.local_date(ctx.now);
    let to = to
        .as_deref()
        .map(parse_date)
        .transpose()
        .map_err(usage)?
        .unwrap_or(today);
    let from = from
        .as_deref()
        .map(parse_date)
        .transpose()
        .map_err(usage)?
        .unwrap_or(to - Duration::days(30));
    if from > to {
        return Err(UsageError(format!("--from {from} is after --to {to}")).into());
    }
    let conn = ctx.open_store_read_only()?;
    let rows = store_sla::opened_between(&conn, day_start(ctx, from), day_start(ctx, to + Duration::days(1)))?;
    let now = ctx.now.timestamp();
    let mut out = Vec::new();
    for p in Priority::ALL {
        let clock = policy.get(p).clock;
        let mine: Vec<_> = rows.iter().filter(|r| r.priority == p.get()).collect();
        let met = mine
            .iter()
            .filter(|r| matches!((r.first_response.or(r.resolved), r.response_due), (Some(f), Some(d)) if f <= d))
            .count();
        let breached = mine
            .iter()
            .filter(|r| match (r.first_response.or(r.resolved), r.response_due) {
                (Some(f), Some(d)) => f > d,
                (None, Some(d)) => now >= d && r.paused_since.is_none(),
                _ => false,
            })
            .count();
        let mut minutes: Vec<i64> = mine
            .iter()
            .filter_map(|r| {
                r.first_response
                    .map(|f| clock.between(&cal, from_secs(r.opened), from_secs(f)).num_minutes())
            })
            .collect();
        minutes.sort_unstable();
        let median = median(&minutes);
        out.push(json!({"priority": p.get(), "name": policy.get(p).name, "tickets": mine.len(), "met": met, "breached": breached, "median_response_minutes": median}));
    }
    if as_json {
        crate::cli::output::json(&json!({"from": from.to_string(), "to": to.to_string(), "priorities": out}))?;
    } else {
        outln!("SLA report {from} to {to}");
        outln!(
            "{:<4} {:<22} {:>8} {:>8} {:>9} {:>10} {:>15}",
            "",
            "priority",
            "tickets",
            "met",
            "breached",
            "met %",
            "median (min)"
        );
        for r in &out {
            let (t, m) = (r["tickets"].as_u64().unwrap_or(0), r["met"].as_u64().unwrap_or(0));
            let pct = if t > 0 {
                format!("{:.1}", 100.0 * m as f64 / t as f64)
            } else {
                "-".into()
            };
            let median = r["median_response_minutes"]
                .as_i64()
                .map(|m| m.to_string())
                .unwrap_or("-".into());
            outln!(
                "P{:<3} {:<22} {:>8} {:>8} {:>9} {:>10} {:>15}",
                r["priority"].as_u64().unwrap_or(0),
                r["name"].as_str().unwrap_or(""),
                t,
                m,
                r["breached"].as_u64().unwrap_or(0),
                pct,
                median
            );
        }
    }
    Ok(0)
}

fn median(sorted: &[i64]) -> Option<i64> {
    match sorted.len() {
        0 => None,
        n if n % 2 == 1 => Some(sorted[n / 2]),
        n => Some((sorted[n / 2 - 1] + sorted[n / 2]) / 2),
    }
}
