//! One incoming message into the store, in one transaction: a new ticket, a
//! note on the ticket it answers, held for a dispatcher, or ignored — and a
//! row that says which, so the same Message-ID is never processed twice.

use rusqlite::params;

use crate::store::sql::Sql;

use super::super::actor::MAIL;
use super::super::ticket_work::{add_note_in, Note};
use super::super::ticket_write::invalid;
use super::super::ticket_write::{begin, create_in, update_in, NewTicket, Rules, TicketChanges, WriteError};
use crate::config::MailConfig;
use crate::domain::mail::parse::{header_block, Incoming};
use crate::domain::mail::{quote, thread, Outgoing};
use crate::domain::permissions::{Right, SecurityLevel};
use crate::domain::ticket::{intake_defaults, Priority, Status};

/// What a delivery needs besides the message.
pub struct MailRules<'a> {
    pub mail: &'a MailConfig,
    pub out: Outgoing,
    pub rules: Rules<'a>,
    /// The message arrived outside contractual hours.
    pub after_hours: bool,
}

/// What became of a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Delivered {
    Ticket {
        id: i64,
    },
    Note {
        ticket: i64,
        automatic: bool,
        status: Option<String>,
    },
    Held {
        id: i64,
        reason: String,
    },
    Ignored {
        reason: String,
    },
    /// Its Message-ID was processed before; nothing was written.
    Duplicate,
}

/// The contact a message is from.
#[derive(Debug, Clone)]
pub(super) struct Sender {
    pub id: i64,
    pub company: i64,
    pub name: String,
    pub level: SecurityLevel,
}

/// The inbound row of a message.
pub(super) struct Record<'a> {
    pub outcome: &'a str,
    pub reason: &'a str,
    pub contact: Option<i64>,
    pub ticket: Option<i64>,
    pub note: Option<i64>,
}

/// Processes `msg` (read from `raw`) at `now`.
pub fn deliver(
    conn: &dyn Sql,
    raw: &[u8],
    msg: &Incoming,
    r: &MailRules<'_>,
    now: i64,
) -> Result<Delivered, WriteError> {
    let tx = begin(conn)?;
    let seen: bool = tx.query_row(
        "SELECT EXISTS (SELECT 1 FROM mail_inbound WHERE message_id = ?1)",
        [&&msg.message_id],
        |row| row.get(0),
    )?;
    if seen {
        return Ok(Delivered::Duplicate);
    }
    let done = route(&tx, raw, msg, r, now)?;
    tx.commit()?;
    Ok(done)
}

fn route(tx: &dyn Sql, raw: &[u8], msg: &Incoming, r: &MailRules<'_>, now: i64) -> Result<Delivered, WriteError> {
    if let Some(reason) = own_mail(tx, msg, r)? {
        return ignore(tx, msg, &reason, now);
    }
    if let Some(reason) = flood(tx, msg, r, now)? {
        return hold(tx, raw, msg, r, &reason, None, now);
    }
    let target = named_ticket(tx, msg, &r.out.tag)?;
    let senders = senders(tx, &msg.from)?;
    let sender = senders.first().cloned();
    if let Some(why) = &msg.automatic {
        return match target {
            Some(t) => automatic_note(tx, raw, msg, r, why, sender.map(|s| s.id), t.id, now),
            None => hold(tx, raw, msg, r, why, sender.map(|s| s.id), now),
        };
    }
    let Some(sender) = sender else {
        let reason = format!("unknown sender {}: no contact has this address", msg.from);
        if r.mail.hold_unknown_senders {
            return hold(tx, raw, msg, r, &reason, None, now);
        }
        return ignore(tx, msg, &reason, now);
    };
    if senders.iter().any(|s| s.company != sender.company) {
        let reason = format!("{} is the address of contacts at several companies", msg.from);
        return hold(tx, raw, msg, r, &reason, None, now);
    }
    if !sender.level.allows(Right::SubmitTickets) {
        let reason = format!(
            "{}'s security level ({}) does not include \"submit tickets\"",
            sender.name,
            sender.level.as_str()
        );
        return hold(tx, raw, msg, r, &reason, Some(sender.id), now);
    }
    match target {
        Some(t) if t.company != sender.company => {
            let reason = format!(
                "{} wrote about ticket #{}, which is another company's",
                sender.name, t.id
            );
            hold(tx, raw, msg, r, &reason, Some(sender.id), now)
        }
        Some(t) if t.open_to_replies(now, r.mail.reopen_days) => reply(tx, raw, msg, r, &sender, &t, now),
        _ => new_ticket(tx, raw, msg, r, &sender, target.map(|t| t.id), now),
    }
}

