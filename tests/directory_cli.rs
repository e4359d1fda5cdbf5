//! `pimdesk oncall`, `pimdesk tech` and `pimdesk contact` against real store
//! files. The clock is frozen at Wednesday 2026-11-25 14:00 New York (office
//! open). The demo's on-call technicians, by login, are cfoster, ibrooks,
//! jtate, rholloway, swhitaker; week 46 of the rotation (from Monday
//! 2026-01-05 08:00) is ibrooks's.

mod common;

use common::cli::Env;
use rusqlite::Connection;

fn demo() -> Env {
    let env = Env::new();
    env.demo_into(&env.db, 20, 1);
    env
}

fn me() -> String {
    pimdesk::platform::current_login()
}

fn make_me(env: &Env, role: &str) {
    let conn = Connection::open(&env.db).expect("open store");
    conn.execute(
        "INSERT INTO technicians (key, login, name, role) VALUES (?1, ?1, ?1, ?2)
         ON CONFLICT(login) DO UPDATE SET role = ?2",
        [me().as_str(), role],
    )
    .expect("set my role");
}

#[test]
fn inside_hours_the_office_answers_and_names_tonights_technician() {
    let env = demo();
    let r = env.run(&["oncall"]);
    r.expect_code(0).expect_no_panic();
    assert!(r.stdout.contains("the office is open"), "{r}");
    assert!(r.stdout.contains("Support: 804-897-8347"), "{r}");
    assert!(
        r.stdout
            .contains("On call tonight from Wed Nov 25 17:00 EST: Imani Brooks (ibrooks), phone 804-555-2133"),
        "{r}"
    );
}

#[test]
fn outside_hours_it_names_who_is_on_call_and_how_to_reach_them() {
    let env = demo();
    let r = env.run(&["oncall", "--at", "2026-11-25T20:00:00-05:00"]);
    r.expect_code(0);
    assert!(r.stdout.contains("after hours. On call: Imani Brooks (ibrooks)"), "{r}");
    assert!(
        r.stdout.contains("804-555-2133") && r.stdout.contains("ibrooks@proactive-info.com"),
        "{r}"
    );
    // Thanksgiving and the day after are holidays: the office opens Monday.
    assert!(r.stdout.contains("until the office opens Mon Nov 30 08:00 EST"), "{r}");
    let j = env.run(&["oncall", "--at", "2026-11-28T03:00:00-05:00", "--json"]);
    j.expect_code(0);
    let v: serde_json::Value = serde_json::from_str(&j.stdout).expect("json");
    assert_eq!(v["office_open"], false);
    assert_eq!(v["on_call"]["login"], "ibrooks");
    assert_eq!(v["on_call"]["phone"], "804-555-2133");
}

#[test]
fn the_config_rotation_hands_over_on_monday_morning() {
    let env = demo();
    let config = env.write("rot.toml", "[oncall]\nrotation = [\"jtate\", \"cfoster\"]\n");
    let at = |t: &str| env.run_with(&env.db, &config, &["oncall", "--at", t]);
    let sunday = at("2026-11-29T23:00:00-05:00");
    sunday.expect_code(0);
    assert!(sunday.stdout.contains("On call: Jordan Tate (jtate)"), "{sunday}");
    let before = at("2026-11-30T07:59:00-05:00");
    assert!(before.stdout.contains("On call: Jordan Tate"), "{before}");
    let monday = at("2026-11-30T08:00:00-05:00");
    assert!(monday.stdout.contains("the office is open"), "{monday}");
    assert!(
        monday
            .stdout
            .contains("On call tonight from Mon Nov 30 17:00 EST: Caleb Foster (cfoster)"),
        "{monday}"
    );
    let night = at("2026-11-30T18:00:00-05:00");
    assert!(night.stdout.contains("On call: Caleb Foster"), "{night}");
}

