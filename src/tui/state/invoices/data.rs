//! What the Invoices tab exchanges with the store worker: the run's
//! settings, the effects it asks for, and the data that comes back.

use chrono::NaiveDate;
use chrono_tz::Tz;

use crate::config::Config;
use crate::domain::billing::{Agreement, BillingRules};
use crate::domain::money::Cents;
use crate::store::billing::agreements::{AgreementRow, PrepaidBalance};
use crate::store::billing::ledger::AgingRow;
use crate::store::billing::{Invoice, PaymentMethod, RunSettings};

/// How the invoice run numbers and bills: `[billing]` and the calendar's zone.
#[derive(Debug, Clone, PartialEq)]
pub struct RunConfig {
    pub rules: BillingRules,
    pub tz: Tz,
    pub prefix: String,
    pub digits: usize,
}

impl RunConfig {
    pub fn from_config(config: &Config) -> RunConfig {
        let b = &config.billing;
        RunConfig {
            rules: BillingRules {
                non_contract_rate: Cents(b.non_contract_rate_cents.max(0)),
                non_contract_delay_days: b.non_contract_delay_days,
                labor_increment_minutes: b.labor_increment_minutes,
                months_in_advance: b.months_in_advance,
                prepaid_carry_over: b.prepaid_carry_over,
            },
            tz: config.calendar.timezone.0,
            prefix: b.invoice_prefix.clone(),
            digits: usize::try_from(b.invoice_digits.min(18)).unwrap_or(6),
        }
    }

    pub fn settings(&self) -> RunSettings {
        RunSettings {
            rules: self.rules.clone(),
            tz: self.tz,
            prefix: self.prefix.clone(),
            digits: self.digits,
        }
    }
}

/// Work for the store worker (`worker_invoices.rs`); loads answer
/// `Action::InvoiceData`, writes `Action::Saved` or `Action::SaveRefused`.
#[derive(Debug, Clone, PartialEq)]
pub enum InvoiceEffect {
    /// Every invoice and the aging at `today`.
    Load {
        today: NaiveDate,
    },
    LoadDetail {
        number: String,
    },
    /// Agreements with the prepaid-hours balance of `today`'s month.
    LoadAgreements {
        today: NaiveDate,
        tz: Tz,
        carry_over: bool,
    },
    /// A dry run: what a run as of `as_of` would write.
    Preview {
        as_of: NaiveDate,
        run: RunConfig,
        at: i64,
    },
    /// The same run, written in one transaction.
    Commit {
        as_of: NaiveDate,
        run: RunConfig,
        at: i64,
    },
    Pay {
        number: String,
        amount: Cents,
        method: PaymentMethod,
        date: NaiveDate,
        reference: String,
        at: i64,
    },
    Void {
        number: String,
        reason: String,
        at: i64,
    },
    /// A new agreement (`agreement.id` is ignored; the store checks it).
    AddAgreement {
        agreement: Agreement,
        at: i64,
    },
    /// The agreement's last active day.
    EndAgreement {
        key: String,
        date: NaiveDate,
        at: i64,
    },
    /// The completion of a project product's project.
    CompleteAgreement {
        key: String,
        date: NaiveDate,
        at: i64,
    },
}

/// An agreement with this month's prepaid balance (PREPAID_LABOR only).
#[derive(Debug, Clone, PartialEq)]
pub struct AgreementLine {
    pub row: AgreementRow,
    pub prepaid: Option<PrepaidBalance>,
}

/// Data for the tab, from the worker.
#[derive(Debug, Clone, PartialEq)]
pub enum InvoiceData {
    Listed {
        as_of: NaiveDate,
        invoices: Vec<Invoice>,
        aging: Vec<AgingRow>,
    },
    Detail {
        number: String,
        invoice: Option<Invoice>,
    },
    Agreements {
        month: NaiveDate,
        rows: Vec<AgreementLine>,
    },
    Preview {
        as_of: NaiveDate,
        invoices: Vec<Invoice>,
    },
    /// A load or preview could not be done: the message says why.
    Failed(String),
}
