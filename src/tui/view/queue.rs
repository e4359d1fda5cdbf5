//! The queue tab: ID, priority, status, company, summary, assignee, SLA time
//! left, age — the visible slice of the loaded window only.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Paragraph, Row, Table, Widget};

use super::safe;
use super::theme::Theme;
use chrono::{DateTime, Utc};

use crate::domain::sla::{SlaPolicy, SlaState};
use crate::domain::time::short_duration;
use crate::store::tickets::QueueRow;
use crate::tui::state::AppState;

pub struct QueueView<'a> {
    pub state: &'a AppState,
    pub theme: &'a Theme,
}

/// The SLA cell from the row's clock: text marker and style, never colour alone.
pub fn sla_cell(row: &QueueRow, policy: &SlaPolicy, now: DateTime<Utc>, theme: &Theme) -> (String, Style) {
    let Some(clock) = row.clock(policy) else {
        return ("-".into(), theme.dim());
    };
    let left = short_duration(clock.wall_minutes_left(now));
    match clock.state(now) {
        SlaState::Met => ("met".into(), theme.dim()),
        SlaState::Breached if clock.responded.is_some() => ("late".into(), theme.dim()),
        SlaState::Breached => (format!("BREACH {left}"), theme.breach()),
        SlaState::Paused => ("paused".into(), theme.dim()),
        SlaState::Warning => (format!("!{left}"), theme.warn()),
        SlaState::Running | SlaState::Scheduled => (left, Style::new()),
    }
}

impl Widget for QueueView<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let (s, theme) = (self.state, self.theme);
        let q = &s.queue;
        let mut title = format!(
            " {} · sort {}{}",
            safe(q.view_name()),
            q.query.sort.name(),
            if q.query.descending { " ↓" } else { " ↑" }
        );
        if !q.query.filter.is_empty() {
            title.push_str(&format!(" · filter {}", safe(&q.query.filter.text())));
        }
        if let Some(words) = &q.query.search {
            title = format!(" Search \"{}\" (best match first)", safe(words));
        }
        if !q.marked.is_empty() {
            title.push_str(&format!(
                " · {} marked (t, a, @ apply to all; Esc unmarks)",
                q.marked.len()
            ));
        }
        let [head, table_area] =
            ratatui::layout::Layout::vertical([Constraint::Length(1), Constraint::Min(0)]).areas(area);
        Paragraph::new(Line::from(vec![Span::styled(title, theme.title())])).render(head, buf);
        if q.rows.is_empty() {
            let msg = if q.pending.is_some() || !q.loaded_once {
                "  Loading…"
            } else if q.query.search.is_some() || !q.query.filter.is_empty() {
                "  Nothing matches. Esc leaves the search or filter."
            } else if q.store_empty {
                "  The store has no tickets yet. n opens a new ticket;\n  `pimdesk demo` adds demo data, `pimdesk import FILE` loads yours."
            } else {
                "  No tickets in this view. v shows the next view, n opens a new ticket."
            };
            Paragraph::new(msg).style(theme.dim()).render(table_area, buf);
            return;
        }
        let now = s.now.timestamp();
        let wide = area.width >= 110;
        let visible = q
            .rows
            .iter()
            .enumerate()
            .skip(q.offset)
            .take(usize::from(table_area.height.saturating_sub(1)));
        let rows = visible.map(|(i, r)| {
            let (sla, sla_style) = sla_cell(r, &s.policy, s.now, theme);
            let selected = i == q.cursor;
            let style = if selected { theme.selected() } else { Style::new() };
            // The selected row is one plain reversed band (its words still say
            // BREACH / !): fewer style changes, fewer bytes per cursor move.
            let (p_style, sla_style) = if selected {
                (Style::new(), Style::new())
            } else {
                (theme.priority(r.priority), sla_style)
            };
            Row::new(vec![
                Cell::from(if q.marked.contains(&r.id) {
                    format!("*{}", r.id)
                } else {
                    format!("#{}", r.id)
                }),
                Cell::from(Span::styled(format!("P{}", r.priority), p_style)),
                Cell::from(if wide {
                    r.status.as_str()
                } else {
                    short_status(&r.status)
                }),
                Cell::from(safe(&r.company).into_owned()),
                Cell::from(safe(&r.summary).into_owned()),
                Cell::from(r.assignee.as_deref().map(safe).unwrap_or_default().into_owned()),
                Cell::from(Span::styled(sla, sla_style)),
                Cell::from(short_duration((now - r.opened) / 60)),
            ])
            .style(style)
        });
        let widths = [
            Constraint::Length(8),
            Constraint::Length(2),
            Constraint::Length(if wide { 17 } else { 8 }),
            Constraint::Length(if wide { 28 } else { 12 }),
            Constraint::Fill(1),
            Constraint::Length(if wide { 10 } else { 8 }),
            Constraint::Length(if wide { 12 } else { 11 }),
            Constraint::Length(7),
        ];
        let header =
            Row::new(["ID", "P", "Status", "Company", "Summary", "Assignee", "SLA left", "Age"]).style(theme.header());
        Table::new(rows, widths)
            .header(header)
            .column_spacing(1)
            .render(table_area, buf);
    }
}

/// Status in eight columns, for 80-column terminals.
pub fn short_status(status: &str) -> &str {
    match status {
        "In Progress" => "Working",
        "Waiting on Client" => "Waiting",
        "Scheduled" => "Sched",
        s => s,
    }
}
