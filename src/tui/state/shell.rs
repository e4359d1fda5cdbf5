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
        Action::SavedViewsLoaded { views, saved } => {
            s.queue.saved = views;
            if let Some(name) = saved {
                s.queue.saved_at = s.queue.saved.iter().position(|v| v.name == name);
                s.message = Some(Message::info(format!(
                    "view \"{name}\" saved: v and V cycle it with the built-in views"
                )));
            }
            vec![]
        }
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
