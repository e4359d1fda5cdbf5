//! The ticket editor and the small forms (note, time, status, draft offer).

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Widget, Wrap};

use super::theme::Theme;
use super::{key_of, safe};
use crate::tui::keymap::{Keymap, Section};
use crate::tui::state::editor::{EditorState, Field};
use crate::tui::state::forms::{NoteForm, Overlay, StatusPick, TimeField, TimeForm};
use crate::tui::state::AppState;

pub struct OverlayView<'a> {
    pub overlay: &'a Overlay,
    pub keymap: &'a Keymap,
    pub state: &'a AppState,
    pub theme: &'a Theme,
}

impl Widget for OverlayView<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        if let Overlay::Palette(p) = self.overlay {
            // The palette floats over the screen it will act on.
            return super::palette::PaletteView {
                palette: p,
                keymap: self.keymap,
                theme: self.theme,
            }
            .render(area, buf);
        }
        Clear.render(area, buf);
        match self.overlay {
            Overlay::Editor(e) => EditorView {
                e,
                keymap: self.keymap,
                state: self.state,
                theme: self.theme,
            }
            .render(area, buf),
            Overlay::Note(n) => note(n, self.keymap, self.theme, area, buf),
            Overlay::Time(t) => time(t, self.keymap, self.theme, area, buf),
            Overlay::Status(p) => status(p, &self.state.rules.priority_names, self.keymap, self.theme, area, buf),
            Overlay::Palette(_) => {}
            Overlay::Mail(m) => super::mail_review::MailView {
                m,
                state: self.state,
                keymap: self.keymap,
                theme: self.theme,
            }
            .render(area, buf),
            Overlay::Assign(p) => super::prompts::assign(p, self.state, self.keymap, self.theme, area, buf),
            Overlay::Recent(p) => super::prompts::recent(p, &self.state.recent, self.keymap, self.theme, area, buf),
            Overlay::Confirm(c) => super::prompts::confirm(c, self.keymap, self.theme, area, buf),
            Overlay::Draft(d) => super::prompts::draft(d, self.state, self.keymap, self.theme, area, buf),
        }
    }
}

struct EditorView<'a> {
    e: &'a EditorState,
    keymap: &'a Keymap,
    state: &'a AppState,
    theme: &'a Theme,
}

impl EditorView<'_> {
    fn value(&self, f: Field) -> String {
        let (form, c) = (&self.e.form, &self.state.choices);
        match f {
            Field::Company => form
                .company_id
                .and_then(|id| c.companies.iter().find(|x| x.id == id))
                .map(|x| x.name.clone())
                .unwrap_or_else(|| "(choose)".into()),
            Field::Contact => form
                .contact_id
                .and_then(|id| c.contacts.iter().find(|x| x.id == id))
                .map(|x| format!("{} [{}]", x.name, x.security_level))
                .unwrap_or_else(|| "-".into()),
            Field::Priority => format!(
                "{} {}",
                form.priority,
                self.state
                    .rules
                    .priority_names
                    .get(form.priority.index())
                    .map(String::as_str)
                    .unwrap_or("")
            ),
            Field::Status => form.status.to_string(),
            Field::Assignee => form
                .assignee_id
                .and_then(|id| c.technicians.iter().find(|x| x.id == id))
                .map(|x| x.login.clone())
                .unwrap_or_else(|| "(unassigned)".into()),
            Field::Board => form.board.to_string(),
            Field::Source => form.source.to_string(),
            Field::Scheduled => {
                if form.scheduled.is_empty() && self.e.focus != Field::Scheduled {
                    "-  (YYYY-MM-DD HH:MM, needed for P5)".into()
                } else {
                    form.scheduled.clone()
                }
            }
            _ => String::new(),
        }
    }

    fn field_line(&self, f: Field) -> Line<'_> {
        let t = self.theme;
        let focused = self.e.focus == f;
        let label_style = if focused { t.key() } else { t.dim() };
        let mut spans = vec![Span::styled(format!("{:>11} ", f.label()), label_style)];
        if focused && f.is_picker() && !self.e.filter.is_empty() {
            // The filter being typed, with its cursor.
            spans.extend(super::line_spans(&self.e.filter, t));
            if let Some(err) = self.e.error(f) {
                spans.push(Span::styled(format!("  ✗ {err}"), t.breach()));
            }
            return Line::from(spans);
        }
        let value = self.value(f);
        let cursor = if focused && f == Field::Scheduled { "█" } else { "" };
        spans.push(Span::styled(
            format!("{}{cursor}", safe(&value)),
            if focused { t.selected() } else { Style::new() },
        ));
        if let Some(err) = self.e.error(f) {
            spans.push(Span::styled(format!("  ✗ {err}"), t.breach()));
        }
        Line::from(spans)
    }
}

