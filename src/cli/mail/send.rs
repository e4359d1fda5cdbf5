//! `mail send`: the outbox through SMTP (lettre, blocking, rustls) or a
//! sendmail program. Each mail is marked after the server answered, so a
//! crash mid-send sends it again with the same Message-ID, never not at all.

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use lettre::message::header::{ContentType, Header, HeaderName, HeaderValue};
use lettre::message::{Attachment, Mailbox, MultiPart, SinglePart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Certificate, Tls, TlsParameters};
use lettre::{Message, SendmailTransport, SmtpTransport, Transport};

use super::Ctx;
use crate::cli::output::{errln, outln};
use crate::config::MailConfig;
use crate::store::mail::outbox::{self, Attempt, OutboxMail};
use crate::store::mail::pages;

/// How mail leaves: an SMTP server or a sendmail program.
pub(super) enum Sender {
    Smtp(SmtpTransport),
    Sendmail(SendmailTransport),
}

/// `Auto-Submitted` (RFC 3834) on our automatic answers.
#[derive(Debug, Clone)]
struct AutoSubmitted(String);

impl Header for AutoSubmitted {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("Auto-Submitted")
    }

    fn parse(s: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(AutoSubmitted(s.trim().to_string()))
    }

    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), self.0.clone())
    }
}

