//! The console's state and the pure `update(state, action, now) -> effects`.

mod answers;
pub mod directory;
pub mod editor;
pub mod forms;
pub mod input;
pub mod invoices;
pub mod line;
pub mod lists;
pub mod mail_review;
pub mod message;
mod navigate;
pub mod overlay;
mod overlay_picks;
pub mod palette;
pub mod queue;
mod quick;
mod route;
pub use route::Focus;
mod shell;
pub mod sla;
pub mod ticket_layout;

use chrono::{DateTime, Utc};

pub(crate) use self::answers::is_data;
use self::answers::tick;
use self::navigate::{navigate, reload_visible};
use self::queue::QueueState;
use super::action::{Action, Effect};
pub use super::tab::Tab;
use crate::config::Config;
use crate::domain::sla::{Calendar, SlaPolicy};
use crate::store::ticket_detail::TicketDetail;
use crate::tui::state::message::Message;

/// The open ticket (Enter on a row).
#[derive(Debug, Default)]
pub struct TicketView {
    pub id: i64,
    pub detail: Option<Box<TicketDetail>>,
    /// The contact's security level and, in words, what it allows.
    pub contact_rights: Option<String>,
    /// Each pause and how far it moved the response deadline (at load).
    pub pause_ledger: Vec<crate::domain::sla::LedgerEntry>,
    /// The first row on screen.
    pub scroll: usize,
    /// Its rows, laid out when the ticket arrived (or the width changed).
    pub layout: ticket_layout::TicketLayout,
    pub missing: bool,
    /// `e` on a list opened it: the editor opens once the ticket has loaded.
    pub edit_on_load: bool,
}

/// Who is at the console, and on which store.
#[derive(Debug, Clone, Default)]
pub struct Me {
    pub login: String,
    /// The technician's id once the store has it.
    pub user_id: Option<i64>,
    /// None until the store has said (a new login is a technician).
    pub role: Option<crate::domain::permissions::Role>,
    /// The store's file name, for the status line.
    pub store_label: String,
}

/// The config's rules and names the screens show, fixed for the session.
pub struct Rules {
    pub calendar: Calendar,
    pub policy: SlaPolicy,
    /// How far ahead "Breaching soon" looks.
    pub breaching_soon_secs: i64,
    /// P1..P5 names from the SLA table, for pickers.
    pub priority_names: Vec<String>,
    /// The guide's definition of each priority, P1 first.
    pub definitions: Vec<String>,
}

impl Rules {
    fn from_config(config: &Config) -> Rules {
        let of_sla = |what: fn(&crate::config::PriorityConfig) -> &String| -> Vec<String> {
            (1..=5)
                .map(|p| {
                    config
                        .sla
                        .get(&format!("p{p}"))
                        .map(|c| what(c).clone())
                        .unwrap_or_default()
                })
                .collect()
        };
        Rules {
            priority_names: of_sla(|c| &c.name),
            definitions: of_sla(|c| &c.definition),
            calendar: config.sla_calendar(),
            policy: config.sla_policy(),
            breaching_soon_secs: config.console.breaching_soon_minutes * 60,
        }
    }
}

pub struct AppState {
    pub tab: Tab,
    /// The editor or a small form, over everything else.
    pub overlay: Option<forms::Overlay>,
    pub choices: editor::Choices,
    /// The user's running timer, as the store has it.
    pub timer: Option<crate::store::timers::Timer>,
    /// Mail held for a dispatcher; the status line counts it.
    pub mail_held: i64,
    /// `q` was pressed once with a timer running: the next `q` quits.
    pub quit_armed: bool,
    /// When a draft was last written, and how often to write one.
    pub last_draft: i64,
    pub draft_interval: i64,
    pub help: bool,
    /// The `#` prompt for a ticket number, while open.
    pub goto_input: Option<line::LineInput>,
    /// The name prompt of `w` (save this view), while open.
    pub view_name_input: Option<line::LineInput>,
    /// Tickets opened this session, newest first: (id, summary).
    pub recent: Vec<lists::PickRow>,
    pub queue: QueueState,
    pub ticket: Option<TicketView>,
    pub sla: sla::SlaTab,
    pub invoices: invoices::InvoicesState,
    pub directory: directory::DirectoryState,
    pub me: Me,
    pub rules: Rules,
    pub now: DateTime<Utc>,
    pub size: (u16, u16),
    pub message: Option<message::Message>,
    pub quit: bool,
    pub dirty: bool,
    next_request: u64,
}

