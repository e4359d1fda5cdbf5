use chrono::{DateTime, Utc};
use ratatui::crossterm::event::{KeyCode, KeyEvent};

use super::*;
use crate::store::billing::{InvoiceLine, Payment, PaymentMethod};
use crate::tui::keymap::Section;
use crate::tui::state::update;
use crate::tui::view;

pub(super) fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).expect("time").with_timezone(&Utc)
}

/// Wednesday 10:00 New York.
pub(super) const NOW: &str = "2026-11-25T10:00:00-05:00";

pub(super) fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date")
}

fn line(
    kind: LineKind,
    description: &str,
    minutes: u32,
    unit: i64,
    amount: i64,
    period: Option<(&str, &str)>,
) -> InvoiceLine {
    InvoiceLine {
        kind,
        description: description.into(),
        ticket_id: (kind.is_billed_labor() || kind == LineKind::PrepaidLabor).then_some(1042),
        minutes,
        unit: Cents(unit),
        amount: Cents(amount),
        period_start: period.map(|p| d(p.0)),
        period_end: period.map(|p| d(p.1)),
    }
}

fn invoice(n: u32, company: &str, date: &str, total: i64, paid: i64) -> Invoice {
    Invoice {
        id: i64::from(n),
        number: format!("INV-{n:06}"),
        company_id: i64::from(n % 3),
        company: company.into(),
        date: d(date),
        due: d(date),
        total: Cents(total),
        paid: Cents(paid),
        void_reason: None,
        lines: Vec::new(),
        payments: Vec::new(),
    }
}

/// Four invoices, newest first, as the worker sends them.
fn books() -> Vec<Invoice> {
    let mut void = invoice(2, "Walk-in Accounting", "2026-09-01", 21_000, 0);
    void.void_reason = Some("billed to the wrong company".into());
    vec![
        invoice(4, "Acme Family Dental", "2026-11-01", 170_000, 0),
        invoice(3, "Harbor Legal Group", "2026-10-01", 95_000, 45_000),
        void,
        invoice(1, "Acme Family Dental", "2026-08-01", 120_000, 120_000),
    ]
}

fn aging_rows() -> Vec<AgingRow> {
    let row = |n: u32, company: &str, due: &str, days: i64, balance: i64| AgingRow {
        number: format!("INV-{n:06}"),
        company: company.into(),
        due: d(due),
        days_past_due: days,
        balance: Cents(balance),
        bucket: Bucket::of(days),
    };
    vec![
        row(3, "Harbor Legal Group", "2026-10-01", 55, 50_000),
        row(4, "Acme Family Dental", "2026-11-01", 24, 170_000),
    ]
}

/// The detail of INV-000004: lines stored out of kind order, one payment.
fn detail() -> Invoice {
    let mut i = invoice(4, "Acme Family Dental", "2026-11-01", 170_000, 20_000);
    i.lines = vec![
        line(
            LineKind::ContractLabor,
            "Printer offline",
            75,
            15_000,
            18_750,
            Some(("2026-10-20", "2026-10-26")),
        ),
        line(
            LineKind::Recurring,
            "SMS monthly, December 2026",
            0,
            120_000,
            120_000,
            Some(("2026-12-01", "2026-12-31")),
        ),
        line(LineKind::Onboarding, "SMS onboarding fee", 0, 50_000, 50_000, None),
        line(
            LineKind::Recurring,
            "SMS monthly, November 2026 (prorated)",
            0,
            120_000,
            20_000,
            Some(("2026-11-26", "2026-11-30")),
        ),
    ];
    i.payments = vec![Payment {
        id: 1,
        date: d("2026-11-20"),
        amount: Cents(20_000),
        method: PaymentMethod::Check,
        reference: "check 1187".into(),
        void_reason: None,
    }];
    i
}

