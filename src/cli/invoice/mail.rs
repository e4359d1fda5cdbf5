//! `pimdesk invoice send NUMBER`, `invoice run --send` and `invoice show
//! --pdf FILE`: an invoice as the mail the guide says it is ("generated and
//! emailed"): a short letter, the document as text and as HTML with the
//! five ways to pay, and the PDF, queued in the outbox for `mail send`.

use std::path::Path;

use super::{document, pdf, store_err, Ctx};
use crate::cli::output::outln;
use crate::store::billing::Invoice;
use crate::store::mail::invoices::{self, InvoiceMail};

/// The PDF of an invoice: the plain-text document, paged.
pub(super) fn pdf_of(ctx: &Ctx, inv: &Invoice) -> Vec<u8> {
    let title = format!("Invoice {} ({})", inv.number, inv.company);
    pdf::render(&title, &document::text(&ctx.config, inv))
}

/// The mail of an invoice.
fn compose(ctx: &Ctx, inv: &Invoice) -> InvoiceMail {
    let issuer = &ctx.config.billing.payment.check_payee;
    let company = crate::domain::text::sanitize_line(&inv.company);
    let letter = format!(
        "Hello {company},\n\nAttached is invoice {} of {} for {}, due {}. The invoice follows \
         below as well, with the ways to pay.\n\nThank you,\n{issuer}\n\n",
        inv.number,
        inv.date,
        inv.balance(),
        inv.due
    );
    let text = format!("{letter}{}", document::text(&ctx.config, inv));
    let html = document::html(&ctx.config, inv).replacen(
        "<body style=\"font-family: sans-serif\">\n",
        &format!(
            "<body style=\"font-family: sans-serif\">\n<p>{}</p>\n<hr>\n",
            document::esc(&letter)
                .replace("\n\n", "</p>\n<p>")
                .replace('\n', "<br>")
        ),
        1,
    );
    InvoiceMail {
        subject: format!(
            "Invoice {} from {issuer}: {} due {}",
            inv.number,
            inv.balance(),
            inv.due
        ),
        text,
        html,
        pdf_name: format!("{}.pdf", inv.number),
        pdf: pdf_of(ctx, inv),
    }
}

/// Queues invoice `number`'s mail; prints who it goes to.
pub(super) fn send(ctx: &Ctx, conn: &dyn crate::store::sql::Sql, number: &str, who: i64) -> anyhow::Result<()> {
    let out = ctx.config.mail.outgoing().ok_or_else(|| {
        super::usage(format!(
            "{}: mail.address is empty; set the support address invoices are mailed from",
            ctx.config_path.display()
        ))
    })?;
    let inv = crate::store::billing::ledger::find(conn, number)
        .map_err(store_err)?
        .ok_or_else(|| super::usage(format!("no invoice {number:?} (see pimdesk invoice list)")))?;
    let mail = compose(ctx, &inv);
    let to = invoices::queue(conn, number, &mail, &out, who, ctx.now.timestamp()).map_err(store_err)?;
    outln!(
        "{} queued to {} ({}); `pimdesk mail send` sends it",
        inv.number,
        to.join(", "),
        mail.pdf_name
    );
    Ok(())
}

/// `invoice show NUMBER --pdf FILE`.
pub(super) fn write_pdf(ctx: &Ctx, inv: &Invoice, file: &Path) -> anyhow::Result<()> {
    let bytes = pdf_of(ctx, inv);
    ctx.write_file(file, |f| f.write_all(&bytes))?;
    outln!("{} written to {} ({} bytes)", inv.number, file.display(), bytes.len());
    Ok(())
}

/// `invoice show --json`: what became of the invoice's mail (`mailed` in
/// words, `mail` a row per recipient).
pub(super) fn add_json(
    ctx: &Ctx,
    conn: &dyn crate::store::sql::Sql,
    id: i64,
    v: &mut serde_json::Value,
) -> anyhow::Result<()> {
    let tz = ctx.config.calendar.timezone.0;
    let mail = invoices::mailed(conn, &[id])?.remove(&id).unwrap_or_default();
    v["mail"] = mail
        .rows
        .iter()
        .map(|(to, status, sent, error)| {
            serde_json::json!({"recipient": to, "status": status, "last_error": error,
                   "sent": sent.map(|t| crate::domain::time::rfc3339_secs(t, tz))})
        })
        .collect();
    v["mailed"] = serde_json::json!(mail.describe(tz));
    Ok(())
}
