//! `pimdesk ticket new|list|show|update|note` and `pimdesk time add`: the same
//! validation, audit and sanitising as the console.

mod show;

use crate::store::sql::Sql;
use clap::{Args, Subcommand};
use serde_json::Value;

use super::fail::{usage, write_err};
use super::Ctx;
use crate::cli::output::outln;
use crate::domain::time::parse_time;
use crate::store::actor::Actor;
use crate::store::ticket_detail::{self, TicketDetail};
use crate::store::ticket_work::TimeChange;
use crate::store::ticket_write::{self, NewTicket, NewTime, Rules, TicketChanges};
use crate::store::{lookup, tickets};
use show::show;
pub use show::ticket_json;

#[derive(Debug, Subcommand)]
pub enum TicketCommand {
    /// Open a ticket; prints its ID
    New(NewArgs),
    /// List tickets, newest first
    List(ListArgs),
    /// Show one ticket with notes, time and history
    Show {
        id: i64,
        #[arg(long)]
        json: bool,
    },
    /// Change fields of a ticket
    Update(UpdateArgs),
    /// Attachments that came by mail: list, save
    #[command(subcommand)]
    Attachment(crate::cli::mail::attachment::AttachmentCommand),
    /// Add a note (client-visible unless --internal)
    Note {
        id: i64,
        #[arg(long)]
        text: String,
        #[arg(long)]
        internal: bool,
    },
}

#[derive(Debug, Args)]
pub struct NewArgs {
    #[arg(long)]
    company: String,
    #[arg(long)]
    summary: String,
    #[arg(long)]
    priority: String,
    #[arg(long)]
    contact: Option<String>,
    #[arg(long, default_value = "")]
    description: String,
    /// Board (default: Service Desk, or After Hours outside contractual hours)
    #[arg(long)]
    board: Option<String>,
    /// Source (default: phone, or after-hours line outside contractual hours)
    #[arg(long)]
    source: Option<String>,
    /// Scheduled time (RFC 3339, or YYYY-MM-DD HH:MM in the calendar zone), required for P5
    #[arg(long)]
    scheduled: Option<String>,
    #[arg(long)]
    assignee: Option<String>,
}

#[derive(Debug, Args)]
pub struct ListArgs {
    #[arg(long)]
    status: Option<String>,
    #[arg(long)]
    priority: Option<String>,
    #[arg(long)]
    company: Option<String>,
    #[arg(long)]
    assignee: Option<String>,
    #[arg(long)]
    search: Option<String>,
    #[arg(long, default_value_t = 50)]
    limit: usize,
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Args)]
pub struct UpdateArgs {
    id: i64,
    #[arg(long)]
    status: Option<String>,
    #[arg(long)]
    priority: Option<String>,
    /// A login, or "none" to unassign
    #[arg(long)]
    assignee: Option<String>,
    #[arg(long)]
    summary: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum TimeCommand {
    /// Log time on a ticket
    Add {
        id: i64,
        /// How long: 90, 45m, 2h, 1h30, 1h 30m, 1:30 or 1.5h
        #[arg(long, value_parser = crate::domain::time::parse_duration)]
        minutes: i64,
        /// Start (RFC 3339, or YYYY-MM-DD HH:MM in the calendar zone); default: now minus the minutes
        #[arg(long)]
        start: Option<String>,
        #[arg(long)]
        no_billable: bool,
        #[arg(long, default_value = "")]
        note: String,
    },
    /// Correct a time entry that is not billed yet (`ticket show ID` lists entries)
    Edit {
        entry: i64,
        /// The right duration: 90, 45m, 1h30, 1:30, 1.5h
        #[arg(long, value_parser = crate::domain::time::parse_duration)]
        minutes: Option<i64>,
        #[arg(long)]
        note: Option<String>,
        #[arg(long, conflicts_with = "no_billable")]
        billable: bool,
        #[arg(long)]
        no_billable: bool,
    },
    /// Delete a time entry that is not billed yet
    Delete { entry: i64 },
}

/// The current user, registered by the write itself when new (nothing is
/// written for a refused command).
fn me(ctx: &Ctx) -> Actor<'_> {
    Actor::Login(&ctx.login)
}

fn priority(p: &str) -> anyhow::Result<crate::domain::ticket::Priority> {
    p.parse().map_err(usage)
}

