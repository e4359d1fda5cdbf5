//! Naming one record of an import file in a refusal, and the checks of one
//! value that every kind of record shares.

use std::path::Path;

use super::keys::KeyMap;
use super::ImportError;
use crate::domain::time::{parse_date, parse_instant};

/// Names one record for error messages.
pub(super) struct Rec<'a> {
    pub(super) file: &'a Path,
    pub(super) name: String,
}

pub(super) fn rec<'a>(file: &'a Path, kind: &str, i: usize, key: &str) -> Rec<'a> {
    Rec {
        file,
        name: if key.is_empty() {
            format!("{kind}[{i}]")
        } else {
            format!("{kind}[{i}] (key {key:?})")
        },
    }
}

/// The refusal of a key that is empty or that the file gives twice.
pub(super) fn key_refused(file: &Path, kind: &str, i: usize, key: &str, empty: bool) -> ImportError {
    ImportError {
        file: file.to_path_buf(),
        record: format!("{kind}[{i}] (key {key:?})"),
        field: Some("key".into()),
        message: if empty {
            "key is empty".into()
        } else {
            "key is used twice in this file".into()
        },
    }
}

impl Rec<'_> {
    /// A mail address field: "" (none) or one address.
    pub(super) fn mail_address(&self, field: &str, value: &str) -> Result<String, ImportError> {
        let v = value.trim();
        if v.is_empty() || crate::config::is_address(v) {
            Ok(v.to_string())
        } else {
            Err(self.err(
                field,
                format!("{v:?} is not a mail address (name@example.com, or leave it out)"),
            ))
        }
    }

    pub(super) fn err_whole(&self, message: String) -> ImportError {
        ImportError {
            file: self.file.to_path_buf(),
            record: self.name.clone(),
            field: None,
            message,
        }
    }
    pub(super) fn err(&self, field: &str, message: impl Into<String>) -> ImportError {
        ImportError {
            file: self.file.to_path_buf(),
            record: self.name.clone(),
            field: Some(field.into()),
            message: message.into(),
        }
    }
    pub(super) fn key<V: Copy>(&self, keys: &KeyMap<V>, field: &str, kind: &str, key: &str) -> Result<V, ImportError> {
        keys.get(key)
            .ok_or_else(|| self.err(field, format!("no {kind} with key {key:?}")))
    }
    pub(super) fn opt_key<V: Copy>(
        &self,
        keys: &KeyMap<V>,
        field: &str,
        kind: &str,
        key: &Option<String>,
    ) -> Result<Option<V>, ImportError> {
        key.as_deref().map(|k| self.key(keys, field, kind, k)).transpose()
    }
    pub(super) fn instant(&self, field: &str, s: &str) -> Result<i64, ImportError> {
        parse_instant(s).map(|t| t.timestamp()).map_err(|m| self.err(field, m))
    }
    pub(super) fn opt_instant(&self, field: &str, s: &Option<String>) -> Result<Option<i64>, ImportError> {
        s.as_deref().map(|s| self.instant(field, s)).transpose()
    }
    pub(super) fn date(&self, field: &str, s: &Option<String>) -> Result<Option<String>, ImportError> {
        s.as_deref()
            .map(|s| parse_date(s).map(|d| d.to_string()).map_err(|m| self.err(field, m)))
            .transpose()
    }
    pub(super) fn one_of(&self, field: &str, value: &str, allowed: &[&str]) -> Result<(), ImportError> {
        if allowed.contains(&value) {
            Ok(())
        } else {
            Err(self.err(field, format!("{value:?} is not one of {}", allowed.join(", "))))
        }
    }
    pub(super) fn not_negative(&self, field: &str, v: i64) -> Result<(), ImportError> {
        if v < 0 {
            return Err(self.err(field, format!("{v} is negative")));
        }
        Ok(())
    }
}
