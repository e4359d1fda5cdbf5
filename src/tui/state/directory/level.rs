//! The security level picker over a contact (`L`): the dispatcher's or an
//! admin's, and a question before a company loses its only admin contact.

use super::LevelPicker;
use crate::domain::permissions::{Role, SecurityLevel};
use crate::tui::action::{Action, Effect};
use crate::tui::state::message::Message;
use crate::tui::state::AppState;

pub(super) fn start_picker(s: &mut AppState) -> Vec<Effect> {
    let Some(contact) = s.directory.selected_contact() else {
        s.message = Some(Message::info(
            "select a contact (Enter on a company) to change a security level",
        ));
        return vec![];
    };
    if !s.me.role.is_some_and(Role::may_edit_contacts) {
        s.message = Some(Message::error(format!(
            "only a dispatcher (the concierge desk) or an admin may change security levels; you are {}",
            s.me.role.map_or("not known yet", Role::as_str)
        )));
        return vec![];
    }
    let current = s.directory.data.contacts[contact].level.parse::<SecurityLevel>().ok();
    let selected = SecurityLevel::ALL.iter().position(|l| Some(*l) == current).unwrap_or(0);
    s.directory.picker = Some(LevelPicker { contact, selected });
    vec![]
}

pub(super) fn picker_key(s: &mut AppState, action: &Action) -> Option<Vec<Effect>> {
    let p = s.directory.picker.as_mut()?;
    let n = SecurityLevel::ALL.len() as i64;
    match action {
        Action::Move(d) => p.selected = (p.selected as i64 + i64::from(*d)).rem_euclid(n) as usize,
        Action::EditLevel => p.selected = (p.selected + 1) % SecurityLevel::ALL.len(),
        Action::Back => s.directory.picker = None,
        Action::Open => return choose_level(s),
        Action::Quit | Action::Hangup | Action::Resize(..) | Action::Tick => return None,
        _ => {}
    }
    Some(vec![])
}

/// Enter on the level picker: the change, or first a question when it
/// would leave the company without an admin contact.
fn choose_level(s: &mut AppState) -> Option<Vec<Effect>> {
    let p = s.directory.picker.take()?;
    let c = &s.directory.data.contacts[p.contact];
    let level = SecurityLevel::ALL[p.selected];
    if c.level == level.as_str() {
        return Some(vec![]);
    }
    let Some(who) = s.me.user_id else {
        s.message = Some(Message::info("still finding out who you are; try again in a moment"));
        return Some(vec![]);
    };
    let effects = vec![Effect::SetContactLevel {
        contact_id: c.id,
        level: level.as_str().to_string(),
        who,
        at: s.now.timestamp(),
    }];
    let admin = SecurityLevel::Admin.as_str();
    let admins = s
        .directory
        .data
        .contacts
        .iter()
        .filter(|o| o.company_id == c.company_id && o.level == admin)
        .count();
    if c.level == admin && admins == 1 {
        // The company would have nobody left who may do what only an admin may.
        let lost: Vec<&str> = SecurityLevel::Admin
            .rights()
            .iter()
            .filter(|r| !level.rights().contains(r))
            .map(|r| r.words())
            .collect();
        s.overlay = Some(crate::tui::state::forms::Overlay::Confirm(
            crate::tui::state::forms::Confirm {
                title: format!("Demote {}", c.name),
                question: format!(
                    "{} is the only admin contact of {}: after this nobody there may {}. Make them {level} anyway?",
                    c.name,
                    c.company,
                    lost.join(", ")
                ),
                yes: format!("make them {level}"),
                effects,
            },
        ));
        return Some(vec![]);
    }
    s.message = Some(Message::info(format!("saving {}'s security level…", c.name)));
    Some(effects)
}
