//! Drawing: views borrow the state and never query, sort or compute rules.

pub mod directory;
pub mod editor;
pub mod help;
mod invoice_detail;
mod invoice_forms;
pub mod invoices;
mod mail_review;
pub mod palette;
mod prompts;
pub mod queue;
mod queue_preview;
pub mod sla;
pub mod theme;
pub mod ticket;

#[cfg(test)]
mod tests;

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

/// Broken rows would mislead: say the screen is too small, and how to
/// leave; after hours, who is on call and their number still show.
fn too_small(frame: &mut Frame<'_>, state: &AppState, theme: &Theme) {
    let area = frame.area();
    let mut lines = vec![Line::styled(
        format!(
            "terminal too small (need {}x{}, this is {}x{}); enlarge it, or q quits",
            SMALLEST.0, SMALLEST.1, area.width, area.height
        ),
        theme.warn(),
    )];
    if let Some(p) = state
        .after_hours()
        .then_some(state.directory.on_call_now.as_ref())
        .flatten()
    {
        lines.push(Line::raw(format!("on call: {} {}", safe(&p.name), safe(&p.phone))));
    }
    let y = area.height / 2;
    let rect = Rect::new(
        area.x,
        area.y + y.saturating_sub(2),
        area.width,
        area.height.saturating_sub(y.saturating_sub(2)).min(5),
    );
    frame.render_widget(
        Paragraph::new(lines)
            .alignment(ratatui::layout::Alignment::Center)
            .wrap(ratatui::widgets::Wrap { trim: true }),
        rect,
    );
}

