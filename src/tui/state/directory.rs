//! The Directory tab: pim's departments, technicians (who is on call), client
//! companies with their contacts and onboarding checklist; one search across
//! all of it; copying a number or address; editing a contact's security level.

mod level;
mod writes;

use chrono::{DateTime, Utc};

use super::lists::Cursor;
use super::AppState;
use crate::config::{Config, Department, OncallConfig};
use crate::domain::oncall::{coverage, Coverage, Rotation};
use crate::store::directory::{rotation_logins, Directory, OnboardingItem};
use crate::tui::action::{Action, Effect};
use crate::tui::state::message::Message;
pub use writes::{DirectoryEffect, DirectoryKey, StepPicker, CONFIG_NOTE};

/// One line of the overview list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Row {
    Header(&'static str),
    Department(usize),
    Technician(usize),
    Company(usize),
    Contact(usize),
}

/// Who is on call, as the status line shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OnCall {
    pub name: String,
    pub login: String,
    pub phone: String,
}

/// An open company: its contacts (indices into `data.contacts`) and checklist.
#[derive(Debug, Clone)]
pub struct CompanyOpen {
    pub company: usize,
    pub contacts: Vec<usize>,
    pub cursor: Cursor,
}

/// The security level picker over a contact.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LevelPicker {
    pub contact: usize,
    pub selected: usize,
}

#[derive(Debug, Default)]
pub struct DirectoryState {
    pub data: Directory,
    pub departments: Vec<Department>,
    oncall_config: OncallConfig,
    pub rotation: Option<Rotation>,
    /// Contacts per company, parallel to `data.companies`.
    pub contact_counts: Vec<usize>,
    pub rows: Vec<Row>,
    pub cursor: Cursor,
    pub search_input: Option<super::line::LineInput>,
    pub query: String,
    pub open: Option<CompanyOpen>,
    pub picker: Option<LevelPicker>,
    /// The status picker over a checklist step.
    pub step_picker: Option<StepPicker>,
    /// Added to the next save's message (the config's rotation is in force).
    pending_note: Option<String>,
    /// Outside contractual hours: who is on call now (the status line).
    pub on_call_now: Option<OnCall>,
    /// The rotation's technician this week (on call tonight).
    pub on_duty: Option<String>,
    pub loaded: bool,
}

impl DirectoryState {
    pub fn new(config: &Config) -> DirectoryState {
        let mut s = DirectoryState {
            departments: config.directory.departments.clone(),
            oncall_config: config.oncall.clone(),
            ..DirectoryState::default()
        };
        s.rebuild();
        s
    }

    /// The company's checklist, in order.
    pub fn checklist(&self, company: usize) -> impl Iterator<Item = &OnboardingItem> {
        let id = self.data.companies.get(company).map(|c| c.id);
        self.data.onboarding.iter().filter(move |i| Some(i.company_id) == id)
    }

    pub fn selected_row(&self) -> Option<Row> {
        self.rows.get(self.cursor.selected).copied()
    }

    /// The contact under the cursor (open company, or a search hit).
    pub fn selected_contact(&self) -> Option<usize> {
        match &self.open {
            Some(o) => o.contacts.get(o.cursor.selected).copied(),
            None => match self.selected_row() {
                Some(Row::Contact(i)) => Some(i),
                _ => None,
            },
        }
    }

    fn loaded(&mut self, data: Directory) {
        let open_id = self
            .open
            .as_ref()
            .and_then(|o| self.data.companies.get(o.company))
            .map(|c| c.id);
        let sel_contact = self
            .selected_contact()
            .and_then(|i| self.data.contacts.get(i))
            .map(|c| c.id);
        self.data = data;
        self.loaded = true;
        self.contact_counts = self
            .data
            .companies
            .iter()
            .map(|c| self.data.contacts.iter().filter(|ct| ct.company_id == c.id).count())
            .collect();
        let logins = rotation_logins(&self.oncall_config.rotation, &self.data.technicians);
        let c = &self.oncall_config;
        self.rotation = Rotation::new(logins, c.start, &c.handover).ok();
        self.rebuild();
        // Keep the open company and the selected contact across reloads.
        if let Some(company) = open_id.and_then(|id| self.data.companies.iter().position(|c| c.id == id)) {
            self.open_company(company, sel_contact);
        }
    }

