//! The agreements view's forms (finance or admin): a new agreement for a
//! company, and a date for ending one or recording its project's completion.
//! Only typing is checked here (dates, amounts); what the store refuses
//! (negative money, an end before execution, completing a product that is not
//! a project) comes back from it and is shown in the form in its words.

use chrono::NaiveDate;
use ratatui::crossterm::event::{KeyCode, KeyEvent};

use super::{effect, today, Form, InvoiceEffect, InvoiceKey};
use crate::domain::billing::{Agreement, Product};
use crate::domain::money::Cents;
use crate::domain::permissions::{refusal, Duty};
use crate::domain::text::sanitize_line;
use crate::domain::time::parse_date;
use crate::store::billing::agreements::AgreementRow;
use crate::tui::action::{Action, Effect};
use crate::tui::state::message::Message;
use crate::tui::state::AppState;

pub const AGREEMENT_FIELDS: [&str; 8] = [
    "Company",
    "Product",
    "Executed",
    "Monthly",
    "Onboarding",
    "Project fee",
    "Labor rate",
    "Prepaid h/mo",
];

/// A new agreement. Company and product are picked (←→, or a first letter);
/// the rest is typed.
#[derive(Debug, Clone)]
pub struct AgreementForm {
    /// (id, name), by name.
    pub companies: Vec<crate::tui::state::lists::PickRow>,
    pub company: usize,
    /// Index into `Product::ALL`.
    pub product: usize,
    pub executed: String,
    pub monthly: String,
    pub onboarding: String,
    pub project_fee: String,
    pub labor_rate: String,
    pub prepaid_hours: String,
    /// Index into `AGREEMENT_FIELDS`.
    pub focus: usize,
    pub error: Option<String>,
}

/// The next of `names` after `from` (wrapping) whose first letter is `c`.
fn jump<'a>(names: impl ExactSizeIterator<Item = &'a str> + Clone, from: usize, c: char) -> Option<usize> {
    let n = names.len();
    let firsts: Vec<Option<char>> = names.map(|s| s.chars().next()).collect();
    (1..=n).map(|k| (from + k) % n.max(1)).find(|&i| {
        firsts
            .get(i)
            .copied()
            .flatten()
            .is_some_and(|f| f.eq_ignore_ascii_case(&c))
    })
}

fn money(field: &str, text: &str) -> Result<Cents, String> {
    let t = text.trim();
    let t = if t.is_empty() { "0" } else { t };
    // Signed on purpose: a negative amount goes to the store, which says why not.
    Cents::parse_signed(t).map_err(|e| format!("{field}: {e} (e.g. 1200.00)"))
}

impl AgreementForm {
    pub fn new(
        companies: Vec<crate::tui::state::lists::PickRow>,
        company_id: Option<i64>,
        today: NaiveDate,
        rate: Cents,
    ) -> Self {
        let company = company_id
            .and_then(|id| companies.iter().position(|c| c.id == id))
            .unwrap_or(0);
        let plain = |c: Cents| format!("{}.{:02}", c.0 / 100, c.0 % 100);
        AgreementForm {
            companies,
            company,
            product: 0,
            executed: today.format("%Y-%m-%d").to_string(),
            monthly: String::new(),
            onboarding: "0.00".into(),
            project_fee: "0.00".into(),
            labor_rate: plain(rate),
            prepaid_hours: "0".into(),
            focus: 3,
            error: None,
        }
    }

    pub fn product(&self) -> Product {
        Product::ALL[self.product % Product::ALL.len()]
    }

    pub fn company_name(&self) -> &str {
        self.companies.get(self.company).map_or("", |c| c.label.as_str())
    }

    /// The typed text of a field (None for the picked ones).
    pub fn text(&self, field: usize) -> Option<&str> {
        Some(match field {
            2 => &self.executed,
            3 => &self.monthly,
            4 => &self.onboarding,
            5 => &self.project_fee,
            6 => &self.labor_rate,
            7 => &self.prepaid_hours,
            _ => return None,
        })
    }

    fn text_mut(&mut self) -> Option<&mut String> {
        Some(match self.focus {
            2 => &mut self.executed,
            3 => &mut self.monthly,
            4 => &mut self.onboarding,
            5 => &mut self.project_fee,
            6 => &mut self.labor_rate,
            7 => &mut self.prepaid_hours,
            _ => return None,
        })
    }

    fn cycle(&mut self, d: i64) {
        let wrap = |v: usize, n: usize| (v as i64 + d).rem_euclid(n.max(1) as i64) as usize;
        match self.focus {
            0 => self.company = wrap(self.company, self.companies.len()),
            1 => self.product = wrap(self.product, Product::ALL.len()),
            _ => {}
        }
    }

    fn pick(&mut self, c: char) {
        let found = match self.focus {
            0 => jump(self.companies.iter().map(|c| c.label.as_str()), self.company, c),
            _ => jump(Product::ALL.iter().map(|p| p.as_str()), self.product, c),
        };
        match (self.focus, found) {
            (0, Some(i)) => self.company = i,
            (_, Some(i)) => self.product = i,
            _ => {}
        }
    }

    fn key(&mut self, k: KeyEvent) {
        let n = AGREEMENT_FIELDS.len();
        let picked = self.focus < 2;
        match k.code {
            KeyCode::Up => self.focus = (self.focus + n - 1) % n,
            KeyCode::Down => self.focus = (self.focus + 1) % n,
            KeyCode::Left if picked => self.cycle(-1),
            KeyCode::Right | KeyCode::Char(' ') if picked => self.cycle(1),
            KeyCode::Char(c) if picked => self.pick(c),
            KeyCode::Backspace => {
                self.text_mut().map(String::pop);
            }
            KeyCode::Char(c) => {
                if let Some(t) = self.text_mut() {
                    t.push(c);
                }
            }
            _ => return,
        }
        self.error = None;
    }

