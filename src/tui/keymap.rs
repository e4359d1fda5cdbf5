//! Keys are data: the config's `[keys.*]` tables resolve key presses to
//! actions, and the same table feeds `?` help and the footer's hints.

use std::collections::HashMap;

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::action::Action;
use super::state::directory::DirectoryKey;
use super::state::invoices::InvoiceKey;
use super::tab::Tab;
use crate::config::{Config, KeyList};

/// Where a binding applies. Global bindings apply everywhere but the editor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Section {
    Global,
    List,
    Queue,
    Ticket,
    /// The SLA board.
    Sla,
    /// Quick actions on a ticket: from the queue, the SLA board and the ticket view.
    Actions,
    Editor,
    Directory,
    /// The Invoices tab (list, detail, agreements).
    Invoices,
}

impl Section {
    pub fn name(self) -> &'static str {
        match self {
            Section::Global => "global",
            Section::List => "list",
            Section::Queue => "queue",
            Section::Ticket => "ticket",
            Section::Actions => "actions",
            Section::Sla => "sla",
            Section::Editor => "editor",
            Section::Directory => "directory",
            Section::Invoices => "invoices",
        }
    }
    fn parse(s: &str) -> Option<Section> {
        CATALOGUE.iter().map(|b| b.section).find(|sec| sec.name() == s)
    }
}

/// One bindable action: where, its config name, and what `?` says of it.
pub struct Bindable {
    pub section: Section,
    pub name: &'static str,
    pub action: Action,
    pub description: &'static str,
    /// The footer's word for it; None keeps it out of the footer.
    pub hint: Option<&'static str>,
}

macro_rules! catalogue {
    (@hint) => { None };
    (@hint $h:literal) => { Some($h) };
    ($($section:ident $name:literal => $action:expr, $desc:literal $(, $hint:literal)?;)+) => {
        pub const CATALOGUE: &[Bindable] = &[$(Bindable { section: Section::$section, name: $name, action: $action, description: $desc, hint: catalogue!(@hint $($hint)?) }),+];
    };
}

