//! Keys and data for whatever overlay is open: the editor, the note and time
//! forms, the status picker and the draft offer. The overlay sees keys first.

use ratatui::crossterm::event::KeyCode;

use super::editor::EditorState;
use super::forms::{DraftBody, NoteForm, Overlay, StatusPick, TimeForm};
use super::overlay_picks as picks;
use super::AppState;
use crate::store::ticket_write::NewTime;
use crate::tui::action::{Action, Effect};

/// Handles an action while an overlay is open; None lets it through.
pub fn handle(s: &mut AppState, action: &Action) -> Option<Vec<Effect>> {
    let now = s.now.timestamp();
    let overlay = s.overlay.as_mut()?;
    let effects = match (overlay, action) {
        // Esc backs out one level: first an open picker list, then the editor.
        (Overlay::Editor(e), Action::Cancel) if e.picker_open() => {
            e.close_picker(&s.choices, &s.rules.priority_names);
            return Some(vec![]);
        }
        (Overlay::Editor(e), a) => editor(e, a, &s.choices, &s.rules.priority_names, &s.rules.calendar, now)?,
        (Overlay::Note(n), a) => note(n, a, now)?,
        (Overlay::Time(t), a) => time(t, a, now)?,
        (Overlay::Status(_), Action::Cancel | Action::Quit | Action::Back) => {
            s.overlay = None;
            return Some(vec![]);
        }
        (Overlay::Status(p), a) => {
            let e = status(p, a, &s.rules.priority_names, now)?;
            return Some(picks::for_marked(s, e));
        }
        (Overlay::Draft(_), a) => return draft_offer(s, a),
        (Overlay::Mail(_), a) => return super::mail_review::handle(s, a),
        (Overlay::Confirm(_), a) => return picks::confirm(s, a),
        (Overlay::Recent(_), a) => return picks::recent(s, a),
        (Overlay::Assign(_), a) => {
            let e = picks::assign(s, a)?;
            return Some(picks::for_marked(s, e));
        }
        (Overlay::Palette(_), a) => return palette(s, a),
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

/// The palette: typing filters, Enter runs the command chosen as if its
/// key had been pressed.
fn palette(s: &mut AppState, a: &Action) -> Option<Vec<Effect>> {
    let Some(Overlay::Palette(p)) = s.overlay.as_mut() else {
        return None;
    };
    if super::is_data(a) || matches!(a, Action::Tick | Action::Resize(..) | Action::Hangup) {
        return None;
    }
    Some(match p.key(a) {
        super::palette::Outcome::Stay => vec![],
        super::palette::Outcome::Close => {
            s.overlay = None;
            vec![]
        }
        super::palette::Outcome::Run(action) => {
            s.overlay = None;
            let now = s.now;
            super::update(s, action, now)
        }
    })
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
        match a {
            Action::Yes => return Some(vec![Effect::DeleteDraft(e.form.id)]),
            // No, or any other key: back to the form.
            Action::No | Action::Key(_) => {
                e.confirm_discard = false;
                return Some(vec![]);
            }
            _ => {}
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
                        "{message}. Your text is kept: save again to write over their change, or cancel to leave it."
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
        match a {
            Action::Yes => return Some(vec![Effect::DeleteDraft(Some(n.ticket_id))]),
            Action::No | Action::Key(_) => {
                n.confirm_discard = false;
                return Some(vec![]);
            }
            _ => {}
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
            Action::Yes => {
                t.closed = true;
                return Some(vec![Effect::DiscardTimer {
                    id: t.ticket_id,
                    at: now,
                }]);
            }
            Action::No | Action::Cancel => t.closed = true,
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
        // A digit picks that row at once (1–5 for a priority).
        Action::Key(k) => match k.code {
            KeyCode::Char(c @ '1'..='9') if (c as usize - '1' as usize) < n => p.highlight = c as usize - '1' as usize,
            _ => return Some(vec![]),
        },
        Action::Open => {}
        Action::Move(d) => {
            p.highlight = (p.highlight as i64 + i64::from(*d)).clamp(0, n as i64 - 1) as usize;
            return Some(vec![]);
        }
        _ => return None,
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
