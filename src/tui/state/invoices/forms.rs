//! The Invoices tab's forms: a payment, a void's reason, and the invoice-run
//! preview. A form sees every key first (the `[keys.editor]` section applies:
//! Ctrl-S saves, Esc cancels, Tab moves on); Enter saves too.

use chrono::NaiveDate;
use ratatui::crossterm::event::{KeyCode, KeyEvent};

use super::agreement_forms::{AgreementDateForm, AgreementForm};
use super::{effect, InvoiceEffect};
use crate::domain::money::Cents;
use crate::domain::permissions::{refusal, Duty};
use crate::domain::text::sanitize_line;
use crate::domain::time::parse_date;
use crate::store::billing::{Invoice, InvoiceStatus, PaymentMethod};
use crate::tui::action::{Action, Effect};
use crate::tui::state::AppState;

pub const PAYMENT_FIELDS: [&str; 4] = ["Amount", "Method", "Date", "Reference"];

#[derive(Debug, Clone)]
pub enum Form {
    Payment(PaymentForm),
    Void(VoidForm),
    /// Reversing a payment recorded in error.
    PaymentVoid(PaymentVoidForm),
    Run(RunForm),
    /// A new agreement (agreements view).
    Agreement(AgreementForm),
    /// Ending an agreement or recording its project's completion.
    AgreementDate(AgreementDateForm),
}

impl Form {
    /// The store (or the check before it) said no: show why, keep the text.
    pub fn refused(&mut self, message: String) {
        match self {
            Form::Payment(f) => f.error = Some(message),
            Form::Void(f) => f.error = Some(message),
            Form::PaymentVoid(f) => f.error = Some(message),
            Form::Agreement(f) => f.error = Some(message),
            Form::AgreementDate(f) => f.error = Some(message),
            Form::Run(f) => {
                f.loading = false;
                f.error = Some(message);
            }
        }
    }
}

/// What the invoice a form is about stands at.
#[derive(Debug, Clone)]
pub struct Target {
    pub number: String,
    pub company: String,
    pub balance: Cents,
    pub status: InvoiceStatus,
}

impl Target {
    fn of(i: &Invoice) -> Target {
        Target {
            number: i.number.clone(),
            company: i.company.clone(),
            balance: i.balance(),
            status: i.status(),
        }
    }
}

#[derive(Debug, Clone)]
pub struct PaymentForm {
    pub target: Target,
    pub amount: String,
    /// Index into `PaymentMethod::ALL`.
    pub method: usize,
    pub date: String,
    pub reference: String,
    /// Index into `PAYMENT_FIELDS`.
    pub focus: usize,
    pub error: Option<String>,
}

impl PaymentForm {
    pub fn new(invoice: &Invoice, today: NaiveDate) -> PaymentForm {
        PaymentForm {
            target: Target::of(invoice),
            amount: String::new(),
            method: 0,
            date: today.format("%Y-%m-%d").to_string(),
            reference: String::new(),
            focus: 0,
            error: None,
        }
    }

    pub fn method(&self) -> PaymentMethod {
        PaymentMethod::ALL[self.method % PaymentMethod::ALL.len()]
    }

    fn text(&mut self) -> Option<&mut String> {
        match self.focus {
            0 => Some(&mut self.amount),
            2 => Some(&mut self.date),
            3 => Some(&mut self.reference),
            _ => None,
        }
    }

    fn cycle(&mut self, d: i64) {
        let n = PaymentMethod::ALL.len() as i64;
        self.method = (self.method as i64 + d).rem_euclid(n) as usize;
    }

