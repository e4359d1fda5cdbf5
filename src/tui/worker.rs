//! The store worker: the one owner of the console's connection. It runs
//! effects off the UI thread and reports back as actions, and it watches
//! `PRAGMA data_version` so other consoles' commits refresh the screen.

use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender};
use std::time::Duration;

use rusqlite::Connection;

use super::action::{Action, Effect};
pub use super::worker_cancel::SearchCancel;
pub use super::worker_writes::WriterCtx;
use crate::store::{ticket_detail, tickets};

const WATCH: Duration = Duration::from_millis(500);

/// Runs until the effect channel closes (after the effects already sent, so a
/// draft saved at hang-up is written before the process ends).
pub fn run(
    mut conn: Connection,
    writer: WriterCtx,
    cancel: SearchCancel,
    effects: Receiver<Effect>,
    actions: Sender<Action>,
) {
    let mut version = crate::store::data_version(&conn).unwrap_or(0);
    let mut jobs = Jobs::new(&conn, &writer, &actions);
    loop {
        let batch = match effects.recv_timeout(WATCH) {
            Ok(first) => coalesce(first, &effects),
            Err(RecvTimeoutError::Timeout) => Vec::new(),
            Err(RecvTimeoutError::Disconnected) => return,
        };
        for effect in batch {
            let Some(effect) = jobs.take(effect) else { continue };
            let search = super::worker_cancel::is_search(&effect);
            let reply = cancel.run(search, || {
                match super::worker_writes::handle(&mut conn, &writer, effect.clone()) {
                    Ok(Some(a)) => Ok(a),
                    Ok(None) => handle(&conn, effect),
                    Err(e) => Err(e),
                }
            });
            let reply = match reply {
                // Stopped for a newer search, which comes next: no answer.
                Err(e) if search && super::worker_cancel::was_stopped(&e) => continue,
                r => r.unwrap_or_else(|e| Action::StoreFailed(format!("store: {e}"))),
            };
            if actions.send(reply).is_err() {
                return;
            }
        }
        // A connection's own commits never move data_version, so any change
        // since the last look is another console's commit — also one that
        // landed while an effect ran, and while effects keep arriving.
        let seen = crate::store::data_version(&conn).unwrap_or(version);
        if seen != version {
            version = seen;
            if actions.send(Action::StoreChanged).is_err() {
                return;
            }
        }
    }
}

/// How many kinds [`load_kind`] tells apart.
const LOAD_KINDS: usize = 10;

/// Which loads a newer one of the same kind replaces (gitui's
/// `AsyncSingleJob`): only the answer to the latest question is wanted.
fn load_kind(e: &Effect) -> Option<u8> {
    match e {
        // The SLA board pages like the queue: its loads replace only its own.
        Effect::LoadQueue { query, .. } if matches!(query.view, crate::store::queue::View::Clocks { .. }) => Some(2),
        Effect::LoadQueue { .. } => Some(0),
        Effect::LoadTicket(_) => Some(1),
        Effect::CountClocks(_) => Some(8),
        Effect::LoadCompliance { .. } => Some(3),
        Effect::LoadDirectory => Some(4),
        Effect::LoadChoices => Some(5),
        Effect::LoadTimer => Some(6),
        Effect::LoadPreview(_) => Some(7),
        Effect::LoadMailHeld => Some(9),
        _ => None,
    }
}

/// The effect just received and every one already waiting, in order, less
/// the loads a later load of the same kind in the batch replaces. Writes are
/// never dropped or reordered.
pub fn coalesce(first: Effect, waiting: &Receiver<Effect>) -> Vec<Effect> {
    let mut batch = vec![first];
    batch.extend(waiting.try_iter());
    let mut seen = [false; LOAD_KINDS];
    let mut keep = vec![true; batch.len()];
    for (i, e) in batch.iter().enumerate().rev() {
        if let Some(k) = load_kind(e) {
            keep[i] = !std::mem::replace(&mut seen[usize::from(k)], true);
        }
    }
    batch
        .into_iter()
        .zip(keep)
        .filter_map(|(e, k)| k.then_some(e))
        .collect()
}

