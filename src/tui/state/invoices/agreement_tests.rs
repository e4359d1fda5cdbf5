//! The agreements view's forms: refusal by role, what is checked before the
//! store, the effect each produces, the store's refusal shown in the form.

use ratatui::crossterm::event::KeyCode;

use super::tests::{act, d, invoice_effects, key, screen, state, typed};
use super::*;
use crate::domain::billing::{Agreement, Product};
use crate::store::billing::agreements::{AgreementRow, PrepaidBalance};
use crate::store::directory::{Company, Directory};

fn agreement(id: i64, company_id: i64, product: Product) -> Agreement {
    Agreement {
        id,
        company_id,
        product,
        executed: d("2026-01-15"),
        project_completed: None,
        ended: None,
        onboarding_fee: Cents::ZERO,
        monthly: Cents(100_000),
        project_fee: Cents::ZERO,
        labor_rate: Cents(15_000),
        prepaid_hours_per_month: if product == Product::PrepaidLabor { 10 } else { 0 },
    }
}

fn row(key: &str, company: &str, a: Agreement) -> AgreementLine {
    let prepaid = (a.product == Product::PrepaidLabor).then_some(PrepaidBalance {
        allowance_minutes: 600,
        used_minutes: 150,
        overage_minutes: 0,
    });
    AgreementLine {
        row: AgreementRow {
            key: key.into(),
            company: company.into(),
            agreement: a,
        },
        prepaid,
    }
}

/// The agreements view on two companies (as the worker sends it), with the
/// directory's companies loaded (the new-agreement form picks from them).
fn agreements(role: &str) -> AppState {
    let mut s = state(role);
    let company = |id: i64, name: &str| Company {
        id,
        name: name.into(),
        industry: String::new(),
        city: String::new(),
        phone: String::new(),
    };
    let dir = Directory {
        companies: vec![company(1, "Acme Family Dental"), company(2, "Harbor Legal Group")],
        ..Directory::default()
    };
    act(&mut s, Action::DirectoryLoaded(Box::new(dir)));
    act(&mut s, Action::Invoice(InvoiceKey::Agreements));
    let rows = vec![
        row(
            "acme-sms-2026-01-15",
            "Acme Family Dental",
            agreement(1, 1, Product::Sms),
        ),
        row(
            "harbor-prepaid-labor-2026-01-15",
            "Harbor Legal Group",
            agreement(2, 2, Product::PrepaidLabor),
        ),
        row(
            "harbor-vm-2026-01-15",
            "Harbor Legal Group",
            agreement(3, 2, Product::Vm),
        ),
    ];
    let data = InvoiceData::Agreements {
        month: d("2026-11-25"),
        rows,
    };
    act(&mut s, Action::InvoiceData(Box::new(data)));
    s
}

fn enter() -> Action {
    key(KeyCode::Enter)
}

fn backspaces(s: &mut AppState, n: usize) {
    for _ in 0..n {
        act(s, key(KeyCode::Backspace));
    }
}

#[test]
fn agreements_a_technician_is_refused_every_change_with_the_roles_named() {
    let mut s = agreements("technician");
    for k in [
        InvoiceKey::NewAgreement,
        InvoiceKey::EndAgreement,
        InvoiceKey::CompleteAgreement,
    ] {
        s.message = None;
        assert_eq!(act(&mut s, Action::Invoice(k)), vec![]);
        assert!(s.invoices.form.is_none(), "{k:?} opened a form");
        let m = s.message_text().unwrap_or_default().to_string();
        assert!(
            m.contains("finance or admin role") && m.contains("you are technician"),
            "{m}"
        );
    }
}