impl Widget for EditorView<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let t = self.theme;
        let e = self.e;
        let pickers = Field::one_line();
        let head_rows = if e.conflict.is_some() { 2 } else { 1 };
        let [head, fields, def, summary, desc, foot] = Layout::vertical([
            Constraint::Length(head_rows),
            Constraint::Length(pickers.len() as u16),
            Constraint::Length(1),
            Constraint::Length(1),
            Constraint::Min(3),
            Constraint::Length(1),
        ])
        .areas(area);
        Paragraph::new(Line::from(self.title()))
            .wrap(Wrap { trim: true })
            .render(head, buf);
        let lines: Vec<Line<'_>> = pickers.iter().map(|f| self.field_line(*f)).collect();
        Paragraph::new(lines).render(fields, buf);
        Paragraph::new(Span::styled(format!("{:>11} {}", "", self.definition()), t.dim())).render(def, buf);
        self.summary(summary, buf);
        self.description(desc, buf);
        Paragraph::new(self.hint()).render(foot, buf);
        if e.focus.is_picker() {
            self.picker(fields, buf);
        }
    }
}

impl EditorView<'_> {
    /// The ticket being edited, or the conflict that stopped its save.
    fn title(&self) -> Span<'static> {
        let (t, e) = (self.theme, self.e);
        match &e.conflict {
            Some(c) => Span::styled(format!(" {} ", safe(c)), t.warn()),
            None => Span::styled(
                format!(" {}{} ", e.title(), if e.changed { " (unsaved)" } else { "" }),
                t.title(),
            ),
        }
    }

    /// On the contact field the line says what the contact may do; elsewhere, the priority's definition.
    fn definition(&self) -> String {
        let e = self.e;
        let definition = self
            .state
            .rules
            .definitions
            .get(e.form.priority.index())
            .cloned()
            .unwrap_or_default();
        let rights = (e.focus == Field::Contact)
            .then(|| {
                e.form
                    .contact_id
                    .and_then(|id| self.state.choices.contacts.iter().find(|c| c.id == id))
            })
            .flatten()
            .and_then(|c| {
                c.security_level
                    .parse::<crate::domain::permissions::SecurityLevel>()
                    .ok()
            })
            .map(|l| format!("{l} may: {}", l.summary()));
        rights.unwrap_or(definition)
    }

    /// The summary's label and its one-line input, with its error while it is empty.
    fn summary(&self, summary: Rect, buf: &mut Buffer) {
        let (t, e) = (self.theme, self.e);
        let [slabel, sbox] = Layout::horizontal([Constraint::Length(12), Constraint::Min(1)]).areas(summary);
        let sstyle = if e.focus == Field::Summary { t.key() } else { t.dim() };
        let serr = e.error(Field::Summary).map(|m| format!(" ✗ {m}")).unwrap_or_default();
        Paragraph::new(Span::styled(format!("{:>11} ", "Summary"), sstyle)).render(slabel, buf);
        e.summary.render(sbox, buf);
        if !serr.is_empty() && e.summary.is_empty() {
            Paragraph::new(Span::styled(serr, t.breach())).render(sbox, buf);
        }
    }

    /// The description's text area under its titled rule.
    fn description(&self, desc: Rect, buf: &mut Buffer) {
        let (t, e) = (self.theme, self.e);
        let block = Block::default().borders(Borders::TOP).title(Span::styled(
            " Description ",
            if e.focus == Field::Description {
                t.key()
            } else {
                t.dim()
            },
        ));
        let inner = block.inner(desc);
        block.render(desc, buf);
        e.description.render(inner, buf);
    }

    /// The footer: the editor's keys, or the question before discarding.
    fn hint(&self) -> Line<'static> {
        let t = self.theme;
        let k = |section, name| key_of(self.keymap, section, name);
        if self.e.confirm_discard {
            Line::from(Span::styled(
                format!(
                    " Discard your changes? {} discards · any other key keeps editing ",
                    k(Section::Confirm, "yes")
                ),
                t.warn(),
            ))
        } else {
            let e = |name| k(Section::Editor, name);
            Line::from(Span::styled(
                format!(
                    " {} save · {} cancel · {} next field · type to filter, ↑↓ Enter to pick · {}/{} undo/redo",
                    e("save"),
                    e("cancel"),
                    e("next_field"),
                    e("undo"),
                    e("redo")
                ),
                t.dim(),
            ))
        }
    }
}

