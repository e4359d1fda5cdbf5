//! The queue's one-line inputs (search and filter). While one is open it sees
//! every key first; data and ticks pass through.

use ratatui::crossterm::event::KeyCode;

use super::line::LineInput;
use super::{is_data, AppState};
use crate::store::queue_filter::QueueFilter;
use crate::tui::action::{Action, Effect};
use crate::tui::state::message::Message;

enum Line {
    Edited,
    Enter(String),
    Esc,
    Pass,
}

/// `4999`, `#4999` or ` #4999 `: the ticket's number.
pub fn ticket_number(text: &str) -> Option<i64> {
    text.trim()
        .trim_start_matches('#')
        .parse::<i64>()
        .ok()
        .filter(|n| *n > 0)
}

fn edit(input: &mut LineInput, action: &Action) -> Line {
    match action {
        Action::Key(k) => match k.code {
            KeyCode::Enter => return Line::Enter(input.text().to_string()),
            KeyCode::Esc => return Line::Esc,
            _ => {
                input.key(*k);
            }
        },
        Action::Paste(text) => input.insert(text),
        Action::Resize(..) | Action::Hangup | Action::Tick => return Line::Pass,
        a if is_data(a) => return Line::Pass,
        _ => {}
    }
    Line::Edited
}

/// The `#` prompt, while open, sees keys before anything else.
pub fn goto_key(s: &mut AppState, action: &Action) -> Option<Vec<Effect>> {
    let input = s.goto_input.as_mut()?;
    match edit(input, action) {
        Line::Pass => None,
        Line::Edited => Some(vec![]),
        Line::Esc => {
            s.goto_input = None;
            Some(vec![])
        }
        Line::Enter(text) => match ticket_number(&text) {
            Some(id) => {
                s.goto_input = None;
                Some(super::navigate::open_ticket(s, Some(id)))
            }
            None => {
                s.message = Some(Message::error(format!(
                    "{text:?} is not a ticket number: type its digits (#4999 or 4999), Enter opens it"
                )));
                Some(vec![])
            }
        },
    }
}

/// Handles the action if a queue input line is open; None lets it through.
pub fn line_key(s: &mut AppState, action: &Action) -> Option<Vec<Effect>> {
    if let Some(input) = s.queue.search_input.as_mut() {
        return match edit(input, action) {
            Line::Pass => None,
            Line::Edited => Some(vec![]),
            Line::Enter(words) => {
                s.queue.search_input = None;
                s.queue.query.search = Some(words).filter(|w| !w.is_empty());
                Some(s.queue.reload(&mut s.next_request))
            }
            Line::Esc => {
                s.queue.search_input = None;
                let had = s.queue.query.search.take().is_some();
                Some(if had {
                    s.queue.reload(&mut s.next_request)
                } else {
                    vec![]
                })
            }
        };
    }
    let input = s.queue.filter_input.as_mut()?;
    match edit(input, action) {
        Line::Pass => None,
        Line::Edited => Some(vec![]),
        Line::Enter(text) => match QueueFilter::parse(&text) {
            Ok(f) => {
                s.queue.filter_input = None;
                s.queue.query.filter = f;
                s.message = None;
                Some(s.queue.reload(&mut s.next_request))
            }
            Err(m) => {
                s.message = Some(Message::error(format!("filter refused: {m}")));
                Some(vec![])
            }
        },
        Line::Esc => {
            s.queue.filter_input = None;
            Some(vec![])
        }
    }
}
