//! Drawing: views borrow the state and never query, sort or compute rules.

pub mod directory;
pub mod editor;
pub mod help;
mod invoice_forms;
pub mod invoices;
pub mod palette;
pub mod queue;
pub mod sla;
pub mod theme;
pub mod ticket;

use std::borrow::Cow;

use chrono::DateTime;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget};
use ratatui::Frame;

use super::keymap::{Keymap, Section};
use super::state::AppState;
use super::tab::Tab;
use theme::Theme;

/// Text from the store, made safe to draw (second line of defence, DESIGN.md 7).
pub fn safe(s: &str) -> Cow<'_, str> {
    if s.chars()
        .any(|c| crate::domain::text::is_unsafe(c) || c == '\t' || c == '\u{1b}')
    {
        Cow::Owned(crate::domain::text::sanitize_line(s))
    } else {
        Cow::Borrowed(s)
    }
}

/// The smallest screen the console draws on (columns, rows).
pub const SMALLEST: (u16, u16) = (60, 16);

/// The whole screen.
pub fn draw(frame: &mut Frame<'_>, state: &AppState, keymap: &Keymap, theme: &Theme) {
    let area = frame.area();
    if area.width < SMALLEST.0 || area.height < SMALLEST.1 {
        // Broken rows would mislead: say so, and how to leave.
        let text = format!(
            "terminal too small (need {}x{}, this is {}x{}); enlarge it, or q quits",
            SMALLEST.0, SMALLEST.1, area.width, area.height
        );
        let y = area.height / 2;
        let line = Rect::new(
            area.x,
            area.y + y.saturating_sub(1),
            area.width,
            area.height.saturating_sub(y).min(3),
        );
        frame.render_widget(
            Paragraph::new(text)
                .style(theme.warn())
                .alignment(ratatui::layout::Alignment::Center)
                .wrap(ratatui::widgets::Wrap { trim: true }),
            line,
        );
        return;
    }
    let [tabs, body, status, footer] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(1),
        Constraint::Length(1),
        Constraint::Length(1),
    ])
    .areas(frame.area());
    draw_tabs(frame, tabs, state, theme);
    let buf = frame.buffer_mut();
    match (&state.ticket, state.tab) {
        (Some(t), _) => ticket::TicketScreen { view: t, state, theme }.render(body, buf),
        (None, Tab::Queue) => queue::QueueView { state, theme }.render(body, buf),
        (None, Tab::Sla) => sla::SlaView { state, theme }.render(body, buf),
        (None, Tab::Invoices) => invoices::InvoicesView { state, theme }.render(body, buf),
        (None, Tab::Directory) => directory::DirectoryView {
            state: &state.directory,
            theme,
        }
        .render(body, buf),
    }
    if let Some(o) = &state.overlay {
        editor::OverlayView {
            overlay: o,
            keymap,
            state,
            theme,
        }
        .render(body, frame.buffer_mut());
    }
    let base = status_spans(state, status.width, theme);
    let used = Line::from(base.clone()).width();
    match (&state.message, message_place(state, status.width, used)) {
        (Some(m), Place::Inline) => {
            let mut spans = base;
            spans.push(Span::styled(format!(" {} ", safe(&m.text)), message_style(m, theme)));
            draw_status_line(frame, status, spans, theme);
            draw_footer(frame, footer, state, keymap, theme);
        }
        (Some(m), Place::Footer) => {
            draw_status_line(frame, status, base, theme);
            let line = Line::from(Span::styled(format!(" {}", safe(&m.text)), message_style(m, theme)));
            frame.render_widget(Paragraph::new(line), footer);
        }
        (Some(m), Place::Both) => {
            // Never cut before the part that says what to do: two rows, wrapped.
            let both = Rect { height: 2, ..status };
            let text = Span::styled(format!(" {}", safe(&m.text)), message_style(m, theme));
            frame.render_widget(
                Paragraph::new(Line::from(text))
                    .wrap(ratatui::widgets::Wrap { trim: true })
                    .style(theme.selected()),
                both,
            );
        }
        (None, _) => {
            draw_status_line(frame, status, base, theme);
            draw_footer(frame, footer, state, keymap, theme);
        }
    }
    if state.help {
        // Help takes the whole screen, so every binding fits at 80x24.
        let all = frame.area();
        help::HelpView {
            keymap,
            sections: &sections(state),
            theme,
        }
        .render(all, frame.buffer_mut());
    }
}

/// The binding sections of the screen on show, most specific first.
pub fn sections(state: &AppState) -> Vec<Section> {
    state.sections()
}

