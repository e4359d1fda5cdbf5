//! Where mail goes besides a contact's address: a technician's pager (an SMS
//! gateway takes mail; the on-call's pages go there) and a company's
//! billing address (its invoices go there, with its contacts who view
//! invoices). Each change is one audited transaction.

use std::collections::HashMap;

use rusqlite::{params, OptionalExtension};

use crate::store::sql::Sql;

use super::{audit, begin, refused, role_of, DirectoryError};
use crate::store::actor::Actor;

/// Checks an address to set: "" clears it.
fn address(a: &str) -> Result<String, DirectoryError> {
    let a = a.trim();
    if a.is_empty() || crate::config::is_address(a) {
        Ok(a.to_string())
    } else {
        Err(refused(format!(
            "{a:?} is not a mail address (name@example.com; \"\" clears it)"
        )))
    }
}

/// Sets technician `login`'s pager address. A dispatcher or admin may set
/// anyone's; a technician only their own. True when it changed.
pub fn set_pager<'a>(
    conn: &dyn Sql,
    who: impl Into<Actor<'a>>,
    login: &str,
    pager: &str,
    now: i64,
) -> Result<bool, DirectoryError> {
    let pager = address(pager)?;
    let tx = begin(conn)?;
    let who = who.into().id(&tx)?;
    let actor = role_of(&tx, who)?;
    let target: Option<(i64, String)> = tx
        .query_row(
            "SELECT id, pager_email FROM technicians WHERE login = ?1",
            [login.trim()],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    let (id, old) = target.ok_or_else(|| refused(format!("unknown technician {login:?}")))?;
    if id != who && !actor.may_edit_contacts() {
        return Err(refused(format!(
            "only a dispatcher or admin may change another technician's pager; you are a {actor}"
        )));
    }
    let changed = old != pager;
    if changed {
        tx.execute(
            "UPDATE technicians SET pager_email = ?1 WHERE id = ?2",
            params![pager, id],
        )?;
        audit(&tx, ("technician", id), who, now, "pager_email", &old, &pager)?;
    }
    tx.commit()?;
    Ok(changed)
}

/// Sets company `company_id`'s billing address; finance, dispatchers
/// (the concierge desk) and admins. True when it changed.
pub fn set_billing_email<'a>(
    conn: &dyn Sql,
    who: impl Into<Actor<'a>>,
    company_id: i64,
    billing: &str,
    now: i64,
) -> Result<bool, DirectoryError> {
    let billing = address(billing)?;
    let tx = begin(conn)?;
    let who = who.into().id(&tx)?;
    let actor = role_of(&tx, who)?;
    if !actor.may_edit_contacts() && !actor.may_do_finance() {
        return Err(refused(format!(
            "only finance, a dispatcher or an admin may change a company's billing address; you are a {actor}"
        )));
    }
    let old: Option<String> = tx
        .query_row("SELECT billing_email FROM companies WHERE id = ?1", [company_id], |r| {
            r.get(0)
        })
        .optional()?;
    let old = old.ok_or_else(|| refused(format!("no company #{company_id}")))?;
    let changed = old != billing;
    if changed {
        tx.execute(
            "UPDATE companies SET billing_email = ?1 WHERE id = ?2",
            params![billing, company_id],
        )?;
        audit(&tx, ("company", company_id), who, now, "billing_email", &old, &billing)?;
    }
    tx.commit()?;
    Ok(changed)
}

/// Every technician's pager address that is set, by login.
pub fn pagers(conn: &dyn Sql) -> rusqlite::Result<HashMap<String, String>> {
    let mut stmt = conn.prepare_cached("SELECT login, pager_email FROM technicians WHERE pager_email <> ''")?;
    let rows = stmt.query_map((), |r| Ok((r.get(0)?, r.get(1)?)))?;
    rows.collect()
}

/// Every company's billing address that is set, by company id.
pub fn billing_emails(conn: &dyn Sql) -> rusqlite::Result<HashMap<i64, String>> {
    let mut stmt = conn.prepare_cached("SELECT id, billing_email FROM companies WHERE billing_email <> ''")?;
    let rows = stmt.query_map((), |r| Ok((r.get(0)?, r.get(1)?)))?;
    rows.collect()
}
