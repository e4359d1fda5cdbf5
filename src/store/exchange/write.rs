//! Import: every record checked, everything in one `BEGIN IMMEDIATE`.

use std::path::Path;

use rusqlite::{params, Connection, Transaction, TransactionBehavior};

use super::{store_keys, unique_keys, Exchange, ImportError, Keys};
use crate::domain::billing::{self, Agreement, BillingError};
use crate::domain::money::Cents;
use crate::domain::text::{sanitize, sanitize_line};
use crate::domain::ticket::{check_times, Board, Priority, Source, Status, TicketTimes};
use crate::domain::time::{parse_date, parse_instant};
use crate::store::ticket_write::Rules;

const LEVELS: [&str; 6] = ["submitter", "viewer", "company_viewer", "billing", "manager", "admin"];
const ROLES: [&str; 4] = ["technician", "dispatcher", "finance", "admin"];
const PRODUCTS: [&str; 7] = ["SMS", "FITS", "VM", "COLO", "ECHO", "ENTERPRISE_EMAIL", "PREPAID_LABOR"];

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

/// Names one record for error messages.
struct Rec<'a> {
    file: &'a Path,
    name: String,
}

impl Rec<'_> {
    fn err_whole(&self, message: String) -> ImportError {
        ImportError {
            file: self.file.to_path_buf(),
            record: self.name.clone(),
            field: None,
            message,
        }
    }
    fn err(&self, field: &str, message: impl Into<String>) -> ImportError {
        ImportError {
            file: self.file.to_path_buf(),
            record: self.name.clone(),
            field: Some(field.into()),
            message: message.into(),
        }
    }
    fn key(&self, keys: &Keys, field: &str, kind: &str, key: &str) -> Result<i64, ImportError> {
        keys.get(key)
            .copied()
            .ok_or_else(|| self.err(field, format!("no {kind} with key {key:?}")))
    }
    fn opt_key(&self, keys: &Keys, field: &str, kind: &str, key: &Option<String>) -> Result<Option<i64>, ImportError> {
        key.as_deref().map(|k| self.key(keys, field, kind, k)).transpose()
    }
    fn instant(&self, field: &str, s: &str) -> Result<i64, ImportError> {
        parse_instant(s).map(|t| t.timestamp()).map_err(|m| self.err(field, m))
    }
    fn opt_instant(&self, field: &str, s: &Option<String>) -> Result<Option<i64>, ImportError> {
        s.as_deref().map(|s| self.instant(field, s)).transpose()
    }
    fn date(&self, field: &str, s: &Option<String>) -> Result<Option<String>, ImportError> {
        s.as_deref()
            .map(|s| parse_date(s).map(|d| d.to_string()).map_err(|m| self.err(field, m)))
            .transpose()
    }
    fn one_of(&self, field: &str, value: &str, allowed: &[&str]) -> Result<(), ImportError> {
        if allowed.contains(&value) {
            Ok(())
        } else {
            Err(self.err(field, format!("{value:?} is not one of {}", allowed.join(", "))))
        }
    }
    fn not_negative(&self, field: &str, v: i64) -> Result<(), ImportError> {
        if v < 0 {
            return Err(self.err(field, format!("{v} is negative")));
        }
        Ok(())
    }
}

fn rec<'a>(file: &'a Path, kind: &str, i: usize, key: &str) -> Rec<'a> {
    Rec {
        file,
        name: if key.is_empty() {
            format!("{kind}[{i}]")
        } else {
            format!("{kind}[{i}] (key {key:?})")
        },
    }
}

/// Reads an exchange file, each record on its own so a refusal names it.
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
        .map(|(i, v)| {
            let key = v.get("key").and_then(|k| k.as_str()).unwrap_or("").to_string();
            serde_json::from_value(v.clone()).map_err(|e| {
                let at = rec(file, section, i, &key);
                match super::strict::culprit::<T>(&v, &e.to_string()) {
                    Some(field) => at.err(&field, e.to_string()),
                    None => at.err_whole(e.to_string()),
                }
            })
        })
        .collect()
}

