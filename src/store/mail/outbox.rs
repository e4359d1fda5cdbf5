//! The outbox: a mail is a row written with what caused it, its Message-ID
//! fixed then; the sender takes due rows, and marks each sent, due again
//! later (a temporary failure, with backoff) or failed (the server's words).

use rusqlite::params;

use crate::store::sql::{Row, Sql};
use serde::Serialize;

use crate::domain::mail::{compose, thread, Outgoing};

/// Queues the mail of a client-visible note on ticket `id` to its contact;
/// nothing when the ticket has no contact with an address. Returns the row.
pub(crate) fn queue_note(
    tx: &dyn Sql,
    id: i64,
    note_id: i64,
    body: &str,
    out: &Outgoing,
    now: i64,
) -> rusqlite::Result<Option<i64>> {
    let found: Option<(String, String)> = tx
        .query_opt(
            "SELECT t.summary, coalesce(c.email, '') FROM tickets t LEFT JOIN contacts c ON c.id = t.contact_id WHERE t.id = ?1",
            [&id],
            |r| Ok((r.get(0)?, r.get(1)?)),)?;
    let Some((summary, email)) = found else { return Ok(None) };
    let email = email.trim();
    if !crate::config::is_address(email) {
        return Ok(None);
    }
    let mail = Queued {
        recipient: email,
        subject: &thread::subject(&out.tag, id, &summary),
        body: &compose::note_body(&out.tag, id, &summary, body),
        ticket: Some(id),
        note: Some(note_id),
        ..Queued::default()
    };
    queue(tx, &mail, out, now).map(Some)
}

/// Queues the acknowledgement of ticket `id`, opened by mail from `to`:
/// marked automatic, and at most one an hour to one address.
pub(crate) fn acknowledge(
    tx: &dyn Sql,
    id: i64,
    summary: &str,
    to: &str,
    out: &Outgoing,
    now: i64,
) -> rusqlite::Result<Option<i64>> {
    let recent: bool = tx.query_row(
        "SELECT EXISTS (SELECT 1 FROM mail_outbox WHERE recipient = ?1 AND auto_submitted IS NOT NULL AND created > ?2)",
        params![to, now - 3600],
        |r| r.get(0),)?;
    if recent || !crate::config::is_address(to) {
        return Ok(None);
    }
    let mail = Queued {
        recipient: to,
        subject: &thread::subject(&out.tag, id, summary),
        body: &compose::acknowledgement_body(id, summary),
        ticket: Some(id),
        auto_submitted: Some("auto-replied"),
        ..Queued::default()
    };
    queue(tx, &mail, out, now).map(Some)
}

/// One mail to queue.
#[derive(Default)]
pub(crate) struct Queued<'a> {
    pub recipient: &'a str,
    pub subject: &'a str,
    pub body: &'a str,
    /// An HTML alternative to `body`.
    pub html: Option<&'a str>,
    /// One attachment: its file name and bytes (an invoice's PDF).
    pub attachment: Option<(&'a str, &'a [u8])>,
    pub ticket: Option<i64>,
    pub invoice: Option<i64>,
    pub note: Option<i64>,
    pub auto_submitted: Option<&'a str>,
}

/// Writes the outbox row, threaded after the ticket's earlier mail in and out.
pub(crate) fn queue(tx: &dyn Sql, m: &Queued<'_>, out: &Outgoing, now: i64) -> rusqlite::Result<i64> {
    let earlier = match m.ticket {
        Some(t) => thread_of(tx, t)?,
        None => Vec::new(),
    };
    let (in_reply_to, refs) = thread::reply_headers(&earlier);
    let seq: i64 = tx.query_row("SELECT coalesce(max(id), 0) + 1 FROM mail_outbox", (), |r| r.get(0))?;
    let message_id = thread::new_message_id(m.ticket, seq, now, rand::random(), out.domain());
    tx.query_row(
        "INSERT INTO mail_outbox (created, recipient, subject, body, message_id, in_reply_to, refs, auto_submitted, ticket_id, note_id,
                                  invoice_id, html, attachment_name, attachment, next_attempt)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?1) RETURNING id",
        params![now, m.recipient, m.subject, m.body, message_id, in_reply_to, refs.join(" "), m.auto_submitted, m.ticket, m.note,
                m.invoice, m.html, m.attachment.map(|a| a.0), m.attachment.map(|a| a.1)],
        |r| r.get(0),
    )
}

