//! What an invoice run reads, company by company: the time entries still to
//! bill (a partial index holds only those, kept by the store's triggers), the
//! billed entries that share a prepaid block's months with them, and the
//! billed charges those entries and the agreements need. So a run costs what
//! is unbilled, not the history.
//!
//! Why that is all the rules need (`domain::billing`): an entry without a
//! prepaid block is priced by the agreements active on its day alone. An
//! entry of a block draws on its month's allowance after the billed draws of
//! that month, so the billed entries of the months from the company's oldest
//! unbilled entry on are read too; with `prepaid_carry_over` a month may draw
//! on every earlier month, so a block company's whole history is read.

use std::collections::{BTreeMap, HashMap};

use chrono::{Days, NaiveDate, NaiveTime};
use chrono_tz::Tz;
use rusqlite::params;

use crate::store::sql::{Row, Sql};

use super::{bad_column, load_agreements, local, opt_date_col, Result};
use crate::domain::billing::{month_start, Agreement, Billed, BilledItem, ItemKey, LaborEntry, Product};
use crate::domain::money::Cents;

/// The columns [`entry_row`] reads.
pub const ENTRY_COLUMNS: &str = "te.id, te.ticket_id, t.company_id, te.start, te.minutes, \
     CASE WHEN t.status IN ('Resolved','Closed') THEN t.resolved END";

/// One billable entry from a row of [`ENTRY_COLUMNS`].
pub(super) fn entry_row(r: &Row<'_>, tz: Tz) -> rusqlite::Result<LaborEntry> {
    let minutes: i64 = r.get(4)?;
    Ok(LaborEntry {
        id: r.get(0)?,
        ticket_id: r.get(1)?,
        company_id: r.get(2)?,
        start: local(r.get(3)?, tz),
        minutes: u32::try_from(minutes).map_err(|e| bad_column(4, e))?,
        billable: true,
        ticket_completed: r.get::<_, Option<i64>>(5)?.map(|s| local(s, tz).date()),
    })
}

/// A UTC instant no local time of `day`'s end can be after (zones are
/// within a day of UTC): the index bound; the exact local-day test follows.
pub(super) fn utc_after(day: NaiveDate) -> i64 {
    day.checked_add_days(Days::new(2))
        .map_or(i64::MAX, |d| d.and_time(NaiveTime::MIN).and_utc().timestamp())
}

/// A UTC instant before every local time of `day`.
fn utc_before(day: NaiveDate) -> i64 {
    day.checked_sub_days(Days::new(2))
        .map_or(i64::MIN, |d| d.and_time(NaiveTime::MIN).and_utc().timestamp())
}

/// One company's part of the books, as the rules need it for a run.
#[derive(Debug, Default)]
pub struct CompanyBooks {
    pub agreements: Vec<Agreement>,
    /// Unbilled entries, and the billed ones of its prepaid months.
    pub entries: Vec<LaborEntry>,
    pub billed: Billed,
}

/// Every company with something a run at `as_of` may bill, in id order.
pub fn load(conn: &dyn Sql, tz: Tz, carry_over: bool, as_of: NaiveDate) -> Result<BTreeMap<i64, CompanyBooks>> {
    let mut books: BTreeMap<i64, CompanyBooks> = BTreeMap::new();
    let mut company_of_agreement = HashMap::new();
    for a in load_agreements(conn, None)? {
        company_of_agreement.insert(a.id, a.company_id);
        books.entry(a.company_id).or_default().agreements.push(a);
    }
    for entry in unbilled_entries(conn, tz, as_of)? {
        books.entry(entry.company_id).or_default().entries.push(entry);
    }
    for (company, b) in &mut books {
        let has_block = b.agreements.iter().any(is_block);
        if let (true, Some(oldest)) = (has_block, b.entries.iter().map(|e| e.start.date()).min()) {
            let from = (!carry_over).then(|| month_start(oldest));
            let billed = billed_entries(conn, tz, *company, from, as_of)?;
            for entry in &billed {
                labor_keys(conn, entry.id, &mut b.billed)?;
            }
            b.entries.extend(billed);
        }
    }
    for (key, item) in charges_billed(conn)? {
        let agreement = match key {
            ItemKey::Onboarding { agreement }
            | ItemKey::Project { agreement }
            | ItemKey::Recurring { agreement, .. }
            | ItemKey::RecurringRest { agreement, .. } => agreement,
            ItemKey::Labor { .. } | ItemKey::PrepaidLabor { .. } => continue,
        };
        if let Some(b) = company_of_agreement.get(&agreement).and_then(|c| books.get_mut(c)) {
            b.billed.insert(key, item);
        }
    }
    Ok(books)
}

