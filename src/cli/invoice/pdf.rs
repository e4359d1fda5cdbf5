//! An invoice as a PDF: the plain-text document (`document::text`, one
//! layout for the terminal, the printer and the mail) set in Courier on US
//! Letter pages, the issuer and number in Helvetica-Bold, by `pdf-writer`.
//! Only the standard fonts every PDF reader has are used, so nothing is
//! embedded and the text extracts as written (`pdftotext`).

use pdf_writer::{Content, Finish, Name, Pdf, Rect, Ref, Str, TextStr};

const WIDTH: f32 = 612.0;
const HEIGHT: f32 = 792.0;
const MARGIN: f32 = 54.0;
const SIZE: f32 = 9.5;
const LEADING: f32 = 12.0;
/// Characters a Courier line holds between the margins (0.6 em each).
const COLUMNS: usize = ((WIDTH - 2.0 * MARGIN) / (SIZE * 0.6)) as usize;
/// Lines a page holds below its heading and above its footer.
const LINES: usize = ((HEIGHT - 2.0 * MARGIN - 40.0) / LEADING) as usize;

/// The text as WinAnsiEncoding bytes (Latin-1 and the usual typographic
/// marks); a character it cannot show becomes '?'.
fn win_ansi(s: &str) -> Vec<u8> {
    s.chars()
        .map(|c| match c {
            ' '..='~' => c as u8,
            '\u{a0}'..='\u{ff}' => c as u32 as u8,
            '€' => 0x80,
            '…' => 0x85,
            '‘' => 0x91,
            '’' => 0x92,
            '“' => 0x93,
            '”' => 0x94,
            '•' => 0x95,
            '–' => 0x96,
            '—' => 0x97,
            _ => b'?',
        })
        .collect()
}

/// The document's lines, long ones wrapped at the page's width: at the last
/// space that fits, or mid-word when a word is longer than a line.
fn wrapped(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for line in text.lines() {
        let mut rest: Vec<char> = line.chars().collect();
        while rest.len() > COLUMNS {
            let cut = rest[..=COLUMNS]
                .iter()
                .rposition(|&c| c == ' ')
                .filter(|&i| i > 0)
                .unwrap_or(COLUMNS);
            out.push(rest[..cut].iter().collect::<String>().trim_end().to_string());
            let skip = usize::from(rest.get(cut) == Some(&' '));
            rest.drain(..cut + skip);
        }
        out.push(rest.into_iter().collect());
    }
    out
}

/// The PDF of `document` (the text of [`super::document::text`]): its first
/// two lines are the heading, repeated on every page, the rest the body.
pub fn render(title: &str, document: &str) -> Vec<u8> {
    let lines = wrapped(document);
    let (heading, body) = lines.split_at(lines.len().min(2));
    let body: Vec<&[String]> = if body.is_empty() {
        vec![&[]]
    } else {
        body.chunks(LINES).collect()
    };
    let mut pdf = Pdf::new();
    let (catalog, tree, info) = (Ref::new(1), Ref::new(2), Ref::new(3));
    let (mono, bold) = (Ref::new(4), Ref::new(5));
    pdf.catalog(catalog).pages(tree);
    pdf.document_info(info)
        .title(TextStr(title))
        .producer(TextStr(concat!("pimdesk ", env!("CARGO_PKG_VERSION"))));
    pdf.type1_font(mono)
        .base_font(Name(b"Courier"))
        .encoding_predefined(Name(b"WinAnsiEncoding"));
    pdf.type1_font(bold)
        .base_font(Name(b"Helvetica-Bold"))
        .encoding_predefined(Name(b"WinAnsiEncoding"));
    let pages: Vec<Ref> = (0..body.len()).map(|i| Ref::new(10 + 2 * i as i32)).collect();
    pdf.pages(tree).kids(pages.iter().copied()).count(pages.len() as i32);
    for (i, chunk) in body.iter().enumerate() {
        let (page_id, content_id) = (pages[i], Ref::new(11 + 2 * i as i32));
        let mut page = pdf.page(page_id);
        page.media_box(Rect::new(0.0, 0.0, WIDTH, HEIGHT))
            .parent(tree)
            .contents(content_id);
        page.resources().fonts().pair(Name(b"F1"), mono).pair(Name(b"F2"), bold);
        page.finish();
        let mut c = Content::new();
        c.begin_text();
        c.set_font(Name(b"F2"), 13.0);
        c.set_leading(16.0);
        c.next_line(MARGIN, HEIGHT - MARGIN);
        for line in heading {
            c.show(Str(&win_ansi(line.trim())));
            c.next_line_using_leading();
        }
        c.set_font(Name(b"F1"), SIZE);
        c.set_leading(LEADING);
        c.next_line_using_leading();
        for line in chunk.iter() {
            c.show(Str(&win_ansi(line)));
            c.next_line_using_leading();
        }
        c.end_text();
        if body.len() > 1 {
            c.begin_text();
            c.set_font(Name(b"F1"), 8.0);
            c.next_line(WIDTH - MARGIN - 80.0, MARGIN / 2.0);
            c.show(Str(format!("Page {} of {}", i + 1, body.len()).as_bytes()));
            c.end_text();
        }
        pdf.stream(content_id, &c.finish());
    }
    pdf.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pdf_is_a_pdf_with_its_words_in_it() {
        let doc = "ACME\nINVOICE INV-000007\n\nTotal: $1,234.50 (café)\n";
        let bytes = render("Invoice INV-000007", doc);
        assert!(bytes.starts_with(b"%PDF-"), "not a PDF");
        assert!(bytes.ends_with(b"%%EOF") || bytes.ends_with(b"%%EOF\n"));
        let text = String::from_utf8_lossy(&bytes);
        assert!(text.contains("(INVOICE INV-000007)"), "{text}");
        assert!(text.contains("/WinAnsiEncoding"), "{text}");
    }

    #[test]
    fn long_documents_are_paged_and_long_lines_wrapped() {
        let doc: String = (0..200).map(|i| format!("line {i}\n")).collect();
        let bytes = render("t", &format!("A\nB\n{doc}{}\n", "x".repeat(COLUMNS + 5)));
        let text = String::from_utf8_lossy(&bytes);
        let pages = text.matches("/Type /Page\n").count() + text.matches("/Type /Page ").count();
        assert!(text.contains("Page 1 of 4"), "{pages}");
        assert_eq!(wrapped(&"y".repeat(COLUMNS + 1)).len(), 2);
        let words = format!("{} tail", "w ".repeat(COLUMNS / 2 - 1));
        let lines = wrapped(&words);
        assert_eq!(lines.len(), 2, "{lines:?}");
        assert_eq!(lines[1], "tail", "{lines:?}");
    }

    #[test]
    fn characters_outside_win_ansi_become_question_marks() {
        assert_eq!(win_ansi("é€…✓"), vec![0xe9, 0x80, 0x85, b'?']);
    }
}
