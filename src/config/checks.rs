//! The checks a config passes at load, so nothing is refused at first use:
//! every number has a range, times parse, the rotation starts on a Monday,
//! the store's group exists, key bindings do not collide. Each error names
//! the file, the line (when the user's file sets the key) and the key.

use std::path::Path;

use super::{err_at, find_key_line, BillingConfig, ClockSetting, Config, ConfigError};

/// Runs every check of this module.
pub(super) fn all(path: &Path, text: &str, config: &Config) -> Result<(), ConfigError> {
    let at = |section: &str, key: &str, message: String| {
        err_at(
            path,
            find_key_line(text, section, key),
            Some(format!("{section}.{key}")),
            message,
        )
    };
    numbers(config).map_err(|(s, k, m)| at(&s, k, m))?;
    sla_table(config).map_err(|(s, k, m)| at(&s, k, m))?;
    oncall(config).map_err(|(k, m)| at("oncall", k, m))?;
    if !["ansi16", "none"].contains(&config.console.colors.as_str()) {
        return Err(at("console", "colors", "write \"ansi16\" or \"none\"".into()));
    }
    if !["auto", "tmux-passthrough"].contains(&config.console.clipboard.as_str()) {
        return Err(at(
            "console",
            "clipboard",
            "write \"auto\" or \"tmux-passthrough\"".into(),
        ));
    }
    store_group(&config.store.group).map_err(|m| at("store", "group", m))?;
    // A mail key the file leaves out (a password_file its `user` needs) is
    // named with the line of its table.
    super::mail::check(&config.mail).map_err(|(s, k, m)| {
        let line = find_key_line(text, &s, k).or_else(|| super::find_line(text, &format!("[{s}]")));
        err_at(path, line, Some(format!("{s}.{k}")), m)
    })?;
    let bound = |section: &str, name: &str| {
        config
            .keys
            .get(section)
            .and_then(|s| s.get(name))
            .map(|k| k.keys())
            .unwrap_or_default()
    };
    crate::keys::check_collisions(bound).map_err(|c| {
        err_at(
            path,
            find_key_line(text, &format!("keys.{}", c.section), c.action)
                .or_else(|| find_key_line(text, &format!("keys.{}", c.other_section), c.other_action)),
            Some(format!("keys.{}.{}", c.section, c.action)),
            c.to_string(),
        )
    })?;
    Ok(())
}

