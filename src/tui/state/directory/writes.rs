//! The Directory tab's writes: a checklist step's status (the picker over an
//! open company's onboarding checklist) and whether a technician takes part
//! in the after-hours rotation. Both are for a dispatcher or an admin; the
//! worker (`worker_directory.rs`) checks the role again in the store.

use chrono::NaiveDate;

use super::{DirectoryState, Row};
use crate::domain::onboarding::ItemStatus;
use crate::domain::permissions::{refusal, Duty};
use crate::tui::action::{Action, Effect};
use crate::tui::state::message::Message;
use crate::tui::state::AppState;

/// The tab's keys for writes (`[keys.directory]`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DirectoryKey {
    /// Open the status picker on the selected checklist step (again: next status).
    Onboarding,
    /// The selected technician joins or leaves the fallback rotation.
    Rotation,
}

/// Work for the store worker; answered by `ContactSaved` or `StoreFailed`.
#[derive(Debug, Clone, PartialEq)]
pub enum DirectoryEffect {
    SetOnboarding {
        company_id: i64,
        /// 0-based, as stored.
        position: i64,
        status: ItemStatus,
        /// Today in the calendar's zone.
        date: NaiveDate,
        /// "Acme Family Dental, step 3", for the message.
        label: String,
        at: i64,
    },
    SetOncall {
        login: String,
        on: bool,
        at: i64,
    },
}

/// The status picker over one checklist step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StepPicker {
    pub company: usize,
    pub position: usize,
    /// Index into `ItemStatus::ALL`.
    pub selected: usize,
}

fn effect(e: DirectoryEffect) -> Effect {
    Effect::Directory(Box::new(e))
}

/// None when the role keeps the directory (dispatcher or admin), else why not.
/// `o` on an open company's checklist step: the status picker.
pub fn start_step_picker(s: &mut AppState) -> Vec<Effect> {
    let Some((company, position)) = s.directory.selected_step() else {
        s.message = Some(Message::info(
            "open a company (Enter) and move onto a checklist step to set its status",
        ));
        return vec![];
    };
    if let Some(m) = refusal(s.me.role, &s.me.login, Duty::Directory, "setting a checklist step") {
        s.message = Some(Message::error(format!("refused: {m}")));
        return vec![];
    }
    let current = s
        .directory
        .checklist(company)
        .nth(position)
        .and_then(|i| i.status.parse::<ItemStatus>().ok())
        .unwrap_or(ItemStatus::Pending);
    // Start on the next status: one `o` and Enter moves a step along.
    let at = ItemStatus::ALL.iter().position(|x| *x == current).unwrap_or(0);
    s.directory.step_picker = Some(StepPicker {
        company,
        position,
        selected: (at + 1) % ItemStatus::ALL.len(),
    });
    vec![]
}

/// Keys while the step picker is open.
pub fn step_picker_key(s: &mut AppState, action: &Action) -> Option<Vec<Effect>> {
    let p = s.directory.step_picker.as_mut()?;
    let n = ItemStatus::ALL.len() as i64;
    match action {
        Action::Move(d) => p.selected = (p.selected as i64 + i64::from(*d)).rem_euclid(n) as usize,
        Action::Directory(DirectoryKey::Onboarding) => p.selected = (p.selected + 1) % ItemStatus::ALL.len(),
        Action::Back => s.directory.step_picker = None,
        Action::Open => return Some(save_step(s)),
        Action::Quit | Action::Hangup | Action::Resize(..) | Action::Tick => return None,
        _ => {}
    }
    Some(vec![])
}

fn save_step(s: &mut AppState) -> Vec<Effect> {
    let Some(p) = s.directory.step_picker.take() else {
        return vec![];
    };
    let status = ItemStatus::ALL[p.selected % ItemStatus::ALL.len()];
    let d = &s.directory;
    let Some(company) = d.data.companies.get(p.company) else {
        return vec![];
    };
    let Some(item) = d.checklist(p.company).nth(p.position) else {
        return vec![];
    };
    if item.status == status.as_str() {
        s.message = Some(Message::info(format!("step {} is already {status}", p.position + 1)));
        return vec![];
    }
    let label = format!("{}, step {}", company.name, p.position + 1);
    let e = effect(DirectoryEffect::SetOnboarding {
        company_id: company.id,
        position: item.position,
        status,
        date: crate::tui::state::invoices::today(s),
        label,
        at: s.now.timestamp(),
    });
    s.message = Some(Message::info(format!("saving step {}…", p.position + 1)));
    vec![e]
}

/// `R` on a technician: joins or leaves the fallback rotation.
pub fn toggle_rotation(s: &mut AppState) -> Vec<Effect> {
    let Some(Row::Technician(i)) = s.directory.open.is_none().then(|| s.directory.selected_row()).flatten() else {
        s.message = Some(Message::info("select a technician to change the after-hours rotation"));
        return vec![];
    };
    if let Some(m) = refusal(s.me.role, &s.me.login, Duty::Directory, "changing the on-call rotation") {
        s.message = Some(Message::error(format!("refused: {m}")));
        return vec![];
    }
    let Some(t) = s.directory.data.technicians.get(i) else {
        return vec![];
    };
    let (login, on) = (t.login.clone(), !t.oncall);
    s.directory.pending_note = s.directory.config_rotation().then(|| CONFIG_NOTE.to_string());
    s.message = Some(Message::info(match &s.directory.pending_note {
        Some(note) => format!("saving {login}'s rotation… {note}"),
        None => format!("saving {login}'s rotation…"),
    }));
    vec![effect(DirectoryEffect::SetOncall {
        login,
        on,
        at: s.now.timestamp(),
    })]
}

/// Said whenever the rotation changes while the config names its own list.
pub const CONFIG_NOTE: &str = "the config's [oncall] rotation list is in force; this only changes the fallback";

impl DirectoryState {
    /// The open company's checklist step under the cursor: (company, position).
    /// The company view's cursor runs over its contacts, then its steps.
    pub fn selected_step(&self) -> Option<(usize, usize)> {
        let o = self.open.as_ref()?;
        let position = o.cursor.selected.checked_sub(o.contacts.len())?;
        (position < self.checklist(o.company).count()).then_some((o.company, position))
    }

    /// The config names the rotation itself (`[oncall] rotation`).
    pub fn config_rotation(&self) -> bool {
        !self.oncall_config.rotation.is_empty()
    }
}

#[cfg(test)]
mod tests;
