//! `pimdesk onboarding list|set`: each company's checklist from the guide's
//! transition plan, with status, date and who.

use clap::Subcommand;

use super::{Ctx, UsageError};
use crate::cli::output::outln;
use crate::domain::onboarding::{ItemStatus, TRANSITION_PLAN};
use crate::domain::permissions::Role;
use crate::store::{directory, lookup};

#[derive(Debug, Subcommand)]
pub enum OnboardingCommand {
    /// The checklist of one company
    List {
        #[arg(long)]
        company: String,
        #[arg(long)]
        json: bool,
    },
    /// Set one step (1-7) to pending, in-progress, done or n/a (dispatcher or admin)
    Set {
        #[arg(long)]
        company: String,
        step: i64,
        status: String,
    },
}

pub fn run(ctx: &Ctx, cmd: OnboardingCommand) -> anyhow::Result<i32> {
    match cmd {
        OnboardingCommand::List { company, json } => list(ctx, &company, json),
        OnboardingCommand::Set { company, step, status } => set(ctx, &company, step, &status),
    }
}

/// `onboarding list`: every step of the plan, a step never touched as pending.
fn list(ctx: &Ctx, company: &str, json: bool) -> anyhow::Result<i32> {
    let conn = ctx.open_store_read_only()?;
    let id = lookup::company(&conn, company).map_err(|e| UsageError(e.to_string()))?;
    let items = directory::onboarding(&conn, Some(id))?;
    let rows: Vec<(usize, &str, String, String, String)> = TRANSITION_PLAN
        .iter()
        .enumerate()
        .map(|(i, text)| match items.iter().find(|it| it.position == i as i64) {
            Some(it) => (
                i + 1,
                *text,
                it.status.clone(),
                it.date.clone().unwrap_or_default(),
                it.who.clone().unwrap_or_default(),
            ),
            None => (i + 1, *text, "pending".into(), String::new(), String::new()),
        })
        .collect();
    if json {
        let v: Vec<_> = rows
            .iter()
            .map(|r| serde_json::json!({"step": r.0, "item": r.1, "status": r.2, "date": r.3, "who": r.4}))
            .collect();
        crate::cli::output::json(&v)?;
    } else {
        for (n, text, status, date, who) in rows {
            let marker = status.parse::<ItemStatus>().map(|s| s.marker()).unwrap_or("[?]");
            outln!("{n}. {marker} {text:<56} {status:<11} {date:<10} {who}");
        }
    }
    Ok(0)
}

/// `onboarding set`: one step's status, dated today; a dispatcher's or an admin's.
fn set(ctx: &Ctx, company: &str, step: i64, status: &str) -> anyhow::Result<i32> {
    let status: ItemStatus = status.parse().map_err(UsageError)?;
    let conn = ctx.open_store()?;
    let id = lookup::company(&conn, company).map_err(|e| UsageError(e.to_string()))?;
    // A login without a record is a technician: refused, and not registered.
    let (who, role) = crate::store::actor::find(&conn, &ctx.login)?.unwrap_or((0, Role::Technician));
    if !role.may_edit_contacts() {
        return Err(UsageError(format!(
            "{} is a {role}; the checklist is kept by a dispatcher or an admin (pimdesk tech set-role)",
            ctx.login
        ))
        .into());
    }
    let today = ctx.config.sla_calendar().local_date(ctx.now).to_string();
    let changed = directory::set_onboarding(&conn, who, id, step - 1, status, &today, ctx.now.timestamp())
        .map_err(|e| UsageError(e.to_string()))?;
    outln!(
        "{}",
        if changed.is_some() {
            format!("step {step} is now {status}")
        } else {
            format!("step {step} was already {status}")
        }
    );
    Ok(0)
}
