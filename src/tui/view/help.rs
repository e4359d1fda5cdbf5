//! `?`: every binding of the current screen, drawn from the keymap.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Widget};

use super::theme::Theme;
use crate::tui::keymap::{Keymap, Section};

pub struct HelpView<'a> {
    pub keymap: &'a Keymap,
    pub sections: &'a [Section],
    pub theme: &'a Theme,
}

impl Widget for HelpView<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let mut lines = Vec::new();
        for sec in self.sections {
            lines.push(Line::from(Span::styled(
                format!("{} keys", sec.name()),
                self.theme.title(),
            )));
            for (s, keys, desc) in &self.keymap.help {
                if s == sec {
                    lines.push(Line::from(vec![
                        Span::styled(format!("  {keys:<20} "), self.theme.key()),
                        Span::raw(*desc),
                    ]));
                }
            }
        }
        lines.push(Line::from(Span::styled("Esc or ? closes this help", self.theme.dim())));
        let h = (lines.len() as u16 + 2).min(area.height);
        let w = area.width.min(70);
        let rect = Rect {
            x: area.x + (area.width - w) / 2,
            y: area.y,
            width: w,
            height: h,
        };
        Clear.render(rect, buf);
        Paragraph::new(lines)
            .block(Block::default().borders(Borders::ALL).title(" Help "))
            .render(rect, buf);
    }
}