pub(super) fn state(role: &str) -> AppState {
    let config = Config::defaults();
    let now = at(NOW);
    let mut s = AppState::new(&config, "tester".into(), "test.db".into(), now);
    s.me.user_id = Some(7);
    s.me.role = role.parse().ok();
    update(&mut s, Action::GoTab(crate::tui::tab::Tab::Invoices), now);
    let listed = InvoiceData::Listed {
        as_of: d("2026-11-25"),
        invoices: books(),
        aging: aging_rows(),
    };
    update(&mut s, Action::InvoiceData(Box::new(listed)), now);
    s
}

pub(super) fn act(s: &mut AppState, a: Action) -> Vec<Effect> {
    crate::tui::state::press(s, a, at(NOW))
}

pub(super) fn key(code: KeyCode) -> Action {
    Action::Key(KeyEvent::from(code))
}

pub(super) fn typed(s: &mut AppState, text: &str) {
    for c in text.chars() {
        act(s, key(KeyCode::Char(c)));
    }
}

pub(super) fn invoice_effects(effects: Vec<Effect>) -> Vec<InvoiceEffect> {
    effects
        .into_iter()
        .filter_map(|e| match e {
            Effect::Invoice(b) => Some(*b),
            _ => None,
        })
        .collect()
}

pub(super) fn screen(s: &AppState) -> String {
    crate::tui::state::screen_text(s)
}

#[test]
fn invoices_tab_loads_with_today_in_the_calendar_zone() {
    let config = Config::defaults();
    // 03:00 UTC on the 26th is still the 25th in New York.
    let now = at("2026-11-26T03:00:00Z");
    let mut s = AppState::new(&config, "tester".into(), "test.db".into(), now);
    let effects = invoice_effects(update(&mut s, Action::GoTab(crate::tui::tab::Tab::Invoices), now));
    assert_eq!(effects, vec![InvoiceEffect::Load { today: d("2026-11-25") }]);
}

#[test]
fn invoices_list_sums_the_open_balance_and_the_aging_buckets() {
    let s = state("technician");
    let inv = &s.invoices;
    // 1,700.00 open + 500.00 left on the partly paid one; void and paid owe nothing.
    assert_eq!(inv.open_balance, Cents(220_000));
    let by_bucket: Vec<(&str, usize, i64)> = inv
        .aging
        .buckets
        .iter()
        .map(|b| (b.bucket.label(), b.invoices, b.balance.0))
        .collect();
    assert_eq!(
        by_bucket,
        [
            ("current", 0, 0),
            ("1-30", 1, 170_000),
            ("31-60", 1, 50_000),
            ("61-90", 0, 0),
            ("90+", 0, 0)
        ]
    );
    assert_eq!(inv.aging.total, Cents(220_000));
    let statuses: Vec<&str> = inv.list.iter().map(|i| i.status().as_str()).collect();
    assert_eq!(statuses, ["open", "partially paid", "void", "paid"]);
}

#[test]
fn invoices_enter_opens_the_detail_grouped_by_kind_and_esc_goes_back() {
    let mut s = state("technician");
    let effects = invoice_effects(act(&mut s, Action::Open));
    assert_eq!(
        effects,
        vec![InvoiceEffect::LoadDetail {
            number: "INV-000004".into()
        }]
    );
    let data = InvoiceData::Detail {
        number: "INV-000004".into(),
        invoice: Some(detail()),
        mail: Default::default(),
    };
    act(&mut s, Action::InvoiceData(Box::new(data)));
    let d = s.invoices.detail.as_ref().expect("detail open");
    let kinds: Vec<LineKind> = d
        .order
        .iter()
        .map(|&i| d.invoice.as_ref().expect("loaded").lines[i].kind)
        .collect();
    assert_eq!(
        kinds,
        [
            LineKind::Onboarding,
            LineKind::Recurring,
            LineKind::Recurring,
            LineKind::ContractLabor
        ]
    );
    act(&mut s, Action::Back);
    assert!(s.invoices.detail.is_none());
}

#[test]
fn invoices_a_technician_is_refused_payment_and_void_with_the_roles_named() {
    let mut s = state("technician");
    for k in [InvoiceKey::Pay, InvoiceKey::Void] {
        let effects = act(&mut s, Action::Invoice(k));
        assert!(effects.is_empty());
        assert!(s.invoices.form.is_none());
        let m = s.message_text().unwrap_or_default().to_string();
        assert!(m.contains("finance or admin role") && m.contains("technician"), "{m}");
    }
}

