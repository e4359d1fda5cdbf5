//! The Invoices tab (DESIGN.md 2 and 3.3): invoices with status and balance,
//! an invoice's detail, payment entry, voids, the aging chart, the invoice-run
//! preview and agreements with this month's prepaid hours. Finance writes
//! need the finance or admin role; anyone may look and preview.

mod agreement_forms;
mod data;
mod forms;

use chrono::NaiveDate;

pub use self::agreement_forms::{AgreementDateForm, AgreementForm, DateChange, AGREEMENT_FIELDS};
pub use self::data::{AgreementLine, InvoiceData, InvoiceEffect};
pub use self::forms::{Form, PaymentForm, PaymentVoidForm, RunForm, VoidForm, PAYMENT_FIELDS};
use super::lists::Cursor;
use super::AppState;
use crate::config::Config;
use crate::domain::billing::LineKind;
use crate::domain::money::Cents;
use crate::domain::permissions::{refusal, Duty};
use crate::store::billing::ledger::{AgingRow, Bucket};
use crate::store::billing::Invoice;
pub use crate::store::billing::RunSettings;
use crate::tui::action::{Action, Effect};
use crate::tui::state::message::Message;

/// The Invoices tab's keys (`[keys.invoices]`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InvoiceKey {
    Pay,
    Void,
    /// Reverse a payment recorded in error (in an invoice's detail).
    VoidPayment,
    Aging,
    Run,
    Agreements,
    NewAgreement,
    EndAgreement,
    CompleteAgreement,
}

/// One aging bucket: invoices and the balance owed in it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BucketSum {
    pub bucket: Bucket,
    pub invoices: usize,
    pub balance: Cents,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Aging {
    pub as_of: Option<NaiveDate>,
    pub buckets: Vec<BucketSum>,
    pub total: Cents,
}

impl Aging {
    fn from_rows(as_of: NaiveDate, rows: &[AgingRow]) -> Aging {
        let buckets: Vec<BucketSum> = Bucket::ALL
            .iter()
            .map(|&bucket| {
                let of = rows.iter().filter(|r| r.bucket == bucket);
                BucketSum {
                    bucket,
                    invoices: of.clone().count(),
                    balance: of.map(|r| r.balance).sum(),
                }
            })
            .collect();
        Aging {
            as_of: Some(as_of),
            total: buckets.iter().map(|b| b.balance).sum(),
            buckets,
        }
    }
}

/// An open invoice (Enter on a row).
#[derive(Debug, Clone, Default)]
pub struct Detail {
    pub number: String,
    pub invoice: Option<Box<Invoice>>,
    /// Indices into the invoice's lines, grouped by kind in `LineKind::ALL` order.
    pub order: Vec<usize>,
    pub missing: bool,
    pub scroll: u16,
    /// When it was mailed and to whom, or why its mail failed.
    pub mail: crate::store::mail::invoices::Mailed,
}

/// The agreements sub-view.
#[derive(Debug, Clone, Default)]
pub struct AgreementsView {
    pub month: Option<NaiveDate>,
    pub rows: Vec<AgreementLine>,
    pub loaded: bool,
    /// Index into `rows`: the agreement (and company) the keys act on.
    pub selected: usize,
}

impl AgreementsView {
    fn move_by(&mut self, n: i64) {
        let last = self.rows.len().saturating_sub(1) as i64;
        self.selected = (self.selected as i64 + n).clamp(0, last) as usize;
    }

    /// New rows, keeping the selected agreement where it still is.
    fn arrived(&mut self, month: NaiveDate, rows: Vec<AgreementLine>) {
        let keep = self.rows.get(self.selected).map(|l| l.row.key.clone());
        self.month = Some(month);
        self.rows = rows;
        self.loaded = true;
        let at = keep.and_then(|k| self.rows.iter().position(|l| l.row.key == k));
        self.selected = at.unwrap_or(self.selected);
        self.move_by(0);
    }
}

#[derive(Debug)]
pub struct InvoicesState {
    /// Newest first, without lines.
    pub list: Vec<Invoice>,
    pub cursor: Cursor,
    pub loaded: bool,
    /// What is owed on invoices that are not void.
    pub open_balance: Cents,
    pub aging: Aging,
    pub show_aging: bool,
    pub detail: Option<Detail>,
    pub agreements: Option<AgreementsView>,
    pub form: Option<Form>,
    /// A write is on its way to the store; its answer goes to this tab.
    pub saving: bool,
    pub run: RunSettings,
    pub carry_over: bool,
}

impl InvoicesState {
    pub fn new(config: &Config) -> InvoicesState {
        InvoicesState {
            list: Vec::new(),
            cursor: Cursor::default(),
            loaded: false,
            open_balance: Cents::ZERO,
            aging: Aging::default(),
            show_aging: false,
            detail: None,
            agreements: None,
            form: None,
            saving: false,
            run: RunSettings::from_config(config),
            carry_over: config.billing.prepaid_carry_over,
        }
    }

    pub fn selected(&self) -> Option<&Invoice> {
        self.list.get(self.cursor.selected)
    }

