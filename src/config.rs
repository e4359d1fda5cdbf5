//! The TOML config: built-in defaults (the embedded `config.example.toml`), the
//! user's file laid over them, and errors that name the file, line and key.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use chrono::{NaiveDate, NaiveTime};
use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serialize};

/// The documented defaults; the binary embeds this very file.
pub const DEFAULT_TOML: &str = include_str!("../config.example.toml");

/// A config problem, located in its file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("config error in {}{}{}: {message}", path.display(), line.map(|l| format!(", line {l}")).unwrap_or_default(), key.as_ref().map(|k| format!(", key `{k}`")).unwrap_or_default())]
pub struct ConfigError {
    pub path: PathBuf,
    pub line: Option<usize>,
    pub key: Option<String>,
    pub message: String,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    pub calendar: CalendarConfig,
    pub sla: BTreeMap<String, PriorityConfig>,
    pub billing: BillingConfig,
    pub directory: DirectoryConfig,
    pub oncall: OncallConfig,
    pub store: StoreConfig,
    pub console: ConsoleConfig,
    pub keys: BTreeMap<String, BTreeMap<String, KeyList>>,
    pub mail: MailConfig,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct CalendarConfig {
    pub timezone: TimeZone,
    pub holidays: Vec<NaiveDate>,
    pub hours: WeekHours,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct WeekHours {
    pub mon: DayHours,
    pub tue: DayHours,
    pub wed: DayHours,
    pub thu: DayHours,
    pub fri: DayHours,
    pub sat: DayHours,
    pub sun: DayHours,
}

impl WeekHours {
    /// Monday first, as `chrono::Weekday::num_days_from_monday` indexes.
    pub fn as_array(&self) -> [DayHours; 7] {
        [self.mon, self.tue, self.wed, self.thu, self.fri, self.sat, self.sun]
    }
}

/// An IANA zone name checked against chrono-tz when the file is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimeZone(pub chrono_tz::Tz);

impl Default for TimeZone {
    fn default() -> Self {
        TimeZone(chrono_tz::America::New_York)
    }
}

impl<'de> Deserialize<'de> for TimeZone {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let name = String::deserialize(d)?;
        name.parse::<chrono_tz::Tz>().map(TimeZone).map_err(|_| {
            D::Error::custom(format!(
                "unknown time zone {name:?} (use an IANA name such as \"America/New_York\")"
            ))
        })
    }
}

impl Serialize for TimeZone {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.0.name())
    }
}

/// Contractual hours of one weekday: `"08:00-17:00"`, or `""` for closed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DayHours(pub Option<(NaiveTime, NaiveTime)>);

impl<'de> Deserialize<'de> for DayHours {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        parse_day_hours(&text).map_err(D::Error::custom)
    }
}

fn parse_day_hours(text: &str) -> Result<DayHours, String> {
    let t = text.trim();
    if t.is_empty() {
        return Ok(DayHours(None));
    }
    let bad = || format!("bad hours {text:?}: write \"HH:MM-HH:MM\" with opening before closing, or \"\" for closed");
    let (a, b) = t.split_once('-').ok_or_else(bad)?;
    let open = NaiveTime::parse_from_str(a.trim(), "%H:%M").map_err(|_| bad())?;
    let close = NaiveTime::parse_from_str(b.trim(), "%H:%M").map_err(|_| bad())?;
    if open >= close {
        return Err(bad());
    }
    Ok(DayHours(Some((open, close))))
}

impl Serialize for DayHours {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.0 {
            Some((a, b)) => s.serialize_str(&format!("{}-{}", a.format("%H:%M"), b.format("%H:%M"))),
            None => s.serialize_str(""),
        }
    }
}