/// More than `max_per_sender_per_hour` from this sender: why, in words.
fn flood(tx: &dyn Sql, msg: &Incoming, r: &MailRules<'_>, now: i64) -> rusqlite::Result<Option<String>> {
    let recent: i64 = tx.query_row(
        "SELECT count(*) FROM mail_inbound WHERE sender = ?1 AND received > ?2",
        params![msg.from, now - 3600],
        |row| row.get(0),
    )?;
    let max = r.mail.max_per_sender_per_hour;
    Ok((recent >= i64::from(max)).then(|| {
        format!(
            "more than {max} messages from {} within an hour (mail.max_per_sender_per_hour)",
            msg.from
        )
    }))
}

/// Our own mail come back: from our address, or carrying one of our Message-IDs.
fn own_mail(tx: &dyn Sql, msg: &Incoming, r: &MailRules<'_>) -> rusqlite::Result<Option<String>> {
    if msg.from.eq_ignore_ascii_case(&r.mail.address) {
        return Ok(Some(format!("from our own address {}", r.mail.address)));
    }
    let ours: bool = tx.query_row(
        "SELECT EXISTS (SELECT 1 FROM mail_outbox WHERE message_id = ?1)",
        [&&msg.message_id],
        |row| row.get(0),
    )?;
    Ok(ours.then(|| "our own outgoing mail came back".to_string()))
}

/// Contacts with the sender's address (case-insensitive).
pub(super) fn senders(tx: &dyn Sql, address: &str) -> rusqlite::Result<Vec<Sender>> {
    let mut stmt = tx.prepare_cached(
        "SELECT id, company_id, name, security_level FROM contacts WHERE lower(trim(email)) = ?1 ORDER BY id",
    )?;
    let rows = stmt.query_map([address.to_lowercase()], |row| {
        let level: String = row.get(3)?;
        Ok(Sender {
            id: row.get(0)?,
            company: row.get(1)?,
            name: row.get(2)?,
            level: level.parse().unwrap_or(SecurityLevel::Submitter),
        })
    })?;
    rows.collect()
}

/// A ticket a message names.
#[derive(Debug, Clone, Copy)]
struct Named {
    id: i64,
    company: i64,
    status: Status,
    resolved: Option<i64>,
}

impl Named {
    /// A reply becomes a note unless the ticket is Closed, or Resolved more
    /// than `reopen_days` ago (then it opens a new ticket).
    fn open_to_replies(&self, now: i64, reopen_days: u32) -> bool {
        match self.status {
            Status::Closed => false,
            Status::Resolved => self
                .resolved
                .is_some_and(|t| now - t <= i64::from(reopen_days) * 86_400),
            _ => true,
        }
    }
}

/// The ticket of the subject tag, else of a message it answers (ours, or
/// one that came in on a ticket).
fn named_ticket(tx: &dyn Sql, msg: &Incoming, tag: &str) -> rusqlite::Result<Option<Named>> {
    let mut id = thread::tagged_ticket(&msg.subject, tag);
    if id.is_none() {
        for m in msg.in_reply_to.iter().chain(msg.references.iter().rev()) {
            id = tx
                .query_opt(
                    // Ours first; then the client's own mail on a ticket, so a
                    // reply-all to the first message threads there too.
                    "SELECT ticket_id FROM (
                       SELECT ticket_id, 0 AS o FROM mail_outbox WHERE message_id = ?1 AND ticket_id IS NOT NULL
                       UNION ALL SELECT ticket_id, 1 FROM mail_inbound WHERE message_id = ?1 AND ticket_id IS NOT NULL AND automatic = 0)
                     ORDER BY o LIMIT 1",
                    [m],
                    |row| row.get(0),)?;
            if id.is_some() {
                break;
            }
        }
    }
    let Some(id) = id else { return Ok(None) };
    tx.query_opt(
        "SELECT id, company_id, status, resolved FROM tickets WHERE id = ?1",
        [&id],
        |row| {
            let status: String = row.get(2)?;
            Ok(Named {
                id: row.get(0)?,
                company: row.get(1)?,
                status: status.parse().unwrap_or(Status::InProgress),
                resolved: row.get(3)?,
            })
        },
    )
}