/// The Message-IDs of the ticket's mail, in and out, oldest first.
fn thread_of(tx: &dyn Sql, ticket: i64) -> rusqlite::Result<Vec<String>> {
    tx.query_vec(
        "SELECT message_id FROM (
           SELECT message_id, received AS at, 0 AS side, id FROM mail_inbound WHERE ticket_id = ?1 AND outcome IN ('ticket', 'note', 'accepted') AND automatic = 0
           UNION ALL SELECT message_id, created, 1, id FROM mail_outbox WHERE ticket_id = ?1) x
         ORDER BY at, side, id",
        [&ticket],
        |r| r.get(0),
    )
}

/// One outbox row, as `mail outbox` shows it and the sender sends it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OutboxMail {
    pub id: i64,
    pub created: i64,
    pub recipient: String,
    pub subject: String,
    #[serde(skip)]
    pub body: String,
    pub message_id: String,
    pub in_reply_to: Option<String>,
    pub references: Vec<String>,
    pub auto_submitted: Option<String>,
    pub ticket: Option<i64>,
    pub invoice: Option<String>,
    pub status: String,
    pub attempts: i64,
    pub next_attempt: Option<i64>,
    pub last_error: Option<String>,
    pub sent: Option<i64>,
    /// What the sender sends besides `body` (read by [`due`] only).
    #[serde(skip)]
    pub html: Option<String>,
    #[serde(skip)]
    pub attachment: Option<(String, Vec<u8>)>,
}

const COLUMNS: &str = "o.id, o.created, o.recipient, o.subject, o.body, o.message_id, o.in_reply_to, o.refs, o.auto_submitted, o.ticket_id, i.number, o.status, o.attempts, o.next_attempt, o.last_error, o.sent";

fn row(r: &Row<'_>) -> rusqlite::Result<OutboxMail> {
    let status: String = r.get(11)?;
    let refs: String = r.get(7)?;
    Ok(OutboxMail {
        id: r.get(0)?,
        created: r.get(1)?,
        recipient: r.get(2)?,
        subject: r.get(3)?,
        body: r.get(4)?,
        message_id: r.get(5)?,
        in_reply_to: r.get(6)?,
        references: refs.split_whitespace().map(str::to_string).collect(),
        auto_submitted: r.get(8)?,
        ticket: r.get(9)?,
        invoice: r.get(10)?,
        next_attempt: if status == "queued" { r.get(13)? } else { None },
        status,
        attempts: r.get(12)?,
        last_error: r.get(14)?,
        sent: r.get(15)?,
        html: None,
        attachment: None,
    })
}

/// A row with its HTML part and attachment, for sending.
fn full_row(r: &Row<'_>) -> rusqlite::Result<OutboxMail> {
    let mut m = row(r)?;
    m.html = r.get(16)?;
    let name: Option<String> = r.get(17)?;
    let bytes: Option<Vec<u8>> = r.get(18)?;
    m.attachment = name.zip(bytes);
    Ok(m)
}

/// The newest `limit` rows, newest first.
pub fn list(conn: &dyn Sql, limit: i64) -> rusqlite::Result<Vec<OutboxMail>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM mail_outbox o LEFT JOIN invoices i ON i.id = o.invoice_id ORDER BY o.id DESC LIMIT ?1"
    );
    conn.query_vec(&sql, [&limit], row)
}

