//! The Invoices tab: the list with its open balance and the aging chart, an
//! invoice's detail (drawn in `invoice_detail`), agreements with prepaid
//! hours, the invoice-run preview, and the payment and void forms. Status is
//! always written out in words.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Cell, Paragraph, Row, Table, Widget};

use super::theme::Theme;
use super::{key_of, safe};
use crate::store::billing::agreements::PrepaidBalance;
use crate::store::billing::InvoiceStatus;
use crate::tui::keymap::{Keymap, Section};
use crate::tui::state::invoices::{aging_beside, Aging, AgreementLine, AgreementsView, Form, RunForm, AGING_ROWS};
use crate::tui::state::AppState;

/// Pads or cuts `s` (store text, made safe) to exactly `w` columns.
pub(super) fn fit(s: &str, w: usize) -> String {
    let s = safe(s);
    let mut out: String = s.chars().take(w).collect();
    let n = out.chars().count();
    out.extend(std::iter::repeat_n(' ', w.saturating_sub(n)));
    out
}

pub(super) fn hours(minutes: i64) -> String {
    let sign = if minutes < 0 { "-" } else { "" };
    let m = minutes.abs();
    format!("{sign}{}h {:02}m", m / 60, m % 60)
}

pub struct InvoicesView<'a> {
    pub state: &'a AppState,
    pub keymap: &'a Keymap,
    pub theme: &'a Theme,
}

impl InvoicesView<'_> {
    /// The key a hint names for a binding, from the keymap.
    pub(super) fn key(&self, section: Section, name: &'static str) -> String {
        key_of(self.keymap, section, name)
    }

    pub(super) fn status_style(&self, st: InvoiceStatus) -> Style {
        let t = self.theme;
        match st {
            InvoiceStatus::Open => t.warn(),
            InvoiceStatus::PartiallyPaid => t.warn(),
            InvoiceStatus::Paid => t.ok(),
            InvoiceStatus::Void => t.dim(),
        }
    }
}

impl Widget for InvoicesView<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let inv = &self.state.invoices;
        if let Some(Form::Run(r)) = &inv.form {
            self.run(r, area, buf);
            return;
        }
        match (&inv.detail, &inv.agreements) {
            (Some(d), _) => self.detail(d, area, buf),
            (None, Some(a)) => self.agreements(a, area, buf),
            (None, None) => self.list_and_aging(area, buf),
        }
        match &inv.form {
            Some(Form::Payment(p)) => self.payment(p, area, buf),
            Some(Form::Void(v)) => self.void(v, area, buf),
            Some(Form::PaymentVoid(v)) => self.payment_void(v, area, buf),
            Some(Form::Agreement(f)) => self.agreement_form(f, area, buf),
            Some(Form::AgreementDate(f)) => self.agreement_date_form(f, area, buf),
            _ => {}
        }
    }
}