/// How a priority's SLA clock runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
pub enum ClockSetting {
    #[serde(rename = "24x7")]
    TwentyFourSeven,
    #[serde(rename = "business")]
    Business,
    #[serde(rename = "scheduled")]
    Scheduled,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PriorityConfig {
    pub name: String,
    pub clock: ClockSetting,
    pub goal_minutes: u32,
    pub target_minutes: u32,
    #[serde(default)]
    pub resolve_minutes: Option<u32>,
    pub definition: String,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct BillingConfig {
    pub non_contract_rate_cents: i64,
    pub non_contract_delay_days: u32,
    pub labor_increment_minutes: u32,
    pub months_in_advance: u32,
    pub prepaid_carry_over: bool,
    pub invoice_prefix: String,
    pub invoice_digits: u32,
    pub payment: PaymentConfig,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct PaymentConfig {
    pub terms: String,
    pub check_payee: String,
    pub ach: String,
    pub billcom_id: String,
    pub paypal: String,
    pub card: String,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct DirectoryConfig {
    pub departments: Vec<Department>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct Department {
    pub name: String,
    pub phone: String,
    pub option: String,
    pub email: String,
    pub hours: String,
    pub portal: String,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct OncallConfig {
    pub rotation: Vec<String>,
    pub start: Option<NaiveDate>,
    pub handover: String,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct StoreConfig {
    pub busy_timeout_ms: u64,
    pub group: String,
    /// A PostgreSQL store's address (team mode), used when --db and
    /// PIMDESK_DB are not given; "" = the SQLite file.
    pub url: String,
    /// A file whose first line is the PostgreSQL password; "" = PGPASSFILE
    /// or ~/.pgpass.
    pub password_file: String,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct ConsoleConfig {
    pub draft_interval_secs: u64,
    pub breaching_soon_minutes: i64,
    pub scroll: String,
    pub colors: String,
    /// How copy (OSC 52) reaches the terminal: "auto" or "tmux-passthrough".
    pub clipboard: String,
}

/// One key or a list of keys bound to an action.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq, Eq)]
#[serde(untagged)]
pub enum KeyList {
    One(String),
    Many(Vec<String>),
}

impl KeyList {
    pub fn keys(&self) -> Vec<&str> {
        match self {
            KeyList::One(k) => vec![k.as_str()],
            KeyList::Many(ks) => ks.iter().map(String::as_str).collect(),
        }
    }
}

impl Config {
    /// pim's defaults: the embedded example file.
    pub fn defaults() -> Config {
        match parse_file(Path::new("<built-in config.example.toml>"), DEFAULT_TOML) {
            Ok(c) => c,
            // invariant: tests parse the embedded file; a failure is a build defect.
            Err(e) => panic!("built-in defaults are invalid: {e}"),
        }
    }

    /// Reads `path` if it exists (or fails if `required`), laid over the defaults.
    pub fn load(path: &Path, required: bool) -> Result<Config, ConfigError> {
        let bytes = match std::fs::read(path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && !required => return Ok(Config::defaults()),
            Err(e) => return Err(err_at(path, None, None, format!("cannot read the file: {e}"))),
        };
        if let Some(message) = checks::not_text(&bytes) {
            return Err(err_at(path, None, None, message));
        }
        Config::from_user_text(path, &String::from_utf8_lossy(&bytes))
    }

    /// The user's text laid over the defaults, validated.
    pub fn from_user_text(path: &Path, text: &str) -> Result<Config, ConfigError> {
        // First the user's file alone, so every error points into it.
        let user_table: toml::Table = toml::from_str(text).map_err(|e| toml_error(path, text, &e))?;
        checks::no_password(path, text, &user_table)?;
        let _checked: Config = toml::from_str(text).map_err(|e| toml_error(path, text, &e))?;
        let mut merged: toml::Table =
            toml::from_str(DEFAULT_TOML).map_err(|e| toml_error(Path::new("<built-in>"), DEFAULT_TOML, &e))?;
        merge(&mut merged, user_table);
        let config: Config = toml::Value::Table(merged)
            .try_into()
            .map_err(|e: toml::de::Error| err_at(path, None, None, e.message().to_string()))?;
        validate(path, text, &config)?;
        Ok(config)
    }

    pub fn priority(&self, p: crate::domain::ticket::Priority) -> Option<&PriorityConfig> {
        self.sla.get(&format!("p{}", p.get()))
    }
}

fn parse_file(path: &Path, text: &str) -> Result<Config, ConfigError> {
    let config: Config = toml::from_str(text).map_err(|e| toml_error(path, text, &e))?;
    validate(path, text, &config)?;
    Ok(config)
}

/// Lays `user` over `base`; tables merge key by key, except `sla`, which the user replaces whole.
fn merge(base: &mut toml::Table, user: toml::Table) {
    for (k, v) in user {
        match (base.get_mut(&k), v) {
            (Some(toml::Value::Table(b)), toml::Value::Table(u)) if k != "sla" => merge(b, u),
            (_, v) => {
                base.insert(k, v);
            }
        }
    }
}

fn validate(path: &Path, text: &str, config: &Config) -> Result<(), ConfigError> {
    for p in 1..=5 {
        let key = format!("p{p}");
        if !config.sla.contains_key(&key) {
            let line = find_line(text, "[sla");
            return Err(err_at(
                path,
                line,
                Some(format!("sla.{key}")),
                format!("priority {p} is missing from the SLA table; define [sla.p1] to [sla.p5]"),
            ));
        }
    }
    for key in config.sla.keys() {
        let ok = key.len() == 2 && key.starts_with('p') && ("1"..="5").contains(&&key[1..]);
        if !ok {
            let line = find_line(text, &format!("[sla.{key}"));
            return Err(err_at(
                path,
                line,
                Some(format!("sla.{key}")),
                "the SLA table has priorities p1 to p5 only".into(),
            ));
        }
    }
    if config.calendar.hours.as_array().iter().all(|d| d.0.is_none()) {
        let line = find_line(text, "[calendar.hours");
        return Err(err_at(
            path,
            line,
            Some("calendar.hours".into()),
            "no contractual hours on any day".into(),
        ));
    }
    if !["half-page", "line"].contains(&config.console.scroll.as_str()) {
        let line = find_key_line(text, "console", "scroll");
        return Err(err_at(
            path,
            line,
            Some("console.scroll".into()),
            "write \"half-page\" or \"line\"".into(),
        ));
    }
    for (section, actions) in &config.keys {
        for (action, keys) in actions {
            let where_ = format!("keys.{section}.{action}");
            let line = find_key_line(text, &format!("keys.{section}"), action);
            crate::keys::check_binding(section, action, &keys.keys())
                .map_err(|m| err_at(path, line, Some(where_.clone()), m))?;
        }
    }
    checks::all(path, text, config)
}

fn err_at(path: &Path, line: Option<usize>, key: Option<String>, message: String) -> ConfigError {
    ConfigError {
        path: path.to_path_buf(),
        line,
        key,
        message,
    }
}

/// The line of `key = …` inside the `[section]` table.
fn find_key_line(text: &str, section: &str, key: &str) -> Option<usize> {
    let mut inside = false;
    for (i, l) in text.lines().enumerate() {
        let t = l.trim();
        if t.starts_with('[') {
            inside = t.trim_matches(['[', ']']).trim() == section;
        } else if inside && t.split_once('=').is_some_and(|(k, _)| k.trim() == key) {
            return Some(i + 1);
        }
    }
    None
}

fn find_line(text: &str, needle: &str) -> Option<usize> {
    text.lines()
        .position(|l| l.trim_start().starts_with(needle))
        .map(|i| i + 1)
}

/// Turns a toml error into one that names the line and the key written there.
fn toml_error(path: &Path, text: &str, e: &toml::de::Error) -> ConfigError {
    let line = e
        .span()
        .map(|s| text[..s.start.min(text.len())].matches('\n').count() + 1);
    let key = line.and_then(|l| text.lines().nth(l - 1)).and_then(|l| {
        let l = l.trim();
        if l.starts_with('[') {
            Some(l.trim_matches(['[', ']']).to_string())
        } else {
            l.split_once('=').map(|(k, _)| k.trim().to_string())
        }
    });
    err_at(path, line, key, e.message().trim().to_string())
}

mod checks;
mod mail;
mod ranges;
pub use mail::{is_address, is_loopback, MailConfig, ServerConfig};
#[cfg(test)]
mod tests;

impl Config {
    /// The SLA calendar of `[calendar]`.
    pub fn sla_calendar(&self) -> crate::domain::sla::Calendar {
        let c = &self.calendar;
        crate::domain::sla::Calendar {
            zone: c.timezone.0,
            hours: c.hours.as_array().map(|d| d.0),
            holidays: c.holidays.iter().copied().collect(),
        }
    }

    /// The SLA table of `[sla.p1]` .. `[sla.p5]`.
    pub fn sla_policy(&self) -> crate::domain::sla::SlaPolicy {
        use crate::domain::sla::{ClockKind, PriorityPolicy};
        let one = |n: u8| {
            let p = self.sla.get(&format!("p{n}"));
            PriorityPolicy {
                name: p.map(|p| p.name.clone()).unwrap_or_default(),
                clock: match p.map(|p| p.clock) {
                    Some(ClockSetting::TwentyFourSeven) => ClockKind::TwentyFourSeven,
                    Some(ClockSetting::Scheduled) => ClockKind::Scheduled,
                    _ => ClockKind::Business,
                },
                goal_minutes: p.map_or(0, |p| p.goal_minutes),
                target_minutes: p.map_or(0, |p| p.target_minutes),
                resolve_minutes: p.and_then(|p| p.resolve_minutes),
            }
        };
        crate::domain::sla::SlaPolicy {
            priorities: [one(1), one(2), one(3), one(4), one(5)],
        }
    }
}