    /// Keys and pasted text while the form is open.
    pub fn input(&mut self, action: &Action) {
        let n = AGREEMENT_FIELDS.len();
        match action {
            Action::NextField => self.focus = (self.focus + 1) % n,
            Action::PrevField => self.focus = (self.focus + n - 1) % n,
            Action::Key(k) => self.key(*k),
            Action::Paste(t) => {
                if let Some(f) = self.text_mut() {
                    f.push_str(&sanitize_line(t));
                }
            }
            _ => {}
        }
    }

    /// The store's write, or what is mistyped.
    pub fn submit(&self, at: i64) -> Result<Effect, String> {
        let Some(company_id) = self.companies.get(self.company).map(|c| c.id) else {
            return Err("company: no companies are loaded yet (visit the Directory tab)".into());
        };
        let executed = parse_date(&self.executed).map_err(|e| format!("executed: {e}"))?;
        if self.monthly.trim().is_empty() {
            return Err("monthly: type the monthly charge, e.g. 1200.00 (0 for none)".into());
        }
        let hours = self.prepaid_hours.trim();
        let prepaid_hours_per_month = if hours.is_empty() {
            0
        } else {
            hours
                .parse::<u32>()
                .map_err(|_| format!("prepaid hours: {hours:?} is not a whole number of hours"))?
        };
        let agreement = Agreement {
            id: 0,
            company_id,
            product: self.product(),
            executed,
            project_completed: None,
            ended: None,
            onboarding_fee: money("onboarding", &self.onboarding)?,
            monthly: money("monthly", &self.monthly)?,
            project_fee: money("project fee", &self.project_fee)?,
            labor_rate: money("labor rate", &self.labor_rate)?,
            prepaid_hours_per_month,
        };
        Ok(effect(InvoiceEffect::AddAgreement { agreement, at }))
    }
}

/// Ending an agreement, or recording its project's completion.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateChange {
    End,
    Complete,
}

#[derive(Debug, Clone)]
pub struct AgreementDateForm {
    pub change: DateChange,
    pub key: String,
    pub company: String,
    pub product: Product,
    pub executed: NaiveDate,
    pub date: String,
    pub error: Option<String>,
}

impl AgreementDateForm {
    pub fn new(change: DateChange, row: &AgreementRow, today: NaiveDate) -> Self {
        let a = &row.agreement;
        let shown = match change {
            DateChange::End => a.ended,
            DateChange::Complete => a.project_completed,
        };
        AgreementDateForm {
            change,
            key: row.key.clone(),
            company: row.company.clone(),
            product: a.product,
            executed: a.executed,
            date: shown.unwrap_or(today).format("%Y-%m-%d").to_string(),
            error: None,
        }
    }

    pub fn input(&mut self, action: &Action) {
        match action {
            Action::Key(k) => match k.code {
                KeyCode::Char(c) if c.is_ascii_digit() || c == '-' => self.date.push(c),
                KeyCode::Backspace => {
                    self.date.pop();
                }
                _ => return,
            },
            Action::Paste(t) => self.date.push_str(sanitize_line(t).trim()),
            _ => return,
        }
        self.error = None;
    }

    pub fn submit(&self, at: i64) -> Result<Effect, String> {
        let date = parse_date(&self.date).map_err(|e| format!("date: {e}"))?;
        let key = self.key.clone();
        Ok(effect(match self.change {
            DateChange::End => InvoiceEffect::EndAgreement { key, date, at },
            DateChange::Complete => InvoiceEffect::CompleteAgreement { key, date, at },
        }))
    }
}

/// `n`, `E` or `C` in the agreements view: the form, if the role allows.
pub fn start(s: &mut AppState, k: InvoiceKey) -> Vec<Effect> {
    let what = match k {
        InvoiceKey::NewAgreement => "adding an agreement",
        InvoiceKey::EndAgreement => "ending an agreement",
        _ => "recording a project completion",
    };
    let Some(view) = &s.invoices.agreements else {
        s.message = Some(Message::info(
            "agreements: press A first, then select a company's agreement",
        ));
        return vec![];
    };
    if let Some(m) = refusal(s.me.role, &s.me.login, Duty::Finance, what) {
        s.message = Some(Message::error(format!("refused: {m}")));
        return vec![];
    }
    let selected = view.rows.get(view.selected).map(|l| l.row.clone());
    let today = today(s);
    let form = match (k, selected) {
        (InvoiceKey::NewAgreement, row) => {
            let companies: Vec<crate::tui::state::lists::PickRow> = (s.directory.data.companies.iter())
                .map(|c| crate::tui::state::lists::PickRow::new(c.id, &c.name))
                .collect();
            let id = row.map(|r| r.agreement.company_id);
            Form::Agreement(AgreementForm::new(
                companies,
                id,
                today,
                s.invoices.run.rules.non_contract_rate,
            ))
        }
        (_, None) => {
            s.message = Some(Message::info("select an agreement first (j/k)"));
            return vec![];
        }
        (InvoiceKey::EndAgreement, Some(row)) => {
            Form::AgreementDate(AgreementDateForm::new(DateChange::End, &row, today))
        }
        (_, Some(row)) => Form::AgreementDate(AgreementDateForm::new(DateChange::Complete, &row, today)),
    };
    s.invoices.form = Some(form);
    vec![]
}
