//! `M`: the held mail — unknown senders, automatic mail, floods — for the
//! dispatcher to accept as a ticket of a company (the sender becomes its
//! contact if they are not one yet) or to drop, after one question.

use ratatui::crossterm::event::KeyCode;

use super::line::LineInput;
use super::AppState;
use crate::store::mail::held::Held;
use crate::tui::action::{Action, Effect};

#[derive(Debug, Default)]
pub struct MailReview {
    pub rows: Vec<Held>,
    pub loaded: bool,
    pub highlight: usize,
    /// Accepting: the company picker's filter and highlighted row.
    pub company: Option<(LineInput, usize)>,
    /// `d` asked "drop it?": `y` drops, any other key keeps it.
    pub confirm_drop: bool,
}

impl MailReview {
    pub fn loaded(&mut self, rows: Vec<Held>) {
        self.rows = rows;
        self.loaded = true;
        self.highlight = self.highlight.min(self.rows.len().saturating_sub(1));
    }

    pub fn selected(&self) -> Option<&Held> {
        self.rows.get(self.highlight)
    }

    /// The companies the picker's filter leaves.
    pub fn companies(&self, choices: &super::editor::Choices) -> Vec<super::lists::PickRow> {
        let needle = self
            .company
            .as_ref()
            .map_or(String::new(), |(f, _)| f.text().to_lowercase());
        choices
            .companies
            .iter()
            .filter(|c| needle.is_empty() || c.name.to_lowercase().contains(&needle))
            .map(|c| super::lists::PickRow::new(c.id, &c.name))
            .collect()
    }
}

/// Keys while the review is open; data and ticks go on.
pub fn handle(s: &mut AppState, a: &Action) -> Option<Vec<Effect>> {
    if super::is_data(a) || matches!(a, Action::Tick | Action::Resize(..) | Action::Hangup) {
        return None;
    }
    let now = s.now.timestamp();
    let Some(super::forms::Overlay::Mail(m)) = s.overlay.as_mut() else {
        return Some(vec![]);
    };
    if m.company.is_some() {
        return Some(pick_company(m, &s.choices, a, now));
    }
    if m.confirm_drop {
        m.confirm_drop = false;
        return Some(match (a, m.selected()) {
            (Action::Yes, Some(h)) => vec![Effect::DropMail { id: h.id, at: now }],
            _ => vec![],
        });
    }
    let n = m.rows.len();
    match a {
        Action::Key(k) => match k.code {
            KeyCode::Char('a') if n > 0 => m.company = Some((LineInput::default(), 0)),
            KeyCode::Char('d') if n > 0 => m.confirm_drop = true,
            _ => {}
        },
        Action::Move(1) | Action::NextField => m.highlight = (m.highlight + 1).min(n.saturating_sub(1)),
        Action::Move(-1) | Action::PrevField => m.highlight = m.highlight.saturating_sub(1),
        Action::Cancel | Action::Quit | Action::Back => s.overlay = None,
        _ => {}
    }
    Some(vec![])
}

/// The company picker of an accept: type to filter, Up/Down, Enter accepts,
/// Esc goes back to the list.
fn pick_company(m: &mut MailReview, choices: &super::editor::Choices, a: &Action, now: i64) -> Vec<Effect> {
    let options = m.companies(choices);
    let Some((filter, at)) = m.company.as_mut() else {
        return vec![];
    };
    match a {
        Action::Move(1) => *at = (*at + 1).min(options.len().saturating_sub(1)),
        Action::Move(-1) => *at = at.saturating_sub(1),
        Action::Submit => {
            let (Some(company_id), Some(h)) = (options.get(*at).map(|r| r.id), m.rows.get(m.highlight)) else {
                return vec![];
            };
            let id = h.id;
            m.company = None;
            return vec![Effect::AcceptMail {
                id,
                company_id,
                at: now,
            }];
        }
        Action::Key(k) if filter.key(*k) => *at = 0,
        Action::Paste(t) => {
            filter.insert(t);
            *at = 0;
        }
        Action::Cancel | Action::Back => m.company = None,
        _ => {}
    }
    vec![]
}
