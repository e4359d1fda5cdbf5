//! Mail test helpers: a store with known contacts, fixtures from
//! `tests/fixtures/mail`, and `pimdesk mail deliver` fed on stdin.
#![allow(dead_code)]

use std::io::Write;
use std::process::Stdio;

use super::cli::{Env, Run};

/// Acme Family Dental with Dana Ruiz (manager) and Lee Park (submitter);
/// Riverbend CPA with nobody yet.
pub fn store() -> Env {
    let env = Env::new();
    let doc = serde_json::json!({
      "companies": [{"key":"acme","name":"Acme Family Dental","industry":"healthcare"},
                    {"key":"river","name":"Riverbend CPA","industry":"accounting"}],
      "contacts":  [{"key":"c1","company":"acme","name":"Dana Ruiz","email":"dana.ruiz@acme.test","phone":"804-555-0101","security_level":"manager"},
                    {"key":"c2","company":"acme","name":"Lee Park","email":"lee.park@acme.test","phone":"804-555-0102","security_level":"submitter"}],
      "technicians": [{"key":"jt","name":"Jordan Tate","login":"jtate","role":"technician"}]
    });
    let file = env.write("seed.json", &doc.to_string());
    env.run(&["import", file.to_str().expect("utf-8")]).expect_code(0);
    env
}

/// The bytes of fixture `name`, each `(from, to)` replaced.
pub fn fixture(name: &str, replace: &[(&str, &str)]) -> Vec<u8> {
    let path = format!("{}/tests/fixtures/mail/{name}", env!("CARGO_MANIFEST_DIR"));
    let mut text = String::from_utf8(std::fs::read(&path).expect("fixture")).expect("fixtures are ASCII");
    for (from, to) in replace {
        text = text.replace(from, to);
    }
    text.into_bytes()
}

/// `pimdesk mail deliver` with `message` on stdin and extra environment.
pub fn deliver_with(env: &Env, message: &[u8], vars: &[(&str, &str)]) -> Run {
    let mut c = env.command(&["mail", "deliver"]);
    c.stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped());
    for (k, v) in vars {
        c.env(k, v);
    }
    let mut child = c.spawn().expect("run pimdesk");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(message)
        .expect("write the message");
    let out = child.wait_with_output().expect("wait");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

pub fn deliver(env: &Env, message: &[u8]) -> Run {
    deliver_with(env, message, &[])
}

/// `ticket show ID --json`.
pub fn ticket(env: &Env, id: i64) -> serde_json::Value {
    let r = env.run(&["ticket", "show", &id.to_string(), "--json"]);
    r.expect_code(0);
    serde_json::from_str(&r.stdout).expect("ticket json")
}

/// `mail outbox --json`, newest first.
pub fn outbox(env: &Env) -> Vec<serde_json::Value> {
    let r = env.run(&["mail", "outbox", "--json"]);
    r.expect_code(0);
    serde_json::from_str(&r.stdout).expect("outbox json")
}

/// `mail held --json`.
pub fn held(env: &Env) -> Vec<serde_json::Value> {
    let r = env.run(&["mail", "held", "--json"]);
    r.expect_code(0);
    serde_json::from_str(&r.stdout).expect("held json")
}

/// How many tickets the store has.
pub fn ticket_count(env: &Env) -> usize {
    let r = env.run(&["ticket", "list", "--json", "--limit", "1000"]);
    r.expect_code(0);
    serde_json::from_str::<Vec<serde_json::Value>>(&r.stdout)
        .expect("list json")
        .len()
}
