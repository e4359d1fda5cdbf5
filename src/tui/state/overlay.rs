//! Keys and data for whatever overlay is open: the editor, the note and time
//! forms, the status picker and the draft offer. The overlay sees keys first.

use ratatui::crossterm::event::{KeyCode, KeyEvent};

use super::editor::EditorState;
use super::forms::{Confirm, DraftBody, NoteForm, Overlay, PickWhat, StatusPick, TimeForm};
use super::overlay_picks as picks;
use super::AppState;
use crate::store::ticket_write::{NewTime, TicketChanges};
use crate::tui::action::{Action, Effect};

/// Handles an action while an overlay is open; None lets it through.
pub fn handle(s: &mut AppState, action: &Action) -> Option<Vec<Effect>> {
    let now = s.now.timestamp();
    let overlay = s.overlay.as_mut()?;
    let effects = match (overlay, action) {
        // Esc backs out one level: first an open picker list, then the editor.
        (Overlay::Editor(e), Action::Cancel) if e.picker_open() => {
            e.close_picker(&s.choices, &s.priority_names);
            return Some(vec![]);
        }
        (Overlay::Editor(e), a) => editor(e, a, &s.choices, &s.priority_names, &s.calendar, now)?,
        (Overlay::Note(n), a) => note(n, a, now)?,
        (Overlay::Time(t), a) => time(t, a, now)?,
        (Overlay::Status(_), Action::Cancel | Action::Quit | Action::Back)
        | (
            Overlay::Status(_),
            Action::Key(KeyEvent {
                code: KeyCode::Char('q'),
                ..
            }),
        ) => {
            s.overlay = None;
            return Some(vec![]);
        }
        (Overlay::Status(p), a) => {
            let e = status(p, a, &s.priority_names, now)?;
            return Some(picks::for_marked(s, e));
        }
        (Overlay::Draft(_), a) => return draft_offer(s, a),
        (Overlay::Confirm(_), a) => return picks::confirm(s, a),
        (Overlay::Recent(_), a) => return picks::recent(s, a),
        (Overlay::Assign(_), a) => {
            let e = picks::assign(s, a)?;
            return Some(picks::for_marked(s, e));
        }
        (Overlay::Palette(p), a) => {
            if super::is_data(a) || matches!(a, Action::Tick | Action::Resize(..) | Action::Hangup) {
                return None;
            }
            match p.key(a) {
                super::palette::Outcome::Stay => vec![],
                super::palette::Outcome::Close => {
                    s.overlay = None;
                    vec![]
                }
                super::palette::Outcome::Run(action) => {
                    s.overlay = None;
                    let now = s.now;
                    return Some(super::update(s, action, now));
                }
            }
        }
    };
    let done = matches!(&s.overlay, Some(Overlay::Time(t)) if t.closed);
    if done
        || effects.iter().any(|e| matches!(e, Effect::DeleteDraft(_)))
        || matches!(action, Action::Cancel) && closes(s)
    {
        s.overlay = None;
    }
    Some(effects)
}

/// After Cancel: closes unless a discard question is now showing.
fn closes(s: &AppState) -> bool {
    match &s.overlay {
        Some(Overlay::Editor(e)) => !e.confirm_discard,
        Some(Overlay::Note(n)) => !n.confirm_discard,
        Some(Overlay::Time(t)) => !t.confirm_discard,
        _ => true,
    }
}

fn editor(
    e: &mut EditorState,
    a: &Action,
    choices: &super::editor::Choices,
    names: &[String],
    cal: &crate::domain::sla::Calendar,
    now: i64,
) -> Option<Vec<Effect>> {
    if e.confirm_discard {
        if let Action::Key(k) = a {
            match k.code {
                KeyCode::Char('y') => return Some(vec![Effect::DeleteDraft(e.form.id)]),
                _ => e.confirm_discard = false,
            }
            return Some(vec![]);
        }
    }
    match a {
        Action::Key(k) => e.key(*k, choices, names),
        Action::Paste(t) => e.paste(t),
        Action::NextField => e.focus_next(1, choices, names),
        Action::PrevField => e.focus_next(-1, choices, names),
        Action::Undo => e.undo(false),
        Action::Redo => e.undo(true),
        Action::Cancel => {
            if e.changed {
                e.confirm_discard = true;
            }
        }
        Action::Save if !e.saving => {
            let (form, scheduled) = e.validate(cal)?;
            e.saving = true;
            return Some(vec![Effect::SaveTicket {
                form: Box::new(form),
                scheduled,
                at: now,
            }]);
        }
        Action::SaveRefused { message, conflict } => {
            e.saving = false;
            match conflict {
                Some(theirs) => {
                    // Keep every word typed; the next save knowingly replaces their version.
                    e.conflict = Some(format!(
                        "{message}. Your text is kept: Ctrl-S again saves over their change, Esc leaves it."
                    ));
                    e.form.base_version = Some(*theirs);
                }
                None => e.conflict = Some(message.clone()),
            }
        }
        _ => return None,
    }
    Some(vec![])
}

