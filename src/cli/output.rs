//! The one path from a command to the terminal (STYLE.md habit 10). Store
//! text came from clients and other programs, so everything a command prints
//! passes through here: plain text through the console's sanitiser
//! ([`crate::domain::text::sanitize`]), JSON with every character the
//! sanitiser refuses written as a `\uXXXX` escape, so the JSON is the same
//! data and a terminal that shows it is safe. Commands print with
//! [`outln!`], [`out!`], [`errln!`] and [`json`], never with `println!`.

use std::borrow::Cow;
use std::fmt;
use std::io::{self, Write};

use crate::domain::text::{is_unsafe, sanitize};

/// A line of plain text to stdout, sanitised; returns from the enclosing
/// function with the error when stdout is gone (a closed pipe is not a panic).
macro_rules! outln {
    () => { $crate::cli::output::text(::std::format_args!("\n"))? };
    ($($arg:tt)*) => {
        $crate::cli::output::text(::std::format_args!("{}\n", ::std::format_args!($($arg)*)))?
    };
}

/// As [`outln!`] without the newline.
macro_rules! out {
    ($($arg:tt)*) => { $crate::cli::output::text(::std::format_args!($($arg)*))? };
}

/// A line of plain text to stderr, sanitised; a failed write is ignored
/// (stderr may be a terminal that has hung up).
macro_rules! errln {
    ($($arg:tt)*) => { $crate::cli::output::err_line(::std::format_args!($($arg)*)) };
}

pub(crate) use {errln, out, outln};

/// Plain text to stdout, sanitised.
pub fn text(args: fmt::Arguments<'_>) -> io::Result<()> {
    write_text(&mut io::stdout().lock(), args)
}

/// Plain text to `w`, sanitised: escape sequences, controls and bidi
/// overrides are removed, newlines kept.
pub fn write_text(w: &mut impl Write, args: fmt::Arguments<'_>) -> io::Result<()> {
    let raw = fmt::format(args);
    w.write_all(sanitize(&raw).as_bytes())
}

/// A line to stderr, sanitised (error messages echo paths and user input).
pub fn err_line(args: fmt::Arguments<'_>) {
    let mut line = sanitize(&fmt::format(args));
    line.push('\n');
    let _ = io::stderr().lock().write_all(line.as_bytes());
}

/// A value as pretty JSON on stdout, terminal-safe.
pub fn json(value: &impl serde::Serialize) -> anyhow::Result<()> {
    let s = serde_json::to_string_pretty(value)?;
    json_line(&mut io::stdout().lock(), &s)?;
    Ok(())
}

/// One line of serialised JSON to `w`, terminal-safe.
pub fn json_line(w: &mut impl Write, json: &str) -> io::Result<()> {
    w.write_all(json_safe(json).as_bytes())?;
    w.write_all(b"\n")
}

/// Serialised JSON with every unsafe character written as `\uXXXX`. Outside
/// strings JSON is ASCII with no controls, so such a character can only be
/// inside a string, where the escape means the same character.
pub fn json_safe(json: &str) -> Cow<'_, str> {
    if !json.chars().any(is_unsafe) {
        return Cow::Borrowed(json);
    }
    let mut out = String::with_capacity(json.len() + 16);
    for c in json.chars() {
        if is_unsafe(c) {
            // Every unsafe character is in the Basic Multilingual Plane: one escape.
            out.push_str(&format!("\\u{:04x}", u32::from(c)));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_escapes_c1_and_bidi_and_stays_the_same_data() {
        let v = serde_json::json!({"s": "a\u{9b}31m\u{202e}b\u{1b}]0;x\u{7}\u{7f}"});
        let s = serde_json::to_string(&v).expect("serialise");
        let safe = json_safe(&s);
        assert!(!safe.chars().any(is_unsafe), "{safe}");
        assert!(safe.contains("\\u009b") && safe.contains("\\u202e"), "{safe}");
        let back: serde_json::Value = serde_json::from_str(&safe).expect("still JSON");
        assert_eq!(back, v);
    }

    #[test]
    fn text_is_sanitised() {
        let mut buf = Vec::new();
        write_text(&mut buf, format_args!("board: {}\n", "Desk\u{1b}]0;pwned\u{7}\u{9b}2J")).expect("write");
        assert_eq!(String::from_utf8(buf).expect("utf-8"), "board: Desk\n");
    }
}
