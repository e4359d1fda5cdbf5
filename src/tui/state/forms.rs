//! Small forms over the queue and ticket view: add a note, log time, set a
//! status, and the offer to restore a draft found at start.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui_textarea::TextArea;
use serde::{Deserialize, Serialize};

use super::editor::{EditorState, TicketForm};
use crate::domain::ticket::Status;
use crate::domain::time::short_duration;

/// What a draft holds: a ticket form, or a note being written.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum DraftBody {
    // Boxed: a form is far larger than a note.
    Ticket(Box<TicketForm>),
    Note {
        ticket_id: i64,
        internal: bool,
        text: String,
        /// A correction of this note, not a new one.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        editing: Option<i64>,
    },
}

pub struct NoteForm {
    pub ticket_id: i64,
    /// Correcting this note (your own newest) rather than adding one.
    pub editing: Option<i64>,
    pub internal: bool,
    pub text: TextArea<'static>,
    pub changed: bool,
    pub draft_stale: bool,
    pub confirm_discard: bool,
    pub error: Option<String>,
}

impl NoteForm {
    pub fn new(ticket_id: i64, internal: bool, text: &str) -> NoteForm {
        NoteForm {
            editing: None,
            ticket_id,
            internal,
            text: {
                // Writing goes on where the text ends.
                let mut t = super::editor::text_box(text);
                t.move_cursor(ratatui_textarea::CursorMove::Bottom);
                t.move_cursor(ratatui_textarea::CursorMove::End);
                t
            },
            changed: !text.is_empty(),
            draft_stale: !text.is_empty(),
            confirm_discard: false,
            error: None,
        }
    }
    pub fn body(&self) -> String {
        crate::domain::text::sanitize(&self.text.lines().join("\n"))
            .trim()
            .to_string()
    }
    pub fn key(&mut self, k: KeyEvent) {
        if self.text.input(k) {
            self.changed = true;
            self.draft_stale = true;
            self.confirm_discard = false;
        }
    }
    pub fn paste(&mut self, s: &str) {
        self.text.insert_str(crate::domain::text::sanitize(s));
        self.changed = true;
        self.draft_stale = true;
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeField {
    Minutes,
    Billable,
    Note,
}

#[derive(Debug, Clone, PartialEq)]
pub struct TimeForm {
    pub ticket_id: i64,
    pub minutes: String,
    pub billable: bool,
    pub note: String,
    pub focus: TimeField,
    pub error: Option<String>,
    /// Stopping a timer: when it started (unix seconds).
    pub timer_started: Option<i64>,
    /// Esc on a timer's form asked: discard its time, or keep it running?
    pub confirm_discard: bool,
    /// The form is done with (closed without a write).
    pub closed: bool,
}

impl TimeForm {
    pub fn new(ticket_id: i64, minutes: Option<i64>) -> TimeForm {
        TimeForm {
            ticket_id,
            minutes: minutes.map(|m| m.to_string()).unwrap_or_default(),
            billable: true,
            note: String::new(),
            focus: TimeField::Minutes,
            error: None,
            timer_started: None,
            confirm_discard: false,
            closed: false,
        }
    }

    /// The form that stops the timer started at `started` on `ticket_id`:
    /// the time it ran, rounded up to the minute, to log or correct.
    pub fn stopping(ticket_id: i64, started: i64, now: i64) -> TimeForm {
        TimeForm {
            timer_started: Some(started),
            ..TimeForm::new(ticket_id, Some(((now - started + 59) / 60).max(1)))
        }
    }
    pub fn key(&mut self, k: KeyEvent) {
        let ctrl = k.modifiers.contains(KeyModifiers::CONTROL);
        match (self.focus, k.code) {
            (_, KeyCode::Tab) | (_, KeyCode::Down) => {
                self.focus = match self.focus {
                    TimeField::Minutes => TimeField::Billable,
                    TimeField::Billable => TimeField::Note,
                    TimeField::Note => TimeField::Minutes,
                }
            }
            (_, KeyCode::BackTab) | (_, KeyCode::Up) => {
                self.focus = match self.focus {
                    TimeField::Minutes => TimeField::Note,
                    TimeField::Billable => TimeField::Minutes,
                    TimeField::Note => TimeField::Billable,
                }
            }
            // A duration as typed: 90, 45m, 1h30, 1h 30m, 1:30, 1.5h (domain::time::parse_duration).
            (TimeField::Minutes, KeyCode::Char(c)) if is_duration_char(c) && !ctrl => self.minutes.push(c),
            (TimeField::Minutes, KeyCode::Backspace) => {
                self.minutes.pop();
            }
            (TimeField::Billable, KeyCode::Char(' ')) | (TimeField::Billable, KeyCode::Char('b')) => {
                self.billable = !self.billable
            }
            (TimeField::Note, KeyCode::Char(c)) if !ctrl => self.note.push(c),
            (TimeField::Note, KeyCode::Backspace) => {
                self.note.pop();
            }
            _ => {}
        }
    }
    /// The duration typed, between 1 minute and 24 hours, or the error to show.
    pub fn checked_minutes(&self) -> Result<i64, String> {
        match crate::domain::time::parse_duration(&self.minutes) {
            Ok(m) if m <= 1440 => Ok(m),
            Ok(m) => Err(format!("time: {} is more than a day (24h at most)", short_duration(m))),
            Err(e) => Err(format!("time: {e}")),
        }
    }

    /// What the field will log, shown beside it before saving ("1h 30m").
    pub fn parsed(&self) -> Option<String> {
        self.checked_minutes().ok().map(short_duration)
    }
}

/// What a one-list picker on a ticket sets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PickWhat {
    Status,
    Priority,
}

/// The status or priority picker: opens on the ticket's current value.
#[derive(Debug, Clone, PartialEq)]
pub struct StatusPick {
    pub ticket_id: i64,
    pub what: PickWhat,
    pub highlight: usize,
}

impl StatusPick {
    pub fn statuses() -> &'static [Status] {
        Status::ALL
    }