    /// The invoice a key acts on: the open one, else the selected row.
    fn target(&self) -> Option<&Invoice> {
        match &self.detail {
            Some(d) => d
                .invoice
                .as_deref()
                .or_else(|| self.list.iter().find(|i| i.number == d.number)),
            None => self.selected(),
        }
    }

    fn listed(&mut self, invoices: Vec<Invoice>, as_of: NaiveDate, aging: &[AgingRow]) {
        let keep = self.selected().map(|i| i.number.clone());
        self.list = invoices;
        self.loaded = true;
        self.open_balance = self.list.iter().map(Invoice::balance).sum();
        self.aging = Aging::from_rows(as_of, aging);
        let at = keep
            .and_then(|n| self.list.iter().position(|i| i.number == n))
            .unwrap_or(0);
        self.cursor = Cursor::default();
        self.cursor.move_by(at as i64, self.list.len(), 10);
    }
}

/// Today in the calendar's zone.
pub fn today(s: &AppState) -> NaiveDate {
    s.now.with_timezone(&s.rules.calendar.zone).date_naive()
}

fn effect(e: InvoiceEffect) -> Effect {
    Effect::Invoice(Box::new(e))
}

/// Effects that (re)load what the tab shows.
pub fn load(s: &AppState) -> Vec<Effect> {
    let mut e = vec![effect(InvoiceEffect::Load { today: today(s) })];
    if let Some(d) = &s.invoices.detail {
        e.push(effect(InvoiceEffect::LoadDetail {
            number: d.number.clone(),
        }));
    }
    if s.invoices.agreements.is_some() {
        e.push(load_agreements(s));
    }
    e
}

fn load_agreements(s: &AppState) -> Effect {
    effect(InvoiceEffect::LoadAgreements {
        today: today(s),
        tz: s.rules.calendar.zone,
        carry_over: s.invoices.carry_over,
    })
}

/// The screen takes keys as text while a form is open.
pub fn form_open(s: &AppState) -> bool {
    s.tab == crate::tui::tab::Tab::Invoices && s.ticket.is_none() && s.invoices.form.is_some()
}

/// A run's preview is on screen: `y` commits it.
pub fn run_ready(s: &AppState) -> bool {
    form_open(s) && matches!(&s.invoices.form, Some(forms::Form::Run(r)) if r.ready())
}

/// Routes data for the tab (wherever the user is) and, while the tab is on
/// screen, its keys; None leaves the action to the rest of `update`.
pub fn handle(s: &mut AppState, action: &Action) -> Option<Vec<Effect>> {
    if s.tab != crate::tui::tab::Tab::Invoices || s.ticket.is_some() || s.help || s.overlay.is_some() {
        return None;
    }
    if s.invoices.form.is_some() {
        return forms::handle(s, action);
    }
    keys(s, action)
}

/// The answer to the tab's own write (a payment, a void, a run): the form
/// closes on success and shows a refusal.
pub(super) fn write_answered(s: &mut AppState, action: Action) -> Vec<Effect> {
    s.invoices.saving = false;
    match action {
        Action::Saved { message, .. } => {
            s.invoices.form = None;
            s.message = Some(Message::info(message));
            load(s)
        }
        Action::SaveRefused { message, .. } => {
            match s.invoices.form.as_mut() {
                Some(f) => f.refused(message),
                None => s.message = Some(Message::error(format!("refused: {message}"))),
            }
            vec![]
        }
        _ => vec![],
    }
}

pub(super) fn arrived(s: &mut AppState, data: InvoiceData) -> Vec<Effect> {
    let inv = &mut s.invoices;
    match data {
        InvoiceData::Listed { as_of, invoices, aging } => inv.listed(invoices, as_of, &aging),
        InvoiceData::Detail { number, invoice, mail } => {
            if let Some(d) = inv.detail.as_mut().filter(|d| d.number == number) {
                d.mail = mail;
                d.missing = invoice.is_none();
                d.order = invoice.as_ref().map(grouped).unwrap_or_default();
                d.invoice = invoice.map(Box::new);
            }
        }
        InvoiceData::Agreements { month, rows } => {
            if let Some(a) = inv.agreements.as_mut() {
                a.arrived(month, rows);
            }
        }
        InvoiceData::Preview { as_of, invoices } => {
            if let Some(Form::Run(r)) = inv.form.as_mut() {
                r.previewed(as_of, invoices);
            }
        }
        InvoiceData::Failed(m) => match inv.form.as_mut() {
            Some(f) => f.refused(m),
            None => s.message = Some(Message::error(format!("store: {m}"))),
        },
    }
    vec![]
}

/// Line indices grouped by kind (onboarding, recurring, project, labor,
/// prepaid labor), keeping the stored order within a kind.
fn grouped(invoice: &Invoice) -> Vec<usize> {
    LineKind::ALL
        .iter()
        .flat_map(|k| (0..invoice.lines.len()).filter(move |&i| invoice.lines[i].kind == *k))
        .collect()
}