/// The whole screen.
pub fn draw(frame: &mut Frame<'_>, state: &AppState, keymap: &Keymap, theme: &Theme) {
    let area = frame.area();
    if area.width < SMALLEST.0 || area.height < SMALLEST.1 {
        too_small(frame, state, theme);
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
    draw_body(frame, body, state, keymap, theme);
    draw_status_and_footer(frame, [status, footer], state, keymap, theme);
    if state.help {
        // Help takes the whole screen, so every binding fits at 80x24.
        let all = frame.area();
        help::HelpView {
            keymap,
            sections: &state.screen_sections(),
            theme,
        }
        .render(all, frame.buffer_mut());
    }
}

/// The open ticket or the tab on show, and the overlay over it.
fn draw_body(frame: &mut Frame<'_>, body: Rect, state: &AppState, keymap: &Keymap, theme: &Theme) {
    let buf = frame.buffer_mut();
    match (&state.ticket, state.tab) {
        (Some(t), _) => ticket::TicketScreen { view: t, state, theme }.render(body, buf),
        (None, Tab::Queue) => queue::QueueView { state, keymap, theme }.render(body, buf),
        (None, Tab::Sla) => sla::SlaView { state, keymap, theme }.render(body, buf),
        (None, Tab::Invoices) => invoices::InvoicesView { state, keymap, theme }.render(body, buf),
        (None, Tab::Directory) => directory::DirectoryView {
            state: &state.directory,
            keymap,
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
}

/// The status line and the footer's hints, with the message where it fits (see `Place`).
fn draw_status_and_footer(
    frame: &mut Frame<'_>,
    [status, footer]: [Rect; 2],
    state: &AppState,
    keymap: &Keymap,
    theme: &Theme,
) {
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

/// The status line's fields: store, user, clock, timer, held mail, after hours and who
/// is on call. When they do not fit, they give way in this order: the
/// store's name, the date, the user, the on-call's name; the on-call phone
/// number never does.
fn status_spans(state: &AppState, width: u16, theme: &Theme) -> Vec<Span<'static>> {
    let local = state.now.with_timezone(&state.rules.calendar.zone);
    let on_call = state
        .after_hours()
        .then_some(state.directory.on_call_now.as_ref())
        .flatten();
    let fits = |spans: &[Span<'static>]| spans.iter().map(Span::width).sum::<usize>() <= usize::from(width);
    let mut last = Vec::new();
    for level in 0..5 {
        let mut spans = Vec::new();
        if level < 1 {
            spans.push(Span::styled(format!(" {} ", state.me.store_label), theme.dim()));
        }
        if level < 3 {
            spans.push(Span::raw(format!(" {} ", state.me.login)));
        }
        let clock = if level < 2 {
            format_clock(local)
        } else {
            local.format("%H:%M").to_string()
        };
        spans.push(Span::raw(format!(" {clock} ")));
        if let Some(t) = &state.timer {
            let secs = (state.now.timestamp() - t.started).max(0);
            let run = format!("{}:{:02}:{:02}", secs / 3600, secs / 60 % 60, secs % 60);
            spans.push(Span::styled(format!(" timer #{} {run} ", t.ticket_id), theme.key()));
        }
        if state.mail_held > 0 {
            // Text, not colour alone: `pimdesk mail held` lists them.
            spans.push(Span::styled(format!(" {} mail held ", state.mail_held), theme.warn()));
        }
        if state.after_hours() {
            spans.push(Span::styled(" [AFTER HOURS] ", theme.warn()));
        }
        if let Some(p) = on_call {
            let who = if level < 4 {
                format!("{} ", safe(&p.name))
            } else {
                String::new()
            };
            spans.push(Span::raw(format!("on call: {who}{} ", safe(&p.phone))));
        }
        if fits(&spans) || on_call.is_none() && level >= 1 {
            return spans;
        }
        last = spans;
    }
    last
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

/// A key label as hints show it: arrows as arrows.
pub(crate) fn shown(label: &str) -> String {
    match label {
        "Down" => "↓".into(),
        "Up" => "↑".into(),
        "Left" => "←".into(),
        "Right" => "→".into(),
        other => other.to_string(),
    }
}

/// "Enter" for a binding, as a hint shows it.
pub(crate) fn key_of(keymap: &Keymap, section: Section, name: &'static str) -> String {
    shown(keymap.label(section, name))
}

/// A section's down and up keys as one hint: "jk", "↑↓" (arrows as the
/// console always wrote them), or "C-n/C-p".
pub(crate) fn moves(keymap: &Keymap, section: Section) -> String {
    let (down, up) = (key_of(keymap, section, "down"), key_of(keymap, section, "up"));
    if (down.as_str(), up.as_str()) == ("↓", "↑") {
        "↑↓".into()
    } else if down.chars().count() == 1 && up.chars().count() == 1 {
        format!("{down}{up}")
    } else {
        format!("{down}/{up}")
    }
}

/// The keys of the picker or list overlay that is open, if one is, from the keymap.
fn overlay_hints(state: &AppState, keymap: &Keymap) -> Option<Vec<(String, &'static str)>> {
    use crate::tui::state::forms::Overlay;
    let k = |sec, name| key_of(keymap, sec, name);
    let moves = |sec| moves(keymap, sec);
    let pick = |what: &'static str| vec![(moves(Section::Pick), "choose"), (k(Section::Pick, "choose"), what)];
    let typed = |what: &'static str| {
        vec![
            ("type".to_string(), "to filter"),
            (moves(Section::Prompt), "choose"),
            (k(Section::Prompt, "submit"), what),
        ]
    };
    let (mut out, close) = match state.overlay.as_ref()? {
        Overlay::Status(_) => {
            let mut v = pick("set");
            v.push(("1-5".to_string(), "pick at once"));
            (v, Section::Pick)
        }
        Overlay::Assign(_) => (typed("assign"), Section::Prompt),
        Overlay::Recent(_) => (pick("open"), Section::Pick),
        Overlay::Mail(m) if m.company.is_some() => (typed("accept"), Section::Prompt),
        Overlay::Mail(_) => (
            vec![
                (moves(Section::Pick), "choose"),
                ("a".to_string(), "accept as a ticket"),
                ("d".to_string(), "drop"),
            ],
            Section::Pick,
        ),
        Overlay::Draft(_) => {
            let later = k(Section::Editor, "cancel");
            return Some(vec![
                ("r".into(), "restore"),
                ("d".into(), "discard"),
                (later, "decide later"),
            ]);
        }
        Overlay::Palette(_) => (typed("run"), Section::Prompt),
        _ => return None,
    };
    out.push((
        k(close, if close == Section::Pick { "close" } else { "cancel" }),
        "close",
    ));
    Some(out)
}

/// "  Enter opens · Esc cancels": a prompt's own keys.
fn prompt_hint(keymap: &Keymap, submit: &str, cancel: &str) -> String {
    format!(
        "  {} {submit} · {} {cancel}",
        key_of(keymap, Section::Prompt, "submit"),
        key_of(keymap, Section::Prompt, "cancel")
    )
}

fn draw_footer(frame: &mut Frame<'_>, area: Rect, state: &AppState, keymap: &Keymap, theme: &Theme) {
    let mut spans = Vec::new();
    if let Some(input) = &state.view_name_input {
        spans.push(Span::styled(" Save this view as: ", theme.key()));
        spans.extend(line_spans(input, theme));
        spans.push(Span::styled(
            prompt_hint(keymap, "saves (a name in use is replaced)", "cancels"),
            theme.dim(),
        ));
    } else if let Some(input) = &state.goto_input {
        spans.push(Span::styled(" Open ticket #", theme.key()));
        spans.extend(line_spans(input, theme));
        spans.push(Span::styled(prompt_hint(keymap, "opens", "cancels"), theme.dim()));
    } else if let Some(input) = &state.queue.search_input {
        spans.push(Span::styled(" Search: ", theme.key()));
        spans.extend(line_spans(input, theme));
        spans.push(Span::styled(prompt_hint(keymap, "search", "cancel"), theme.dim()));
    } else if let Some(input) = &state.queue.filter_input {
        spans.push(Span::styled(" Filter: ", theme.key()));
        spans.extend(line_spans(input, theme));
        spans.push(Span::styled(" status: p: company: assignee: board:", theme.dim()));
    } else if let Some(crate::tui::state::forms::Overlay::Confirm(c)) = &state.overlay {
        // A question takes y or nothing: its footer says so, not the editor's keys.
        spans.push(Span::styled(
            format!(" {}", key_of(keymap, Section::Confirm, "yes")),
            theme.key(),
        ));
        spans.push(Span::raw(format!(" {} ", c.yes)));
        spans.push(Span::styled(" any other key", theme.key()));
        spans.push(Span::raw(" changes nothing "));
    } else if let Some(pairs) = overlay_hints(state, keymap) {
        // A picker or a list over the screen: its own keys, not the editor's.
        for (key, hint) in pairs {
            spans.push(Span::styled(format!(" {key}"), theme.key()));
            spans.push(Span::raw(format!(" {hint} ")));
        }
    } else {
        // Global hints (quit, help) first, so narrow screens keep them.
        let mut order = state.screen_sections();
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