    /// The rows the picker shows, top to bottom.
    pub fn labels(&self, priority_names: &[String]) -> Vec<String> {
        match self.what {
            PickWhat::Status => Self::statuses().iter().map(|s| s.to_string()).collect(),
            PickWhat::Priority => priority_names
                .iter()
                .enumerate()
                .map(|(i, name)| format!("P{} {name}", i + 1))
                .collect(),
        }
    }

    /// The change the highlighted row makes, and its words for the status line.
    pub fn change(&self, priority_names: &[String]) -> (crate::store::ticket_write::TicketChanges, String) {
        use crate::store::ticket_write::TicketChanges;
        match self.what {
            PickWhat::Status => {
                let st = Self::statuses()[self.highlight.min(Self::statuses().len() - 1)];
                let changes = TicketChanges {
                    status: Some(st),
                    ..TicketChanges::default()
                };
                (changes, format!("status {st}"))
            }
            PickWhat::Priority => {
                let p = crate::domain::ticket::Priority::ALL[self.highlight.min(4)];
                let changes = TicketChanges {
                    priority: Some(p),
                    ..TicketChanges::default()
                };
                let name = priority_names.get(p.index()).map(String::as_str).unwrap_or("");
                (changes, format!("priority {p} {name}"))
            }
        }
    }
}

/// A draft found at start: restore it or throw it away.
#[derive(Debug, Clone, PartialEq)]
pub struct DraftOffer {
    pub ticket_id: Option<i64>,
    pub base_version: Option<i64>,
    pub body: DraftBody,
    pub updated: i64,
}

/// One question, in words, before a change that takes a ticket from a
/// colleague or moves money: `y` does it, any other key keeps things as they
/// are (so a double-tapped Enter never does it).
#[derive(Debug, Clone, PartialEq)]
pub struct Confirm {
    pub title: String,
    pub question: String,
    /// What `y` does, for the key line ("take it over").
    pub yes: String,
    pub effects: Vec<crate::tui::action::Effect>,
}

