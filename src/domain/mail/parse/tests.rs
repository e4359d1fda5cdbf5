//! The fixtures of `tests/fixtures/mail`, read as a user would want them.

use super::*;

fn fixture(name: &str) -> Incoming {
    let path = format!("{}/tests/fixtures/mail/{name}", env!("CARGO_MANIFEST_DIR"));
    let raw = std::fs::read(&path).expect("fixture");
    parse(&raw).expect("readable")
}

#[test]
fn a_plain_message_gives_its_sender_subject_and_text() {
    let m = fixture("new_plain.eml");
    assert_eq!(m.from, "dana.ruiz@acme.test");
    assert_eq!(m.from_name, "Dana Ruiz");
    assert_eq!(m.subject, "Printer offline in exam room 2");
    assert_eq!(m.message_id, "CAF1x8Qm2@mail.acme.test");
    assert!(
        m.text.contains("shows \"offline\" since this morning.\nWe restarted"),
        "{:?}",
        m.text
    );
    assert_eq!(m.automatic, None);
}

#[test]
fn windows_1252_and_quoted_printable_are_decoded() {
    let m = fixture("windows1252_qp.eml");
    assert_eq!(m.subject, "Café Wi-Fi down – guests can’t connect");
    assert!(m.text.contains("The “Café” guest network"), "{:?}", m.text);
    assert!(m.text.contains("résumé kiosk says „no network“"), "{:?}", m.text);
    assert!(m.text.contains("costs € 50 to fix – not urgent"), "{:?}", m.text);
}

#[test]
fn base64_bodies_and_encoded_word_subjects_are_decoded() {
    let m = fixture("base64_utf8.eml");
    assert_eq!(m.subject, "Scanner fällt aus überall");
    assert_eq!(m.from_name, "Jörg Müller");
    assert!(
        m.text
            .starts_with("Der Scanner im Büro fällt seit heute aus – bitte um Rückruf."),
        "{:?}",
        m.text
    );
}

#[test]
fn html_only_mail_becomes_readable_text() {
    let m = fixture("html_only.eml");
    assert!(
        m.text.contains("Since the update Outlook asks for my password"),
        "{:?}",
        m.text
    );
    assert!(m.text.contains("Tom & Jerry at reception"), "{:?}", m.text);
    assert!(m.text.contains("Dr. Patel's laptop"), "{:?}", m.text);
    assert!(!m.text.contains('<') && !m.text.contains("color"), "{:?}", m.text);
}

#[test]
fn robots_are_recognised() {
    assert!(fixture("out_of_office.eml").automatic.unwrap().contains("auto-replied"));
    assert!(fixture("bounce.eml").automatic.is_some());
    assert!(fixture("list_mail.eml").automatic.is_some());
    assert_eq!(fixture("reply_tag.eml").automatic, None);
}

#[test]
fn reply_ids_and_attachments_are_read() {
    let m = fixture("reply_in_reply_to.eml");
    assert_eq!(m.in_reply_to, vec!["OURID".to_string()]);
    assert_eq!(
        m.references,
        vec!["CAF1x8Qm2@mail.acme.test".to_string(), "OURID".to_string()]
    );
    let m = fixture("with_attachment.eml");
    assert_eq!(m.attachments.len(), 1);
    let a = &m.attachments[0];
    assert_eq!(
        (a.name.as_str(), a.content_type.as_str()),
        ("error screenshot.png", "image/png")
    );
    assert!(a.bytes.starts_with(b"\x89PNG"), "{:?}", &a.bytes[..8]);
    assert!(m.text.contains("attached screenshot"));
}

#[test]
fn no_sender_or_nothing_at_all_is_unreadable_and_a_missing_id_is_stable() {
    assert!(parse(b"").is_err());
    assert!(parse(b"Subject: hi\r\n\r\nbody\r\n").is_err());
    let raw = b"From: a@b.test\r\nSubject: x\r\n\r\nbody\r\n";
    assert_eq!(parse(raw).unwrap().message_id, parse(raw).unwrap().message_id);
    assert_eq!(header_block(raw), b"From: a@b.test\r\nSubject: x\r\n\r\n");
}
