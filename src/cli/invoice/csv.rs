//! `pimdesk invoice csv FILE`: every invoice and every payment in one CSV
//! (RFC 4180 quoting), one row each, told apart by the `record` column.

use std::collections::HashMap;
use std::path::Path;

use super::{store_err, Ctx};
use crate::cli::output::outln;
use crate::domain::money::Cents;
use crate::store::billing::ledger;

const HEADER: [&str; 13] = [
    "record",
    "number",
    "company",
    "date",
    "due",
    "status",
    "total",
    "paid",
    "balance",
    "method",
    "amount",
    "reference",
    "void_reason",
];

pub fn write(ctx: &Ctx, file: &Path) -> anyhow::Result<i32> {
    let conn = ctx.open_store_read_only()?;
    let invoices = ledger::list(&conn).map_err(store_err)?;
    let payments = ledger::all_payments(&conn).map_err(store_err)?;
    let companies: HashMap<&str, &str> = invoices
        .iter()
        .map(|i| (i.number.as_str(), i.company.as_str()))
        .collect();
    let mut rows: Vec<[String; 13]> = Vec::with_capacity(invoices.len() + payments.len());
    for i in &invoices {
        rows.push([
            "invoice".into(),
            i.number.clone(),
            text(&i.company),
            i.date.to_string(),
            i.due.to_string(),
            i.status().to_string(),
            plain(i.total),
            plain(i.paid),
            plain(i.balance()),
            String::new(),
            String::new(),
            String::new(),
            text(i.void_reason.as_deref().unwrap_or("")),
        ]);
    }
    for (number, p) in &payments {
        rows.push([
            "payment".into(),
            number.clone(),
            text(companies.get(number.as_str()).copied().unwrap_or_default()),
            p.date.to_string(),
            String::new(),
            String::new(),
            String::new(),
            String::new(),
            String::new(),
            p.method.as_str().into(),
            plain(p.amount),
            text(&p.reference),
            text(p.void_reason.as_deref().unwrap_or("")),
        ]);
    }
    let mut out = String::new();
    push_row(&mut out, HEADER.iter().map(|s| s.to_string()));
    for r in rows {
        push_row(&mut out, r.into_iter());
    }
    ctx.write_file(file, |f| f.write_all(out.as_bytes()))?;
    outln!(
        "wrote {} invoice(s) and {} payment(s) to {}",
        invoices.len(),
        payments.len(),
        file.display()
    );
    Ok(0)
}

/// Dollars without symbol or grouping, for spreadsheets: "1234.56".
fn plain(c: Cents) -> String {
    let sign = if c.0 < 0 { "-" } else { "" };
    let m = c.0.unsigned_abs();
    format!("{sign}{}.{:02}", m / 100, m % 100)
}

/// Untrusted text: a cell a spreadsheet would run as a formula gets a
/// leading apostrophe.
fn text(s: &str) -> String {
    if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{s}")
    } else {
        s.to_string()
    }
}

fn push_row(out: &mut String, cells: impl Iterator<Item = String>) {
    let cells: Vec<String> = cells.map(|c| quote(&c)).collect();
    out.push_str(&cells.join(","));
    out.push_str("\r\n");
}

fn quote(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) || s.starts_with(' ') || s.ends_with(' ') {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn billing_csv_quotes_and_defuses_formulas() {
        assert_eq!(quote("Smith, Jones \"Dental\""), "\"Smith, Jones \"\"Dental\"\"\"");
        assert_eq!(quote("plain"), "plain");
        assert_eq!(text("=HYPERLINK(1)"), "'=HYPERLINK(1)");
        assert_eq!(plain(Cents(123_456)), "1234.56");
        assert_eq!(plain(Cents(5)), "0.05");
    }
}
