//! The books of the billing tests: two companies, one agreement, one
//! resolved ticket each with 70 billable minutes, and the current user with
//! the role a test needs.

#![allow(dead_code)] // each test binary uses some of these

use serde_json::json;

use super::cli::Env;

/// The login pimdesk sees for this process (the real uid's account).
pub fn current_login(env: &Env) -> String {
    let r = env.run(&["doctor"]);
    r.stdout
        .lines()
        .find_map(|l| l.strip_prefix("user:"))
        .map(|l| l.trim().to_string())
        .unwrap_or_else(|| panic!("doctor did not name the user:\n{r}"))
}

/// Acme (SMS executed 2026-03-10: $500 onboarding, $1,200/month, $150/h)
/// and Walk-in Accounting (no agreement), each with one ticket resolved on
/// 2026-03-12 carrying 70 billable minutes; the current user has `role`.
pub fn books(role: &str) -> Env {
    let env = Env::new();
    let me = current_login(&env);
    let doc = json!({
      "companies": [{"key":"acme","name":"Acme Family Dental","industry":"healthcare"},
                    {"key":"walk","name":"Walk-in Accounting","industry":"accounting"}],
      "technicians": [{"key":"me","name":"Current User","login":me,"role":role},
                      {"key":"jt","name":"Jordan Tate","login":"jtate-billing-test","role":"technician"}],
      "agreements": [{"key":"a1","company":"acme","product":"SMS","executed":"2026-03-10","project_completed":null,"ended":null,
                      "onboarding_fee_cents":50000,"monthly_cents":120000,"project_fee_cents":0,"labor_rate_cents":15000,"prepaid_hours_per_month":0}],
      "tickets": [
        {"key":"t1","company":"acme","summary":"Printer offline","priority":3,"status":"Resolved","board":"Service Desk","source":"phone",
         "opened":"2026-03-12T09:05:00-04:00","first_response":"2026-03-12T09:20:00-04:00","resolved":"2026-03-12T11:00:00-04:00"},
        {"key":"t2","company":"walk","summary":"Email down","priority":2,"status":"Resolved","board":"Service Desk","source":"phone",
         "opened":"2026-03-12T09:05:00-04:00","first_response":"2026-03-12T09:20:00-04:00","resolved":"2026-03-12T11:00:00-04:00"}],
      "time_entries": [
        {"ticket":"t1","technician":"jt","start":"2026-03-12T09:20:00-04:00","minutes":70,"billable":true,"note":"Replaced driver"},
        {"ticket":"t2","technician":"jt","start":"2026-03-12T09:20:00-04:00","minutes":70,"billable":true,"note":"Fixed MX"}]
    });
    let file = env.write("books.json", &doc.to_string());
    env.run(&["import", file.to_str().expect("utf-8 path")]).expect_code(0);
    env
}