    /// Rebuilds the overview rows from the data and the query.
    fn rebuild(&mut self) {
        let q = self.query.to_lowercase();
        let hit = |fields: &[&str]| q.is_empty() || fields.iter().any(|f| f.to_lowercase().contains(&q));
        let mut rows = Vec::new();
        let mut section = |title, items: Vec<Row>| {
            if !items.is_empty() || q.is_empty() {
                rows.push(Row::Header(title));
                rows.extend(items);
            }
        };
        let d = &self.data;
        section(
            "pim departments",
            (self.departments.iter().enumerate())
                .filter(|(_, x)| hit(&[&x.name, &x.phone, &x.email, &x.portal]))
                .map(|(i, _)| Row::Department(i))
                .collect(),
        );
        section(
            "Technicians",
            (d.technicians.iter().enumerate())
                .filter(|(_, t)| hit(&[&t.name, &t.login, &t.role, &t.phone, &t.email]))
                .map(|(i, _)| Row::Technician(i))
                .collect(),
        );
        section(
            "Client companies",
            (d.companies.iter().enumerate())
                .filter(|(_, c)| hit(&[&c.name, &c.industry, &c.city, &c.phone]))
                .map(|(i, _)| Row::Company(i))
                .collect(),
        );
        if !q.is_empty() {
            section(
                "Contacts",
                (d.contacts.iter().enumerate())
                    .filter(|(_, c)| hit(&[&c.name, &c.title, &c.email, &c.phone, &c.company, &c.level]))
                    .map(|(i, _)| Row::Contact(i))
                    .collect(),
            );
        }
        self.rows = rows;
        self.cursor = Cursor::default();
        self.step(1, 0);
    }

    /// Moves the cursor by `delta`, stepping over section headers.
    fn step(&mut self, delta: i64, height: usize) {
        let len = self.rows.len();
        self.cursor.move_by(delta, len, height.max(1));
        let dir = if delta < 0 { -1 } else { 1 };
        while let Some(Row::Header(_)) = self.selected_row() {
            let before = self.cursor.selected;
            self.cursor.move_by(dir, len, height.max(1));
            if self.cursor.selected == before {
                // A header at the end: go the other way (or stay on an empty list).
                if dir > 0 && before > 0 {
                    self.cursor.move_by(-1, len, height.max(1));
                    if self.cursor.selected == before {
                        break;
                    }
                    continue;
                }
                break;
            }
        }
        if self.cursor.selected > 0 && self.cursor.offset == self.cursor.selected {
            // Keep the section header in view above its first row.
            self.cursor.offset -= usize::from(matches!(self.rows.get(self.cursor.selected - 1), Some(Row::Header(_))));
        }
    }

    fn open_company(&mut self, company: usize, contact_id: Option<i64>) {
        let id = self.data.companies[company].id;
        let contacts: Vec<usize> = (self.data.contacts.iter().enumerate())
            .filter(|(_, c)| c.company_id == id)
            .map(|(i, _)| i)
            .collect();
        let at = contact_id
            .and_then(|cid| contacts.iter().position(|&i| self.data.contacts[i].id == cid))
            .unwrap_or(0);
        let mut cursor = Cursor::default();
        cursor.move_by(at as i64, contacts.len(), 8);
        self.open = Some(CompanyOpen {
            company,
            contacts,
            cursor,
        });
    }

    /// The phone (or email) of what is selected, if it has one.
    fn copy_target(&self, email: bool) -> Option<String> {
        let d = &self.data;
        let pick = |phone: &str, mail: &str| Some(if email { mail } else { phone }.to_string());
        let v = if let Some(i) = self.selected_contact() {
            let c = d.contacts.get(i)?;
            pick(&c.phone, &c.email)
        } else {
            match self.selected_row()? {
                Row::Department(i) => self.departments.get(i).and_then(|x| pick(&x.phone, &x.email)),
                Row::Technician(i) => d.technicians.get(i).and_then(|t| pick(&t.phone, &t.email)),
                Row::Company(i) => d.companies.get(i).and_then(|c| pick(&c.phone, "")),
                _ => None,
            }
        };
        v.filter(|s| !s.trim().is_empty())
    }

    /// Recomputes who is on call (at start, on load and each minute).
    pub fn refresh_oncall(&mut self, calendar: &crate::domain::sla::Calendar, now: DateTime<Utc>) {
        let Some(rot) = &self.rotation else {
            self.on_call_now = None;
            self.on_duty = None;
            return;
        };
        let person = |login: &str| {
            let t = self.data.technicians.iter().find(|t| t.login == login);
            OnCall {
                name: t.map_or(login.to_string(), |t| t.name.clone()),
                login: login.to_string(),
                phone: t.map(|t| t.phone.clone()).unwrap_or_default(),
            }
        };
        let (now_login, duty) = match coverage(calendar, rot, now) {
            Coverage::Office { tonight, .. } => (None, tonight),
            Coverage::AfterHours { login, .. } => (login, login),
        };
        self.on_call_now = now_login.map(person);
        self.on_duty = duty.map(str::to_string);
    }
}