/// Loads a parsed exchange file; all or nothing.
pub fn import(
    conn: &mut Connection,
    file: &Path,
    data: &Exchange,
    now: i64,
    rules: &Rules<'_>,
) -> Result<ImportSummary, anyhow::Error> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let summary = load(&tx, file, data, now)?;
    // Deadlines come from the same engine as every other write.
    let mut stmt = tx.prepare("SELECT id FROM tickets WHERE response_due IS NULL")?;
    let ids: Vec<i64> = stmt.query_map([], |r| r.get(0))?.collect::<Result<_, _>>()?;
    drop(stmt);
    for id in ids {
        crate::store::deadlines::store(&tx, id, rules.calendar, rules.policy)?;
    }
    tx.commit()?;
    Ok(summary)
}

fn load(tx: &Transaction<'_>, file: &Path, data: &Exchange, now: i64) -> Result<ImportSummary, anyhow::Error> {
    let mut companies = store_keys(tx, "companies")?;
    for (i, r) in data.companies.iter().enumerate() {
        let at = rec(file, "companies", i, &r.key);
        if companies.contains_key(&r.key) {
            return Err(at.err("key", "a company with this key is already in the store").into());
        }
        let name = sanitize_line(&r.name);
        if name.is_empty() {
            return Err(at.err("name", "name is empty").into());
        }
        tx.execute(
            "INSERT INTO companies (key, name, industry) VALUES (?1, ?2, ?3)",
            params![r.key, name, sanitize_line(&r.industry)],
        )
        .map_err(|e| at.err("name", e.to_string()))?;
        companies.insert(r.key.clone(), tx.last_insert_rowid());
    }
    let mut contacts = store_keys(tx, "contacts")?;
    for (i, r) in data.contacts.iter().enumerate() {
        let at = rec(file, "contacts", i, &r.key);
        let company = at.key(&companies, "company", "company", &r.company)?;
        at.one_of("security_level", &r.security_level, &LEVELS)?;
        tx.execute(
            "INSERT INTO contacts (key, company_id, name, email, phone, security_level) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![r.key, company, sanitize_line(&r.name), sanitize_line(&r.email), sanitize_line(&r.phone), r.security_level],
        )
        .map_err(|e| at.err("key", e.to_string()))?;
        contacts.insert(r.key.clone(), tx.last_insert_rowid());
    }
    let mut techs = store_keys(tx, "technicians")?;
    for (i, r) in data.technicians.iter().enumerate() {
        let at = rec(file, "technicians", i, &r.key);
        at.one_of("role", &r.role, &ROLES)?;
        tx.execute(
            "INSERT INTO technicians (key, login, name, role) VALUES (?1, ?2, ?3, ?4)",
            params![r.key, sanitize_line(&r.login), sanitize_line(&r.name), r.role],
        )
        .map_err(|e| at.err("login", e.to_string()))?;
        techs.insert(r.key.clone(), tx.last_insert_rowid());
    }
    let agreements = load_agreements(tx, file, data, &companies)?;
    let tickets = load_tickets(tx, file, data, &companies, &contacts, &techs, now)?;
    let (entries, notes) = load_work(tx, file, data, &tickets, &techs)?;
    Ok(ImportSummary {
        companies: data.companies.len(),
        contacts: data.contacts.len(),
        technicians: data.technicians.len(),
        agreements,
        tickets: data.tickets.len(),
        time_entries: entries,
        notes,
    })
}