    fn key(&mut self, k: KeyEvent) {
        match k.code {
            KeyCode::Up => self.focus = (self.focus + PAYMENT_FIELDS.len() - 1) % PAYMENT_FIELDS.len(),
            KeyCode::Down => self.focus = (self.focus + 1) % PAYMENT_FIELDS.len(),
            KeyCode::Left if self.focus == 1 => self.cycle(-1),
            KeyCode::Right | KeyCode::Char(' ') if self.focus == 1 => self.cycle(1),
            KeyCode::Char(c) if self.focus == 1 => {
                // The first letter picks a method: c(heck), a(ch), b(ill.com), p(aypal), card by "C".
                let pick = PaymentMethod::ALL.iter().position(|m| {
                    let first = m.label().chars().next().unwrap_or(' ');
                    if c == 'C' {
                        *m == PaymentMethod::Card
                    } else {
                        first.eq_ignore_ascii_case(&c) && *m != PaymentMethod::Card
                    }
                });
                if let Some(i) = pick {
                    self.method = i;
                }
            }
            KeyCode::Backspace => {
                if let Some(t) = self.text() {
                    t.pop();
                }
            }
            KeyCode::Char(c) => {
                if let Some(t) = self.text() {
                    t.push(c);
                }
            }
            _ => return,
        }
        self.error = None;
    }

    /// The payment effect, or why not.
    fn submit(&self, at: i64) -> Result<Effect, String> {
        let amount = Cents::parse(self.amount.trim().trim_start_matches('$'))
            .map_err(|e| format!("amount: {e} (e.g. 125.00)"))?;
        if amount.0 <= 0 {
            return Err("amount: a payment must be more than $0.00".into());
        }
        let date = parse_date(&self.date).map_err(|e| format!("date: {e}"))?;
        Ok(effect(InvoiceEffect::Pay {
            number: self.target.number.clone(),
            amount,
            method: self.method(),
            date,
            reference: sanitize_line(&self.reference),
            at,
        }))
    }
}

#[derive(Debug, Clone)]
pub struct VoidForm {
    pub target: Target,
    pub reason: String,
    pub error: Option<String>,
}

impl VoidForm {
    pub fn new(invoice: &Invoice) -> VoidForm {
        VoidForm {
            target: Target::of(invoice),
            reason: String::new(),
            error: None,
        }
    }
}

/// Reversing a payment: which one (Up/Down or Tab when the invoice has
/// several) and why. Typing the reason and Enter is the deliberate step.
#[derive(Debug, Clone)]
pub struct PaymentVoidForm {
    pub target: Target,
    /// The invoice's payments not yet void: id, and what it was.
    pub payments: Vec<crate::tui::state::lists::PickRow>,
    pub pick: usize,
    pub reason: String,
    pub error: Option<String>,
}

impl PaymentVoidForm {
    /// None when the invoice has no payment left to reverse.
    pub fn new(invoice: &Invoice) -> Option<PaymentVoidForm> {
        let payments: Vec<crate::tui::state::lists::PickRow> = invoice
            .payments
            .iter()
            .filter(|p| p.void_reason.is_none())
            .map(|p| {
                let reference = if p.reference.is_empty() {
                    String::new()
                } else {
                    format!(" ref {}", p.reference)
                };
                crate::tui::state::lists::PickRow::new(
                    p.id,
                    format!("{} by {} on {}{reference}", p.amount, p.method.label(), p.date),
                )
            })
            .collect();
        (!payments.is_empty()).then(|| PaymentVoidForm {
            target: Target::of(invoice),
            payments,
            pick: 0,
            reason: String::new(),
            error: None,
        })
    }

    fn step(&mut self, by: isize) {
        let n = self.payments.len() as isize;
        self.pick = (self.pick as isize + by).rem_euclid(n) as usize;
        self.error = None;
    }
}

/// A dry run's result, with its sums worked out once.
#[derive(Debug, Clone)]
pub struct Preview {
    pub as_of: NaiveDate,
    pub invoices: Vec<Invoice>,
    pub total: Cents,
    pub lines: usize,
}

#[derive(Debug, Clone)]
pub struct RunForm {
    pub as_of: String,
    pub preview: Option<Preview>,
    /// A dry run is on its way.
    pub loading: bool,
    pub error: Option<String>,
    pub scroll: u16,
}

impl RunForm {
    pub fn new(today: NaiveDate) -> RunForm {
        RunForm {
            as_of: today.format("%Y-%m-%d").to_string(),
            preview: None,
            loading: false,
            error: None,
            scroll: 0,
        }
    }