#[test]
fn agreements_new_form_starts_on_the_selected_company_and_saves_one_effect() {
    let mut s = agreements("finance");
    act(&mut s, Action::Move(1)); // Harbor's prepaid block
    act(&mut s, Action::Invoice(InvoiceKey::NewAgreement));
    let Some(Form::Agreement(f)) = &s.invoices.form else {
        panic!("the agreement form opens: {:?}", s.invoices.form);
    };
    assert_eq!(f.company_name(), "Harbor Legal Group");
    assert_eq!((f.executed.as_str(), f.labor_rate.as_str()), ("2026-11-25", "150.00"));
    // Pick PREPAID_LABOR by its letter, then type the money and the hours.
    // The focus starts on Monthly; two fields up is Product.
    act(&mut s, Action::PrevField);
    act(&mut s, Action::PrevField);
    typed(&mut s, "p");
    act(&mut s, Action::NextField); // Executed
    backspaces(&mut s, 2);
    typed(&mut s, "01");
    act(&mut s, Action::NextField); // Monthly
    typed(&mut s, "1200.00");
    for _ in 0..4 {
        act(&mut s, Action::NextField);
    }
    backspaces(&mut s, 1);
    typed(&mut s, "10");
    let effects = invoice_effects(act(&mut s, enter()));
    let [InvoiceEffect::AddAgreement { agreement, .. }] = effects.as_slice() else {
        panic!("one AddAgreement effect: {effects:?}");
    };
    assert_eq!(agreement.company_id, 2);
    assert_eq!(agreement.product, Product::PrepaidLabor);
    assert_eq!(agreement.executed, d("2026-11-01"));
    assert_eq!(agreement.monthly, Cents(120_000));
    assert_eq!(agreement.labor_rate, Cents(15_000));
    assert_eq!(agreement.prepaid_hours_per_month, 10);
    assert!(s.invoices.saving);
    // Saved: the form closes, the message says so and the balances reload.
    let e = invoice_effects(act(
        &mut s,
        Action::Saved {
            message: "agreement harbor-prepaid-labor-2026-11-01 added (audited)".into(),
            ticket: None,
        },
    ));
    assert!(s.invoices.form.is_none());
    assert!(
        e.iter().any(|e| matches!(e, InvoiceEffect::LoadAgreements { .. })),
        "{e:?}"
    );
    assert!(s.message_text().is_some_and(|m| m.contains("added")));
}

#[test]
fn agreements_new_form_checks_typing_and_shows_the_stores_refusal() {
    let mut s = agreements("admin");
    act(&mut s, Action::Invoice(InvoiceKey::NewAgreement));
    // Monthly is empty: nothing goes to the store.
    assert_eq!(act(&mut s, enter()), vec![]);
    let form_error = |s: &AppState| match &s.invoices.form {
        Some(Form::Agreement(f)) => f.error.clone().unwrap_or_default(),
        other => panic!("the form stays open: {other:?}"),
    };
    assert!(form_error(&s).starts_with("monthly:"), "{}", form_error(&s));
    typed(&mut s, "12x");
    assert_eq!(act(&mut s, enter()), vec![]);
    assert!(form_error(&s).contains("monthly"), "{}", form_error(&s));
    backspaces(&mut s, 1);
    act(&mut s, Action::NextField); // Onboarding
    backspaces(&mut s, 4);
    typed(&mut s, "-5.00");
    // A negative amount is the store's to refuse, in its words.
    let effects = invoice_effects(act(&mut s, enter()));
    assert!(
        matches!(effects.as_slice(), [InvoiceEffect::AddAgreement { agreement, .. }] if agreement.onboarding_fee == Cents(-500)),
        "{effects:?}"
    );
    act(
        &mut s,
        Action::SaveRefused {
            message: "the agreement: onboarding fee is negative".into(),
            conflict: None,
        },
    );
    assert!(!s.invoices.saving);
    assert_eq!(form_error(&s), "the agreement: onboarding fee is negative");
    assert!(
        screen(&s).contains("refused: the agreement: onboarding fee is negative"),
        "{}",
        screen(&s)
    );
}