/// Data for the directory arrives wherever the user is.
pub(super) fn loaded(s: &mut AppState, d: crate::store::directory::Directory) -> Vec<Effect> {
    s.directory.loaded(d);
    let (cal, now) = (s.rules.calendar.clone(), s.now);
    s.directory.refresh_oncall(&cal, now);
    vec![]
}

/// A refused save: the note kept for it is not for the next one.
pub(super) fn store_failed(s: &mut AppState) {
    s.directory.pending_note = None;
}

/// A contact change landed: say so (with the note kept for it) and reload.
pub(super) fn contact_saved(s: &mut AppState, message: String) -> Vec<Effect> {
    s.message = Some(Message::info(match s.directory.pending_note.take() {
        Some(note) => format!("{message}; {note}"),
        None => message,
    }));
    vec![Effect::LoadDirectory]
}

/// Routes an action to the Directory tab when it is on screen; None leaves
/// the action to the rest of `update`.
pub fn handle(s: &mut AppState, action: &Action) -> Option<Vec<Effect>> {
    if s.tab != crate::tui::tab::Tab::Directory || s.ticket.is_some() || s.help {
        return None;
    }
    if s.directory.search_input.is_some() {
        return search_key(s, action);
    }
    if s.directory.picker.is_some() {
        return level::picker_key(s, action);
    }
    if s.directory.step_picker.is_some() {
        return writes::step_picker_key(s, action);
    }
    let h = s.body_rows().saturating_sub(5);
    let d = &mut s.directory;
    match action {
        Action::Move(n) => move_by(d, i64::from(*n), h),
        Action::Page(n) => move_by(d, i64::from(*n) * h as i64, h),
        Action::First => move_by(d, -(1 << 30), h),
        Action::Last => move_by(d, 1 << 30, h),
        Action::Open => open(d),
        // Esc backs out one level: an open company, then a kept search.
        Action::Back | Action::Cancel => {
            if d.open.take().is_none() && !d.query.is_empty() {
                input_clear(d);
            }
        }
        Action::StartSearch => {
            d.open = None;
            d.search_input = Some(super::line::LineInput::new(&d.query));
        }
        Action::CopyPhone | Action::CopyEmail => return Some(copy(s, matches!(action, Action::CopyEmail))),
        Action::EditLevel => return Some(level::start_picker(s)),
        Action::Directory(DirectoryKey::Onboarding) => return Some(writes::start_step_picker(s)),
        Action::Directory(DirectoryKey::Rotation) => return Some(writes::toggle_rotation(s)),
        _ => return None,
    }
    Some(vec![])
}

fn move_by(d: &mut DirectoryState, n: i64, h: usize) {
    // An open company's cursor runs over its contacts, then its checklist.
    let steps = d.open.as_ref().map_or(0, |o| d.checklist(o.company).count());
    match d.open.as_mut() {
        Some(o) => o.cursor.move_by(n, o.contacts.len() + steps, 8),
        None => d.step(n, h),
    }
}

fn open(d: &mut DirectoryState) {
    if d.open.is_some() {
        return;
    }
    match d.selected_row() {
        Some(Row::Company(i)) => d.open_company(i, None),
        Some(Row::Contact(i)) => {
            let (cid, company_id) = (d.data.contacts[i].id, d.data.contacts[i].company_id);
            if let Some(company) = d.data.companies.iter().position(|c| c.id == company_id) {
                d.open_company(company, Some(cid));
            }
        }
        _ => {}
    }
}

fn copy(s: &mut AppState, email: bool) -> Vec<Effect> {
    match s.directory.copy_target(email) {
        Some(text) => {
            s.message = Some(Message::info(format!("copied {text}")));
            vec![Effect::Clipboard(text)]
        }
        None => {
            let what = if email { "email address" } else { "phone number" };
            s.message = Some(Message::info(format!("no {what} on this row to copy")));
            vec![]
        }
    }
}

/// The search line sees keys first; results narrow as you type.
fn search_key(s: &mut AppState, action: &Action) -> Option<Vec<Effect>> {
    let d = &mut s.directory;
    let input = d.search_input.as_mut()?;
    match action {
        Action::Key(k) if !input.key(*k) => return Some(vec![]),
        Action::Key(_) => {}
        Action::Submit => d.search_input = None,
        Action::Paste(text) => input.insert(text),
        Action::Back | Action::Cancel => {
            d.search_input = None;
            input_clear(d);
            return Some(vec![]);
        }
        _ => return None,
    }
    if let Some(i) = &d.search_input {
        d.query = i.text().to_string();
    }
    d.rebuild();
    Some(vec![])
}

fn input_clear(d: &mut DirectoryState) {
    d.query.clear();
    d.rebuild();
}

#[cfg(test)]
mod tests;
