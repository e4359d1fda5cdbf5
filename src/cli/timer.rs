//! `pimdesk timer` (a running timer is a row in the store, shared with the
//! console) and the corrections of `pimdesk time`: edit and delete an entry.

use clap::Subcommand;
use serde_json::json;

use super::fail::{usage, write_err};
use super::output::{json as print_json, outln};
use super::Ctx;
use crate::domain::text::sanitize_line;
use crate::domain::time::{parse_duration, rfc3339_secs, short_duration};
use crate::store::actor::Actor;
use crate::store::ticket_work::{self, TimeChange};
use crate::store::timers::{self, Stop};

#[derive(Debug, Subcommand)]
pub enum TimerCommand {
    /// Start a timer on a ticket (one per technician; it survives quitting)
    Start { id: i64 },
    /// Stop your timer and log the time since it started
    Stop {
        id: i64,
        #[arg(long, default_value = "")]
        note: String,
        #[arg(long)]
        no_billable: bool,
        /// Log this instead of the time run: 90, 45m, 1h30, 1:30, 1.5h
        #[arg(long, value_parser = parse_duration)]
        minutes: Option<i64>,
    },
    /// Throw your timer away without logging time
    Discard { id: i64 },
    /// Every running timer: login, ticket, started
    List {
        #[arg(long)]
        json: bool,
    },
}

pub fn run(ctx: &Ctx, cmd: TimerCommand) -> anyhow::Result<i32> {
    let now = ctx.now.timestamp();
    let who = Actor::Login(&ctx.login);
    match cmd {
        TimerCommand::Start { id } => {
            let conn = ctx.open_store()?;
            timers::start(&conn, id, who, now).map_err(write_err)?;
            outln!("timer started on #{id}; stop it with: pimdesk timer stop {id}");
        }
        TimerCommand::Stop {
            id,
            note,
            no_billable,
            minutes,
        } => {
            let conn = ctx.open_store()?;
            let how = Stop {
                minutes,
                billable: !no_billable,
                note,
            };
            let logged = timers::stop(&conn, id, &how, who, now).map_err(write_err)?;
            outln!("logged {} on #{id}", short_duration(logged));
        }
        TimerCommand::Discard { id } => {
            let conn = ctx.open_store()?;
            let ran = timers::discard(&conn, id, who, now).map_err(write_err)?;
            outln!("timer on #{id} discarded ({} not logged)", short_duration(ran));
        }
        TimerCommand::List { json } => list(ctx, json)?,
    }
    Ok(0)
}

fn list(ctx: &Ctx, as_json: bool) -> anyhow::Result<()> {
    let conn = ctx.open_store_read_only()?;
    let running = timers::list(&conn)?;
    let now = ctx.now.timestamp();
    let tz = ctx.config.calendar.timezone.0;
    if as_json {
        let rows: Vec<_> = running
            .iter()
            .map(|t| {
                json!({"login": t.login, "ticket": t.ticket_id, "started": rfc3339_secs(t.started, tz),
                       "minutes": t.minutes(now)})
            })
            .collect();
        print_json(&rows)?;
        return Ok(());
    }
    if running.is_empty() {
        outln!("no timers running");
    }
    for t in &running {
        outln!(
            "{:<12} #{:<8} since {}  ({})  {}",
            sanitize_line(&t.login),
            t.ticket_id,
            rfc3339_secs(t.started, tz),
            short_duration(t.minutes(now)),
            sanitize_line(&t.summary)
        );
    }
    Ok(())
}

/// `time edit ENTRY` and `time delete ENTRY`.
pub fn edit(ctx: &Ctx, entry: i64, change: TimeChange) -> anyhow::Result<i32> {
    if change.minutes.is_none() && change.billable.is_none() && change.note.is_none() {
        return Err(usage(
            "nothing to change: give --minutes, --note, --billable or --no-billable",
        ));
    }
    let conn = ctx.open_store()?;
    let who = Actor::Login(&ctx.login);
    let ticket = ticket_work::edit_time(&conn, entry, &change, who, ctx.now.timestamp()).map_err(write_err)?;
    outln!("time entry {entry} on #{ticket} corrected");
    Ok(0)
}

pub fn delete(ctx: &Ctx, entry: i64) -> anyhow::Result<i32> {
    let conn = ctx.open_store()?;
    let who = Actor::Login(&ctx.login);
    let ticket = ticket_work::delete_time(&conn, entry, who, ctx.now.timestamp()).map_err(write_err)?;
    outln!("time entry {entry} on #{ticket} deleted");
    Ok(0)
}

#[derive(Debug, clap::Subcommand)]
pub enum NoteCommand {
    /// Correct a note's text (`ticket show ID` lists notes with their numbers)
    Edit {
        note: i64,
        /// What the note should say
        #[arg(long)]
        text: String,
    },
}

pub fn edit_note(ctx: &Ctx, note: i64, text: &str) -> anyhow::Result<i32> {
    let mut conn = ctx.open_file()?;
    let who = Actor::Login(&ctx.login);
    let ticket =
        crate::store::note_edit::edit_note(&mut conn, note, text, who, ctx.now.timestamp()).map_err(write_err)?;
    outln!("note {note} on #{ticket} corrected");
    Ok(0)
}
