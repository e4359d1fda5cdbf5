//! The ticket editor: fields with type-to-filter pickers, summary and
//! description in ratatui-textarea, validation at the field, drafts.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui_textarea::TextArea;
use serde::{Deserialize, Serialize};

use super::lists::PickRow;
use crate::domain::text::{sanitize, sanitize_line};
use crate::domain::ticket::{Board, Priority, Source, Status};
use crate::store::ticket_detail::TicketDetail;

pub use crate::store::lookup::Choices;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Company,
    Contact,
    Priority,
    Status,
    Assignee,
    Board,
    Source,
    Scheduled,
    Summary,
    Description,
}

impl Field {
    pub const ALL: [Field; 10] = [
        Field::Company,
        Field::Contact,
        Field::Priority,
        Field::Status,
        Field::Assignee,
        Field::Board,
        Field::Source,
        Field::Scheduled,
        Field::Summary,
        Field::Description,
    ];
    pub fn label(self) -> &'static str {
        match self {
            Field::Company => "Company",
            Field::Contact => "Contact",
            Field::Priority => "Priority",
            Field::Status => "Status",
            Field::Assignee => "Assignee",
            Field::Board => "Board",
            Field::Source => "Source",
            Field::Scheduled => "Scheduled",
            Field::Summary => "Summary",
            Field::Description => "Description",
        }
    }
    /// The fields drawn one per line above the summary and description boxes.
    pub fn one_line() -> &'static [Field] {
        &Field::ALL[..Field::ALL.len() - 2]
    }
    pub fn is_picker(self) -> bool {
        !matches!(self, Field::Scheduled | Field::Summary | Field::Description)
    }
}

/// The form as saved (and as kept in a draft).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct TicketForm {
    pub id: Option<i64>,
    pub base_version: Option<i64>,
    /// The ticket's newest audit row when the editor opened it (see
    /// [`crate::store::ticket_write::Seen`]); absent in older drafts.
    #[serde(default)]
    pub seen_audit: Option<i64>,
    pub company_id: Option<i64>,
    pub contact_id: Option<i64>,
    pub priority: Priority,
    pub status: Status,
    pub assignee_id: Option<i64>,
    pub board: Board,
    pub source: Source,
    pub scheduled: String,
    pub summary: String,
    pub description: String,
}

pub struct EditorState {
    pub form: TicketForm,
    pub summary: TextArea<'static>,
    pub description: TextArea<'static>,
    pub focus: Field,
    /// The picker's filter text and highlighted option.
    pub filter: super::line::LineInput,
    pub highlight: usize,
    pub errors: Vec<(Field, String)>,
    /// Unsaved changes exist.
    pub changed: bool,
    /// Changed since the last draft save.
    pub draft_stale: bool,
    pub confirm_discard: bool,
    /// A conflict with another console's save; the next save overwrites knowingly.
    pub conflict: Option<String>,
    pub saving: bool,
}

fn textarea(text: &str) -> TextArea<'static> {
    let mut t = TextArea::from(text.lines().map(str::to_string).collect::<Vec<_>>());
    t.set_max_histories(200);
    t
}

/// A box for paragraphs (a description, a note): long lines wrap at words,
/// a word wider than the box at its letters.
pub fn text_box(text: &str) -> TextArea<'static> {
    let mut t = textarea(text);
    t.set_wrap_mode(ratatui_textarea::WrapMode::WordOrGlyph);
    t
}

/// The word at a picker's option id (its place in the list).
fn pick_of<T: Copy>(all: &[T], value: i64) -> Option<T> {
    usize::try_from(value).ok().and_then(|i| all.get(i)).copied()
}

impl EditorState {
    /// A new ticket; taken outside contractual hours it defaults to the
    /// After Hours board and the after-hours line.
    pub fn new_ticket(after_hours: bool) -> EditorState {
        let (board, source) = crate::domain::ticket::intake_defaults(after_hours);
        let form = TicketForm {
            priority: Priority::default(),
            status: Status::New,
            board,
            source,
            ..TicketForm::default()
        };
        EditorState::from_form(form, false)
    }

    pub fn edit(d: &TicketDetail, tz: chrono_tz::Tz) -> EditorState {
        let form = TicketForm {
            id: Some(d.id),
            base_version: Some(d.version),
            seen_audit: Some(d.audit_mark),
            company_id: Some(d.company_id),
            contact_id: d.contact_id,
            priority: d.priority,
            status: d.status,
            assignee_id: d.assignee_id,
            board: d.board,
            source: d.source,
            scheduled: d
                .scheduled
                .map(|s| {
                    crate::domain::time::from_secs(s)
                        .with_timezone(&tz)
                        .format("%Y-%m-%d %H:%M")
                        .to_string()
                })
                .unwrap_or_default(),
            summary: d.summary.clone(),
            description: d.description.clone(),
        };
        EditorState::from_form(form, false)
    }

