use super::*;
use rusqlite::Connection;

fn store() -> (tempfile::TempDir, Connection) {
    let dir = tempfile::tempdir().expect("temp dir");
    let conn = crate::store::open(&dir.path().join("t.db"), &Default::default()).expect("open store");
    conn.execute_batch(
        "INSERT INTO companies (key, name) VALUES ('a', 'Acme Family Dental');
         INSERT INTO contacts (key, company_id, name, email, phone, security_level)
           VALUES ('c1', 1, 'Dana Ruiz', 'dana@acme.test', '804-555-0101', 'manager');
         INSERT INTO technicians (key, login, name, role) VALUES ('t', 'tina', 'Tina Tech', 'technician');
         INSERT INTO technicians (key, login, name, role) VALUES ('d', 'dora', 'Dora Dispatch', 'dispatcher');",
    )
    .expect("seed");
    (dir, conn)
}

fn audit_rows(conn: &Connection, entity: &str) -> Vec<(String, String, String)> {
    let mut s = conn
        .prepare("SELECT field, old, new FROM audit WHERE entity = ?1 ORDER BY id")
        .expect("prepare");
    s.query_map([entity], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .expect("query")
        .collect::<Result<_, _>>()
        .expect("rows")
}

#[test]
fn a_dispatcher_changes_a_level_with_audit_and_a_technician_is_refused() {
    let (_d, conn) = store();
    let level = ContactChanges {
        level: Some(SecurityLevel::Billing),
        ..Default::default()
    };
    let e = update_contact(&conn, 1, 1, &level, 100).expect_err("technician refused");
    assert!(e.to_string().contains("dispatcher"), "{e}");
    assert!(audit_rows(&conn, "contact").is_empty());
    let done = update_contact(&conn, 2, 1, &level, 100).expect("dispatcher may");
    assert_eq!(done, vec![("security_level", "manager".into(), "billing".into())]);
    assert_eq!(
        audit_rows(&conn, "contact"),
        vec![("security_level".into(), "manager".into(), "billing".into())]
    );
    // The same level again changes nothing and writes no audit.
    assert!(update_contact(&conn, 2, 1, &level, 101).expect("no-op").is_empty());
    assert_eq!(audit_rows(&conn, "contact").len(), 1);
}

#[test]
fn the_first_user_may_make_themselves_admin_and_then_only_admins_change_roles() {
    let (_d, conn) = store();
    let e = set_role(&conn, 1, "dora", Role::Admin, 5).expect_err("not for someone else");
    assert!(e.to_string().contains("no admin yet"), "{e}");
    let c = set_role(&conn, 1, "tina", Role::Admin, 5).expect("bootstrap");
    assert!(c.bootstrap);
    let e = set_role(&conn, 2, "tina", Role::Technician, 6).expect_err("dispatcher refused");
    assert!(e.to_string().contains("only an admin"), "{e}");
    let e = set_role(&conn, 1, "tina", Role::Technician, 6).expect_err("last admin stays");
    assert!(e.to_string().contains("only admin"), "{e}");
    set_role(&conn, 1, "dora", Role::Finance, 7).expect("admin may");
    assert_eq!(
        audit_rows(&conn, "technician"),
        vec![
            ("role".into(), "technician".into(), "admin".into()),
            ("role".into(), "dispatcher".into(), "finance".into())
        ]
    );
}

#[test]
fn the_checklist_shows_seven_steps_and_records_changes() {
    let (_d, conn) = store();
    let items = onboarding(&conn, Some(1)).expect("read");
    assert_eq!(items.len(), 7);
    assert!(items.iter().all(|i| i.status == "pending"));
    set_onboarding(&conn, 2, 1, 3, ItemStatus::Done, "2026-11-25", 9).expect("set");
    let items = onboarding(&conn, Some(1)).expect("read");
    assert_eq!(items[3].status, "done");
    assert_eq!(items[3].date.as_deref(), Some("2026-11-25"));
    assert_eq!(items[3].who.as_deref(), Some("Dora Dispatch"));
    assert_eq!(audit_rows(&conn, "onboarding").len(), 1);
    assert!(set_onboarding(&conn, 2, 1, 7, ItemStatus::Done, "2026-11-25", 9).is_err());
}

#[test]
fn the_fallback_rotation_is_the_oncall_technicians_by_login() {
    let t = |login: &str, oncall| Technician {
        id: 0,
        login: login.into(),
        name: String::new(),
        role: "technician".into(),
        phone: String::new(),
        email: String::new(),
        oncall,
    };
    let techs = [t("zed", true), t("amy", true), t("bob", false)];
    assert_eq!(rotation_logins(&[], &techs), vec!["amy", "zed"]);
    assert_eq!(rotation_logins(&["bob".into()], &techs), vec!["bob"]);
}

#[test]
fn contacts_are_found_by_email_or_name() {
    let (_d, conn) = store();
    assert_eq!(find_contact(&conn, 1, "DANA@acme.test").expect("email"), 1);
    assert_eq!(find_contact(&conn, 1, "Dana").expect("prefix"), 1);
    assert!(find_contact(&conn, 1, "Nobody").is_err());
}