fn is_block(a: &Agreement) -> bool {
    a.product == Product::PrepaidLabor && a.prepaid_hours_per_month > 0
}

/// Billable entries with no billed charge, started on or before `as_of`
/// (local), through the partial index `time_entries_unbilled`.
fn unbilled_entries(conn: &dyn Sql, tz: Tz, as_of: NaiveDate) -> Result<Vec<LaborEntry>> {
    let sql = format!(
        "SELECT {ENTRY_COLUMNS} FROM time_entries te JOIN tickets t ON t.id = te.ticket_id
         WHERE te.billable <> 0 AND te.billed = 0 AND te.start < ?1"
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map([utc_after(as_of)], |r| entry_row(r, tz))?;
    let mut out = Vec::new();
    for entry in rows {
        let entry = entry?;
        if entry.start.date() <= as_of {
            out.push(entry);
        }
    }
    Ok(out)
}

/// One company's billed billable entries of the months from `from` (all of
/// them when `None`) to `as_of`.
fn billed_entries(
    conn: &dyn Sql,
    tz: Tz,
    company: i64,
    from: Option<NaiveDate>,
    as_of: NaiveDate,
) -> Result<Vec<LaborEntry>> {
    let mut stmt = match from {
        // A few months of every company, by the entries' start.
        Some(_) => conn.prepare_cached(&format!(
            "SELECT {ENTRY_COLUMNS} FROM time_entries te JOIN tickets t ON t.id = te.ticket_id
             WHERE te.billable <> 0 AND te.billed <> 0 AND te.start >= ?1 AND te.start < ?2 AND t.company_id = ?3"
        ))?,
        // The company's whole history, by its tickets.
        None => conn.prepare_cached(&format!(
            "SELECT {ENTRY_COLUMNS} FROM tickets t JOIN time_entries te ON te.ticket_id = t.id
             WHERE t.company_id = ?3 AND te.billable <> 0 AND te.billed <> 0 AND te.start >= ?1 AND te.start < ?2"
        ))?,
    };
    let lower = from.map_or(i64::MIN, utc_before);
    let rows = stmt.query_map(params![lower, utc_after(as_of), company], |r| entry_row(r, tz))?;
    let mut out = Vec::new();
    for entry in rows {
        let entry = entry?;
        let day = entry.start.date();
        if day <= as_of && from.is_none_or(|f| day >= f) {
            out.push(entry);
        }
    }
    Ok(out)
}

/// Adds the entry's billed labor and prepaid draw, with their minutes.
fn labor_keys(conn: &dyn Sql, entry: i64, into: &mut Billed) -> Result<()> {
    let keys = [ItemKey::Labor { entry }, ItemKey::PrepaidLabor { entry }];
    let mut stmt = conn.prepare_cached("SELECT minutes FROM billed_items WHERE item_key = ?1")?;
    for key in keys {
        let minutes: Option<Option<u32>> =
            stmt.query_row([key.encode()], |r| r.get(0))
                .map(Some)
                .or_else(|e| match e {
                    rusqlite::Error::QueryReturnedNoRows => Ok(None),
                    e => Err(e),
                })?;
        if let Some(minutes) = minutes {
            let item = BilledItem {
                minutes,
                ..BilledItem::default()
            };
            into.insert(key, item);
        }
    }
    Ok(())
}

/// Every billed fee and monthly charge (not labor), with what a monthly
/// charge's line billed and its last day (what a moved end date still owes).
fn charges_billed(conn: &dyn Sql) -> Result<Vec<(ItemKey, BilledItem)>> {
    // Key ranges: `onboarding:…`, `project:…`, and `recurring:…` with
    // `recurring_rest:…`; the labor keys between them are not read.
    let mut stmt = conn.prepare_cached(
        "SELECT b.item_key, b.minutes, 0, NULL FROM billed_items b
          WHERE (b.item_key >= 'onboarding:' AND b.item_key < 'onboarding;')
             OR (b.item_key >= 'project:' AND b.item_key < 'project;')
         UNION ALL
         SELECT b.item_key, b.minutes, l.amount_cents, l.period_end
           FROM billed_items b JOIN invoice_lines l ON l.id = b.line_id
          WHERE b.item_key >= 'recurring' AND b.item_key < 'recurrinh'",
    )?;
    let rows = stmt.query_map((), |r| {
        let key: String = r.get(0)?;
        let key = ItemKey::decode(&key).ok_or_else(|| bad_column(0, format!("bad billed item key {key:?}")))?;
        let item = BilledItem {
            minutes: r.get(1)?,
            amount: Cents(r.get(2)?),
            period_end: opt_date_col(r, 3)?,
        };
        Ok((key, item))
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
