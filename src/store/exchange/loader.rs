//! Writing an import's records as they are read: each one checked, then
//! inserted by a prepared statement in the caller's transaction. Only key →
//! id maps are kept, to resolve later records' references.

use std::path::Path;

use rusqlite::{params, Connection};

use super::keys::{from_store, KeyMap};
use super::rec::{key_refused, rec, Rec};
use super::{AgreementRec, CompanyRec, ContactRec, ImportError, ImportSummary, TechnicianRec};
use crate::domain::billing::{self, Agreement, BillingError};
use crate::domain::money::Cents;
use crate::domain::text::sanitize_line;
use crate::domain::time::parse_date;
use crate::store::ticket_write::Rules;

const LEVELS: [&str; 6] = ["submitter", "viewer", "company_viewer", "billing", "manager", "admin"];
const ROLES: [&str; 4] = ["technician", "dispatcher", "finance", "admin"];
const PRODUCTS: [&str; 7] = ["SMS", "FITS", "VM", "COLO", "ECHO", "ENTERPRISE_EMAIL", "PREPAID_LABOR"];

/// One kind of record's keys, and the largest id the store held before the
/// import: a key that maps above it was defined by this file.
pub(super) struct Keys<V> {
    pub(super) map: KeyMap<V>,
    pub(super) before: i64,
}

impl<V: Copy> Keys<V> {
    fn load(conn: &Connection, table: &str, owner: &str, row: impl Fn(i64, i64) -> V) -> anyhow::Result<Self> {
        let map = from_store(
            conn,
            &format!("SELECT key, id, {owner} FROM {table} WHERE key IS NOT NULL"),
            row,
        )?;
        let before = conn.query_row(&format!("SELECT coalesce(max(id), 0) FROM {table}"), (), |r| r.get(0))?;
        Ok(Keys { map, before })
    }

    /// Refuses an empty key or one this file gave before (`id` reads a value's row id).
    pub(super) fn check_fresh(
        &self,
        file: &Path,
        kind: &str,
        i: usize,
        key: &str,
        id: impl Fn(V) -> i64,
    ) -> Result<Option<V>, ImportError> {
        if key.trim().is_empty() {
            return Err(key_refused(file, kind, i, key, true));
        }
        match self.map.get(key) {
            Some(v) if id(v) > self.before => Err(key_refused(file, kind, i, key, false)),
            other => Ok(other),
        }
    }
}

/// What an import holds while it writes.
pub(super) struct Loader<'c> {
    pub(super) conn: &'c Connection,
    pub(super) file: &'c Path,
    pub(super) now: i64,
    pub(super) rules: &'c Rules<'c>,
    pub(super) companies: Keys<i64>,
    /// A contact's id and its company's.
    pub(super) contacts: Keys<(i64, i64)>,
    pub(super) technicians: Keys<i64>,
    /// Only this file's agreement keys: nothing refers to an agreement.
    agreements: Keys<i64>,
    pub(super) tickets: Keys<i64>,
    pub(super) summary: ImportSummary,
    /// The statements that catch the search index up once the records are
    /// in (`bulk::search_last`): None until the first ticket or note sets
    /// its triggers aside, so an import of neither leaves the schema as it
    /// was (an empty file writes nothing at all).
    pub(super) search: Option<Vec<String>>,
}

impl<'c> Loader<'c> {
    /// With `search_aside`, the caller has set the search index's triggers
    /// aside already (a fast fill).
    pub(super) fn new(
        conn: &'c Connection,
        file: &'c Path,
        now: i64,
        rules: &'c Rules<'c>,
        search_aside: bool,
    ) -> anyhow::Result<Self> {
        let before: i64 = conn.query_row("SELECT coalesce(max(id), 0) FROM agreements", (), |r| r.get(0))?;
        Ok(Loader {
            conn,
            file,
            now,
            rules,
            companies: Keys::load(conn, "companies", "NULL", |id, _| id)?,
            contacts: Keys::load(conn, "contacts", "company_id", |id, company| (id, company))?,
            technicians: Keys::load(conn, "technicians", "NULL", |id, _| id)?,
            agreements: Keys {
                map: KeyMap::new(),
                before,
            },
            tickets: Keys::load(conn, "tickets", "NULL", |id, _| id)?,
            summary: ImportSummary::default(),
            search: search_aside.then(Vec::new),
        })
    }