    pub fn previewed(&mut self, as_of: NaiveDate, invoices: Vec<Invoice>) {
        self.loading = false;
        self.error = None;
        self.scroll = 0;
        self.preview = Some(Preview {
            as_of,
            total: invoices.iter().map(|i| i.total).sum(),
            lines: invoices.iter().map(|i| i.lines.len()).sum(),
            invoices,
        });
    }

    /// The preview shown is for the date typed: Enter commits it.
    pub fn ready(&self) -> bool {
        let typed = parse_date(&self.as_of).ok();
        self.preview.as_ref().is_some_and(|p| Some(p.as_of) == typed)
    }

    fn key(&mut self, k: KeyEvent) {
        let scroll = |v: &mut u16, d: i64| *v = (i64::from(*v) + d).clamp(0, 5000) as u16;
        match k.code {
            KeyCode::Up => scroll(&mut self.scroll, -1),
            KeyCode::Down => scroll(&mut self.scroll, 1),
            KeyCode::PageUp => scroll(&mut self.scroll, -10),
            KeyCode::PageDown => scroll(&mut self.scroll, 10),
            KeyCode::Backspace => {
                self.as_of.pop();
                self.error = None;
            }
            KeyCode::Char(c) if c.is_ascii_digit() || c == '-' => {
                self.as_of.push(c);
                self.error = None;
            }
            _ => {}
        }
    }
}

/// Keys while a form is open: all of them stay here but Quit-free ones
/// (a resize or hang-up goes on to `update`).
pub fn handle(s: &mut AppState, action: &Action) -> Option<Vec<Effect>> {
    let at = s.now.timestamp();
    let saving = s.invoices.saving;
    let role = s.me.role;
    let login = s.me.login.clone();
    let run = s.invoices.run.clone();
    let form = s.invoices.form.as_mut()?;
    let submit = matches!(action, Action::Save) || matches!(action, Action::Key(k) if k.code == KeyCode::Enter);
    if matches!(action, Action::Cancel) || matches!(action, Action::Key(k) if k.code == KeyCode::Esc) {
        s.invoices.form = None;
        return Some(vec![]);
    }
    // A run commits on `y` alone, on the preview of the date typed: a
    // double-tapped Enter previews, it never writes.
    let confirm = matches!(action, Action::Yes);
    if let (true, Form::Run(r)) = (confirm, &mut *form) {
        if !saving && r.ready() {
            return Some(match run_commit(r, (role, &login), run, at) {
                Ok(e) => {
                    s.invoices.saving = true;
                    vec![e]
                }
                Err(m) => {
                    r.error = Some(m);
                    vec![]
                }
            });
        }
    }
    if submit {
        if saving {
            return Some(vec![]);
        }
        let result = submit_form(form, run, at);
        return Some(match result {
            Ok(Some(e)) => {
                // A dry run writes nothing: only writes wait for Saved.
                s.invoices.saving = !matches!(&e, Effect::Invoice(b) if matches!(**b, InvoiceEffect::Preview { .. }));
                vec![e]
            }
            Ok(None) => vec![],
            Err(m) => {
                form.refused(m);
                vec![]
            }
        });
    }
    form_input(form, action)
}

/// Enter on a form: the effect it asks for, or why it is refused.
fn submit_form(form: &mut Form, run: super::RunSettings, at: i64) -> Result<Option<Effect>, String> {
    match form {
        Form::Payment(p) => p.submit(at).map(Some),
        Form::Void(v) => {
            let reason = sanitize_line(&v.reason);
            if reason.is_empty() {
                Err("a void needs a reason: type why, then Enter".into())
            } else {
                Ok(Some(effect(InvoiceEffect::Void {
                    number: v.target.number.clone(),
                    reason,
                    at,
                })))
            }
        }
        Form::PaymentVoid(v) => {
            let reason = sanitize_line(&v.reason);
            match (reason.is_empty(), v.payments.get(v.pick)) {
                (true, _) => Err("a reversal needs a reason: type why, then Enter".into()),
                (false, None) => Err("no payment to reverse".into()),
                (false, Some(row)) => Ok(Some(effect(InvoiceEffect::VoidPayment {
                    payment: row.id,
                    reason,
                    at,
                }))),
            }
        }
        Form::Run(r) => run_submit(r, run, at),
        Form::Agreement(a) => a.submit(at).map(Some),
        Form::AgreementDate(d) => d.submit(at).map(Some),
    }
}

