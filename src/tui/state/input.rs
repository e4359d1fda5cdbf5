//! The queue's one-line inputs (search and filter). While one is open it sees
//! every key first; data and ticks pass through.

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
        Action::Submit => return Line::Enter(input.text().to_string()),
        Action::Cancel => return Line::Esc,
        Action::Key(k) => {
            input.key(*k);
        }
        Action::Paste(text) => input.insert(text),
        Action::Resize(..) | Action::Hangup | Action::Tick => return Line::Pass,
        a if is_data(a) => return Line::Pass,
        _ => {}
    }
    Line::Edited
}

/// The `#` prompt and the save-view name prompt, while open, see keys
/// before anything else.
pub fn goto_key(s: &mut AppState, action: &Action) -> Option<Vec<Effect>> {
    if let Some(input) = s.view_name_input.as_mut() {
        return match edit(input, action) {
            Line::Pass => None,
            Line::Edited => Some(vec![]),
            Line::Esc => {
                s.view_name_input = None;
                Some(vec![])
            }
            Line::Enter(name) if name.trim().is_empty() => {
                s.message = Some(Message::error("a saved view needs a name: type one, then Enter"));
                Some(vec![])
            }
            Line::Enter(name) => {
                s.view_name_input = None;
                Some(vec![Effect::SaveView {
                    name: name.trim().to_string(),
                    query: Box::new(s.queue.query.clone()),
                }])
            }
        };
    }
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
        // The list narrows with each key: every edit asks for its result (a
        // newer question replaces one still waiting in the worker, and the
        // answer to an older one is dropped), so typing never waits.
        let words = match edit(input, action) {
            Line::Pass => return None,
            Line::Edited => Some(input.text().to_string()),
            Line::Enter(words) => {
                s.queue.search_input = None;
                Some(words)
            }
            Line::Esc => {
                s.queue.search_input = None;
                s.queue.search_before.take()
            }
        };
        return Some(search_for(s, words));
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

/// Shows the search for `words` (none when blank), loading only when the
/// question changed.
fn search_for(s: &mut AppState, words: Option<String>) -> Vec<Effect> {
    let words = words.filter(|w| crate::store::tickets::fts_query(w).is_some());
    let same = |a: &Option<String>, b: &Option<String>| {
        a.as_deref().and_then(crate::store::tickets::fts_query)
            == b.as_deref().and_then(crate::store::tickets::fts_query)
    };
    if same(&s.queue.query.search, &words) {
        s.queue.query.search = words;
        return vec![];
    }
    s.queue.query.search = words;
    s.queue.reload(&mut s.next_request)
}
