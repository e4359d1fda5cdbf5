//! The Directory tab: the overview list (departments, technicians, companies,
//! and contacts while searching) with the selected row's detail, an open
//! company's contacts and onboarding checklist, and the security level picker.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Widget, Wrap};

use super::theme::Theme;
use super::{key_of, safe};
use crate::domain::onboarding::ItemStatus;
use crate::domain::permissions::SecurityLevel;
use crate::tui::keymap::{Keymap, Section};
use crate::tui::state::directory::{CompanyOpen, DirectoryState, LevelPicker, Row, StepPicker};

/// Pads or cuts `s` (store text, made safe) to exactly `w` columns.
fn fit(s: &str, w: usize) -> String {
    let s = safe(s);
    let mut out: String = s.chars().take(w).collect();
    let n = out.chars().count();
    out.extend(std::iter::repeat_n(' ', w - n));
    out
}

/// `head` then the comma-separated `words`, broken between items to fit `width`.
fn wrap_words(head: String, words: &str, width: usize) -> Vec<String> {
    let mut lines = vec![head];
    for (i, w) in words.split(", ").enumerate() {
        let piece = if i == 0 { w.to_string() } else { format!(", {w}") };
        let last = lines.len() - 1;
        if lines[last].chars().count() + piece.chars().count() > width && i > 0 {
            lines[last].push(',');
            lines.push(format!("    {w}"));
        } else {
            lines[last].push_str(&piece);
        }
    }
    lines
}

fn rights(level: &str) -> String {
    level
        .parse::<SecurityLevel>()
        .map(|l| l.summary())
        .unwrap_or_else(|_| "unknown level".into())
}

pub struct DirectoryView<'a> {
    pub state: &'a DirectoryState,
    pub keymap: &'a Keymap,
    pub theme: &'a Theme,
}

impl Widget for DirectoryView<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        match &self.state.open {
            Some(open) => self.company(open, area, buf),
            None => self.overview(area, buf),
        }
        if let Some(p) = self.state.picker {
            self.picker(p, area, buf);
        }
        if let Some(p) = self.state.step_picker {
            self.step_picker(p, area, buf);
        }
    }
}

