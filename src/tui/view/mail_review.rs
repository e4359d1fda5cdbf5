//! The held-mail review (`M`): each message with its sender, subject and
//! why it was held; the company picker of an accept; the drop question.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget};

use super::safe;
use super::theme::Theme;
use crate::tui::state::line::LineInput;
use crate::tui::state::mail_review::MailReview;
use crate::tui::state::AppState;

pub struct MailView<'a> {
    pub m: &'a MailReview,
    pub state: &'a AppState,
    pub keymap: &'a crate::tui::keymap::Keymap,
    pub theme: &'a Theme,
}

impl Widget for MailView<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let (m, t) = (self.m, self.theme);
        let mut lines = vec![Line::from(Span::styled(
            format!(
                " Held mail: {}",
                if m.loaded {
                    m.rows.len().to_string()
                } else {
                    "…".into()
                }
            ),
            t.title(),
        ))];
        if let Some((filter, at)) = &m.company {
            self.company_picker(filter, *at, area, &mut lines);
            Paragraph::new(lines).render(area, buf);
            return;
        }
        if m.loaded && m.rows.is_empty() {
            lines.push(Line::from(Span::styled("  No mail is held.", t.dim())));
        }
        self.held(area, &mut lines);
        if m.confirm_drop {
            self.drop_question(&mut lines);
        }
        Paragraph::new(lines).render(area, buf);
    }
}

impl MailView<'_> {
    /// Accepting a message: the company prompt and the companies matching it.
    fn company_picker(&self, filter: &LineInput, at: usize, area: Rect, lines: &mut Vec<Line<'static>>) {
        let (m, t) = (self.m, self.theme);
        let who = m.selected().map_or(String::new(), |h| safe(&h.sender).into_owned());
        let mut prompt = vec![Span::styled(
            format!(" Accept mail from {who} as a ticket of: "),
            t.key(),
        )];
        prompt.extend(super::line_spans(filter, t));
        lines.push(Line::from(prompt));
        for (i, name) in m
            .companies(&self.state.choices)
            .iter()
            .map(|r| &r.label)
            .enumerate()
            .take(usize::from(area.height.saturating_sub(4)))
        {
            let style = if i == at { t.selected() } else { Style::new() };
            lines.push(Line::from(Span::styled(format!("   {}", safe(name)), style)));
        }
    }

    /// One line per held message: when, from whom, its subject and why it was held.
    fn held(&self, area: Rect, lines: &mut Vec<Line<'static>>) {
        let (m, t) = (self.m, self.theme);
        let zone = self.state.rules.calendar.zone;
        for (i, h) in m
            .rows
            .iter()
            .enumerate()
            .take(usize::from(area.height.saturating_sub(3)))
        {
            let when = crate::domain::time::from_secs(h.received)
                .with_timezone(&zone)
                .format("%a %m-%d %H:%M");
            let style = if i == m.highlight { t.selected() } else { Style::new() };
            lines.push(Line::from(Span::styled(
                format!(
                    " {:>5} {when} {} · {} · held: {}",
                    h.id,
                    safe(&h.sender),
                    safe(&h.subject),
                    safe(&h.reason)
                ),
                style,
            )));
        }
    }

    /// The question before dropping the highlighted message.
    fn drop_question(&self, lines: &mut Vec<Line<'static>>) {
        if let Some(h) = self.m.selected() {
            lines.push(Line::raw(""));
            lines.push(Line::from(Span::styled(
                format!(
                    " Drop mail {} from {}? {} drops it (the record stays, marked dropped) · any other key keeps it",
                    h.id,
                    safe(&h.sender),
                    super::key_of(self.keymap, crate::tui::keymap::Section::Confirm, "yes")
                ),
                self.theme.warn(),
            )));
        }
    }
}