/// Writes the inbound row; `raw` is what is kept of the message.
pub(super) fn record(
    tx: &dyn Sql,
    msg: &Incoming,
    raw: Option<&[u8]>,
    rec: &Record<'_>,
    now: i64,
) -> rusqlite::Result<i64> {
    tx.insert(
        "INSERT INTO mail_inbound (message_id, received, sender, sender_name, subject, outcome, reason, automatic, contact_id, ticket_id, note_id, size, raw)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
        params![
            msg.message_id,
            now,
            msg.from,
            crate::domain::text::sanitize_line(&msg.from_name),
            crate::domain::text::sanitize_line(&msg.subject),
            rec.outcome,
            rec.reason,
            msg.automatic.is_some(),
            rec.contact,
            rec.ticket,
            rec.note,
            i64::try_from(msg.size).unwrap_or(i64::MAX),
            raw
        ],)
}

fn ignore(tx: &dyn Sql, msg: &Incoming, reason: &str, now: i64) -> Result<Delivered, WriteError> {
    let rec = Record {
        outcome: "ignored",
        reason,
        contact: None,
        ticket: None,
        note: None,
    };
    record(tx, msg, None, &rec, now)?;
    Ok(Delivered::Ignored { reason: reason.into() })
}

fn hold(
    tx: &dyn Sql,
    raw: &[u8],
    msg: &Incoming,
    r: &MailRules<'_>,
    reason: &str,
    contact: Option<i64>,
    now: i64,
) -> Result<Delivered, WriteError> {
    let rec = Record {
        outcome: "held",
        reason,
        contact,
        ticket: None,
        note: None,
    };
    let id = record(tx, msg, Some(&kept(raw, msg, r)), &rec, now)?;
    Ok(Delivered::Held {
        id,
        reason: reason.into(),
    })
}

/// The bytes kept of a message: all of it, or its headers and text when it
/// is over `max_message_bytes`.
pub(super) fn kept(raw: &[u8], msg: &Incoming, r: &MailRules<'_>) -> Vec<u8> {
    if !oversize(msg, r) {
        return raw.to_vec();
    }
    let mut v = header_block(raw).to_vec();
    v.extend_from_slice(msg.text.as_bytes());
    v
}

fn oversize(msg: &Incoming, r: &MailRules<'_>) -> bool {
    u64::try_from(msg.size).unwrap_or(u64::MAX) > r.mail.max_message_bytes
}

/// The text a ticket or note gets: `text`, and a line for attachments not kept.
fn with_size_note(text: &str, msg: &Incoming, r: &MailRules<'_>) -> String {
    if !oversize(msg, r) || msg.attachments.is_empty() {
        return text.to_string();
    }
    let names: Vec<&str> = msg.attachments.iter().map(|a| a.name.as_str()).collect();
    format!(
        "{text}\n\n[This message was {} bytes, over the limit of {} (mail.max_message_bytes): its attachments were not kept: {}]",
        msg.size,
        r.mail.max_message_bytes,
        names.join(", ")
    )
}

#[allow(clippy::too_many_arguments)]
fn automatic_note(
    tx: &dyn Sql,
    raw: &[u8],
    msg: &Incoming,
    r: &MailRules<'_>,
    why: &str,
    contact: Option<i64>,
    ticket: i64,
    now: i64,
) -> Result<Delivered, WriteError> {
    let body = format!(
        "Not answered: {why} from {}:\n{}\n\n{}",
        msg.from,
        msg.subject,
        quote::trim_quoted(&msg.text)
    );
    let note = Note {
        body: &body,
        internal: true,
        who: MAIL,
        by_client: true,
    };
    let (note_id, _) = add_note_in(tx, ticket, &note, now, &r.rules)?;
    let rec = Record {
        outcome: "note",
        reason: why,
        contact,
        ticket: Some(ticket),
        note: Some(note_id),
    };
    record(tx, msg, Some(&kept(raw, msg, r)), &rec, now)?;
    Ok(Delivered::Note {
        ticket,
        automatic: true,
        status: None,
    })
}

