//! Which ticket a message names, and how our answers thread: the subject tag
//! `[pim #123]`, Message-IDs in In-Reply-To and References, and the ids we
//! make for our own mail.

/// The ticket a subject names with `[TAG #123]` (case-insensitive; `[TAG#123]`
/// and `[TAG # 123]` too), the first one when several are there.
pub fn tagged_ticket(subject: &str, tag: &str) -> Option<i64> {
    let lower = subject.to_lowercase();
    let open = format!("[{}", tag.to_lowercase());
    let mut rest = lower.as_str();
    while let Some(at) = rest.find(&open) {
        let after = rest[at + open.len()..].trim_start();
        if let Some(num) = after.strip_prefix('#') {
            let num = num.trim_start();
            let digits: String = num.chars().take_while(char::is_ascii_digit).collect();
            let close = num[digits.len()..].trim_start().starts_with(']');
            if close && !digits.is_empty() && digits.len() < 16 {
                return digits.parse().ok();
            }
        }
        rest = &rest[at + open.len()..];
    }
    None
}

/// The subject of our mail on ticket `id`: `[pim #123] summary`.
pub fn subject(tag: &str, id: i64, summary: &str) -> String {
    format!("[{tag} #{id}] {summary}")
}

/// The Message-IDs in a header value (`<a@b> <c@d>`), without brackets;
/// a bare id without brackets counts too.
pub fn message_ids(value: &str) -> Vec<String> {
    let mut ids = Vec::new();
    let mut rest = value;
    while let Some(start) = rest.find('<') {
        let Some(len) = rest[start..].find('>') else { break };
        let id = rest[start + 1..start + len].trim();
        if !id.is_empty() {
            ids.push(id.to_string());
        }
        rest = &rest[start + len + 1..];
    }
    if ids.is_empty() {
        ids.extend(value.split_whitespace().filter(|w| w.contains('@')).map(str::to_string));
    }
    ids
}

/// Our own Message-ID (without brackets) for a mail on `ticket`: unique by
/// the time, the outbox row's place and `nonce`, in our domain.
pub fn new_message_id(ticket: Option<i64>, seq: i64, at: i64, nonce: u64, domain: &str) -> String {
    let what = ticket.map_or_else(|| "mail".to_string(), |t| format!("t{t}"));
    format!("pimdesk.{what}.{at}.{seq}.{nonce:016x}@{domain}")
}

/// In-Reply-To and References for an answer in a thread whose messages,
/// oldest first, are `thread`: the newest is answered; References keeps the
/// first and the last nine (RFC 5322 3.6.4 lets long chains be shortened so).
pub fn reply_headers(thread: &[String]) -> (Option<String>, Vec<String>) {
    let last = thread.last().cloned();
    let refs: Vec<String> = if thread.len() <= 10 {
        thread.to_vec()
    } else {
        std::iter::once(thread[0].clone())
            .chain(thread[thread.len() - 9..].iter().cloned())
            .collect()
    };
    (last, refs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tag_is_found_however_a_mail_program_mangled_the_subject() {
        assert_eq!(tagged_ticket("Re: [pim #123] Printer offline", "pim"), Some(123));
        assert_eq!(tagged_ticket("AW: RE: [PIM #7] x", "pim"), Some(7));
        assert_eq!(tagged_ticket("[pim#42]", "pim"), Some(42));
        assert_eq!(tagged_ticket("[pim # 42 ] x", "pim"), Some(42));
        assert_eq!(tagged_ticket("[pimco #5] [pim #6]", "pim"), Some(6));
        assert_eq!(tagged_ticket("Printer #123 offline", "pim"), None);
        assert_eq!(tagged_ticket("[pim #] x", "pim"), None);
        assert_eq!(tagged_ticket("[pim #12x]", "pim"), None);
        assert_eq!(tagged_ticket("[other #12]", "pim"), None);
    }

    #[test]
    fn message_ids_are_read_from_a_header() {
        assert_eq!(
            message_ids("<a@x.test>\r\n <b.c@y.test> junk <>"),
            vec!["a@x.test".to_string(), "b.c@y.test".to_string()]
        );
        assert_eq!(message_ids("bare@x.test"), vec!["bare@x.test".to_string()]);
        assert!(message_ids("").is_empty());
    }

    #[test]
    fn answers_thread_to_the_newest_and_keep_the_first() {
        let thread: Vec<String> = (0..15).map(|i| format!("m{i}@x")).collect();
        let (reply, refs) = reply_headers(&thread);
        assert_eq!(reply.as_deref(), Some("m14@x"));
        assert_eq!(refs.len(), 10);
        assert_eq!(refs[0], "m0@x");
        assert_eq!(refs[9], "m14@x");
        assert_eq!(reply_headers(&[]), (None, vec![]));
    }

    #[test]
    fn our_message_ids_differ_and_carry_our_domain() {
        let a = new_message_id(Some(5), 1, 100, 7, "proactive-info.com");
        let b = new_message_id(Some(5), 2, 100, 7, "proactive-info.com");
        assert_ne!(a, b);
        assert!(a.ends_with("@proactive-info.com") && a.contains("t5"), "{a}");
    }
}