/// The worker's answer to a run's preview: one invoice of four lines, $1,200.
fn one_invoice_preview() -> InvoiceData {
    let mut planned = invoice(5, "Acme Family Dental", "2026-11-30", 120_000, 0);
    planned.lines = detail().lines;
    InvoiceData::Preview {
        as_of: d("2026-11-30"),
        invoices: vec![planned],
    }
}

#[test]
fn invoices_run_previews_for_anyone_and_commits_only_for_finance() {
    for role in ["technician", "finance"] {
        let mut s = state(role);
        act(&mut s, Action::Invoice(InvoiceKey::Run));
        let Some(Form::Run(r)) = &s.invoices.form else {
            panic!("run form open")
        };
        assert_eq!(r.as_of, "2026-11-25", "today by default");
        for _ in 0..2 {
            act(&mut s, key(KeyCode::Backspace));
        }
        typed(&mut s, "30");
        let effects = invoice_effects(act(&mut s, key(KeyCode::Enter)));
        let run = s.invoices.run.clone();
        let preview = InvoiceEffect::Preview {
            as_of: d("2026-11-30"),
            run: run.clone(),
            at: at(NOW).timestamp(),
        };
        assert_eq!(effects, vec![preview]);
        assert!(!s.invoices.saving, "a dry run is not a write");
        act(&mut s, Action::InvoiceData(Box::new(one_invoice_preview())));
        let previewed = screen(&s);
        assert!(
            previewed.contains("1 invoice(s), 4 line(s), total $1,200.00"),
            "{previewed}"
        );
        // Enter again (a double tap) and Ctrl-S write nothing: only y commits.
        assert!(invoice_effects(act(&mut s, key(KeyCode::Enter))).is_empty());
        assert!(invoice_effects(act(&mut s, Action::Save)).is_empty());
        assert!(!s.invoices.saving);
        let shown = screen(&s);
        assert!(
            shown.contains("y writes these 1 invoice(s), total $1,200.00"),
            "{shown}"
        );
        let effects = invoice_effects(act(&mut s, key(KeyCode::Char('y'))));
        let Some(Form::Run(r)) = &s.invoices.form else {
            panic!("run form open")
        };
        if role == "technician" {
            assert!(effects.is_empty());
            let e = r.error.clone().unwrap_or_default();
            assert!(e.contains("finance or admin role"), "{e}");
        } else {
            assert_eq!(
                effects,
                vec![InvoiceEffect::Commit {
                    as_of: d("2026-11-30"),
                    run,
                    at: at(NOW).timestamp(),
                }]
            );
            assert!(s.invoices.saving);
        }
    }
}

#[test]
fn invoices_run_preview_is_redone_when_the_date_changes_and_esc_writes_nothing() {
    let mut s = state("finance");
    act(&mut s, Action::Invoice(InvoiceKey::Run));
    act(&mut s, key(KeyCode::Enter));
    let data = InvoiceData::Preview {
        as_of: d("2026-11-25"),
        invoices: Vec::new(),
    };
    act(&mut s, Action::InvoiceData(Box::new(data)));
    act(&mut s, key(KeyCode::Backspace));
    typed(&mut s, "6");
    let effects = invoice_effects(act(&mut s, key(KeyCode::Enter)));
    assert!(
        matches!(effects.as_slice(), [InvoiceEffect::Preview { as_of, .. }] if *as_of == d("2026-11-26")),
        "{effects:?}"
    );
    assert!(act(&mut s, key(KeyCode::Esc)).is_empty());
    assert!(s.invoices.form.is_none());
}

