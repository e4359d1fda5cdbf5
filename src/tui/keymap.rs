//! Keys are data: the config's `[keys.*]` tables resolve key presses to
//! actions, and the same table feeds `?` help and the footer's hints.

use std::collections::HashMap;

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::action::Action;
use super::state::directory::DirectoryKey;
use super::state::invoices::InvoiceKey;
use super::tab::Tab;
use crate::config::Config;
pub use crate::keys::{parse_key, screens, Bindable, Command, Section, CATALOGUE};

/// The console's action for a bound command (every command has one: the
/// test below holds it).
pub fn action(c: Command) -> Option<Action> {
    shell_action(c).or_else(|| work_action(c))
}

/// The shell's, the lists' and the queue's commands.
fn shell_action(c: Command) -> Option<Action> {
    Some(match c {
        Command::Quit => Action::Quit,
        Command::ToggleHelp => Action::ToggleHelp,
        Command::OpenPalette => Action::OpenPalette,
        Command::GoToTicket => Action::GoToTicket,
        Command::RecentTickets => Action::RecentTickets,
        Command::ReviewMail => Action::ReviewMail,
        Command::NextTab => Action::NextTab,
        Command::PrevTab => Action::PrevTab,
        Command::TabQueue => Action::GoTab(Tab::Queue),
        Command::TabSla => Action::GoTab(Tab::Sla),
        Command::TabInvoices => Action::GoTab(Tab::Invoices),
        Command::TabDirectory => Action::GoTab(Tab::Directory),
        Command::Down => Action::Move(1),
        Command::Up => Action::Move(-1),
        Command::PageDown => Action::Page(1),
        Command::PageUp => Action::Page(-1),
        Command::First => Action::First,
        Command::Last => Action::Last,
        Command::Open => Action::Open,
        Command::Refresh => Action::Refresh,
        Command::SortNext => Action::SortNext,
        Command::SortReverse => Action::SortReverse,
        Command::NextView => Action::NextView,
        Command::PrevView => Action::PrevView,
        Command::ToggleMark => Action::ToggleMark,
        Command::SaveView => Action::SaveView,
        Command::StartFilter => Action::StartFilter,
        Command::ToggleAfterHours => Action::ToggleAfterHours,
        Command::StartSearch => Action::StartSearch,
        _ => return None,
    })
}

/// The commands that work on a ticket, in a form, the Directory or the
/// Invoices tab.
fn work_action(c: Command) -> Option<Action> {
    Some(match c {
        Command::NewTicket => Action::NewTicket,
        Command::EditTicket => Action::EditTicket,
        Command::AssignToMe => Action::AssignToMe,
        Command::AssignTo => Action::AssignTo,
        Command::SetStatus => Action::SetStatus,
        Command::SetPriority => Action::SetPriority,
        Command::AddNote => Action::AddNote,
        Command::LogTime => Action::LogTime,
        Command::Timer => Action::Timer,
        Command::Acknowledge => Action::Acknowledge,
        Command::Save => Action::Save,
        Command::Cancel => Action::Cancel,
        Command::NextField => Action::NextField,
        Command::PrevField => Action::PrevField,
        Command::Undo => Action::Undo,
        Command::Redo => Action::Redo,
        Command::ToggleInternal => Action::ToggleInternal,
        Command::Back => Action::Back,
        Command::EditNote => Action::EditNote,
        Command::CopyPhone => Action::CopyPhone,
        Command::CopyEmail => Action::CopyEmail,
        Command::EditLevel => Action::EditLevel,
        Command::Onboarding => Action::Directory(DirectoryKey::Onboarding),
        Command::Rotation => Action::Directory(DirectoryKey::Rotation),
        Command::Pay => Action::Invoice(InvoiceKey::Pay),
        Command::Void => Action::Invoice(InvoiceKey::Void),
        Command::VoidPayment => Action::Invoice(InvoiceKey::VoidPayment),
        Command::Aging => Action::Invoice(InvoiceKey::Aging),
        Command::Run => Action::Invoice(InvoiceKey::Run),
        Command::Agreements => Action::Invoice(InvoiceKey::Agreements),
        Command::NewAgreement => Action::Invoice(InvoiceKey::NewAgreement),
        Command::EndAgreement => Action::Invoice(InvoiceKey::EndAgreement),
        Command::CompleteAgreement => Action::Invoice(InvoiceKey::CompleteAgreement),
        Command::Yes => Action::Yes,
        Command::No => Action::No,
        Command::Submit => Action::Submit,
        _ => return None,
    })
}

/// Resolved bindings, built once from the config.
pub struct Keymap {
    map: HashMap<(Section, KeyCode, KeyModifiers), Action>,
    /// For help: (section, key labels, description).
    pub help: Vec<(Section, String, &'static str)>,
    /// For the footer: (section, first key, hint word).
    pub hints: Vec<(Section, String, &'static str)>,
    /// The first key of each binding, by (section, name): what in-view
    /// hints say ("Enter", "y", "C-s").
    labels: HashMap<(Section, &'static str), String>,
}

impl Keymap {
    pub fn from_config(config: &Config) -> Keymap {
        let mut map = HashMap::new();
        let mut help = Vec::new();
        let mut hints = Vec::new();
        let mut first_keys = HashMap::new();
        for b in CATALOGUE {
            let keys = config.keys.get(b.section.name()).and_then(|s| s.get(b.name));
            let labels: Vec<&str> = keys.map(|k| k.keys()).unwrap_or_default();
            for label in &labels {
                if let Ok((code, mods)) = parse_key(label) {
                    if let Some(a) = action(b.command) {
                        map.insert((b.section, code, mods), a);
                    }
                }
            }
            if let Some(first) = labels.first() {
                first_keys.insert((b.section, b.name), first.to_string());
            }
            if let (Some(first), Some(hint)) = (labels.first(), b.hint) {
                hints.push((b.section, first.to_string(), hint));
            }
            if !labels.is_empty() {
                help.push((b.section, labels.join(" "), b.description));
            }
        }
        Keymap {
            map,
            help,
            hints,
            labels: first_keys,
        }
    }

    /// The key an in-view hint names for a binding: its first key, or
    /// "(unbound)" when the config bound it to nothing.
    pub fn label(&self, section: Section, name: &'static str) -> &str {
        self.labels.get(&(section, name)).map_or("(unbound)", String::as_str)
    }

    /// What a key press does on the screen on show: its binding there, else
    /// the key itself (typing; a prompt binds only Enter, Esc, Up, Down).
    pub fn action_for(&self, state: &super::state::AppState, key: KeyEvent) -> Action {
        self.resolve(&state.sections(), key).unwrap_or(Action::Key(key))
    }

    /// The action for a key in the given sections, first match wins.
    pub fn resolve(&self, sections: &[Section], key: KeyEvent) -> Option<Action> {
        let mut mods = key.modifiers & (KeyModifiers::CONTROL | KeyModifiers::ALT);
        if !matches!(key.code, KeyCode::Char(_)) {
            mods = key.modifiers & (KeyModifiers::CONTROL | KeyModifiers::ALT | KeyModifiers::SHIFT);
            mods.remove(KeyModifiers::SHIFT);
        }
        sections
            .iter()
            .find_map(|s| self.map.get(&(*s, key.code, mods)).cloned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_command_of_the_catalogue_has_an_action() {
        for b in CATALOGUE {
            assert!(action(b.command).is_some(), "{} has no action", b.name);
        }
    }
}
