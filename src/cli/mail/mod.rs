//! `pimdesk mail deliver|held|accept|drop|outbox|send`: the support mailbox
//! from the command line (DESIGN.md 9). `deliver` answers an MTA in
//! sysexits: 0 accepted (also held or ignored), 75 try again later, 65
//! unreadable.

pub mod attachment;
mod fetch;
mod send;

use std::io::Read;

use clap::Subcommand;
use serde_json::json;

use super::fail::{usage, write_err};
use super::Ctx;
use crate::cli::output::{errln, outln};
use crate::domain::mail::parse::parse;
use crate::domain::time::rfc3339_secs;
use crate::store::actor::Actor;
use crate::store::mail::{self, Delivered, MailRules};
use crate::store::ticket_write::{Rules, WriteError};

/// sysexits(3): the message cannot be read; the MTA bounces it.
pub const EX_DATAERR: i32 = 65;
/// sysexits(3): try again later; the MTA keeps the message and retries.
pub const EX_TEMPFAIL: i32 = 75;

#[derive(Debug, Subcommand)]
pub enum MailCommand {
    /// Read one RFC 5322 message on stdin (for an MTA pipe, procmail, fetchmail's mda)
    Deliver,
    /// Mail held for a dispatcher, with the reason
    Held {
        #[arg(long)]
        json: bool,
    },
    /// Accept held mail as a ticket of a company
    Accept {
        id: i64,
        #[arg(long)]
        company: String,
        /// Make the sender a contact of the company (security level submitter)
        #[arg(long)]
        contact_new: bool,
    },
    /// Drop held mail (its Message-ID stays known, so it is not processed again)
    Drop { id: i64 },
    /// Outgoing mail: queued, sent and failed
    Outbox {
        #[arg(long)]
        json: bool,
        #[arg(long, default_value_t = 50)]
        limit: i64,
    },
    /// Read the [mail.imap] folder; without --once, every mail.poll_secs until stopped
    Fetch {
        #[arg(long)]
        once: bool,
    },
    /// Fetch and send every mail.poll_secs until stopped (SIGTERM ends it cleanly)
    Run,
    /// Send the outbox; without --once, keep sending every mail.poll_secs until stopped
    Send {
        #[arg(long)]
        once: bool,
    },
}

pub fn run(ctx: &Ctx, cmd: MailCommand) -> anyhow::Result<i32> {
    match cmd {
        MailCommand::Deliver => Ok(deliver(ctx)),
        MailCommand::Held { json } => held(ctx, json),
        MailCommand::Accept {
            id,
            company,
            contact_new,
        } => accept(ctx, id, &company, contact_new),
        MailCommand::Drop { id } => {
            let conn = ctx.open_file()?;
            mail::held::drop(&conn, id, Actor::Login(&ctx.login), ctx.now.timestamp()).map_err(write_err)?;
            outln!("mail {id} dropped");
            Ok(0)
        }
        MailCommand::Outbox { json, limit } => outbox(ctx, json, limit),
        MailCommand::Send { once } => rounds(ctx, once, false, true),
        MailCommand::Fetch { once } => rounds(ctx, once, true, false),
        MailCommand::Run => rounds(ctx, false, true, true),
    }
}

/// Rounds of fetching and/or sending, every `mail.poll_secs` until SIGTERM
/// or SIGINT (`--once`: one round). Exit 1 when the last round had trouble.
fn rounds(ctx: &Ctx, once: bool, fetch: bool, send: bool) -> anyhow::Result<i32> {
    if fetch && ctx.config.mail.imap.host.is_empty() {
        if !send {
            return Err(usage(
                "no IMAP server: set [mail.imap] host (and user, password_file) in the config",
            ));
        }
        tracing::info!("mail run: no [mail.imap] host, sending only");
    }
    let sender = if send {
        Some(send::transport(&ctx.config.mail)?)
    } else {
        None
    };
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    signal_hook::flag::register(signal_hook::consts::SIGTERM, std::sync::Arc::clone(&stop))?;
    signal_hook::flag::register(signal_hook::consts::SIGINT, std::sync::Arc::clone(&stop))?;
    loop {
        let mut trouble = 0;
        if fetch && !ctx.config.mail.imap.host.is_empty() {
            match fetch::pass(ctx) {
                Ok(f) => trouble += f.later,
                Err(e) if once => return Err(e),
                Err(e) => {
                    errln!(
                        "pimdesk: mail fetch: {e:#}; trying again in {} s",
                        ctx.config.mail.poll_secs
                    );
                    trouble += 1;
                }
            }
        }
        if let Some(sender) = &sender {
            let now = if ctx.frozen { ctx.now } else { chrono::Utc::now() };
            match send::pass(ctx, sender, now.timestamp()) {
                Ok(n) => trouble += n,
                Err(e) if once => return Err(e),
                // A busy store is the next round's: a service keeps running.
                Err(e) => errln!(
                    "pimdesk: mail send: {e:#}; trying again in {} s",
                    ctx.config.mail.poll_secs
                ),
            }
        }
        if once {
            return Ok(i32::from(trouble > 0));
        }
        if !send::sleep(&stop, ctx.config.mail.poll_secs) {
            return Ok(0);
        }
    }
}

