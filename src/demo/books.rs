//! Demo books: monthly invoice runs over the last two years through the real
//! billing engine, and payments by the guide's five methods — most invoices
//! paid, recent ones open, a few paid in part — so the Invoices tab and its
//! aging chart have something true to show.

use chrono::{DateTime, Datelike, Months, NaiveDate, Utc};
use rand::Rng;
use rand_chacha::ChaCha8Rng;
use rusqlite::Connection;

use crate::config::Config;
use crate::domain::money::Cents;
use crate::store::billing::ledger::{self, NewPayment};
use crate::store::billing::run::{run, RunSettings};
use crate::store::billing::PaymentMethod;

/// Bills each month's first day for the last 24 months, then pays.
pub(crate) fn generate(
    conn: &mut Connection,
    config: &Config,
    rng: &mut ChaCha8Rng,
    now: DateTime<Utc>,
) -> anyhow::Result<usize> {
    let settings = RunSettings::from_config(config);
    let who = crate::store::demo_rows::first_biller(conn)?;
    let today = now.with_timezone(&config.calendar.timezone.0).date_naive();
    let this_month = NaiveDate::from_ymd_opt(today.year(), today.month(), 1).unwrap_or(today);
    for back in (0..24u32).rev() {
        let as_of = this_month.checked_sub_months(Months::new(back)).unwrap_or(this_month);
        run(conn, &settings, as_of, false, who, now.timestamp())?;
    }
    let invoices = ledger::list(conn)?;
    for inv in &invoices {
        let age = (today - inv.date).num_days();
        // Older invoices are almost all paid; this month's mostly still open.
        let roll = rng.random_range(0..100);
        let share = match (age, roll) {
            (61.., 0) => 0,
            (61.., _) => 100,
            (31..=60, 0..=9) => 0,
            (31..=60, 10..=19) => 50,
            (31..=60, _) => 100,
            (4..=30, 0..=39) => 0,
            (4..=30, 40..=49) => 40,
            (4..=30, _) => 100,
            _ => 0,
        };
        if share == 0 || inv.total.0 == 0 {
            continue;
        }
        let method = PaymentMethod::ALL[rng.random_range(0..PaymentMethod::ALL.len())];
        let paid_on = (inv.date + chrono::Duration::days(rng.random_range(2..25))).min(today);
        let p = NewPayment {
            amount: Cents(inv.total.0 * share / 100),
            method,
            date: paid_on,
            reference: format!(
                "{}-{}",
                method
                    .label()
                    .chars()
                    .filter(|c| c.is_alphanumeric())
                    .collect::<String>()
                    .to_uppercase(),
                10_000 + inv.id
            ),
        };
        ledger::add_payment(conn, &inv.number, &p, who, now.timestamp())?;
    }
    Ok(invoices.len())
}
