//! `pimdesk oncall`, `pimdesk tech list|set-role|set-oncall` and
//! `pimdesk contact list|set-level`: the directory from the command line, with
//! the same role checks and audit as the console.

use chrono::{DateTime, Utc};
use clap::{Args, Subcommand};
use serde_json::{json, Value};

use super::Ctx;
use crate::cli::output::outln;
use crate::domain::oncall::{coverage, Coverage, Rotation};
use crate::domain::permissions::{Role, SecurityLevel};
use crate::domain::text::sanitize_line as clean;
use crate::domain::time::{parse_time, rfc3339};
use crate::store::actor::Actor;
use crate::store::directory::{self as dir, ContactChanges, DirectoryError, Technician};
use crate::store::lookup;

#[derive(Debug, Args)]
pub struct OncallArgs {
    /// The time to ask about (RFC 3339, or YYYY-MM-DD HH:MM in the calendar zone); default now
    #[arg(long)]
    at: Option<String>,
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Subcommand)]
pub enum TechCommand {
    /// Technicians with role, phone, email and rotation
    List {
        #[arg(long)]
        json: bool,
    },
    /// Change a technician's role (technician, dispatcher, finance, admin); admins only
    SetRole { login: String, role: String },
    /// Put a technician in (on) or out of (off) the fallback on-call rotation
    SetOncall { login: String, on: String },
    /// Set the address the on-call's pages go to (an SMS gateway takes mail); "" clears it
    SetPager { login: String, address: String },
}

#[derive(Debug, Subcommand)]
pub enum ContactCommand {
    /// Client contacts with security level and what it allows
    List {
        #[arg(long)]
        company: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Change a contact's security level; dispatchers (concierge) and admins
    SetLevel {
        /// The contact's name or email
        contact: String,
        #[arg(long)]
        company: String,
        /// submitter, viewer, company_viewer, billing, manager or admin
        level: String,
    },
}

use super::fail::usage;

/// Refusals are usage errors (exit 2, nothing written); store trouble stays exit 3.
fn refusal(e: DirectoryError) -> anyhow::Error {
    match e {
        DirectoryError::Store(s) => s.into(),
        DirectoryError::Refused(m) => usage(m),
    }
}

/// The current user, registered by the write itself when new (nothing is
/// written for a refused command).
fn me(ctx: &Ctx) -> Actor<'_> {
    Actor::Login(&ctx.login)
}

/// The rotation of the config, or the technicians marked on-call.
pub fn rotation(ctx: &Ctx, technicians: &[Technician]) -> anyhow::Result<Rotation> {
    let c = &ctx.config.oncall;
    let logins = dir::rotation_logins(&c.rotation, technicians);
    Rotation::new(logins, c.start, &c.handover).map_err(|e| usage(format!("{}: {e}", ctx.config_path.display())))
}

fn when(ctx: &Ctx, t: DateTime<Utc>) -> String {
    t.with_timezone(&ctx.config.calendar.timezone.0)
        .format("%a %b %-d %H:%M %Z")
        .to_string()
}

fn person_json(login: &str, techs: &[Technician]) -> Value {
    match techs.iter().find(|t| t.login == login) {
        Some(t) => json!({"login": t.login, "name": t.name, "phone": t.phone, "email": t.email}),
        None => json!({"login": login, "name": login, "phone": "", "email": ""}),
    }
}

/// "Jordan Tate (jtate), phone 804-555-2100, email jtate@…"
fn person_line(login: &str, techs: &[Technician]) -> String {
    match techs.iter().find(|t| t.login == login) {
        Some(t) => {
            let mut s = format!("{} ({})", clean(&t.name), clean(&t.login));
            for (what, v) in [("phone", &t.phone), ("email", &t.email)] {
                if !v.is_empty() {
                    s.push_str(&format!(", {what} {}", clean(v)));
                }
            }
            s
        }
        None => format!("{login} (no technician record: phone and email unknown)"),
    }
}

fn department<'a>(ctx: &'a Ctx, prefix: &str) -> Option<&'a crate::config::Department> {
    ctx.config
        .directory
        .departments
        .iter()
        .find(|d| d.name.starts_with(prefix))
}

fn reach(d: &crate::config::Department) -> String {
    let mut s = d.phone.clone();
    if !d.option.is_empty() {
        s.push_str(&format!(", option {}", d.option));
    }
    for extra in [&d.email, &d.portal] {
        if !extra.is_empty() {
            s.push_str(&format!(" or {extra}"));
        }
    }
    s
}

