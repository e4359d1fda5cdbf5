//! The ticket view: header with the priority's definition and SLA state,
//! description, notes (internal vs client-visible), time entries, history.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Widget};

use super::theme::Theme;
use crate::domain::sla::SlaState;
use crate::store::ticket_detail::TicketDetail;
use crate::tui::state::ticket_layout::{Laid, Tone};
use crate::tui::state::{AppState, TicketView};

pub struct TicketScreen<'a> {
    pub view: &'a TicketView,
    pub state: &'a AppState,
    pub theme: &'a Theme,
}

impl Widget for TicketScreen<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let block = Block::default()
            .borders(Borders::TOP)
            .title(format!(" Ticket #{} ", self.view.id));
        let inner = block.inner(area);
        block.render(area, buf);
        let lines = match &self.view.detail {
            // Laid out when the ticket arrived: only the rows on screen are drawn.
            Some(d) => self
                .view
                .layout
                .rows
                .iter()
                .skip(self.view.scroll)
                .take(usize::from(inner.height))
                .map(|row| self.row(d, row))
                .collect(),
            None if self.view.missing => vec![Line::raw("No such ticket (it may have been removed).")],
            None => vec![Line::raw("Loading…")],
        };
        Paragraph::new(lines).render(inner, buf);
    }
}

impl TicketScreen<'_> {
    fn row(&self, d: &TicketDetail, row: &Laid) -> Line<'static> {
        let t = self.theme;
        match row {
            Laid::Text(parts) => Line::from(
                parts
                    .iter()
                    .map(|(tone, text)| {
                        let style = match tone {
                            Tone::Plain => Style::default(),
                            Tone::Title => t.title(),
                            Tone::Priority(p) => t.priority(*p),
                            Tone::Dim => t.dim(),
                            Tone::Ok => t.ok(),
                            Tone::Header => t.header(),
                        };
                        Span::styled(text.clone(), style)
                    })
                    .collect::<Vec<_>>(),
            ),
            // The one live row: the response clock at this moment.
            Laid::Clock => match d.clock(&self.state.rules.policy) {
                Some(clock) => {
                    let now = self.state.now;
                    let style = match clock.state(now) {
                        SlaState::Breached => t.breach(),
                        SlaState::Warning => t.warn(),
                        _ => t.ok(),
                    };
                    Line::from(vec![
                        Span::raw("SLA response: "),
                        Span::styled(clock.label(now).to_uppercase(), style),
                    ])
                }
                None => Line::raw(""),
            },
        }
    }
}
