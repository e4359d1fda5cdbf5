//! A progress bar on stderr for long commands, only when stderr is a
//! terminal: pipes, logs and tests get nothing.

use std::io::IsTerminal;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// A bar of `len` steps counting `unit`, with the rate and the time left, or `None`
/// when stderr is not a terminal.
pub fn bar(len: u64, what: &str, unit: &str) -> Option<ProgressBar> {
    if !std::io::stderr().is_terminal() {
        return None;
    }
    let template = format!("{what} {{wide_bar}} {{pos}}/{{len}} {unit} · {{per_sec:0}} · {{elapsed}} · {{eta}} left");
    let style = ProgressStyle::with_template(&template).unwrap_or_else(|_| ProgressStyle::default_bar());
    let bar = ProgressBar::with_draw_target(Some(len), ProgressDrawTarget::stderr_with_hz(4));
    bar.set_style(style);
    Some(bar)
}