/// Invoice runs (a preview or a commit can take seconds on a large store) go
/// to a thread of their own with its own connection, so queue loads and the
/// data_version watch never wait behind them. Runs keep their order.
struct Jobs {
    path: Option<std::path::PathBuf>,
    user_id: i64,
    actions: Sender<Action>,
    queue: Option<Sender<Effect>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Drop for Jobs {
    /// A run already handed over finishes (or fails whole) before the worker ends.
    fn drop(&mut self) {
        self.queue = None;
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

impl Jobs {
    fn new(conn: &Connection, writer: &WriterCtx, actions: &Sender<Action>) -> Jobs {
        Jobs {
            path: conn.path().filter(|p| !p.is_empty()).map(std::path::PathBuf::from),
            user_id: writer.user_id,
            actions: actions.clone(),
            queue: None,
            thread: None,
        }
    }

    /// Hands a long job to the job thread; gives back any other effect.
    fn take(&mut self, effect: Effect) -> Option<Effect> {
        use super::state::invoices::InvoiceEffect;
        let long = matches!(&effect, Effect::Invoice(e) if matches!(**e, InvoiceEffect::Preview { .. } | InvoiceEffect::Commit { .. }));
        if !long {
            return Some(effect);
        }
        if self.queue.is_none() {
            self.start();
        }
        let Some(queue) = &self.queue else {
            return Some(effect); // no second connection: run it here
        };
        match queue.send(effect) {
            Ok(()) => None,
            Err(back) => Some(back.0),
        }
    }

    fn start(&mut self) -> Option<()> {
        let path = self.path.clone()?;
        let conn = crate::store::open(&path, &Default::default()).ok()?;
        let (tx, rx) = std::sync::mpsc::channel::<Effect>();
        let (who, actions) = (self.user_id, self.actions.clone());
        let thread = std::thread::Builder::new()
            .name("store-jobs".into())
            .spawn(move || {
                let mut conn = conn;
                for effect in rx {
                    if let Effect::Invoice(e) = effect {
                        let reply = super::worker_invoices::handle(&mut conn, who, *e);
                        if actions.send(reply).is_err() {
                            return;
                        }
                    }
                }
            })
            .ok()?;
        self.queue = Some(tx);
        self.thread = Some(thread);
        Some(())
    }
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
            let store_empty = rows.is_empty() && tickets::none_at_all(conn)?;
            Action::QueueLoaded {
                request,
                anchor,
                rows,
                store_empty,
            }
        }
        Effect::LoadTicket(id) => Action::TicketLoaded(ticket_detail::load(conn, id)?.map(Box::new)),
        Effect::LoadPreview(id) => Action::PreviewLoaded(crate::store::ticket_preview::load(conn, id)?.map(Box::new)),
        Effect::CountClocks(q) => Action::ClocksCounted(crate::store::queue::count(conn, &q)?),
        Effect::LoadMailHeld => Action::MailHeldLoaded(crate::store::mail::held::count(conn)?),
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
            let (id, role) = crate::store::actor::ensure(conn, &login)?;
            Action::UserKnown { id, role }
        }
        // Writes are answered by worker_writes before this point.
        _ => Action::Tick,
    })
}

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_newer_load_replaces_a_waiting_one_and_writes_keep_their_order() {
        let (tx, rx) = std::sync::mpsc::channel();
        let sla = || Effect::LoadDirectory;
        let note = |id: i64| Effect::AddNote {
            id,
            text: "x".into(),
            internal: true,
            at: 0,
        };
        for e in [
            Effect::LoadTicket(1),
            note(1),
            sla(),
            Effect::LoadTicket(2),
            note(2),
            sla(),
        ] {
            tx.send(e).unwrap();
        }
        let batch = coalesce(Effect::LoadDirectory, &rx);
        let names: Vec<String> = batch.iter().map(|e| format!("{e:?}")).collect();
        assert_eq!(names.len(), 4, "{names:?}");
        assert!(names[0].starts_with("AddNote { id: 1"), "{names:?}");
        assert_eq!(names[1], "LoadTicket(2)");
        assert!(names[2].starts_with("AddNote { id: 2"), "{names:?}");
        assert_eq!(names[3], "LoadDirectory");
    }
}