catalogue! {
    Global "quit" => Action::Quit, "quit pimdesk", "quit";
    Global "help" => Action::ToggleHelp, "show this help", "help";
    Global "palette" => Action::OpenPalette, "command palette", "commands";
    Global "goto_ticket" => Action::GoToTicket, "open ticket by number";
    Global "recent_tickets" => Action::RecentTickets, "recent tickets";
    Global "next_tab" => Action::NextTab, "next tab";
    Global "prev_tab" => Action::PrevTab, "previous tab";
    Global "tab_queue" => Action::GoTab(Tab::Queue), "Queue tab";
    Global "tab_sla" => Action::GoTab(Tab::Sla), "SLA tab";
    Global "tab_invoices" => Action::GoTab(Tab::Invoices), "Invoices tab";
    Global "tab_directory" => Action::GoTab(Tab::Directory), "Directory tab";
    List "down" => Action::Move(1), "move down", "down";
    List "up" => Action::Move(-1), "move up", "up";
    List "page_down" => Action::Page(1), "page down";
    List "page_up" => Action::Page(-1), "page up";
    List "first" => Action::First, "first row";
    List "last" => Action::Last, "last row";
    List "open" => Action::Open, "open the selected row", "open";
    List "refresh" => Action::Refresh, "reload from the store";
    Queue "sort_next" => Action::SortNext, "sort by next column", "sort";
    Queue "sort_reverse" => Action::SortReverse, "reverse the sort";
    Queue "next_view" => Action::NextView, "next saved view", "view";
    Queue "prev_view" => Action::PrevView, "previous saved view";
    Queue "mark" => Action::ToggleMark, "mark for a change to all", "mark";
    Queue "save_view" => Action::SaveView, "save the view as…";
    Queue "filter" => Action::StartFilter, "filter (status: p: …)", "filter";
    Sla "after_hours" => Action::ToggleAfterHours, "only clocks running now", "after hours";
    Queue "search" => Action::StartSearch, "full-text search", "search";
    Actions "new_ticket" => Action::NewTicket, "new ticket", "new";
    Actions "edit_ticket" => Action::EditTicket, "edit the ticket";
    Actions "assign_to_me" => Action::AssignToMe, "assign to me";
    Actions "assign_to" => Action::AssignTo, "assign to a technician";
    Actions "set_status" => Action::SetStatus, "set status";
    Actions "set_priority" => Action::SetPriority, "set priority";
    Actions "add_note" => Action::AddNote, "add a note";
    Actions "log_time" => Action::LogTime, "log time";
    Actions "timer" => Action::Timer, "start/stop the timer";
    Actions "acknowledge" => Action::Acknowledge, "acknowledge (respond)";
    Editor "save" => Action::Save, "save", "save";
    Editor "cancel" => Action::Cancel, "cancel", "cancel";
    Editor "next_field" => Action::NextField, "next field", "next";
    Editor "prev_field" => Action::PrevField, "previous field";
    Editor "undo" => Action::Undo, "undo";
    Editor "redo" => Action::Redo, "redo";
    Editor "toggle_internal" => Action::ToggleInternal, "note internal/visible";
    Ticket "back" => Action::Back, "back to the list", "back";
    Ticket "edit_note" => Action::EditNote, "correct your newest note";
    Directory "search" => Action::StartSearch, "search the directory", "search";
    Directory "copy_phone" => Action::CopyPhone, "copy phone (OSC 52)", "copy phone";
    Directory "copy_email" => Action::CopyEmail, "copy email (OSC 52)", "copy email";
    Directory "edit_level" => Action::EditLevel, "change security level", "level";
    Directory "back" => Action::Back, "back to the directory", "back";
    Directory "onboarding_status" => Action::Directory(DirectoryKey::Onboarding), "set checklist status";
    Directory "toggle_rotation" => Action::Directory(DirectoryKey::Rotation), "in rotation on/off";
    Invoices "pay" => Action::Invoice(InvoiceKey::Pay), "record a payment", "pay";
    Invoices "void" => Action::Invoice(InvoiceKey::Void), "void with a reason", "void";
    Invoices "void_payment" => Action::Invoice(InvoiceKey::VoidPayment), "reverse a payment", "reverse";
    Invoices "aging" => Action::Invoice(InvoiceKey::Aging), "aging chart on/off", "aging";
    Invoices "run" => Action::Invoice(InvoiceKey::Run), "invoice run preview", "run";
    Invoices "agreements" => Action::Invoice(InvoiceKey::Agreements), "agreements, prepaid", "agreements";
    Invoices "back" => Action::Back, "back to the invoices";
    Invoices "new_agreement" => Action::Invoice(InvoiceKey::NewAgreement), "new agreement";
    Invoices "end_agreement" => Action::Invoice(InvoiceKey::EndAgreement), "end an agreement";
    Invoices "complete_agreement" => Action::Invoice(InvoiceKey::CompleteAgreement), "project completed";
    Ticket "scroll_down" => Action::Move(1), "scroll down";
    Ticket "scroll_up" => Action::Move(-1), "scroll up";
    Ticket "page_down" => Action::Page(1), "page down";
    Ticket "page_up" => Action::Page(-1), "page up";
    Ticket "top" => Action::First, "top of the ticket";
    Ticket "bottom" => Action::Last, "end of the ticket";
}

/// Parses "C-s", "A-x", "Enter", "F1", "G", "?" into a key event.
pub fn parse_key(text: &str) -> Result<(KeyCode, KeyModifiers), String> {
    let mut mods = KeyModifiers::NONE;
    let mut rest = text;
    loop {
        if let Some(r) = rest.strip_prefix("C-").filter(|r| !r.is_empty()) {
            mods |= KeyModifiers::CONTROL;
            rest = r;
        } else if let Some(r) = rest.strip_prefix("A-").filter(|r| !r.is_empty()) {
            mods |= KeyModifiers::ALT;
            rest = r;
        } else {
            break;
        }
    }
    let code = match rest {
        "Enter" => KeyCode::Enter,
        "Esc" => KeyCode::Esc,
        "Tab" => KeyCode::Tab,
        "BackTab" => KeyCode::BackTab,
        "Up" => KeyCode::Up,
        "Down" => KeyCode::Down,
        "Left" => KeyCode::Left,
        "Right" => KeyCode::Right,
        "PageUp" => KeyCode::PageUp,
        "PageDown" => KeyCode::PageDown,
        "Home" => KeyCode::Home,
        "End" => KeyCode::End,
        "Backspace" => KeyCode::Backspace,
        "Delete" => KeyCode::Delete,
        "Space" => KeyCode::Char(' '),
        f if f.starts_with('F') && f.len() > 1 => match f[1..].parse::<u8>() {
            Ok(n @ 1..=12) => KeyCode::F(n),
            _ => return Err(format!("unknown key {text:?}")),
        },
        c if c.chars().count() == 1 => KeyCode::Char(c.chars().next().unwrap_or(' ')),
        _ => return Err(format!("unknown key {text:?} (a character, or Enter, Esc, Tab, BackTab, Up, Down, Left, Right, PageUp, PageDown, Home, End, Backspace, Delete, Space, F1-F12; C- and A- for Ctrl and Alt)")),
    };
    Ok((code, mods))
}

