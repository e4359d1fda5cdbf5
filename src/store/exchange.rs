//! The exchange format of DESIGN.md 5: import (all or nothing, refusing bad
//! records by name) and export (stable keys, so an export re-imports).

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

mod keys;
mod loader;
mod read;
mod rec;
mod run;
mod stream;
mod strict;
mod work;
mod write;

pub use read::{export, ExportError};
pub use run::{import_file, Progress};
use write::record;
pub use write::{import, parse, ImportSummary};

/// A refused import file; nothing was written.
#[derive(Debug, thiserror::Error)]
#[error("import error in {}: {record}{}: {message}; nothing was imported", file.display(), field.as_ref().map(|f| format!(", field `{f}`")).unwrap_or_default())]
pub struct ImportError {
    pub file: PathBuf,
    pub record: String,
    pub field: Option<String>,
    pub message: String,
}

#[derive(Debug, Default, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Exchange {
    #[serde(default)]
    pub companies: Vec<CompanyRec>,
    #[serde(default)]
    pub contacts: Vec<ContactRec>,
    #[serde(default)]
    pub technicians: Vec<TechnicianRec>,
    #[serde(default)]
    pub agreements: Vec<AgreementRec>,
    #[serde(default)]
    pub tickets: Vec<TicketRec>,
    #[serde(default)]
    pub time_entries: Vec<TimeEntryRec>,
    /// pimdesk's addition: ticket notes, so an export keeps them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<NoteRec>,
}

#[derive(Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct CompanyRec {
    pub key: String,
    pub name: String,
    #[serde(default)]
    pub industry: String,
    /// pimdesk's addition: where its invoices go besides its contacts who view invoices.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub billing_email: String,
}

#[derive(Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ContactRec {
    pub key: String,
    pub company: String,
    pub name: String,
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub phone: String,
    pub security_level: String,
}

#[derive(Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct TechnicianRec {
    pub key: String,
    pub name: String,
    pub login: String,
    pub role: String,
    /// pimdesk's addition: where the on-call's pages go.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub pager_email: String,
}

#[derive(Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct AgreementRec {
    pub key: String,
    pub company: String,
    pub product: String,
    pub executed: String,
    #[serde(default)]
    pub project_completed: Option<String>,
    #[serde(default)]
    pub ended: Option<String>,
    pub onboarding_fee_cents: i64,
    pub monthly_cents: i64,
    pub project_fee_cents: i64,
    pub labor_rate_cents: i64,
    pub prepaid_hours_per_month: i64,
}

#[derive(Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct TicketRec {
    pub key: String,
    pub company: String,
    #[serde(default)]
    pub contact: Option<String>,
    pub summary: String,
    #[serde(default)]
    pub description: String,
    pub priority: i64,
    pub status: String,
    pub board: String,
    pub source: String,
    #[serde(default)]
    pub assignee: Option<String>,
    pub opened: String,
    #[serde(default)]
    pub first_response: Option<String>,
    #[serde(default)]
    pub resolved: Option<String>,
    #[serde(default)]
    pub scheduled: Option<String>,
}

#[derive(Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct TimeEntryRec {
    pub ticket: String,
    #[serde(default)]
    pub technician: Option<String>,
    pub start: String,
    pub minutes: i64,
    pub billable: bool,
    #[serde(default)]
    pub note: String,
}

#[derive(Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct NoteRec {
    pub ticket: String,
    #[serde(default)]
    pub author: Option<String>,
    pub created: String,
    pub internal: bool,
    pub body: String,
}

pub(crate) fn unique_keys<'a>(file: &Path, kind: &str, keys: impl Iterator<Item = &'a str>) -> Result<(), ImportError> {
    let mut seen = HashSet::new();
    for (i, k) in keys.enumerate() {
        let empty = k.trim().is_empty();
        if empty || !seen.insert(k) {
            return Err(rec::key_refused(file, kind, i, k, empty));
        }
    }
    Ok(())
}
