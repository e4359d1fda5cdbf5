//! `?`: every binding of the current screen, drawn from the keymap — in two
//! columns when the screen is wide enough, so all of it fits at 80x24.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Widget};

use super::theme::Theme;
use crate::tui::keymap::{Keymap, Section};

pub struct HelpView<'a> {
    pub keymap: &'a Keymap,
    pub sections: &'a [Section],
    pub theme: &'a Theme,
}

impl HelpView<'_> {
    fn lines(&self, key_width: usize) -> Vec<Line<'static>> {
        let mut lines = Vec::new();
        for sec in self.sections {
            lines.push(Line::from(Span::styled(
                format!("{} keys", sec.name()),
                self.theme.title(),
            )));
            for (s, keys, desc) in &self.keymap.help {
                if s == sec {
                    lines.push(Line::from(vec![
                        Span::styled(format!(" {keys:<key_width$} "), self.theme.key()),
                        Span::raw(*desc),
                    ]));
                }
            }
        }
        let closes = format!(
            "{} or {} closes",
            super::key_of(self.keymap, Section::Prompt, "cancel"),
            super::key_of(self.keymap, Section::Global, "help")
        );
        lines.push(Line::from(Span::styled(closes, self.theme.dim())));
        lines
    }
}

impl Widget for HelpView<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let key_width = self
            .keymap
            .help
            .iter()
            .filter(|(s, _, _)| self.sections.contains(s))
            .map(|(_, k, _)| k.chars().count())
            .max()
            .unwrap_or(8)
            .min(12);
        let lines = self.lines(key_width);
        let two = area.width >= 76 && lines.len() + 2 > usize::from(area.height);
        let per_column = if two { lines.len().div_ceil(2) } else { lines.len() };
        let h = (per_column as u16 + 2).min(area.height);
        let rect = Rect {
            x: area.x,
            y: area.y,
            width: area.width,
            height: h,
        };
        Clear.render(rect, buf);
        let block = Block::default().borders(Borders::ALL).title(" Help ");
        let inner = block.inner(rect);
        block.render(rect, buf);
        if two {
            let [left, right] =
                Layout::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)]).areas(inner);
            let mut rest = lines;
            let second = rest.split_off(per_column);
            Paragraph::new(rest).render(left, buf);
            Paragraph::new(second).render(right, buf);
        } else {
            Paragraph::new(lines).render(inner, buf);
        }
    }
}
