//! The preview pane beside the queue on wide terminals: the selected
//! ticket's summary, contact, description and newest note.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Widget, Wrap};

use super::safe;
use super::theme::Theme;
use crate::tui::state::AppState;

pub struct PreviewPane<'a> {
    pub state: &'a AppState,
    pub theme: &'a Theme,
}

impl Widget for PreviewPane<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let (s, t) = (self.state, self.theme);
        let block = Block::default().borders(Borders::LEFT).border_style(t.dim());
        let selected = s.queue.selected().map(|r| r.id);
        let Some(p) = s.queue.preview.as_ref().filter(|p| Some(p.id) == selected) else {
            let text = if selected.is_some() { " Loading…" } else { "" };
            Paragraph::new(text).style(t.dim()).block(block).render(area, buf);
            return;
        };
        let mut lines = vec![
            Line::from(Span::styled(format!(" #{} {}", p.id, safe(&p.summary)), t.title())),
            Line::styled(
                format!(" Contact: {}", p.contact.as_deref().map(safe).unwrap_or("-".into())),
                t.dim(),
            ),
            Line::raw(""),
        ];
        lines.extend(paragraph(&p.description));
        lines.push(Line::raw(""));
        match &p.last_note {
            Some(n) => {
                let when = crate::domain::time::from_secs(n.created)
                    .with_timezone(&s.rules.calendar.zone)
                    .format("%a %Y-%m-%d %H:%M");
                let author = n.author.as_deref().map(safe).unwrap_or("-".into());
                let vis = if n.internal { "internal" } else { "client-visible" };
                let of = if p.notes == 1 {
                    String::new()
                } else {
                    format!(" (of {})", p.notes)
                };
                lines.push(Line::styled(
                    format!(" Newest note{of}: {when} {author} [{vis}]"),
                    t.header(),
                ));
                lines.extend(paragraph(&n.body));
            }
            None => lines.push(Line::styled(" No notes yet.", t.dim())),
        }
        Paragraph::new(lines)
            .block(block)
            .wrap(Wrap { trim: false })
            .render(area, buf);
    }
}

/// Stored text as lines, each cleaned of control characters.
fn paragraph(text: &str) -> Vec<Line<'static>> {
    text.lines().map(|l| Line::raw(format!(" {}", safe(l)))).collect()
}