#[test]
fn without_a_rotation_or_on_call_technicians_nobody_answers_and_it_says_so() {
    let env = Env::new();
    let r = env.run(&["oncall", "--at", "2026-11-25T20:00:00-05:00"]);
    r.expect_code(1).expect_no_panic();
    assert!(r.stdout.contains("nobody is on call"), "{r}");
    assert!(r.stdout.contains("[oncall] rotation"), "{r}");
    let bad = env.run(&["oncall", "--at", "tonight"]);
    bad.expect_code(2);
    assert!(
        bad.stderr.contains("\"tonight\" is not a time") && bad.stderr.contains("2026-11-27 16:30"),
        "{bad}"
    );
    let config = env.write("bad.toml", "[oncall]\nstart = \"2026-01-06\"\n");
    let r = env.run_with(&env.db, &config, &["oncall"]);
    r.expect_code(2);
    assert!(r.stderr.contains("Monday"), "{r}");
}

#[test]
fn only_an_admin_changes_roles_but_the_first_user_may_become_admin() {
    let demo = demo();
    let r = demo.run(&["tech", "set-role", "jtate", "dispatcher"]);
    r.expect_code(2);
    assert!(r.stderr.contains("only an admin may change roles"), "{r}");
    let r = demo.run(&["tech", "set-role", "jtate", "wizard"]);
    r.expect_code(2);
    assert!(r.stderr.contains("unknown role"), "{r}");

    let env = Env::new();
    let r = env.run(&["tech", "set-role", &me(), "admin"]);
    r.expect_code(0);
    assert!(r.stdout.contains("no admin"), "the bootstrap is explained: {r}");
    assert!(r.stdout.contains("file's permissions"), "{r}");
    let r = env.run(&["tech", "set-role", &me(), "technician"]);
    r.expect_code(2);
    assert!(r.stderr.contains("only admin"), "the last admin stays: {r}");
    let conn = Connection::open(&env.db).expect("open");
    let audit: (String, String, String) = conn
        .query_row(
            "SELECT field, old, new FROM audit WHERE entity = 'technician'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .expect("one audit row");
    assert_eq!(audit, ("role".into(), "technician".into(), "admin".into()));
    let list = env.run(&["tech", "list", "--json"]);
    let v: serde_json::Value = serde_json::from_str(&list.stdout).expect("json");
    assert_eq!(v[0]["role"], "admin");
}

#[test]
fn a_dispatcher_sets_a_contacts_level_with_an_audit_row() {
    let env = demo();
    let conn = Connection::open(&env.db).expect("open");
    let (id, company, email): (i64, String, String) = conn
        .query_row(
            "SELECT ct.id, c.name, ct.email FROM contacts ct JOIN companies c ON c.id = ct.company_id
             WHERE ct.security_level = 'viewer' ORDER BY ct.id LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .expect("a viewer");
    let args = ["contact", "set-level", &email, "--company", &company, "billing"];
    let r = env.run(&args);
    r.expect_code(2);
    assert!(r.stderr.contains("dispatcher"), "a technician is refused: {r}");
    make_me(&env, "dispatcher");
    let r = env.run(&args);
    r.expect_code(0);
    assert!(r.stdout.contains("viewer -> billing"), "{r}");
    assert!(r.stdout.contains("view invoices, make payments"), "{r}");
    let (level, audit): (String, i64) = conn
        .query_row(
            "SELECT security_level, (SELECT count(*) FROM audit a JOIN technicians t ON t.id = a.who_id
               WHERE a.entity = 'contact' AND a.entity_id = ?1 AND a.old = 'viewer' AND a.new = 'billing' AND t.login = ?2)
             FROM contacts WHERE id = ?1",
            rusqlite::params![id, me()],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .expect("the contact");
    assert_eq!((level.as_str(), audit), ("billing", 1));
    let bad = env.run(&["contact", "set-level", &email, "--company", &company, "boss"]);
    bad.expect_code(2);
    assert!(bad.stderr.contains("levels: submitter"), "{bad}");
    let list = env.run(&["contact", "list", "--company", &company, "--json"]);
    let v: serde_json::Value = serde_json::from_str(&list.stdout).expect("json");
    let row = v
        .as_array()
        .expect("array")
        .iter()
        .find(|c| c["email"] == email.as_str())
        .expect("listed");
    assert_eq!(row["security_level"], "billing");
    assert_eq!(row["rights"][3], "make payments");
}