impl DirectoryView<'_> {
    fn key(&self, section: Section, name: &'static str) -> String {
        key_of(self.keymap, section, name)
    }

    /// "j/k choose · Enter save · Esc cancel": a picker's keys, `extra`
    /// (another key that moves) after the list's own.
    fn picker_keys(&self, extra: Option<String>) -> String {
        let list = |name| self.key(Section::List, name);
        let moves = format!("{}/{}", list("down"), list("up"));
        let moves = match extra {
            Some(k) => format!("{moves} or {k}"),
            None => moves,
        };
        format!(
            "{moves} choose · {} save · {} cancel",
            list("open"),
            self.key(Section::Directory, "back")
        )
    }

    /// The overview's head: the search being typed, the search kept, or the counts.
    fn overview_title(&self) -> Line<'static> {
        let (s, t) = (self.state, self.theme);
        match &s.search_input {
            Some(input) => {
                let mut spans = vec![Span::styled(" Search directory: ", t.key())];
                spans.extend(super::line_spans(input, t));
                spans.push(Span::styled(
                    format!(
                        "  {} keep · {} clear",
                        self.key(Section::Prompt, "submit"),
                        self.key(Section::Prompt, "cancel")
                    ),
                    t.dim(),
                ));
                Line::from(spans)
            }
            None if !s.query.is_empty() => Line::from(vec![
                Span::styled(" Directory", t.title()),
                Span::raw(format!(
                    " · matching \"{}\" · {} clears",
                    safe(&s.query),
                    self.key(Section::Directory, "back")
                )),
            ]),
            None => Line::from(Span::styled(
                format!(
                    " Directory: {} departments, {} technicians, {} companies",
                    s.departments.len(),
                    s.data.technicians.len(),
                    s.data.companies.len()
                ),
                t.title(),
            )),
        }
    }

    fn overview(&self, area: Rect, buf: &mut Buffer) {
        let (s, t) = (self.state, self.theme);
        let [head, list, detail] =
            Layout::vertical([Constraint::Length(1), Constraint::Min(1), Constraint::Length(3)]).areas(area);
        let title = self.overview_title();
        Paragraph::new(title).render(head, buf);
        if s.rows.iter().all(|r| matches!(r, Row::Header(_))) && !s.query.is_empty() {
            Paragraph::new(format!("  Nothing matches \"{}\".", safe(&s.query)))
                .style(t.dim())
                .render(list, buf);
            return;
        }
        let lines: Vec<Line<'_>> = (s.rows.iter().enumerate())
            .skip(s.cursor.offset)
            .take(usize::from(list.height))
            .map(|(i, r)| {
                let line = self.row_line(*r);
                if i == s.cursor.selected {
                    line.style(t.selected())
                } else {
                    line
                }
            })
            .collect();
        Paragraph::new(lines).render(list, buf);
        Paragraph::new(self.detail_lines())
            .block(Block::default().borders(Borders::TOP))
            .wrap(Wrap { trim: true })
            .render(detail, buf);
    }

    fn oncall_mark(&self, login: &str) -> &'static str {
        let s = self.state;
        if s.on_call_now.as_ref().is_some_and(|p| p.login == login) {
            "ON CALL NOW"
        } else if s.on_duty.as_deref() == Some(login) {
            "on call tonight"
        } else if s.rotation.as_ref().is_some_and(|r| r.logins.iter().any(|l| l == login)) {
            "rotation"
        } else {
            ""
        }
    }

    fn row_line(&self, r: Row) -> Line<'_> {
        let (s, t) = (self.state, self.theme);
        let d = &s.data;
        match r {
            Row::Header(h) => Line::from(Span::styled(h, t.header())),
            Row::Department(i) => {
                let x = &s.departments[i];
                let phone = match x.option.as_str() {
                    "" => x.phone.clone(),
                    o => format!("{}, option {o}", x.phone),
                };
                Line::raw(format!("  {} {} {}", fit(&x.name, 20), fit(&phone, 23), safe(&x.hours)))
            }
            Row::Technician(i) => {
                let x = &d.technicians[i];
                let mark = self.oncall_mark(&x.login);
                let style = if mark == "ON CALL NOW" { t.warn() } else { Style::new() };
                Line::from(vec![
                    Span::raw(format!(
                        "  {} {} {} {} ",
                        fit(&x.name, 20),
                        fit(&x.login, 11),
                        fit(&x.role, 10),
                        fit(&x.phone, 13)
                    )),
                    Span::styled(mark, style),
                ])
            }
            Row::Company(i) => {
                let x = &d.companies[i];
                let n = s.contact_counts.get(i).copied().unwrap_or(0);
                Line::raw(format!(
                    "  {} {} {} {n} contacts",
                    fit(&x.name, 34),
                    fit(&x.industry, 17),
                    fit(&x.city, 14)
                ))
            }
            Row::Contact(i) => {
                let x = &d.contacts[i];
                Line::raw(format!(
                    "  {} {} {} {}",
                    fit(&x.name, 20),
                    fit(&x.company, 26),
                    fit(&x.level, 14),
                    safe(&x.phone)
                ))
            }
        }
    }

    fn detail_lines(&self) -> Vec<Line<'_>> {
        let (s, t) = (self.state, self.theme);
        let d = &s.data;
        let text = match s.selected_row() {
            Some(Row::Department(i)) => {
                let x = &s.departments[i];
                let reach: Vec<&str> = [x.email.as_str(), x.portal.as_str()]
                    .into_iter()
                    .filter(|v| !v.is_empty())
                    .collect();
                format!("{}: {} · hours {} · {}", x.name, x.phone, x.hours, reach.join(" · "))
            }
            Some(Row::Technician(i)) => {
                let x = &d.technicians[i];
                let rotation = match (x.oncall, s.config_rotation()) {
                    (true, false) => "in the after-hours rotation",
                    (false, false) => "not in the rotation",
                    (true, true) => "in the fallback rotation (the config's list is in force)",
                    (false, true) => "not in the fallback rotation (the config's list is in force)",
                };
                format!(
                    "{} ({}) · {} · {} · {} · {rotation}",
                    x.name, x.login, x.role, x.phone, x.email
                )
            }
            Some(Row::Company(i)) => {
                let x = &d.companies[i];
                let open = self.key(Section::List, "open");
                format!("{} · {} · {open}: contacts and onboarding checklist", x.name, x.phone)
            }
            Some(Row::Contact(i)) => {
                let x = &d.contacts[i];
                format!("{} · {} · {} may: {}", x.name, x.email, x.level, rights(&x.level))
            }
            _ if !s.loaded => "Loading the directory…".into(),
            _ => String::new(),
        };
        vec![Line::from(Span::styled(safe(&text).into_owned(), t.dim()))]
    }

    fn company(&self, open: &CompanyOpen, area: Rect, buf: &mut Buffer) {
        let (s, t) = (self.state, self.theme);
        let Some(c) = s.data.companies.get(open.company) else {
            return;
        };
        let mut lines = vec![Line::from(vec![
            Span::styled(format!(" {}", safe(&c.name)), t.title()),
            Span::raw(format!(
                " · {} · {} · {}",
                safe(&c.industry),
                safe(&c.city),
                safe(&c.phone)
            )),
        ])];
        self.contacts(open, area, &mut lines);
        self.checklist(open, &mut lines);
        Paragraph::new(lines).render(area, buf);
    }

    /// The open company's contacts, the cursor's one kept in view, then its details and rights.
    fn contacts(&self, open: &CompanyOpen, area: Rect, lines: &mut Vec<Line<'static>>) {
        let (s, t) = (self.state, self.theme);
        let shown = usize::from(area.height.saturating_sub(12)).clamp(1, 8);
        lines.push(Line::from(Span::styled(
            format!(
                "  {} {} {} Level",
                fit("Contact", 20),
                fit("Title", 20),
                fit("Phone", 13)
            ),
            t.header(),
        )));
        if open.contacts.is_empty() {
            lines.push(Line::styled("  No contacts yet.", t.dim()));
        }
        // Past the contacts the cursor is on the checklist: the last contacts stay in view.
        let at = open.cursor.selected.min(open.contacts.len().saturating_sub(1));
        let first = at.saturating_sub(shown - 1);
        for (n, &i) in open.contacts.iter().enumerate().skip(first).take(shown) {
            let x = &s.data.contacts[i];
            let line = Line::raw(format!(
                "  {} {} {} {}",
                fit(&x.name, 20),
                fit(&x.title, 20),
                fit(&x.phone, 13),
                fit(&x.level, 14),
            ));
            lines.push(if n == open.cursor.selected {
                line.style(t.selected())
            } else {
                line
            });
        }
        if let Some(x) = open.contacts.get(open.cursor.selected).map(|&i| &s.data.contacts[i]) {
            lines.push(Line::styled(
                format!("  {} · {} · {}", safe(&x.name), safe(&x.email), safe(&x.phone)),
                t.dim(),
            ));
            let head = format!("  {} may: ", x.level);
            lines.extend(
                wrap_words(head, &rights(&x.level), usize::from(area.width))
                    .into_iter()
                    .map(Line::raw),
            );
        }
    }

    /// The company's onboarding checklist, each step with its status, date and who.
    fn checklist(&self, open: &CompanyOpen, lines: &mut Vec<Line<'static>>) {
        let (s, t) = (self.state, self.theme);
        lines.push(Line::from(Span::styled(
            "Onboarding checklist (transition plan)",
            t.header(),
        )));
        let step = s.selected_step().map(|(_, p)| p);
        if step.is_some() {
            lines.push(Line::styled(
                format!(
                    "  {}: set this step's status (dispatcher or admin)",
                    self.key(Section::Directory, "onboarding_status")
                ),
                t.dim(),
            ));
        }
        for (n, item) in s.checklist(open.company).enumerate() {
            let status = item.status.parse::<ItemStatus>().unwrap_or(ItemStatus::Pending);
            let style = if status == ItemStatus::Done {
                t.ok()
            } else {
                Style::new()
            };
            let line = Line::from(vec![
                Span::styled(format!("  {} ", status.marker()), style),
                Span::raw(format!(
                    "{} {} {} {}",
                    fit(&item.item, 40),
                    fit(status.as_str(), 11),
                    fit(item.date.as_deref().unwrap_or("-"), 10),
                    safe(item.who.as_deref().unwrap_or(""))
                )),
            ]);
            lines.push(if step == Some(n) {
                line.style(t.selected())
            } else {
                line
            });
        }
    }

    fn step_picker(&self, p: StepPicker, area: Rect, buf: &mut Buffer) {
        let t = self.theme;
        let Some(item) = self.state.checklist(p.company).nth(p.position) else {
            return;
        };
        let w = 60.min(area.width);
        let h = (ItemStatus::ALL.len() as u16 + 4).min(area.height);
        let rect = Rect {
            x: area.x + (area.width - w) / 2,
            y: area.y + area.height.saturating_sub(h) / 2,
            width: w,
            height: h,
        };
        let mut lines: Vec<Line<'_>> = ItemStatus::ALL
            .iter()
            .enumerate()
            .map(|(i, x)| {
                let mark = if x.as_str() == item.status { "*" } else { " " };
                let line = Line::raw(format!("{mark}{} {}", x.marker(), x.as_str()));
                if i == p.selected {
                    line.style(t.selected())
                } else {
                    line
                }
            })
            .collect();
        lines.push(Line::raw(""));
        let cycle = self.key(Section::Directory, "onboarding_status");
        lines.push(Line::styled(self.picker_keys(Some(cycle)), t.dim()));
        Clear.render(rect, buf);
        Paragraph::new(lines)
            .block(Block::default().borders(Borders::ALL).title(format!(
                " Step {}: {} ",
                p.position + 1,
                fit(&item.item, usize::from(w.saturating_sub(14))).trim_end()
            )))
            .render(rect, buf);
    }

    fn picker(&self, p: LevelPicker, area: Rect, buf: &mut Buffer) {
        let t = self.theme;
        let Some(c) = self.state.data.contacts.get(p.contact) else {
            return;
        };
        let w = area.width;
        let h = (SecurityLevel::ALL.len() as u16 + 5).min(area.height);
        let rect = Rect {
            x: area.x + (area.width - w) / 2,
            y: area.y + area.height.saturating_sub(h) / 2,
            width: w,
            height: h,
        };
        let mut lines: Vec<Line<'_>> = SecurityLevel::ALL
            .iter()
            .enumerate()
            .map(|(i, l)| {
                let mark = if l.as_str() == c.level { "*" } else { " " };
                let line = Line::raw(format!("{mark}{} {}", fit(l.as_str(), 15), fit(&l.summary(), 60)));
                if i == p.selected {
                    line.style(t.selected())
                } else {
                    line
                }
            })
            .collect();
        let chosen = SecurityLevel::ALL[p.selected];
        let head = format!("{} may: ", chosen.as_str());
        let mut full = wrap_words(head, &chosen.summary(), usize::from(w.saturating_sub(2)));
        full.resize(2, String::new());
        lines.extend(full.into_iter().map(Line::raw));
        lines.push(Line::styled(format!("{} · * current", self.picker_keys(None)), t.dim()));
        Clear.render(rect, buf);
        Paragraph::new(lines)
            .block(
                Block::default()
                    .borders(Borders::ALL)
                    .title(format!(" Security level: {} ", safe(&c.name))),
            )
            .render(rect, buf);
    }
}