impl EditorView<'_> {
    /// The focused picker's options, under its line.
    fn picker(&self, fields: Rect, buf: &mut Buffer) {
        let pickers = Field::one_line();
        let Some(row) = pickers.iter().position(|f| *f == self.e.focus) else {
            return;
        };
        let options = self.e.options(&self.state.choices, &self.state.rules.priority_names);
        if self.e.filter.is_empty() && self.e.focus != Field::Priority {
            return;
        }
        let y = fields.y + row as u16 + 1;
        let h = (options.len().min(8) as u16 + 2).min(buf.area.height.saturating_sub(y + 2));
        let rect = Rect {
            x: fields.x + 12,
            y,
            width: fields.width.saturating_sub(14).min(60),
            height: h,
        };
        Clear.render(rect, buf);
        let first = self.e.highlight.saturating_sub(7);
        let lines: Vec<Line<'_>> = options
            .iter()
            .enumerate()
            .skip(first)
            .take(8)
            .map(|(i, row)| {
                Line::from(Span::styled(
                    safe(&row.label).into_owned(),
                    if i == self.e.highlight {
                        self.theme.selected()
                    } else {
                        Style::new()
                    },
                ))
            })
            .collect();
        let title = if options.is_empty() {
            " no match "
        } else {
            " ↑↓ Enter "
        };
        Paragraph::new(lines)
            .block(Block::default().borders(Borders::ALL).title(title))
            .render(rect, buf);
    }
}

fn note(n: &NoteForm, keymap: &Keymap, t: &Theme, area: Rect, buf: &mut Buffer) {
    let kind = if n.internal {
        "internal (technicians only)"
    } else {
        "client-visible"
    };
    let [head, body, foot] =
        Layout::vertical([Constraint::Length(1), Constraint::Min(3), Constraint::Length(1)]).areas(area);
    Paragraph::new(Line::from(vec![
        Span::styled(
            match n.editing {
                Some(note) => format!(" Correcting note {note} on ticket #{} ", n.ticket_id),
                None => format!(" Note on ticket #{} ", n.ticket_id),
            },
            t.title(),
        ),
        Span::styled(format!("[{kind}]"), if n.internal { t.dim() } else { t.ok() }),
    ]))
    .render(head, buf);
    let block = Block::default().borders(Borders::ALL);
    let inner = block.inner(body);
    block.render(body, buf);
    n.text.render(inner, buf);
    let e = |name| key_of(keymap, Section::Editor, name);
    let hint = match (&n.error, n.confirm_discard) {
        (_, true) => Span::styled(
            format!(
                " Discard this note? {} discards · any other key keeps writing ",
                key_of(keymap, Section::Confirm, "yes")
            ),
            t.warn(),
        ),
        (Some(e), _) => Span::styled(format!(" ✗ {e}"), t.breach()),
        _ => Span::styled(
            format!(
                " {} add · {} internal/client-visible · {} cancel",
                e("save"),
                e("toggle_internal"),
                e("cancel")
            ),
            t.dim(),
        ),
    };
    Paragraph::new(Line::from(hint)).render(foot, buf);
}

