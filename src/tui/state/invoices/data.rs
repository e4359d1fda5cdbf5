//! What the Invoices tab exchanges with the store worker: the run's
//! settings, the effects it asks for, and the data that comes back.

use chrono::NaiveDate;
use chrono_tz::Tz;

use crate::domain::billing::Agreement;
use crate::domain::money::Cents;
use crate::store::billing::agreements::{AgreementRow, PrepaidBalance};
use crate::store::billing::ledger::AgingRow;
use crate::store::billing::{Invoice, PaymentMethod, RunSettings};

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
        run: RunSettings,
        at: i64,
    },
    /// The same run, written in one transaction.
    Commit {
        as_of: NaiveDate,
        run: RunSettings,
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
    /// Reverses a payment recorded in error; it stays in the history, void.
    VoidPayment {
        payment: i64,
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
        /// What became of its mail (`invoice send`, `invoice run --send`).
        mail: crate::store::mail::invoices::Mailed,
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
