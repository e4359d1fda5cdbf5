//! Import of an exchange file already in memory (a library caller's
//! [`Exchange`]), through the same streaming loader as a file, and the
//! strict reading of one record that both use.

use std::path::Path;

use rusqlite::Connection;

use super::rec::rec;
use super::{unique_keys, Exchange, ImportError};
use crate::store::ticket_write::Rules;

/// Counts of what one import wrote.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct ImportSummary {
    pub companies: usize,
    pub contacts: usize,
    pub technicians: usize,
    pub agreements: usize,
    pub tickets: usize,
    pub time_entries: usize,
    pub notes: usize,
}

/// Reads an exchange file whole, each record on its own so a refusal names it.
pub fn parse(file: &Path, text: &str) -> Result<Exchange, ImportError> {
    let whole = super::strict::parse(text).map_err(|e| match e {
        Ok((record, field)) => ImportError {
            file: file.to_path_buf(),
            record,
            field: Some(field),
            message: "this field is given twice in one object; give it once".into(),
        },
        Err(e) => ImportError {
            file: file.to_path_buf(),
            record: format!("line {} column {}", e.line(), e.column()),
            field: None,
            message: e.to_string(),
        },
    })?;
    let serde_json::Value::Object(top) = whole else {
        return Err(ImportError {
            file: file.to_path_buf(),
            record: "the file".into(),
            field: None,
            message: "expected a JSON object with companies, contacts, technicians, agreements, tickets, time_entries"
                .into(),
        });
    };
    let mut data = Exchange::default();
    for (section, value) in top {
        let serde_json::Value::Array(items) = value else {
            return Err(ImportError {
                file: file.to_path_buf(),
                record: section,
                field: None,
                message: "expected a list of records".into(),
            });
        };
        match section.as_str() {
            "companies" => data.companies = records(file, &section, items)?,
            "contacts" => data.contacts = records(file, &section, items)?,
            "technicians" => data.technicians = records(file, &section, items)?,
            "agreements" => data.agreements = records(file, &section, items)?,
            "tickets" => data.tickets = records(file, &section, items)?,
            "time_entries" => data.time_entries = records(file, &section, items)?,
            "notes" => data.notes = records(file, &section, items)?,
            other => {
                return Err(ImportError { file: file.to_path_buf(), record: format!("section {other:?}"), field: None, message: "unknown section; expected companies, contacts, technicians, agreements, tickets, time_entries, notes".into() })
            }
        }
    }
    unique_keys(file, "companies", data.companies.iter().map(|r| r.key.as_str()))?;
    unique_keys(file, "contacts", data.contacts.iter().map(|r| r.key.as_str()))?;
    unique_keys(file, "technicians", data.technicians.iter().map(|r| r.key.as_str()))?;
    unique_keys(file, "agreements", data.agreements.iter().map(|r| r.key.as_str()))?;
    unique_keys(file, "tickets", data.tickets.iter().map(|r| r.key.as_str()))?;
    Ok(data)
}

fn records<T: serde::de::DeserializeOwned>(
    file: &Path,
    section: &str,
    items: Vec<serde_json::Value>,
) -> Result<Vec<T>, ImportError> {
    items
        .into_iter()
        .enumerate()
        .map(|(i, v)| record(file, section, i, v))
        .collect()
}

/// One record of `section` as `T`; a value `T` cannot take is refused naming
/// the record (`tickets[3] (key "t4")`) and, where it can tell, the field.
pub(super) fn record<T: serde::de::DeserializeOwned>(
    file: &Path,
    section: &str,
    i: usize,
    v: serde_json::Value,
) -> Result<T, ImportError> {
    if let Ok(r) = T::deserialize(&v) {
        return Ok(r);
    }
    // Refused: the owned reading gives the message (and finds the field).
    let e = match serde_json::from_value::<T>(v.clone()) {
        Ok(r) => return Ok(r),
        Err(e) => e,
    };
    let key = v.get("key").and_then(|k| k.as_str()).unwrap_or("");
    let at = rec(file, section, i, key);
    Err(match super::strict::culprit::<T>(&v, &e.to_string()) {
        Some(field) => at.err(&field, e.to_string()),
        None => at.err_whole(e.to_string()),
    })
}

/// Loads a parsed exchange file; all or nothing. The records are written
/// as an exchange file would give them, by the loader every import uses.
pub fn import(
    conn: &mut Connection,
    file: &Path,
    data: &Exchange,
    now: i64,
    rules: &Rules<'_>,
) -> Result<ImportSummary, anyhow::Error> {
    let bytes = serde_json::to_vec(data)?;
    super::run::import_bytes(conn, file, &bytes, now, rules)
}
