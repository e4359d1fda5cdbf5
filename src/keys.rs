//! The key catalogue, shared by the config check and the console: every
//! bindable command with its section, config name, help text and footer
//! hint; key labels ("C-s", "PageDown") and the rule that no key reaches two
//! commands on one screen. It knows nothing of the console's actions
//! (`tui::keymap` turns a command into one) or of the config file.

use std::collections::HashMap;

use ratatui::crossterm::event::{KeyCode, KeyModifiers};

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
    /// A list over the screen to choose from: status and priority pickers,
    /// recent tickets, held mail.
    Pick,
    /// A yes/no question.
    Confirm,
    /// A line being typed: `#`, `/`, `f`, a view's name, a filtered picker.
    Prompt,
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
            Section::Pick => "pick",
            Section::Confirm => "confirm",
            Section::Prompt => "prompt",
        }
    }
    pub fn parse(s: &str) -> Option<Section> {
        CATALOGUE.iter().map(|b| b.section).find(|sec| sec.name() == s)
    }
}

/// One bindable command: where, its config name, and what `?` says of it.
pub struct Bindable {
    pub section: Section,
    pub name: &'static str,
    pub command: Command,
    pub description: &'static str,
    /// The footer's word for it; None keeps it out of the footer.
    pub hint: Option<&'static str>,
}

/// What a key can be bound to: one per distinct action of the catalogue
/// (the console turns each into its own action).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Command {
    Quit,
    ToggleHelp,
    OpenPalette,
    GoToTicket,
    RecentTickets,
    ReviewMail,
    NextTab,
    PrevTab,
    TabQueue,
    TabSla,
    TabInvoices,
    TabDirectory,
    Down,
    Up,
    PageDown,
    PageUp,
    First,
    Last,
    Open,
    Refresh,
    SortNext,
    SortReverse,
    NextView,
    PrevView,
    ToggleMark,
    SaveView,
    StartFilter,
    ToggleAfterHours,
    StartSearch,
    NewTicket,
    EditTicket,
    AssignToMe,
    AssignTo,
    SetStatus,
    SetPriority,
    AddNote,
    LogTime,
    Timer,
    Acknowledge,
    Save,
    Cancel,
    NextField,
    PrevField,
    Undo,
    Redo,
    ToggleInternal,
    Back,
    EditNote,
    CopyPhone,
    CopyEmail,
    EditLevel,
    Onboarding,
    Rotation,
    Pay,
    Void,
    VoidPayment,
    Aging,
    Run,
    Agreements,
    NewAgreement,
    EndAgreement,
    CompleteAgreement,
    Yes,
    No,
    Submit,
}

macro_rules! catalogue {
    (@hint) => { None };
    (@hint $h:literal) => { Some($h) };
    ($($section:ident $name:literal => $command:expr, $desc:literal $(, $hint:literal)?;)+) => {
        pub const CATALOGUE: &[Bindable] = &[$(Bindable { section: Section::$section, name: $name, command: $command, description: $desc, hint: catalogue!(@hint $($hint)?) }),+];
    };
}

