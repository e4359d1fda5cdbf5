//! The Invoices tab's forms, drawn over the list, detail or agreements: a
//! payment, a void's reason, a new agreement, and an agreement's end or
//! project completion date. Errors (the store's words) show in the form.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Widget};

use super::invoices::{fit, InvoicesView};
use super::safe;
use crate::domain::billing::Product;
use crate::store::billing::PaymentMethod;
use crate::tui::keymap::Section;
use crate::tui::state::invoices::{
    AgreementDateForm, AgreementForm, DateChange, PaymentForm, PaymentVoidForm, VoidForm, AGREEMENT_FIELDS,
    PAYMENT_FIELDS,
};

impl InvoicesView<'_> {
    /// A bordered box in the middle of `area`, cleared.
    pub(super) fn popup(&self, area: Rect, width: u16, height: u16, title: String, buf: &mut Buffer) -> Rect {
        let w = width.min(area.width);
        let h = height.min(area.height);
        let rect = Rect {
            x: area.x + (area.width - w) / 2,
            y: area.y + (area.height - h) / 2,
            width: w,
            height: h,
        };
        Clear.render(rect, buf);
        let block = Block::default().borders(Borders::ALL).title(title);
        let inner = block.inner(rect);
        block.render(rect, buf);
        inner
    }

    pub(super) fn payment(&self, p: &PaymentForm, area: Rect, buf: &mut Buffer) {
        let t = self.theme;
        let inner = self.popup(area, 64, 10, format!(" Payment on {} ", p.target.number), buf);
        let mut lines = vec![Line::raw(format!(
            " {} · balance {} ({})",
            fit(&p.target.company, 28).trim_end(),
            p.target.balance,
            p.target.status
        ))];
        for (n, name) in PAYMENT_FIELDS.iter().enumerate() {
            let focus = n == p.focus;
            let mark = if focus { ">" } else { " " };
            let mut spans = vec![Span::styled(
                format!("{mark}{name:<10} "),
                if focus { t.key() } else { Style::new() },
            )];
            if n == 1 {
                for (i, m) in PaymentMethod::ALL.iter().enumerate() {
                    if i == p.method {
                        spans.push(Span::styled(format!("[{}]", m.label()), t.selected()));
                    } else {
                        spans.push(Span::raw(format!(" {} ", m.label())));
                    }
                }
            } else {
                let text = match n {
                    0 => &p.amount,
                    2 => &p.date,
                    _ => &p.reference,
                };
                spans.push(Span::raw(safe(text).into_owned()));
                if focus {
                    spans.push(Span::styled("█", t.key()));
                }
            }
            lines.push(Line::from(spans));
        }
        lines.push(Line::raw(""));
        let keys = format!(
            "Enter save · {}/↑↓ field · ←→ method · {} cancel",
            self.next(),
            self.cancel()
        );
        self.form_tail(&mut lines, p.error.as_deref(), &keys);
        Paragraph::new(lines).render(inner, buf);
    }

    pub(super) fn void(&self, v: &VoidForm, area: Rect, buf: &mut Buffer) {
        let t = self.theme;
        let inner = self.popup(area, 64, 7, format!(" Void {} ", v.target.number), buf);
        let mut lines = vec![
            Line::raw(format!(
                " {} · balance {} ({})",
                fit(&v.target.company, 28).trim_end(),
                v.target.balance,
                v.target.status
            )),
            Line::from(vec![
                Span::styled(">Reason    ", t.key()),
                Span::raw(safe(&v.reason).into_owned()),
                Span::styled("█", t.key()),
            ]),
            Line::raw(""),
        ];
        let keys = format!("type why · Enter voids it · {} keeps it", self.cancel());
        self.form_tail(&mut lines, v.error.as_deref(), &keys);
        Paragraph::new(lines).render(inner, buf);
    }

    pub(super) fn payment_void(&self, v: &PaymentVoidForm, area: Rect, buf: &mut Buffer) {
        let t = self.theme;
        let shown = v.payments.len().min(4);
        let height = 7 + shown as u16;
        let inner = self.popup(
            area,
            64,
            height,
            format!(" Reverse a payment on {} ", v.target.number),
            buf,
        );
        let mut lines = vec![Line::raw(format!(
            " {} · balance {} ({})",
            fit(&v.target.company, 28).trim_end(),
            v.target.balance,
            v.target.status
        ))];
        // The picked payment stays in view when there are more than fit.
        let first = v.pick.saturating_sub(shown.saturating_sub(1));
        for (i, what) in v.payments.iter().map(|r| &r.label).enumerate().skip(first).take(shown) {
            let mark = if i == v.pick { ">" } else { " " };
            let style = if i == v.pick { t.key() } else { t.dim() };
            lines.push(Line::from(Span::styled(format!(" {mark} {}", safe(what)), style)));
        }
        lines.push(Line::from(vec![
            Span::styled(">Reason    ", t.key()),
            Span::raw(safe(&v.reason).into_owned()),
            Span::styled("█", t.key()),
        ]));
        lines.push(Line::raw(""));
        let which = if v.payments.len() > 1 { "Up/Down which · " } else { "" };
        let keys = format!("{which}Enter reverses it · {} keeps it", self.cancel());
        self.form_tail(&mut lines, v.error.as_deref(), &keys);
        Paragraph::new(lines).render(inner, buf);
    }

    /// The editor's cancel key, which closes every form (Esc does too).
    fn cancel(&self) -> String {
        self.key(Section::Editor, "cancel")
    }

    /// The editor's next-field key.
    fn next(&self) -> String {
        self.key(Section::Editor, "next_field")
    }

    /// The form's keys under it, or the store's refusal, or "saving…". Enter
    /// is every form's own key to submit (the editor's save does it too).
    pub(super) fn form_tail(&self, lines: &mut Vec<Line<'_>>, error: Option<&str>, keys: &str) {
        let t = self.theme;
        if self.state.invoices.saving {
            lines.push(Line::from(Span::styled(" saving…", t.dim())));
        } else if let Some(e) = error {
            lines.push(Line::from(Span::styled(format!(" refused: {}", safe(e)), t.breach())));
        } else {
            lines.push(Line::raw(""));
        }
        lines.push(Line::from(Span::styled(format!(" {keys}"), t.dim())));
    }
    /// One labelled field: `>` and the key style when focused, a cursor after typed text.
    fn field(&self, name: &str, focus: bool, value: Vec<Span<'static>>, typed: bool) -> Line<'static> {
        let t = self.theme;
        let mark = if focus { ">" } else { " " };
        let mut spans = vec![Span::styled(
            format!("{mark}{name:<12} "),
            if focus { t.key() } else { Style::new() },
        )];
        spans.extend(value);
        if focus && typed {
            spans.push(Span::styled("█", t.key()));
        }
        Line::from(spans)
    }

    pub(super) fn agreement_form(&self, f: &AgreementForm, area: Rect, buf: &mut Buffer) {
        let t = self.theme;
        let inner = self.popup(area, 66, 13, " New agreement ".into(), buf);
        let mut lines = Vec::new();
        for (n, name) in AGREEMENT_FIELDS.iter().enumerate() {
            let focus = n == f.focus;
            let value = match n {
                0 => vec![Span::raw(format!("‹ {} ›", fit(f.company_name(), 40).trim_end()))],
                1 => vec![Span::styled(format!("‹ {} ›", f.product().as_str()), t.selected())],
                _ => vec![Span::raw(safe(f.text(n).unwrap_or("")).into_owned())],
            };
            lines.push(self.field(name, focus, value, n >= 2));
        }
        let hint = match f.product() {
            Product::PrepaidLabor => " prepaid hours a month are used before labor is billed",
            p if p.is_project() => " monthly billing starts at the project's completion",
            _ => " a contract product: monthly from execution",
        };
        lines.push(Line::from(Span::styled(hint, t.dim())));
        let keys = format!(
            "Enter save · {}/↑↓ field · ←→ or a letter picks · {} cancel",
            self.next(),
            self.cancel()
        );
        self.form_tail(&mut lines, f.error.as_deref(), &keys);
        Paragraph::new(lines).render(inner, buf);
    }

    pub(super) fn agreement_date_form(&self, f: &AgreementDateForm, area: Rect, buf: &mut Buffer) {
        let (title, name, what) = match f.change {
            DateChange::End => (" End an agreement ", "Last day", "end it"),
            DateChange::Complete => (" Project completed ", "Completed on", "save"),
        };
        let keys = format!("Enter {what} · {} cancel", self.cancel());
        let inner = self.popup(area, 66, 8, title.into(), buf);
        let mut lines = vec![
            Line::raw(format!(" {}", fit(&f.key, 62).trim_end())),
            Line::raw(format!(
                " {} · {} · executed {}",
                fit(&f.company, 30).trim_end(),
                f.product,
                f.executed
            )),
            self.field(name, true, vec![Span::raw(safe(&f.date).into_owned())], true),
        ];
        self.form_tail(&mut lines, f.error.as_deref(), &keys);
        Paragraph::new(lines).render(inner, buf);
    }
}