fn note(n: &mut NoteForm, a: &Action, now: i64) -> Option<Vec<Effect>> {
    if n.confirm_discard {
        if let Action::Key(k) = a {
            if k.code == KeyCode::Char('y') {
                return Some(vec![Effect::DeleteDraft(Some(n.ticket_id))]);
            }
            n.confirm_discard = false;
            return Some(vec![]);
        }
    }
    match a {
        Action::Key(k) => n.key(*k),
        Action::Paste(t) => n.paste(t),
        Action::ToggleInternal => n.internal = !n.internal,
        Action::Undo => {
            n.text.undo();
        }
        Action::Redo => {
            n.text.redo();
        }
        Action::Cancel if n.changed => n.confirm_discard = true,
        Action::Cancel => {}
        Action::Save => {
            let text = n.body();
            if text.is_empty() {
                n.error = Some("the note is empty".into());
                return Some(vec![]);
            }
            if let Some(note) = n.editing {
                return Some(vec![Effect::EditNote {
                    id: n.ticket_id,
                    note,
                    text,
                    at: now,
                }]);
            }
            return Some(vec![Effect::AddNote {
                id: n.ticket_id,
                text,
                internal: n.internal,
                at: now,
            }]);
        }
        Action::SaveRefused { message, .. } => n.error = Some(message.clone()),
        _ => return None,
    }
    Some(vec![])
}

fn time(t: &mut TimeForm, a: &Action, now: i64) -> Option<Vec<Effect>> {
    if t.confirm_discard {
        // y throws the timer's minutes away; n or Esc closes the form and
        // the timer keeps running; any other key goes back to the form.
        match a {
            Action::Key(k) if k.code == KeyCode::Char('y') => {
                t.closed = true;
                return Some(vec![Effect::DiscardTimer {
                    id: t.ticket_id,
                    at: now,
                }]);
            }
            Action::Key(k) if k.code == KeyCode::Char('n') => t.closed = true,
            Action::Cancel => t.closed = true,
            Action::Key(_) => t.confirm_discard = false,
            _ => return None,
        }
        return Some(vec![]);
    }
    match a {
        Action::Key(k) if k.code == KeyCode::Enter => return Some(save_time(t, now)),
        Action::Key(k) => t.key(*k),
        Action::NextField => t.key(ratatui::crossterm::event::KeyEvent::from(KeyCode::Tab)),
        Action::PrevField => t.key(ratatui::crossterm::event::KeyEvent::from(KeyCode::BackTab)),
        Action::Save => return Some(save_time(t, now)),
        Action::Cancel if t.timer_started.is_some() => t.confirm_discard = true,
        Action::Cancel => {}
        Action::SaveRefused { message, .. } => t.error = Some(message.clone()),
        _ => return None,
    }
    Some(vec![])
}

fn save_time(t: &mut TimeForm, now: i64) -> Vec<Effect> {
    match t.checked_minutes() {
        Ok(minutes) if t.timer_started.is_some() => vec![Effect::StopTimer {
            id: t.ticket_id,
            stop: crate::store::timers::Stop {
                minutes: Some(minutes),
                billable: t.billable,
                note: t.note.clone(),
            },
            at: now,
        }],
        Ok(minutes) => {
            let time = NewTime {
                minutes,
                start: now - minutes * 60,
                billable: t.billable,
                note: t.note.clone(),
            };
            vec![Effect::AddTime {
                id: t.ticket_id,
                time,
                at: now,
            }]
        }
        Err(m) => {
            t.error = Some(m);
            vec![]
        }
    }
}

fn status(p: &mut StatusPick, a: &Action, priority_names: &[String], now: i64) -> Option<Vec<Effect>> {
    let n = p.labels(priority_names).len();
    match a {
        Action::Key(k) => match k.code {
            KeyCode::Down | KeyCode::Char('j') => p.highlight = (p.highlight + 1).min(n - 1),
            KeyCode::Up | KeyCode::Char('k') => p.highlight = p.highlight.saturating_sub(1),
            // A digit picks that row at once (1–5 for a priority).
            KeyCode::Char(c @ '1'..='9') if (c as usize - '1' as usize) < n => p.highlight = c as usize - '1' as usize,
            KeyCode::Enter => {}
            _ => return Some(vec![]),
        },
        Action::Move(d) => {
            p.highlight = (p.highlight as i64 + i64::from(*d)).clamp(0, n as i64 - 1) as usize;
            return Some(vec![]);
        }
        _ => return None,
    }
    if !matches!(a, Action::Key(k) if matches!(k.code, KeyCode::Enter | KeyCode::Char('1'..='9'))) {
        return Some(vec![]);
    }
    let (changes, label) = p.change(priority_names);
    Some(vec![Effect::Update {
        id: p.ticket_id,
        changes: Box::new(changes),
        label,
        at: now,
    }])
}

