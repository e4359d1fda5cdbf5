//! A one-line prompt that edits like a shell line: the queue's search and
//! filter, the Directory search, the palette and the editor's pickers.
//! Left/Right (Ctrl-B/F), Home/End (Ctrl-A/E), Backspace, Delete, Ctrl-U
//! (to the start), Ctrl-K (to the end), Ctrl-W and Alt-Backspace (the word
//! before the cursor); pasted and typed text is one line, sanitised.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use crate::domain::text::sanitize_line;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LineInput {
    text: String,
    /// Characters before the cursor.
    cursor: usize,
}

impl LineInput {
    /// `text` with the cursor at its end.
    pub fn new(text: &str) -> LineInput {
        let text = sanitize_line(text);
        LineInput {
            cursor: text.chars().count(),
            text,
        }
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    pub fn is_empty(&self) -> bool {
        self.text.is_empty()
    }

    pub fn clear(&mut self) {
        self.text.clear();
        self.cursor = 0;
    }

    /// The text before and after the cursor (for drawing it between them).
    pub fn split(&self) -> (&str, &str) {
        self.text.split_at(self.byte(self.cursor))
    }

    fn byte(&self, chars: usize) -> usize {
        self.text.char_indices().nth(chars).map_or(self.text.len(), |(i, _)| i)
    }

    fn len(&self) -> usize {
        self.text.chars().count()
    }

    /// Inserts at the cursor.
    pub fn insert(&mut self, text: &str) {
        let text = sanitize_line(text);
        let at = self.byte(self.cursor);
        self.text.insert_str(at, &text);
        self.cursor += text.chars().count();
    }

    /// Removes the characters `from..to` (character positions).
    fn cut(&mut self, from: usize, to: usize) {
        let (a, b) = (self.byte(from), self.byte(to));
        self.text.replace_range(a..b, "");
        self.cursor = from;
    }

    /// The start of the word before the cursor (spaces, then the word).
    fn word_start(&self) -> usize {
        let chars: Vec<char> = self.text.chars().take(self.cursor).collect();
        let mut i = chars.len();
        while i > 0 && chars[i - 1].is_whitespace() {
            i -= 1;
        }
        while i > 0 && !chars[i - 1].is_whitespace() {
            i -= 1;
        }
        i
    }

    /// Applies an editing key and says whether it was one (Enter, Esc, Tab,
    /// Up/Down and the like are the prompt owner's).
    pub fn key(&mut self, k: KeyEvent) -> bool {
        let ctrl = k.modifiers.contains(KeyModifiers::CONTROL);
        let alt = k.modifiers.contains(KeyModifiers::ALT);
        let end = self.len();
        match k.code {
            KeyCode::Char('a') if ctrl => self.cursor = 0,
            KeyCode::Char('e') if ctrl => self.cursor = end,
            KeyCode::Char('b') if ctrl => self.cursor = self.cursor.saturating_sub(1),
            KeyCode::Char('f') if ctrl => self.cursor = (self.cursor + 1).min(end),
            KeyCode::Char('u') if ctrl => self.cut(0, self.cursor),
            KeyCode::Char('k') if ctrl => {
                let at = self.cursor;
                self.cut(at, end);
            }
            KeyCode::Char('w') if ctrl => self.cut(self.word_start(), self.cursor),
            KeyCode::Char('h') if ctrl => self.backspace(),
            KeyCode::Char('d') if ctrl => self.delete(),
            KeyCode::Backspace if alt || ctrl => self.cut(self.word_start(), self.cursor),
            // Other control chords are not text.
            KeyCode::Char(_) if ctrl || alt => return false,
            KeyCode::Char(c) => {
                let at = self.byte(self.cursor);
                self.text.insert(at, c);
                self.cursor += 1;
            }
            KeyCode::Backspace => self.backspace(),
            KeyCode::Delete => self.delete(),
            KeyCode::Left => self.cursor = self.cursor.saturating_sub(1),
            KeyCode::Right => self.cursor = (self.cursor + 1).min(end),
            KeyCode::Home => self.cursor = 0,
            KeyCode::End => self.cursor = end,
            _ => return false,
        }
        true
    }

    fn backspace(&mut self) {
        if self.cursor > 0 {
            let at = self.cursor;
            self.cut(at - 1, at);
        }
    }

    fn delete(&mut self) {
        if self.cursor < self.len() {
            let at = self.cursor;
            self.cut(at, at + 1);
            self.cursor = at;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn k(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, KeyModifiers::NONE)
    }

    fn ctrl(c: char) -> KeyEvent {
        KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL)
    }

    fn typed(l: &mut LineInput, s: &str) {
        for c in s.chars() {
            l.key(k(KeyCode::Char(c)));
        }
    }

    #[test]
    fn edits_like_a_shell_line() {
        let mut l = LineInput::default();
        typed(&mut l, "printer offline");
        assert!(l.key(ctrl('w')));
        assert_eq!(l.text(), "printer ");
        typed(&mut l, "jam");
        l.key(k(KeyCode::Home));
        typed(&mut l, "front ");
        assert_eq!(l.text(), "front printer jam");
        assert_eq!(l.split(), ("front ", "printer jam"));
        l.key(ctrl('e'));
        l.key(k(KeyCode::Left));
        l.key(k(KeyCode::Left));
        l.key(k(KeyCode::Backspace));
        assert_eq!(l.text(), "front printer am");
        l.key(k(KeyCode::Delete));
        assert_eq!(l.text(), "front printer m");
        l.key(ctrl('k'));
        assert_eq!(l.text(), "front printer ");
        l.key(ctrl('u'));
        assert!(l.is_empty(), "Ctrl-U clears to the start, it types no u");
        // Other chords are not text; Enter is the owner's.
        assert!(!l.key(ctrl('x')));
        assert!(!l.key(k(KeyCode::Enter)));
        assert!(l.is_empty());
    }

    #[test]
    fn pasted_text_lands_at_the_cursor_as_one_clean_line() {
        let mut l = LineInput::new("ab");
        l.key(k(KeyCode::Left));
        l.insert("x\ny\u{1b}[31m");
        assert_eq!(l.split().1, "b");
        assert!(
            !l.text().contains('\u{1b}') && !l.text().contains('\n'),
            "{:?}",
            l.text()
        );
        // Characters, not bytes: the cursor moves over é as one.
        let mut l = LineInput::new("café");
        l.key(k(KeyCode::Left));
        l.key(k(KeyCode::Backspace));
        assert_eq!(l.text(), "caé");
    }
}