/// Whatever sits over the tabs and takes the keys first.
impl Overlay {
    /// The key sections the overlay resolves keys in: lists to choose from,
    /// questions, filtered lists typed into, and forms that take typing.
    pub fn sections(&self) -> &'static [crate::tui::keymap::Section] {
        use crate::tui::keymap::screens;
        match self {
            Overlay::Status(_) | Overlay::Recent(_) => screens::PICK,
            Overlay::Mail(m) if m.company.is_some() => screens::PROMPT,
            Overlay::Mail(_) => screens::CONFIRM,
            Overlay::Assign(_) | Overlay::Palette(_) => screens::PROMPT,
            Overlay::Confirm(_) => screens::CONFIRM,
            Overlay::Time(t) if t.confirm_discard => screens::EDITOR_CONFIRM,
            Overlay::Editor(e) if e.confirm_discard => screens::EDITOR_CONFIRM,
            Overlay::Note(n) if n.confirm_discard => screens::EDITOR_CONFIRM,
            Overlay::Editor(_) | Overlay::Note(_) | Overlay::Time(_) | Overlay::Draft(_) => screens::EDITOR,
        }
    }
}

pub enum Overlay {
    Editor(Box<EditorState>),
    Note(Box<NoteForm>),
    Time(TimeForm),
    /// The status or the priority picker.
    Status(StatusPick),
    /// The held mail, to accept or drop.
    Mail(Box<super::mail_review::MailReview>),
    Draft(DraftOffer),
    Palette(super::palette::Palette),
    Confirm(Confirm),
    /// `Ctrl-O`: the tickets opened last.
    Recent(RecentPick),
    /// `@`: assign a ticket to any technician.
    Assign(AssignPick),
}

/// The technician picker for one ticket: typing filters by login or name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssignPick {
    pub ticket_id: i64,
    pub filter: super::line::LineInput,
    pub highlight: usize,
    /// The ticket's assignee now: the unfiltered list opens on them.
    pub current: Option<String>,
}

impl AssignPick {
    /// Puts the highlight on the current assignee (an unfiltered list).
    pub fn on_current(&mut self, choices: &super::editor::Choices) {
        if self.filter.is_empty() {
            let at = self
                .options(choices)
                .iter()
                .position(|t| Some(&t.login) == self.current.as_ref());
            self.highlight = at.unwrap_or(0);
        }
    }

    /// The technicians the filter leaves, as (id, login, name).
    pub fn options<'a>(&self, choices: &'a super::editor::Choices) -> Vec<&'a crate::store::lookup::TechnicianChoice> {
        let needle = self.filter.text().to_lowercase();
        choices
            .technicians
            .iter()
            .filter(|t| {
                needle.is_empty() || t.login.to_lowercase().contains(&needle) || t.name.to_lowercase().contains(&needle)
            })
            .collect()
    }
}

/// The highlighted row of the recent-tickets list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RecentPick {
    pub highlight: usize,
}

impl Overlay {
    /// The draft to keep if the session ended now, if there is unsaved text.
    pub fn draft(&self) -> Option<(Option<i64>, Option<i64>, DraftBody)> {
        match self {
            Overlay::Editor(e) if e.changed => {
                let f = e.current_form();
                Some((f.id, f.base_version, DraftBody::Ticket(Box::new(f))))
            }
            Overlay::Note(n) if n.changed => Some((
                Some(n.ticket_id),
                None,
                DraftBody::Note {
                    ticket_id: n.ticket_id,
                    internal: n.internal,
                    text: n.text.lines().join("\n"),
                    editing: n.editing,
                },
            )),
            _ => None,
        }
    }
    pub fn draft_stale(&self) -> bool {
        match self {
            Overlay::Editor(e) => e.draft_stale,
            Overlay::Note(n) => n.draft_stale,
            _ => false,
        }
    }
    pub fn draft_saved(&mut self) {
        match self {
            Overlay::Editor(e) => e.draft_stale = false,
            Overlay::Note(n) => n.draft_stale = false,
            _ => {}
        }
    }
}

fn is_duration_char(c: char) -> bool {
    c.is_ascii_digit() || matches!(c, 'h' | 'H' | 'm' | 'M' | ':' | '.' | ' ')
}
