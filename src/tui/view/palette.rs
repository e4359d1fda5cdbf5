//! The command palette: the typed words, then the matching actions with
//! their keys, the highlighted one first to run.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Widget};

use super::key_of;
use super::theme::Theme;
use crate::tui::keymap::{Keymap, Section, CATALOGUE};
use crate::tui::state::palette::Palette;

pub struct PaletteView<'a> {
    pub palette: &'a Palette,
    pub keymap: &'a Keymap,
    pub theme: &'a Theme,
}

impl Widget for PaletteView<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let t = self.theme;
        let matches = self.palette.matches();
        let room = usize::from(area.height.saturating_sub(3)).max(1);
        let first = self.palette.highlight.saturating_sub(room - 1);
        let mut prompt = vec![Span::styled(": ", t.key())];
        prompt.extend(super::line_spans(&self.palette.input, t));
        let mut lines = vec![Line::from(prompt)];
        if let Some(id) = self.palette.ticket() {
            lines.push(Line::from(vec![
                Span::styled(format!(" {} ", key_of(self.keymap, Section::Prompt, "submit")), t.key()),
                Span::raw(format!("opens ticket #{id}")),
            ]));
        }
        for (n, i) in matches.iter().enumerate().skip(first).take(room) {
            let b = &CATALOGUE[*i];
            let keys = self
                .keymap
                .help
                .iter()
                .find(|(s, _, d)| *s == b.section && *d == b.description)
                .map(|(_, k, _)| k.as_str())
                .unwrap_or("");
            let style = if n == self.palette.highlight {
                t.selected()
            } else {
                Style::new()
            };
            lines.push(Line::from(vec![
                Span::styled(format!(" {:<24}", b.description), style),
                Span::styled(format!(" {keys:<12}"), t.key()),
                Span::styled(format!(" {}", b.section.name()), t.dim()),
            ]));
        }
        if matches.is_empty() {
            lines.push(Line::from(Span::styled(" no action matches", t.dim())));
        }
        let h = (lines.len() as u16 + 2).min(area.height);
        let rect = Rect {
            x: area.x,
            y: area.y,
            width: area.width,
            height: h,
        };
        Clear.render(rect, buf);
        let title = format!(
            " Commands · type to filter · {} runs · {} closes ",
            key_of(self.keymap, Section::Prompt, "submit"),
            key_of(self.keymap, Section::Prompt, "cancel")
        );
        Paragraph::new(lines)
            .block(Block::default().borders(Borders::ALL).title(title))
            .render(rect, buf);
    }
}
