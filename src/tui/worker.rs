//! The store worker: the one owner of the console's connection. It runs
//! effects off the UI thread and reports back as actions, and it watches
//! `PRAGMA data_version` so other consoles' commits refresh the screen.

use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender};
use std::time::Duration;

use rusqlite::{params, Connection, OptionalExtension};

use super::action::{Action, Effect};
pub use super::worker_writes::WriterCtx;
use crate::store::{ticket_detail, tickets};

const WATCH: Duration = Duration::from_millis(500);

/// Runs until the effect channel closes (after the effects already sent, so a
/// draft saved at hang-up is written before the process ends).
pub fn run(mut conn: Connection, writer: WriterCtx, effects: Receiver<Effect>, actions: Sender<Action>) {
    let mut version = data_version(&conn).unwrap_or(0);
    loop {
        match effects.recv_timeout(WATCH) {
            Ok(effect) => {
                let reply = match super::worker_writes::handle(&mut conn, &writer, effect.clone()) {
                    Ok(Some(a)) => Ok(a),
                    Ok(None) => handle(&conn, effect),
                    Err(e) => Err(e),
                };
                let reply = reply.unwrap_or_else(|e| Action::StoreFailed(format!("store: {e}")));
                if actions.send(reply).is_err() {
                    return;
                }
            }
            Err(RecvTimeoutError::Timeout) => {}
            Err(RecvTimeoutError::Disconnected) => return,
        }
        // A connection's own commits never move data_version, so any change
        // since the last look is another console's commit — also one that
        // landed while an effect ran, and while effects keep arriving.
        let seen = data_version(&conn).unwrap_or(version);
        if seen != version {
            version = seen;
            if actions.send(Action::StoreChanged).is_err() {
                return;
            }
        }
    }
}

fn data_version(conn: &Connection) -> rusqlite::Result<i64> {
    conn.query_row("PRAGMA data_version", [], |r| r.get(0))
}

pub fn handle(conn: &Connection, effect: Effect) -> rusqlite::Result<Action> {
    Ok(match effect {
        Effect::LoadQueue {
            request,
            query,
            anchor,
            limit,
        } => {
            let rows = tickets::page(conn, &query, &anchor, limit)?;
            Action::QueueLoaded { request, anchor, rows }
        }
        Effect::LoadTicket(id) => Action::TicketLoaded(ticket_detail::load(conn, id)?.map(Box::new)),
        Effect::LoadSla => Action::SlaLoaded(crate::store::sla::running(conn, SLA_LIMIT)?),
        Effect::LoadCompliance { since, now } => {
            Action::ComplianceLoaded(crate::store::sla::compliance(conn, since, i64::MAX, now)?)
        }
        Effect::LoadDirectory => Action::DirectoryLoaded(Box::new(crate::store::directory::load(conn)?)),
        Effect::SetContactLevel {
            contact_id,
            level,
            who,
            at,
        } => set_contact_level(conn, contact_id, &level, who, at)?,
        Effect::EnsureUser(login) => {
            let (id, role) = ensure_user(conn, &login)?;
            Action::UserKnown { id, role }
        }
        // Writes are answered by worker_writes before this point.
        _ => Action::Tick,
    })
}

/// An unknown account gets a technician record on first use.
pub fn ensure_user(conn: &Connection, login: &str) -> rusqlite::Result<(i64, String)> {
    let find = |c: &Connection| {
        c.query_row("SELECT id, role FROM technicians WHERE login = ?1", [login], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .optional()
    };
    if let Some(found) = find(conn)? {
        return Ok(found);
    }
    let tx = rusqlite::Transaction::new_unchecked(conn, rusqlite::TransactionBehavior::Immediate)?;
    tx.execute(
        "INSERT OR IGNORE INTO technicians (key, login, name, role) VALUES (?1, ?1, ?1, 'technician')",
        params![login],
    )?;
    let found = find(&tx)?;
    tx.commit()?;
    Ok(found.unwrap_or((0, "technician".into())))
}

const SLA_LIMIT: usize = 2000;

/// A contact's security level, as `who`: refusals come back as a message.
fn set_contact_level(conn: &Connection, contact_id: i64, level: &str, who: i64, at: i64) -> rusqlite::Result<Action> {
    use crate::store::directory::{update_contact, ContactChanges, DirectoryError};
    let Ok(level) = level.parse() else {
        return Ok(Action::StoreFailed(format!("unknown security level {level:?}")));
    };
    let changes = ContactChanges {
        level: Some(level),
        ..Default::default()
    };
    Ok(match update_contact(conn, who, contact_id, &changes, at) {
        Ok(done) => Action::ContactSaved(match done.first() {
            Some((_, old, new)) => format!("security level {old} -> {new} (saved, audited)"),
            None => "security level unchanged".into(),
        }),
        Err(DirectoryError::Refused(m)) => Action::StoreFailed(m),
        Err(e) => Action::StoreFailed(format!("store: {e}")),
    })
}