/// Typing in the open form; None for what goes on to `update` (a resize,
/// a hang-up, the clock, quit).
fn form_input(form: &mut Form, action: &Action) -> Option<Vec<Effect>> {
    match (form, action) {
        (Form::Payment(p), Action::NextField) => p.focus = (p.focus + 1) % PAYMENT_FIELDS.len(),
        (Form::Payment(p), Action::PrevField) => p.focus = (p.focus + PAYMENT_FIELDS.len() - 1) % PAYMENT_FIELDS.len(),
        (Form::Payment(p), Action::Key(k)) => p.key(*k),
        (Form::Payment(p), Action::Paste(t)) => {
            if let Some(f) = p.text() {
                f.push_str(&sanitize_line(t));
            }
        }
        (Form::Void(v), Action::Key(k)) => match k.code {
            KeyCode::Char(c) => v.reason.push(c),
            KeyCode::Backspace => {
                v.reason.pop();
            }
            _ => {}
        },
        (Form::Void(v), Action::Paste(t)) => v.reason.push_str(&sanitize_line(t)),
        (Form::PaymentVoid(v), Action::NextField) => v.step(1),
        (Form::PaymentVoid(v), Action::PrevField) => v.step(-1),
        (Form::PaymentVoid(v), Action::Key(k)) => match k.code {
            KeyCode::Down => v.step(1),
            KeyCode::Up => v.step(-1),
            KeyCode::Char(c) => v.reason.push(c),
            KeyCode::Backspace => {
                v.reason.pop();
            }
            _ => {}
        },
        (Form::PaymentVoid(v), Action::Paste(t)) => v.reason.push_str(&sanitize_line(t)),
        (Form::Run(r), Action::Key(k)) => r.key(*k),
        (Form::Agreement(a), Action::NextField | Action::PrevField | Action::Key(_) | Action::Paste(_)) => {
            a.input(action)
        }
        (Form::AgreementDate(d), Action::Key(_) | Action::Paste(_)) => d.input(action),
        (_, Action::Resize(..) | Action::Hangup | Action::Tick | Action::Quit) => return None,
        _ => {}
    }
    Some(vec![])
}

/// Enter on the run form: preview the date typed (again, when it is shown:
/// the books may have moved); committing is `y`'s, in [`run_commit`].
fn run_submit(r: &mut RunForm, run: super::RunSettings, at: i64) -> Result<Option<Effect>, String> {
    let as_of = parse_date(&r.as_of).map_err(|e| format!("as of: {e}"))?;
    if r.loading || r.ready() {
        return Ok(None);
    }
    r.loading = true;
    r.error = None;
    Ok(Some(effect(InvoiceEffect::Preview { as_of, run, at })))
}

/// `y` on the preview shown: commit exactly that run.
fn run_commit(
    r: &RunForm,
    (role, login): (Option<crate::domain::permissions::Role>, &str),
    run: super::RunSettings,
    at: i64,
) -> Result<Effect, String> {
    let as_of = parse_date(&r.as_of).map_err(|e| format!("as of: {e}"))?;
    if let Some(m) = refusal(role, login, Duty::Finance, "committing an invoice run") {
        return Err(format!("{m}; the preview stays, nothing was written"));
    }
    if r.preview.as_ref().is_some_and(|p| p.invoices.is_empty()) {
        return Err(format!(
            "nothing unbilled is due by {as_of}: there is nothing to commit"
        ));
    }
    Ok(effect(InvoiceEffect::Commit { as_of, run, at }))
}
