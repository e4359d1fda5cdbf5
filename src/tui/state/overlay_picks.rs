//! The small overlays that ask or pick: a yes/no question, the recent
//! tickets, the technician picker, and the turn of a one-ticket change into
//! a change of every marked ticket.

use super::forms::{Confirm, Overlay};
use super::AppState;
use crate::store::ticket_write::TicketChanges;
use crate::tui::action::{Action, Effect};

/// With tickets marked on the queue, a change for one ticket goes to all the
/// marked ones instead, after one question naming how many.
pub fn for_marked(s: &mut AppState, effects: Vec<Effect>) -> Vec<Effect> {
    if s.queue.marked.is_empty() || s.ticket.is_some() || s.tab != crate::tui::tab::Tab::Queue {
        return effects;
    }
    let mut out = Vec::new();
    for e in effects {
        match e {
            Effect::Update { changes, label, at, .. } => {
                let ids: Vec<i64> = s.queue.marked.iter().copied().collect();
                let n = ids.len();
                let list: Vec<String> = ids.iter().take(6).map(|i| format!("#{i}")).collect();
                let more = if n > 6 { " …" } else { "" };
                s.overlay = Some(Overlay::Confirm(Confirm {
                    title: format!("{n} marked tickets"),
                    question: format!(
                        "{label} on all {n} marked tickets ({}{more})? One change for all of them, or for none.",
                        list.join(" ")
                    ),
                    yes: format!("change all {n}"),
                    effects: vec![Effect::UpdateMany {
                        ids,
                        changes,
                        label,
                        at,
                    }],
                }));
            }
            other => out.push(other),
        }
    }
    out
}

/// The technician picker: type to filter, Up/Down move, Enter assigns.
pub(super) fn assign(s: &mut AppState, a: &Action) -> Option<Vec<Effect>> {
    let Some(Overlay::Assign(p)) = s.overlay.as_mut() else {
        return Some(vec![]);
    };
    let n = p.options(&s.choices).len();
    match a {
        Action::Move(1) => p.highlight = (p.highlight + 1).min(n.saturating_sub(1)),
        Action::Move(-1) => p.highlight = p.highlight.saturating_sub(1),
        Action::Submit => {
            let Some(tech) = p.options(&s.choices).get(p.highlight).map(|t| (t.id, t.login.clone())) else {
                return Some(vec![]);
            };
            let id = p.ticket_id;
            s.overlay = None;
            let changes = TicketChanges {
                assignee_id: Some(Some(tech.0)),
                ..TicketChanges::default()
            };
            return Some(vec![Effect::Update {
                id,
                changes: Box::new(changes),
                label: format!("assigned to {}", tech.1),
                at: s.now.timestamp(),
            }]);
        }
        Action::Key(k) if p.filter.key(*k) => {
            p.highlight = 0;
            p.on_current(&s.choices);
        }
        Action::Key(_) => {}
        Action::Paste(t) => {
            p.filter.insert(t);
            p.highlight = 0;
        }
        Action::NextField => p.highlight = (p.highlight + 1).min(n.saturating_sub(1)),
        Action::PrevField => p.highlight = p.highlight.saturating_sub(1),
        Action::Cancel => s.overlay = None,
        // Data (the technicians arriving), ticks and resizes go on.
        _ => return None,
    }
    Some(vec![])
}

/// The recent-tickets list: Up/Down (or j/k) move, Enter opens, Esc closes.
pub(super) fn recent(s: &mut AppState, a: &Action) -> Option<Vec<Effect>> {
    if super::is_data(a) || matches!(a, Action::Tick | Action::Resize(..) | Action::Hangup) {
        return None;
    }
    let n = s.recent.len();
    let Some(Overlay::Recent(p)) = s.overlay.as_mut() else {
        return Some(vec![]);
    };
    match a {
        Action::Move(1) | Action::NextField => p.highlight = (p.highlight + 1).min(n.saturating_sub(1)),
        Action::Move(-1) | Action::PrevField => p.highlight = p.highlight.saturating_sub(1),
        Action::Open => {
            let id = s.recent.get(p.highlight).map(|r| r.id);
            s.overlay = None;
            return Some(super::navigate::open_ticket(s, id));
        }
        Action::Cancel | Action::Quit => s.overlay = None,
        _ => {}
    }
    Some(vec![])
}

/// `y` runs what was asked; any other key, Esc included, closes the
/// question and changes nothing.
pub(super) fn confirm(s: &mut AppState, a: &Action) -> Option<Vec<Effect>> {
    if super::is_data(a) || matches!(a, Action::Tick | Action::Resize(..) | Action::Hangup) {
        return None;
    }
    let Some(Overlay::Confirm(c)) = s.overlay.take() else {
        return Some(vec![]);
    };
    match a {
        Action::Yes => {
            if c.effects.iter().any(|e| matches!(e, Effect::UpdateMany { .. })) {
                s.queue.marked.clear();
            }
            Some(c.effects)
        }
        _ => {
            s.message = Some(super::Message::info(format!("{}: nothing changed", c.title)));
            Some(vec![])
        }
    }
}
