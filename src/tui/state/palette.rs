//! `:` the command palette: every action of the screen under it, found by
//! typing words of its description, run with Enter.

use crate::tui::action::Action;
use crate::tui::keymap::{Section, CATALOGUE};

#[derive(Debug, Clone, PartialEq)]
pub struct Palette {
    pub input: super::line::LineInput,
    pub highlight: usize,
    /// Catalogue entries in scope on the screen the palette was opened over.
    pub scope: Vec<usize>,
}

/// What a key did in the palette.
pub enum Outcome {
    Stay,
    Close,
    Run(Action),
}

impl Palette {
    pub fn new(sections: &[Section]) -> Palette {
        let scope = CATALOGUE
            .iter()
            .enumerate()
            .filter(|(_, b)| {
                sections.contains(&b.section)
                    && b.section != Section::Editor
                    && b.command != crate::keys::Command::OpenPalette
            })
            .map(|(i, _)| i)
            .collect();
        Palette {
            input: super::line::LineInput::default(),
            highlight: 0,
            scope,
        }
    }

    /// The ticket number typed (`4999` or `#4999`), if that is what it is.
    pub fn ticket(&self) -> Option<i64> {
        super::input::ticket_number(self.input.text())
    }

    /// Entries whose description or name holds every typed word.
    pub fn matches(&self) -> Vec<usize> {
        let words: Vec<String> = self.input.text().split_whitespace().map(str::to_lowercase).collect();
        self.scope
            .iter()
            .copied()
            .filter(|i| {
                let b = &CATALOGUE[*i];
                let hay = format!("{} {} {}", b.description, b.name.replace('_', " "), b.section.name()).to_lowercase();
                words.iter().all(|w| hay.contains(w.as_str()))
            })
            .collect()
    }

    pub fn key(&mut self, action: &Action) -> Outcome {
        match action {
            Action::Move(1) => self.highlight = (self.highlight + 1).min(self.matches().len().saturating_sub(1)),
            Action::Move(-1) => self.highlight = self.highlight.saturating_sub(1),
            Action::Submit => {
                // A number is a ticket to open.
                if let Some(id) = self.ticket() {
                    return Outcome::Run(Action::OpenTicket(id));
                }
                return match self.matches().get(self.highlight) {
                    Some(i) => match crate::tui::keymap::action(CATALOGUE[*i].command) {
                        Some(a) => Outcome::Run(a),
                        None => Outcome::Stay,
                    },
                    None => Outcome::Stay,
                };
            }
            Action::Key(k) if self.input.key(*k) => self.highlight = 0,
            Action::Cancel => return Outcome::Close,
            Action::NextField => self.highlight = (self.highlight + 1).min(self.matches().len().saturating_sub(1)),
            Action::PrevField => self.highlight = self.highlight.saturating_sub(1),
            Action::Paste(t) => {
                self.input.insert(t);
                self.highlight = 0;
            }
            _ => {}
        }
        Outcome::Stay
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn typed(p: &mut Palette, text: &str) {
        for c in text.chars() {
            p.key(&Action::Key(ratatui::crossterm::event::KeyCode::Char(c).into()));
        }
    }

    #[test]
    fn finds_an_action_by_words_and_runs_it() {
        let mut p = Palette::new(&[Section::Queue, Section::Actions, Section::List, Section::Global]);
        typed(&mut p, "assign me");
        let found: Vec<&str> = p.matches().iter().map(|i| CATALOGUE[*i].name).collect();
        assert_eq!(found, ["assign_to_me"]);
        assert!(matches!(p.key(&Action::Submit), Outcome::Run(Action::AssignToMe)));
    }

    #[test]
    fn offers_only_the_screens_actions() {
        let p = Palette::new(&[Section::List, Section::Global]);
        let names: Vec<&str> = p.scope.iter().map(|i| CATALOGUE[*i].name).collect();
        assert!(names.contains(&"quit") && names.contains(&"down"));
        assert!(!names.contains(&"assign_to_me") && !names.contains(&"save"));
    }
}
