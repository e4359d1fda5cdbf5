//! The shell's own actions: the `#` ticket prompt and the palette's number,
//! recent tickets, and saving and stepping through saved views.

use super::forms;
use super::line;
use super::message::Message;
use super::navigate::open_ticket;
use super::AppState;
use crate::tui::action::{Action, Effect};
use crate::tui::tab::Tab;

/// Handles the action if it is one of these; gives it back otherwise.
pub(super) fn handle(s: &mut AppState, action: Action) -> Result<Vec<Effect>, Action> {
    Ok(match action {
        Action::SaveView if s.tab == Tab::Queue && s.ticket.is_none() => {
            s.view_name_input = Some(line::LineInput::new(
                s.queue
                    .saved_at
                    .and_then(|i| s.queue.saved.get(i))
                    .map_or("", |v| v.name.as_str()),
            ));
            vec![]
        }
        Action::PrevView if s.tab == Tab::Queue && s.ticket.is_none() => s.queue.step_view(-1, &mut s.next_request),
        Action::GoToTicket => {
            s.help = false;
            s.goto_input = Some(line::LineInput::default());
            vec![]
        }
        Action::OpenTicket(id) => {
            s.help = false;
            open_ticket(s, Some(id))
        }
        Action::RecentTickets => {
            if s.recent.is_empty() {
                s.message = Some(Message::info(
                    "no tickets opened yet this session (# opens one by number)",
                ));
            } else {
                s.overlay = Some(forms::Overlay::Recent(forms::RecentPick { highlight: 0 }));
            }
            vec![]
        }
        other => return Err(other),
    })
}

/// Quitting, help, the palette, tabs, resizes and Back: the window's own
/// actions; any other comes back.
pub(super) fn window(
    s: &mut AppState,
    action: Action,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Vec<Effect>, Action> {
    Ok(match action {
        Action::ReviewMail => {
            s.help = false;
            s.overlay = Some(forms::Overlay::Mail(Box::default()));
            vec![Effect::LoadHeld, Effect::LoadChoices]
        }
        // q in help closes help, as Esc does; it quits only from a screen.
        Action::Quit if s.help => {
            s.help = false;
            vec![]
        }
        Action::Quit => {
            match &s.timer {
                Some(t) if !s.quit_armed => {
                    s.quit_armed = true;
                    s.message = Some(Message::info(format!(
                        "your timer on #{} has run {}; it keeps running after you quit · quit again to leave",
                        t.ticket_id,
                        crate::domain::time::short_duration((now.timestamp() - t.started) / 60)
                    )));
                }
                _ => s.quit = true,
            }
            vec![]
        }
        Action::ToggleHelp => {
            s.help = !s.help;
            vec![]
        }
        Action::OpenPalette => {
            s.help = false;
            s.overlay = Some(forms::Overlay::Palette(super::palette::Palette::new(&s.sections())));
            vec![]
        }
        Action::NextTab => super::navigate::go_tab(s, s.tab.next()),
        Action::PrevTab => super::navigate::go_tab(s, s.tab.prev()),
        Action::GoTab(tab) => super::navigate::go_tab(s, tab),
        Action::Back | Action::Cancel | Action::Submit if s.help => {
            s.help = false;
            vec![]
        }
        Action::Back if s.ticket.is_some() => {
            s.ticket = None;
            vec![]
        }
        other => return Err(other),
    })
}

/// The saved views as the store has them; after a save, the one saved is
/// the one on screen.
pub(super) fn views_loaded(
    s: &mut AppState,
    views: Vec<crate::store::saved_views::SavedView>,
    saved: Option<String>,
) -> Vec<Effect> {
    s.queue.saved = views;
    if let Some(name) = saved {
        s.queue.saved_at = s.queue.saved.iter().position(|v| v.name == name);
        s.message = Some(Message::info(format!(
            "view \"{name}\" saved: v and V cycle it with the built-in views"
        )));
    }
    vec![]
}

/// The terminal's new size: pages and the open ticket's lines follow it.
pub(super) fn resize(s: &mut AppState, w: u16, h: u16) -> Vec<Effect> {
    s.set_size(w, h);
    if s.ticket.as_ref().is_some_and(|t| t.layout.width != w) {
        s.lay_out_ticket();
    }
    vec![]
}