/// The mail of a ticket, oldest first.
pub fn of_ticket(conn: &dyn Sql, ticket: i64) -> rusqlite::Result<Vec<OutboxMail>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM mail_outbox o LEFT JOIN invoices i ON i.id = o.invoice_id WHERE o.ticket_id = ?1 ORDER BY o.id"
    );
    conn.query_vec(&sql, [&ticket], row)
}

/// A mail in words for a ticket: "mail to X failed: …", "… queued, 2
/// attempts: …", "… sent".
pub fn describe(m: &OutboxMail) -> String {
    let error = m.last_error.as_deref().unwrap_or("");
    match m.status.as_str() {
        "failed" => format!("mail to {} failed: {error}", m.recipient),
        "queued" if m.attempts > 0 => format!(
            "mail to {} not sent yet ({} attempts): {error}",
            m.recipient, m.attempts
        ),
        "queued" => format!("mail to {} queued", m.recipient),
        _ => format!("mail to {} sent", m.recipient),
    }
}

/// Queued mail due at `now`, oldest first.
pub fn due(conn: &dyn Sql, now: i64, limit: i64) -> rusqlite::Result<Vec<OutboxMail>> {
    let sql = format!(
        "SELECT {COLUMNS}, o.html, o.attachment_name, o.attachment FROM mail_outbox o LEFT JOIN invoices i ON i.id = o.invoice_id
         WHERE o.status = 'queued' AND o.next_attempt <= ?1 ORDER BY o.next_attempt, o.id LIMIT ?2"
    );
    conn.query_vec(&sql, params![now, limit], full_row)
}

/// How a send attempt ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Attempt {
    Sent,
    /// Try again later (server down, 4xx): the error in the server's words.
    Temporary(String),
    /// Never (5xx): the server's words.
    Permanent(String),
}

/// Attempts after which a temporary failure is given up (about two days of backoff).
pub const MAX_ATTEMPTS: i64 = 16;

/// Seconds to wait after the `attempts`-th failed attempt: one minute,
/// doubling, at most four hours.
pub fn backoff(attempts: i64) -> i64 {
    let exp = u32::try_from(attempts.clamp(1, 20) - 1).unwrap_or(0);
    (60_i64.saturating_mul(1 << exp)).min(4 * 3600)
}

/// Records an attempt on row `id` (one transaction).
pub fn record(conn: &dyn Sql, id: i64, attempt: &Attempt, now: i64) -> rusqlite::Result<()> {
    let tx = super::super::ticket_write::begin(conn)?;
    let attempts: i64 = tx.query_row("SELECT attempts + 1 FROM mail_outbox WHERE id = ?1", [&id], |r| {
        r.get(0)
    })?;
    match attempt {
        Attempt::Sent => tx.execute(
            "UPDATE mail_outbox SET status = 'sent', attempts = ?2, sent = ?3, last_error = NULL WHERE id = ?1",
            params![id, attempts, now],
        )?,
        Attempt::Temporary(e) if attempts < MAX_ATTEMPTS => tx.execute(
            "UPDATE mail_outbox SET attempts = ?2, next_attempt = ?3, last_error = ?4 WHERE id = ?1",
            params![id, attempts, now + backoff(attempts), e],
        )?,
        Attempt::Temporary(e) | Attempt::Permanent(e) => tx.execute(
            "UPDATE mail_outbox SET status = 'failed', attempts = ?2, last_error = ?3 WHERE id = ?1",
            params![id, attempts, e],
        )?,
    };
    tx.commit()
}

#[cfg(test)]
mod tests {
    use super::backoff;

    #[test]
    fn backoff_doubles_from_a_minute_to_four_hours() {
        assert_eq!(backoff(1), 60);
        assert_eq!(backoff(2), 120);
        assert_eq!(backoff(5), 960);
        assert_eq!(backoff(12), 4 * 3600);
        assert_eq!(backoff(100), 4 * 3600);
    }
}