fn draw_tabs(frame: &mut Frame<'_>, area: Rect, state: &AppState, theme: &Theme) {
    let mut spans = vec![Span::styled(" pimdesk ", theme.title())];
    for tab in Tab::ALL {
        let style = if tab == state.tab {
            theme.tab_active()
        } else {
            ratatui::style::Style::new()
        };
        spans.push(Span::styled(format!(" {} {} ", tab.number(), tab.name()), style));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

/// Where the message goes: after the status line's fields when it fits,
/// else over the footer's hints, else over both rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Place {
    Inline,
    Footer,
    Both,
}

fn message_place(state: &AppState, width: u16, used: usize) -> Place {
    let Some(m) = &state.message else { return Place::Inline };
    let need = unicode_width::UnicodeWidthStr::width(m.text.as_str()) + 2;
    if used + need <= usize::from(width) {
        Place::Inline
    } else if need <= usize::from(width) {
        Place::Footer
    } else {
        Place::Both
    }
}

fn message_style(m: &crate::tui::state::message::Message, theme: &Theme) -> ratatui::style::Style {
    match m.severity {
        crate::tui::state::message::Severity::Error => theme.breach(),
        crate::tui::state::message::Severity::Info => theme.ok(),
    }
}

fn draw_status_line(frame: &mut Frame<'_>, area: Rect, spans: Vec<Span<'static>>, theme: &Theme) {
    frame.render_widget(Paragraph::new(Line::from(spans)).style(theme.selected()), area);
}

/// The status line's fields: store, user, clock, timer, held mail, after hours.
fn status_spans(state: &AppState, width: u16, theme: &Theme) -> Vec<Span<'static>> {
    let local = state.now.with_timezone(&state.calendar.zone);
    let mut spans = vec![
        Span::styled(format!(" {} ", state.store_label), theme.dim()),
        Span::raw(format!(" {} ", state.login)),
        Span::raw(format!(" {} ", format_clock(local))),
    ];
    if let Some(t) = &state.timer {
        let secs = (state.now.timestamp() - t.started).max(0);
        spans.push(Span::styled(
            format!(
                " timer #{} {}:{:02}:{:02} ",
                t.ticket_id,
                secs / 3600,
                secs / 60 % 60,
                secs % 60
            ),
            theme.key(),
        ));
    }
    if state.mail_held > 0 {
        // Text, not colour alone: `pimdesk mail held` lists them.
        spans.push(Span::styled(format!(" {} mail held ", state.mail_held), theme.warn()));
    }
    if state.after_hours() {
        spans.push(Span::styled(" [AFTER HOURS] ", theme.warn()));
        if let Some(p) = &state.directory.on_call_now {
            spans.push(Span::raw(format!("on call: {} {} ", safe(&p.name), safe(&p.phone))));
            if width < 100 {
                spans.remove(0); // at 80 columns the store's name gives way to who is on call
            }
        }
    }
    spans
}

fn format_clock<Tz: chrono::TimeZone>(t: DateTime<Tz>) -> String
where
    Tz::Offset: std::fmt::Display,
{
    t.format("%a %b %-d %H:%M %Z").to_string()
}

/// A prompt's text with its cursor: the character under it shown reversed,
/// or a block after the last one.
pub(super) fn line_spans(input: &crate::tui::state::line::LineInput, theme: &Theme) -> Vec<Span<'static>> {
    let (before, after) = input.split();
    let mut rest = after.chars();
    let under = rest.next();
    vec![
        Span::raw(safe(before).into_owned()),
        match under {
            Some(c) => Span::styled(
                c.to_string(),
                theme.key().add_modifier(ratatui::style::Modifier::REVERSED),
            ),
            None => Span::styled("█", theme.key()),
        },
        Span::raw(safe(rest.as_str()).into_owned()),
    ]
}

fn draw_footer(frame: &mut Frame<'_>, area: Rect, state: &AppState, keymap: &Keymap, theme: &Theme) {
    let mut spans = Vec::new();
    if let Some(input) = &state.view_name_input {
        spans.push(Span::styled(" Save this view as: ", theme.key()));
        spans.extend(line_spans(input, theme));
        spans.push(Span::styled(
            "  Enter saves (a name in use is replaced) · Esc cancels",
            theme.dim(),
        ));
    } else if let Some(input) = &state.goto_input {
        spans.push(Span::styled(" Open ticket #", theme.key()));
        spans.extend(line_spans(input, theme));
        spans.push(Span::styled("  Enter opens · Esc cancels", theme.dim()));
    } else if let Some(input) = &state.queue.search_input {
        spans.push(Span::styled(" Search: ", theme.key()));
        spans.extend(line_spans(input, theme));
        spans.push(Span::styled("  Enter search · Esc cancel", theme.dim()));
    } else if let Some(input) = &state.queue.filter_input {
        spans.push(Span::styled(" Filter: ", theme.key()));
        spans.extend(line_spans(input, theme));
        spans.push(Span::styled(" status: p: company: assignee: board:", theme.dim()));
    } else if let Some(crate::tui::state::forms::Overlay::Confirm(c)) = &state.overlay {
        // A question takes y or nothing: its footer says so, not the editor's keys.
        spans.push(Span::styled(" y", theme.key()));
        spans.push(Span::raw(format!(" {} ", c.yes)));
        spans.push(Span::styled(" any other key", theme.key()));
        spans.push(Span::raw(" changes nothing "));
    } else {
        // Global hints (quit, help) first, so narrow screens keep them.
        let mut order = sections(state);
        let global_last = usize::from(order.last() == Some(&Section::Global));
        order.rotate_right(global_last);
        for sec in order {
            for (s, key, hint) in &keymap.hints {
                if *s == sec {
                    spans.push(Span::styled(format!(" {key}"), theme.key()));
                    spans.push(Span::raw(format!(" {hint} ")));
                }
            }
        }
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}