/// `pimdesk oncall [--at T]`: exit 1 when nobody would answer after hours.
pub fn oncall(ctx: &Ctx, a: OncallArgs) -> anyhow::Result<i32> {
    let at = match a.at.as_deref() {
        Some(t) => parse_time(t, ctx.config.calendar.timezone.0).map_err(|e| usage(format!("--at: {e}")))?,
        None => ctx.now,
    };
    let conn = ctx.open_store()?;
    let techs = dir::technicians(&conn)?;
    let rot = rotation(ctx, &techs)?;
    let cal = ctx.config.sla_calendar();
    let c = coverage(&cal, &rot, at);
    if a.json {
        oncall_json(at, cal.zone, &c, &techs)?;
        return Ok(if matches!(c, Coverage::AfterHours { login: None, .. }) {
            1
        } else {
            0
        });
    }
    oncall_text(ctx, at, c, &techs)
}

/// The coverage at `at` as one JSON object.
fn oncall_json(at: DateTime<Utc>, tz: chrono_tz::Tz, c: &Coverage<'_>, techs: &[Technician]) -> anyhow::Result<()> {
    let v = match c {
        Coverage::Office { closes, tonight } => json!({
            "at": rfc3339(at, tz), "office_open": true, "on_call": null, "until": null,
            "tonight": tonight.map(|l| person_json(l, techs)), "tonight_from": rfc3339(*closes, tz),
        }),
        Coverage::AfterHours { login, until } => json!({
            "at": rfc3339(at, tz), "office_open": false, "on_call": login.map(|l| person_json(l, techs)),
            "until": until.map(|u| rfc3339(u, tz)), "tonight": null, "tonight_from": null,
        }),
    };
    crate::cli::output::json(&v)
}

/// The coverage at `at` in words, with whom to call; exit 1 when nobody is on call.
fn oncall_text(ctx: &Ctx, at: DateTime<Utc>, c: Coverage<'_>, techs: &[Technician]) -> anyhow::Result<i32> {
    match c {
        Coverage::Office { closes, tonight } => {
            outln!("{}: the office is open (contractual hours).", when(ctx, at));
            if let Some(d) = department(ctx, "Support") {
                outln!("  Support: {}", reach(d));
            }
            match tonight {
                Some(l) => outln!("On call tonight from {}: {}", when(ctx, closes), person_line(l, techs)),
                None => outln!(
                    "On call tonight from {}: nobody (the rotation is empty)",
                    when(ctx, closes)
                ),
            }
            Ok(0)
        }
        Coverage::AfterHours { login: Some(l), until } => {
            outln!("{}: after hours. On call: {}", when(ctx, at), person_line(l, techs));
            if let Some(u) = until {
                outln!("  until the office opens {}", when(ctx, u));
            }
            if let Some(d) = department(ctx, "After Hours") {
                outln!("  clients call the after-hours line: {}", reach(d));
            }
            Ok(0)
        }
        Coverage::AfterHours { login: None, .. } => {
            outln!(
                "{}: after hours and nobody is on call: list logins in [oncall] rotation in {}, or mark technicians (pimdesk tech set-oncall LOGIN on)",
                when(ctx, at),
                ctx.config_path.display()
            );
            Ok(1)
        }
    }
}

pub fn tech(ctx: &Ctx, cmd: TechCommand) -> anyhow::Result<i32> {
    let conn = ctx.open_store()?;
    let now = ctx.now.timestamp();
    match cmd {
        TechCommand::List { json } => tech_list(ctx, &conn, json)?,
        TechCommand::SetRole { login, role } => {
            let role: Role = role.parse().map_err(usage)?;
            let who = me(ctx);
            let c = dir::set_role(&conn, who, &login, role, now).map_err(refusal)?;
            if c.old == c.new {
                outln!("{} is already {}; nothing changed", c.login, c.new);
            } else {
                outln!("{}: role {} -> {}", c.login, c.old, c.new);
            }
            if c.bootstrap {
                outln!("The store had no admin, so its first user may become one; from now on only an admin changes roles.");
            }
            outln!("Roles organise work; the store file's permissions are what protect the data.");
        }
        TechCommand::SetOncall { login, on } => {
            let on = match on.as_str() {
                "on" | "yes" | "true" => true,
                "off" | "no" | "false" => false,
                other => return Err(usage(format!("write on or off, not {other:?}"))),
            };
            let who = me(ctx);
            let changed = dir::set_oncall(&conn, who, &login, on, now).map_err(refusal)?;
            let state = if on { "in" } else { "out of" };
            let note = if changed { "" } else { " (already)" };
            outln!("{login} is {state} the fallback on-call rotation{note}");
            if !ctx.config.oncall.rotation.is_empty() {
                outln!("Note: [oncall] rotation in the config names the rotation, so this flag is not used now.");
            }
        }
        TechCommand::SetPager { login, address } => {
            let changed = dir::addresses::set_pager(&conn, me(ctx), &login, &address, now).map_err(refusal)?;
            let note = if changed { "" } else { " (already)" };
            match address.trim() {
                "" => outln!("{login} has no pager address{note}; pages about their tickets are recorded, not mailed"),
                a => outln!("{login}'s pages go to {a}{note}"),
            }
        }
    }
    Ok(0)
}