fn load_agreements(
    tx: &Transaction<'_>,
    file: &Path,
    data: &Exchange,
    companies: &Keys,
) -> Result<usize, anyhow::Error> {
    for (i, r) in data.agreements.iter().enumerate() {
        let at = rec(file, "agreements", i, &r.key);
        let company = at.key(companies, "company", "company", &r.company)?;
        at.one_of("product", &r.product, &PRODUCTS)?;
        let executed = at.date("executed", &Some(r.executed.clone()))?;
        let completed = at.date("project_completed", &r.project_completed)?;
        let ended = at.date("ended", &r.ended)?;
        for (f, v) in [
            ("onboarding_fee_cents", r.onboarding_fee_cents),
            ("monthly_cents", r.monthly_cents),
            ("project_fee_cents", r.project_fee_cents),
            ("labor_rate_cents", r.labor_rate_cents),
            ("prepaid_hours_per_month", r.prepaid_hours_per_month),
        ] {
            at.not_negative(f, v)?;
        }
        check_agreement(&at, company, r)?;
        tx.execute(
            "INSERT INTO agreements (key, company_id, product, executed, project_completed, ended, onboarding_fee_cents, monthly_cents, project_fee_cents, labor_rate_cents, prepaid_hours_per_month)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
            params![r.key, company, r.product, executed, completed, ended, r.onboarding_fee_cents, r.monthly_cents, r.project_fee_cents, r.labor_rate_cents, r.prepaid_hours_per_month],
        )
        .map_err(|e| at.err("key", e.to_string()))?;
    }
    Ok(data.agreements.len())
}

/// The billing rules' own check of an agreement (the one the command line
/// and the console go through), on the record as the store would hold it.
fn check_agreement(at: &Rec<'_>, company_id: i64, r: &super::AgreementRec) -> Result<(), ImportError> {
    let date = |field: &str, s: &str| parse_date(s).map_err(|m| at.err(field, m));
    let product = r
        .product
        .parse()
        .map_err(|e: BillingError| at.err("product", e.to_string()))?;
    let hours = u32::try_from(r.prepaid_hours_per_month).map_err(|_| {
        at.err(
            "prepaid_hours_per_month",
            format!("{} is too large", r.prepaid_hours_per_month),
        )
    })?;
    let agreement = Agreement {
        id: 0,
        company_id,
        product,
        executed: date("executed", &r.executed)?,
        project_completed: r
            .project_completed
            .as_deref()
            .map(|d| date("project_completed", d))
            .transpose()?,
        ended: r.ended.as_deref().map(|d| date("ended", d)).transpose()?,
        onboarding_fee: Cents(r.onboarding_fee_cents),
        monthly: Cents(r.monthly_cents),
        project_fee: Cents(r.project_fee_cents),
        labor_rate: Cents(r.labor_rate_cents),
        prepaid_hours_per_month: hours,
    };
    match billing::check_agreement(&agreement) {
        Err(BillingError::InvalidAgreement { field, problem, .. }) => Err(at.err(field, problem)),
        Err(e) => Err(at.err_whole(e.to_string())),
        Ok(()) => Ok(()),
    }
}