impl InvoicesView<'_> {
    fn list_and_aging(&self, area: Rect, buf: &mut Buffer) {
        let (s, t) = (self.state, self.theme);
        let inv = &s.invoices;
        let [head, rest] = Layout::vertical([Constraint::Length(1), Constraint::Min(0)]).areas(area);
        let opens = if inv.list.is_empty() {
            String::new()
        } else {
            format!(" · {} opens", self.key(Section::List, "open"))
        };
        let title = format!(
            " Invoices: {} · open balance {}{opens}",
            inv.list.len(),
            inv.open_balance
        );
        Paragraph::new(Span::styled(title, t.title())).render(head, buf);
        let (list, chart) = if !inv.show_aging {
            (rest, None)
        } else if aging_beside(area.width) {
            let [l, c] = Layout::horizontal([Constraint::Min(0), Constraint::Length(44)]).areas(rest);
            (l, Some(c))
        } else {
            let [l, c] = Layout::vertical([Constraint::Min(0), Constraint::Length(AGING_ROWS as u16)]).areas(rest);
            (l, Some(c))
        };
        self.table(list, buf);
        if let Some(c) = chart {
            self.aging(&inv.aging, c, buf);
        }
    }

    fn table(&self, area: Rect, buf: &mut Buffer) {
        let (s, t) = (self.state, self.theme);
        let inv = &s.invoices;
        if inv.list.is_empty() {
            let text = if inv.loaded {
                format!(
                    "  No invoices yet. Press {} for an invoice run (preview first), or run pimdesk invoice run --as-of DATE.",
                    self.key(Section::Invoices, "run")
                )
            } else {
                "  Loading invoices…".into()
            };
            Paragraph::new(text)
                .style(t.dim())
                .wrap(ratatui::widgets::Wrap { trim: true })
                .render(area, buf);
            return;
        }
        let cur = inv.cursor;
        let rows = (inv.list.iter().enumerate())
            .skip(cur.offset)
            .take(usize::from(area.height.saturating_sub(1)))
            .map(|(i, r)| {
                let st = r.status();
                let sel = if i == cur.selected { t.selected() } else { Style::new() };
                Row::new(vec![
                    Cell::from(r.number.clone()),
                    Cell::from(r.date.to_string()),
                    Cell::from(safe(&r.company).into_owned()),
                    Cell::from(format!("{:>11}", r.total.to_string())),
                    Cell::from(format!("{:>11}", r.balance().to_string())),
                    Cell::from(Span::styled(st.as_str(), self.status_style(st))),
                ])
                .style(sel)
            });
        let widths = [
            Constraint::Length(10),
            Constraint::Length(10),
            Constraint::Fill(1),
            Constraint::Length(12),
            Constraint::Length(12),
            Constraint::Length(14),
        ];
        let header =
            Row::new(["Number", "Date", "Company", "       Total", "     Balance", "Status"]).style(t.header());
        Table::new(rows, widths).header(header).render(area, buf);
    }

    fn aging(&self, aging: &Aging, area: Rect, buf: &mut Buffer) {
        let t = self.theme;
        let as_of = aging.as_of.map(|d| d.to_string()).unwrap_or_default();
        let block = Block::default()
            .borders(Borders::ALL)
            .title(format!(" Aging as of {as_of} (days past due) "));
        let inner = block.inner(area);
        block.render(area, buf);
        // label 8, count 7, money 13, spaces 3: the rest is the bar.
        let bar_width = i64::from(inner.width.saturating_sub(32));
        let widest = aging.buckets.iter().map(|b| b.balance.0).max().unwrap_or(0).max(1);
        let mut lines: Vec<Line<'_>> = aging
            .buckets
            .iter()
            .map(|b| {
                let n = usize::try_from(b.balance.0 * bar_width / widest).unwrap_or(0);
                let n = if b.balance.0 > 0 { n.max(1) } else { 0 };
                let style = match b.bucket {
                    crate::store::billing::ledger::Bucket::Current => t.ok(),
                    crate::store::billing::ledger::Bucket::Days1To30 => Style::new(),
                    _ => t.breach(),
                };
                Line::from(vec![
                    Span::raw(format!(
                        " {:<8}{:>3} inv {:>13} ",
                        b.bucket.label(),
                        b.invoices,
                        b.balance.to_string()
                    )),
                    Span::styled("█".repeat(n), style),
                ])
            })
            .collect();
        lines.push(Line::from(Span::styled(
            format!(
                " {:<8}{:>3} inv {:>13}",
                "total",
                aging.buckets.iter().map(|b| b.invoices).sum::<usize>(),
                aging.total.to_string()
            ),
            t.header(),
        )));
        Paragraph::new(lines).render(inner, buf);
    }

    fn agreements(&self, a: &AgreementsView, area: Rect, buf: &mut Buffer) {
        let t = self.theme;
        let month = a.month.map(|m| m.format("%B %Y").to_string()).unwrap_or_default();
        let [head, body, foot] =
            Layout::vertical([Constraint::Length(1), Constraint::Min(0), Constraint::Length(1)]).areas(area);
        let back = self.key(Section::Invoices, "back");
        Paragraph::new(Span::styled(
            format!(" Agreements per company · prepaid hours for {month} · {back} back"),
            t.title(),
        ))
        .render(head, buf);
        let k = |name| self.key(Section::Invoices, name);
        Paragraph::new(Span::styled(
            format!(
                " {} new agreement · {} end · {} project completed (finance or admin)",
                k("new_agreement"),
                k("end_agreement"),
                k("complete_agreement")
            ),
            t.dim(),
        ))
        .render(foot, buf);
        let (lines, selected_at) = self.agreement_lines(a);
        // Keep the selected row (and its prepaid line) in view.
        let height = usize::from(body.height).max(1);
        let scroll = (selected_at + 2).saturating_sub(height);
        Paragraph::new(lines)
            .scroll((u16::try_from(scroll).unwrap_or(u16::MAX), 0))
            .render(body, buf);
    }

    /// The agreements under their companies, each with its prepaid hours; and
    /// the index of the selected agreement's line.
    fn agreement_lines(&self, a: &AgreementsView) -> (Vec<Line<'static>>, usize) {
        let t = self.theme;
        let mut lines = Vec::new();
        if !a.loaded {
            lines.push(Line::from(Span::styled("  Loading agreements…", t.dim())));
        } else if a.rows.is_empty() {
            let new = self.key(Section::Invoices, "new_agreement");
            lines.push(Line::from(Span::styled(
                format!("  No agreements yet: {new} adds one."),
                t.dim(),
            )));
        }
        let mut company = None;
        let mut selected_at = 0;
        for (n, l) in a.rows.iter().enumerate() {
            let ag = &l.row.agreement;
            if company != Some(ag.company_id) {
                company = Some(ag.company_id);
                lines.push(Line::from(Span::styled(
                    format!(" {}", safe(&l.row.company)),
                    t.header(),
                )));
            }
            let row = Line::raw(format!(
                "   {:<16} from {} {:<19} {:>12}/mo",
                ag.product.as_str(),
                ag.executed,
                agreement_state(l),
                ag.monthly.to_string()
            ));
            if n == a.selected {
                selected_at = lines.len();
                lines.push(row.style(t.selected()));
            } else {
                lines.push(row);
            }
            if let Some(b) = l.prepaid {
                lines.push(prepaid_line(b, t));
            }
        }
        (lines, selected_at)
    }

    fn run(&self, r: &RunForm, area: Rect, buf: &mut Buffer) {
        let mut lines = self.run_head(r);
        if r.preview.is_some() {
            self.run_preview(r, area, &mut lines);
        }
        Paragraph::new(lines).render(area, buf);
    }

    /// The run's date being typed, what y or Enter will do, and its refusal or progress.
    fn run_head(&self, r: &RunForm) -> Vec<Line<'static>> {
        let (s, t) = (self.state, self.theme);
        let cancel = self.key(Section::Editor, "cancel");
        let mut lines = vec![
            Line::from(vec![
                Span::styled(" Invoice run as of: ", t.title()),
                Span::raw(r.as_of.clone()),
                Span::styled("█", t.key()),
            ]),
            match r.preview.as_ref().filter(|p| r.ready() && !p.invoices.is_empty()) {
                Some(p) => Line::from(vec![
                    Span::styled(
                        format!(
                            " {} writes these {} invoice(s), total {}",
                            self.key(Section::Confirm, "yes"),
                            p.invoices.len(),
                            p.total
                        ),
                        t.key(),
                    ),
                    Span::styled(format!(" · {cancel} leaves without writing"), t.dim()),
                ]),
                // Enter is the run form's own key (the editor's save previews too).
                None => Line::from(Span::styled(
                    format!(" Enter previews (a dry run: nothing is written) · {cancel} leaves"),
                    t.dim(),
                )),
            },
        ];
        if let Some(e) = &r.error {
            lines.push(Line::from(Span::styled(format!(" refused: {}", safe(e)), t.breach())));
        }
        if r.loading || (s.invoices.saving && r.ready()) {
            lines.push(Line::from(Span::styled(" working…", t.dim())));
        }
        lines
    }

    /// The dry run's sums, then the invoices it would write, as many as fit.
    fn run_preview(&self, r: &RunForm, area: Rect, lines: &mut Vec<Line<'static>>) {
        let Some(p) = &r.preview else {
            return;
        };
        lines.push(Line::from(Span::styled(
            format!(
                " Preview as of {}: {} invoice(s), {} line(s), total {} (not written yet)",
                p.as_of,
                p.invoices.len(),
                p.lines,
                p.total
            ),
            self.theme.header(),
        )));
        if p.invoices.is_empty() {
            lines.push(Line::raw(format!("  Nothing unbilled is due by {}.", p.as_of)));
        }
        let company_w = usize::from(area.width).saturating_sub(38).max(10);
        let top = lines.len();
        let body = (p.invoices.iter())
            .skip(usize::from(r.scroll))
            .take(usize::from(area.height).saturating_sub(top))
            .map(|i| {
                Line::raw(format!(
                    "  {:<11} {} {:>5} ln {:>13}",
                    i.number,
                    fit(&i.company, company_w),
                    i.lines.len(),
                    i.total.to_string()
                ))
            });
        lines.extend(body);
    }
}

/// An agreement's state in words: ended, awaiting or past completion, or active.
fn agreement_state(l: &AgreementLine) -> String {
    let ag = &l.row.agreement;
    match (ag.ended, ag.project_completed) {
        (Some(e), _) => format!("ends {e}"),
        (None, None) if ag.product.is_project() => "awaiting completion".into(),
        (None, Some(c)) => format!("completed {c}"),
        (None, None) => "active".into(),
    }
}

/// "prepaid: 2h 30m of 10h 00m used, 7h 30m left"; once the hours are used
/// up, the overage beside them ("2h 00m of 2h 00m used, 0h 45m over, billed
/// as contract labor").
fn prepaid_line(b: PrepaidBalance, t: &Theme) -> Line<'static> {
    let (text, style) = if b.overage_minutes > 0 {
        let over = hours(b.overage_minutes);
        (format!("{over} over, billed as contract labor"), t.breach())
    } else {
        (format!("{} left", hours(b.left_minutes())), t.ok())
    };
    Line::from(vec![
        Span::raw(format!(
            "     prepaid: {} of {} used, ",
            hours(b.used_minutes),
            hours(b.allowance_minutes)
        )),
        Span::styled(text, style),
    ])
}
