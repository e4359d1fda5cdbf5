//! The SLA board: every running clock by time left, the wall-clock deadline
//! beside the clock time left, state in text and colour, and compliance per
//! priority over the last 30 days as bars.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Paragraph, Row, Table, Widget};

use super::safe;
use super::theme::Theme;
use crate::domain::sla::Clock;
use crate::domain::sla::SlaState;
use crate::domain::time::short_duration;
use crate::store::queue::QueueRow;
use crate::tui::state::sla::COMPLIANCE_DAYS;
use crate::tui::state::AppState;

pub struct SlaView<'a> {
    pub state: &'a AppState,
    pub keymap: &'a crate::tui::keymap::Keymap,
    pub theme: &'a Theme,
}

impl SlaView<'_> {
    /// The state from the row's clock, in text and colour (never colour alone).
    fn state_cell(&self, clock: Option<Clock>, open: bool) -> (&'static str, Style) {
        let t = self.theme;
        let now = self.state.now;
        let Some(clock) = clock else {
            return ("-", t.dim());
        };
        match clock.state(now) {
            SlaState::Breached if clock.is_paused(now) => ("BREACH paused", t.breach()),
            SlaState::Breached => ("BREACH", t.breach()),
            SlaState::Paused => ("PAUSED", t.dim()),
            SlaState::Warning => ("WARNING", t.warn()),
            SlaState::Scheduled => ("planned", t.dim()),
            _ if !clock.ticking(open, now) => ("waiting", t.dim()),
            _ => ("running", Style::new()),
        }
    }

    fn table(&self, area: Rect, buf: &mut Buffer) {
        let (s, t) = (self.state, self.theme);
        let b = &s.sla.board;
        let open = s.rules.calendar.is_open(s.now);
        // The clocks of the rows on screen only: a screenful of calendar
        // walks per frame, whatever the board holds.
        let on_screen: Vec<(usize, &QueueRow, Option<Clock>)> = b
            .rows
            .iter()
            .enumerate()
            .skip(b.offset)
            .take(usize::from(area.height.saturating_sub(1)))
            .map(|(i, r)| (i, r, r.clock(&s.rules.policy)))
            .collect();
        // The state column widens only while a breach that is paused is on screen.
        let state_width = on_screen
            .iter()
            .map(|(_, _, c)| self.state_cell(*c, open).0.len() as u16)
            .max()
            .unwrap_or(0)
            .max(7);
        let rows = on_screen.into_iter().map(|(i, r, clock)| self.row(i, r, clock, open));
        let header = Row::new([
            "ID", "P", "State", "Due", "Wall", "Clock", "Assignee", "Company", "Summary",
        ])
        .style(t.header());
        Table::new(rows, widths(state_width)).header(header).render(area, buf);
    }

    /// One clock's row: its state in words, the wall-clock deadline, the wall and clock time left.
    fn row(&self, i: usize, r: &QueueRow, clock: Option<Clock>, open: bool) -> Row<'static> {
        let (s, t) = (self.state, self.theme);
        let now = s.now.timestamp();
        let (state, style) = self.state_cell(clock, open);
        let due_at = r.response_due.unwrap_or(now);
        let due = crate::domain::time::from_secs(due_at).with_timezone(&s.rules.calendar.zone);
        let selected = i == s.sla.board.cursor;
        let sel = if selected { t.selected() } else { Style::new() };
        // The selected row is one plain reversed band (its words still
        // say BREACH / WARNING): fewer style changes, fewer bytes a move.
        let (p_style, style) = if selected {
            (Style::new(), Style::new())
        } else {
            (t.priority(r.priority), style)
        };
        let clock_left = clock.map_or(0, |c| c.minutes_left(&s.rules.calendar, s.now));
        Row::new(vec![
            Cell::from(format!("#{}", r.id)),
            Cell::from(Span::styled(r.priority.to_string(), p_style)),
            Cell::from(Span::styled(state, style)),
            Cell::from(due.format("%a %H:%M").to_string()),
            Cell::from(short_duration((due_at - now).div_euclid(60))),
            Cell::from(short_duration(clock_left)),
            Cell::from(match &r.assignee {
                Some(a) => Span::raw(safe(a).into_owned()),
                None if selected => Span::raw("nobody"),
                None => Span::styled("nobody", t.warn()),
            }),
            Cell::from(safe(&r.company).into_owned()),
            Cell::from(safe(&r.summary).into_owned()),
        ])
        .style(sel)
    }

    /// One bar per priority: met responses as a share of met + breached.
    fn compliance(&self, area: Rect, buf: &mut Buffer) {
        let t = self.theme;
        let mut lines = vec![Line::from(Span::styled(
            format!("Response compliance, last {COMPLIANCE_DAYS} days"),
            t.header(),
        ))];
        let bar_width = usize::from(area.width.saturating_sub(40)).clamp(10, 50);
        for c in &self.state.sla.compliance {
            let name = self
                .state
                .rules
                .priority_names
                .get(usize::from(c.priority).saturating_sub(1))
                .map(String::as_str)
                .unwrap_or("");
            let (bar, pct) = match c.percent() {
                Some(p) => {
                    let filled = (p as usize * bar_width).div_ceil(100).min(bar_width);
                    (
                        format!("{}{}", "█".repeat(filled), "░".repeat(bar_width - filled)),
                        format!("{p:>3}%"),
                    )
                }
                None => ("░".repeat(bar_width), "  -".into()),
            };
            // Open clocks are neither met nor missed: counted apart.
            let open = if c.open > 0 {
                format!(" +{} open", c.open)
            } else {
                String::new()
            };
            let style = match c.percent() {
                Some(p) if p < 80 => t.breach(),
                Some(p) if p < 95 => t.warn(),
                _ => t.ok(),
            };
            lines.push(Line::from(vec![
                Span::raw(format!("P{} {:<16.16} ", c.priority, name)),
                Span::styled(bar, style),
                Span::raw(format!(" {pct} {}/{}{open}", c.met, c.met + c.breached)),
            ]));
        }
        Paragraph::new(lines).render(area, buf);
    }
}