fn time(f: &TimeForm, keymap: &Keymap, t: &Theme, area: Rect, buf: &mut Buffer) {
    let mark = |x: TimeField| if f.focus == x { t.selected() } else { Style::new() };
    let lines = vec![
        Line::from(Span::styled(
            match f.timer_started {
                Some(_) => format!(" Stop the timer on ticket #{}: log its time", f.ticket_id),
                None => format!(" Log time on ticket #{}", f.ticket_id),
            },
            t.title(),
        )),
        Line::raw(""),
        Line::from(vec![
            Span::raw("       Time  "),
            Span::styled(format!("{}█", f.minutes), mark(TimeField::Minutes)),
            Span::styled(
                match f.parsed() {
                    Some(d) => format!("  = {d}"),
                    None if f.minutes.trim().is_empty() => "  90, 45m, 1h30, 1:30, 1.5h".into(),
                    None => "  ? not a duration".into(),
                },
                t.dim(),
            ),
        ]),
        Line::from(vec![
            Span::raw("   Billable  "),
            Span::styled(if f.billable { "[x] yes" } else { "[ ] no" }, mark(TimeField::Billable)),
        ]),
        Line::from(vec![
            Span::raw("       Note  "),
            Span::styled(format!("{}█", safe(&f.note)), mark(TimeField::Note)),
        ]),
        Line::raw(""),
        match (&f.error, f.confirm_discard) {
            (_, true) => Line::from(Span::styled(
                format!(
                    " Discard the timer's {}? {} discard · {} keep it running",
                    f.parsed().unwrap_or_else(|| "time".into()),
                    key_of(keymap, Section::Confirm, "yes"),
                    key_of(keymap, Section::Confirm, "no")
                ),
                t.warn(),
            )),
            (Some(e), _) => Line::from(Span::styled(format!(" ✗ {e}"), t.breach())),
            (None, _) => Line::from(Span::styled(time_keys(keymap), t.dim())),
        },
    ];
    Paragraph::new(lines).render(area, buf);
}

/// The time form's keys: Enter is the form's own, the rest the editor's.
fn time_keys(keymap: &Keymap) -> String {
    let e = |name| key_of(keymap, Section::Editor, name);
    format!(
        " Enter or {} log · {} next · Space toggles billable · {} cancel",
        e("save"),
        e("next_field"),
        e("cancel")
    )
}

fn status(p: &StatusPick, names: &[String], keymap: &Keymap, t: &Theme, area: Rect, buf: &mut Buffer) {
    let what = match p.what {
        crate::tui::state::forms::PickWhat::Status => "status",
        crate::tui::state::forms::PickWhat::Priority => "priority",
    };
    let mut lines = vec![
        Line::from(Span::styled(
            format!(" Set the {what} of ticket #{}", p.ticket_id),
            t.title(),
        )),
        Line::raw(""),
    ];
    for (i, label) in p.labels(names).iter().enumerate() {
        lines.push(Line::from(Span::styled(
            format!("  {} {label}", i + 1),
            if i == p.highlight { t.selected() } else { Style::new() },
        )));
    }
    lines.push(Line::raw(""));
    lines.push(Line::from(Span::styled(
        format!(
            " {} choose · {} or a digit sets · {} cancel",
            super::moves(keymap, Section::Pick),
            key_of(keymap, Section::Pick, "choose"),
            key_of(keymap, Section::Pick, "close")
        ),
        t.dim(),
    )));
    Paragraph::new(lines).render(area, buf);
}
