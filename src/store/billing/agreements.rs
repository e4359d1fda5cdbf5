//! Agreements: create, end, record project completion, list with the
//! month's prepaid-hours balance. Each write is one transaction with audit.

use chrono::NaiveDate;
use rusqlite::params;

use crate::store::sql::{Mode, Row, Sql};

use super::{agreement_row, audit, date_text, refused, Result};
pub use crate::domain::billing::PrepaidBalance;
use crate::domain::billing::{check_agreement, month_end, month_start, Agreement, Billed, BilledItem, ItemKey};

/// An agreement with its key and company name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AgreementRow {
    pub key: String,
    pub company: String,
    pub agreement: Agreement,
}

const SELECT: &str = "SELECT a.id, a.company_id, a.product, a.executed, a.project_completed, a.ended,
        a.onboarding_fee_cents, a.monthly_cents, a.project_fee_cents, a.labor_rate_cents,
        a.prepaid_hours_per_month, a.key, c.name
    FROM agreements a JOIN companies c ON c.id = a.company_id";

fn row(r: &Row<'_>) -> rusqlite::Result<AgreementRow> {
    Ok(AgreementRow {
        agreement: agreement_row(r)?,
        key: r.get(11)?,
        company: r.get(12)?,
    })
}

/// Every agreement (or one company's), by company name then execution.
pub fn list(conn: &dyn Sql, company_id: Option<i64>) -> Result<Vec<AgreementRow>> {
    let sql =
        format!("{SELECT} WHERE CAST(?1 AS BIGINT) IS NULL OR a.company_id = ?1 ORDER BY c.name, a.executed, a.id");
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map([company_id], row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// One agreement by key.
pub fn find(conn: &dyn Sql, key: &str) -> Result<Option<AgreementRow>> {
    let sql = format!("{SELECT} WHERE a.key = ?1");
    Ok(conn.query_opt(&sql, [&key.trim()], row)?)
}

/// Creates an agreement (its `id` is ignored) after the domain's checks;
/// returns its new key, `{company key}-{product}-{executed}` (plus `-2`, `-3`
/// if taken).
pub fn add(conn: &dyn Sql, a: &Agreement, who: i64, now: i64) -> Result<String> {
    if let Err(e) = check_agreement(a) {
        return refused(without_id(e.to_string()));
    }
    let tx = conn.begin(Mode::Write)?;
    super::require_finance(&tx, who, "adding an agreement")?;
    let company_key: String = tx
        .query_opt("SELECT key FROM companies WHERE id = ?1", [&a.company_id], |r| r.get(0))?
        .ok_or_else(|| super::BillingStoreError::Refused(format!("no company #{}", a.company_id)))?;
    let base = format!(
        "{company_key}-{}-{}",
        a.product.as_str().to_ascii_lowercase().replace('_', "-"),
        date_text(a.executed)
    );
    let key = free_key(&tx, &base)?;
    let id = tx.insert(
        "INSERT INTO agreements (key, company_id, product, executed, project_completed, ended, onboarding_fee_cents,
                                 monthly_cents, project_fee_cents, labor_rate_cents, prepaid_hours_per_month)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
        params![
            key,
            a.company_id,
            a.product.as_str(),
            date_text(a.executed),
            a.project_completed.map(date_text),
            a.ended.map(date_text),
            a.onboarding_fee.0,
            a.monthly.0,
            a.project_fee.0,
            a.labor_rate.0,
            a.prepaid_hours_per_month
        ],
    )?;
    audit(&tx, "agreement", id, who, now, "created", None, Some(&key))?;
    tx.commit()?;
    Ok(key)
}

fn free_key(conn: &dyn Sql, base: &str) -> Result<String> {
    let taken = |k: &str| -> rusqlite::Result<bool> {
        conn.query_row("SELECT count(*) FROM agreements WHERE key = ?1", [&k], |r| {
            r.get::<_, i64>(0)
        })
        .map(|n| n > 0)
    };
    let mut key = base.to_string();
    let mut n = 1;
    while taken(&key)? {
        n += 1;
        key = format!("{base}-{n}");
    }
    Ok(key)
}

/// "agreement 0: ends before …" → "the agreement ends before …".
fn without_id(message: String) -> String {
    match message.split_once(": ") {
        Some((_, rest)) => format!("the agreement: {rest}"),
        None => message,
    }
}

/// What ending an agreement left for a person to settle by hand.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct EndOutcome {
    /// Service months already billed that reach past the new end date
    /// (billed months stay billed; no credit is issued automatically).
    pub billed_beyond: Vec<NaiveDate>,
    /// Service months billed for fewer days than are now active: the next
    /// invoice run bills the rest of each.
    pub rest_owed: Vec<NaiveDate>,
}

