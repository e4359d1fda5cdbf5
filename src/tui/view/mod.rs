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

/// The whole screen.
pub fn draw(frame: &mut Frame<'_>, state: &AppState, keymap: &Keymap, theme: &Theme) {
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
    draw_status(frame, status, state, theme);
    draw_footer(frame, footer, state, keymap, theme);
    if state.help {
        help::HelpView {
            keymap,
            sections: &sections(state),
            theme,
        }
        .render(body, frame.buffer_mut());
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

fn draw_status(frame: &mut Frame<'_>, area: Rect, state: &AppState, theme: &Theme) {
    let local = state.now.with_timezone(&state.calendar.zone);
    let mut spans = vec![
        Span::styled(format!(" {} ", state.store_label), theme.dim()),
        Span::raw(format!(" {} ", state.login)),
        Span::raw(format!(" {} ", format_clock(local))),
    ];
    if let Some((id, started)) = state.timer {
        let secs = (state.now.timestamp() - started).max(0);
        spans.push(Span::styled(
            format!(" timer #{id} {}:{:02} ", secs / 60, secs % 60),
            theme.key(),
        ));
    }
    if state.after_hours() {
        spans.push(Span::styled(" [AFTER HOURS] ", theme.warn()));
        if let Some(p) = &state.directory.on_call_now {
            spans.push(Span::raw(format!("on call: {} {} ", safe(&p.name), safe(&p.phone))));
            if area.width < 100 {
                spans.remove(0); // at 80 columns the store's name gives way to who is on call
            }
        }
    }
    if let Some(m) = &state.message {
        let style = if m.starts_with("store") || m.contains("refused") {
            theme.breach()
        } else {
            theme.ok()
        };
        spans.push(Span::styled(format!(" {} ", safe(m)), style));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)).style(theme.selected()), area);
}

fn format_clock<Tz: chrono::TimeZone>(t: DateTime<Tz>) -> String
where
    Tz::Offset: std::fmt::Display,
{
    t.format("%a %b %-d %H:%M %Z").to_string()
}

fn draw_footer(frame: &mut Frame<'_>, area: Rect, state: &AppState, keymap: &Keymap, theme: &Theme) {
    let mut spans = Vec::new();
    if let Some(input) = &state.queue.search_input {
        spans.push(Span::styled(" Search: ", theme.key()));
        spans.push(Span::raw(input.clone()));
        spans.push(Span::styled("█  Enter search · Esc cancel", theme.dim()));
    } else if let Some(input) = &state.queue.filter_input {
        spans.push(Span::styled(" Filter: ", theme.key()));
        spans.push(Span::raw(input.clone()));
        spans.push(Span::styled("█ status: p: company: assignee: board:", theme.dim()));
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