#[test]
fn invoices_keys_toggle_aging_and_agreements() {
    let mut s = state("technician");
    assert_eq!(view::sections(&s)[0], Section::Invoices);
    act(&mut s, Action::Invoice(InvoiceKey::Aging));
    assert!(s.invoices.show_aging);
    let effects = invoice_effects(act(&mut s, Action::Invoice(InvoiceKey::Agreements)));
    assert!(
        matches!(effects.as_slice(), [InvoiceEffect::LoadAgreements { today, carry_over: false, .. }] if *today == d("2026-11-25")),
        "{effects:?}"
    );
    act(&mut s, Action::Back);
    assert!(s.invoices.agreements.is_none());
}

#[test]
fn snapshot_invoices_list_with_aging_80x24() {
    let mut s = state("finance");
    act(&mut s, Action::Invoice(InvoiceKey::Aging));
    let screen = screen(&s);
    for text in [
        " Invoices: 4 · open balance $2,200.00",
        "partially paid",
        "void",
        "31-60",
        "Aging as of 2026-11-25",
    ] {
        assert!(screen.contains(text), "{text:?} missing:\n{screen}");
    }
    insta::assert_snapshot!("invoices_list_aging_80x24", screen);
}

#[test]
fn snapshot_invoices_detail_80x24() {
    let mut s = state("finance");
    act(&mut s, Action::Open);
    let data = InvoiceData::Detail {
        number: "INV-000004".into(),
        invoice: Some(detail()),
        mail: Default::default(),
    };
    act(&mut s, Action::InvoiceData(Box::new(data)));
    let screen = screen(&s);
    for text in [
        "Onboarding",
        "Recurring",
        "Contract labor",
        "2026-12-01..12-31",
        "1h 15m",
        "check 1187",
        "status: partially paid",
    ] {
        assert!(screen.contains(text), "{text:?} missing:\n{screen}");
    }
    insta::assert_snapshot!("invoices_detail_80x24", screen);
}

#[test]
fn snapshot_invoices_payment_form_80x24() {
    let mut s = state("finance");
    act(&mut s, Action::Invoice(InvoiceKey::Pay));
    typed(&mut s, "250");
    insta::assert_snapshot!("invoices_payment_form_80x24", screen(&s));
}

#[test]
fn invoices_help_lists_every_binding_of_the_tab_at_80x24() {
    let mut s = state("technician");
    act(&mut s, Action::ToggleHelp);
    let screen = screen(&s);
    let missing: Vec<&str> = crate::tui::keymap::CATALOGUE
        .iter()
        .filter(|b| matches!(b.section, Section::Invoices | Section::List | Section::Global))
        .map(|b| b.description)
        .filter(|d| !screen.contains(d))
        .collect();
    assert!(missing.is_empty(), "help lacks {missing:?}:\n{screen}");
    assert!(screen.contains("invoices keys"), "{screen}");
}

#[test]
fn invoices_detail_tells_contract_from_non_contract_labor_of_one_ticket() {
    let mut s = state("finance");
    act(&mut s, Action::Open);
    let mut invoice = invoice(5, "Acme Family Dental", "2026-03-25", 11_250, 0);
    invoice.lines = vec![
        line(
            LineKind::Labor,
            "Non-contract labor, ticket #1042 at $150.00/h",
            30,
            15_000,
            7_500,
            None,
        ),
        line(
            LineKind::ContractLabor,
            "Contract labor, ticket #1042 at $150.00/h",
            15,
            15_000,
            3_750,
            None,
        ),
    ];
    let data = InvoiceData::Detail {
        number: "INV-000004".into(),
        invoice: Some(invoice),
        mail: Default::default(),
    };
    act(&mut s, Action::InvoiceData(Box::new(data)));
    let screen = screen(&s);
    let row = |text: &str| {
        screen
            .lines()
            .find(|l| l.contains(text))
            .unwrap_or_default()
            .to_string()
    };
    assert!(row("#1042 Non-contract labor").contains("$75.00"), "{screen}");
    assert!(row("#1042 Contract labor").contains("$37.50"), "{screen}");
    assert!(screen.lines().any(|l| l.trim() == "Contract labor"), "{screen}");
    assert!(screen.lines().any(|l| l.trim() == "Non-contract labor"), "{screen}");
}