/// One of the guide's words typed on the command line; a usage error names
/// what was given and what is allowed.
fn word<T: std::str::FromStr<Err = crate::domain::ticket::UnknownValue>>(s: &str) -> anyhow::Result<T> {
    s.parse().map_err(usage)
}

pub fn run(ctx: &Ctx, cmd: TicketCommand) -> anyhow::Result<i32> {
    let conn = ctx.open_store()?;
    let (cal, policy) = (ctx.config.sla_calendar(), ctx.config.sla_policy());
    let rules = Rules {
        calendar: &cal,
        policy: &policy,
    };
    let now = ctx.now.timestamp();
    match cmd {
        TicketCommand::New(a) => {
            let t = new_ticket(ctx, &conn, a)?;
            let who = me(ctx);
            let id = ticket_write::create(&conn, &t, who, now, &rules).map_err(write_err)?;
            outln!("{id}");
        }
        TicketCommand::List(a) => list(ctx, &conn, a)?,
        TicketCommand::Attachment(c) => crate::cli::mail::attachment::run(ctx, &conn, c)?,
        TicketCommand::Show { id, json } => show(ctx, &conn, id, json)?,
        TicketCommand::Update(a) => {
            let (id, ch) = ticket_changes(&conn, a)?;
            let who = me(ctx);
            ticket_write::update(&conn, id, &ch, None, who, now, &rules).map_err(write_err)?;
        }
        TicketCommand::Note { id, text, internal } => {
            let who = me(ctx);
            let mail = ctx.config.mail.outgoing();
            ticket_write::add_note(&conn, id, &text, internal, who, now, &rules, mail.as_ref()).map_err(write_err)?;
        }
    }
    Ok(0)
}

/// `ticket new`: the names looked up and the times parsed, with the intake
/// defaults (board and source) of the hour.
fn new_ticket(ctx: &Ctx, conn: &dyn Sql, a: NewArgs) -> anyhow::Result<NewTicket> {
    let company_id = lookup::company(conn, &a.company).map_err(usage)?;
    let contact_id = a
        .contact
        .as_deref()
        .map(|c| lookup::contact(conn, company_id, c))
        .transpose()
        .map_err(usage)?;
    let assignee_id = a
        .assignee
        .as_deref()
        .map(|l| lookup::technician(conn, l))
        .transpose()
        .map_err(usage)?;
    let scheduled = a
        .scheduled
        .as_deref()
        .map(|t| parse_time(t, ctx.config.calendar.timezone.0))
        .transpose()
        .map_err(usage)?
        .map(|t| t.timestamp());
    let intake = crate::domain::ticket::intake_defaults(!ctx.config.sla_calendar().is_open(ctx.now));
    Ok(NewTicket {
        company_id,
        contact_id,
        summary: a.summary,
        description: a.description,
        priority: priority(&a.priority)?,
        board: a.board.as_deref().map(word).transpose()?.unwrap_or(intake.0),
        source: a.source.as_deref().map(word).transpose()?.unwrap_or(intake.1),
        assignee_id,
        scheduled,
    })
}

/// `ticket update`: the ticket's id and the changes asked for (at least one).
fn ticket_changes(conn: &dyn Sql, a: UpdateArgs) -> anyhow::Result<(i64, TicketChanges)> {
    if a.status.is_none() && a.priority.is_none() && a.summary.is_none() && a.assignee.is_none() {
        return Err(usage(
            "nothing to change: give --status, --priority, --assignee or --summary",
        ));
    }
    let assignee_id = match a.assignee.as_deref() {
        None => None,
        Some("none") | Some("") => Some(None),
        Some(l) => Some(Some(lookup::technician(conn, l).map_err(usage)?)),
    };
    let ch = TicketChanges {
        status: a.status.as_deref().map(word).transpose()?,
        priority: a.priority.as_deref().map(priority).transpose()?,
        summary: a.summary,
        assignee_id,
        ..TicketChanges::default()
    };
    Ok((a.id, ch))
}