    /// Sets the search index's triggers aside before the first ticket or
    /// note: they would write a ticket's row again for each of its notes.
    pub(super) fn search_aside(&mut self) -> rusqlite::Result<()> {
        if self.search.is_none() {
            self.search = Some(crate::store::bulk::search_last(self.conn)?);
        }
        Ok(())
    }

    pub(super) fn company(&mut self, i: usize, r: CompanyRec) -> anyhow::Result<()> {
        let at = rec(self.file, "companies", i, &r.key);
        if self
            .companies
            .check_fresh(self.file, "companies", i, &r.key, |id| id)?
            .is_some()
        {
            return Err(at.err("key", "a company with this key is already in the store").into());
        }
        let name = sanitize_line(&r.name);
        if name.is_empty() {
            return Err(at.err("name", "name is empty").into());
        }
        let billing = at.mail_address("billing_email", &r.billing_email)?;
        self.conn
            .prepare_cached("INSERT INTO companies (key, name, industry, billing_email) VALUES (?1, ?2, ?3, ?4)")?
            .execute(params![r.key, name, sanitize_line(&r.industry), billing])
            .map_err(|e| at.err("name", e.to_string()))?;
        self.companies.map.insert(&r.key, self.conn.last_insert_rowid())?;
        self.summary.companies += 1;
        Ok(())
    }

    pub(super) fn contact(&mut self, i: usize, r: ContactRec) -> anyhow::Result<()> {
        self.contacts
            .check_fresh(self.file, "contacts", i, &r.key, |(id, _)| id)?;
        let at = rec(self.file, "contacts", i, &r.key);
        let company = at.key(&self.companies.map, "company", "company", &r.company)?;
        at.one_of("security_level", &r.security_level, &LEVELS)?;
        self.conn
            .prepare_cached("INSERT INTO contacts (key, company_id, name, email, phone, security_level) VALUES (?1, ?2, ?3, ?4, ?5, ?6)")?
            .execute(params![r.key, company, sanitize_line(&r.name), sanitize_line(&r.email), sanitize_line(&r.phone), r.security_level])
            .map_err(|e| at.err("key", e.to_string()))?;
        self.contacts
            .map
            .insert(&r.key, (self.conn.last_insert_rowid(), company))?;
        self.summary.contacts += 1;
        Ok(())
    }

    pub(super) fn technician(&mut self, i: usize, r: TechnicianRec) -> anyhow::Result<()> {
        self.technicians
            .check_fresh(self.file, "technicians", i, &r.key, |id| id)?;
        let at = rec(self.file, "technicians", i, &r.key);
        at.one_of("role", &r.role, &ROLES)?;
        let pager = at.mail_address("pager_email", &r.pager_email)?;
        self.conn
            .prepare_cached(
                "INSERT INTO technicians (key, login, name, role, pager_email) VALUES (?1, ?2, ?3, ?4, ?5)",
            )?
            .execute(params![
                r.key,
                sanitize_line(&r.login),
                sanitize_line(&r.name),
                r.role,
                pager
            ])
            .map_err(|e| at.err("login", e.to_string()))?;
        self.technicians.map.insert(&r.key, self.conn.last_insert_rowid())?;
        self.summary.technicians += 1;
        Ok(())
    }

    pub(super) fn agreement(&mut self, i: usize, r: AgreementRec) -> anyhow::Result<()> {
        self.agreements
            .check_fresh(self.file, "agreements", i, &r.key, |id| id)?;
        let at = rec(self.file, "agreements", i, &r.key);
        let company = at.key(&self.companies.map, "company", "company", &r.company)?;
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
        check_agreement(&at, company, &r)?;
        self.conn
            .prepare_cached(
                "INSERT INTO agreements (key, company_id, product, executed, project_completed, ended, onboarding_fee_cents, monthly_cents, project_fee_cents, labor_rate_cents, prepaid_hours_per_month)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
            )?
            .execute(params![r.key, company, r.product, executed, completed, ended, r.onboarding_fee_cents, r.monthly_cents, r.project_fee_cents, r.labor_rate_cents, r.prepaid_hours_per_month])
            .map_err(|e| at.err("key", e.to_string()))?;
        self.agreements.map.insert(&r.key, self.conn.last_insert_rowid())?;
        self.summary.agreements += 1;
        Ok(())
    }
}

/// The billing rules' own check of an agreement (the one the command line
/// and the console go through), on the record as the store would hold it.
fn check_agreement(at: &Rec<'_>, company_id: i64, r: &AgreementRec) -> Result<(), ImportError> {
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
