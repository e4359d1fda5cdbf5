//! An invoice's detail on the Invoices tab: its status and sums, the
//! payments received, then its lines grouped by kind.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget};

use super::invoices::{fit, hours, InvoicesView};
use super::safe;
use crate::domain::billing::LineKind;
use crate::store::billing::{Invoice, InvoiceLine};
use crate::tui::state::invoices::Detail;

fn kind_title(k: LineKind) -> &'static str {
    match k {
        LineKind::Onboarding => "Onboarding",
        LineKind::Recurring => "Recurring (monthly)",
        LineKind::Project => "Project",
        LineKind::Labor => "Non-contract labor",
        LineKind::ContractLabor => "Contract labor",
        LineKind::PrepaidLabor => "Prepaid labor",
    }
}

impl InvoicesView<'_> {
    pub(super) fn detail(&self, d: &Detail, area: Rect, buf: &mut Buffer) {
        let t = self.theme;
        let Some(i) = d.invoice.as_deref() else {
            let text = if d.missing {
                let back = self.key(crate::tui::keymap::Section::Invoices, "back");
                format!("  {} is not in the store ({back} goes back).", d.number)
            } else {
                format!("  Loading {}…", d.number)
            };
            Paragraph::new(text).style(t.dim()).render(area, buf);
            return;
        };
        let mut lines = self.detail_head(i);
        lines.push(self.mail_line(d, i, usize::from(area.width)));
        // Payments first: they are few, and the lines of a long invoice scroll.
        self.payments(i, &mut lines);
        self.invoice_lines(d, i, area, &mut lines);
        Paragraph::new(lines).scroll((d.scroll, 0)).render(area, buf);
    }

    /// The invoice's number and company, its status and dates, its sums, and why it was voided.
    fn detail_head(&self, i: &Invoice) -> Vec<Line<'static>> {
        let t = self.theme;
        let st = i.status();
        let mut lines = vec![
            Line::from(Span::styled(
                format!(
                    " Invoice {} · {} · {} back",
                    i.number,
                    safe(&i.company),
                    self.key(crate::tui::keymap::Section::Invoices, "back")
                ),
                t.title(),
            )),
            Line::from(vec![
                Span::styled(format!(" status: {}", st.as_str()), self.status_style(st)),
                Span::raw(format!(" · dated {} · due {} (upon receipt)", i.date, i.due)),
            ]),
            Line::raw(format!(
                " total {} · paid {} · balance {}",
                i.total,
                i.paid,
                i.balance()
            )),
        ];
        if let Some(reason) = &i.void_reason {
            lines.push(Line::from(Span::styled(format!(" VOID: {}", safe(reason)), t.breach())));
        }
        lines
    }

    /// When the invoice was mailed and to whom, or why its mail failed.
    fn mail_line(&self, d: &Detail, i: &Invoice, width: usize) -> Line<'static> {
        let t = self.theme;
        let mut said = d.mail.describe(self.state.rules.calendar.zone);
        // Many addresses do not fit a line: as many as fit, and how many in all.
        let room = width.saturating_sub(" Mail: ".len());
        if said.chars().count() > room {
            let all = format!("… ({} addresses)", d.mail.recipients());
            let keep = room.saturating_sub(all.chars().count());
            said = said.chars().take(keep).collect::<String>() + &all;
        }
        let (text, style) = if said.is_empty() {
            (format!("not mailed (pimdesk invoice send {})", i.number), t.dim())
        } else if said.contains(" failed: ") {
            (safe(&said).into_owned(), t.breach())
        } else {
            (safe(&said).into_owned(), ratatui::style::Style::default())
        };
        Line::from(vec![Span::styled(" Mail: ", t.key()), Span::styled(text, style)])
    }

    /// The payments received, a reversed one dimmed with its reason.
    fn payments(&self, i: &Invoice, lines: &mut Vec<Line<'static>>) {
        let t = self.theme;
        if i.payments.is_empty() {
            lines.push(Line::from(vec![
                Span::styled(" Payments: ", t.key()),
                Span::styled("none recorded", t.dim()),
            ]));
        } else {
            lines.push(Line::from(Span::styled(" Payments", t.key())));
        }
        for p in &i.payments {
            let reference = if p.reference.is_empty() {
                String::new()
            } else {
                format!("  ref {}", safe(&p.reference))
            };
            let text = format!(
                "   {}  {:<12} {:>12}{reference}",
                p.date,
                p.method.label(),
                p.amount.to_string()
            );
            lines.push(match &p.void_reason {
                // A reversed payment stays in the history and counts for nothing.
                Some(why) => Line::from(vec![
                    Span::styled(text, t.dim()),
                    Span::styled(format!("  VOID: {}", safe(why)), t.breach()),
                ]),
                None => Line::raw(text),
            });
        }
    }

    /// The invoice's lines under their column heads, grouped by kind.
    fn invoice_lines(&self, d: &Detail, i: &Invoice, area: Rect, lines: &mut Vec<Line<'static>>) {
        let t = self.theme;
        let desc_w = usize::from(area.width).saturating_sub(53).max(10);
        lines.push(Line::from(Span::styled(
            format!(
                "   {} {:<17} {:>7} {:>10} {:>11}",
                fit(&format!("Lines ({})", i.lines.len()), desc_w),
                "Service period",
                "Time",
                "Unit",
                "Amount"
            ),
            t.header(),
        )));
        let mut last = None;
        for &n in &d.order {
            let l = &i.lines[n];
            if last != Some(l.kind) {
                last = Some(l.kind);
                lines.push(Line::from(Span::styled(format!(" {}", kind_title(l.kind)), t.key())));
            }
            lines.push(Line::raw(line_text(l, desc_w)));
        }
    }
}

/// One invoice line at `desc_w` columns of description.
fn line_text(l: &InvoiceLine, desc_w: usize) -> String {
    let period = match (l.period_start, l.period_end) {
        (Some(a), Some(b)) if a == b => a.to_string(),
        (Some(a), Some(b)) => format!("{}..{}", a, b.format("%m-%d")),
        (Some(a), None) => a.to_string(),
        _ => String::new(),
    };
    let time = if l.minutes > 0 {
        hours(i64::from(l.minutes))
    } else {
        String::new()
    };
    let unit = if l.kind.is_billed_labor() || l.kind == LineKind::PrepaidLabor {
        format!("{}/h", l.unit)
    } else {
        l.unit.to_string()
    };
    let desc = match l.ticket_id {
        Some(id) => format!("#{id} {}", l.description),
        None => l.description.clone(),
    };
    format!(
        "   {} {:<17} {:>7} {:>10} {:>11}",
        fit(&desc, desc_w),
        period,
        time,
        unit,
        l.amount.to_string()
    )
}
