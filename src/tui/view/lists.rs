//! The SLA board and the invoices list (the directory is in directory.rs).

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::Span;
use ratatui::widgets::{Cell, Paragraph, Row, Table, Widget};

use super::safe;
use super::theme::Theme;
use crate::domain::money::Cents;
use crate::domain::time::short_duration;
use crate::tui::state::AppState;

fn title_and_body(area: Rect) -> (Rect, Rect) {
    let [a, b] = Layout::vertical([Constraint::Length(1), Constraint::Min(0)]).areas(area);
    (a, b)
}

pub struct SlaView<'a> {
    pub state: &'a AppState,
    pub theme: &'a Theme,
}

impl Widget for SlaView<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let (s, t) = (self.state, self.theme);
        let (head, body) = title_and_body(area);
        let title = format!(" Running response clocks: {} · sorted by time left", s.sla_rows.len());
        Paragraph::new(Span::styled(title, t.title())).render(head, buf);
        if s.sla_rows.is_empty() {
            Paragraph::new("  No running clocks: every ticket has had its first response.")
                .style(t.dim())
                .render(body, buf);
            return;
        }
        let now = s.now.timestamp();
        let cur = s.sla_cursor;
        let rows = s
            .sla_rows
            .iter()
            .enumerate()
            .skip(cur.offset)
            .take(usize::from(body.height.saturating_sub(1)))
            .map(|(i, r)| {
                let (state, style) = if r.paused {
                    ("PAUSED".to_string(), t.dim())
                } else if now >= r.response_due {
                    ("BREACH".to_string(), t.breach())
                } else if now >= r.warning_at {
                    ("WARNING".to_string(), t.warn())
                } else {
                    ("running".to_string(), Style::new())
                };
                let due = crate::domain::time::from_secs(r.response_due).with_timezone(&s.calendar.zone);
                let wall = r.response_due - now;
                let sel = if i == cur.selected { t.selected() } else { Style::new() };
                Row::new(vec![
                    Cell::from(format!("#{}", r.id)),
                    Cell::from(Span::styled(format!("P{}", r.priority), t.priority(r.priority))),
                    Cell::from(Span::styled(state, style)),
                    Cell::from(due.format("%a %H:%M").to_string()),
                    Cell::from(short_duration(wall.div_euclid(60))),
                    Cell::from(short_duration(r.clock_minutes_left)),
                    Cell::from(safe(&r.company).into_owned()),
                    Cell::from(safe(&r.summary).into_owned()),
                ])
                .style(sel)
            });
        let widths = [
            Constraint::Length(8),
            Constraint::Length(2),
            Constraint::Length(7),
            Constraint::Length(9),
            Constraint::Length(8),
            Constraint::Length(8),
            Constraint::Length(15),
            Constraint::Fill(1),
        ];
        let header = Row::new(["ID", "P", "State", "Due", "Wall", "Clock", "Company", "Summary"]).style(t.header());
        Table::new(rows, widths).header(header).render(body, buf);
    }
}

pub struct InvoicesView<'a> {
    pub state: &'a AppState,
    pub theme: &'a Theme,
}

impl Widget for InvoicesView<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let (s, t) = (self.state, self.theme);
        let (head, body) = title_and_body(area);
        Paragraph::new(Span::styled(format!(" Invoices: {}", s.invoices.len()), t.title())).render(head, buf);
        if s.invoices.is_empty() {
            Paragraph::new(
                "  No invoices yet. Invoices appear here after an invoice run (pimdesk invoice run --as-of DATE).",
            )
            .style(t.dim())
            .render(body, buf);
            return;
        }
        let cur = s.invoice_cursor;
        let rows = s
            .invoices
            .iter()
            .enumerate()
            .skip(cur.offset)
            .take(usize::from(body.height.saturating_sub(1)))
            .map(|(i, r)| {
                let status = if r.void {
                    "void"
                } else if r.paid_cents >= r.total_cents {
                    "paid"
                } else if r.paid_cents > 0 {
                    "partially paid"
                } else {
                    "open"
                };
                let sel = if i == cur.selected { t.selected() } else { Style::new() };
                Row::new(vec![
                    Cell::from(r.number.clone()),
                    Cell::from(r.date.clone()),
                    Cell::from(safe(&r.company).into_owned()),
                    Cell::from(Cents(r.total_cents).to_string()),
                    Cell::from(Cents(r.total_cents - r.paid_cents).to_string()),
                    Cell::from(status),
                ])
                .style(sel)
            });
        let widths = [
            Constraint::Length(11),
            Constraint::Length(10),
            Constraint::Fill(1),
            Constraint::Length(12),
            Constraint::Length(12),
            Constraint::Length(14),
        ];
        let header = Row::new(["Number", "Date", "Company", "Total", "Balance", "Status"]).style(t.header());
        Table::new(rows, widths).header(header).render(body, buf);
    }
}
