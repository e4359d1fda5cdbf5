//! The payment and void forms: checks before the store, one effect each,
//! the store's refusal shown in the form.

use ratatui::crossterm::event::KeyCode;

use super::tests::{act, at, d, invoice_effects, key, state, typed, NOW};
use super::*;
use crate::store::billing::PaymentMethod;
use crate::tui::keymap::Section;
use crate::tui::view;

/// Types an amount, picks ACH and types the reference in the open form.
fn type_ach_payment(s: &mut AppState, amount: &str, reference: &str) {
    typed(s, amount);
    act(s, Action::NextField);
    act(s, key(KeyCode::Right)); // Check -> ACH
    act(s, Action::NextField);
    act(s, Action::NextField);
    typed(s, reference);
}

#[test]
fn invoices_payment_form_saves_through_one_effect_and_shows_a_refusal() {
    let mut s = state("finance");
    act(&mut s, Action::Invoice(InvoiceKey::Pay));
    assert!(form_open(&s));
    assert_eq!(view::sections(&s), vec![Section::Editor], "the form sees typed keys");
    type_ach_payment(&mut s, "5000.00", "ACH 7781");
    let effects = invoice_effects(act(&mut s, key(KeyCode::Enter)));
    assert_eq!(
        effects,
        vec![InvoiceEffect::Pay {
            number: "INV-000004".into(),
            amount: Cents(500_000),
            method: PaymentMethod::Ach,
            date: d("2026-11-25"),
            reference: "ACH 7781".into(),
            at: at(NOW).timestamp(),
        }]
    );
    assert!(s.invoices.saving);
    // The store refuses the over-payment: the form stays, with its words.
    let refusal = "$5,000.00 on INV-000004 would over-pay it: its balance is $1,700.00".to_string();
    act(
        &mut s,
        Action::SaveRefused {
            message: refusal.clone(),
            conflict: None,
        },
    );
    match &s.invoices.form {
        Some(Form::Payment(p)) => {
            assert_eq!(p.error.as_deref(), Some(refusal.as_str()));
            assert_eq!(p.amount, "5000.00");
        }
        other => panic!("the payment form stays open: {other:?}"),
    }
    assert!(!s.invoices.saving);
    // A smaller amount lands; the list reloads.
    for _ in 0..7 {
        act(&mut s, key(KeyCode::Up));
        act(&mut s, key(KeyCode::Down));
    }
    if let Some(Form::Payment(p)) = s.invoices.form.as_mut() {
        p.focus = 0;
        p.amount.clear();
    }
    typed(&mut s, "500");
    assert_eq!(invoice_effects(act(&mut s, Action::Save)).len(), 1);
    let effects = invoice_effects(act(
        &mut s,
        Action::Saved {
            message: "recorded $500.00 by ACH on INV-000004; balance $1,200.00 (partially paid)".into(),
            ticket: None,
        },
    ));
    assert!(s.invoices.form.is_none());
    assert!(s.message_text().is_some_and(|m| m.contains("partially paid")));
    assert_eq!(effects, vec![InvoiceEffect::Load { today: d("2026-11-25") }]);
}

#[test]
fn invoices_payment_form_checks_amount_and_date_before_the_store() {
    let mut s = state("admin");
    act(&mut s, Action::Invoice(InvoiceKey::Pay));
    typed(&mut s, "12.345");
    assert!(invoice_effects(act(&mut s, Action::Save)).is_empty());
    let Some(Form::Payment(p)) = &s.invoices.form else {
        panic!("form open")
    };
    assert!(
        p.error.as_deref().is_some_and(|e| e.starts_with("amount:")),
        "{:?}",
        p.error
    );
    if let Some(Form::Payment(p)) = s.invoices.form.as_mut() {
        p.amount = "10".into();
        p.date = "2026-13-01".into();
    }
    assert!(invoice_effects(act(&mut s, Action::Save)).is_empty());
    let Some(Form::Payment(p)) = &s.invoices.form else {
        panic!("form open")
    };
    assert!(
        p.error.as_deref().is_some_and(|e| e.starts_with("date:")),
        "{:?}",
        p.error
    );
    // Esc leaves without writing.
    assert!(act(&mut s, Action::Cancel).is_empty());
    assert!(s.invoices.form.is_none());
}

#[test]
fn invoices_void_needs_a_reason_then_voids_through_the_store() {
    let mut s = state("finance");
    act(&mut s, Action::Move(1)); // INV-000003
    act(&mut s, Action::Invoice(InvoiceKey::Void));
    assert!(invoice_effects(act(&mut s, key(KeyCode::Enter))).is_empty());
    let Some(Form::Void(v)) = &s.invoices.form else {
        panic!("void form open")
    };
    assert!(v.error.as_deref().is_some_and(|e| e.contains("reason")));
    typed(&mut s, "duplicate");
    let effects = invoice_effects(act(&mut s, key(KeyCode::Enter)));
    assert_eq!(
        effects,
        vec![InvoiceEffect::Void {
            number: "INV-000003".into(),
            reason: "duplicate".into(),
            at: at(NOW).timestamp(),
        }]
    );
}