/// Sleeps `secs` seconds; false when `stop` was raised meanwhile.
pub(super) fn sleep(stop: &AtomicBool, secs: u64) -> bool {
    let started = std::time::Instant::now();
    while started.elapsed() < Duration::from_secs(secs) {
        if stop.load(Ordering::Relaxed) {
            return false;
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    !stop.load(Ordering::Relaxed)
}

/// Pages what is due (their mail joins the outbox), then sends every mail
/// due at `now`; returns how many failed this time.
pub(super) fn pass(ctx: &Ctx, sender: &Sender, now: i64) -> anyhow::Result<usize> {
    let mut conn = ctx.open_file()?;
    page(ctx, &mut conn, now)?;
    let due = outbox::due(&conn, now, 500)?;
    let mut problems = 0;
    for m in &due {
        let attempt = send_one(&ctx.config.mail, sender, m, now);
        match &attempt {
            Attempt::Sent => outln!("sent mail {} to {}: {}", m.id, m.recipient, m.subject),
            Attempt::Temporary(e) => {
                problems += 1;
                errln!("mail {} to {}: not sent, will retry: {e}", m.id, m.recipient);
            }
            Attempt::Permanent(e) => {
                problems += 1;
                errln!("mail {} to {} failed: {e}", m.id, m.recipient);
            }
        }
        outbox::record(&conn, m.id, &attempt, now)?;
    }
    Ok(problems)
}

pub(super) fn transport(mail: &MailConfig) -> anyhow::Result<Sender> {
    if !mail.sendmail.is_empty() {
        // lettre passes -i, the envelope sender and the recipients itself.
        let program = mail.sendmail.split_whitespace().next().unwrap_or("");
        return Ok(Sender::Sendmail(SendmailTransport::new_with_command(program)));
    }
    let s = &mail.smtp;
    let tls = || -> anyhow::Result<TlsParameters> {
        let mut b = TlsParameters::builder(s.host.clone());
        if let Some(pem) = s
            .ca_certificates()
            .map_err(|e| anyhow::anyhow!("mail.smtp.ca_file: {e}"))?
        {
            b = b.add_root_certificate(Certificate::from_pem(&pem)?);
        }
        Ok(b.build_rustls()?)
    };
    let b = SmtpTransport::builder_dangerous(&s.host);
    let mut b = match s.security.as_str() {
        "tls" => b.tls(Tls::Wrapper(tls()?)),
        "starttls" => b.tls(Tls::Required(tls()?)),
        // Config refuses "none" for any host but this machine.
        _ => b,
    }
    .port(s.port)
    .timeout(Some(Duration::from_secs(30)));
    if !s.user.is_empty() {
        let password = s
            .password()
            .map_err(|e| anyhow::anyhow!("cannot read mail.smtp.password_file {}: {e}", s.password_file))?;
        b = b.credentials(Credentials::new(s.user.clone(), password));
    }
    Ok(Sender::Smtp(b.build()))
}

/// One mail, as an attempt's outcome in the server's words.
fn send_one(mail: &MailConfig, sender: &Sender, m: &OutboxMail, now: i64) -> Attempt {
    let message = match build(mail, m, now) {
        Ok(msg) => msg,
        Err(e) => return Attempt::Permanent(format!("cannot make the message: {e}")),
    };
    match sender {
        Sender::Smtp(t) => match t.send(&message) {
            Ok(_) => Attempt::Sent,
            Err(e) if e.is_permanent() => Attempt::Permanent(smtp_words(&e)),
            Err(e) => Attempt::Temporary(smtp_words(&e)),
        },
        Sender::Sendmail(t) => match t.send(&message) {
            Ok(()) => Attempt::Sent,
            Err(e) => Attempt::Temporary(e.to_string()),
        },
    }
}

/// The error with its causes (the server's reply, or why it could not be reached).
fn smtp_words(e: &lettre::transport::smtp::Error) -> String {
    let mut words = e.to_string();
    let mut cause = std::error::Error::source(e);
    while let Some(c) = cause {
        words.push_str(": ");
        words.push_str(&c.to_string());
        cause = c.source();
    }
    words
}

fn build(mail: &MailConfig, m: &OutboxMail, now: i64) -> anyhow::Result<Message> {
    let ours: Mailbox = mail.address.parse()?;
    let mut b = Message::builder()
        .from(Mailbox::new(Some("pim Support".into()), ours.email.clone()))
        .reply_to(ours)
        .to(m.recipient.parse()?)
        .subject(m.subject.clone())
        .message_id(Some(format!("<{}>", m.message_id)))
        .date(std::time::UNIX_EPOCH + Duration::from_secs(u64::try_from(now).unwrap_or(0)));
    if let Some(irt) = &m.in_reply_to {
        b = b.in_reply_to(format!("<{irt}>"));
    }
    if !m.references.is_empty() {
        let refs: Vec<String> = m.references.iter().map(|r| format!("<{r}>")).collect();
        b = b.references(refs.join(" "));
    }
    if let Some(a) = &m.auto_submitted {
        b = b.header(AutoSubmitted(a.clone()));
    }
    if m.html.is_none() && m.attachment.is_none() {
        return Ok(b.header(ContentType::TEXT_PLAIN).body(m.body.clone())?);
    }
    // An invoice: text and HTML alternatives, then the PDF.
    let text = match &m.html {
        Some(html) => MultiPart::alternative_plain_html(m.body.clone(), html.clone()),
        None => MultiPart::mixed().singlepart(SinglePart::plain(m.body.clone())),
    };
    let mut body = MultiPart::mixed().multipart(text);
    if let Some((name, bytes)) = &m.attachment {
        let kind = if name.ends_with(".pdf") {
            ContentType::parse("application/pdf")?
        } else {
            ContentType::parse("application/octet-stream")?
        };
        body = body.singlepart(Attachment::new(name.clone()).body(bytes.clone(), kind));
    }
    Ok(b.multipart(body)?)
}

/// The pages due at `now` (`store::mail::pages`), told on stdout.
fn page(ctx: &Ctx, conn: &mut rusqlite::Connection, now: i64) -> anyhow::Result<()> {
    let techs = crate::store::directory::technicians(conn)?;
    let rotation = crate::cli::directory::rotation(ctx, &techs)?;
    let calendar = ctx.config.sla_calendar();
    let out = ctx.config.mail.outgoing_or_tag();
    let rules = pages::PageRules {
        calendar: &calendar,
        rotation: &rotation,
        escalate_minutes: ctx.config.mail.escalate_minutes,
        out: &out,
    };
    for p in pages::pass(conn, &rules, now)? {
        let level = if p.level == 0 {
            String::new()
        } else {
            format!(" (escalated, level {})", p.level)
        };
        match (p.login.as_str(), p.address.as_str()) {
            ("", _) => errln!(
                "pimdesk: ticket #{} pages ({}), but the after-hours rotation is empty",
                p.ticket,
                p.reason.as_str()
            ),
            (l, "") => errln!(
                "pimdesk: ticket #{} pages {l}{level}, who has no pager address (pimdesk tech set-pager {l} ADDRESS)",
                p.ticket
            ),
            (l, a) => outln!("paged {l} at {a} about ticket #{}{level}", p.ticket),
        }
    }
    Ok(())
}
