//! Quick actions on one ticket — the open one, else the selected row of
//! the queue or the SLA board: new, edit, assign, status, priority, note,
//! time, timer, acknowledge.

use super::editor::EditorState;
use super::forms::{Confirm, NoteForm, Overlay, PickWhat, StatusPick, TimeForm};
use super::overlay_picks as picks;
use super::AppState;
use crate::store::ticket_write::TicketChanges;
use crate::tui::action::{Action, Effect};

/// The ticket a quick action works on, as the screen shows it.
#[derive(Debug, Clone, Default)]
pub struct Target {
    pub id: i64,
    /// Its assignee's login.
    pub holder: Option<String>,
    pub status: Option<crate::domain::ticket::Status>,
    pub priority: crate::domain::ticket::Priority,
}

/// Quick actions from the queue and the ticket view, on the selected ticket.
pub fn quick(s: &mut AppState, action: &Action, ticket: Option<Target>) -> Option<Vec<Effect>> {
    let now = s.now.timestamp();
    if let Action::NewTicket = action {
        s.overlay = Some(Overlay::Editor(Box::new(EditorState::new_ticket(s.after_hours()))));
        return Some(vec![Effect::LoadChoices]);
    }
    let Target {
        id,
        holder,
        status,
        priority,
    } = ticket?;
    Some(match action {
        Action::EditTicket => match s.ticket.as_ref().and_then(|t| t.detail.as_deref()) {
            Some(d) => {
                s.overlay = Some(Overlay::Editor(Box::new(EditorState::edit(d, s.rules.calendar.zone))));
                vec![Effect::LoadChoices]
            }
            // Edit needs the whole ticket: open it first, then edit.
            None => return None,
        },
        Action::AssignToMe => return Some(assign_to_me(s, id, holder, now)),
        Action::AssignTo | Action::SetStatus | Action::SetPriority => {
            open_pick(s, action, id, holder, status, priority)
        }
        Action::AddNote => {
            s.overlay = Some(Overlay::Note(Box::new(NoteForm::new(id, false, ""))));
            vec![]
        }
        Action::EditNote => edit_note(s, id),
        Action::LogTime => {
            s.overlay = Some(Overlay::Time(TimeForm::new(id, None)));
            vec![]
        }
        Action::Acknowledge => vec![Effect::Acknowledge { id, at: now }],
        // The timer is a store row: the form stops the one running, wherever it is.
        Action::Timer => match &s.timer {
            Some(t) => {
                s.overlay = Some(Overlay::Time(TimeForm::stopping(t.ticket_id, t.started, now)));
                vec![]
            }
            None => vec![Effect::StartTimer { id, at: now }],
        },
        _ => return None,
    })
}

/// `@`, `s` and `p`: a picker over the ticket, open on its current value.
fn open_pick(
    s: &mut AppState,
    action: &Action,
    id: i64,
    holder: Option<String>,
    status: Option<crate::domain::ticket::Status>,
    priority: crate::domain::ticket::Priority,
) -> Vec<Effect> {
    match action {
        Action::AssignTo => {
            let mut pick = super::forms::AssignPick {
                ticket_id: id,
                filter: super::line::LineInput::default(),
                highlight: 0,
                current: holder,
            };
            pick.on_current(&s.choices);
            s.overlay = Some(Overlay::Assign(pick));
            vec![Effect::LoadChoices]
        }
        Action::SetStatus => {
            let current = status.and_then(|c| StatusPick::statuses().iter().position(|st| *st == c));
            s.overlay = Some(Overlay::Status(StatusPick {
                ticket_id: id,
                what: PickWhat::Status,
                highlight: current.unwrap_or(1),
            }));
            vec![]
        }
        Action::SetPriority => {
            s.overlay = Some(Overlay::Status(StatusPick {
                ticket_id: id,
                what: PickWhat::Priority,
                highlight: priority.index(),
            }));
            vec![]
        }
        _ => vec![],
    }
}

/// Quick actions work on the open ticket, else on the queue's selected row.
pub(super) fn quick_action(s: &mut AppState, action: &Action) -> Option<Vec<Effect>> {
    // The ticket, its assignee, status and priority, read from whatever is on screen.
    let target: Option<Target> = match (&s.ticket, s.tab) {
        (Some(t), _) => {
            let d = t.detail.as_deref();
            Some(Target {
                id: t.id,
                holder: d.and_then(|d| d.assignee.clone()),
                status: d.map(|d| d.status),
                priority: d.map_or_else(Default::default, |d| d.priority),
            })
        }
        (None, crate::tui::tab::Tab::Queue) => s.queue.selected().map(|r| Target {
            id: r.id,
            holder: r.assignee.clone(),
            status: Some(r.status),
            priority: r.priority,
        }),
        (None, crate::tui::tab::Tab::Sla) => s.sla.board.selected().map(|r| Target {
            id: r.id,
            holder: r.assignee.clone(),
            status: Some(r.status),
            priority: r.priority,
        }),
        _ => None,
    };
    if matches!(action, Action::EditTicket) && s.ticket.is_none() {
        // Edit needs the whole ticket: open it; the editor opens when it arrives.
        if let Some(Target { id, .. }) = target {
            let e = super::navigate::open_ticket(s, Some(id));
            if let Some(v) = s.ticket.as_mut() {
                v.edit_on_load = true;
            }
            return Some(e);
        }
    }
    quick(s, action, target)
}

/// `a`: the ticket is yours; a colleague's ticket asks first, and marked
/// tickets all change after one question.
fn assign_to_me(s: &mut AppState, id: i64, holder: Option<String>, now: i64) -> Vec<Effect> {
    let changes = TicketChanges {
        assignee_id: Some(s.me.user_id),
        ..TicketChanges::default()
    };
    let effects = vec![Effect::Update {
        id,
        changes: Box::new(changes),
        label: format!("assigned to {}", s.me.login),
        at: now,
    }];
    if !s.queue.marked.is_empty() && s.ticket.is_none() && s.tab == crate::tui::tab::Tab::Queue {
        return picks::for_marked(s, effects);
    }
    match holder.filter(|h| *h != s.me.login) {
        // Taking a ticket from a colleague asks first.
        Some(other) => {
            s.overlay = Some(Overlay::Confirm(Confirm {
                title: format!("Take over #{id}"),
                question: format!(
                    "#{id} is assigned to {other}. Take it over and assign it to you ({})?",
                    s.me.login
                ),
                yes: "take it over".into(),
                effects,
            }));
            vec![]
        }
        None => effects,
    }
}

/// `E` in the ticket view: your newest note on it, in the note box to correct.
fn edit_note(s: &mut AppState, id: i64) -> Vec<Effect> {
    let mine = s.ticket.as_ref().and_then(|t| t.detail.as_deref()).and_then(|d| {
        d.notes
            .iter()
            .rev()
            .find(|n| n.author.as_deref() == Some(s.me.login.as_str()))
    });
    match mine {
        Some(n) => {
            let form = NoteForm {
                editing: Some(n.id),
                ..NoteForm::new(id, n.internal, &n.body)
            };
            s.overlay = Some(Overlay::Note(Box::new(NoteForm {
                changed: false,
                draft_stale: false,
                ..form
            })));
        }
        None => s.message = Some(super::Message::info(format!("#{id} has no note of yours to correct"))),
    }
    vec![]
}
