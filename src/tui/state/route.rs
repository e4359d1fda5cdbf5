//! Who owns an action. Answers (the worker's loads and writes, the
//! terminal's size) go by value to the state they fill; a user's action goes
//! to what has the focus (a prompt, an overlay, the open ticket, the tab),
//! and what that leaves to the shell: tabs, help, quit, then the lists.

use chrono::{DateTime, Utc};

use super::{answers, directory, input, invoices, navigate, overlay, quick, shell, AppState};
use crate::tui::action::{Action, Effect};
use crate::tui::tab::Tab;

/// What takes a user's keys, innermost first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Focus {
    /// A one-line prompt: `#`, `/`, `f`, the view name, the Directory search.
    Prompt,
    /// The editor, a form, a picker or a dialog over the screen.
    Overlay,
    Help,
    /// A form of the Invoices tab (payment, void, run, agreement).
    InvoiceForm,
    /// The open ticket, over whichever tab.
    Ticket,
    Tab(Tab),
}

impl AppState {
    pub fn focus(&self) -> Focus {
        let prompt = self.goto_input.is_some()
            || self.view_name_input.is_some()
            || self.queue.search_input.is_some()
            || self.queue.filter_input.is_some()
            || (self.tab == Tab::Directory && self.directory.search_input.is_some());
        if prompt {
            Focus::Prompt
        } else if self.overlay.is_some() {
            Focus::Overlay
        } else if self.help {
            Focus::Help
        } else if self.ticket.is_some() {
            Focus::Ticket
        } else if self.tab == Tab::Invoices && invoices::form_open(self) {
            Focus::InvoiceForm
        } else {
            Focus::Tab(self.tab)
        }
    }
}

/// Everything `update` is given but the clock's tick.
pub(super) fn route(s: &mut AppState, action: Action, now: DateTime<Utc>) -> Vec<Effect> {
    s.now = now;
    s.queue.query.soon_until = now.timestamp() + s.rules.breaching_soon_secs;
    if is_answer(&action) {
        return answer(s, action);
    }
    if !matches!(action, Action::Quit) {
        s.quit_armed = false;
    }
    user(s, action, now)
}

/// Actions that report what happened rather than ask for something.
fn is_answer(a: &Action) -> bool {
    answers::is_data(a)
        || matches!(
            a,
            Action::Saved { .. }
                | Action::SaveRefused { .. }
                | Action::ContactSaved(_)
                | Action::SavedViewsLoaded { .. }
                | Action::ChoicesLoaded(_)
                | Action::DraftFound(_)
                | Action::ComplianceLoaded(_)
                | Action::Resize(..)
                | Action::Hangup
        )
}

fn answer(s: &mut AppState, action: Action) -> Vec<Effect> {
    match action {
        Action::Hangup => answers::hang_up(s),
        Action::Resize(w, h) => shell::resize(s, w, h),
        Action::InvoiceData(data) => invoices::arrived(s, *data),
        Action::Saved { .. } | Action::SaveRefused { .. } if s.invoices.saving => invoices::write_answered(s, action),
        Action::DirectoryLoaded(d) => directory::loaded(s, *d),
        Action::ContactSaved(message) => directory::contact_saved(s, message),
        Action::SaveRefused { .. } => overlay::handle(s, &action).unwrap_or_default(),
        Action::SavedViewsLoaded { views, saved } => shell::views_loaded(s, views, saved),
        Action::TimerLoaded(t) => {
            s.timer = t;
            vec![]
        }
        a @ (Action::MailHeldLoaded(_)
        | Action::HeldLoaded(_)
        | Action::MailReviewed(_)
        | Action::ChoicesLoaded(_)
        | Action::DraftFound(_)
        | Action::Saved { .. }) => answers::data(s, a),
        Action::StoreFailed(m) => {
            directory::store_failed(s);
            answers::answer(s, Action::StoreFailed(m)).unwrap_or_default()
        }
        other => answers::answer(s, other).unwrap_or_default(),
    }
}

/// A key or command: the focus first, then the shell, then the lists.
fn user(s: &mut AppState, action: Action, now: DateTime<Utc>) -> Vec<Effect> {
    let focus = s.focus();
    let owned = match focus {
        Focus::Prompt => input::goto_key(s, &action)
            .or_else(|| input::line_key(s, &action))
            .or_else(|| directory::handle(s, &action)),
        Focus::Overlay => overlay::handle(s, &action),
        Focus::Help => None,
        Focus::InvoiceForm | Focus::Tab(Tab::Invoices) => invoices::handle(s, &action),
        Focus::Tab(Tab::Directory) => directory::handle(s, &action),
        Focus::Ticket | Focus::Tab(Tab::Queue | Tab::Sla) => quick::quick_action(s, &action),
    };
    if let Some(effects) = owned {
        return effects;
    }
    // What the focus leaves: quick actions (a new ticket from anywhere, or
    // on the ticket under help), then the shell's.
    if !matches!(focus, Focus::Ticket | Focus::Tab(Tab::Queue | Tab::Sla)) {
        if let Some(effects) = quick::quick_action(s, &action) {
            return effects;
        }
    }
    let action = match shell::handle(s, action) {
        Ok(effects) => return effects,
        Err(action) => action,
    };
    let action = match shell::window(s, action, now) {
        Ok(effects) => return effects,
        Err(action) => action,
    };
    match answers::answer(s, action) {
        Ok(effects) => effects,
        Err(action) => navigate::navigate(s, action),
    }
}