/// The agreement after a change still passes the billing rules' checks;
/// the refusal names it by its key.
fn still_valid(a: &Agreement, key: &str) -> Result<()> {
    match check_agreement(a) {
        Ok(()) => Ok(()),
        Err(e) => refused(format!(
            "agreement {key}{}",
            e.to_string().split_once(':').map_or("", |p| p.1)
        )),
    }
}

/// Writes one of an agreement's dates (`ended`, `project_completed`) and
/// audits the change, old value and new.
fn set_date(
    tx: &dyn Sql,
    id: i64,
    column: &'static str,
    old: Option<NaiveDate>,
    date: NaiveDate,
    (who, now): (i64, i64),
) -> Result<()> {
    tx.execute(
        &format!("UPDATE agreements SET {column} = ?2 WHERE id = ?1"),
        params![id, date_text(date)],
    )?;
    let old = old.map(date_text);
    audit(
        tx,
        "agreement",
        id,
        who,
        now,
        column,
        old.as_deref(),
        Some(&date_text(date)),
    )?;
    Ok(())
}

/// Sets (or moves) the last active day of an agreement.
pub fn end(conn: &dyn Sql, key: &str, date: NaiveDate, who: i64, now: i64) -> Result<EndOutcome> {
    let tx = conn.begin(Mode::Write)?;
    super::require_finance(&tx, who, "ending an agreement")?;
    let found = find(&tx, key)?.ok_or_else(|| unknown(key))?;
    let mut a = found.agreement.clone();
    let old = a.ended;
    a.ended = Some(date);
    still_valid(&a, key)?;
    set_date(&tx, a.id, "ended", old, date, (who, now))?;
    let through = billed_through(&tx, a.id)?;
    let billed_beyond = through.iter().filter(|(_, t)| *t > date).map(|(m, _)| *m).collect();
    let rest_owed = through
        .iter()
        .filter(|(m, t)| *t < date.min(month_end(*m)))
        .map(|(m, _)| *m)
        .collect();
    tx.commit()?;
    Ok(EndOutcome {
        billed_beyond,
        rest_owed,
    })
}

/// Each billed service month of an agreement with the last day its billed
/// lines cover (its own charge and any rest billed since), by month.
fn billed_through(conn: &dyn Sql, id: i64) -> Result<Vec<(NaiveDate, NaiveDate)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT b.item_key, l.period_end FROM billed_items b JOIN invoice_lines l ON l.id = b.line_id
         WHERE (b.item_key >= ?1 AND b.item_key < ?2) OR (b.item_key >= ?3 AND b.item_key < ?4)",
    )?;
    let ranges = [
        format!("recurring:{id}:"),
        format!("recurring:{id};"),
        format!("recurring_rest:{id}:"),
        format!("recurring_rest:{id};"),
    ];
    let rows = stmt.query_map(ranges, |r| Ok((r.get::<_, String>(0)?, super::opt_date_col(r, 1)?)))?;
    let mut by_month: std::collections::BTreeMap<NaiveDate, NaiveDate> = std::collections::BTreeMap::new();
    for row in rows {
        let (key, end) = row?;
        let month = match ItemKey::decode(&key) {
            Some(ItemKey::Recurring { service_month, .. }) => service_month,
            Some(ItemKey::RecurringRest { from, .. }) => month_start(from),
            _ => continue,
        };
        let end = end.unwrap_or(month_end(month));
        let t = by_month.entry(month).or_insert(end);
        *t = (*t).max(end);
    }
    Ok(by_month.into_iter().collect())
}

