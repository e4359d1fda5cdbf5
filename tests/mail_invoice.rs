//! Invoices by mail, as the guide says ("generated and emailed"): `invoice
//! send` and `invoice run --send` queue the invoice to the company's
//! contacts who view invoices and its billing address; `mail send` delivers
//! it to a real SMTP server (aiosmtpd) as text, HTML and a PDF whose text
//! (`pdftotext`, Debian's poppler-utils) shows the number and the total.
//! Without aiosmtpd or pdftotext these tests say "skipped" and pass, unless
//! PIMDESK_REQUIRE_TOOLS is set (CI), where they fail.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::books::books;
use common::cli::{Env, Run};
use common::smtp::{free_port, smtp_available, Smtp};
use mail_parser::MimeHeaders;

fn pdftotext_available() -> bool {
    let found = Command::new("pdftotext").arg("-v").output().is_ok();
    if !found {
        assert!(
            std::env::var_os("PIMDESK_REQUIRE_TOOLS").is_none(),
            "pdftotext (poppler-utils) is required here (PIMDESK_REQUIRE_TOOLS is set) but not installed"
        );
        let _ = std::io::Write::write_all(&mut std::io::stderr(), b"skipped: pdftotext is not installed\n");
    }
    found
}

/// The text of a PDF, as `pdftotext -layout` reads it.
fn pdf_text(file: &Path) -> String {
    let out = Command::new("pdftotext")
        .args(["-layout", file.to_str().unwrap(), "-"])
        .output()
        .expect("run pdftotext");
    assert!(
        out.status.success(),
        "pdftotext: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The books (current user finance), Acme's contacts — Dana (manager: views
/// invoices) and Lee (submitter: does not) — and a config sending to `port`.
fn setup(port: u16) -> (Env, PathBuf) {
    let env = books("finance");
    let doc = serde_json::json!({
      "contacts": [{"key":"c1","company":"acme","name":"Dana Ruiz","email":"dana.ruiz@acme.test","security_level":"manager"},
                   {"key":"c2","company":"acme","name":"Lee Park","email":"lee.park@acme.test","security_level":"submitter"}]
    });
    let file = env.write("contacts.json", &doc.to_string());
    env.run(&["import", file.to_str().unwrap()]).expect_code(0);
    let config = env.write(
        "smtp.toml",
        &format!("[mail.smtp]\nhost = \"127.0.0.1\"\nport = {port}\nsecurity = \"none\"\n"),
    );
    (env, config)
}

/// A command on the morning of 2026-04-01, after the March run.
fn run(env: &Env, config: &Path, args: &[&str]) -> Run {
    let mut c = env.command_with(&env.db, config, args);
    c.env("PIMDESK_NOW", "2026-04-01T08:00:00-04:00");
    common::cli::run(c)
}

/// The invoice numbers of a run's JSON, by company.
fn numbers(r: &Run) -> Vec<(String, String)> {
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap_or_else(|e| panic!("{e}: {r}"));
    v["invoices"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            (
                i["company"].as_str().unwrap().to_string(),
                i["number"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// The PDF attached to a received message, written to `file`.
fn attached_pdf(raw: &str, file: &Path) -> String {
    let msg = mail_parser::MessageParser::default()
        .parse(raw.as_bytes())
        .expect("a message");
    let pdf = msg
        .attachments()
        .find(|a| a.attachment_name().is_some_and(|n| n.ends_with(".pdf")))
        .unwrap_or_else(|| panic!("no PDF attached:\n{raw}"));
    let ct = pdf.content_type().expect("content type");
    assert_eq!((ct.ctype(), ct.subtype()), ("application", Some("pdf")));
    std::fs::write(file, pdf.contents()).unwrap();
    pdf.attachment_name().unwrap().to_string()
}

#[test]
fn an_invoice_is_mailed_to_who_views_invoices_with_its_pdf() {
    if !smtp_available() || !pdftotext_available() {
        return;
    }
    let port = free_port();
    let (env, config) = setup(port);
    let r = run(&env, &config, &["invoice", "run", "--as-of", "2026-03-31", "--json"]);
    r.expect_code(0);
    let invoices = numbers(&r);
    let acme = &invoices.iter().find(|(c, _)| c == "Acme Family Dental").unwrap().1;
    let walk = &invoices.iter().find(|(c, _)| c == "Walk-in Accounting").unwrap().1;
    let show: serde_json::Value =
        serde_json::from_str(&run(&env, &config, &["invoice", "show", acme, "--json"]).stdout).unwrap();
    let total = pimdesk::domain::money::Cents(show["total_cents"].as_i64().unwrap()).to_string();

    // Walk-in has nobody who receives invoices: refused, naming the fix, nothing queued.
    let refused = run(&env, &config, &["invoice", "send", walk]);
    assert_eq!(refused.code, 2, "{refused}");
    assert!(
        refused.stderr.contains("nobody receives Walk-in Accounting's invoices"),
        "{refused}"
    );
    assert!(refused.stderr.contains("company set-billing-email"), "{refused}");
    run(
        &env,
        &config,
        &["company", "set-billing-email", "Acme Family Dental", "ap@acme.test"],
    )
    .expect_code(0);

    let sent = run(&env, &config, &["invoice", "send", acme]);
    sent.expect_code(0);
    assert!(sent.stdout.contains("ap@acme.test, dana.ruiz@acme.test"), "{sent}");
    assert!(
        !sent.stdout.contains("lee.park"),
        "a submitter does not view invoices: {sent}"
    );
    let queued: serde_json::Value =
        serde_json::from_str(&run(&env, &config, &["invoice", "show", acme, "--json"]).stdout).unwrap();
    assert_eq!(
        queued["mailed"], "queued to ap@acme.test, dana.ruiz@acme.test",
        "{queued}"
    );

    let server = Smtp::start(port, &env.path("received"));
    let mut c = env.command_with(&env.db, &config, &["mail", "send", "--once"]);
    c.env("PIMDESK_NOW", "2026-04-01T09:00:00-04:00");
    common::cli::run(c).expect_code(0);
    let got = server.received();
    assert_eq!(got.len(), 2, "{got:?}");
    for raw in &got {
        assert!(
            raw.contains(&format!(
                "Subject: Invoice {acme} from ProActive Information Management"
            )),
            "{raw}"
        );
        let msg = mail_parser::MessageParser::default().parse(raw.as_bytes()).unwrap();
        let text = msg.body_text(0).expect("a text part");
        let html = msg.body_html(0).expect("an HTML part");
        for body in [text.as_ref(), html.as_ref()] {
            for want in [
                acme.as_str(),
                total.as_str(),
                "0192131032656766",
                "https://pim.myportallogin.com",
                "PayPal",
            ] {
                assert!(body.contains(want), "the mail does not say {want:?}:\n{body}");
            }
        }
        let file = env.path("mailed.pdf");
        assert_eq!(attached_pdf(raw, &file), format!("{acme}.pdf"));
        let words = pdf_text(&file);
        assert!(words.contains(&format!("INVOICE {acme}")), "{words}");
        assert!(
            words.contains(&total),
            "the PDF does not show the total {total}:\n{words}"
        );
        assert!(words.contains("Acme Family Dental"), "{words}");
    }
    let after: serde_json::Value =
        serde_json::from_str(&run(&env, &config, &["invoice", "show", acme, "--json"]).stdout).unwrap();
    assert_eq!(
        after["mailed"], "mailed 2026-04-01 09:00 to ap@acme.test, dana.ruiz@acme.test",
        "{after}"
    );

    // `invoice show --pdf` writes the same document.
    let file = env.path("shown.pdf");
    run(
        &env,
        &config,
        &["invoice", "show", acme, "--pdf", file.to_str().unwrap()],
    )
    .expect_code(0);
    let words = pdf_text(&file);
    assert!(
        words.contains(&format!("INVOICE {acme}")) && words.contains(&total),
        "{words}"
    );
    assert!(words.contains("Ways to pay"), "{words}");
}

#[test]
fn a_run_with_send_queues_each_new_invoice_and_tells_which_it_could_not() {
    let port = free_port();
    let (env, config) = setup(port);
    let r = run(&env, &config, &["invoice", "run", "--as-of", "2026-03-31", "--send"]);
    // Acme's invoice goes to Dana; Walk-in has nobody, said on stderr, exit 1.
    assert_eq!(r.code, 1, "{r}");
    assert!(r.stdout.contains("queued to dana.ruiz@acme.test"), "{r}");
    assert!(
        r.stderr
            .contains("not mailed: nobody receives Walk-in Accounting's invoices"),
        "{r}"
    );
    let outbox: serde_json::Value =
        serde_json::from_str(&run(&env, &config, &["mail", "outbox", "--json"]).stdout).unwrap();
    let rows = outbox.as_array().unwrap();
    assert_eq!(rows.len(), 1, "{outbox}");
    assert!(rows[0]["invoice"].as_str().unwrap().starts_with("INV-"), "{outbox}");
    // A technician may not mail invoices.
    let tech = books("technician");
    let r = tech.run(&["invoice", "send", "INV-000001"]);
    assert_eq!(r.code, 2, "{r}");
}
