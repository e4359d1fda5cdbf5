//! Mail held for a dispatcher: listed with its reason, then accepted (a
//! ticket for the company named, optionally with a new contact) or dropped.

use rusqlite::params;

use crate::store::sql::Sql;
use serde::Serialize;

use super::super::actor::Actor;
use super::super::ticket_write::{begin, invalid, WriteError};
use super::deliver::{is_oversize, open_ticket, senders, MailRules, Sender};
use crate::domain::mail::parse::parse;
use crate::domain::permissions::SecurityLevel;

/// One held message, as `mail held` shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Held {
    pub id: i64,
    pub received: i64,
    pub sender: String,
    pub sender_name: String,
    pub subject: String,
    pub reason: String,
    pub size: i64,
}

/// Held mail, oldest first.
pub fn list(conn: &dyn Sql) -> rusqlite::Result<Vec<Held>> {
    let mut stmt = conn.prepare(
        "SELECT id, received, sender, sender_name, subject, reason, size FROM mail_inbound WHERE outcome = 'held' ORDER BY id",
    )?;
    let rows = stmt.query_map((), |r| {
        Ok(Held {
            id: r.get(0)?,
            received: r.get(1)?,
            sender: r.get(2)?,
            sender_name: r.get(3)?,
            subject: r.get(4)?,
            reason: r.get(5)?,
            size: r.get(6)?,
        })
    })?;
    rows.collect()
}

/// How many messages wait for a dispatcher.
pub fn count(conn: &dyn Sql) -> rusqlite::Result<i64> {
    conn.query_row("SELECT count(*) FROM mail_inbound WHERE outcome = 'held'", (), |r| {
        r.get(0)
    })
}

/// The raw bytes of held message `id`, refused when it is not held.
fn held_raw(tx: &dyn Sql, id: i64) -> Result<Vec<u8>, WriteError> {
    let row: Option<(String, Option<Vec<u8>>)> =
        tx.query_opt("SELECT outcome, raw FROM mail_inbound WHERE id = ?1", [&id], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })?;
    match row {
        None => Err(invalid(
            "mail",
            format!("no mail {id} (`pimdesk mail held` lists them)"),
        )),
        Some((outcome, _)) if outcome != "held" => {
            Err(invalid("mail", format!("mail {id} is not held (it was {outcome})")))
        }
        Some((_, raw)) => Ok(raw.unwrap_or_default()),
    }
}

/// Accepts held message `id` as a ticket of `company`: from the contact of
/// that company with the sender's address, or (with `contact_new`) a new
/// contact made from the sender. Returns the ticket.
pub fn accept<'a>(
    conn: &dyn Sql,
    id: i64,
    company: i64,
    contact_new: bool,
    r: &MailRules<'_>,
    who: impl Into<Actor<'a>>,
    now: i64,
) -> Result<i64, WriteError> {
    let tx = begin(conn)?;
    let who = who.into().id(&tx)?;
    let raw = held_raw(&tx, id)?;
    let msg = parse(&raw).map_err(|e| invalid("mail", e.to_string()))?;
    let sender = match senders(&tx, &msg.from)?.into_iter().find(|s| s.company == company) {
        Some(s) => s,
        None if contact_new => {
            may_add_contacts(&tx, who)?;
            new_contact(&tx, company, &msg.from, &msg.from_name, who, now)?
        }
        None => {
            return Err(invalid(
                "contact",
                format!(
                    "no contact of that company has the address {}: add --contact-new to make one",
                    msg.from
                ),
            ))
        }
    };
    let (ticket, _) = open_ticket(&tx, &msg, r, &sender, None, who, now)?;
    tx.execute(
        "UPDATE mail_inbound SET outcome = 'accepted', ticket_id = ?2, contact_id = ?3 WHERE id = ?1",
        params![id, ticket, sender.id],
    )?;
    super::attachments::store(&tx, id, Some(ticket), &msg, is_oversize(&msg, r))?;
    tx.commit()?;
    Ok(ticket)
}

/// Contacts are the dispatcher's (the concierge desk) or an admin's, as in
/// the Directory; a technician may still accept mail from a known contact.
fn may_add_contacts(tx: &dyn Sql, who: i64) -> Result<(), WriteError> {
    let (login, role): (String, crate::domain::permissions::Role) =
        tx.query_row("SELECT login, role FROM technicians WHERE id = ?1", [&who], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })?;
    let what = "making the sender a contact (--contact-new)";
    match crate::domain::permissions::refusal(Some(role), &login, crate::domain::permissions::Duty::Directory, what) {
        Some(why) => Err(invalid("role", why)),
        None => Ok(()),
    }
}

/// A contact of `company` for a sender (level submitter), audited.
fn new_contact(tx: &dyn Sql, company: i64, email: &str, name: &str, who: i64, now: i64) -> Result<Sender, WriteError> {
    let name = crate::domain::text::sanitize_line(name);
    let name = if name.is_empty() { email.to_string() } else { name };
    let level = SecurityLevel::Submitter;
    // The key an export gives it: unique, since a company has one contact per address.
    let id = tx.insert(
        "INSERT INTO contacts (key, company_id, name, email, security_level) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![format!("mail:{company}:{email}"), company, name, email, level.as_str()],
    )?;
    let entry = super::super::audit::Entry {
        entity: "contact",
        id,
        field: "created",
        old: None,
        new: Some(&format!("{name} <{email}>, from held mail")),
    };
    super::super::audit::record(tx, who, now, entry)?;
    Ok(Sender {
        id,
        company,
        name,
        level,
    })
}

/// Drops held message `id`: it stays recorded (its Message-ID is never
/// processed again) without its text.
pub fn drop<'a>(conn: &dyn Sql, id: i64, who: impl Into<Actor<'a>>, now: i64) -> Result<(), WriteError> {
    let tx = begin(conn)?;
    let who = who.into().id(&tx)?;
    held_raw(&tx, id)?;
    tx.execute(
        "UPDATE mail_inbound SET outcome = 'dropped', raw = NULL WHERE id = ?1",
        [&id],
    )?;
    let entry = super::super::audit::Entry {
        entity: "mail",
        id,
        field: "dropped",
        old: Some("held"),
        new: None,
    };
    super::super::audit::record(&tx, who, now, entry)?;
    tx.commit()?;
    Ok(())
}