    /// From a draft or a form; `changed` marks restored, unsaved text.
    pub fn from_form(form: TicketForm, changed: bool) -> EditorState {
        EditorState {
            summary: textarea(&form.summary),
            description: text_box(&form.description),
            form,
            focus: Field::Company,
            filter: super::line::LineInput::default(),
            highlight: 0,
            errors: Vec::new(),
            changed,
            draft_stale: changed,
            confirm_discard: false,
            conflict: None,
            saving: false,
        }
    }

    pub fn title(&self) -> String {
        match self.form.id {
            Some(id) => format!("Edit ticket #{id}"),
            None => "New ticket".into(),
        }
    }

    /// The form with the text boxes' current contents, sanitised.
    pub fn current_form(&self) -> TicketForm {
        let mut f = self.form.clone();
        f.summary = sanitize_line(&self.summary.lines().join(" "));
        f.description = sanitize(&self.description.lines().join("\n"));
        f
    }

    fn mark_changed(&mut self) {
        self.changed = true;
        self.draft_stale = true;
        self.confirm_discard = false;
    }

    pub fn error(&self, f: Field) -> Option<&str> {
        self.errors.iter().find(|(x, _)| *x == f).map(|(_, m)| m.as_str())
    }

    /// Options of the focused picker, filtered.
    pub fn options(&self, choices: &Choices, policy_names: &[String]) -> Vec<PickRow> {
        let words = |all: &[&'static str]| -> Vec<PickRow> {
            all.iter()
                .enumerate()
                .map(|(i, w)| PickRow::new(i as i64, *w))
                .collect()
        };
        let all: Vec<PickRow> = match self.focus {
            Field::Company => choices.companies.iter().map(|c| PickRow::new(c.id, &c.name)).collect(),
            Field::Contact => choices
                .contacts
                .iter()
                .filter(|c| Some(c.company_id) == self.form.company_id)
                .map(|c| PickRow::new(c.id, format!("{} [{}]", c.name, c.security_level)))
                .collect(),
            Field::Priority => Priority::ALL
                .iter()
                .map(|p| {
                    let name = policy_names.get(p.index()).map(String::as_str).unwrap_or("");
                    PickRow::new(i64::from(p.get()), format!("{p} {name}"))
                })
                .collect(),
            Field::Status => words(&Status::ALL.iter().map(|s| s.as_str()).collect::<Vec<_>>()),
            Field::Assignee => std::iter::once(PickRow::new(0, "(unassigned)"))
                .chain(
                    choices
                        .technicians
                        .iter()
                        .map(|t| PickRow::new(t.id, format!("{} {}", t.login, t.name))),
                )
                .collect(),
            Field::Board => words(&Board::ALL.iter().map(|b| b.as_str()).collect::<Vec<_>>()),
            Field::Source => words(&Source::ALL.iter().map(|s| s.as_str()).collect::<Vec<_>>()),
            _ => Vec::new(),
        };
        let needle = self.filter.text().to_lowercase();
        all.into_iter()
            .filter(|r| needle.is_empty() || r.label.to_lowercase().contains(&needle))
            .collect()
    }

    fn pick(&mut self, value: i64) {
        let f = &mut self.form;
        match self.focus {
            Field::Company if f.company_id != Some(value) => {
                f.company_id = Some(value);
                f.contact_id = None;
            }
            Field::Contact => f.contact_id = Some(value),
            Field::Priority => f.priority = pick_of(&Priority::ALL, value - 1).unwrap_or(f.priority),
            Field::Status => f.status = pick_of(Status::ALL, value).unwrap_or(f.status),
            Field::Assignee => f.assignee_id = (value != 0).then_some(value),
            Field::Board => f.board = pick_of(Board::ALL, value).unwrap_or(f.board),
            Field::Source => f.source = pick_of(Source::ALL, value).unwrap_or(f.source),
            _ => {}
        }
        self.mark_changed();
    }

    pub fn focus_next(&mut self, delta: i32, choices: &Choices, names: &[String]) {
        self.accept_filter(choices, names);
        let i = Field::ALL.iter().position(|f| *f == self.focus).unwrap_or(0) as i32;
        let n = Field::ALL.len() as i32;
        self.focus = Field::ALL[((i + delta).rem_euclid(n)) as usize];
        self.filter.clear();
        self.highlight = self.current_position(choices, names);
    }

    /// The focused picker's current value, as an option id.
    fn current_value(&self) -> Option<i64> {
        let f = &self.form;
        fn index<T: PartialEq>(all: &[T], v: &T) -> Option<i64> {
            all.iter().position(|x| x == v).map(|i| i as i64)
        }
        match self.focus {
            Field::Company => f.company_id,
            Field::Contact => f.contact_id,
            Field::Priority => Some(i64::from(f.priority.get())),
            Field::Status => index(Status::ALL, &f.status),
            Field::Assignee => Some(f.assignee_id.unwrap_or(0)),
            Field::Board => index(Board::ALL, &f.board),
            Field::Source => index(Source::ALL, &f.source),
            _ => None,
        }
    }

    /// Where the unfiltered list stands on the current value: a picker opens
    /// on what the ticket has, so Enter without typing changes nothing.
    fn current_position(&self, choices: &Choices, names: &[String]) -> usize {
        let Some(v) = self.current_value() else { return 0 };
        self.options(choices, names).iter().position(|r| r.id == v).unwrap_or(0)
    }

