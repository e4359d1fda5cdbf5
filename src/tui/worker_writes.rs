//! The worker's writes: each effect is one store call (one transaction),
//! answered with `Saved` or `SaveRefused`.

use rusqlite::Connection;

use super::action::{Action, Effect};
use super::state::editor::TicketForm;
use super::state::forms::{DraftBody, DraftOffer};
use crate::domain::time::short_duration;
use crate::store::drafts::{self, Draft};
use crate::store::ticket_write::{self, NewTicket, Rules, TicketChanges, WriteError};
use crate::store::timers;

pub use super::writer::WriterCtx;

fn refused(e: WriteError) -> Action {
    match e {
        WriteError::Conflict { theirs, .. } => Action::SaveRefused {
            message: e.to_string(),
            conflict: Some(theirs),
        },
        other => Action::SaveRefused {
            message: other.to_string(),
            conflict: None,
        },
    }
}

/// Runs a write effect; None if the effect is not a write.
pub fn handle(conn: &mut Connection, w: &WriterCtx, effect: Effect) -> rusqlite::Result<Option<Action>> {
    if let Some(a) = super::worker_mail::handle(conn, w, &effect)? {
        return Ok(Some(a));
    }
    let who = w.user_id;
    match effect {
        e @ (Effect::SaveTicket { .. }
        | Effect::UpdateMany { .. }
        | Effect::Update { .. }
        | Effect::AddNote { .. }
        | Effect::EditNote { .. }
        | Effect::AddTime { .. }
        | Effect::Acknowledge { .. }) => ticket_write_effect(conn, w, e),
        e
        @ (Effect::LoadTimer | Effect::StartTimer { .. } | Effect::StopTimer { .. } | Effect::DiscardTimer { .. }) => {
            timer_effect(conn, who, e)
        }
        e @ (Effect::SaveDraft { .. } | Effect::DeleteDraft(_) | Effect::LoadDraft) => draft_effect(conn, who, e),
        Effect::LoadSavedViews => Ok(Some(Action::SavedViewsLoaded {
            views: crate::store::saved_views::list(conn, who)?,
            saved: None,
        })),
        Effect::SaveView { name, query } => Ok(Some(Action::SavedViewsLoaded {
            views: crate::store::saved_views::save(conn, who, &name, &query)?,
            saved: Some(name),
        })),
        Effect::LoadChoices => Ok(Some(Action::ChoicesLoaded(Box::new(crate::store::lookup::choices(
            conn,
        )?)))),
        Effect::Invoice(e) => Ok(Some(super::worker_invoices::handle(conn, who, *e))),
        Effect::Directory(e) => Ok(Some(super::worker_directory::handle(conn, who, *e))),
        _ => Ok(None),
    }
}

/// "#12: note added", naming the ticket the message is about.
fn done(message: String, ticket: i64) -> Action {
    Action::Saved {
        message,
        ticket: Some(ticket),
    }
}

/// Writes to tickets: the editor's save, quick changes, notes, time.
fn ticket_write_effect(conn: &mut Connection, w: &WriterCtx, effect: Effect) -> rusqlite::Result<Option<Action>> {
    let (rules, who) = (w.rules(), w.user_id);
    Ok(Some(match effect {
        Effect::SaveTicket { form, scheduled, at } => match save_ticket(conn, &form, scheduled, who, at, &rules) {
            Ok(id) => {
                drafts::delete(conn, who, form.id)?;
                done(format!("ticket #{id} saved"), id)
            }
            Err(e) => refused(e),
        },
        Effect::UpdateMany {
            ids,
            changes,
            label,
            at,
        } => match crate::store::ticket_bulk::update_many(conn, &ids, &changes, who, at, &rules) {
            Ok(n) => Action::Saved {
                message: format!("{} marked tickets: {label} ({n} changed)", ids.len()),
                ticket: None,
            },
            Err(e) => refused(e),
        },
        Effect::Update { id, changes, label, at } => {
            match ticket_write::update(conn, id, &changes, None, who, at, &rules) {
                Ok(_) => done(format!("#{id}: {label}"), id),
                Err(e) => refused(e),
            }
        }
        Effect::AddNote { id, text, internal, at } => {
            match ticket_write::add_note(conn, id, &text, internal, who, at, &rules, w.mail.as_ref()) {
                Ok(()) => {
                    drafts::delete(conn, who, Some(id))?;
                    done(format!("#{id}: note added"), id)
                }
                Err(e) => refused(e),
            }
        }
        Effect::EditNote { id, note, text, at } => match crate::store::note_edit::edit_note(conn, note, &text, who, at)
        {
            Ok(_) => {
                drafts::delete(conn, who, Some(id))?;
                done(format!("#{id}: note {note} corrected"), id)
            }
            Err(e) => refused(e),
        },
        Effect::AddTime { id, time, at } => match ticket_write::add_time(conn, id, &time, who, at) {
            Ok(()) => done(format!("#{id}: {} logged", short_duration(time.minutes)), id),
            Err(e) => refused(e),
        },
        Effect::Acknowledge { id, at } => match ticket_write::acknowledge(conn, id, who, at, &rules) {
            Ok(true) => done(format!("#{id}: acknowledged (first response recorded)"), id),
            Ok(false) => done(format!("#{id} already had its first response"), id),
            Err(e) => refused(e),
        },
        _ => return Ok(None),
    }))
}