pub fn run_time(ctx: &Ctx, cmd: TimeCommand) -> anyhow::Result<i32> {
    let (id, minutes, start, no_billable, note) = match cmd {
        TimeCommand::Add {
            id,
            minutes,
            start,
            no_billable,
            note,
        } => (id, minutes, start, no_billable, note),
        TimeCommand::Edit {
            entry,
            minutes,
            note,
            billable,
            no_billable,
        } => {
            let billable = (billable || no_billable).then_some(billable);
            return super::timer::edit(
                ctx,
                entry,
                TimeChange {
                    minutes,
                    billable,
                    note,
                },
            );
        }
        TimeCommand::Delete { entry } => return super::timer::delete(ctx, entry),
    };
    let conn = ctx.open_store()?;
    let now = ctx.now.timestamp();
    let start = match start {
        Some(s) => parse_time(&s, ctx.config.calendar.timezone.0)
            .map_err(|e| usage(format!("--start: {e}")))?
            .timestamp(),
        None => now - minutes.max(0) * 60,
    };
    let who = me(ctx);
    let t = NewTime {
        minutes,
        start,
        billable: !no_billable,
        note,
    };
    ticket_write::add_time(&conn, id, &t, who, now).map_err(write_err)?;
    Ok(0)
}

fn list(ctx: &Ctx, conn: &dyn Sql, a: ListArgs) -> anyhow::Result<()> {
    let (limit, json) = (a.limit, a.json);
    let (filter, searching) = list_filter(conn, a)?;
    let mut ids = tickets::list_ids(conn, &filter)?;
    let more = ids.len() > limit;
    // The console's search ranks only the newest matches; say so when that cap, not --limit, ended the list.
    let capped = !more && searching && ids.len() == tickets::SEARCH_WINDOW;
    ids.truncate(limit);
    let mut out = Vec::new();
    for id in ids {
        if let Some(d) = ticket_detail::load_head(conn, id)? {
            out.push(d);
        }
    }
    print_list(ctx, &out, json)?;
    list_caveats(limit, more, capped);
    Ok(())
}

/// The filter of `ticket list` from its options, the names looked up, and
/// whether it searches.
fn list_filter(conn: &dyn Sql, a: ListArgs) -> anyhow::Result<(tickets::ListFilter, bool)> {
    let mut filter = tickets::ListFilter {
        limit: a.limit,
        ..Default::default()
    };
    if let Some(s) = a.status {
        filter.status = Some(s.parse::<crate::domain::ticket::Status>().map_err(usage)?);
    }
    filter.priority = a.priority.as_deref().map(priority).transpose()?.map(|p| p.get());
    filter.company_id = a
        .company
        .as_deref()
        .map(|c| lookup::company(conn, c))
        .transpose()
        .map_err(usage)?;
    filter.assignee_id = a
        .assignee
        .as_deref()
        .map(|l| lookup::technician(conn, l))
        .transpose()
        .map_err(usage)?;
    let searching = a.search.as_deref().and_then(tickets::fts_query).is_some();
    filter.search = a.search;
    // One more than asked for tells whether the list stopped at its limit.
    filter.limit = a.limit.saturating_add(1);
    Ok((filter, searching))
}

/// The listed tickets: a JSON array, or one line each.
fn print_list(ctx: &Ctx, out: &[TicketDetail], json: bool) -> anyhow::Result<()> {
    if json {
        let v: Vec<Value> = out.iter().map(|d| ticket_json(ctx, d, false)).collect();
        crate::cli::output::json(&v)?;
    } else {
        for d in out {
            let state = sla_state(ctx, d);
            outln!(
                "#{:<7} {} {:<17} {:<9} {:<30} {}",
                d.id,
                d.priority,
                d.status,
                state,
                &d.company,
                &d.summary
            );
        }
    }
    Ok(())
}

/// To stderr: why the list may be short of all the tickets that match.
fn list_caveats(limit: usize, more: bool, capped: bool) {
    if more {
        crate::cli::output::errln!(
            "(stopped at --limit {}: more tickets match; --limit N shows more)",
            limit
        );
    }
    if capped {
        crate::cli::output::errln!(
            "(search ranks the newest {} matches best first; older tickets may match too: add words or filters)",
            tickets::SEARCH_WINDOW
        );
    }
}

/// The SLA state from the ticket's stored clock: `sla_state` in JSON.
fn sla_state(ctx: &Ctx, d: &TicketDetail) -> &'static str {
    d.clock(&ctx.config.sla_policy())
        .map_or("-", |c| c.state(ctx.now).as_str())
}
