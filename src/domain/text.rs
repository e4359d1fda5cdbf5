//! Sanitising untrusted text (DESIGN.md 7): control characters other than
//! newline and tab, escape sequences (CSI, OSC, DCS and friends), C1 controls
//! and bidi overrides are removed; tabs are expanded to spaces.

const TAB_WIDTH: usize = 4;

/// Multi-line text: keeps newlines, expands tabs, strips everything unsafe.
pub fn sanitize(input: &str) -> String {
    let mut out = String::with_capacity(input.len());
    let mut column = 0usize;
    let mut chars = input.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\n' => {
                out.push('\n');
                column = 0;
            }
            '\t' => {
                let n = TAB_WIDTH - column % TAB_WIDTH;
                out.extend(std::iter::repeat_n(' ', n));
                column += n;
            }
            '\u{1b}' => skip_escape(&mut chars),
            // C1 string introducers (DCS, SOS, OSC, PM, APC) swallow their payload too.
            '\u{90}' | '\u{98}' | '\u{9d}' | '\u{9e}' | '\u{9f}' => skip_string(&mut chars),
            '\u{9b}' => skip_csi(&mut chars),
            c if is_unsafe(c) => {}
            c => {
                out.push(c);
                column += 1;
            }
        }
    }
    out
}

/// One-line text (summaries, names): as [`sanitize`], newlines become spaces, trimmed.
pub fn sanitize_line(input: &str) -> String {
    sanitize(input).replace('\n', " ").trim().to_string()
}

/// True for characters never stored or drawn: C0/C1 controls and DEL (newline
/// and tab are handled by the caller), bidi embeddings, overrides and isolates.
pub fn is_unsafe(c: char) -> bool {
    matches!(c,
        '\u{0}'..='\u{8}' | '\u{b}'..='\u{1f}' | '\u{7f}'..='\u{9f}'
        | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'
        | '\u{061c}' | '\u{feff}')
}

type Chars<'a> = std::iter::Peekable<std::str::Chars<'a>>;

fn skip_escape(chars: &mut Chars<'_>) {
    match chars.next() {
        Some('[') => skip_csi(chars),
        Some(']') | Some('P') | Some('X') | Some('^') | Some('_') => skip_string(chars),
        // Two-character sequences with an intermediate (ESC ( B, ESC # 8 …).
        Some(c) if (' '..='/').contains(&c) => {
            chars.next();
        }
        _ => {}
    }
}

/// CSI: parameters and intermediates up to a final byte in '@'..='~'.
fn skip_csi(chars: &mut Chars<'_>) {
    for c in chars.by_ref() {
        if ('@'..='~').contains(&c) {
            break;
        }
        if c == '\n' {
            break;
        }
    }
}

/// OSC/DCS/SOS/PM/APC: payload up to BEL, ST (ESC \) or C1 ST.
fn skip_string(chars: &mut Chars<'_>) {
    while let Some(c) = chars.next() {
        match c {
            '\u{7}' | '\u{9c}' => break,
            '\u{1b}' => {
                if chars.peek() == Some(&'\\') {
                    chars.next();
                }
                break;
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_escape_sequences_controls_and_bidi() {
        let hostile = "Printer\u{1b}[2J\u{1b}[31m offline\u{1b}]0;pwned\u{7} now\u{1b}]52;c;ZXZpbA==\u{1b}\\\u{9b}1m\u{85}\u{7}\u{202e}gnp.exe\u{2066}";
        let clean = sanitize(hostile);
        assert_eq!(clean, "Printer offline nowgnp.exe");
        assert!(!clean.chars().any(|c| c.is_control()));
    }

    #[test]
    fn keeps_newlines_expands_tabs_and_unicode() {
        assert_eq!(sanitize("a\tb\nc\u{00e9}\r\n"), "a   b\nc\u{00e9}\n");
        assert_eq!(sanitize_line("  two\nlines\t "), "two lines");
    }
}

/// Up to `n` of `candidates` closest to `typed` (any case), best first, for a
/// "did you mean" after a name matched nothing; far-off names are left out.
pub fn closest<'a>(typed: &str, candidates: impl IntoIterator<Item = &'a str>, n: usize) -> Vec<&'a str> {
    let typed = typed.trim().to_lowercase();
    let mut scored: Vec<(f64, &str)> = candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(&typed, &c.to_lowercase()), c))
        .filter(|(score, _)| *score >= 0.75)
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(b.1)));
    scored.into_iter().take(n).map(|(_, c)| c).collect()
}

#[cfg(test)]
mod closest_tests {
    use super::closest;

    #[test]
    fn a_misspelt_name_finds_the_company_and_nonsense_finds_nothing() {
        let names = [
            "River City Audit Partners",
            "Town of Ashland",
            "Fan District Chiropractic",
        ];
        assert_eq!(closest("Rivr City Audt", names, 3), ["River City Audit Partners"]);
        assert_eq!(closest("town of ashlnd", names, 3), ["Town of Ashland"]);
        assert!(closest("zzzz", names, 3).is_empty());
    }
}
