//! The small overlays that pick or ask: assign, recently opened, a
//! question, and the offer of an unsaved draft.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Widget, Wrap};

use super::theme::Theme;
use super::{key_of, moves, safe};
use crate::tui::keymap::{Keymap, Section};
use crate::tui::state::forms::{AssignPick, Confirm, DraftBody, DraftOffer, RecentPick};
use crate::tui::state::AppState;

/// `@`: the technicians matching the filter, the highlighted one kept in view.
pub(super) fn assign(p: &AssignPick, state: &AppState, keymap: &Keymap, t: &Theme, area: Rect, buf: &mut Buffer) {
    let mut prompt = vec![Span::styled(format!(" Assign ticket #{} to: ", p.ticket_id), t.title())];
    prompt.extend(super::line_spans(&p.filter, t));
    let mut lines = vec![Line::from(prompt), Line::raw("")];
    let options = p.options(&state.choices);
    if options.is_empty() {
        let why = if state.choices.technicians.is_empty() {
            "   loading technicians…"
        } else {
            "   no technician matches"
        };
        lines.push(Line::from(Span::styled(why, t.dim())));
    }
    let room = usize::from(area.height.saturating_sub(6)).max(1);
    let first = p.highlight.saturating_sub(room - 1);
    for (i, tech) in options.iter().enumerate().skip(first).take(room) {
        let style = if i == p.highlight { t.selected() } else { Style::new() };
        lines.push(Line::from(Span::styled(
            format!("   {:<12} {}", safe(&tech.login), safe(&tech.name)),
            style,
        )));
    }
    lines.push(Line::raw(""));
    lines.push(Line::from(Span::styled(
        format!(
            " type to filter · {} choose · {} assign · {} cancel",
            moves(keymap, Section::Prompt),
            key_of(keymap, Section::Prompt, "submit"),
            key_of(keymap, Section::Prompt, "cancel")
        ),
        t.dim(),
    )));
    Paragraph::new(lines).render(area, buf);
}

/// `Ctrl-O`: the tickets opened last.
pub(super) fn recent(
    p: &RecentPick,
    recent: &[crate::tui::state::lists::PickRow],
    keymap: &Keymap,
    theme: &Theme,
    area: Rect,
    buf: &mut Buffer,
) {
    let mut lines = vec![
        Line::from(Span::styled("Recently opened tickets", theme.title())),
        Line::raw(""),
    ];
    for (i, crate::tui::state::lists::PickRow { id, label: summary }) in recent.iter().enumerate() {
        let style = if i == p.highlight {
            theme.selected()
        } else {
            Style::default()
        };
        lines.push(Line::from(Span::styled(format!(" #{id:<8} {}", safe(summary)), style)));
    }
    lines.push(Line::raw(""));
    let pick = |name| key_of(keymap, Section::Pick, name);
    let moves = format!("{}/{}", pick("down"), pick("up"));
    lines.push(Line::from(vec![
        Span::styled(format!(" {} ", pick("choose")), theme.key()),
        Span::raw("open   "),
        Span::styled(format!(" {moves} "), theme.key()),
        Span::raw("move   "),
        Span::styled(format!(" {} ", pick("close")), theme.key()),
        Span::raw("close"),
    ]));
    Paragraph::new(lines)
        .block(Block::default().borders(Borders::ALL))
        .render(area, buf);
}

/// A question that takes y or nothing.
pub(super) fn confirm(c: &Confirm, keymap: &Keymap, theme: &Theme, area: Rect, buf: &mut Buffer) {
    let lines = vec![
        Line::from(Span::styled(safe(&c.title).into_owned(), theme.title())),
        Line::raw(""),
        Line::raw(safe(&c.question).into_owned()),
        Line::raw(""),
        Line::from(vec![
            Span::styled(format!(" {} ", key_of(keymap, Section::Confirm, "yes")), theme.key()),
            Span::raw(format!("{}   ", c.yes)),
            Span::styled(" any other key ", theme.key()),
            Span::raw("changes nothing"),
        ]),
    ];
    Paragraph::new(lines)
        .wrap(Wrap { trim: false })
        .block(Block::default().borders(Borders::ALL))
        .render(area, buf);
}

/// The draft kept from an edit that was never saved: restore, discard or later.
pub(super) fn draft(d: &DraftOffer, state: &AppState, keymap: &Keymap, theme: &Theme, area: Rect, buf: &mut Buffer) {
    let what = match &d.body {
        DraftBody::Ticket(f) => match f.id {
            Some(id) => format!("your unsaved edit of ticket #{id} (\"{}\")", safe(&f.summary)),
            None => format!("a new ticket you had not saved (\"{}\")", safe(&f.summary)),
        },
        DraftBody::Note { ticket_id, .. } => format!("a note on ticket #{ticket_id} you had not saved"),
    };
    let saved = crate::domain::time::from_secs(d.updated)
        .with_timezone(&state.rules.calendar.zone)
        .format("%a %b %-d %H:%M");
    let lines = vec![
        Line::from(Span::styled("Unsaved draft found", theme.title())),
        Line::raw(""),
        Line::raw(format!("pimdesk kept {what}, last written {saved}.")),
        Line::raw(""),
        Line::from(vec![
            Span::styled(" r ", theme.key()),
            Span::raw("restore it   "),
            Span::styled(" d ", theme.key()),
            Span::raw("discard it   "),
            Span::styled(format!(" {} ", key_of(keymap, Section::Editor, "cancel")), theme.key()),
            Span::raw("decide later"),
        ]),
    ];
    Paragraph::new(lines)
        .wrap(Wrap { trim: false })
        .block(Block::default().borders(Borders::ALL))
        .render(area, buf);
}