#[allow(clippy::too_many_arguments)]
fn load_tickets(
    tx: &Transaction<'_>,
    file: &Path,
    data: &Exchange,
    companies: &Keys,
    contacts: &Keys,
    techs: &Keys,
    now: i64,
) -> Result<Keys, anyhow::Error> {
    let mut tickets = store_keys(tx, "tickets")?;
    for (i, r) in data.tickets.iter().enumerate() {
        let at = rec(file, "tickets", i, &r.key);
        let company = at.key(companies, "company", "company", &r.company)?;
        let contact = at.opt_key(contacts, "contact", "contact", &r.contact)?;
        // The rule the command line and the editor apply, in the same words.
        crate::store::ticket_write::check_contact(tx, company, contact).map_err(|e| match e {
            crate::store::ticket_write::WriteError::Invalid { message, .. } => at.err("contact", message),
            other => at.err("contact", other.to_string()),
        })?;
        let assignee = at.opt_key(techs, "assignee", "technician", &r.assignee)?;
        let priority = u8::try_from(r.priority)
            .ok()
            .and_then(Priority::new)
            .ok_or_else(|| at.err("priority", format!("{} is out of range 1-5", r.priority)))?;
        let status: Status = r
            .status
            .parse()
            .map_err(|e: crate::domain::ticket::UnknownValue| at.err("status", e.to_string()))?;
        let board: Board = r
            .board
            .parse()
            .map_err(|e: crate::domain::ticket::UnknownValue| at.err("board", e.to_string()))?;
        let source: Source = r
            .source
            .parse()
            .map_err(|e: crate::domain::ticket::UnknownValue| at.err("source", e.to_string()))?;
        let opened = at.instant("opened", &r.opened)?;
        let first_response = at.opt_instant("first_response", &r.first_response)?;
        let resolved = at.opt_instant("resolved", &r.resolved)?;
        let scheduled = at.opt_instant("scheduled", &r.scheduled)?;
        let times = TicketTimes {
            status,
            opened,
            first_response,
            resolved,
        };
        check_times(&times).map_err(|p| at.err(p.field, p.message))?;
        if priority.get() == 5 && scheduled.is_none() {
            return Err(at
                .err("scheduled", "a P5 (planned) ticket needs its scheduled time")
                .into());
        }
        let summary = sanitize_line(&r.summary);
        if summary.is_empty() {
            return Err(at.err("summary", "summary is empty").into());
        }
        let description = sanitize(&r.description);
        let paused_since = status.pauses_clock().then_some(now);
        tx.execute(
            "INSERT INTO tickets (key, company_id, contact_id, summary, description, priority, status, board, source, assignee_id, opened, first_response, resolved, scheduled, paused_since, updated)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)",
            params![r.key, company, contact, summary, description, priority.get(), status.as_str(), board.as_str(), source.as_str(), assignee, opened, first_response, resolved, scheduled, paused_since, now],
        )
        .map_err(|e| at.err("key", e.to_string()))?;
        let id = tx.last_insert_rowid();
        if let Some(p) = paused_since {
            tx.execute(
                "INSERT INTO ticket_pauses (ticket_id, start) VALUES (?1, ?2)",
                params![id, p],
            )?;
        }
        tx.execute(
            "INSERT INTO ticket_fts (rowid, summary, description, notes) VALUES (?1, ?2, ?3, '')",
            params![id, summary, description],
        )?;
        tickets.insert(r.key.clone(), id);
    }
    Ok(tickets)
}

fn load_work(
    tx: &Transaction<'_>,
    file: &Path,
    data: &Exchange,
    tickets: &Keys,
    techs: &Keys,
) -> Result<(usize, usize), anyhow::Error> {
    for (i, r) in data.time_entries.iter().enumerate() {
        let at = rec(file, "time_entries", i, "");
        let ticket = at.key(tickets, "ticket", "ticket", &r.ticket)?;
        let tech = at.opt_key(techs, "technician", "technician", &r.technician)?;
        let start = at.instant("start", &r.start)?;
        if r.minutes <= 0 || r.minutes > 24 * 60 {
            return Err(at
                .err("minutes", format!("{} is not between 1 and 1440", r.minutes))
                .into());
        }
        tx.execute(
            "INSERT INTO time_entries (ticket_id, technician_id, start, minutes, billable, note) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![ticket, tech, start, r.minutes, r.billable, sanitize(&r.note)],
        )?;
    }
    for (i, r) in data.notes.iter().enumerate() {
        let at = rec(file, "notes", i, "");
        let ticket = at.key(tickets, "ticket", "ticket", &r.ticket)?;
        let author = at.opt_key(techs, "author", "technician", &r.author)?;
        let created = at.instant("created", &r.created)?;
        let body = sanitize(&r.body);
        tx.execute(
            "INSERT INTO notes (ticket_id, author_id, created, internal, body) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![ticket, author, created, r.internal, body],
        )?;
        tx.execute(
            "UPDATE ticket_fts SET notes = notes || ' ' || ?2 WHERE rowid = ?1",
            params![ticket, body],
        )?;
    }
    Ok((data.time_entries.len(), data.notes.len()))
}
