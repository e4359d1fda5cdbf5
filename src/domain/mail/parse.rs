//! One RFC 5322 message, read into what pimdesk keeps of it: charsets and
//! transfer encodings decoded (mail-parser: UTF-8, ISO-8859-1, Windows-1252,
//! quoted-printable, base64, RFC 2047 encoded words), an HTML-only body
//! turned into readable text, the signs of automatic mail, the ids a reply
//! threads by, and the attachments.

use mail_parser::{MessageParser, MimeHeaders};

use super::loops::{self, Signals};
use super::thread::message_ids;

/// A message as pimdesk reads it. Text is decoded, not yet sanitised (the
/// store sanitises all ticket text as it enters).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Incoming {
    /// Without angle brackets; made from the bytes when the message has none.
    pub message_id: String,
    /// The From address, lower case.
    pub from: String,
    pub from_name: String,
    pub subject: String,
    pub text: String,
    pub in_reply_to: Vec<String>,
    pub references: Vec<String>,
    /// Why the message is automatic (auto-reply, bounce, list), if it is.
    pub automatic: Option<String>,
    pub attachments: Vec<Attachment>,
    /// Bytes as received.
    pub size: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attachment {
    pub name: String,
    pub content_type: String,
    pub bytes: Vec<u8>,
}

/// Why a message cannot be read (`mail deliver` exits 65: the MTA bounces it).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unreadable message: {0}")]
pub struct Unreadable(pub String);

/// Reads one message.
pub fn parse(raw: &[u8]) -> Result<Incoming, Unreadable> {
    if raw.iter().all(u8::is_ascii_whitespace) {
        return Err(Unreadable("the input is empty".into()));
    }
    let msg = MessageParser::default()
        .parse(raw)
        .ok_or_else(|| Unreadable("not an RFC 5322 message".into()))?;
    let from = msg.from().and_then(|a| a.first());
    let address = from
        .and_then(|a| a.address())
        .map(|a| a.trim().to_lowercase())
        .filter(|a| a.contains('@'))
        .ok_or_else(|| Unreadable("no From address".into()))?;
    let raw_header = |name: &str| msg.header_raw(name).map(|v| v.trim().to_string());
    let content_type = msg
        .content_type()
        .map(|c| format!("{}/{}", c.ctype(), c.subtype().unwrap_or("")).to_ascii_lowercase())
        .unwrap_or_else(|| "text/plain".into());
    let signals = Signals {
        auto_submitted: raw_header("Auto-Submitted"),
        x_auto_response_suppress: raw_header("X-Auto-Response-Suppress"),
        precedence: raw_header("Precedence"),
        list_id: raw_header("List-Id"),
        content_type,
        return_path: raw_header("Return-Path"),
        from: address.clone(),
    };
    let attachments = msg
        .attachments()
        .enumerate()
        .map(|(i, part)| Attachment {
            name: part
                .attachment_name()
                .map(str::to_string)
                .unwrap_or_else(|| format!("attachment-{}", i + 1)),
            content_type: part
                .content_type()
                .map(|c| format!("{}/{}", c.ctype(), c.subtype().unwrap_or("")).to_ascii_lowercase())
                .unwrap_or_else(|| "application/octet-stream".into()),
            bytes: part.contents().to_vec(),
        })
        .collect();
    Ok(Incoming {
        message_id: msg
            .message_id()
            .map(|id| id.trim().trim_matches(['<', '>']).to_string())
            .filter(|id| !id.is_empty())
            .unwrap_or_else(|| made_up_id(raw)),
        from_name: from.and_then(|a| a.name()).unwrap_or("").trim().to_string(),
        from: address,
        subject: msg.subject().unwrap_or("").trim().to_string(),
        text: msg.body_text(0).map(|t| t.replace("\r\n", "\n")).unwrap_or_default(),
        in_reply_to: raw_header("In-Reply-To").map(|v| message_ids(&v)).unwrap_or_default(),
        references: raw_header("References").map(|v| message_ids(&v)).unwrap_or_default(),
        automatic: loops::automatic(&signals),
        attachments,
        size: raw.len(),
    })
}

/// A stable id for a message without one (FNV-1a of its bytes), so the same
/// bytes delivered twice are still processed once.
fn made_up_id(raw: &[u8]) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in raw {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    format!("no-message-id.{h:016x}@pimdesk.invalid")
}

/// The header block of a message (up to the first blank line): what is kept
/// of a message larger than `max_message_bytes`.
pub fn header_block(raw: &[u8]) -> &[u8] {
    let end = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .map(|p| p + 4)
        .or_else(|| raw.windows(2).position(|w| w == b"\n\n").map(|p| p + 2));
    &raw[..end.unwrap_or(raw.len())]
}

#[cfg(test)]
mod tests;
