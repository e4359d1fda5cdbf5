//! `pimdesk sla due|check|report|recompute` (DESIGN.md 4).

use std::io::{BufRead, Write};

use chrono::{Duration, NaiveDate};
use clap::Subcommand;
use serde_json::json;

use super::{Ctx, UsageError};
use crate::cli::output::{self, outln};
use crate::domain::sla::{self, due_line};
use crate::domain::ticket::Priority;
use crate::domain::time::{parse_date, rfc3339_secs, short_duration};
use crate::store::{deadlines, sla as store_sla};

#[derive(Debug, Subcommand)]
pub enum SlaCommand {
    /// Due times for cases read as JSON lines on stdin
    #[command(long_about = "Due times for cases read as JSON lines on stdin, one case a line:

  {\"priority\":2,\"opened\":\"2026-11-27T16:30:00-05:00\"}
  {\"priority\":3,\"opened\":\"2026-11-27T16:30:00-05:00\",\"paused\":[[\"2026-11-27T16:40:00-05:00\",\"2026-11-30T09:00:00-05:00\"]]}
  {\"priority\":5,\"opened\":\"2026-11-27T16:30:00-05:00\",\"scheduled\":\"2026-12-01T10:00:00-05:00\"}

priority is 1-5; opened is RFC 3339; paused (optional) lists [start, end] pairs while the clock waited on the client; scheduled (required for P5) is when the planned work starts. Each line gets one line back, {\"response_due\":\"...\",\"warning_at\":\"...\"} in the calendar's zone, or {\"error\":\"...\"}; the rest go on, and the exit code is 1 if any line failed. The calendar and SLA table are the config's.")]
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
            let conn = ctx.open_store_unfollowed()?;
            let (cal, policy) = (ctx.config.sla_calendar(), ctx.config.sla_policy());
            let (n, changed) = deadlines::recompute(&conn, &cal, &policy)?;
            outln!("recomputed the deadlines of {n} tickets ({changed} changed)");
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
    if after_hours && cal.is_open(ctx.now) {
        return Ok(0);
    }
    let tz = cal.zone;
    let mut found = 0;
    for row in store_sla::needing_attention(&conn, ctx.now.timestamp())? {
        let Some(clock) = row.clock(&policy) else { continue };
        // After hours only the clocks that run outside contractual hours (24x7) count.
        if after_hours && clock.kind != sla::ClockKind::TwentyFourSeven {
            continue;
        }
        let left = clock.wall_minutes_left(ctx.now);
        let (state, when) = match clock.state(ctx.now) {
            sla::SlaState::Breached => ("BREACH", format!("{} overdue", short_duration(-left))),
            sla::SlaState::Warning => ("WARNING", format!("{} left", short_duration(left))),
            _ => continue,
        };
        found += 1;
        let paused = if clock.is_paused(ctx.now) {
            " (paused after the breach)"
        } else {
            ""
        };
        outln!(
            "#{} {} {state}{paused} due {} ({when}) {} — {} [{}]",
            row.id,
            row.priority,
            rfc3339_secs(row.response_due, tz),
            crate::domain::text::sanitize_line(&row.company),
            crate::domain::text::sanitize_line(&row.summary),
            row.assignee
                .as_deref()
                .map(crate::domain::text::sanitize_line)
                .unwrap_or("unassigned".into())
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

/// `--from`/`--to` as dates; the default is the 30 days up to today.
fn period(ctx: &Ctx, from: Option<String>, to: Option<String>) -> Result<(NaiveDate, NaiveDate), UsageError> {
    let today = ctx.config.sla_calendar().local_date(ctx.now);
    let parse = |s: Option<String>| s.as_deref().map(parse_date).transpose().map_err(UsageError);
    let to = parse(to)?.unwrap_or(today);
    let from = parse(from)?.unwrap_or(to - Duration::days(30));
    if from > to {
        return Err(UsageError(format!("--from {from} is after --to {to}")));
    }
    Ok((from, to))
}

fn report(ctx: &Ctx, from: Option<String>, to: Option<String>, as_json: bool) -> anyhow::Result<i32> {
    let (from, to) = period(ctx, from, to)?;
    let policy = ctx.config.sla_policy();
    let conn = ctx.open_store_read_only()?;
    let (start, end) = (day_start(ctx, from), day_start(ctx, to + Duration::days(1)));
    let counts = store_sla::compliance(&conn, start, end, ctx.now.timestamp())?;
    let mut responses = store_sla::response_minutes(&conn, start, end)?;
    responses.sort_unstable();
    let mut out = Vec::new();
    for p in Priority::ALL {
        let c = counts
            .iter()
            .find(|c| c.priority == p.get())
            .copied()
            .unwrap_or_default();
        let minutes: Vec<i64> = responses.iter().filter(|r| r.0 == p.get()).map(|&(_, m)| m).collect();
        out.push(json!({"priority": p.get(), "name": policy.get(p).name, "tickets": c.tickets, "met": c.met,
            "breached": c.breached, "open": c.open, "met_percent": c.percent(), "median_response_minutes": median(&minutes)}));
    }
    if as_json {
        let v = json!({"from": from.to_string(), "to": to.to_string(), "met_percent_of": "met + breached", "priorities": out});
        crate::cli::output::json(&v)?;
        return Ok(0);
    }
    outln!("SLA report {from} to {to} (tickets opened in the period, by the priority each clock ran on)");
    outln!(
        "{:<4} {:<22} {:>8} {:>6} {:>9} {:>6} {:>7} {:>13}",
        "",
        "priority",
        "tickets",
        "met",
        "breached",
        "open",
        "met %",
        "median (min)"
    );
    let dash = |v: &serde_json::Value| v.as_i64().map_or("-".to_string(), |n| n.to_string());
    for r in &out {
        outln!(
            "P{:<3} {:<22} {:>8} {:>6} {:>9} {:>6} {:>7} {:>13}",
            dash(&r["priority"]),
            r["name"].as_str().unwrap_or(""),
            dash(&r["tickets"]),
            dash(&r["met"]),
            dash(&r["breached"]),
            dash(&r["open"]),
            dash(&r["met_percent"]),
            dash(&r["median_response_minutes"])
        );
    }
    outln!("met % = met ÷ (met + breached); open clocks (running, warning, paused, scheduled) are counted apart, not as misses");
    Ok(0)
}

fn median(sorted: &[i64]) -> Option<i64> {
    match sorted.len() {
        0 => None,
        n if n % 2 == 1 => Some(sorted[n / 2]),
        n => Some((sorted[n / 2 - 1] + sorted[n / 2]) / 2),
    }
}