fn keys(s: &mut AppState, action: &Action) -> Option<Vec<Effect>> {
    let h = s.body_rows().saturating_sub(2);
    let list_h = list_height(s);
    let inv = &mut s.invoices;
    let scroll = |v: &mut u16, d: i64| *v = (i64::from(*v) + d).clamp(0, 5000) as u16;
    match action {
        Action::Invoice(k) => return Some(key(s, *k)),
        Action::Back => back(s),
        Action::Open if inv.detail.is_none() && inv.agreements.is_none() => return Some(open(s)),
        Action::Move(d) | Action::Page(d) => {
            let n = if matches!(action, Action::Page(_)) {
                i64::from(*d) * h as i64
            } else {
                i64::from(*d)
            };
            if let Some(d) = inv.detail.as_mut() {
                scroll(&mut d.scroll, n);
            } else if let Some(a) = inv.agreements.as_mut() {
                a.move_by(n);
            } else {
                inv.cursor.move_by(n, inv.list.len(), list_h);
            }
        }
        Action::First | Action::Last => {
            let n = if matches!(action, Action::First) {
                -(1 << 30)
            } else {
                1 << 30
            };
            if let (None, Some(a)) = (&inv.detail, inv.agreements.as_mut()) {
                a.move_by(n);
            } else if inv.detail.is_none() {
                inv.cursor.move_by(n, inv.list.len(), list_h);
            }
        }
        _ => return None,
    }
    Some(vec![])
}

/// Rows of invoices the list shows (less the aging panel when it is below).
pub fn list_height(s: &AppState) -> usize {
    let body = s.body_rows().saturating_sub(2);
    if s.invoices.show_aging && !aging_beside(s.size.0) {
        body.saturating_sub(AGING_ROWS)
    } else {
        body
    }
    .max(1)
}

/// Rows the aging panel takes below the list on a narrow screen.
pub const AGING_ROWS: usize = 8;

/// Wide screens show the aging chart beside the list.
pub fn aging_beside(width: u16) -> bool {
    width >= 120
}

/// Esc backs out one level: an invoice's detail, then the agreements
/// view, then the aging chart.
fn back(s: &mut AppState) {
    let inv = &mut s.invoices;
    if inv.detail.take().is_some() || inv.agreements.take().is_some() {
        return;
    }
    if inv.show_aging {
        key(s, InvoiceKey::Aging);
    }
}

fn open(s: &mut AppState) -> Vec<Effect> {
    let Some(number) = s.invoices.selected().map(|i| i.number.clone()) else {
        return vec![];
    };
    s.invoices.detail = Some(Detail {
        number: number.clone(),
        ..Detail::default()
    });
    vec![effect(InvoiceEffect::LoadDetail { number })]
}

fn key(s: &mut AppState, k: InvoiceKey) -> Vec<Effect> {
    match k {
        InvoiceKey::Aging => {
            s.invoices.show_aging = !s.invoices.show_aging;
            let h = list_height(s);
            let inv = &mut s.invoices;
            inv.cursor.move_by(0, inv.list.len(), h);
            vec![]
        }
        InvoiceKey::Agreements => {
            if s.invoices.agreements.take().is_some() {
                return vec![];
            }
            s.invoices.detail = None;
            s.invoices.agreements = Some(AgreementsView::default());
            vec![load_agreements(s)]
        }
        InvoiceKey::Run => {
            s.invoices.form = Some(Form::Run(RunForm::new(today(s))));
            vec![]
        }
        InvoiceKey::Pay | InvoiceKey::Void | InvoiceKey::VoidPayment => start_write(s, k),
        InvoiceKey::NewAgreement | InvoiceKey::EndAgreement | InvoiceKey::CompleteAgreement => {
            agreement_forms::start(s, k)
        }
    }
}

fn start_write(s: &mut AppState, k: InvoiceKey) -> Vec<Effect> {
    let what = match k {
        InvoiceKey::Pay => "recording a payment",
        InvoiceKey::VoidPayment => "voiding a payment",
        _ => "voiding an invoice",
    };
    if let Some(m) = refusal(s.me.role, &s.me.login, Duty::Finance, what) {
        s.message = Some(Message::error(format!("refused: {m}")));
        return vec![];
    }
    let today = today(s);
    let Some(target) = s.invoices.target() else {
        s.message = Some(Message::info("select an invoice first"));
        return vec![];
    };
    let form = match k {
        InvoiceKey::Pay => Form::Payment(PaymentForm::new(target, today)),
        InvoiceKey::VoidPayment => {
            // Payments are read with the invoice's detail, not with the list.
            let Some(open) = s.invoices.detail.as_ref().and_then(|d| d.invoice.as_deref()) else {
                s.message = Some(Message::info(format!(
                    "open {} (Enter) to choose the payment to reverse",
                    target.number
                )));
                return vec![];
            };
            match PaymentVoidForm::new(open) {
                Some(f) => Form::PaymentVoid(f),
                None => {
                    s.message = Some(Message::info(format!("{} has no payment to reverse", open.number)));
                    return vec![];
                }
            }
        }
        _ => Form::Void(VoidForm::new(target)),
    };
    s.invoices.form = Some(form);
    vec![]
}

#[cfg(test)]
mod agreement_tests;
#[cfg(test)]
mod form_tests;
#[cfg(test)]
mod tests;