impl Widget for SlaView<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let (s, t) = (self.state, self.theme);
        let chart_rows = if s.sla.compliance.is_empty() {
            0
        } else {
            s.sla.compliance.len() as u16 + 2
        };
        let [head, body, chart] = Layout::vertical([
            Constraint::Length(1),
            Constraint::Min(3),
            Constraint::Length(chart_rows),
        ])
        .areas(area);
        let b = &s.sla.board;
        let total = s.sla.total.map_or("…".to_string(), |n| n.to_string());
        let v = super::key_of(self.keymap, crate::tui::keymap::Section::Sla, "after_hours");
        let title = if s.sla.after_hours {
            format!(" Clocks running now: {total} · {v} all running clocks")
        } else {
            format!(" Running response clocks: {total} · by time left · {v} running now only")
        };
        Paragraph::new(Span::styled(title, t.title())).render(head, buf);
        if b.rows.is_empty() && (b.pending.is_some() || !b.loaded_once) {
            Paragraph::new("  Loading…").style(t.dim()).render(body, buf);
        } else if b.rows.is_empty() {
            let msg = if s.sla.after_hours {
                "  No clock is ticking right now."
            } else {
                "  No running clocks: every ticket has had its first response."
            };
            Paragraph::new(msg).style(t.dim()).render(body, buf);
        } else {
            self.table(body, buf);
        }
        if chart_rows > 0 {
            let [_, chart] = Layout::vertical([Constraint::Length(1), Constraint::Min(1)]).areas(chart);
            self.compliance(chart, buf);
        }
    }
}

/// The board's columns; the state's is as wide as the widest state on screen.
fn widths(state_width: u16) -> [Constraint; 9] {
    [
        Constraint::Length(8),
        Constraint::Length(2),
        Constraint::Length(state_width),
        Constraint::Length(9),
        Constraint::Length(8),
        Constraint::Length(8),
        Constraint::Length(8),
        Constraint::Length(13),
        Constraint::Fill(1),
    ]
}