impl AppState {
    pub fn new(config: &Config, login: String, store_label: String, now: DateTime<Utc>) -> AppState {
        // The queue and the SLA board scroll alike (`console.scroll`).
        let line_scroll = config.console.scroll == "line";
        let mut s = AppState {
            tab: Tab::Queue,
            overlay: None,
            choices: editor::Choices::default(),
            timer: None,
            mail_held: 0,
            quit_armed: false,
            last_draft: now.timestamp(),
            draft_interval: config.console.draft_interval_secs.max(1) as i64,
            help: false,
            goto_input: None,
            view_name_input: None,
            recent: Vec::new(),
            queue: QueueState::new(line_scroll),
            ticket: None,
            sla: sla::SlaTab {
                board: QueueState::new(line_scroll),
                ..sla::SlaTab::default()
            },
            invoices: invoices::InvoicesState::new(config),
            directory: directory::DirectoryState::new(config),
            me: Me {
                login,
                user_id: None,
                role: None,
                store_label,
            },
            rules: Rules::from_config(config),
            now,
            size: (80, 24),
            message: None,
            quit: false,
            dirty: true,
            next_request: 0,
        };
        let policy = &s.rules.policy;
        for p in crate::domain::ticket::Priority::ALL {
            s.queue.query.round_the_clock[usize::from(p.get()) - 1] =
                policy.get(p).clock == crate::domain::sla::ClockKind::TwentyFourSeven;
        }
        // Outside contractual hours the first screen is what is burning now:
        // the clocks running at this moment.
        if s.after_hours() {
            s.tab = Tab::Sla;
            s.sla.after_hours = true;
        }
        s
    }

    /// Effects to run at start: who the user is, and the first screen's data.
    pub fn start(&mut self) -> Vec<Effect> {
        self.set_size(self.size.0, self.size.1);
        let mut e = vec![
            Effect::EnsureUser(self.me.login.clone()),
            Effect::LoadDraft,
            Effect::LoadTimer,
            Effect::LoadMailHeld,
        ];
        e.extend(self.queue.reload(&mut self.next_request));
        // The directory loads at start: the status line names who is on call.
        e.push(Effect::LoadDirectory);
        if self.tab == Tab::Sla {
            e.extend(self.sla_loads());
        }
        e
    }

    /// Rows a list body shows: the screen less tab bar, header, status line and footer.
    pub fn body_rows(&self) -> usize {
        usize::from(self.size.1.saturating_sub(5)).max(1)
    }

    /// Rows of clocks the SLA board shows: the body less the chart under it.
    pub fn sla_rows_on_screen(&self) -> usize {
        let chart = if self.sla.compliance.is_empty() {
            0
        } else {
            self.sla.compliance.len() + 2
        };
        self.body_rows().saturating_sub(chart).max(1)
    }

    fn set_size(&mut self, w: u16, h: u16) {
        self.size = (w, h);
        self.queue.page_height = self.body_rows();
        self.queue.scroll_to_cursor();
        self.sla.board.page_height = self.sla_rows_on_screen();
        self.sla.board.scroll_to_cursor();
    }

    /// The binding sections of the screen on show, most specific first.
    pub fn sections(&self) -> Vec<crate::tui::keymap::Section> {
        use crate::tui::keymap::screens;
        let state = self;
        if self.focus() == Focus::Prompt {
            return screens::PROMPT.to_vec();
        }
        if state.help && state.overlay.is_none() {
            return screens::HELP.to_vec();
        }
        self.screen_sections()
    }