    /// A picker's list is showing: the focused picker is being filtered.
    pub fn picker_open(&self) -> bool {
        self.focus.is_picker() && !self.filter.is_empty()
    }

    /// Esc on an open picker list closes it and keeps the field's value.
    pub fn close_picker(&mut self, choices: &Choices, names: &[String]) {
        self.filter.clear();
        self.highlight = self.current_position(choices, names);
    }

    /// Leaving a picker with typed filter text takes the highlighted option.
    fn accept_filter(&mut self, choices: &Choices, names: &[String]) {
        if self.focus.is_picker() && !self.filter.is_empty() {
            if let Some(v) = self.options(choices, names).get(self.highlight).map(|r| r.id) {
                self.pick(v);
            }
        }
    }

    /// A key the editor's own bindings did not take goes to the focused field.
    pub fn key(&mut self, k: KeyEvent, choices: &Choices, names: &[String]) {
        match self.focus {
            Field::Summary => {
                if k.code != KeyCode::Enter && self.summary.input(k) {
                    self.mark_changed();
                }
            }
            Field::Description => {
                if self.description.input(k) {
                    self.mark_changed();
                }
            }
            Field::Scheduled => match k.code {
                KeyCode::Char(c) if !k.modifiers.contains(KeyModifiers::CONTROL) => {
                    self.form.scheduled.push(c);
                    self.mark_changed();
                }
                KeyCode::Backspace => {
                    self.form.scheduled.pop();
                    self.mark_changed();
                }
                _ => {}
            },
            _ => self.picker_key(k, choices, names),
        }
    }

    fn picker_key(&mut self, k: KeyEvent, choices: &Choices, names: &[String]) {
        let count = self.options(choices, names).len();
        match k.code {
            KeyCode::Down => self.highlight = (self.highlight + 1).min(count.saturating_sub(1)),
            KeyCode::Up => self.highlight = self.highlight.saturating_sub(1),
            // Enter takes the highlighted match and moves on, so a second
            // Enter never lands on the top of a reopened list.
            KeyCode::Enter => {
                if let Some(v) = self.options(choices, names).get(self.highlight).map(|r| r.id) {
                    self.pick(v);
                    self.filter.clear();
                    self.focus_next(1, choices, names);
                }
            }
            _ => {
                if self.filter.key(k) {
                    self.highlight = if self.filter.is_empty() {
                        self.current_position(choices, names)
                    } else {
                        0
                    };
                }
            }
        }
    }

    /// Pasted text goes through the sanitiser into the focused text field.
    pub fn paste(&mut self, text: &str) {
        match self.focus {
            Field::Summary => {
                self.summary.insert_str(sanitize_line(text));
            }
            Field::Description => {
                self.description.insert_str(sanitize(text));
            }
            Field::Scheduled => self.form.scheduled.push_str(&sanitize_line(text)),
            _ => self.filter.insert(text),
        }
        self.mark_changed();
    }

    pub fn undo(&mut self, redo: bool) {
        let area = match self.focus {
            Field::Summary => &mut self.summary,
            Field::Description => &mut self.description,
            _ => return,
        };
        let done = if redo { area.redo() } else { area.undo() };
        if done {
            self.mark_changed();
        }
    }

    /// Checks the form; errors are shown at their fields.
    pub fn validate(&mut self, cal: &crate::domain::sla::Calendar) -> Option<(TicketForm, Option<i64>)> {
        let form = self.current_form();
        let mut errors = Vec::new();
        if form.company_id.is_none() {
            errors.push((Field::Company, "choose a company".to_string()));
        }
        if form.summary.is_empty() {
            errors.push((Field::Summary, "a ticket needs a summary".to_string()));
        }
        let scheduled = parse_local(&form.scheduled, cal);
        match (&scheduled, form.priority.get()) {
            (Err(m), _) => errors.push((Field::Scheduled, m.clone())),
            (Ok(None), 5) => errors.push((
                Field::Scheduled,
                "a P5 (planned) ticket needs its scheduled time".to_string(),
            )),
            _ => {}
        }
        self.errors = errors;
        if !self.errors.is_empty() {
            return None;
        }
        Some((form, scheduled.ok().flatten()))
    }
}

/// "YYYY-MM-DD HH:MM" in the calendar's zone, or RFC 3339; empty is none.
pub fn parse_local(text: &str, cal: &crate::domain::sla::Calendar) -> Result<Option<i64>, String> {
    let t = text.trim();
    if t.is_empty() {
        return Ok(None);
    }
    if let Ok(i) = crate::domain::time::parse_instant(t) {
        return Ok(Some(i.timestamp()));
    }
    let naive = chrono::NaiveDateTime::parse_from_str(t, "%Y-%m-%d %H:%M")
        .map_err(|_| format!("{t:?}: write YYYY-MM-DD HH:MM"))?;
    cal.local_to_utc(naive)
        .map(|u| Some(u.timestamp()))
        .ok_or_else(|| format!("{t:?} does not exist in {}", cal.zone))
}
