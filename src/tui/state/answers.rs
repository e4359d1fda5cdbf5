//! What comes back to the state without a key: the worker's answers about
//! overlays (choices, drafts, saves), the once-a-second tick, and the
//! drafts written from the open form.

use chrono::{DateTime, Utc};

use super::{forms, reload_visible, AppState, Message, Tab, TicketView};
use crate::tui::action::{Action, Effect};

pub(super) fn tick(s: &mut AppState, now: DateTime<Utc>) -> Vec<Effect> {
    let minute_changed = s.now.timestamp() / 60 != now.timestamp() / 60;
    s.now = now;
    let faded = s.message.as_ref().is_some_and(|m| m.faded(now.timestamp()));
    if faded {
        s.message = None;
    }
    if minute_changed {
        s.directory.refresh_oncall(&s.rules.calendar, now);
    }
    let mut effects = Vec::new();
    if now.timestamp() - s.last_draft >= s.draft_interval && s.overlay.as_ref().is_some_and(|o| o.draft_stale()) {
        effects = save_draft(s);
    }
    // The countdown repaints each second only while it is on screen.
    let countdown = s.tab == Tab::Sla && s.ticket.is_none();
    // When the calendar opens or closes, "running now" means other clocks.
    if countdown && minute_changed && s.sla.after_hours {
        let open = s.rules.calendar.is_open(now);
        if super::sla::board_query(true, &s.rules.policy, open) != s.sla.board.query {
            effects.extend(s.sla_loads());
        }
    }
    s.dirty = minute_changed || countdown || faded || s.timer.is_some() || !effects.is_empty();
    effects
}

/// The worker's answers to the loads of the tabs; any other action comes
/// back to be routed on.
pub(super) fn answer(s: &mut AppState, action: Action) -> Result<Vec<Effect>, Action> {
    Ok(match action {
        Action::Refresh | Action::StoreChanged => {
            s.queue.preview_for = None;
            reload_visible(s)
        }
        Action::PreviewLoaded(p) => {
            s.queue.preview = p.map(|p| *p);
            vec![]
        }
        Action::QueueLoaded {
            request,
            anchor,
            rows,
            store_empty,
        } => {
            // Each list takes only the answer to its own question.
            if s.sla.board.pending == Some(request) {
                s.sla.board.loaded(request, anchor, rows);
            } else {
                s.queue.store_empty = store_empty;
                s.queue.loaded(request, anchor, rows);
            }
            vec![]
        }
        Action::TicketLoaded(detail) => super::ticket_layout::loaded(s, detail),
        Action::ClocksCounted(n) => {
            s.sla.total = Some(n);
            vec![]
        }
        Action::ComplianceLoaded(c) => {
            s.sla.compliance = c;
            s.sla.board.page_height = s.sla_rows_on_screen();
            s.sla.board.scroll_to_cursor();
            vec![]
        }
        Action::ToggleAfterHours if s.tab == Tab::Sla => {
            s.sla.after_hours = !s.sla.after_hours;
            s.sla_loads()
        }
        Action::UserKnown { id, role } => {
            s.me.user_id = Some(id);
            s.me.role = Some(role);
            s.queue.query.me = Some(id);
            vec![Effect::LoadTimer, Effect::LoadSavedViews]
        }
        Action::StoreFailed(m) => {
            s.message = Some(Message::error(m));
            vec![]
        }
        other => return Err(other),
    })
}

/// Writes the open overlay's unsaved text as a draft (every few seconds, and at hang-up).
pub(super) fn save_draft(s: &mut AppState) -> Vec<Effect> {
    let at = s.now.timestamp();
    s.last_draft = at;
    let Some(o) = s.overlay.as_mut() else { return vec![] };
    let Some((ticket_id, base_version, body)) = o.draft() else {
        return vec![];
    };
    o.draft_saved();
    match serde_json::to_string(&body) {
        Ok(body) => vec![Effect::SaveDraft {
            ticket_id,
            base_version,
            body,
            at,
        }],
        Err(_) => vec![],
    }
}

/// Results of writes and loads that concern overlays, taken by value.
pub(super) fn data(s: &mut AppState, action: Action) -> Vec<Effect> {
    match action {
        Action::MailHeldLoaded(n) => s.mail_held = n,
        Action::HeldLoaded(rows) => {
            if let Some(forms::Overlay::Mail(m)) = s.overlay.as_mut() {
                m.loaded(rows);
            }
        }
        Action::MailReviewed(words) => {
            s.message = Some(Message::info(words));
            return vec![Effect::LoadHeld, Effect::LoadMailHeld];
        }
        Action::ChoicesLoaded(c) => {
            s.choices = *c;
            if let Some(forms::Overlay::Assign(p)) = s.overlay.as_mut() {
                p.on_current(&s.choices);
            }
        }
        Action::DraftFound(Some(offer)) if s.overlay.is_none() => s.overlay = Some(forms::Overlay::Draft(*offer)),
        Action::DraftFound(_) => {}
        Action::Saved { message, ticket } => return saved(s, message, ticket),
        _ => {}
    }
    vec![]
}

/// A write landed: say so and reload what is on screen. A ticket saved
/// from the editor opens; quick actions leave you where you were.
fn saved(s: &mut AppState, message: String, ticket: Option<i64>) -> Vec<Effect> {
    s.message = Some(Message::info(message));
    let from_editor = matches!(s.overlay, Some(forms::Overlay::Editor(_)));
    s.overlay = None;
    let mut e = reload_visible(s);
    if let (Some(id), Some(t)) = (ticket, &s.ticket) {
        if t.id != id {
            e.push(Effect::LoadTicket(t.id));
        }
    } else if let (Some(id), None, true) = (ticket, &s.ticket, from_editor) {
        s.ticket = Some(TicketView {
            id,
            ..TicketView::default()
        });
        e.push(Effect::LoadTicket(id));
    }
    e
}

/// The connection dropped or a signal came: keep what was typed, then quit.
pub(super) fn hang_up(s: &mut AppState) -> Vec<Effect> {
    s.quit = true;
    let effects = save_draft(s);
    tracing::info!(drafts = effects.len(), "hang-up");
    effects
}

pub(crate) fn is_data(a: &Action) -> bool {
    matches!(
        a,
        Action::QueueLoaded { .. }
            | Action::TicketLoaded(_)
            | Action::PreviewLoaded(_)
            | Action::ClocksCounted(_)
            | Action::InvoiceData(_)
            | Action::DirectoryLoaded(_)
            | Action::UserKnown { .. }
            | Action::StoreChanged
            | Action::StoreFailed(_)
            | Action::TimerLoaded(_)
            | Action::MailHeldLoaded(_)
            | Action::HeldLoaded(_)
            | Action::MailReviewed(_)
    )
}