    /// The sections of the screen itself, under `?` help (help lists them).
    pub fn screen_sections(&self) -> Vec<crate::tui::keymap::Section> {
        use crate::tui::keymap::screens;
        let state = self;
        if let Some(o) = &state.overlay {
            return o.sections().to_vec();
        }
        match (&state.ticket, state.tab) {
            (Some(_), _) => screens::TICKET.to_vec(),
            (None, Tab::Queue) => screens::QUEUE.to_vec(),
            (None, Tab::Sla) => screens::SLA.to_vec(),
            (None, Tab::Invoices) if invoices::run_ready(state) => screens::EDITOR_CONFIRM.to_vec(),
            (None, Tab::Invoices) if invoices::form_open(state) => screens::EDITOR.to_vec(),
            (None, Tab::Invoices) => screens::INVOICES.to_vec(),
            (None, Tab::Directory) => screens::DIRECTORY.to_vec(),
        }
    }

    /// The board's rows and count, and the 30-day chart at most once a
    /// minute. The same question refreshes the rows in place; a new one
    /// (the toggle, or the calendar opening or closing) starts at the top.
    pub(super) fn sla_loads(&mut self) -> Vec<Effect> {
        let now = self.now.timestamp();
        let query = sla::board_query(
            self.sla.after_hours,
            &self.rules.policy,
            self.rules.calendar.is_open(self.now),
        );
        let board = &mut self.sla.board;
        let mut e = if board.query != query || !board.loaded_once {
            board.query = query.clone();
            board.reload(&mut self.next_request)
        } else {
            board.refresh(&mut self.next_request)
        };
        e.push(Effect::CountClocks(Box::new(query)));
        if self.sla.compliance_at.is_none_or(|at| now - at >= 60) {
            self.sla.compliance_at = Some(now);
            e.push(Effect::LoadCompliance {
                since: now - sla::COMPLIANCE_DAYS * 86_400,
                now,
            });
        }
        e
    }

    /// Outside contractual hours: the after-hours marker is shown.
    pub fn after_hours(&self) -> bool {
        !self.rules.calendar.is_open(self.now)
    }

    /// The message on show, as text.
    pub fn message_text(&self) -> Option<&str> {
        self.message.as_ref().map(|m| m.text.as_str())
    }
}

/// How many tickets `Ctrl-O` offers.
pub const RECENT: usize = 10;

/// The one place state changes. Pure: time comes in as `now`.
/// `update` as the console calls it: a key press goes through the default
/// keymap of the screen on show first (for the state's tests).
#[cfg(test)]
pub(crate) fn press(s: &mut AppState, action: Action, now: DateTime<Utc>) -> Vec<Effect> {
    use std::sync::OnceLock;
    static KEYMAP: OnceLock<crate::tui::keymap::Keymap> = OnceLock::new();
    let keymap = KEYMAP.get_or_init(|| crate::tui::keymap::Keymap::from_config(&Config::defaults()));
    let action = match action {
        Action::Key(k) => keymap.action_for(s, k),
        other => other,
    };
    update(s, action, now)
}

/// The screen drawn at 80x24 with the default keys, as text (for the state's tests).
#[cfg(test)]
pub(crate) fn screen_text(s: &AppState) -> String {
    use ratatui::{backend::TestBackend, Terminal};
    let keymap = crate::tui::keymap::Keymap::from_config(&Config::defaults());
    let theme = crate::tui::view::theme::Theme { color: false };
    let mut t = Terminal::new(TestBackend::new(80, 24)).expect("test terminal");
    t.draw(|f| crate::tui::view::draw(f, s, &keymap, &theme)).expect("draw");
    let buf = t.backend().buffer().clone();
    (0..24)
        .map(|y| {
            (0..80)
                .map(|x| buf[(x, y)].symbol())
                .collect::<String>()
                .trim_end()
                .to_string()
        })
        .collect::<Vec<_>>()
        .join("\n")
}

pub fn update(s: &mut AppState, action: Action, now: DateTime<Utc>) -> Vec<Effect> {
    let mut effects = apply(s, action, now);
    effects.extend(queue::preview_load(s));
    // A new message starts its few seconds on screen now.
    if let Some(m) = s.message.as_mut().filter(|m| m.at == 0) {
        m.at = now.timestamp();
    }
    effects
}

fn apply(s: &mut AppState, action: Action, now: DateTime<Utc>) -> Vec<Effect> {
    s.dirty = true;
    match action {
        Action::Tick => tick(s, now),
        other => route::route(s, other, now),
    }
}
