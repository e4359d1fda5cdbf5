//! Invoices by mail: who receives a company's invoices (its contacts whose
//! security level views invoices, and its billing address), queueing an
//! invoice's mail to each of them in one transaction, and what became of it.

use rusqlite::params;

use crate::store::sql::Sql;

use super::outbox::{self, Queued};
use crate::domain::mail::Outgoing;
use crate::domain::permissions::{Right, SecurityLevel};
use crate::store::audit::{self, Entry};
use crate::store::billing::{require_finance, BillingStoreError};

/// What an invoice's mail says: made by the caller from the invoice.
pub struct InvoiceMail {
    pub subject: String,
    pub text: String,
    pub html: String,
    pub pdf_name: String,
    pub pdf: Vec<u8>,
}

/// The security levels that include "view invoices", as stored.
fn invoice_levels() -> Vec<&'static str> {
    SecurityLevel::ALL
        .iter()
        .filter(|l| l.rights().contains(&Right::ViewInvoices))
        .map(|l| l.as_str())
        .collect()
}

/// The addresses company `company_id`'s invoices go to: its billing address
/// first, then its contacts who view invoices, by name; each once.
pub fn recipients(conn: &dyn Sql, company_id: i64) -> rusqlite::Result<Vec<String>> {
    let levels = invoice_levels();
    let marks = vec!["?"; levels.len()].join(", ");
    let sql = format!(
        "SELECT billing_email, 0, '' FROM companies WHERE id = ?1
         UNION ALL SELECT email, 1, name FROM contacts WHERE company_id = ?1 AND security_level IN ({marks})
         ORDER BY 2, 3"
    );
    let mut stmt = conn.prepare(&sql)?;
    let mut values: Vec<&dyn rusqlite::ToSql> = vec![&company_id];
    values.extend(levels.iter().map(|l| l as &dyn rusqlite::ToSql));
    let found: Vec<String> = stmt
        .query_map(values.as_slice(), |r| r.get::<_, String>(0))?
        .collect::<rusqlite::Result<_>>()?;
    let mut out: Vec<String> = Vec::new();
    for a in found {
        let a = a.trim().to_string();
        if crate::config::is_address(&a) && !out.iter().any(|o| o.eq_ignore_ascii_case(&a)) {
            out.push(a);
        }
    }
    Ok(out)
}

/// Queues invoice `number`'s mail to each recipient (one outbox row each,
/// the PDF attached), and an audit row on the invoice naming them, in one
/// transaction by finance technician `who` (re-checked there: a void
/// between the caller's read and this write is refused). Refused for a void invoice, or
/// when nobody receives the company's invoices. Returns the recipients.
pub fn queue(
    conn: &dyn Sql,
    number: &str,
    mail: &InvoiceMail,
    out: &Outgoing,
    who: i64,
    now: i64,
) -> Result<Vec<String>, BillingStoreError> {
    let tx = crate::store::ticket_write::begin(conn)?;
    require_finance(&tx, who, "mailing an invoice")?;
    let found: Option<(i64, i64, String, Option<String>)> = rusqlite::OptionalExtension::optional(tx.query_row(
        &format!(
            "SELECT i.id, i.company_id, c.name, i.void_reason FROM invoices i JOIN companies c ON c.id = i.company_id
             WHERE {}",
            tx.dialect().nocase_eq("i.number", "?1")
        ),
        [&number.trim()],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
    ))?;
    let Some((id, company_id, company, void)) = found else {
        return Err(BillingStoreError::Refused(format!(
            "no invoice {number:?} (see pimdesk invoice list)"
        )));
    };
    if void.is_some() {
        return Err(BillingStoreError::Refused(format!(
            "{} is void; a void invoice is not mailed",
            number.trim().to_ascii_uppercase()
        )));
    }
    let to = recipients(&tx, company_id)?;
    if to.is_empty() {
        return Err(BillingStoreError::Refused(format!(
            "nobody receives {company}'s invoices: give a contact a security level that views invoices \
             (pimdesk contact set-level NAME --company {company:?} billing) or the company a billing address \
             (pimdesk company set-billing-email {company:?} ADDRESS)"
        )));
    }
    for r in &to {
        let q = Queued {
            recipient: r,
            subject: &mail.subject,
            body: &mail.text,
            html: Some(&mail.html),
            attachment: Some((&mail.pdf_name, &mail.pdf)),
            invoice: Some(id),
            ..Queued::default()
        };
        outbox::queue(&tx, &q, out, now)?;
    }
    let list = to.join(", ");
    audit::record(
        &tx,
        who,
        now,
        Entry {
            entity: "invoice",
            id,
            field: "mailed",
            old: None,
            new: Some(&list),
        },
    )?;
    tx.commit()?;
    Ok(to)
}