catalogue! {
    Global "quit" => Command::Quit, "quit pimdesk", "quit";
    Global "help" => Command::ToggleHelp, "show this help", "help";
    Global "palette" => Command::OpenPalette, "command palette", "commands";
    Global "goto_ticket" => Command::GoToTicket, "open ticket by number";
    Global "recent_tickets" => Command::RecentTickets, "recent tickets";
    Global "review_mail" => Command::ReviewMail, "review held mail";
    Global "next_tab" => Command::NextTab, "next tab";
    Global "prev_tab" => Command::PrevTab, "previous tab";
    Global "tab_queue" => Command::TabQueue, "Queue tab";
    Global "tab_sla" => Command::TabSla, "SLA tab";
    Global "tab_invoices" => Command::TabInvoices, "Invoices tab";
    Global "tab_directory" => Command::TabDirectory, "Directory tab";
    List "down" => Command::Down, "move down", "down";
    List "up" => Command::Up, "move up", "up";
    List "page_down" => Command::PageDown, "page down";
    List "page_up" => Command::PageUp, "page up";
    List "first" => Command::First, "first row";
    List "last" => Command::Last, "last row";
    List "open" => Command::Open, "open the selected row", "open";
    List "refresh" => Command::Refresh, "reload from the store";
    Queue "sort_next" => Command::SortNext, "sort by next column", "sort";
    Queue "sort_reverse" => Command::SortReverse, "reverse the sort";
    Queue "next_view" => Command::NextView, "next saved view", "view";
    Queue "prev_view" => Command::PrevView, "previous saved view";
    Queue "mark" => Command::ToggleMark, "mark for a change to all", "mark";
    Queue "save_view" => Command::SaveView, "save the view as…";
    Queue "filter" => Command::StartFilter, "filter (status: p: …)", "filter";
    Sla "after_hours" => Command::ToggleAfterHours, "only clocks running now", "after hours";
    Queue "search" => Command::StartSearch, "full-text search", "search";
    Actions "new_ticket" => Command::NewTicket, "new ticket", "new";
    Actions "edit_ticket" => Command::EditTicket, "edit the ticket";
    Actions "assign_to_me" => Command::AssignToMe, "assign to me";
    Actions "assign_to" => Command::AssignTo, "assign to a technician";
    Actions "set_status" => Command::SetStatus, "set status";
    Actions "set_priority" => Command::SetPriority, "set priority";
    Actions "add_note" => Command::AddNote, "add a note";
    Actions "log_time" => Command::LogTime, "log time";
    Actions "timer" => Command::Timer, "start/stop the timer";
    Actions "acknowledge" => Command::Acknowledge, "acknowledge (respond)";
    Editor "save" => Command::Save, "save", "save";
    Editor "cancel" => Command::Cancel, "cancel", "cancel";
    Editor "next_field" => Command::NextField, "next field", "next";
    Editor "prev_field" => Command::PrevField, "previous field";
    Editor "undo" => Command::Undo, "undo";
    Editor "redo" => Command::Redo, "redo";
    Editor "toggle_internal" => Command::ToggleInternal, "note internal/visible";
    Ticket "back" => Command::Back, "back to the list", "back";
    Ticket "edit_note" => Command::EditNote, "correct your newest note";
    Directory "search" => Command::StartSearch, "search the directory", "search";
    Directory "copy_phone" => Command::CopyPhone, "copy phone (OSC 52)", "copy phone";
    Directory "copy_email" => Command::CopyEmail, "copy email (OSC 52)", "copy email";
    Directory "edit_level" => Command::EditLevel, "change security level", "level";
    Directory "back" => Command::Back, "back to the directory", "back";
    Directory "onboarding_status" => Command::Onboarding, "set checklist status";
    Directory "toggle_rotation" => Command::Rotation, "in rotation on/off";
    Invoices "pay" => Command::Pay, "record a payment", "pay";
    Invoices "void" => Command::Void, "void with a reason", "void";
    Invoices "void_payment" => Command::VoidPayment, "reverse a payment", "reverse";
    Invoices "aging" => Command::Aging, "aging chart on/off", "aging";
    Invoices "run" => Command::Run, "invoice run preview", "run";
    Invoices "agreements" => Command::Agreements, "agreements, prepaid", "agreements";
    Invoices "back" => Command::Back, "back to the invoices";
    Invoices "new_agreement" => Command::NewAgreement, "new agreement";
    Invoices "end_agreement" => Command::EndAgreement, "end an agreement";
    Invoices "complete_agreement" => Command::CompleteAgreement, "project completed";
    Queue "back" => Command::Back, "undo marks/search/filter";
    Pick "down" => Command::Down, "next choice", "down";
    Pick "up" => Command::Up, "previous choice", "up";
    Pick "choose" => Command::Open, "choose", "choose";
    Pick "close" => Command::Cancel, "close", "close";
    Confirm "yes" => Command::Yes, "yes, do it", "yes";
    Confirm "no" => Command::No, "no, change nothing", "no";
    Prompt "submit" => Command::Submit, "done typing: search, open, save", "done";
    Prompt "cancel" => Command::Cancel, "stop typing, change nothing", "cancel";
    Prompt "down" => Command::Down, "next choice (a filtered list)";
    Prompt "up" => Command::Up, "previous choice (a filtered list)";
    Ticket "scroll_down" => Command::Down, "scroll down";
    Ticket "scroll_up" => Command::Up, "scroll up";
    Ticket "page_down" => Command::PageDown, "page down";
    Ticket "page_up" => Command::PageUp, "page up";
    Ticket "top" => Command::First, "top of the ticket";
    Ticket "bottom" => Command::Last, "end of the ticket";
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
pub fn check_binding(section: &str, action: &str, keys: &[&str]) -> Result<(), String> {
    let sec = Section::parse(section).ok_or_else(|| format!("unknown key section [keys.{section}]"))?;
    if !CATALOGUE.iter().any(|b| b.section == sec && b.name == action) {
        let names: Vec<&str> = CATALOGUE.iter().filter(|b| b.section == sec).map(|b| b.name).collect();
        return Err(format!(
            "unknown action {action:?} in [keys.{section}]; actions here: {}",
            names.join(", ")
        ));
    }
    for k in keys {
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
    pub const PICK: &[Section] = &[Pick];
    /// A question, or held mail (its list, and `y` for a drop it asks about).
    pub const CONFIRM: &[Section] = &[Confirm, Pick];
    pub const PROMPT: &[Section] = &[Prompt];
    /// A time form asking whether to discard the timer; the run preview.
    pub const EDITOR_CONFIRM: &[Section] = &[Confirm, Editor];
    /// `?` help over any screen: Esc or Enter closes it, the global keys work.
    pub const HELP: &[Section] = &[Prompt, Global];
    pub const ALL: &[&[Section]] = &[
        EDITOR,
        TICKET,
        QUEUE,
        SLA,
        INVOICES,
        DIRECTORY,
        LIST,
        PICK,
        CONFIRM,
        PROMPT,
        EDITOR_CONFIRM,
        HELP,
    ];
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

/// Config validation: no key reaches two commands on one screen. `keys`
/// gives the labels bound to a (section, name).
pub fn check_collisions<'a>(keys: impl Fn(&str, &str) -> Vec<&'a str>) -> Result<(), Collision> {
    for screen in screens::ALL {
        let mut seen: HashMap<(KeyCode, KeyModifiers), (&Bindable, &'a str)> = HashMap::new();
        for b in CATALOGUE.iter().filter(|b| screen.contains(&b.section)) {
            for label in keys(b.section.name(), b.name) {
                let Ok(key) = parse_key(label) else { continue };
                match seen.get(&key) {
                    Some((first, _)) if first.command != b.command => {
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