/// Records the completion of a project product's project (VM, COLO, ECHO,
/// ENTERPRISE_EMAIL). Moving a completion date is refused once anything it
/// started (project fee, monthly charges) has been billed.
pub fn complete(conn: &dyn Sql, key: &str, date: NaiveDate, who: i64, now: i64) -> Result<()> {
    let tx = conn.begin(Mode::Write)?;
    super::require_finance(&tx, who, "completing a project")?;
    let found = find(&tx, key)?.ok_or_else(|| unknown(key))?;
    let mut a = found.agreement.clone();
    let old = a.project_completed;
    if old.is_some() && (project_billed(&tx, a.id)? || !billed_months(&tx, a.id)?.is_empty()) {
        return refused(format!(
            "agreement {key}'s completion ({}) has already been billed; void those invoices first to change it",
            old.map(date_text).unwrap_or_default()
        ));
    }
    a.project_completed = Some(date);
    still_valid(&a, key)?;
    set_date(&tx, a.id, "project_completed", old, date, (who, now))?;
    tx.commit()?;
    Ok(())
}

fn unknown(key: &str) -> super::BillingStoreError {
    super::BillingStoreError::Refused(format!("no agreement {key:?} (see pimdesk agreement list)"))
}

/// Service months of an agreement already billed.
fn billed_months(conn: &dyn Sql, id: i64) -> Result<Vec<NaiveDate>> {
    let mut stmt = conn.prepare_cached("SELECT item_key FROM billed_items WHERE item_key >= ?1 AND item_key < ?2")?;
    let (lo, hi) = (format!("recurring:{id}:"), format!("recurring:{id};"));
    let keys = stmt.query_map([lo, hi], |r| r.get::<_, String>(0))?;
    let mut out = Vec::new();
    for key in keys {
        if let Some(ItemKey::Recurring { service_month, .. }) = ItemKey::decode(&key?) {
            out.push(service_month);
        }
    }
    Ok(out)
}

fn project_billed(conn: &dyn Sql, id: i64) -> Result<bool> {
    let key = ItemKey::Project { agreement: id }.encode();
    let n: i64 = conn.query_row("SELECT count(*) FROM billed_items WHERE item_key = ?1", [&key], |r| {
        r.get(0)
    })?;
    Ok(n > 0)
}

/// The balance of each PREPAID_LABOR agreement of one company in the month
/// of `today`, priced as the invoice run prices it (billed draws are final):
/// prepaid minutes used never exceed the allowance; the rest is overage.
pub fn prepaid_balances(
    conn: &dyn Sql,
    tz: chrono_tz::Tz,
    company_id: i64,
    today: NaiveDate,
    carry_over: bool,
) -> Result<Vec<(i64, PrepaidBalance)>> {
    let all = super::load_agreements(conn, Some(company_id))?;
    let entries = super::load_entries(conn, tz, Some(company_id), Some(month_end(today)))?;
    let billed = billed_labor(conn, company_id)?;
    Ok(crate::domain::billing::prepaid_balances(
        carry_over, &all, &entries, &billed, today,
    ))
}

/// The billed labor and prepaid draws of one company's time entries.
fn billed_labor(conn: &dyn Sql, company_id: i64) -> Result<Billed> {
    let mut stmt = conn.prepare_cached(
        "SELECT b.item_key, b.minutes FROM tickets t JOIN time_entries te ON te.ticket_id = t.id
         JOIN billed_items b ON b.item_key IN ('labor:' || te.id, 'prepaid_labor:' || te.id)
         WHERE t.company_id = ?1",
    )?;
    let rows = stmt.query_map([company_id], |r| {
        Ok((r.get::<_, String>(0)?, r.get::<_, Option<u32>>(1)?))
    })?;
    let mut out = Billed::default();
    for row in rows {
        let (key, minutes) = row?;
        if let Some(key) = ItemKey::decode(&key) {
            let item = BilledItem {
                minutes,
                ..BilledItem::default()
            };
            out.insert(key, item);
        }
    }
    Ok(out)
}