fn tech_list(ctx: &Ctx, conn: &dyn crate::store::sql::Sql, json: bool) -> anyhow::Result<()> {
    let techs = dir::technicians(conn)?;
    let rot = rotation(ctx, &techs)?;
    let cal = ctx.config.sla_calendar();
    let now_login = match coverage(&cal, &rot, ctx.now) {
        Coverage::AfterHours { login, .. } => login.map(str::to_string),
        Coverage::Office { .. } => None,
    };
    let duty = rot.on_duty(&cal, ctx.now).map(str::to_string);
    let pagers = dir::addresses::pagers(conn)?;
    if json {
        let v: Vec<Value> = techs
            .iter()
            .map(|t| {
                json!({"login": t.login, "name": t.name, "role": t.role, "phone": t.phone, "email": t.email,
                       "pager_email": pagers.get(&t.login).map_or("", String::as_str),
                       "in_rotation": rot.logins.contains(&t.login), "on_duty": duty.as_deref() == Some(t.login.as_str()),
                       "on_call_now": now_login.as_deref() == Some(t.login.as_str())})
            })
            .collect();
        crate::cli::output::json(&v)?;
        return Ok(());
    }
    for t in &techs {
        let mark = if now_login.as_deref() == Some(t.login.as_str()) {
            "ON CALL NOW"
        } else if duty.as_deref() == Some(t.login.as_str()) {
            "on call tonight"
        } else if rot.logins.contains(&t.login) {
            "rotation"
        } else {
            ""
        };
        outln!(
            "{:<12} {:<20} {:<10} {:<13} {:<32} {}",
            clean(&t.login),
            clean(&t.name),
            t.role,
            clean(&t.phone),
            clean(&t.email),
            mark
        );
    }
    Ok(())
}

pub fn contact(ctx: &Ctx, cmd: ContactCommand) -> anyhow::Result<i32> {
    let conn = ctx.open_store()?;
    match cmd {
        ContactCommand::List { company, json } => {
            let company_id = company
                .as_deref()
                .map(|c| lookup::company(&conn, c))
                .transpose()
                .map_err(usage)?;
            contact_list(&conn, company_id, json)?;
        }
        ContactCommand::SetLevel {
            contact,
            company,
            level,
        } => {
            let level: SecurityLevel = level.parse().map_err(usage)?;
            let company_id = lookup::company(&conn, &company).map_err(usage)?;
            let id = dir::find_contact(&conn, company_id, &contact).map_err(usage)?;
            let who = me(ctx);
            let ch = ContactChanges {
                level: Some(level),
                ..Default::default()
            };
            let done = dir::update_contact(&conn, who, id, &ch, ctx.now.timestamp()).map_err(refusal)?;
            match done.first() {
                Some((_, old, new)) => outln!("{}: security level {old} -> {new}", clean(&contact)),
                None => outln!("{}: already {level}; nothing changed", clean(&contact)),
            }
            outln!("  may: {}", level.summary());
        }
    }
    Ok(0)
}

fn rights(level: &str) -> Vec<&'static str> {
    level
        .parse::<SecurityLevel>()
        .map(|l| l.rights().iter().map(|r| r.words()).collect())
        .unwrap_or_default()
}

fn contact_list(conn: &dyn crate::store::sql::Sql, company_id: Option<i64>, json: bool) -> anyhow::Result<()> {
    let contacts = dir::contacts(conn, company_id)?;
    if json {
        let v: Vec<Value> = contacts
            .iter()
            .map(|c| {
                json!({"company": c.company, "name": c.name, "title": c.title, "phone": c.phone, "email": c.email,
                       "security_level": c.level, "rights": rights(&c.level)})
            })
            .collect();
        crate::cli::output::json(&v)?;
        return Ok(());
    }
    let mut last = None;
    for c in &contacts {
        if last != Some(c.company_id) {
            outln!("{}", clean(&c.company));
            last = Some(c.company_id);
        }
        outln!(
            "  {:<22} {:<22} {:<14} {:<13} {}",
            clean(&c.name),
            clean(&c.title),
            c.level,
            clean(&c.phone),
            clean(&c.email)
        );
        outln!("  {:<22} may: {}", "", rights(&c.level).join(", "));
    }
    Ok(())
}