/// The user's one running timer: read, start, stop (logs the time), discard.
fn timer_effect(conn: &mut Connection, who: i64, effect: Effect) -> rusqlite::Result<Option<Action>> {
    Ok(Some(match effect {
        Effect::LoadTimer => Action::TimerLoaded(timers::mine(conn, who)?),
        Effect::StartTimer { id, at } => match timers::start(conn, id, who, at) {
            Ok(_) => done(format!("timer started on #{id}; stopping it logs the time"), id),
            Err(e) => refused(e),
        },
        Effect::StopTimer { id, stop, at } => match timers::stop(conn, id, &stop, who, at) {
            Ok(m) => done(format!("#{id}: timer stopped, {} logged", short_duration(m)), id),
            Err(e) => refused(e),
        },
        Effect::DiscardTimer { id, at } => match timers::discard(conn, id, who, at) {
            Ok(m) => done(format!("#{id}: timer discarded ({} not logged)", short_duration(m)), id),
            Err(e) => refused(e),
        },
        _ => return Ok(None),
    }))
}

/// Typed text kept in the store: written every few seconds, dropped once
/// saved, offered again at the next start.
fn draft_effect(conn: &mut Connection, who: i64, effect: Effect) -> rusqlite::Result<Option<Action>> {
    Ok(Some(match effect {
        Effect::SaveDraft {
            ticket_id,
            base_version,
            body,
            at,
        } => {
            let draft = Draft {
                ticket_id,
                base_version,
                body,
                updated: at,
            };
            drafts::save(conn, who, &draft)?;
            Action::Tick
        }
        Effect::DeleteDraft(ticket) => {
            drafts::delete(conn, who, ticket)?;
            Action::Tick
        }
        Effect::LoadDraft => Action::DraftFound(load_draft(conn, who)?),
        _ => return Ok(None),
    }))
}

fn save_ticket(
    conn: &mut Connection,
    f: &TicketForm,
    scheduled: Option<i64>,
    who: i64,
    at: i64,
    rules: &Rules<'_>,
) -> Result<i64, WriteError> {
    let company_id = f.company_id.ok_or(WriteError::Invalid {
        field: "company",
        message: "choose a company".into(),
    })?;
    let changes = TicketChanges {
        summary: Some(f.summary.clone()),
        description: Some(f.description.clone()),
        priority: Some(f.priority),
        status: Some(f.status),
        company_id: Some(company_id),
        contact_id: Some(f.contact_id),
        assignee_id: Some(f.assignee_id),
        board: Some(f.board),
        source: Some(f.source),
        scheduled: Some(scheduled),
    };
    match f.id {
        Some(id) => {
            let seen = f.base_version.map(|version| ticket_write::Seen {
                version,
                audit_mark: f.seen_audit,
            });
            ticket_write::update(conn, id, &changes, seen, who, at, rules).map(|_| id)
        }
        None => {
            let t = NewTicket {
                company_id,
                contact_id: f.contact_id,
                summary: f.summary.clone(),
                description: f.description.clone(),
                priority: f.priority,
                board: f.board,
                source: f.source,
                assignee_id: f.assignee_id,
                scheduled,
            };
            ticket_write::create_in_status(conn, &t, f.status, who, at, rules)
        }
    }
}

fn load_draft(conn: &Connection, who: i64) -> rusqlite::Result<Option<Box<DraftOffer>>> {
    let Some(d) = drafts::latest(conn, who)? else {
        return Ok(None);
    };
    match serde_json::from_str::<DraftBody>(&d.body) {
        Ok(body) => Ok(Some(Box::new(DraftOffer {
            ticket_id: d.ticket_id,
            base_version: d.base_version,
            body,
            updated: d.updated,
        }))),
        Err(e) => {
            tracing::warn!("unreadable draft kept aside: {e}");
            Ok(None)
        }
    }
}
