//! What of a reply is new: the text above the quoted history that mail
//! programs append (a "> " block, "On … wrote:", Outlook's "-----Original
//! Message-----" or "From: … Sent: …" header, a signature separator). The
//! whole message stays in the store as received; the note shows the new part.

/// The reply without its quoted history and trailing blank lines; the whole
/// text when nothing above the history is left (a reply written below the
/// quote, or a quote alone).
pub fn trim_quoted(body: &str) -> String {
    let lines: Vec<&str> = body.lines().collect();
    let cut = lines
        .iter()
        .enumerate()
        .position(|(i, l)| starts_history(l, lines.get(i + 1).copied()))
        .unwrap_or(lines.len());
    let kept = lines[..cut].join("\n");
    let kept = kept.trim_end();
    if kept.trim().is_empty() {
        body.trim_end().to_string()
    } else {
        kept.to_string()
    }
}

/// True when `line` (with the one after it) is where quoted history begins.
fn starts_history(line: &str, next: Option<&str>) -> bool {
    let t = line.trim();
    if t.starts_with('>') {
        return true;
    }
    if t == "-- " || line == "-- " {
        return true;
    }
    let lower = t.to_lowercase();
    if lower.contains("original message") && t.starts_with('-') {
        return true;
    }
    if t.starts_with("________________________________") {
        return true;
    }
    // Outlook: "From: Name" followed by "Sent: …" or "Date: …".
    if lower.starts_with("from:") {
        let n = next.unwrap_or("").trim().to_lowercase();
        if n.starts_with("sent:") || n.starts_with("date:") {
            return true;
        }
    }
    // "On Tue, 24 Nov 2026 at 09:12, Support <support@…> wrote:", also split
    // over two lines by the mail program.
    if lower.starts_with("on ") {
        if lower.ends_with("wrote:") || lower.ends_with("a écrit :") {
            return true;
        }
        let n = next.unwrap_or("").trim().to_lowercase();
        if n.ends_with("wrote:") && !n.starts_with('>') {
            return true;
        }
    }
    // German and Dutch clients.
    lower.starts_with("am ") && lower.ends_with("schrieb:") || lower.starts_with("op ") && lower.ends_with("schreef:")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gmail_style_history_is_cut() {
        let body = "Yes, it prints now. Thanks!\n\nOn Tue, Nov 24, 2026 at 9:12 AM pim Support <support@proactive-info.com> wrote:\n> Could you try again?\n>\n> -- pim";
        assert_eq!(trim_quoted(body), "Yes, it prints now. Thanks!");
    }

    #[test]
    fn a_wrote_line_split_over_two_lines_is_cut() {
        let body = "Still broken.\n\nOn Tue, Nov 24, 2026 at 9:12 AM pim Support\n<support@proactive-info.com> wrote:\n> Could you try again?";
        assert_eq!(trim_quoted(body), "Still broken.");
    }

    #[test]
    fn outlook_style_history_is_cut() {
        let body = "Works.\r\n\r\n________________________________\r\nFrom: pim Support\r\nSent: Tuesday\r\n";
        assert_eq!(trim_quoted(body), "Works.");
        let body = "Works.\n\nFrom: pim Support <support@proactive-info.com>\nSent: Tuesday, November 24, 2026 9:12 AM\nSubject: [pim #4] x";
        assert_eq!(trim_quoted(body), "Works.");
        let body = "Works.\n-----Original Message-----\nFrom: x";
        assert_eq!(trim_quoted(body), "Works.");
    }

    #[test]
    fn a_signature_is_cut_and_text_that_only_mentions_from_is_kept() {
        assert_eq!(trim_quoted("Done.\n-- \nDana Ruiz\nAcme"), "Done.");
        let body = "From: the front desk we see the error.\nIt says 0x1.";
        assert_eq!(trim_quoted(body), body);
    }

    #[test]
    fn a_quote_alone_is_kept_whole() {
        let body = "> only a quote\n> nothing new";
        assert_eq!(trim_quoted(body), body);
    }
}