/// The rules a delivery or an acceptance works with.
fn with_rules<T>(ctx: &Ctx, now: chrono::DateTime<chrono::Utc>, f: impl FnOnce(&MailRules<'_>) -> T) -> T {
    let (calendar, policy) = (ctx.config.sla_calendar(), ctx.config.sla_policy());
    let r = MailRules {
        mail: &ctx.config.mail,
        out: ctx.config.mail.outgoing_or_tag(),
        after_hours: !calendar.is_open(now),
        rules: Rules {
            calendar: &calendar,
            policy: &policy,
        },
    };
    f(&r)
}

/// Why a message was not taken.
#[derive(Debug)]
pub(super) enum NotTaken {
    /// It cannot be read or stored as it is: exit 65, the MTA bounces it.
    Unreadable(String),
    /// Try again later (store busy or unusable): exit 75.
    Later(String),
}

/// Reads and processes one message; the store call is one transaction.
pub(super) fn take(ctx: &Ctx, conn: &mut rusqlite::Connection, raw: &[u8]) -> Result<(Delivered, String), NotTaken> {
    let msg = parse(raw).map_err(|e| NotTaken::Unreadable(e.to_string()))?;
    // A long `mail fetch` or `mail run` reads the clock for each message.
    let now = if ctx.frozen { ctx.now } else { chrono::Utc::now() };
    let done = with_rules(ctx, now, |r| mail::deliver(conn, raw, &msg, r, now.timestamp()));
    match done {
        Ok(d) => {
            tracing::info!(message_id = %msg.message_id, outcome = ?d, "mail taken");
            Ok((d, msg.message_id))
        }
        Err(WriteError::Invalid { field, message }) => Err(NotTaken::Unreadable(format!("{field}: {message}"))),
        Err(e) => Err(NotTaken::Later(format!("{e}; nothing was written"))),
    }
}

/// `mail deliver`: the exit code is the MTA's answer, so every failure is
/// told on stderr and mapped here rather than by the general error path.
fn deliver(ctx: &Ctx) -> i32 {
    // Past four times max_message_bytes (and 64 MiB) a message is refused
    // rather than read whole into memory; the MTA bounces it to its sender.
    let cap = ctx.config.mail.max_message_bytes.saturating_mul(4).max(64 << 20);
    let mut raw = Vec::new();
    if let Err(e) = std::io::stdin().lock().take(cap + 1).read_to_end(&mut raw) {
        errln!("pimdesk: mail deliver: cannot read the message on stdin: {e}");
        return EX_TEMPFAIL;
    }
    if raw.len() as u64 > cap {
        errln!("pimdesk: mail deliver: the message is larger than {cap} bytes; not taken");
        return EX_DATAERR;
    }
    if let Err(e) = parse(&raw) {
        errln!("pimdesk: mail deliver: {e}");
        return EX_DATAERR;
    }
    let mut conn = match ctx.open_file() {
        Ok(c) => c,
        Err(e) => {
            errln!("pimdesk: mail deliver: {e}; the message was not taken, the MTA will try again");
            return EX_TEMPFAIL;
        }
    };
    match take(ctx, &mut conn, &raw) {
        Ok((d, id)) => {
            // What was taken is committed; a closed stdout changes nothing.
            let _ = crate::cli::output::text(format_args!("{}\n", delivered(&d, &id)));
            0
        }
        Err(NotTaken::Unreadable(e)) => {
            errln!("pimdesk: mail deliver: {e}");
            EX_DATAERR
        }
        Err(NotTaken::Later(e)) => {
            errln!("pimdesk: mail deliver: {e}, the MTA will try again");
            EX_TEMPFAIL
        }
    }
}

/// One line on what became of a message.
fn delivered(d: &Delivered, message_id: &str) -> String {
    match d {
        Delivered::Ticket { id } => format!("ticket #{id} opened"),
        Delivered::Note {
            ticket,
            automatic: true,
            ..
        } => format!("automatic mail: an internal note on ticket #{ticket}, not answered"),
        Delivered::Note { ticket, status, .. } => match status {
            Some(s) => format!("note on ticket #{ticket}; status {s}"),
            None => format!("note on ticket #{ticket}"),
        },
        Delivered::Held { id, reason } => format!("held as mail {id}: {reason}"),
        Delivered::Ignored { reason } => format!("ignored: {reason}"),
        Delivered::Duplicate => format!("already processed: Message-ID <{message_id}>; nothing written"),
    }
}

fn held(ctx: &Ctx, json: bool) -> anyhow::Result<i32> {
    let conn = ctx.open_file_read_only()?;
    let list = mail::held::list(&conn)?;
    let tz = ctx.config.calendar.timezone.0;
    if json {
        let v: Vec<_> = list
            .iter()
            .map(|h| {
                json!({"id": h.id, "received": rfc3339_secs(h.received, tz), "sender": h.sender,
                       "sender_name": h.sender_name, "subject": h.subject, "reason": h.reason, "size": h.size})
            })
            .collect();
        crate::cli::output::json(&v)?;
        return Ok(0);
    }
    if list.is_empty() {
        outln!("no mail is held");
    }
    for h in &list {
        outln!(
            "{:>5}  {}  {}  {:?}",
            h.id,
            rfc3339_secs(h.received, tz),
            h.sender,
            h.subject
        );
        outln!("       held: {}", h.reason);
    }
    Ok(0)
}

fn accept(ctx: &Ctx, id: i64, company: &str, contact_new: bool) -> anyhow::Result<i32> {
    let conn = ctx.open_file()?;
    let company_id = crate::store::lookup::company(&conn, company).map_err(usage)?;
    let now = ctx.now.timestamp();
    let who = Actor::Login(&ctx.login);
    let ticket = with_rules(ctx, ctx.now, |r| {
        mail::held::accept(&conn, id, company_id, contact_new, r, who, now)
    })
    .map_err(write_err)?;
    outln!("mail {id} accepted: ticket #{ticket} opened");
    Ok(0)
}

fn outbox(ctx: &Ctx, json: bool, limit: i64) -> anyhow::Result<i32> {
    let conn = ctx.open_file_read_only()?;
    let list = mail::outbox::list(&conn, limit.max(1))?;
    let tz = ctx.config.calendar.timezone.0;
    if json {
        let v: Vec<_> = list
            .iter()
            .map(|m| {
                let mut v = serde_json::to_value(m).unwrap_or_default();
                v["created"] = json!(rfc3339_secs(m.created, tz));
                v["next_attempt"] = json!(m.next_attempt.map(|t| rfc3339_secs(t, tz)));
                v["sent"] = json!(m.sent.map(|t| rfc3339_secs(t, tz)));
                v
            })
            .collect();
        crate::cli::output::json(&v)?;
        return Ok(0);
    }
    if list.is_empty() {
        outln!("the outbox is empty");
    }
    for m in &list {
        let about = match (m.ticket, &m.invoice) {
            (_, Some(n)) => n.clone(),
            (Some(t), None) => format!("#{t}"),
            (None, None) => "-".into(),
        };
        outln!(
            "{:>5}  {:<6}  {} attempt(s)  {}  {}  {:?}",
            m.id,
            m.status,
            m.attempts,
            about,
            m.recipient,
            m.subject
        );
        if let Some(e) = &m.last_error {
            outln!("       last error: {e}");
        }
    }
    Ok(0)
}

/// The ticket's mail for `ticket show --json`.
pub fn ticket_mail_json(conn: &dyn crate::store::sql::Sql, id: i64) -> anyhow::Result<serde_json::Value> {
    let mail = mail::outbox::of_ticket(conn, id)?;
    Ok(serde_json::Value::Array(
        mail.iter()
            .map(|m| {
                serde_json::json!({"recipient": m.recipient, "subject": m.subject, "status": m.status,
                    "attempts": m.attempts, "last_error": m.last_error, "said": mail::outbox::describe(m)})
            })
            .collect(),
    ))
}
