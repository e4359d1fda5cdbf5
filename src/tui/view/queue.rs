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
use crate::domain::ticket::Status;
use crate::domain::time::short_duration;
use crate::store::tickets::QueueRow;
use crate::tui::state::AppState;

pub struct QueueView<'a> {
    pub state: &'a AppState,
    pub keymap: &'a crate::tui::keymap::Keymap,
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
        let area = if area.width >= crate::tui::state::queue::PREVIEW_MIN_WIDTH {
            let side = (area.width / 3).min(72);
            let [list, pane] =
                ratatui::layout::Layout::horizontal([Constraint::Fill(1), Constraint::Length(side)]).areas(area);
            super::queue_preview::PreviewPane { state: s, theme }.render(pane, buf);
            list
        } else {
            area
        };
        let [head, table_area] =
            ratatui::layout::Layout::vertical([Constraint::Length(1), Constraint::Min(0)]).areas(area);
        Paragraph::new(Line::from(vec![Span::styled(self.title(), theme.title())])).render(head, buf);
        if q.rows.is_empty() {
            Paragraph::new(self.empty_message())
                .style(theme.dim())
                .render(table_area, buf);
            return;
        }
        let cols = Columns::for_width(area.width);
        let visible = q
            .rows
            .iter()
            .enumerate()
            .skip(q.offset)
            .take(usize::from(table_area.height.saturating_sub(1)));
        let rows = visible.map(|(i, r)| self.row(i, r, cols));
        let header = cols.header().into_iter().collect::<Row>().style(theme.header());
        Table::new(rows, cols.widths())
            .header(header)
            .column_spacing(1)
            .render(table_area, buf);
    }
}

impl QueueView<'_> {
    /// The view's name and sort, then the filter, search and marks in force.
    fn title(&self) -> String {
        let q = &self.state.queue;
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
            let k = |sec, name| super::key_of(self.keymap, sec, name);
            use crate::tui::keymap::Section::{Actions, Queue};
            title.push_str(&format!(
                " · {} marked ({}, {}, {} apply to all; {} unmarks)",
                q.marked.len(),
                k(Actions, "set_status"),
                k(Actions, "assign_to_me"),
                k(Actions, "assign_to"),
                k(Queue, "back")
            ));
        }
        title
    }

    /// What an empty table says: still loading, nothing matches, or what to do next.
    fn empty_message(&self) -> String {
        use crate::tui::keymap::Section::{Actions, Queue};
        let q = &self.state.queue;
        let k = |sec, name| super::key_of(self.keymap, sec, name);
        if q.pending.is_some() || !q.loaded_once {
            "  Loading…".into()
        } else if q.query.search.is_some() || !q.query.filter.is_empty() {
            format!("  Nothing matches. {} leaves the search or filter.", k(Queue, "back"))
        } else if q.store_empty {
            format!(
                "  The store has no tickets yet. {} opens a new ticket;\n  `pimdesk demo` adds demo data, `pimdesk import FILE` loads yours.",
                k(Actions, "new_ticket")
            )
        } else {
            format!(
                "  No tickets in this view. {} shows the next view, {} opens a new ticket.",
                k(Queue, "next_view"),
                k(Actions, "new_ticket")
            )
        }
    }

    /// One ticket's row, its cells in the order of `Columns::header`.
    fn row(&self, i: usize, r: &QueueRow, cols: Columns) -> Row<'static> {
        let (s, theme) = (self.state, self.theme);
        let q = &s.queue;
        let (sla, sla_style) = sla_cell(r, &s.rules.policy, s.now, theme);
        let selected = i == q.cursor;
        let style = if selected { theme.selected() } else { Style::new() };
        // The selected row is one plain reversed band (its words still say
        // BREACH / !): fewer style changes, fewer bytes per cursor move.
        let (p_style, sla_style) = if selected {
            (Style::new(), Style::new())
        } else {
            (theme.priority(r.priority), sla_style)
        };
        let mut cells = vec![
            Cell::from(if q.marked.contains(&r.id) {
                format!("*{}", r.id)
            } else {
                format!("#{}", r.id)
            }),
            Cell::from(Span::styled(r.priority.to_string(), p_style)),
            Cell::from(if cols.wide {
                r.status.as_str()
            } else {
                short_status(r.status)
            }),
            Cell::from(safe(&r.company).into_owned()),
            Cell::from(safe(&r.summary).into_owned()),
        ];
        if cols.assignee > 0 {
            cells.push(Cell::from(
                r.assignee.as_deref().map(safe).unwrap_or_default().into_owned(),
            ));
        }
        cells.push(Cell::from(Span::styled(sla, sla_style)));
        if cols.age {
            cells.push(Cell::from(short_duration((s.now.timestamp() - r.opened) / 60)));
        }
        Row::new(cells).style(style)
    }
}

/// The queue's columns for a width: at 110 and more, full status words and
/// a company column that grows with the room; below 80, the age and then
/// the assignee give way so the summary stays.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Columns {
    pub wide: bool,
    pub status: u16,
    pub company: u16,
    /// 0: not shown.
    pub assignee: u16,
    pub age: bool,
    /// "BREACH -6h 02m" whole from 140 columns.
    pub sla: u16,
}

impl Columns {
    pub fn for_width(width: u16) -> Columns {
        if width >= 110 {
            return Columns {
                wide: true,
                status: 17,
                company: (28 + width.saturating_sub(140) / 4).min(44),
                assignee: 10,
                age: true,
                sla: if width >= 140 { 14 } else { 12 },
            };
        }
        Columns {
            wide: false,
            status: 8,
            company: if width >= 66 { 12 } else { 10 },
            assignee: if width >= 72 { 8 } else { 0 },
            age: width >= 80,
            sla: 11,
        }
    }

    fn widths(self) -> Vec<Constraint> {
        let mut w = vec![
            Constraint::Length(8),
            Constraint::Length(2),
            Constraint::Length(self.status),
            Constraint::Length(self.company),
            Constraint::Fill(1),
        ];
        if self.assignee > 0 {
            w.push(Constraint::Length(self.assignee));
        }
        w.push(Constraint::Length(self.sla));
        if self.age {
            w.push(Constraint::Length(7));
        }
        w
    }

    fn header(self) -> Vec<&'static str> {
        let mut h = vec!["ID", "P", "Status", "Company", "Summary"];
        if self.assignee > 0 {
            h.push("Assignee");
        }
        h.push("SLA left");
        if self.age {
            h.push("Age");
        }
        h
    }
}

/// Status in eight columns, for 80-column terminals.
pub fn short_status(status: Status) -> &'static str {
    match status {
        Status::InProgress => "Working",
        Status::WaitingOnClient => "Waiting",
        Status::Scheduled => "Sched",
        s => s.as_str(),
    }
}