type Problem = (String, &'static str, String);

use super::ranges::range;

/// Ranges of the plain numbers (a week of minutes, ten minutes of waiting…).
fn numbers(c: &Config) -> Result<(), Problem> {
    let checks = billing_ranges(&c.billing).into_iter().chain(console_store_ranges(c));
    for (section, key, value, lo, hi, unit) in checks {
        range(value, lo, hi, unit).map_err(|m| (section.to_string(), key, m))?;
    }
    Ok(())
}

/// One number to check: section, key, value, lowest, highest, unit.
type Range = (&'static str, &'static str, i64, i64, i64, &'static str);

/// The billing numbers: rates, delays, increments, months ahead, digits.
fn billing_ranges(b: &BillingConfig) -> [Range; 5] {
    [
        (
            "billing",
            "non_contract_rate_cents",
            b.non_contract_rate_cents,
            0,
            100_000_000,
            "cents",
        ),
        (
            "billing",
            "non_contract_delay_days",
            b.non_contract_delay_days.into(),
            0,
            366,
            "days",
        ),
        (
            "billing",
            "labor_increment_minutes",
            b.labor_increment_minutes.into(),
            1,
            24 * 60,
            "minutes",
        ),
        (
            "billing",
            "months_in_advance",
            b.months_in_advance.into(),
            0,
            24,
            "months",
        ),
        ("billing", "invoice_digits", b.invoice_digits.into(), 1, 18, "digits"),
    ]
}

/// The console's intervals and the store's busy timeout.
fn console_store_ranges(c: &Config) -> [Range; 3] {
    [
        (
            "console",
            "draft_interval_secs",
            sat(c.console.draft_interval_secs),
            1,
            3600,
            "seconds",
        ),
        (
            "console",
            "breaching_soon_minutes",
            c.console.breaching_soon_minutes,
            0,
            7 * 24 * 60,
            "minutes",
        ),
        // rusqlite takes the timeout as a C int of milliseconds: cap well below it.
        (
            "store",
            "busy_timeout_ms",
            sat(c.store.busy_timeout_ms),
            0,
            600_000,
            "milliseconds",
        ),
    ]
}

fn sat(v: u64) -> i64 {
    i64::try_from(v).unwrap_or(i64::MAX)
}

/// Each priority's minutes are in range and its goal (warning) comes before its target (breach).
fn sla_table(c: &Config) -> Result<(), Problem> {
    const YEAR: i64 = 366 * 24 * 60;
    for (name, p) in &c.sla {
        let section = format!("sla.{name}");
        let minutes = |key: &'static str, v: u32, lo: i64| {
            range(v.into(), lo, YEAR, "minutes").map_err(|m| (section.clone(), key, m))
        };
        minutes("goal_minutes", p.goal_minutes, 0)?;
        minutes("target_minutes", p.target_minutes, 0)?;
        if let Some(r) = p.resolve_minutes {
            minutes("resolve_minutes", r, 1)?;
        }
        // A scheduled priority counts its goal before the scheduled time and has no target.
        if p.clock != ClockSetting::Scheduled {
            if p.target_minutes == 0 {
                return Err((section, "target_minutes", "must be at least 1".into()));
            }
            if p.goal_minutes > p.target_minutes {
                return Err((
                    section,
                    "goal_minutes",
                    format!(
                        "the goal ({} min) is after the target ({} min): the warning must come before the breach",
                        p.goal_minutes, p.target_minutes
                    ),
                ));
            }
        }
    }
    Ok(())
}

/// The rotation's start is a Monday and its handover a time of day.
fn oncall(c: &Config) -> Result<(), (&'static str, String)> {
    use crate::domain::oncall::{Rotation, RotationError};
    match Rotation::new(Vec::new(), c.oncall.start, &c.oncall.handover) {
        Ok(_) => Ok(()),
        Err(e @ RotationError::BadHandover(_)) => Err(("handover", e.to_string())),
        Err(e) => Err((
            "start",
            format!("{e} (the Monday of the first rotation week; it counts the weeks)"),
        )),
    }
}

/// A named group must exist before any file is made for it.
fn store_group(group: &str) -> Result<(), String> {
    if group.is_empty() {
        return Ok(());
    }
    #[cfg(unix)]
    if crate::platform::group_id(group).is_none() {
        return Err(format!(
            "no such group {group:?} on this system; name an existing group or write \"\" (owner only)"
        ));
    }
    Ok(())
}

/// A password written into the file is refused in words of its own (before
/// the unknown-key error would name it): it belongs in `password_file`.
pub(super) fn no_password(path: &Path, text: &str, user: &toml::Table) -> Result<(), ConfigError> {
    let mail = user.get("mail").and_then(|m| m.as_table());
    for server in ["smtp", "imap"] {
        let table = mail.and_then(|m| m.get(server)).and_then(|s| s.as_table());
        if table.is_some_and(|t| t.contains_key("password")) {
            let section = format!("mail.{server}");
            return Err(err_at(
                path,
                find_key_line(text, &section, "password"),
                Some(format!("{section}.password")),
                "the config file holds no passwords: put it in a file only you can read and name that file in `password_file`".into(),
            ));
        }
    }
    Ok(())
}

/// A file that is not UTF-8 text, described for its author: UTF-16 (a BOM
/// or NUL bytes between ASCII), binary, or text with a bad byte.
pub(super) fn not_text(bytes: &[u8]) -> Option<String> {
    let utf16 = bytes.starts_with(&[0xff, 0xfe])
        || bytes.starts_with(&[0xfe, 0xff])
        || (bytes.len() >= 4 && (bytes[1] == 0 && bytes[3] == 0 || bytes[0] == 0 && bytes[2] == 0));
    if utf16 {
        return Some("the file is UTF-16 text; save it as UTF-8".into());
    }
    if bytes.contains(&0) {
        return Some("the file is binary, not a TOML text file".into());
    }
    match std::str::from_utf8(bytes) {
        Ok(_) => None,
        Err(e) => {
            let line = bytes[..e.valid_up_to()].iter().filter(|b| **b == b'\n').count() + 1;
            Some(format!("line {line} is not UTF-8 text; save the file as UTF-8"))
        }
    }
}