fn reply(
    tx: &dyn Sql,
    raw: &[u8],
    msg: &Incoming,
    r: &MailRules<'_>,
    sender: &Sender,
    t: &Named,
    now: i64,
) -> Result<Delivered, WriteError> {
    let body = with_size_note(&quote::trim_quoted(&msg.text), msg, r);
    let body = if body.trim().is_empty() {
        "(an empty reply)".to_string()
    } else {
        body
    };
    let note = Note {
        body: &body,
        internal: false,
        who: MAIL,
        by_client: true,
    };
    let (note_id, _) = add_note_in(tx, t.id, &note, now, &r.rules)?;
    // A client's answer resumes a paused clock, and reopens a recently
    // resolved ticket: both are the status In Progress, audited.
    let status = matches!(t.status, Status::WaitingOnClient | Status::Resolved).then(|| TicketChanges {
        status: Some(Status::InProgress),
        ..TicketChanges::default()
    });
    if let Some(ch) = &status {
        update_in(tx, t.id, ch, None, MAIL, now, &r.rules)?;
    }
    let rec = Record {
        outcome: "note",
        reason: "",
        contact: Some(sender.id),
        ticket: Some(t.id),
        note: Some(note_id),
    };
    let inbound = record(tx, msg, Some(&kept(raw, msg, r)), &rec, now)?;
    super::attachments::store(tx, inbound, Some(t.id), msg, oversize(msg, r))?;
    Ok(Delivered::Note {
        ticket: t.id,
        automatic: false,
        status: status.map(|_| format!("{} → In Progress", t.status.as_str())),
    })
}

/// A new ticket for `sender`'s company (`follows`: a closed ticket the
/// message answered).
fn new_ticket(
    tx: &dyn Sql,
    raw: &[u8],
    msg: &Incoming,
    r: &MailRules<'_>,
    sender: &Sender,
    follows: Option<i64>,
    now: i64,
) -> Result<Delivered, WriteError> {
    let (id, summary) = open_ticket(tx, msg, r, sender, follows, MAIL, now)?;
    let rec = Record {
        outcome: "ticket",
        reason: "",
        contact: Some(sender.id),
        ticket: Some(id),
        note: None,
    };
    let inbound = record(tx, msg, Some(&kept(raw, msg, r)), &rec, now)?;
    super::attachments::store(tx, inbound, Some(id), msg, oversize(msg, r))?;
    if r.mail.acknowledge && !r.out.address.is_empty() {
        super::outbox::acknowledge(tx, id, &summary, &msg.from, &r.out, now)?;
    }
    Ok(Delivered::Ticket { id })
}

/// Creates the ticket of a message, written by `who` (mail, or the
/// dispatcher who accepted it); returns its id and summary. Its SLA clock
/// starts at `now`, the arrival, like every ticket's at its creation.
pub(super) fn open_ticket(
    tx: &dyn Sql,
    msg: &Incoming,
    r: &MailRules<'_>,
    sender: &Sender,
    follows: Option<i64>,
    who: i64,
    now: i64,
) -> Result<(i64, String), WriteError> {
    let mut description = with_size_note(&msg.text, msg, r);
    if let Some(old) = follows {
        description = format!("(A reply to ticket #{old}, which is closed.)\n\n{description}");
    }
    let subject = crate::domain::text::sanitize_line(&msg.subject);
    let summary = if subject.is_empty() {
        "(no subject)".to_string()
    } else {
        subject
    };
    let t = NewTicket {
        company_id: sender.company,
        contact_id: Some(sender.id),
        summary: summary.clone(),
        description,
        priority: Priority::new(r.mail.priority).ok_or_else(|| invalid("priority", "mail.priority is not 1-4"))?,
        board: intake_defaults(r.after_hours).0,
        source: crate::domain::ticket::Source::Email,
        assignee_id: None,
        scheduled: None,
    };
    let id = create_in(tx, &t, who, now, &r.rules)?;
    Ok((id, summary))
}

pub(super) fn is_oversize(msg: &Incoming, r: &MailRules<'_>) -> bool {
    oversize(msg, r)
}