#[test]
fn agreements_end_and_complete_send_the_selected_key_and_date() {
    let mut s = agreements("finance");
    act(&mut s, Action::Move(5)); // clamps on the last: Harbor's VM
    assert_eq!(s.invoices.agreements.as_ref().map(|a| a.selected), Some(2));
    act(&mut s, Action::Invoice(InvoiceKey::EndAgreement));
    backspaces(&mut s, 2);
    typed(&mut s, "30");
    let effects = invoice_effects(act(&mut s, enter()));
    assert_eq!(
        effects,
        vec![InvoiceEffect::EndAgreement {
            key: "harbor-vm-2026-01-15".into(),
            date: d("2026-11-30"),
            at: s.now.timestamp()
        }]
    );
    act(
        &mut s,
        Action::SaveRefused {
            message: "agreement harbor-vm-2026-01-15 ends before it was executed".into(),
            conflict: None,
        },
    );
    assert!(
        matches!(&s.invoices.form, Some(Form::AgreementDate(f)) if f.error.as_deref().is_some_and(|e| e.contains("ends before")))
    );
    act(&mut s, Action::Cancel);

    // Completing SMS is for the store to refuse (not a project product).
    act(&mut s, Action::First);
    act(&mut s, Action::Invoice(InvoiceKey::CompleteAgreement));
    backspaces(&mut s, 10);
    typed(&mut s, "2026-11-");
    assert_eq!(act(&mut s, enter()), vec![], "an incomplete date stays in the form");
    typed(&mut s, "20");
    let effects = invoice_effects(act(&mut s, enter()));
    assert_eq!(
        effects,
        vec![InvoiceEffect::CompleteAgreement {
            key: "acme-sms-2026-01-15".into(),
            date: d("2026-11-20"),
            at: s.now.timestamp()
        }]
    );
}

#[test]
fn agreements_keys_outside_the_agreements_view_say_where_to_go() {
    let mut s = state("finance");
    assert_eq!(act(&mut s, Action::Invoice(InvoiceKey::NewAgreement)), vec![]);
    assert!(s.invoices.form.is_none());
    assert!(s.message_text().is_some_and(|m| m.contains("press A")));
}

#[test]
fn snapshot_agreement_form_80x24() {
    let mut s = agreements("finance");
    act(&mut s, Action::Invoice(InvoiceKey::NewAgreement));
    typed(&mut s, "1200.00");
    let screen = screen(&s);
    for text in [
        "New agreement",
        "Acme Family Dental",
        "SMS",
        ">Monthly",
        "1200.00",
        "150.00",
    ] {
        assert!(screen.contains(text), "{text:?} missing:\n{screen}");
    }
    insta::assert_snapshot!("agreement_form_80x24", screen);
}

#[test]
fn invoices_agreements_show_this_months_prepaid_balance_and_overage() {
    let mut s = state("technician");
    act(&mut s, Action::Invoice(InvoiceKey::Agreements));
    let agreement = |id: i64, company_id: i64, product: Product, hours: u32| Agreement {
        id,
        company_id,
        product,
        executed: d("2026-01-15"),
        project_completed: None,
        ended: None,
        onboarding_fee: Cents::ZERO,
        monthly: Cents(100_000),
        project_fee: Cents::ZERO,
        labor_rate: Cents(15_000),
        prepaid_hours_per_month: hours,
    };
    let line = |company: &str, a: Agreement, prepaid: Option<(i64, i64, i64)>| AgreementLine {
        row: AgreementRow {
            key: format!("k{}", a.id),
            company: company.into(),
            agreement: a,
        },
        prepaid: prepaid.map(|(allowance_minutes, used_minutes, overage_minutes)| PrepaidBalance {
            allowance_minutes,
            used_minutes,
            overage_minutes,
        }),
    };
    let rows = vec![
        line("Acme Family Dental", agreement(1, 1, Product::Sms, 0), None),
        line(
            "Acme Family Dental",
            agreement(2, 1, Product::PrepaidLabor, 10),
            Some((600, 150, 0)),
        ),
        line(
            "Harbor Legal Group",
            agreement(3, 2, Product::PrepaidLabor, 2),
            Some((120, 120, 30)),
        ),
        line("Harbor Legal Group", agreement(4, 2, Product::Vm, 0), None),
    ];
    let data = InvoiceData::Agreements {
        month: d("2026-11-25"),
        rows,
    };
    act(&mut s, Action::InvoiceData(Box::new(data)));
    let screen = screen(&s);
    for text in [
        "prepaid hours for November 2026",
        "prepaid: 2h 30m of 10h 00m used, 7h 30m left",
        // Prepaid hours used never exceed the allowance; the overage is apart.
        "prepaid: 2h 00m of 2h 00m used, 0h 30m over, billed as contract labor",
        "awaiting completion",
    ] {
        assert!(screen.contains(text), "{text:?} missing:\n{screen}");
    }
}
