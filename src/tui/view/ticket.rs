//! The ticket view: header with the priority's definition and SLA state,
//! description, notes (internal vs client-visible), time entries, history.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Widget, Wrap};

use super::safe;
use super::theme::Theme;
use crate::domain::sla::SlaState;
use crate::domain::time::short_duration;
use crate::store::ticket_detail::TicketDetail;
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
        let lines = match &self.view.detail {
            Some(d) => self.lines(d),
            None if self.view.missing => vec![Line::raw("No such ticket (it may have been removed).")],
            None => vec![Line::raw("Loading…")],
        };
        Paragraph::new(lines)
            .block(block)
            .wrap(Wrap { trim: false })
            .scroll((self.view.scroll, 0))
            .render(area, buf);
    }
}

impl TicketScreen<'_> {
    fn time(&self, secs: i64) -> String {
        crate::domain::time::from_secs(secs)
            .with_timezone(&self.state.calendar.zone)
            .format("%a %Y-%m-%d %H:%M")
            .to_string()
    }

    fn lines(&self, d: &TicketDetail) -> Vec<Line<'static>> {
        let t = self.theme;
        let p = crate::domain::ticket::Priority::new(d.priority).unwrap_or(crate::domain::ticket::Priority::ALL[2]);
        let policy = self.state.policy.get(p);
        let mut l = vec![
            Line::from(Span::styled(safe(&d.summary).into_owned(), t.title())),
            Line::from(vec![
                Span::styled(format!("P{} {}", d.priority, policy.name), t.priority(d.priority)),
                Span::raw(format!(
                    " · {} · {} · {} · via {}",
                    d.status,
                    safe(&d.company),
                    d.board,
                    d.source
                )),
            ]),
        ];
        if let Some(def) = self.definition(d.priority) {
            l.push(Line::from(Span::styled(format!("  {def}"), t.dim())));
        }
        let contact = match (&d.contact, &d.contact_level) {
            (Some(c), Some(level)) => format!(
                "{} [{}] {}",
                safe(c),
                level,
                d.contact_phone.as_deref().map(safe).unwrap_or_default()
            ),
            _ => "-".into(),
        };
        l.push(Line::raw(format!(
            "Contact: {contact}   Assignee: {}",
            d.assignee.as_deref().map(safe).unwrap_or("unassigned".into())
        )));
        if let Some(rights) = &self.view.contact_rights {
            l.push(Line::from(Span::styled(format!("  may: {rights}"), t.dim())));
        }
        if let Some(clock) = d.clock(&self.state.policy) {
            let now = self.state.now;
            let style = match clock.state(now) {
                SlaState::Breached => t.breach(),
                SlaState::Warning => t.warn(),
                _ => t.ok(),
            };
            l.push(Line::from(vec![
                Span::raw("SLA response: "),
                Span::styled(clock.label(now).to_uppercase(), style),
            ]));
        }
        l.push(Line::raw(format!(
            "Opened {}   First response {}",
            self.time(d.opened),
            d.first_response.map(|s| self.time(s)).unwrap_or("none yet".into())
        )));
        if let (Some(due), Some(warn)) = (d.response_due, d.warning_at) {
            l.push(Line::raw(format!(
                "Response due {}   warning from {}",
                self.time(due),
                self.time(warn)
            )));
        }
        for p in &self.view.pause_ledger {
            let end = p
                .end
                .map(|e| self.time(e.timestamp()))
                .unwrap_or("now (Waiting on Client)".into());
            let moved = if p.end.is_some() {
                "moved the deadline"
            } else {
                "has moved it"
            };
            l.push(Line::from(Span::styled(
                format!(
                    "  paused {} → {end}: {moved} {}",
                    self.time(p.start.timestamp()),
                    short_duration(p.moved_minutes)
                ),
                t.dim(),
            )));
        }
        l.push(Line::raw(""));
        for line in safe_lines(&d.description) {
            l.push(Line::raw(line));
        }
        self.work_lines(d, &mut l);
        l
    }

    fn definition(&self, priority: u8) -> Option<String> {
        None.or_else(|| {
            self.state
                .definitions
                .get(usize::from(priority).saturating_sub(1))
                .cloned()
        })
    }

    fn work_lines(&self, d: &TicketDetail, l: &mut Vec<Line<'static>>) {
        let t = self.theme;
        l.push(Line::raw(""));
        l.push(Line::from(Span::styled(
            format!("Notes ({})", d.notes.len()),
            t.header(),
        )));
        for n in &d.notes {
            let (tag, style) = if n.internal {
                ("internal", t.dim())
            } else {
                ("client-visible", t.ok())
            };
            l.push(Line::from(vec![
                Span::raw(format!(
                    "{} {} ",
                    self.time(n.created),
                    n.author.as_deref().map(safe).unwrap_or_default()
                )),
                Span::styled(format!("[{tag}]"), style),
            ]));
            for line in safe_lines(&n.body) {
                l.push(Line::raw(format!("  {line}")));
            }
        }
        let total: i64 = d.time_entries.iter().map(|e| e.minutes).sum();
        let billable: i64 = d.time_entries.iter().filter(|e| e.billable).map(|e| e.minutes).sum();
        l.push(Line::raw(""));
        l.push(Line::from(Span::styled(
            format!(
                "Time ({} total, {} billable)",
                short_duration(total),
                short_duration(billable)
            ),
            t.header(),
        )));
        for e in &d.time_entries {
            l.push(Line::raw(format!(
                "{} {:>7} {} {}{}",
                self.time(e.start),
                short_duration(e.minutes),
                e.technician.as_deref().map(safe).unwrap_or_default(),
                safe(&e.note),
                if e.billable { "" } else { " (not billable)" }
            )));
        }
        l.push(Line::raw(""));
        l.push(Line::from(Span::styled("History", t.header())));
        for h in &d.history {
            l.push(Line::raw(format!(
                "{} {} {}: {} → {}",
                self.time(h.at),
                h.who.as_deref().map(safe).unwrap_or_default(),
                h.field,
                h.old.as_deref().map(safe).unwrap_or_default(),
                h.new.as_deref().map(safe).unwrap_or_default()
            )));
        }
    }
}

fn safe_lines(text: &str) -> Vec<String> {
    crate::domain::text::sanitize(text)
        .lines()
        .map(str::to_string)
        .collect()
}
