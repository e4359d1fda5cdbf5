//! Names, keys, agreement checks, calendar helpers and configured variants.

use super::tests::{agreement, d, done, entry, only, summary, Books};
use super::*;
use crate::domain::money::Cents;

#[test]
fn item_keys_round_trip_and_refuse_other_forms() {
    let keys = [
        ItemKey::Onboarding { agreement: 12 },
        ItemKey::Recurring {
            agreement: 12,
            service_month: d("2026-03-01"),
        },
        ItemKey::Project { agreement: 12 },
        ItemKey::Labor { entry: 345 },
        ItemKey::PrepaidLabor { entry: -1 },
    ];
    let texts: Vec<String> = keys.iter().map(ItemKey::encode).collect();
    assert_eq!(texts[1], "recurring:12:2026-03");
    assert_eq!(texts[4], "prepaid_labor:-1");
    for (k, t) in keys.iter().zip(&texts) {
        assert_eq!(ItemKey::decode(t).as_ref(), Some(k));
    }
    for bad in [
        "labor:07",
        "labor:+7",
        "recurring:12:2026-3",
        "recurring:12",
        "project:1:2026-01",
        "labor:",
        "x:1",
        "labor:1:",
    ] {
        assert_eq!(ItemKey::decode(bad), None, "{bad}");
    }
}

#[test]
fn names_parse_both_ways() {
    for p in Product::ALL {
        assert_eq!(p.as_str().parse::<Product>(), Ok(p));
        assert_ne!(p.is_contract(), p.is_project());
    }
    assert_eq!("enterprise email".parse::<Product>(), Ok(Product::EnterpriseEmail));
    let err = "SaaS".parse::<Product>().unwrap_err();
    assert!(err.to_string().contains("SaaS"));
    for k in LineKind::ALL {
        assert_eq!(k.as_str().parse::<LineKind>(), Ok(k));
    }
}

#[test]
fn check_agreement_refuses_what_cannot_be_billed() {
    let ok = agreement(18, 1, Product::Vm, "2026-01-01");
    assert_eq!(check_agreement(&ok), Ok(()));
    let mut neg = ok.clone();
    neg.monthly = Cents(-1);
    let mut backwards = ok.clone();
    backwards.ended = Some(d("2025-12-31"));
    let mut sms_project = agreement(19, 1, Product::Sms, "2026-01-01");
    sms_project.project_fee = Cents(100);
    for bad in [neg, backwards, sms_project] {
        let err = check_agreement(&bad).unwrap_err();
        assert!(err.to_string().starts_with(&format!("agreement {}", bad.id)));
    }
}

#[test]
fn calendar_helpers() {
    assert_eq!(days_in_month(d("2028-02-10")), 29);
    assert_eq!(days_in_month(d("2027-02-10")), 28);
    assert_eq!(month_end(d("2026-04-10")), d("2026-04-30"));
    assert_eq!(monday_after(d("2026-03-08")), d("2026-03-09")); // Sunday
    assert_eq!(monday_after(d("2026-03-09")), d("2026-03-16")); // Monday
    assert_eq!(run::round_up(70, 15), 75);
    assert_eq!(run::round_up(0, 15), 0);
    assert_eq!(run::round_up(7, 0), 7);
}

#[test]
fn time_logged_after_resolution_is_never_billed_before_its_own_day() {
    let mut sms = agreement(20, 200, Product::Sms, "2026-01-01");
    sms.labor_rate = Cents(12_000);
    let late_contract = done(entry(1, 2000, 200, "2026-03-05 09:00", 30), "2026-03-02");
    let late_walk_in = done(entry(2, 2010, 201, "2026-03-05 09:00", 30), "2026-03-02");
    let mut books = Books::new(vec![sms], vec![late_contract, late_walk_in]);
    assert!(books.run("2026-03-04").is_empty());
    assert_eq!(summary(&only(books.run("2026-03-05"))), [("contract_labor", 6_000, 30)]);
    // non-contract: 14 days after the entry's own day, not after completion
    assert!(books.run("2026-03-18").is_empty());
    assert_eq!(summary(&only(books.run("2026-03-19"))), [("labor", 7_500, 30)]);
}

#[test]
fn billing_in_the_service_month_itself_when_configured() {
    let mut sms = agreement(21, 210, Product::Sms, "2026-03-10");
    sms.monthly = Cents(31_000);
    let mut books = Books::new(vec![sms], vec![]);
    books.rules.months_in_advance = 0;
    // March 310 × 22/31 = $220.00 on execution; April waits for 1 April
    assert_eq!(summary(&only(books.run("2026-03-31"))), [("recurring", 22_000, 0)]);
    assert_eq!(summary(&only(books.run("2026-04-01"))), [("recurring", 31_000, 0)]);
}

#[test]
fn prepaid_allowance_is_full_in_a_partial_month() {
    let mut block = agreement(22, 220, Product::PrepaidLabor, "2026-03-20");
    block.prepaid_hours_per_month = 10;
    let e = entry(1, 2200, 220, "2026-03-23 09:00", 600);
    let mut books = Books::new(vec![block], vec![e]);
    assert_eq!(summary(&only(books.run("2026-03-30"))), [("prepaid_labor", 0, 600)]);
}

#[test]
fn contract_labor_at_a_zero_rate_records_the_time() {
    let sms = agreement(23, 230, Product::Sms, "2026-01-01");
    let e = done(entry(1, 2300, 230, "2026-03-03 09:00", 50), "2026-03-03");
    let mut books = Books::new(vec![sms], vec![e]);
    let inv = only(books.run("2026-03-03"));
    assert_eq!(summary(&inv), [("contract_labor", 0, 60)]);
    assert_eq!(inv.total, Cents::ZERO);
}