/// Config validation: the section and action exist and every key parses.
pub fn check_binding(section: &str, action: &str, keys: &KeyList) -> Result<(), String> {
    let sec = Section::parse(section).ok_or_else(|| format!("unknown key section [keys.{section}]"))?;
    if !CATALOGUE.iter().any(|b| b.section == sec && b.name == action) {
        let names: Vec<&str> = CATALOGUE.iter().filter(|b| b.section == sec).map(|b| b.name).collect();
        return Err(format!(
            "unknown action {action:?} in [keys.{section}]; actions here: {}",
            names.join(", ")
        ));
    }
    for k in keys.keys() {
        parse_key(k)?;
    }
    Ok(())
}

/// The sections each screen resolves keys in, most specific first. The
/// state picks one per screen; the config check refuses a key bound twice
/// on the same screen, since the first match would hide the other.
pub mod screens {
    use super::Section::{self, *};
    pub const EDITOR: &[Section] = &[Editor];
    pub const TICKET: &[Section] = &[Ticket, Actions, Global];
    pub const QUEUE: &[Section] = &[Queue, Actions, List, Global];
    pub const SLA: &[Section] = &[Sla, Actions, List, Global];
    pub const INVOICES: &[Section] = &[Invoices, List, Global];
    pub const DIRECTORY: &[Section] = &[Directory, List, Global];
    pub const LIST: &[Section] = &[List, Global];
    pub const ALL: &[&[Section]] = &[EDITOR, TICKET, QUEUE, SLA, INVOICES, DIRECTORY, LIST];
}

/// Two actions one key would reach on the same screen.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("key {key:?} is bound to both keys.{section}.{action} and keys.{other_section}.{other_action}, which are active on the same screen; bind one of them to another key")]
pub struct Collision {
    pub key: String,
    pub section: &'static str,
    pub action: &'static str,
    pub other_section: &'static str,
    pub other_action: &'static str,
}

/// Config validation: no key reaches two actions on one screen.
pub fn check_collisions(config: &Config) -> Result<(), Collision> {
    for screen in screens::ALL {
        let mut seen: HashMap<(KeyCode, KeyModifiers), (&Bindable, &str)> = HashMap::new();
        for b in CATALOGUE.iter().filter(|b| screen.contains(&b.section)) {
            let keys = config.keys.get(b.section.name()).and_then(|s| s.get(b.name));
            for label in keys.map(|k| k.keys()).unwrap_or_default() {
                let Ok(key) = parse_key(label) else { continue };
                match seen.get(&key) {
                    Some((first, _)) if first.action != b.action => {
                        return Err(Collision {
                            key: label.to_string(),
                            section: b.section.name(),
                            action: b.name,
                            other_section: first.section.name(),
                            other_action: first.name,
                        })
                    }
                    Some(_) => {}
                    None => {
                        seen.insert(key, (b, label));
                    }
                }
            }
        }
    }
    Ok(())
}

/// Resolved bindings, built once from the config.
pub struct Keymap {
    map: HashMap<(Section, KeyCode, KeyModifiers), Action>,
    /// For help: (section, key labels, description).
    pub help: Vec<(Section, String, &'static str)>,
    /// For the footer: (section, first key, hint word).
    pub hints: Vec<(Section, String, &'static str)>,
}

impl Keymap {
    pub fn from_config(config: &Config) -> Keymap {
        let mut map = HashMap::new();
        let mut help = Vec::new();
        let mut hints = Vec::new();
        for b in CATALOGUE {
            let keys = config.keys.get(b.section.name()).and_then(|s| s.get(b.name));
            let labels: Vec<&str> = keys.map(|k| k.keys()).unwrap_or_default();
            for label in &labels {
                if let Ok((code, mods)) = parse_key(label) {
                    map.insert((b.section, code, mods), b.action.clone());
                }
            }
            if let (Some(first), Some(hint)) = (labels.first(), b.hint) {
                hints.push((b.section, first.to_string(), hint));
            }
            if !labels.is_empty() {
                help.push((b.section, labels.join(" "), b.description));
            }
        }
        Keymap { map, help, hints }
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