/// What became of an invoice's mail, newest mailing: "mailed 2026-12-01 to
/// a@x, b@y", "queued to a@x", "mail to a@x failed: …".
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Mailed {
    /// (recipient, status, sent at, last error), oldest first.
    pub rows: Vec<(String, String, Option<i64>, Option<String>)>,
}

/// The mail of each invoice in `ids` that has any (one query).
pub fn mailed(conn: &dyn Sql, ids: &[i64]) -> rusqlite::Result<std::collections::HashMap<i64, Mailed>> {
    let mut out: std::collections::HashMap<i64, Mailed> = std::collections::HashMap::new();
    if ids.is_empty() {
        return Ok(out);
    }
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT invoice_id, recipient, status, sent, last_error FROM mail_outbox
         WHERE invoice_id IS NOT NULL AND invoice_id IN {} ORDER BY id",
        conn.dialect().json_ids("?1")
    ))?;
    let list = serde_json::to_string(ids).unwrap_or_else(|_| "[]".into());
    let rows = stmt.query_map(params![list], |r| {
        Ok((r.get::<_, i64>(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
    })?;
    for row in rows {
        let (id, to, status, sent, err) = row?;
        out.entry(id).or_default().rows.push((to, status, sent, err));
    }
    Ok(out)
}

impl Mailed {
    /// How many addresses it went (or goes) to.
    pub fn recipients(&self) -> usize {
        let mut to: Vec<&str> = self.rows.iter().map(|r| r.0.as_str()).collect();
        to.sort_unstable();
        to.dedup();
        to.len()
    }

    /// In words, with dates in `tz`.
    pub fn describe(&self, tz: chrono_tz::Tz) -> String {
        let failed: Vec<String> = self
            .rows
            .iter()
            .filter(|r| r.1 == "failed")
            .map(|r| format!("mail to {} failed: {}", r.0, r.3.as_deref().unwrap_or("")))
            .collect();
        if !failed.is_empty() {
            return failed.join("; ");
        }
        let queued: Vec<&str> = self
            .rows
            .iter()
            .filter(|r| r.1 == "queued")
            .map(|r| r.0.as_str())
            .collect();
        if !queued.is_empty() {
            return format!("queued to {}", queued.join(", "));
        }
        let Some(last) = self.rows.iter().filter_map(|r| r.2).max() else {
            return String::new();
        };
        let mut to: Vec<&str> = Vec::new();
        for r in &self.rows {
            if !to.iter().any(|t| t.eq_ignore_ascii_case(&r.0)) {
                to.push(&r.0);
            }
        }
        let day = crate::domain::time::from_secs(last)
            .with_timezone(&tz)
            .format("%Y-%m-%d %H:%M");
        format!("mailed {day} to {}", to.join(", "))
    }
}

#[cfg(test)]
mod tests {
    use super::Mailed;

    fn row(
        to: &str,
        status: &str,
        sent: Option<i64>,
        err: Option<&str>,
    ) -> (String, String, Option<i64>, Option<String>) {
        (to.into(), status.into(), sent, err.map(str::to_string))
    }

    #[test]
    fn an_invoices_mail_in_words_failed_first_then_queued_then_sent() {
        let tz = chrono_tz::America::New_York;
        let sent = Mailed {
            rows: vec![
                row("ap@acme.test", "sent", Some(1_775_048_400), None),
                row("dana@acme.test", "sent", Some(1_775_048_460), None),
                row("ap@acme.test", "sent", Some(1_775_048_400), None),
            ],
        };
        assert_eq!(
            sent.describe(tz),
            "mailed 2026-04-01 09:01 to ap@acme.test, dana@acme.test"
        );
        let mut queued = sent.clone();
        queued.rows.push(row("new@acme.test", "queued", None, None));
        assert_eq!(queued.describe(tz), "queued to new@acme.test");
        let mut failed = queued.clone();
        failed
            .rows
            .push(row("x@acme.test", "failed", None, Some("550 User unknown")));
        assert_eq!(failed.describe(tz), "mail to x@acme.test failed: 550 User unknown");
        assert_eq!(Mailed::default().describe(tz), "");
    }
}
