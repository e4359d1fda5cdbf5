//! What our outgoing mail says: the note, and how to answer.

/// The text of a mail carrying a client-visible note on ticket `id`.
pub fn note_body(tag: &str, id: i64, summary: &str, note: &str) -> String {
    format!(
        "{note}\n\n-- \nTicket #{id}: {summary}\nReply to this message to add to the ticket; keep [{tag} #{id}] in the subject.\n"
    )
}

/// The acknowledgement of a ticket opened by mail.
pub fn acknowledgement_body(id: i64, summary: &str) -> String {
    format!(
        "We have your request and opened ticket #{id}: {summary}\n\nReply to this message to add to it. This is an automatic answer; it is sent once.\n"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_note_mail_says_how_to_answer() {
        let b = note_body("pim", 12, "Printer offline", "Driver replaced.");
        assert!(b.starts_with("Driver replaced.\n"), "{b}");
        assert!(b.contains("Ticket #12: Printer offline"), "{b}");
        assert!(b.contains("keep [pim #12] in the subject"), "{b}");
    }
}
