//! `pimdesk mail deliver|held|accept|drop|outbox|send`: the support mailbox
//! from the command line (DESIGN.md 9). `deliver` answers an MTA in
//! sysexits: 0 accepted (also held or ignored), 75 try again later, 65
//! unreadable.

pub mod attachment;
mod send;

use std::io::Read;

use clap::Subcommand;
use serde_json::json;

use super::ticket::{usage, write_err};
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
            let mut conn = ctx.open_store()?;
            mail::held::drop(&mut conn, id, Actor::Login(&ctx.login), ctx.now.timestamp()).map_err(write_err)?;
            outln!("mail {id} dropped");
            Ok(0)
        }
        MailCommand::Outbox { json, limit } => outbox(ctx, json, limit),
        MailCommand::Send { once } => send::run(ctx, once),
    }
}

/// The rules a delivery or an acceptance works with.
fn with_rules<T>(ctx: &Ctx, f: impl FnOnce(&MailRules<'_>) -> T) -> T {
    let (calendar, policy) = (ctx.config.sla_calendar(), ctx.config.sla_policy());
    let r = MailRules {
        mail: &ctx.config.mail,
        out: ctx.config.mail.outgoing().unwrap_or(crate::domain::mail::Outgoing {
            address: String::new(),
            tag: ctx.config.mail.subject_tag.clone(),
        }),
        after_hours: !calendar.is_open(ctx.now),
        rules: Rules {
            calendar: &calendar,
            policy: &policy,
        },
    };
    f(&r)
}

/// `mail deliver`: the exit code is the MTA's answer, so every failure is
/// told on stderr and mapped here rather than by the general error path.
fn deliver(ctx: &Ctx) -> i32 {
    let mut raw = Vec::new();
    if let Err(e) = std::io::stdin().lock().read_to_end(&mut raw) {
        errln!("pimdesk: mail deliver: cannot read the message on stdin: {e}");
        return EX_TEMPFAIL;
    }
    let msg = match parse(&raw) {
        Ok(m) => m,
        Err(e) => {
            errln!("pimdesk: mail deliver: {e}");
            return EX_DATAERR;
        }
    };
    let mut conn = match ctx.open_store() {
        Ok(c) => c,
        Err(e) => {
            errln!("pimdesk: mail deliver: {e}; the message was not taken, the MTA will try again");
            return EX_TEMPFAIL;
        }
    };
    let now = ctx.now.timestamp();
    match with_rules(ctx, |r| mail::deliver(&mut conn, &raw, &msg, r, now)) {
        Ok(d) => {
            tracing::info!(message_id = %msg.message_id, outcome = ?d, "mail delivered");
            // What was taken is committed; a closed stdout changes nothing.
            let _ = crate::cli::output::text(format_args!("{}\n", delivered(&d, &msg.message_id)));
            0
        }
        Err(WriteError::Invalid { field, message }) => {
            errln!("pimdesk: mail deliver: {field}: {message}");
            EX_DATAERR
        }
        Err(e) => {
            errln!("pimdesk: mail deliver: {e}; nothing was written, the MTA will try again");
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
    let conn = ctx.open_store_read_only()?;
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
    let mut conn = ctx.open_store()?;
    let company_id = crate::store::lookup::company(&conn, company).map_err(usage)?;
    let now = ctx.now.timestamp();
    let who = Actor::Login(&ctx.login);
    let ticket = with_rules(ctx, |r| {
        mail::held::accept(&mut conn, id, company_id, contact_new, r, who, now)
    })
    .map_err(write_err)?;
    outln!("mail {id} accepted: ticket #{ticket} opened");
    Ok(0)
}

fn outbox(ctx: &Ctx, json: bool, limit: i64) -> anyhow::Result<i32> {
    let conn = ctx.open_store_read_only()?;
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
