//! An invoice as a printable document, in plain text or Markdown, carrying
//! the payment instructions of `[billing.payment]` (the guide's "Five Ways
//! to Pay") and the Finance department's contact from `[directory]`.

use std::fmt::Write;

use crate::config::Config;
use crate::domain::billing::LineKind;
use crate::domain::text::sanitize_line;
use crate::store::billing::{Invoice, InvoiceLine};

/// Everything printed, as label/value pairs, before formatting.
struct Parts {
    issuer: String,
    header: Vec<(&'static str, String)>,
    lines: Vec<[String; 6]>,
    totals: Vec<(&'static str, String)>,
    payments: Vec<String>,
    terms: String,
    how_to_pay: Vec<String>,
    footer: String,
}

const COLUMNS: [&str; 6] = ["Kind", "Description", "Period", "Ticket", "Quantity", "Amount"];

fn kind_label(k: LineKind) -> &'static str {
    match k {
        LineKind::Onboarding => "Onboarding",
        LineKind::Recurring => "Monthly",
        LineKind::Project => "Project",
        LineKind::Labor => "Non-contract labor",
        LineKind::ContractLabor => "Contract labor",
        LineKind::PrepaidLabor => "Prepaid hours",
    }
}

fn hours(minutes: u32) -> String {
    format!("{}h {:02}m", minutes / 60, minutes % 60)
}

fn line_cells(l: &InvoiceLine) -> [String; 6] {
    let period = match (l.period_start, l.period_end) {
        (Some(a), Some(b)) if a != b => format!("{a} to {b}"),
        (Some(a), _) => a.to_string(),
        _ => String::new(),
    };
    let quantity = match l.kind {
        LineKind::Labor | LineKind::ContractLabor => format!("{} at {}/h", hours(l.minutes), l.unit),
        LineKind::PrepaidLabor => format!("{} drawn", hours(l.minutes)),
        _ => String::new(),
    };
    [
        kind_label(l.kind).to_string(),
        sanitize_line(&l.description),
        period,
        l.ticket_id.map(|t| format!("#{t}")).unwrap_or_default(),
        quantity,
        l.amount.to_string(),
    ]
}

fn parts(config: &Config, inv: &Invoice) -> Parts {
    let pay = &config.billing.payment;
    let terms = if pay.terms.is_empty() {
        "Due upon receipt"
    } else {
        &pay.terms
    };
    let mut header = vec![
        ("Invoice", inv.number.clone()),
        ("Bill to", sanitize_line(&inv.company)),
        ("Invoice date", inv.date.to_string()),
        ("Due", format!("{} ({terms})", inv.due)),
        ("Status", inv.status().to_string()),
    ];
    if let Some(reason) = &inv.void_reason {
        header.push(("Void", sanitize_line(reason)));
    }
    let mut totals = vec![("Total", inv.total.to_string())];
    if inv.paid.0 != 0 {
        totals.push(("Paid", inv.paid.to_string()));
    }
    totals.push(("Balance due", inv.balance().to_string()));
    let payments = inv
        .payments
        .iter()
        .map(|p| {
            let r = sanitize_line(&p.reference);
            let r = if r.is_empty() {
                String::new()
            } else {
                format!(", ref {r}")
            };
            let void = p
                .void_reason
                .as_deref()
                .map_or(String::new(), |v| format!(" (void: {})", sanitize_line(v)));
            format!(
                "{} {} by {}{r}{void} (payment {})",
                p.date,
                p.amount,
                p.method.label(),
                p.id
            )
        })
        .collect();
    Parts {
        issuer: pay.check_payee.clone(),
        header,
        lines: inv.lines.iter().map(line_cells).collect(),
        totals,
        payments,
        terms: terms.to_string(),
        how_to_pay: how_to_pay(config),
        footer: footer(config, inv),
    }
}

/// The five ways to pay, from the config; a method left empty is left out.
fn how_to_pay(config: &Config) -> Vec<String> {
    let p = &config.billing.payment;
    [
        ("Check", "make checks payable to", &p.check_payee),
        ("ACH", "", &p.ach),
        ("Bill.com", "Payment Network ID", &p.billcom_id),
        ("PayPal", "", &p.paypal),
        ("Credit card", "", &p.card),
    ]
    .into_iter()
    .filter(|(_, _, v)| !v.trim().is_empty())
    .map(|(name, lead, v)| {
        if lead.is_empty() {
            format!("{name}: {v}")
        } else {
            format!("{name}: {lead} {v}")
        }
    })
    .collect()
}

fn footer(config: &Config, inv: &Invoice) -> String {
    let mut text = format!("Please write invoice number {} on your payment.", inv.number);
    let finance = config
        .directory
        .departments
        .iter()
        .find(|d| d.name.eq_ignore_ascii_case("finance"));
    if let Some(d) = finance {
        let mut how = d.phone.clone();
        if !d.option.is_empty() {
            how.push_str(&format!(", option {}", d.option));
        }
        if !d.email.is_empty() {
            how.push_str(&format!(", {}", d.email));
        }
        text.push_str(&format!(" Questions: {} Department, {how}.", d.name));
    }
    text
}

/// The document as plain text, for a terminal or a printer.
pub fn text(config: &Config, inv: &Invoice) -> String {
    let p = parts(config, inv);
    let mut out = String::new();
    let _ = writeln!(out, "{}", p.issuer.to_uppercase());
    let _ = writeln!(out, "INVOICE {}\n", inv.number);
    for (k, v) in &p.header {
        let _ = writeln!(out, "{:<14}{v}", format!("{k}:"));
    }
    out.push('\n');
    for l in &p.lines {
        let _ = writeln!(out, "{:<14}{}", l[0], l[1]);
        let detail: Vec<&str> = [&l[2], &l[3], &l[4]]
            .into_iter()
            .filter(|s| !s.is_empty())
            .map(String::as_str)
            .collect();
        let _ = writeln!(out, "{:<14}{:<48}{:>14}", "", detail.join("  "), l[5]);
    }
    out.push('\n');
    for (k, v) in &p.totals {
        let _ = writeln!(out, "{:>62}{:>14}", format!("{k}:"), v);
    }
    if !p.payments.is_empty() {
        let _ = writeln!(out, "\nPayments received:");
        for line in &p.payments {
            let _ = writeln!(out, "  {line}");
        }
    }
    let _ = writeln!(out, "\nPayment terms: {}", p.terms);
    let _ = writeln!(out, "Ways to pay:");
    for line in &p.how_to_pay {
        let _ = writeln!(out, "  - {line}");
    }
    let _ = writeln!(out, "\n{}", p.footer);
    out
}

/// Escapes what Markdown would read as markup inside a table cell.
fn md(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(c, '\\' | '|' | '*' | '_' | '`' | '[' | ']' | '<' | '>') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// The document as Markdown.
pub fn markdown(config: &Config, inv: &Invoice) -> String {
    let p = parts(config, inv);
    let mut out = String::new();
    let _ = writeln!(out, "# Invoice {}\n", inv.number);
    let _ = writeln!(out, "**{}**\n", md(&p.issuer));
    let _ = writeln!(out, "| | |\n|---|---|");
    for (k, v) in &p.header {
        let _ = writeln!(out, "| {k} | {} |", md(v));
    }
    let _ = writeln!(out, "\n## Charges\n");
    let _ = writeln!(out, "| {} |", COLUMNS.join(" | "));
    let _ = writeln!(out, "|---|---|---|---|---|---:|");
    for l in &p.lines {
        let cells: Vec<String> = l.iter().map(|c| md(c)).collect();
        let _ = writeln!(out, "| {} |", cells.join(" | "));
    }
    let _ = writeln!(out);
    for (k, v) in &p.totals {
        let _ = writeln!(out, "**{k}: {}**  ", md(v));
    }
    if !p.payments.is_empty() {
        let _ = writeln!(out, "\n## Payments received\n");
        for line in &p.payments {
            let _ = writeln!(out, "- {}", md(line));
        }
    }
    let _ = writeln!(out, "\n## How to pay\n");
    let _ = writeln!(out, "Payment terms: **{}**\n", md(&p.terms));
    for line in &p.how_to_pay {
        let _ = writeln!(out, "- {line}");
    }
    let _ = writeln!(out, "\n{}", p.footer);
    out
}

/// Escapes text for HTML.
pub(super) fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// The document as HTML, for the body of the invoice's mail (simple tables,
/// inline styles only: mail programs drop style sheets).
pub fn html(config: &Config, inv: &Invoice) -> String {
    let p = parts(config, inv);
    let mut out = String::from("<!DOCTYPE html>\n<html><body style=\"font-family: sans-serif\">\n");
    let _ = writeln!(
        out,
        "<h2>{}</h2>\n<h3>Invoice {}</h3>",
        esc(&p.issuer),
        esc(&inv.number)
    );
    out.push_str("<table>\n");
    for (k, v) in &p.header {
        let _ = writeln!(out, "<tr><th align=\"left\">{k}</th><td>{}</td></tr>", esc(v));
    }
    out.push_str("</table>\n<table border=\"1\" cellpadding=\"4\" style=\"border-collapse: collapse\">\n<tr>");
    for c in COLUMNS {
        let _ = write!(out, "<th>{c}</th>");
    }
    out.push_str("</tr>\n");
    for l in &p.lines {
        out.push_str("<tr>");
        for (i, c) in l.iter().enumerate() {
            let align = if i == 5 { " align=\"right\"" } else { "" };
            let _ = write!(out, "<td{align}>{}</td>", esc(c));
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</table>\n<p>");
    for (k, v) in &p.totals {
        let _ = write!(out, "<b>{k}: {}</b><br>", esc(v));
    }
    out.push_str("</p>\n");
    if !p.payments.is_empty() {
        out.push_str("<p>Payments received:</p>\n<ul>");
        for line in &p.payments {
            let _ = write!(out, "<li>{}</li>", esc(line));
        }
        out.push_str("</ul>\n");
    }
    let _ = writeln!(
        out,
        "<p>Payment terms: <b>{}</b></p>\n<p>Ways to pay:</p>\n<ul>",
        esc(&p.terms)
    );
    for line in &p.how_to_pay {
        let _ = write!(out, "<li>{}</li>", esc(line));
    }
    let _ = writeln!(out, "</ul>\n<p>{}</p>\n</body></html>", esc(&p.footer));
    out
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

    use super::*;
    use crate::domain::money::Cents;

    fn invoice() -> Invoice {
        let d = NaiveDate::from_ymd_opt(2026, 3, 10).unwrap();
        Invoice {
            id: 1,
            number: "INV-000001".into(),
            company_id: 1,
            company: "Acme | Dental".into(),
            date: d,
            due: d,
            total: Cents(18_750),
            paid: Cents::ZERO,
            void_reason: None,
            lines: vec![InvoiceLine {
                kind: LineKind::Labor,
                description: "Labor, ticket #4 at $150.00/h".into(),
                ticket_id: Some(4),
                minutes: 75,
                unit: Cents(15_000),
                amount: Cents(18_750),
                period_start: Some(d),
                period_end: Some(d),
            }],
            payments: vec![],
        }
    }

    #[test]
    fn billing_document_carries_the_five_ways_to_pay() {
        let config = Config::defaults();
        for doc in [
            text(&config, &invoice()),
            markdown(&config, &invoice()),
            html(&config, &invoice()),
        ] {
            for want in [
                "Due upon receipt",
                "ProActive Information Management",
                "0192131032656766",
                "https://pim.myportallogin.com",
                "finance@proactive-info.com",
                "$187.50",
                "1h 15m",
            ] {
                assert!(doc.contains(want), "missing {want:?} in\n{doc}");
            }
        }
        assert!(markdown(&config, &invoice()).contains("Acme \\| Dental"));
        let mut hostile = invoice();
        hostile.company = "<script>x</script> & Co".into();
        let h = html(&config, &hostile);
        assert!(h.contains("&lt;script&gt;x&lt;/script&gt; &amp; Co"), "{h}");
        assert!(!h.contains("<script>"), "{h}");
    }
}