fn draft_offer(s: &mut AppState, a: &Action) -> Option<Vec<Effect>> {
    if let Action::Cancel = a {
        // Decide later: the draft stays in the store and is offered next time.
        s.overlay = None;
        return Some(vec![]);
    }
    let Action::Key(k) = a else { return None };
    let Some(Overlay::Draft(offer)) = s.overlay.take() else {
        return Some(vec![]);
    };
    match k.code {
        KeyCode::Char('r') | KeyCode::Enter => {
            s.overlay = Some(match offer.body {
                DraftBody::Ticket(f) => Overlay::Editor(Box::new(EditorState::from_form(*f, true))),
                DraftBody::Note {
                    ticket_id,
                    internal,
                    text,
                    editing,
                } => Overlay::Note(Box::new(NoteForm {
                    editing,
                    ..NoteForm::new(ticket_id, internal, &text)
                })),
            });
            Some(vec![Effect::LoadChoices])
        }
        KeyCode::Char('d') => Some(vec![Effect::DeleteDraft(offer.ticket_id)]),
        _ => {
            s.overlay = Some(Overlay::Draft(offer));
            Some(vec![])
        }
    }
}

/// The ticket a quick action works on, as the screen shows it.
#[derive(Debug, Clone, Default)]
pub struct Target {
    pub id: i64,
    /// Its assignee's login.
    pub holder: Option<String>,
    pub status: Option<crate::domain::ticket::Status>,
    pub priority: u8,
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
                s.overlay = Some(Overlay::Editor(Box::new(EditorState::edit(d, s.calendar.zone))));
                vec![Effect::LoadChoices]
            }
            // Edit needs the whole ticket: open it first, then edit.
            None => return None,
        },
        Action::AssignToMe => {
            let changes = TicketChanges {
                assignee_id: Some(s.user_id),
                ..TicketChanges::default()
            };
            let effects = vec![Effect::Update {
                id,
                changes: Box::new(changes),
                label: format!("assigned to {}", s.login),
                at: now,
            }];
            if !s.queue.marked.is_empty() && s.ticket.is_none() && s.tab == crate::tui::tab::Tab::Queue {
                return Some(picks::for_marked(s, effects));
            }
            match holder.filter(|h| *h != s.login) {
                // Taking a ticket from a colleague asks first.
                Some(other) => {
                    s.overlay = Some(Overlay::Confirm(Confirm {
                        title: format!("Take over #{id}"),
                        question: format!(
                            "#{id} is assigned to {other}. Take it over and assign it to you ({})?",
                            s.login
                        ),
                        yes: "take it over".into(),
                        effects,
                    }));
                    vec![]
                }
                None => effects,
            }
        }
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
                highlight: usize::from(priority.clamp(1, 5)) - 1,
            }));
            vec![]
        }
        Action::AddNote => {
            s.overlay = Some(Overlay::Note(Box::new(NoteForm::new(id, false, ""))));
            vec![]
        }
        Action::EditNote => {
            let mine = s.ticket.as_ref().and_then(|t| t.detail.as_deref()).and_then(|d| {
                d.notes
                    .iter()
                    .rev()
                    .find(|n| n.author.as_deref() == Some(s.login.as_str()))
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

/// Quick actions work on the open ticket, else on the queue's selected row.
pub(super) fn quick_action(s: &mut AppState, action: &Action) -> Option<Vec<Effect>> {
    // The ticket, its assignee, status and priority, read from whatever is on screen.
    let target: Option<Target> = match (&s.ticket, s.tab) {
        (Some(t), _) => {
            let d = t.detail.as_deref();
            Some(Target {
                id: t.id,
                holder: d.and_then(|d| d.assignee.clone()),
                status: d.and_then(|d| d.status.parse().ok()),
                priority: d.map_or(3, |d| d.priority),
            })
        }
        (None, crate::tui::tab::Tab::Queue) => s.queue.selected().map(|r| Target {
            id: r.id,
            holder: r.assignee.clone(),
            status: r.status.parse().ok(),
            priority: r.priority,
        }),
        (None, crate::tui::tab::Tab::Sla) => s.sla_board.selected().map(|r| Target {
            id: r.id,
            holder: r.assignee.clone(),
            status: r.status.parse().ok(),
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
